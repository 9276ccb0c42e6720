//! `firmware/<P>_axi.cpp`: the conversions between bus words and firmware values, and the top
//! function of each interface.
//!
//! `axi_stream` and `axi_master` run as a dataflow pipeline of three stages joined by streams:
//! read words → run the firmware → write words. The stream between them carries one element of the
//! firmware's own input: a whole sample for an io_parallel firmware (`nnet::pack<input_t, N_IN>`),
//! a position (`input_pack_t`) for an io_stream one. `axi_lite` moves one sample through its
//! registers, one stage after the other.

use super::{comment, cosim_macro, raw_type, rule, tdata_type, value_bits, Wrapper, COSIM_SAMPLES};
use crate::accel::bus::Bus;
use crate::accel::master_regs;
use crate::config::{BusType, Interface, IoType};

impl Wrapper<'_> {
    /// The text of `firmware/<P>_axi.cpp`.
    pub(super) fn source(&self) -> String {
        let what = match self.interface() {
            Interface::AxiStream => "AXI4-Stream in and out, free-running",
            Interface::AxiLite => "AXI4-Lite registers",
            Interface::AxiMaster => "AXI4 masters on memory buffers, AXI4-Lite control",
        };
        let mut s = self.stamp(&format!("The AXI wrapper of {} ({what}).", self.name));
        s.push_str(&format!("\n#include \"{}.h\"\n", self.top));
        if self.interface() != Interface::AxiLite || self.io() == IoType::Stream {
            // The streams between the stages.
            s.push_str("#include \"hls_stream.h\"\n");
        }
        s.push('\n');
        if self.interface() != Interface::AxiLite {
            s.push_str(&self.element_types());
        }
        s.push_str(&rule("Bus words <-> firmware values"));
        s.push('\n');
        let stream = self.interface() == Interface::AxiStream;
        s.push_str(&input_from_bus(&self.input, stream));
        s.push('\n');
        s.push_str(&result_to_bus(&self.output, stream));
        s.push('\n');
        match self.interface() {
            Interface::AxiStream => s.push_str(&self.axi_stream()),
            Interface::AxiLite => s.push_str(&self.axi_lite()),
            Interface::AxiMaster => s.push_str(&self.axi_master()),
        }
        s
    }

    /// The element types of the streams into and out of the firmware stage.
    fn element_types(&self) -> String {
        match self.io() {
            IoType::Parallel => {
                "// One element of the streams into and out of the firmware: a whole sample (io_parallel).\n\
                 typedef nnet::pack<input_t, N_IN> firmware_in_t;\n\
                 typedef nnet::pack<result_t, N_OUT> firmware_out_t;\n\n"
                    .into()
            }
            IoType::Stream => {
                "// One element of the streams into and out of the firmware: the channels of one position\n\
                 // (io_stream).\n\
                 typedef input_pack_t firmware_in_t;\n\
                 typedef result_pack_t firmware_out_t;\n\n"
                    .into()
            }
        }
    }

    /// The stage that runs the firmware on one stream element of a whole sample (io_parallel); an
    /// io_stream firmware is a stage by itself.
    fn run_firmware(&self) -> String {
        match self.io() {
            IoType::Parallel => format!(
                "{doc}static void run_firmware(hls::stream<firmware_in_t>& x, hls::stream<firmware_out_t>& y) {{\n\
                 #pragma HLS INLINE off\n\
                 \x20   const firmware_in_t sample = x.read();\n\
                 \x20   input_t input[N_IN];\n\
                 #pragma HLS ARRAY_RESHAPE variable=input complete dim=0\n\
                 \x20   result_t output[N_OUT];\n\
                 #pragma HLS ARRAY_PARTITION variable=output complete dim=0\n\
                 \x20   for (unsigned i = 0; i < N_IN; i++) {{\n\
                 #pragma HLS UNROLL\n\
                 \x20       input[i] = sample[i];\n\
                 \x20   }}\n\
                 \x20   {p}(input, output);\n\
                 \x20   firmware_out_t result;\n\
                 \x20   for (unsigned j = 0; j < N_OUT; j++) {{\n\
                 #pragma HLS UNROLL\n\
                 \x20       result[j] = output[j];\n\
                 \x20   }}\n\
                 \x20   y.write(result);\n\
                 }}\n\n",
                doc = comment(&format!(
                    "One sample through the firmware, its arrays partitioned as {}() partitions them.",
                    self.name
                )),
                p = self.name
            ),
            IoType::Stream => String::new(),
        }
    }

    /// The call that runs the firmware on one sample, from stream `x` to stream `y`.
    fn run_call(&self) -> String {
        match self.io() {
            IoType::Parallel => "run_firmware(x, y);".into(),
            IoType::Stream => format!("{}(x, y);", self.name),
        }
    }

    fn axi_stream(&self) -> String {
        let top = self.top;
        let tdata_out = tdata_type(&self.output);
        format!(
            r#"{stages_rule}
// Reads one sample, N_IN beats, into firmware elements; tells write_sample whether any beat had TLAST.
static void read_sample(hls::stream<axis_in_t>& in, hls::stream<firmware_in_t>& x, hls::stream<bool>& tlast) {{
#pragma HLS INLINE off
    firmware_in_t element;
    unsigned c = 0;  // where the next value goes in `element`
    bool any_last = false;
    for (unsigned i = 0; i < N_IN; i++) {{
#pragma HLS PIPELINE II=1
        const axis_in_t beat = in.read();
        element[c] = input_from_bus(beat.data);
        any_last = any_last || beat.last == 1;
        c = c + 1 == firmware_in_t::size ? 0 : c + 1;
        if (c == 0) x.write(element);
    }}
    tlast.write(any_last);
}}

{run_firmware}// Writes one sample, N_OUT beats, from firmware elements. The TLAST flag of the sample is read for
// the last beat only, so the beats before it never wait for read_sample.
static void write_sample(hls::stream<firmware_out_t>& y, hls::stream<bool>& tlast, hls::stream<axis_out_t>& out) {{
#pragma HLS INLINE off
    firmware_out_t element;
    unsigned c = 0;  // where the next value comes from in `element`
    for (unsigned j = 0; j < N_OUT; j++) {{
#pragma HLS PIPELINE II=1
        if (c == 0) element = y.read();
        const {tdata_out} data = result_to_bus(element[c]);
        axis_out_t beat;
        beat.data = data;
        beat.keep = -1;  // every byte of the word is data
        beat.strb = -1;
        beat.last = j == N_OUT - 1 ? tlast.read() : false;
        out.write(beat);
        c = c + 1 == firmware_out_t::size ? 0 : c + 1;
    }}
}}

{top_rule}
void {top}(hls::stream<axis_in_t>& in, hls::stream<axis_out_t>& out) {{
#pragma HLS INTERFACE axis port=in
#pragma HLS INTERFACE axis port=out
#pragma HLS INTERFACE ap_ctrl_none port=return
#pragma HLS DATAFLOW
    hls::stream<firmware_in_t> x("x");
    hls::stream<firmware_out_t> y("y");
    // Whether the sample's input had TLAST, from the reader to the writer (a few samples in flight).
    hls::stream<bool> tlast("tlast");
#pragma HLS STREAM variable=tlast depth=4
    read_sample(in, x, tlast);
    {run}
    write_sample(y, tlast, out);
}}
"#,
            run_firmware = self.run_firmware(),
            run = self.run_call(),
            stages_rule = rule("The stages of one invocation, a dataflow pipeline"),
            top_rule = rule("The top function"),
        )
    }

    fn axi_lite(&self) -> String {
        let (p, top) = (self.name, self.top);
        let body = match self.io() {
            IoType::Parallel => format!(
                r#"    input_t input[N_IN];
#pragma HLS ARRAY_RESHAPE variable=input complete dim=0
    result_t output[N_OUT];
#pragma HLS ARRAY_PARTITION variable=output complete dim=0
    for (unsigned i = 0; i < N_IN; i++) {{
#pragma HLS PIPELINE II=1
        input[i] = input_from_bus(in[i]);
    }}
    {p}(input, output);
    for (unsigned j = 0; j < N_OUT; j++) {{
#pragma HLS PIPELINE II=1
        out[j] = result_to_bus(output[j]);
    }}"#
            ),
            IoType::Stream => format!(
                r#"    // The firmware runs after the whole sample is in its input stream: each stream holds a sample.
    hls::stream<input_pack_t> x("x");
#pragma HLS STREAM variable=x depth={positions_in}
    hls::stream<result_pack_t> y("y");
#pragma HLS STREAM variable=y depth={positions_out}
    input_pack_t position;
    unsigned ci = 0;  // where the next value goes in `position`
    for (unsigned i = 0; i < N_IN; i++) {{
#pragma HLS PIPELINE II=1
        position[ci] = input_from_bus(in[i]);
        ci = ci + 1 == input_pack_t::size ? 0 : ci + 1;
        if (ci == 0) x.write(position);
    }}
    {p}(x, y);
    result_pack_t result;
    unsigned co = 0;  // where the next value comes from in `result`
    for (unsigned j = 0; j < N_OUT; j++) {{
#pragma HLS PIPELINE II=1
        if (co == 0) result = y.read();
        out[j] = result_to_bus(result[co]);
        co = co + 1 == result_pack_t::size ? 0 : co + 1;
    }}"#,
                positions_in = self.positions_in,
                positions_out = self.positions_out,
            ),
        };
        format!(
            r#"{top_rule}
// One sample per start: registers -> firmware -> registers.
void {top}(const word_in_t in[N_IN], word_out_t out[N_OUT]) {{
#pragma HLS INTERFACE s_axilite port=in bundle=control
#pragma HLS INTERFACE s_axilite port=out bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
{body}
}}
"#,
            top_rule = rule("The top function"),
        )
    }

    fn axi_master(&self) -> String {
        let top = self.top;
        let n_in = self.input.values;
        let n_out = self.output.values;
        let reg = |o: u32| format!("0x{o:02x}");
        format!(
            r#"{stages_rule}
// Reads the n * N_IN input words, one after the other (a burst), into firmware elements.
static void load_samples(const word_in_t* in, hls::stream<firmware_in_t>& x, unsigned n) {{
#pragma HLS INLINE off
    firmware_in_t element;
    unsigned c = 0;  // where the next value goes in `element`
    const unsigned long long words = (unsigned long long)n * N_IN;
    for (unsigned long long k = 0; k < words; k++) {{
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min={n_in} max={max_in}
        element[c] = input_from_bus(in[k]);
        c = c + 1 == firmware_in_t::size ? 0 : c + 1;
        if (c == 0) x.write(element);
    }}
}}

{run_firmware}// Runs the firmware once per sample.
static void run_samples(hls::stream<firmware_in_t>& x, hls::stream<firmware_out_t>& y, unsigned n) {{
#pragma HLS INLINE off
    for (unsigned s = 0; s < n; s++) {{
#pragma HLS LOOP_TRIPCOUNT min=1 max={cosim_samples}
        {run}
    }}
}}

// Writes the n * N_OUT output words, one after the other (a burst), from firmware elements.
static void store_samples(hls::stream<firmware_out_t>& y, word_out_t* out, unsigned n) {{
#pragma HLS INLINE off
    firmware_out_t element;
    unsigned c = 0;  // where the next value comes from in `element`
    const unsigned long long words = (unsigned long long)n * N_OUT;
    for (unsigned long long k = 0; k < words; k++) {{
#pragma HLS PIPELINE II=1
#pragma HLS LOOP_TRIPCOUNT min={n_out} max={max_out}
        if (c == 0) element = y.read();
        out[k] = result_to_bus(element[c]);
        c = c + 1 == firmware_out_t::size ? 0 : c + 1;
    }}
}}

{top_rule}
{top_comment}extern "C" void {top}(const word_in_t* in, word_out_t* out, unsigned n) {{
#pragma HLS INTERFACE m_axi port=in offset=slave bundle=gmem0 depth={max_in} max_read_burst_length=256
#pragma HLS INTERFACE m_axi port=out offset=slave bundle=gmem1 depth={max_out} max_write_burst_length=256
#pragma HLS INTERFACE s_axilite port=in offset={in_reg} bundle=control
#pragma HLS INTERFACE s_axilite port=out offset={out_reg} bundle=control
#pragma HLS INTERFACE s_axilite port=n offset={n_reg} bundle=control
#pragma HLS INTERFACE s_axilite port=return bundle=control
#pragma HLS DATAFLOW
    hls::stream<firmware_in_t> x("x");
    hls::stream<firmware_out_t> y("y");
    load_samples(in, x, n);
    run_samples(x, y, n);
    store_samples(y, out, n);
}}
"#,
            run_firmware = self.run_firmware(),
            run = self.run_call(),
            max_in = n_in * COSIM_SAMPLES,
            max_out = n_out * COSIM_SAMPLES,
            cosim_samples = COSIM_SAMPLES,
            stages_rule = rule("The stages, a dataflow pipeline over the n samples of a start"),
            top_rule = rule("The top function"),
            top_comment = comment(&format!(
                "The m_axi depths are the co-simulation's buffers ({} samples); the register offsets are the \
                 ones the drivers use.",
                cosim_macro(top)
            )),
            in_reg = reg(master_regs::IN),
            out_reg = reg(master_regs::OUT),
            n_reg = reg(master_regs::N),
        )
    }
}

/// `input_from_bus`: a bus word (a beat's TDATA for AXI4-Stream) into `input_t`.
fn input_from_bus(bus: &Bus, stream: bool) -> String {
    let doc = |what: &str| {
        comment(&format!(
            "A word from the bus into the firmware's input type, with input_t's quantization and overflow \
             modes: {what}."
        ))
    };
    match (bus.ty, stream) {
        (BusType::Float | BusType::Double, true) => {
            let (union, get) = if bus.ty == BusType::Float {
                ("float_bits", "to_uint")
            } else {
                ("double_bits", "to_uint64")
            };
            format!(
                "{doc}static input_t input_from_bus(const {bits}& data) {{\n\
                 #pragma HLS INLINE\n\
                 \x20   {union} word;\n\
                 \x20   word.bits = data.{get}();\n\
                 \x20   return input_t(word.value);\n\
                 }}\n",
                doc = doc(&format!("the IEEE-754 bits of a {}", bus.cpp_value())),
                bits = tdata_type(bus),
            )
        }
        (BusType::Float | BusType::Double, false) => format!(
            "{doc}static input_t input_from_bus(const word_in_t& word) {{\n\
             #pragma HLS INLINE\n\
             \x20   return input_t(word);\n\
             }}\n",
            doc = doc(&format!("a {}", bus.cpp_value())),
        ),
        (BusType::Fixed(t), _) => {
            let hi = t.width - 1;
            format!(
                "{doc}static input_t input_from_bus(const word_in_t& word) {{\n\
                 #pragma HLS INLINE\n\
                 \x20   bus_in_t value;\n\
                 \x20   value.range({hi}, 0) = word.range({hi}, 0);\n\
                 \x20   return input_t(value);\n\
                 }}\n",
                doc = doc(&format!(
                    "the word's low {} bits are the raw bits of a bus_in_t",
                    t.width
                )),
            )
        }
    }
}

/// `result_to_bus`: a result into its bus word (a beat's TDATA for AXI4-Stream).
fn result_to_bus(bus: &Bus, stream: bool) -> String {
    let doc = |what: &str| comment(&format!("A result onto the bus: {what}."));
    let (to, c) = if bus.ty == BusType::Double {
        ("to_double", "double")
    } else {
        ("to_float", "float")
    };
    match (bus.ty, stream) {
        (BusType::Float | BusType::Double, true) => {
            let union = format!("{c}_bits");
            format!(
                "{doc}static {bits} result_to_bus(const result_t& y) {{\n\
                 #pragma HLS INLINE\n\
                 \x20   {union} word;\n\
                 \x20   word.value = y.{to}();\n\
                 \x20   return {bits}(word.bits);\n\
                 }}\n",
                doc = doc(&format!("the IEEE-754 bits of the nearest {c}")),
                bits = tdata_type(bus),
            )
        }
        (BusType::Float | BusType::Double, false) => format!(
            "{doc}static word_out_t result_to_bus(const result_t& y) {{\n\
             #pragma HLS INLINE\n\
             \x20   return y.{to}();\n\
             }}\n",
            doc = doc(&format!("the nearest {c}")),
        ),
        (BusType::Fixed(t), _) => {
            let hi = t.width - 1;
            let extend = if bus.signed() { "sign" } else { "zero" };
            let note = if value_bits(bus) < bus.word_bits {
                format!(", {extend}-extended to the word")
            } else {
                String::new()
            };
            format!(
                "{doc}static word_out_t result_to_bus(const result_t& y) {{\n\
                 #pragma HLS INLINE\n\
                 \x20   const bus_out_t value = bus_out_t(y);\n\
                 \x20   {raw} bits;\n\
                 \x20   bits.range({hi}, 0) = value.range({hi}, 0);\n\
                 \x20   return word_out_t(bits);\n\
                 }}\n",
                doc = doc(&format!(
                    "converted into bus_out_t (its quantization and overflow modes), its raw bits{note}"
                )),
                raw = raw_type(bus),
            )
        }
    }
}
