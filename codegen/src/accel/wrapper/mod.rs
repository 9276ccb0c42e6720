//! The AXI wrapper: the IP's top function `<P>_axi` around the firmware's top function `<P>`, and
//! its C-simulation testbench.
//!
//! ```text
//! firmware/<P>_axi.h     the bus types (value and word each way), the top function's declaration
//! firmware/<P>_axi.cpp   bus word <-> firmware value conversions, the interface, the data movers
//! <P>_axi_test.cpp       reads tb_data/, encodes as the drivers do, checks the interface's protocol
//! <P>_axi_bridge.cpp     host-only C entry points into the wrapper's C simulation (typed driver, virtual board)
//! ```
//!
//! Every interface moves words laid out as [`Bus`] says, and converts them as `docs/semantics.md`
//! ("Bus → input, output → bus") says: a float or double word is converted into `input_t` with
//! `input_t`'s quantization and overflow modes; the low `W` bits of a fixed-point word are the raw
//! bits of the bus type `B`, converted into `input_t` the same way. Results go out as `(float) y`,
//! `(double) y`, or the raw bits of `B(y)` sign- or zero-extended to the word.
//!
//! - `axi_stream`: AXI4-Stream in and out, free-running (`ap_ctrl_none`); one sample per
//!   invocation, TLAST on the last output word when any input word of the sample had it.
//! - `axi_lite`: the sample's words are `s_axilite` registers; one sample per `ap_start`.
//! - `axi_master`: `m_axi` buffers whose addresses and sample count are `s_axilite` registers at
//!   the offsets of [`super::master_regs`]; `n` samples per `ap_start` (also the Alveo kernel).

mod bridge;
mod source;
mod testbench;

use super::bus::Bus;
use super::Accel;
use crate::config::{BusType, Interface, IoType};
use crate::diag::{Error, Result};
use crate::files::Files;

/// Samples of one `axi_master` start that C/RTL co-simulation provisions the buffers for (the
/// `m_axi` depth): the testbench sends its batch in starts of at most this many samples. The
/// hardware takes any `n`.
pub const COSIM_SAMPLES: usize = 16;

/// Names the generated C++ defines beside the firmware's: the top function `<P>` must not take one.
const RESERVED: &[&str] = &[
    "bus_in_t",
    "bus_out_t",
    "word_in_t",
    "word_out_t",
    "axis_in_t",
    "axis_out_t",
    "firmware_in_t",
    "firmware_out_t",
    "float_bits",
    "double_bits",
    "input_from_bus",
    "result_to_bus",
    "read_sample",
    "write_sample",
    "run_firmware",
    "load_samples",
    "run_samples",
    "store_samples",
];

/// Adds `firmware/<P>_axi.h`, `firmware/<P>_axi.cpp` and `<P>_axi_test.cpp`.
pub fn files(accel: &Accel, files: &mut Files) -> Result<()> {
    let w = Wrapper::new(accel)?;
    files.add(format!("firmware/{}.h", w.top), w.header());
    files.add(format!("firmware/{}.cpp", w.top), w.source());
    files.add(format!("{}_test.cpp", w.top), w.testbench());
    files.add(format!("{}_bridge.cpp", w.top), w.bridge());
    Ok(())
}

/// What the C++ writers need: names, shapes and the two buses.
struct Wrapper<'a> {
    accel: &'a Accel<'a>,
    /// The firmware's top function `P`.
    name: &'a str,
    /// The wrapper's top function `P_axi`.
    top: &'a str,
    input: Bus,
    output: Bus,
    /// Stream elements (positions) of one sample into and out of an io_stream firmware.
    positions_in: usize,
    positions_out: usize,
}

impl<'a> Wrapper<'a> {
    fn new(accel: &'a Accel<'a>) -> Result<Wrapper<'a>> {
        let name = accel.name.as_str();
        if RESERVED.contains(&name) {
            return Err(Error::new(format!(
                "the model name `{name}` is also a name the AXI wrapper defines: choose another [model] name"
            )));
        }
        let positions = |shape: &[usize], what: &str| -> Result<usize> {
            let values: usize = shape.iter().product();
            let channels = shape.last().copied().unwrap_or(1);
            if values == 0 || channels == 0 {
                return Err(Error::new(format!(
                    "the model's {what} tensor {shape:?} holds no value: the AXI wrapper has nothing to move"
                )));
            }
            Ok(values / channels)
        };
        Ok(Wrapper {
            accel,
            name,
            top: accel.top.as_str(),
            input: accel.input,
            output: accel.output,
            positions_in: positions(&accel.input_shape, "input")?,
            positions_out: positions(&accel.output_shape, "output")?,
        })
    }

    fn interface(&self) -> Interface {
        self.accel.interface()
    }

    fn io(&self) -> IoType {
        self.accel.io_type
    }

    /// The first lines of a generated C++ file: the `@generated` stamp and what the file is.
    fn stamp(&self, what: &str) -> String {
        format!("{}\n// {what}", self.accel.project.stamp("//"))
    }

    /// The text of `firmware/<P>_axi.h`.
    fn header(&self) -> String {
        let (p, top) = (self.name, self.top);
        let guard = format!("{}_H_", top.to_ascii_uppercase());
        let stream = self.interface() == Interface::AxiStream;
        let mut s = self.stamp(&format!(
            "The AXI wrapper of {p} ({}): {top}, the top function of the IP.",
            self.interface().as_str()
        ));
        s.push_str(&format!("\n#ifndef {guard}\n#define {guard}\n\n"));
        if stream {
            s.push_str("#include \"ap_axi_sdata.h\"\n#include \"hls_stream.h\"\n");
        }
        s.push_str(&format!("#include \"{p}.h\"\n\n"));
        s.push_str(
            "// What travels on the bus, each way: a value of bus_*_t in a word of word_*_t. A fixed-point value\n\
             // travels as its raw bits, sign-extended (signed types) or zero-extended to the word, which is a\n\
             // power of two of at least 8 bits (32 for axi_lite): the widths the AXI DMA and the drivers take.\n",
        );
        for (dir, bus) in [("in", &self.input), ("out", &self.output)] {
            s.push_str(&format!("typedef {} bus_{dir}_t;\n", bus.cpp_value()));
            s.push_str(&format!("typedef {} word_{dir}_t;\n", bus.cpp_word()));
        }
        s.push_str("// Words of one sample: N_IN in, N_OUT out (defines.h), channels last.\n\n");
        s.push_str(&bit_casts(&[&self.input, &self.output]));
        match self.interface() {
            Interface::AxiStream => {
                s.push_str(
                    "// One beat of each AXI4-Stream: TDATA (`data`: the word's bits; a float or double as its IEEE-754\n\
                     // bits), TKEEP and TSTRB (`keep`, `strb`: all ones, every byte is data) and TLAST (`last`).\n\
                     // ap_axis / ap_axiu without TUSER, TID and TDEST are the side-channel types of ap_axi_sdata.h\n\
                     // in Vivado HLS and in Vitis HLS alike: Vitis HLS gives a struct of our own no TLAST (it packs\n\
                     // the fields into TDATA), and Vivado HLS has no hls::axis<float>.\n",
                );
                s.push_str(&format!("typedef {} axis_in_t;\n", axis_type(&self.input)));
                s.push_str(&format!("typedef {} axis_out_t;\n\n", axis_type(&self.output)));
                s.push_str(&format!(
                    "// One sample per call: reads N_IN beats from `in` and writes N_OUT beats to `out`; the last output\n\
                     // beat has TLAST when any input beat of the sample had it, no other one has. Free-running: no\n\
                     // control registers (ap_ctrl_none). HLS names the ports in_r and out_r.\n\
                     void {top}(hls::stream<axis_in_t>& in, hls::stream<axis_out_t>& out);\n"
                ));
            }
            Interface::AxiLite => {
                s.push_str(&format!(
                    "// One sample per start: the processor writes the N_IN words of `in`, starts the IP (ap_start), waits\n\
                     // for ap_done and reads the N_OUT words of `out`. All are s_axilite registers of the bundle\n\
                     // `control`, one word per register (a 64-bit word in two, low half first).\n\
                     void {top}(const word_in_t in[N_IN], word_out_t out[N_OUT]);\n"
                ));
            }
            Interface::AxiMaster => {
                let regs = |o: u32| format!("0x{o:02x}");
                s.push_str(&format!(
                    "// Samples per start the C/RTL co-simulation provisions the buffers for (the m_axi depth); the\n\
                     // hardware takes any n.\n\
                     #define {cosim} {COSIM_SAMPLES}\n\n\
                     // n samples per start: reads n * N_IN words from `in` and writes n * N_OUT words to `out`, both\n\
                     // buffers in memory (m_axi, bundles gmem0 and gmem1). Control (s_axilite, bundle `control`):\n\
                     // ap_start/ap_done at {ctrl}, `in` at {in_reg}, `out` at {out_reg} (64-bit addresses), `n` at {n_reg}.\n\
                     // C linkage: the Vitis kernel keeps the function's name.\n\
                     extern \"C\" void {top}(const word_in_t* in, word_out_t* out, unsigned n);\n",
                    cosim = cosim_macro(top),
                    ctrl = regs(super::master_regs::CTRL),
                    in_reg = regs(super::master_regs::IN),
                    out_reg = regs(super::master_regs::OUT),
                    n_reg = regs(super::master_regs::N),
                ));
            }
        }
        s.push_str("\n#endif\n");
        s
    }
}

/// Width of the generated C++ comments.
const COMMENT_WIDTH: usize = 100;

/// `text` as `//` comment lines of at most [`COMMENT_WIDTH`] columns (a word longer than a line
/// gets a line of its own).
fn comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("//");
    for word in text.split_whitespace() {
        if line.len() > 2 && line.len() + 1 + word.len() > COMMENT_WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A section rule: `// --- title ------…` across [`COMMENT_WIDTH`] columns.
fn rule(title: &str) -> String {
    let head = format!("// --- {title} ");
    let dashes = COMMENT_WIDTH.saturating_sub(head.len());
    format!("{head}{}\n", "-".repeat(dashes))
}

/// The name of the `axi_master` co-simulation batch macro: `<P>_AXI_COSIM_SAMPLES`.
fn cosim_macro(top: &str) -> String {
    format!("{}_COSIM_SAMPLES", top.to_ascii_uppercase())
}

/// Width of a bus's value in bits: the fixed type's width; 32 or 64 for float and double.
fn value_bits(bus: &Bus) -> u32 {
    match bus.ty {
        BusType::Fixed(t) => t.width,
        _ => bus.word_bits,
    }
}

/// The C++ type of an AXI4-Stream beat carrying a bus word.
fn axis_type(bus: &Bus) -> String {
    let signed_fixed = bus.fixed().is_some_and(|t| t.signed);
    let template = if signed_fixed { "ap_axis" } else { "ap_axiu" };
    format!("{template}<{}, 0, 0, 0>", bus.word_bits)
}

/// The C++ type of a beat's TDATA: the word itself for a fixed type, the IEEE-754 bits of a float
/// or a double.
fn tdata_type(bus: &Bus) -> String {
    match bus.ty {
        BusType::Fixed(_) => bus.cpp_word(),
        _ => format!("ap_uint<{}>", bus.word_bits),
    }
}

/// The unions that read a float's or a double's IEEE-754 bits, when a bus carries one: the words of
/// an AXI4-Stream beat, and of the words log of the testbench.
fn bit_casts(buses: &[&Bus]) -> String {
    let mut s = String::new();
    if buses.iter().any(|b| b.ty == BusType::Float) {
        s.push_str(
            "// The IEEE-754 bits of a float, through a union: plain wires in hardware.\n\
             union float_bits {\n    float value;\n    unsigned int bits;\n};\n\n",
        );
    }
    if buses.iter().any(|b| b.ty == BusType::Double) {
        s.push_str(
            "// The IEEE-754 bits of a double, through a union: plain wires in hardware.\n\
             union double_bits {\n    double value;\n    unsigned long long bits;\n};\n\n",
        );
    }
    s
}

/// The C++ of `ap_int<W>` (signed bus type) or `ap_uint<W>` holding a fixed-point bus value's raw
/// bits.
fn raw_type(bus: &Bus) -> String {
    let w = value_bits(bus);
    if bus.signed() {
        format!("ap_int<{w}>")
    } else {
        format!("ap_uint<{w}>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Project;
    use std::path::Path;

    fn project(interface: &str, input: &str, output: &str, io: &str) -> Project {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jet_tagger");
        let text = format!(
            "[model]\nname = \"jet_tagger\"\nkeras = \"jet_tagger.keras\"\n\
             [board]\nname = \"pynq-z2\"\ninterface = \"{interface}\"\ninput_type = \"{input}\"\noutput_type = \"{output}\"\n\
             [hls]\nio_type = \"{io}\"\n"
        );
        Project::parse(dir.join("variant.toml"), &text).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    fn generate(p: &Project) -> Files {
        let accel = Accel::new(p).unwrap();
        let mut f = Files::new();
        files(&accel, &mut f).unwrap();
        f
    }

    #[test]
    fn stream_beats_carry_the_bus_word_and_tlast() {
        let p = project("axi_stream", "ap_fixed<14,6>", "float", "io_parallel");
        let f = generate(&p);
        let h = f.text("firmware/jet_tagger_axi.h").unwrap();
        assert!(h.contains("typedef ap_int<16> word_in_t;"), "{h}");
        assert!(h.contains("typedef ap_axis<16, 0, 0, 0> axis_in_t;"), "{h}");
        assert!(h.contains("typedef ap_axiu<32, 0, 0, 0> axis_out_t;"), "{h}");
        let c = f.text("firmware/jet_tagger_axi.cpp").unwrap();
        assert!(c.contains("#pragma HLS INTERFACE ap_ctrl_none port=return"), "{c}");
        assert!(c.contains("value.range(13, 0) = word.range(13, 0);"), "{c}");
        assert!(f.text("jet_tagger_axi_test.cpp").is_some());
        for text in [h, c] {
            assert!(text.starts_with("// @generated by hls4ml-rs from variant.toml"));
        }
    }

    #[test]
    fn master_registers_sit_at_the_pinned_offsets() {
        let p = project("axi_master", "float", "ap_ufixed<10,1>", "io_stream");
        let c = generate(&p);
        let c = c.text("firmware/jet_tagger_axi.cpp").unwrap();
        for line in [
            "#pragma HLS INTERFACE s_axilite port=in offset=0x10 bundle=control",
            "#pragma HLS INTERFACE s_axilite port=out offset=0x1c bundle=control",
            "#pragma HLS INTERFACE s_axilite port=n offset=0x28 bundle=control",
            "#pragma HLS INTERFACE m_axi port=in offset=slave bundle=gmem0 depth=256",
            "#pragma HLS INTERFACE m_axi port=out offset=slave bundle=gmem1 depth=80",
        ] {
            assert!(c.contains(line), "missing `{line}` in\n{c}");
        }
    }

    #[test]
    fn the_wrapper_has_no_heap_and_no_std_containers() {
        for interface in ["axi_stream", "axi_lite", "axi_master"] {
            for io in ["io_parallel", "io_stream"] {
                let f = generate(&project(interface, "double", "ap_ufixed<12,5,AP_RND,AP_SAT>", io));
                for path in ["firmware/jet_tagger_axi.h", "firmware/jet_tagger_axi.cpp"] {
                    let text = f.text(path).unwrap();
                    for word in ["new ", "malloc", "free(", "std::", "<vector>", "<string>"] {
                        assert!(!text.contains(word), "{interface} {io}: `{word}` in {path}:\n{text}");
                    }
                    for line in text.lines() {
                        assert!(
                            line.len() <= 120,
                            "{interface} {io}: a line of {} columns: {line}",
                            line.len()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_model_named_like_a_wrapper_helper_is_refused() {
        let mut p = project("axi_lite", "float", "float", "io_parallel");
        p.config.model.name = "read_sample".into();
        let accel = Accel::new(&p).unwrap();
        let err = files(&accel, &mut Files::new()).unwrap_err();
        assert!(err.to_string().contains("`read_sample`"), "{err}");
    }
}
