//! `<P>_axi_bridge.cpp`: host-only entry points with C linkage into the AXI wrapper's C simulation.
//! The typed driver's `csim()` backend and the virtual board call them with bus words as 64-bit
//! integers (the word's bits in the low bits), so the real wrapper — its stream protocol, register
//! arrays or memory masters — runs between the driver and the firmware.

use super::Wrapper;
use crate::accel::bus::Bus;
use crate::config::{BusType, Interface};

impl Wrapper<'_> {
    /// The text of `<P>_axi_bridge.cpp`.
    pub(super) fn bridge(&self) -> String {
        let top = self.top;
        let mut s = self.stamp(&format!(
            "Host-only entry points with C linkage into the C simulation of {top} ({}): bus words as\n\
             // 64-bit integers in, the wrapper's words out. Not for synthesis.",
            self.interface().as_str()
        ));
        s.push_str(&format!(
            "\n#include <stddef.h>\n#include <stdint.h>\n#include <vector>\n\n#include \"firmware/{top}.h\"\n\n"
        ));
        let stream = self.interface() == Interface::AxiStream;
        s.push_str(&word_codec("in", &self.input, true, stream));
        s.push_str(&word_codec("out", &self.output, false, stream));
        match self.interface() {
            Interface::AxiStream => s.push_str(&format!(
                r#"// Runs n_in input beats (whole samples: N_IN beats each) through {top}, one call per sample as the
// free-running IP does, and returns the beats it wrote (N_OUT per sample) with their TLAST.
extern "C" void {top}_stream_run(const uint64_t* in_data, const unsigned char* in_last, size_t n_in,
                                 uint64_t* out_data, unsigned char* out_last, size_t* n_out) {{
    hls::stream<axis_in_t> in("in");
    hls::stream<axis_out_t> out("out");
    for (size_t i = 0; i < n_in; i++) {{
        axis_in_t beat;
        beat.data = tdata_in(in_data[i]);
        beat.keep = -1;
        beat.strb = -1;
        beat.last = in_last[i] ? 1 : 0;
        in.write(beat);
    }}
    for (size_t s = 0; s < n_in / N_IN; s++) {{
        {top}(in, out);
    }}
    size_t k = 0;
    while (!out.empty()) {{
        const axis_out_t beat = out.read();
        out_data[k] = bits_from_tdata_out(beat.data);
        out_last[k] = beat.last == 1 ? 1 : 0;
        k++;
    }}
    *n_out = k;
}}
"#
            )),
            Interface::AxiLite => s.push_str(&format!(
                r#"// One start of {top}: the words of the `in` registers in, those of the `out` registers out.
extern "C" void {top}_lite_run(const uint64_t* in_words, uint64_t* out_words) {{
    word_in_t in[N_IN];
    word_out_t out[N_OUT];
    for (unsigned i = 0; i < N_IN; i++) {{
        in[i] = word_in_from_bits(in_words[i]);
    }}
    {top}(in, out);
    for (unsigned j = 0; j < N_OUT; j++) {{
        out_words[j] = bits_from_word_out(out[j]);
    }}
}}
"#
            )),
            Interface::AxiMaster => s.push_str(&format!(
                r#"// One start of {top} with n samples: the packed little-endian words of the input buffer in, those
// of the output buffer out ({in_bytes} and {out_bytes} bytes a word).
extern "C" void {top}_master_run(const unsigned char* in_memory, unsigned char* out_memory, unsigned n) {{
    std::vector<word_in_t> in((size_t)n * N_IN);
    std::vector<word_out_t> out((size_t)n * N_OUT);
    for (size_t i = 0; i < in.size(); i++) {{
        uint64_t bits = 0;
        for (unsigned b = 0; b < {in_bytes}; b++) {{
            bits |= (uint64_t)in_memory[i * {in_bytes} + b] << (8 * b);
        }}
        in[i] = word_in_from_bits(bits);
    }}
    {top}(in.data(), out.data(), n);
    for (size_t j = 0; j < out.size(); j++) {{
        const uint64_t bits = bits_from_word_out(out[j]);
        for (unsigned b = 0; b < {out_bytes}; b++) {{
            out_memory[j * {out_bytes} + b] = (unsigned char)(bits >> (8 * b));
        }}
    }}
}}
"#,
                in_bytes = self.input.word_bytes(),
                out_bytes = self.output.word_bytes(),
            )),
        }
        s
    }
}

/// Conversions for one direction: on `axi_stream` between a word's bits in a 64-bit integer and a
/// beat's TDATA, otherwise between the bits and the bus word.
fn word_codec(dir: &str, bus: &Bus, into: bool, stream: bool) -> String {
    let w = bus.word_bits;
    match (into, stream) {
        (true, true) => format!(
            "// A beat's TDATA from a word's bits (for a float or a double, its IEEE-754 bits).\n\
             static ap_uint<{w}> tdata_{dir}(uint64_t bits) {{\n    ap_uint<{w}> data;\n    \
             data = (unsigned long long)bits;  // keeps the low {w} bits\n    return data;\n}}\n\n"
        ),
        (false, true) => format!(
            "// A beat's TDATA as bits.\n\
             static uint64_t bits_from_tdata_{dir}(const ap_uint<{w}>& data) {{\n    return (uint64_t)data.to_uint64();\n}}\n\n"
        ),
        (true, false) => {
            let body = match bus.ty {
                BusType::Float => "    float_bits cast;\n    cast.bits = (unsigned int)bits;\n    return cast.value;\n",
                BusType::Double => "    double_bits cast;\n    cast.bits = (unsigned long long)bits;\n    return cast.value;\n",
                // Assigning a 64-bit integer keeps its low bits: the word's raw bits.
                BusType::Fixed(_) => "    word_in_t word;\n    word = (unsigned long long)bits;\n    return word;\n",
            };
            format!(
                "// The {dir} word whose bits are the low bits of `bits`.\n\
                 static word_{dir}_t word_{dir}_from_bits(uint64_t bits) {{\n{body}}}\n\n"
            )
        }
        (false, false) => {
            let body = match bus.ty {
                BusType::Float => "    float_bits cast;\n    cast.value = word;\n    return cast.bits;\n",
                BusType::Double => "    double_bits cast;\n    cast.value = word;\n    return cast.bits;\n",
                BusType::Fixed(t) if t.signed => "    return (uint64_t)word.to_int64();\n",
                BusType::Fixed(_) => "    return (uint64_t)word.to_uint64();\n",
            };
            format!(
                "// The bits of an {dir} word, in the low bits of the result.\n\
                 static uint64_t bits_from_word_{dir}(const word_{dir}_t& word) {{\n{body}}}\n\n"
            )
        }
    }
}
