//! The bare-metal C driver header `<P>_driver.h` (Zynq boards): C99, `stdint.h`, volatile 32-bit
//! register accesses and nothing else, put together from the C files in `c/` whose names start with
//! `hls4ml_p_` (functions, types) and `HLS4ML_P_` (macros), renamed after the model. `c/predict.h`
//! serves every interface: its `HLS4ML_HANDLE_TYPE`, `HLS4ML_HANDLE` and `HLS4ML_RUN` become the
//! interface's handle type, handle name and run function.

use super::{stamp, tuple};
use crate::accel::bus::Bus;
use crate::accel::{master_regs, Accel};
use crate::config::{BusType, Interface};

/// Register access, cache and address hooks; the portable sign extension.
const HOOKS: &str = include_str!("c/hooks.h");
/// The fixed-point codec (only when a bus carries a fixed-point type).
const FIXED: &str = include_str!("c/fixed.h");
/// `ap_ctrl` handling and return codes of the IP-driven interfaces.
const HLS_CONTROL: &str = include_str!("c/hls_control.h");
const AXI_STREAM: &str = include_str!("c/axi_stream.h");
const AXI_LITE: &str = include_str!("c/axi_lite.h");
const AXI_MASTER: &str = include_str!("c/axi_master.h");
/// `predict`: encode, run, decode, for any interface's handle and run function.
const PREDICT: &str = include_str!("c/predict.h");

/// The header of the project.
pub(super) fn header(accel: &Accel) -> String {
    let mut text = stamp(accel, "//", "Bare-metal C driver of the accelerator (C99, no OS).");
    text += &overview(accel);
    text += "#ifndef HLS4ML_P_DRIVER_H\n#define HLS4ML_P_DRIVER_H\n\n#include <stddef.h>\n#include <stdint.h>\n";
    text += &buses(accel);
    text += HOOKS;
    if accel.input.fixed().is_some() || accel.output.fixed().is_some() {
        text += FIXED;
    }
    text += &codec(&accel.input, "in", "input");
    text += &codec(&accel.output, "out", "output");
    text += &arrays();
    match accel.interface() {
        Interface::AxiStream => {
            text += &format!(
                "\n/** Alignment of the buffers' addresses: each channel's memory-map width in bytes (the DMA has no\n \
                 * realignment engine). */\n#define HLS4ML_P_IN_ALIGN {}u\n#define HLS4ML_P_OUT_ALIGN {}u\n",
                accel.input.dma_memory_bits() / 8,
                accel.output.dma_memory_bits() / 8
            );
            text += AXI_STREAM;
            text += &predict("hls4ml_p_dma", "dma", "hls4ml_p_dma_run");
        }
        Interface::AxiLite => {
            text += &lite_offsets(accel);
            text += HLS_CONTROL;
            text += AXI_LITE;
            text += &predict("hls4ml_p_ip", "ip", "hls4ml_p_run");
        }
        Interface::AxiMaster => {
            text += &master_offsets();
            text += HLS_CONTROL;
            text += AXI_MASTER;
            text += &predict("hls4ml_p_ip", "ip", "hls4ml_p_run");
        }
    }
    text += "\n#endif /* HLS4ML_P_DRIVER_H */\n";
    let xtop = format!("X{}_", accel.top.to_ascii_uppercase());
    text.replace("HLS4ML_XTOP_", &xtop)
        .replace("HLS4ML_P_", &format!("{}_", accel.name.to_ascii_uppercase()))
        .replace("hls4ml_p_", &format!("{}_", accel.name))
}

/// The header's documentation: what it drives and how to call it.
fn overview(accel: &Accel) -> String {
    let (what, usage) = match accel.interface() {
        Interface::AxiStream => (
            "the IP HLS4ML_TOP fed by an AXI DMA in simple mode (AMD PG021): S2MM started before\n \
             * MM2S, lengths in bytes, a batch larger than one transfer (2^26 - 1 bytes) split into several",
            " *     hls4ml_p_dma dma;\n \
             *     int rc = hls4ml_p_dma_init(&dma, XPAR_AXI_DMA_0_BASEADDR);\n \
             *     if (rc == HLS4ML_P_OK)\n \
             *         rc = hls4ml_p_predict(&dma, x, y, N, in, out);\n \
             *     if (rc != HLS4ML_P_OK)\n \
             *         xil_printf(\"%s: MM2S_DMASR 0x%08x, S2MM_DMASR 0x%08x\\r\\n\", hls4ml_p_strerror(rc),\n \
             *                    (unsigned)dma.mm2s_status, (unsigned)dma.s2mm_status);\n",
        ),
        Interface::AxiLite => (
            "the IP HLS4ML_TOP through its AXI4-Lite registers, one run per sample. The offsets\n \
             * of its `in` and `out` arrays are chosen by HLS: include the IP's xHLS4ML_LOWER_TOP_hw.h (from the\n \
             * exported IP's drivers/ folder) before this header, or define HLS4ML_P_IN_OFFSET and\n \
             * HLS4ML_P_OUT_OFFSET",
            " *     hls4ml_p_ip ip;\n \
             *     int rc = hls4ml_p_ip_init(&ip, XPAR_HLS4ML_UPPER_TOP_0_S_AXI_CONTROL_BASEADDR);\n \
             *     if (rc == HLS4ML_P_OK)\n \
             *         rc = hls4ml_p_predict(&ip, x, y, N, in, out);\n \
             *     if (rc != HLS4ML_P_OK)\n \
             *         xil_printf(\"%s: sample %u, ap_ctrl 0x%08x\\r\\n\", hls4ml_p_strerror(rc),\n \
             *                    (unsigned)ip.failed_sample, (unsigned)ip.ap_ctrl);\n",
        ),
        Interface::AxiMaster => (
            "the IP HLS4ML_TOP reading and writing memory itself (AXI4 masters): buffer\n \
             * addresses and the sample count written to its control registers (offsets pinned by the\n \
             * wrapper), one run per batch",
            " *     hls4ml_p_ip ip;\n \
             *     int rc = hls4ml_p_ip_init(&ip, XPAR_HLS4ML_UPPER_TOP_0_S_AXI_CONTROL_BASEADDR);\n \
             *     if (rc == HLS4ML_P_OK)\n \
             *         rc = hls4ml_p_predict(&ip, x, y, N, in, out);\n \
             *     if (rc != HLS4ML_P_OK)\n \
             *         xil_printf(\"%s: ap_ctrl 0x%08x\\r\\n\", hls4ml_p_strerror(rc), (unsigned)ip.ap_ctrl);\n",
        ),
    };
    let what = what
        .replace("HLS4ML_TOP", &accel.top)
        .replace("HLS4ML_LOWER_TOP", &accel.top.to_ascii_lowercase());
    let usage = usage.replace("HLS4ML_UPPER_TOP", &accel.top.to_ascii_uppercase());
    format!(
        "/**\n \
         * @file {name}_driver.h\n \
         * Bare-metal driver of the network {name} on {board} ({interface}):\n \
         * {what}.\n \
         *\n \
         * Input: samples of shape {in_shape}, {in_bus}.\n \
         * Output: samples of shape {out_shape}, {out_bus}.\n \
         *\n \
         * Every function returns HLS4ML_P_OK (0) or a negative code (hls4ml_p_strerror); waits are bounded\n \
         * by poll_limit register reads. Usage under Xilinx standalone, with buffers in DDR aligned to\n \
         * cache lines:\n \
         *\n \
         *     #define HLS4ML_P_XIL_CACHE\n \
         *     #include \"{name}_driver.h\"\n \
         *\n \
         *     static hls4ml_p_in_word in[N * HLS4ML_P_N_IN] __attribute__((aligned(64)));\n \
         *     static hls4ml_p_out_word out[N * HLS4ML_P_N_OUT] __attribute__((aligned(64)));\n\
         {usage} \
         */\n",
        name = accel.name,
        board = accel.board().name,
        interface = accel.interface().as_str(),
        in_shape = tuple(&accel.input_shape),
        out_shape = tuple(&accel.output_shape),
        in_bus = describe(&accel.input),
        out_bus = describe(&accel.output),
    )
}

/// What a bus carries, in words.
fn describe(bus: &Bus) -> String {
    match bus.ty {
        BusType::Float => "float words".to_string(),
        BusType::Double => "double words".to_string(),
        BusType::Fixed(t) => format!("{t} in {} words", bus.c_word()),
    }
}

/// The sizes and word types of both buses.
fn buses(accel: &Accel) -> String {
    let mut out = String::from(
        "\n/* ---------------------------------------------------------------------------------------------\n \
         * The buses: one word per value (a fixed-point word holds the value's raw bits, sign- or\n \
         * zero-extended), packed little-endian sample after sample, channels last.\n \
         * ------------------------------------------------------------------------------------------- */\n",
    );
    for (bus, shape, dir, what) in [
        (&accel.input, &accel.input_shape, "IN", "input"),
        (&accel.output, &accel.output_shape, "OUT", "output"),
    ] {
        out += &format!(
            "\n/** Values per {what} sample (shape {}). */\n#define HLS4ML_P_N_{dir} {}\n",
            tuple(shape),
            bus.values
        );
        out += &format!(
            "/** One {what} word: {}. */\ntypedef {} hls4ml_p_{}_word;\n",
            describe(bus),
            bus.c_word(),
            dir.to_ascii_lowercase()
        );
        out += &format!("#define HLS4ML_P_{dir}_WORD_BYTES {}u\n", bus.word_bytes());
        out += &format!("#define HLS4ML_P_{dir}_SAMPLE_BYTES {}u\n", bus.sample_bytes());
    }
    out
}

/// Conversions of one direction's words: bits, values.
fn codec(bus: &Bus, dir: &str, what: &str) -> String {
    let word = format!("hls4ml_p_{dir}_word");
    let bits = bus.word_bits;
    let mut out = format!(
        "\n/* ---- {what} words ---- */\n\n\
         /** The bits of an {what} word, in the low {bits} bits. */\n\
         static inline uint64_t hls4ml_p_{dir}_word_bits({word} w)\n{{\n"
    );
    match bus.ty {
        BusType::Float | BusType::Double => {
            let (float, int) = if bus.ty == BusType::Float {
                ("float", "uint32_t")
            } else {
                ("double", "uint64_t")
            };
            let union = format!("    union {{\n        {float} f;\n        {int} u;\n    }} v;\n");
            out += &format!("{union}    v.f = w;\n    return v.u;\n}}\n");
            out += &format!(
                "\n/** The {what} word with these bits. */\nstatic inline {word} hls4ml_p_{dir}_word_from_bits(uint64_t bits)\n{{\n\
                 {union}    v.u = ({int})bits;\n    return v.f;\n}}\n"
            );
            out += &format!(
                "\n/** The {what} word carrying the value v. */\nstatic inline {word} hls4ml_p_encode_{dir}(double v)\n{{\n    return ({float})v;\n}}\n"
            );
            out += &format!(
                "\n/** The value an {what} word carries. */\nstatic inline double hls4ml_p_decode_{dir}({word} w)\n{{\n    return (double)w;\n}}\n"
            );
        }
        BusType::Fixed(t) => {
            let mask = if bits == 64 {
                String::new()
            } else {
                format!(" & 0x{:X}u", (1u64 << bits) - 1)
            };
            out += &format!("    return (uint64_t)w{mask};\n}}\n");
            let from_bits = if bus.signed() {
                format!("({word})hls4ml_p_signed(bits, {bits})")
            } else {
                format!("({word})bits")
            };
            out += &format!(
                "\n/** The {what} word with these bits. */\nstatic inline {word} hls4ml_p_{dir}_word_from_bits(uint64_t bits)\n{{\n    return {from_bits};\n}}\n"
            );
            let ty = format!(
                "    /* {t}: width, frac_bits, signed, quantization, overflow, saturation bits, ap_int */\n    \
                 static const hls4ml_p_fixed_type type = {{{}u, {}, {}, HLS4ML_P_{}, HLS4ML_P_{}, {}u, {}}};\n",
                t.width,
                t.frac_bits(),
                t.signed as u8,
                t.quantization.as_str(),
                t.overflow.as_str(),
                t.sat_bits,
                t.integer as u8
            );
            let quantized = "hls4ml_p_fixed_from_double(v, &type)";
            let encoded = if bus.signed() {
                format!("({word})hls4ml_p_signed({quantized}, {bits})")
            } else {
                format!("({word}){quantized}")
            };
            let modes = if t.integer {
                "truncated towards zero and wrapped".to_string()
            } else {
                format!(
                    "quantized with {}, overflow {}",
                    t.quantization.as_str(),
                    t.overflow.as_str()
                )
            };
            out += &format!(
                "\n/** The {what} word carrying the value v: {t}, {modes}. */\nstatic inline {word} hls4ml_p_encode_{dir}(double v)\n{{\n{ty}    return {encoded};\n}}\n"
            );
            out += &format!(
                "\n/** The value an {what} word carries. */\nstatic inline double hls4ml_p_decode_{dir}({word} w)\n{{\n{ty}    return hls4ml_p_fixed_to_double(hls4ml_p_{dir}_word_bits(w), &type);\n}}\n"
            );
        }
    }
    out
}

/// Whole-batch conversions.
fn arrays() -> String {
    "\n/** Encodes n samples of HLS4ML_P_N_IN floats into words. */\n\
     static inline void hls4ml_p_encode_inputs(const float *x, hls4ml_p_in_word *words, size_t n)\n{\n    \
         size_t i;\n    for (i = 0; i < n * HLS4ML_P_N_IN; ++i) {\n        words[i] = hls4ml_p_encode_in(x[i]);\n    }\n}\n\
     \n/** Decodes n samples of HLS4ML_P_N_OUT words into floats. */\n\
     static inline void hls4ml_p_decode_outputs(const hls4ml_p_out_word *words, float *y, size_t n)\n{\n    \
         size_t i;\n    for (i = 0; i < n * HLS4ML_P_N_OUT; ++i) {\n        y[i] = (float)hls4ml_p_decode_out(words[i]);\n    }\n}\n"
        .to_string()
}

/// `predict` taking a `handle` of type `handle_type`, running the words with the function `run`.
fn predict(handle_type: &str, handle: &str, run: &str) -> String {
    PREDICT
        .replace("HLS4ML_HANDLE_TYPE", handle_type)
        .replace("HLS4ML_HANDLE", handle)
        .replace("HLS4ML_RUN", run)
}

/// axi_lite: where the `in` and `out` arrays and `ap_ctrl` are (HLS chooses at synthesis).
fn lite_offsets(accel: &Accel) -> String {
    let hw_h = format!("x{}_hw.h", accel.top.to_ascii_lowercase());
    let mut out = format!(
        "\n/* ---------------------------------------------------------------------------------------------\n \
         * Offsets in the IP's register block. HLS places the `in` and `out` arrays at synthesis: define\n \
         * HLS4ML_P_IN_OFFSET and HLS4ML_P_OUT_OFFSET before this header, or include the HLS-generated\n \
         * {hw_h} (HLS4ML_XTOP_CONTROL_ADDR_IN_R_BASE, ..._OUT_R_BASE) before it.\n \
         * ------------------------------------------------------------------------------------------- */\n"
    );
    for (port, what) in [("IN", "in"), ("OUT", "out")] {
        out += &format!(
            "\n#ifndef HLS4ML_P_{port}_OFFSET\n#ifdef HLS4ML_XTOP_CONTROL_ADDR_{port}_R_BASE\n\
             #define HLS4ML_P_{port}_OFFSET HLS4ML_XTOP_CONTROL_ADDR_{port}_R_BASE\n#else\n\
             #error \"{name}_driver.h (axi_lite): the offset of the `{what}` registers is unknown: include {hw_h} first, or define HLS4ML_P_{port}_OFFSET\"\n\
             #endif\n#endif\n",
            name = accel.name
        );
    }
    out += &format!(
        "\n#ifndef HLS4ML_P_CTRL_OFFSET\n#ifdef HLS4ML_XTOP_CONTROL_ADDR_AP_CTRL\n\
         #define HLS4ML_P_CTRL_OFFSET HLS4ML_XTOP_CONTROL_ADDR_AP_CTRL\n#else\n\
         #define HLS4ML_P_CTRL_OFFSET 0x{:02X}u\n#endif\n#endif\n",
        master_regs::CTRL
    );
    out
}

/// axi_master: the register offsets the wrapper pins.
fn master_offsets() -> String {
    let mut out = String::from(
        "\n/* ---------------------------------------------------------------------------------------------\n \
         * Offsets in the IP's register block, pinned by the wrapper (define them before this header to\n \
         * override): ap_ctrl, the buffers' 64-bit addresses (low word first), the sample count.\n \
         * ------------------------------------------------------------------------------------------- */\n",
    );
    for (name, offset) in [
        ("CTRL", master_regs::CTRL),
        ("IN", master_regs::IN),
        ("OUT", master_regs::OUT),
        ("N", master_regs::N),
    ] {
        out += &format!("\n#ifndef HLS4ML_P_{name}_OFFSET\n#define HLS4ML_P_{name}_OFFSET 0x{offset:02X}u\n#endif\n");
    }
    out
}
