//! `<P>_bridge.cpp`: host-only C-simulation entry points with C linkage, converting bus values the
//! way the hardware's interface does (docs/semantics.md, "Bus → input, output → bus").

use super::plan::Plan;
use super::stamp;
use crate::config::{BusType, IoType};

/// The C++ spelling of a bus type.
fn bus_cpp(bus: &BusType) -> String {
    match bus {
        BusType::Float => "float".into(),
        BusType::Double => "double".into(),
        BusType::Fixed(t) => t.to_string(),
    }
}

/// The text of `<P>_bridge.cpp`.
pub fn bridge(plan: &Plan) -> String {
    let p = plan.name();
    let board = &plan.project.config.board;
    let (bus_in, bus_out) = (bus_cpp(&board.input_type), bus_cpp(&board.output_type));
    let to_bus = match board.output_type {
        BusType::Float => "y.to_float()",
        BusType::Double => "y.to_double()",
        BusType::Fixed(_) => "bus_out_t(y)",
    };
    let (from_bus_f32, from_bus_f64) = match board.output_type {
        BusType::Fixed(_) => ("b.to_float()", "b.to_double()"),
        _ => ("(float)b", "(double)b"),
    };
    let run = match plan.io {
        IoType::Parallel => format!(
            r#"    input_t x[N_IN];
    for (unsigned i = 0; i < N_IN; i++) x[i] = input_from_bus(bus_in_t(in[i]));
    result_t y[N_OUT];
    {p}(x, y);
    for (unsigned j = 0; j < N_OUT; j++) out[j] = api_value<value_T>(result_to_bus(y[j]));"#
        ),
        IoType::Stream => format!(
            r#"    hls::stream<input_pack_t> x("input");
    for (unsigned p = 0; p < N_IN / input_pack_t::size; p++) {{
        input_pack_t position;
        for (unsigned c = 0; c < input_pack_t::size; c++) {{
            position[c] = input_from_bus(bus_in_t(in[p * input_pack_t::size + c]));
        }}
        x.write(position);
    }}
    hls::stream<result_pack_t> y("output");
    {p}(x, y);
    for (unsigned p = 0; p < N_OUT / result_pack_t::size; p++) {{
        const result_pack_t position = y.read();
        for (unsigned c = 0; c < result_pack_t::size; c++) {{
            out[p * result_pack_t::size + c] = api_value<value_T>(result_to_bus(position[c]));
        }}
    }}"#
        ),
    };
    format!(
        r#"{stamp}
// Host only: not part of the firmware. Build it with firmware/{p}.cpp and the host ap_* headers.
#include "firmware/{p}.h"

namespace {{

// What travels on the bus.
typedef {bus_in} bus_in_t;
typedef {bus_out} bus_out_t;

// The interface's conversions: bus word -> input value, result -> bus word.
input_t input_from_bus(const bus_in_t& v) {{ return input_t(v); }}
bus_out_t result_to_bus(const result_t& y) {{ return {to_bus}; }}

// A bus word read back as the caller's number type.
template <class value_T> value_T api_value(const bus_out_t& b);
template <> float api_value<float>(const bus_out_t& b) {{ return {from_bus_f32}; }}
template <> double api_value<double>(const bus_out_t& b) {{ return {from_bus_f64}; }}

// One sample through the firmware: N_IN values in, N_OUT values out.
template <class value_T> void predict_one(const value_T* in, value_T* out) {{
{run}
}}

}}  // namespace

extern "C" {{

// Runs n samples: `in` holds n * N_IN values (channels last), `out` receives n * N_OUT.
void {p}_predict_batch_f32(const float* in, float* out, unsigned long n) {{
    for (unsigned long s = 0; s < n; s++) predict_one(in + s * N_IN, out + s * N_OUT);
}}

// The same with double values (converted to the bus type first).
void {p}_predict_batch_f64(const double* in, double* out, unsigned long n) {{
    for (unsigned long s = 0; s < n; s++) predict_one(in + s * N_IN, out + s * N_OUT);
}}

// Values of one input and one output sample.
unsigned long {p}_input_size(void) {{ return N_IN; }}
unsigned long {p}_output_size(void) {{ return N_OUT; }}

}}  // extern "C"

#ifdef HLS4ML_CSIM_MAIN
// A command-line runner (built with -DHLS4ML_CSIM_MAIN): `runner IN OUT` reads raw little-endian
// f32 inputs (n * N_IN values) from the file IN and writes the n * N_OUT f32 outputs to OUT.
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {{
    if (argc != 3) {{
        std::fprintf(stderr, "usage: %s INPUTS.f32 OUTPUTS.f32\n", argv[0]);
        return 2;
    }}
    std::FILE* f = std::fopen(argv[1], "rb");
    if (!f) {{
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 3;
    }}
    std::fseek(f, 0, SEEK_END);
    const long bytes = std::ftell(f);
    std::fseek(f, 0, SEEK_SET);
    const unsigned long values = (unsigned long)bytes / sizeof(float);
    if (bytes < 0 || values % N_IN != 0 || (unsigned long)bytes % sizeof(float) != 0) {{
        std::fprintf(stderr, "%s holds %ld bytes: not a whole number of %d-value samples\n", argv[1], bytes, N_IN);
        return 4;
    }}
    const unsigned long n = values / N_IN;
    float* in = (float*)std::malloc(values * sizeof(float) + 1);
    float* out = (float*)std::malloc(n * N_OUT * sizeof(float) + 1);
    if (!in || !out || std::fread(in, sizeof(float), values, f) != values) {{
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 4;
    }}
    std::fclose(f);
    {p}_predict_batch_f32(in, out, n);
    std::FILE* g = std::fopen(argv[2], "wb");
    if (!g || std::fwrite(out, sizeof(float), n * N_OUT, g) != n * N_OUT || std::fclose(g) != 0) {{
        std::fprintf(stderr, "cannot write %s\n", argv[2]);
        return 5;
    }}
    std::free(in);
    std::free(out);
    return 0;
}}
#endif
"#,
        stamp = stamp(
            plan,
            "C-simulation entry points for the host: batches of float or double samples."
        )
    )
}
