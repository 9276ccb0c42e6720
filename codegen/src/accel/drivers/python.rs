//! The PYNQ drivers: one self-contained Python module per project, put together from the shared
//! code (`python/common.py`), the project's constants, the parts the interface needs
//! (`python/hls_control.py`, `python/buffers.py`) and the interface's class.

use super::{stamp, tuple};
use crate::accel::bus::Bus;
use crate::accel::{master_regs, Accel};
use crate::config::{BusType, Family, Interface};
use hls4ml_runtime::fixed::FixedType;

/// Imports, the fixed-point codec, the bus layout, shape checks and `predict`.
const COMMON: &str = include_str!("python/common.py");
/// `ap_ctrl` handling, for the drivers that start the IP themselves.
const HLS_CONTROL: &str = include_str!("python/hls_control.py");
/// The input and output buffers, for the drivers that hand memory to the hardware.
const BUFFERS: &str = include_str!("python/buffers.py");
const AXI_STREAM: &str = include_str!("python/axi_stream.py");
const AXI_LITE: &str = include_str!("python/axi_lite.py");
const AXI_MASTER: &str = include_str!("python/axi_master.py");
const ALVEO: &str = include_str!("python/alveo.py");
/// The line of each class's docstring that stands for the constructor parameters `_load` takes.
const OVERLAY_PARAMETERS: &str =
    "    OVERLAY_PARAMETERS (bitfile, x_shape, y_shape, dtype, dtbo, download, ignore_version, device)\n";

/// The driver module `file` of the project.
pub(super) fn driver(accel: &Accel, file: &str) -> String {
    let family = accel.board().family;
    let interface = accel.interface();
    let (what, class) = match (family, interface) {
        (Family::Alveo, _) => ("PYNQ driver (Alveo, XRT)", ALVEO),
        (_, Interface::AxiStream) => ("PYNQ driver (Zynq, AXI DMA)", AXI_STREAM),
        (_, Interface::AxiLite) => ("PYNQ driver (Zynq, AXI4-Lite registers)", AXI_LITE),
        (_, Interface::AxiMaster) => ("PYNQ driver (Zynq, AXI4 masters)", AXI_MASTER),
    };
    let mut out = stamp(accel, "#", what);
    out += &docstring(accel, file);
    out += "\n";
    out += COMMON;
    out += &constants(accel);
    if family != Family::Alveo && interface != Interface::AxiStream {
        out += HLS_CONTROL;
    }
    if family == Family::Alveo || interface != Interface::AxiLite {
        out += BUFFERS;
    }
    out += &class.replace(OVERLAY_PARAMETERS, &overlay_parameters(family));
    out
}

/// The docstring lines of the constructor parameters every driver hands to `_load` (and so to
/// `pynq.Overlay`).
fn overlay_parameters(family: Family) -> String {
    let (bitfile, device) = if family == Family::Alveo {
        ("The ``.xclbin``.", " (``device`` picks the card)")
    } else {
        ("The bitstream (with its ``.hwh`` beside it, same base name).", "")
    };
    format!(
        "    bitfile : str
        {bitfile}
    x_shape, y_shape : tuple
        ``(batch,) + INPUT_SHAPE`` and ``(batch,) + OUTPUT_SHAPE``.
    dtype : numpy dtype
        The float type of the predictions.
    dtbo, download, ignore_version, device :
        Passed to ``pynq.Overlay``{device}.
"
    )
}

/// The module docstring: what the driver drives and how to use it.
fn docstring(accel: &Accel, file: &str) -> String {
    let module = file.trim_end_matches(".py");
    let board = accel.board();
    let (how, files) = match (board.family, accel.interface()) {
        (Family::Alveo, _) => (
            format!("the kernel {}_1 on the card, through PYNQ's XRT support", accel.top),
            "Run it on the host with PYNQ for Alveo installed, next to the .xclbin",
        ),
        (_, Interface::AxiStream) => (
            format!("the IP {} fed by the AXI DMA hier_0/axi_dma_0 (simple mode)", accel.top),
            "Copy it to the board next to the bitstream and its .hwh (same base name)",
        ),
        (_, Interface::AxiLite) => (
            format!(
                "the IP {}_0 through its AXI4-Lite registers, sample by sample",
                accel.top
            ),
            "Copy it to the board next to the bitstream and its .hwh (same base name)",
        ),
        (_, Interface::AxiMaster) => (
            format!(
                "the IP {}_0 reading and writing memory itself (AXI4 masters)",
                accel.top
            ),
            "Copy it to the board next to the bitstream and its .hwh (same base name)",
        ),
    };
    let bitstream = if board.family == Family::Alveo {
        "hls4ml_nn.xclbin"
    } else {
        "hls4ml_nn.bit"
    };
    format!(
        r#""""Driver of the network {name} on {board} ({interface}):
{how}.

{files}, then:

    from {module} import NeuralNetworkOverlay
    nn = NeuralNetworkOverlay("{bitstream}", X_test.shape, y_test.shape)
    y_hw, latency, throughput = nn.predict(X_test, profile=True)

Input: samples of shape {in_shape}, {in_bus}.
Output: samples of shape {out_shape}, {out_bus}.
"""
"#,
        name = accel.name,
        board = board.name,
        interface = accel.interface().as_str(),
        in_shape = tuple(&accel.input_shape),
        out_shape = tuple(&accel.output_shape),
        in_bus = describe(&accel.input, "converted from floats by predict"),
        out_bus = describe(&accel.output, "converted to floats by predict"),
    )
}

/// What a bus carries, in words.
fn describe(bus: &Bus, conversion: &str) -> String {
    match bus.ty {
        BusType::Float => "32-bit floats on the bus".to_string(),
        BusType::Double => "64-bit doubles on the bus".to_string(),
        BusType::Fixed(t) => format!(
            "{t} on the bus in {}-bit words ({}),\n    {conversion}",
            bus.word_bits,
            bus.numpy_word()
        ),
    }
}

/// The project's constants, read by the shared code and the class.
fn constants(accel: &Accel) -> String {
    let mut out = String::from(
        "\n# ----------------------------------------------------------------------------------------------\n\
         # This project\n\
         # ----------------------------------------------------------------------------------------------\n\n",
    );
    out += &format!(
        "#: The model's name (the firmware's top function).\nMODEL_NAME = {:?}\n",
        accel.name
    );
    out += &format!(
        "#: The IP's name (the AXI wrapper's top function).\nIP_NAME = {:?}\n",
        accel.top
    );
    out += &format!(
        "#: One input sample's shape (channels last, no batch dimension).\nINPUT_SHAPE = {}\n",
        tuple(&accel.input_shape)
    );
    out += &format!(
        "#: One output sample's shape.\nOUTPUT_SHAPE = {}\n",
        tuple(&accel.output_shape)
    );
    out += &format!(
        "#: What travels on the bus into the IP.\nINPUT_BUS = {}\n",
        bus(&accel.input)
    );
    out += &format!(
        "#: What travels on the bus out of the IP.\nOUTPUT_BUS = {}\n",
        bus(&accel.output)
    );
    match (accel.board().family, accel.interface()) {
        (Family::Alveo, _) => {
            out += &format!(
                "#: The kernel's compute unit, as v++ names it.\nKERNEL_INSTANCE = \"{}_1\"\n",
                accel.top
            );
        }
        (_, Interface::AxiStream) => {
            out += "#: The AXI DMA in the block design.\nDMA_INSTANCE = \"hier_0/axi_dma_0\"\n";
            out += "#: Bytes per DMA transfer when the overlay does not say (c_sg_length_width = 26).\n\
                    MAX_TRANSFER_BYTES = 2**26 - 1\n";
            out += &format!(
                "#: Widths of the DMA's memory-mapped side when the overlay does not say (PG021: 32 or more).\n\
                 MM2S_MEMORY_BITS = {}\nS2MM_MEMORY_BITS = {}\n",
                accel.input.dma_memory_bits(),
                accel.output.dma_memory_bits()
            );
        }
        (_, Interface::AxiLite) => {
            out += &format!("#: The IP in the block design.\nIP_INSTANCE = \"{}_0\"\n", accel.top);
            out += &format!(
                "#: The ap_ctrl register when the overlay does not say.\nCTRL_OFFSET = 0x{:02x}\n",
                master_regs::CTRL
            );
        }
        (_, Interface::AxiMaster) => {
            out += &format!("#: The IP in the block design.\nIP_INSTANCE = \"{}_0\"\n", accel.top);
            out += &format!(
                "#: Register offsets pinned by the wrapper: ap_ctrl, the buffers' 64-bit addresses (low word first),\n\
                 #: the number of samples.\nPINNED_OFFSETS = {{\"ctrl\": 0x{:02x}, \"in\": 0x{:02x}, \"out\": 0x{:02x}, \"n\": 0x{:02x}}}\n",
                master_regs::CTRL,
                master_regs::IN,
                master_regs::OUT,
                master_regs::N
            );
        }
    }
    out
}

/// A bus as the Python `Bus` constructor call.
fn bus(bus: &Bus) -> String {
    match bus.fixed() {
        None => format!("Bus({:?}, {:?}, {})", bus.ty.to_string(), bus.numpy_word(), bus.values),
        Some(t) => format!(
            "Bus({:?}, {:?}, {},\n    {})",
            bus.ty.to_string(),
            bus.numpy_word(),
            bus.values,
            fixed(&t)
        ),
    }
}

/// A fixed-point type as the Python `FixedType` constructor call.
fn fixed(t: &FixedType) -> String {
    let py_bool = |b: bool| if b { "True" } else { "False" };
    format!(
        "FixedType({}, {}, signed={}, quantization={:?}, overflow={:?}, sat_bits={}, integer={})",
        t.width,
        t.int_bits,
        py_bool(t.signed),
        t.quantization.as_str(),
        t.overflow.as_str(),
        t.sat_bits,
        py_bool(t.integer)
    )
}
