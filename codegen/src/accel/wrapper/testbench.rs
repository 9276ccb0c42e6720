//! `<P>_axi_test.cpp`: the wrapper's C-simulation (and co-simulation) testbench.
//!
//! It reads `tb_data/tb_input_features.dat` (single-precision values, one sample per line), encodes
//! every value into its bus word as the drivers do, runs the wrapper the way the hardware is
//! driven, and checks the interface's protocol on the way. It writes the decoded outputs to
//! `tb_data/csim_results.log` (`rtl_cosim_results.log` under co-simulation, which `build_prj.tcl`
//! compares), the raw output words to `tb_data/csim_words.log` (`rtl_cosim_words.log`), prints a
//! summary with the largest difference from the float model's outputs, and returns non-zero when
//! the protocol was violated.

use super::{comment, cosim_macro, raw_type, tdata_type, value_bits, Wrapper};
use crate::accel::bus::Bus;
use crate::config::{BusType, Interface};

impl Wrapper<'_> {
    /// The text of `<P>_axi_test.cpp`.
    pub(super) fn testbench(&self) -> String {
        let top = self.top;
        let interface = self.interface();
        let about = match interface {
            Interface::AxiStream => {
                "The batch goes through ONE input stream, as the AXI DMA sends it: TLAST on the last \
                 word of each transfer (by default the whole batch is one transfer; define \
                 AXI_TB_WORDS_PER_TRANSFER=k to end a transfer every k words). The wrapper is called once per \
                 sample. Checked: each call reads N_IN words and writes N_OUT (C simulation), every input word is \
                 read, exactly N_OUT words per sample come out, all bytes kept (TKEEP, TSTRB), and TLAST is on the \
                 last word of each sample whose input had TLAST and on no other word."
                    .to_string()
            }
            Interface::AxiLite => "One start per sample, as a driver writes and reads the registers. Checked: every \
                 output word was written (when the word has room for a value no result can take)."
                .to_string(),
            Interface::AxiMaster => format!(
                "The batch goes in starts of at most {} samples (the co-simulation's buffers), after one start \
                 with n = 0. Checked: a start writes exactly its n * N_OUT words (none beyond, every one of them \
                 when the word has room for a value no result can take), and n = 0 writes nothing.",
                cosim_macro(top)
            ),
        };
        let about = comment(&format!(
            "Reads tb_data/tb_input_features.dat (one sample per line), encodes each value into its bus word as \
             the drivers do, and runs {top}. {about} Every output word must extend its value as the bus layout \
             says. The decoded outputs go to tb_data/csim_results.log, the words (hexadecimal, `L` marking \
             TLAST) to tb_data/csim_words.log (rtl_cosim_*.log under co-simulation, RTL_SIM defined). Prints a \
             summary with the largest difference from the float model (tb_data/tb_output_predictions.dat); \
             returns 1 on a protocol violation."
        ));
        let mut s = self.stamp(&format!(
            "C-simulation testbench of the AXI wrapper {top} ({}).",
            interface.as_str()
        ));
        s.push_str(&format!(
            r#"
//
{about}#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "firmware/{top}.h"

#ifdef RTL_SIM
static const char* const RESULTS_LOG = "tb_data/rtl_cosim_results.log";
static const char* const WORDS_LOG = "tb_data/rtl_cosim_words.log";
#else
static const char* const RESULTS_LOG = "tb_data/csim_results.log";
static const char* const WORDS_LOG = "tb_data/csim_words.log";
#endif

// Reads the next line that is not a comment into `values` (n numbers); false at the end of the file.
static bool read_values(std::ifstream& file, float* values, unsigned n) {{
    std::string line;
    while (std::getline(file, line)) {{
        if (line.empty() || line[0] == '#') continue;
        std::istringstream numbers(line);
        unsigned k = 0;
        while (k < n && numbers >> values[k]) k++;
        if (k == n) return true;
    }}
    return false;
}}

// --- The bus, as the drivers see it --------------------------------------------------------------

{codec}
// --- What the testbench records ------------------------------------------------------------------

static unsigned long violations = 0;
static FILE* results_log = 0;
static FILE* words_log = 0;
static std::ifstream expected;
static unsigned long recorded = 0, compared = 0;
static double max_diff = 0;

// A protocol violation: counted, and printed for the first few.
static void violation(const std::string& what) {{
    if (violations < 10) std::printf("PROTOCOL VIOLATION: %s\n", what.c_str());
    violations++;
}}

static std::string describe(const char* format, unsigned long a, unsigned long b = 0, unsigned long c = 0) {{
    char text[200];
    std::snprintf(text, sizeof text, format, a, b, c);
    return text;
}}

// The N_OUT output words of one sample (`last`: their TLAST, or 0): checked, decoded and logged.
static void record_sample(const word_out_t* words, const bool* last) {{
    float want[N_OUT];
    const bool compare = expected.is_open() && read_values(expected, want, N_OUT);
    for (unsigned j = 0; j < N_OUT; j++) {{
        if (!well_formed(words[j])) {{
            violation(describe("sample %lu, output %lu: the word's upper bits do not extend its value", recorded, j));
        }}
        const double value = decode(words[j]);
        std::fprintf(results_log, "{value_format}%s", value, j + 1 < N_OUT ? " " : "\n");
        std::fprintf(words_log, "%0*llx%s%s", OUT_HEX_DIGITS, word_bits(words[j]), last && last[j] ? "L" : "",
                     j + 1 < N_OUT ? " " : "\n");
        if (compare && std::fabs(value - want[j]) > max_diff) max_diff = std::fabs(value - want[j]);
    }}
    if (recorded < 3) {{
        std::printf("sample %lu:", recorded);
        for (unsigned j = 0; j < N_OUT && j < 10; j++) std::printf(" %g", decode(words[j]));
        std::printf("%s\n", N_OUT > 10 ? " ..." : "");
    }}
    if (compare) compared++;
    recorded++;
}}

// Reads every sample of tb_data/tb_input_features.dat; false when the file is missing.
static bool read_inputs(std::vector<float>& values) {{
    std::ifstream inputs("tb_data/tb_input_features.dat");
    if (!inputs.is_open()) return false;
    float sample[N_IN];
    while (read_values(inputs, sample, N_IN)) values.insert(values.end(), sample, sample + N_IN);
    return true;
}}

{main}"#,
            codec = self.codec(),
            value_format = value_format(&self.output),
            main = self.testbench_main(),
        ));
        s
    }

    /// The encoder and decoder of the bus words, as a driver has them.
    fn codec(&self) -> String {
        let (input, output) = (&self.input, &self.output);
        let mut s = String::new();
        s.push_str(&format!(
            "// Hex digits of an output word in the words log.\nstatic const int OUT_HEX_DIGITS = {};\n\n",
            output.word_bits / 4
        ));
        // encode
        s.push_str("// A value into its input word, as the drivers encode it: ");
        match input.ty {
            BusType::Float => s.push_str("the float itself.\nstatic word_in_t encode(float v) { return v; }\n"),
            BusType::Double => s.push_str("the value as a double.\nstatic word_in_t encode(float v) { return v; }\n"),
            BusType::Fixed(t) => s.push_str(&format!(
                "Q_B(v), the raw bits of the bus type\n\
                 // extended to the word.\n\
                 static word_in_t encode(float v) {{\n\
                 \x20   const bus_in_t value = v;\n\
                 \x20   {raw} bits;\n\
                 \x20   bits.range({hi}, 0) = value.range({hi}, 0);\n\
                 \x20   return word_in_t(bits);\n\
                 }}\n",
                raw = raw_type(input),
                hi = t.width - 1
            )),
        }
        // decode
        s.push_str("\n// An output word back into its value.\n");
        match output.ty {
            BusType::Float | BusType::Double => {
                s.push_str("static double decode(const word_out_t& word) { return word; }\n");
            }
            BusType::Fixed(t) => s.push_str(&format!(
                "static double decode(const word_out_t& word) {{\n\
                 \x20   bus_out_t value;\n\
                 \x20   value.range({hi}, 0) = word.range({hi}, 0);\n\
                 \x20   return value.to_double();\n\
                 }}\n",
                hi = t.width - 1
            )),
        }
        // the bits of a word
        s.push_str(&format!(
            "\n// An output word's bits (the low {} bits of the number).\n",
            output.word_bits
        ));
        match output.ty {
            BusType::Float => s.push_str(
                "static unsigned long long word_bits(const word_out_t& word) {\n\
                 \x20   float_bits cast;\n\
                 \x20   cast.value = word;\n\
                 \x20   return cast.bits;\n\
                 }\n",
            ),
            BusType::Double => s.push_str(
                "static unsigned long long word_bits(const word_out_t& word) {\n\
                 \x20   double_bits cast;\n\
                 \x20   cast.value = word;\n\
                 \x20   return cast.bits;\n\
                 }\n",
            ),
            BusType::Fixed(_) => s.push_str(&format!(
                "static unsigned long long word_bits(const word_out_t& word) {{ return word.to_uint64() & {}; }}\n",
                hex_literal(mask(output.word_bits))
            )),
        }
        // the layout check
        s.push_str("\n// True when the bits above the value extend it as the bus layout says.\n");
        match output.ty {
            BusType::Fixed(t) if t.width < output.word_bits => s.push_str(&format!(
                "static bool well_formed(const word_out_t& word) {{\n\
                 \x20   {raw} bits;\n\
                 \x20   bits.range({hi}, 0) = word.range({hi}, 0);\n\
                 \x20   return word_out_t(bits) == word;\n\
                 }}\n",
                raw = raw_type(output),
                hi = t.width - 1
            )),
            _ => s.push_str("static bool well_formed(const word_out_t&) { return true; }\n"),
        }
        match self.interface() {
            Interface::AxiStream => {
                s.push_str(&self.tdata_codec());
            }
            Interface::AxiLite | Interface::AxiMaster => {
                let (bits, impossible) = canary(output);
                s.push_str(&format!(
                    "\n// What an output word holds before the wrapper writes it{why}.\n\
                     static const unsigned long long CANARY = {bits};\n\
                     static const bool CANARY_IS_NO_RESULT = {impossible};\n\
                     static word_out_t canary() {{\n{make}}}\n",
                    why = if impossible {
                        ": a pattern no result can take"
                    } else {
                        " (a result could take it too)"
                    },
                    bits = hex_literal(bits),
                    make = match output.ty {
                        BusType::Float =>
                            "    float_bits cast;\n    cast.bits = (unsigned int)CANARY;\n    return cast.value;\n",
                        BusType::Double => "    double_bits cast;\n    cast.bits = CANARY;\n    return cast.value;\n",
                        BusType::Fixed(_) => "    return word_out_t(CANARY);\n",
                    }
                ));
            }
        }
        s
    }

    /// AXI4-Stream only: words into and out of a beat's TDATA.
    fn tdata_codec(&self) -> String {
        let (tin, tout) = (tdata_type(&self.input), tdata_type(&self.output));
        let to_tdata = match self.input.ty {
            BusType::Float => format!("    float_bits cast;\n    cast.value = word;\n    return {tin}(cast.bits);\n"),
            BusType::Double => format!("    double_bits cast;\n    cast.value = word;\n    return {tin}(cast.bits);\n"),
            BusType::Fixed(_) => "    return word;\n".into(),
        };
        let from_tdata = match self.output.ty {
            BusType::Float => "    float_bits cast;\n    cast.bits = data.to_uint();\n    return cast.value;\n".into(),
            BusType::Double => {
                "    double_bits cast;\n    cast.bits = data.to_uint64();\n    return cast.value;\n".into()
            }
            BusType::Fixed(_) => "    return data;\n".to_string(),
        };
        format!(
            "\n// A word into a beat's TDATA, and back.\n\
             static {tin} tdata_from_word(const word_in_t& word) {{\n{to_tdata}}}\n\
             static word_out_t word_from_tdata(const {tout}& data) {{\n{from_tdata}}}\n"
        )
    }

    fn testbench_main(&self) -> String {
        let top = self.top;
        let open = r#"    std::vector<float> values;
    if (!read_inputs(values)) {
        std::printf("tb_data/tb_input_features.dat not found: nothing to simulate\n");
        return 0;
    }
    const unsigned long n = values.size() / N_IN;
    results_log = std::fopen(RESULTS_LOG, "w");
    words_log = std::fopen(WORDS_LOG, "w");
    if (!results_log || !words_log) {
        std::printf("cannot write %s and %s\n", RESULTS_LOG, WORDS_LOG);
        return 1;
    }
    expected.open("tb_data/tb_output_predictions.dat");
"#;
        let close = format!(
            r#"    std::fclose(results_log);
    std::fclose(words_log);
    std::printf("{top} ({interface}): %lu samples, %lu words in, %lu words out{extra}; "
                "%lu protocol violations; max |difference| from the float model = %g over %lu samples\n",
                n, n * N_IN, {words_out}{extra_args}, violations, max_diff, compared);
    return violations == 0 ? 0 : 1;
}}
"#,
            interface = self.interface().as_str(),
            extra = if self.interface() == Interface::AxiStream {
                " (%lu with TLAST)"
            } else {
                ""
            },
            words_out = if self.interface() == Interface::AxiStream {
                "received"
            } else {
                "recorded * N_OUT"
            },
            extra_args = if self.interface() == Interface::AxiStream {
                ", with_last"
            } else {
                ""
            },
        );
        let body = match self.interface() {
            Interface::AxiStream => format!(
                r#"#ifndef AXI_TB_WORDS_PER_TRANSFER
#define AXI_TB_WORDS_PER_TRANSFER 0
#endif

int main() {{
{open}
    // The whole batch in one stream, TLAST on the last word of each transfer.
    const unsigned long total = n * N_IN;
    unsigned long transfer = AXI_TB_WORDS_PER_TRANSFER;  // words per transfer; 0: one transfer
    hls::stream<axis_in_t> in("in");
    hls::stream<axis_out_t> out("out");
    std::vector<bool> had_last(n, false);
    for (unsigned long k = 0; k < total; k++) {{
        const bool last = k + 1 == total || (transfer != 0 && (k + 1) % transfer == 0);
        axis_in_t beat;
        beat.data = tdata_from_word(encode(values[k]));
        beat.keep = -1;
        beat.strb = -1;
        beat.last = last;
        in.write(beat);
        if (last) had_last[k / N_IN] = true;
    }}

    // One call per sample.
    for (unsigned long s = 0; s < n; s++) {{
        {top}(in, out);
#ifndef RTL_SIM
        if (in.size() != total - (s + 1) * N_IN || out.size() != (s + 1) * N_OUT) {{
            violation(describe("call %lu left %lu input words and %lu output words", s, in.size(), out.size()));
        }}
#endif
    }}
    if (!in.empty()) violation(describe("%lu input words were never read", in.size()));

    // N_OUT words per sample; TLAST on the last word of each sample whose input had TLAST, nowhere else.
    axis_out_t full;
    full.keep = -1;
    full.strb = -1;
    unsigned long received = 0, with_last = 0;
    word_out_t words[N_OUT];
    bool last[N_OUT];
    while (!out.empty()) {{
        const axis_out_t beat = out.read();
        const unsigned long s = received / N_OUT;
        const unsigned j = received % N_OUT;
        const bool want_last = j == N_OUT - 1 && s < n && had_last[s];
        if ((beat.last == 1) != want_last) {{
            violation(describe("sample %lu, output word %lu: TLAST is %lu", s, j, beat.last == 1));
        }}
        if (beat.keep != full.keep || beat.strb != full.strb) {{
            violation(describe("sample %lu, output word %lu: not every byte is marked as data", s, j));
        }}
        words[j] = word_from_tdata(beat.data);
        last[j] = beat.last == 1;
        if (beat.last == 1) with_last++;
        if (j == N_OUT - 1) record_sample(words, last);
        received++;
    }}
    if (received != n * N_OUT) violation(describe("%lu output words for %lu samples", received, n));
"#
            ),
            Interface::AxiLite => format!(
                r#"int main() {{
{open}
    // One start per sample.
    for (unsigned long s = 0; s < n; s++) {{
        word_in_t in[N_IN];
        for (unsigned i = 0; i < N_IN; i++) in[i] = encode(values[s * N_IN + i]);
        word_out_t out[N_OUT];
        for (unsigned j = 0; j < N_OUT; j++) out[j] = canary();
        {top}(in, out);
        for (unsigned j = 0; j < N_OUT; j++) {{
            if (CANARY_IS_NO_RESULT && word_bits(out[j]) == CANARY) {{
                violation(describe("sample %lu: output word %lu was not written", s, j));
            }}
        }}
        record_sample(out, 0);
    }}
"#
            ),
            Interface::AxiMaster => format!(
                r#"int main() {{
{open}
    // The co-simulation's buffers: {cosim} samples.
    static word_in_t in[{cosim} * N_IN];
    static word_out_t out[{cosim} * N_OUT];
    const unsigned long capacity = {cosim} * N_OUT;

    // A start with n = 0 writes nothing.
    for (unsigned long k = 0; k < capacity; k++) out[k] = canary();
    {top}(in, out, 0);
    for (unsigned long k = 0; k < capacity; k++) {{
        if (word_bits(out[k]) != CANARY) violation(describe("n = 0: output word %lu was written", k));
    }}

    // The batch in starts of at most {cosim} samples.
    for (unsigned long first = 0; first < n; first += {cosim}) {{
        const unsigned count = n - first < {cosim} ? (unsigned)(n - first) : (unsigned){cosim};
        for (unsigned long k = 0; k < count * N_IN; k++) in[k] = encode(values[first * N_IN + k]);
        for (unsigned long k = 0; k < capacity; k++) out[k] = canary();
        {top}(in, out, count);
        for (unsigned long k = 0; k < capacity; k++) {{
            const bool untouched = word_bits(out[k]) == CANARY;
            if (k >= count * N_OUT && !untouched) {{
                violation(describe("start at sample %lu, n = %lu: word %lu beyond the outputs was written", first,
                                   count, k));
            }}
            if (k < count * N_OUT && CANARY_IS_NO_RESULT && untouched) {{
                violation(describe("start at sample %lu, n = %lu: output word %lu was not written", first, count,
                                   k));
            }}
        }}
        for (unsigned s = 0; s < count; s++) record_sample(&out[s * N_OUT], 0);
    }}
"#,
                cosim = cosim_macro(top),
            ),
        };
        format!("{body}\n{close}")
    }
}

/// The `printf` format of a decoded output value: enough digits to read the same number back.
fn value_format(bus: &Bus) -> &'static str {
    match bus.ty {
        BusType::Float => "%.9g",
        _ => "%.17g",
    }
}

/// The low `bits` bits set.
fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

fn hex_literal(v: u64) -> String {
    format!("0x{v:x}ULL")
}

/// The word an output buffer is filled with before the wrapper writes it, and whether no result
/// can take that word: a NaN for float and double (results are finite), the padding bits set over
/// a zero value for a fixed-point type narrower than its word (not an extension of the value).
fn canary(bus: &Bus) -> (u64, bool) {
    match bus.ty {
        BusType::Float => (0x7fa5_a5a5, true),
        BusType::Double => (0x7ff4_a5a5_a5a5_a5a5, true),
        BusType::Fixed(_) if value_bits(bus) < bus.word_bits => (mask(bus.word_bits) & !mask(value_bits(bus)), true),
        BusType::Fixed(_) => (0xa5a5_a5a5_a5a5_a5a5 & mask(bus.word_bits), false),
    }
}
