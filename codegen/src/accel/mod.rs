//! The accelerator around the firmware: the AXI wrapper, the Vivado / Vitis Tcl, and the drivers
//! written into the project — everything between the HLS firmware ([`crate::hls`]) and a bitstream
//! on the board (hls4ml's `VivadoAccelerator` backend).
//!
//! ```text
//! firmware/<P>_axi.cpp, <P>_axi.h   the AXI wrapper, top function <P>_axi (the IP's name)
//! <P>_axi_test.cpp                  the wrapper's C-simulation testbench
//! project.tcl, build_prj.tcl        Vivado HLS / Vitis HLS: csim, synth, cosim, export
//! vivado_synth.tcl                  Vivado synthesis of the wrapper top
//! design.tcl                        the board's block design and bitstream (Zynq), or
//! link.tcl, connectivity.cfg        the Alveo kernel (.xo) and its v++ link
//! axi_*_driver.py, <P>_driver.h     drivers for PYNQ and for bare-metal C
//! ```
//!
//! One layout of the data on the bus ([`bus::Bus`]) is shared by the wrapper, the block design's
//! DMA widths and the drivers.

pub mod bus;
mod drivers;
mod tcl;
mod wrapper;

use crate::config::{Board, BoardConfig, Family, Interface, IoType};
use crate::diag::{Error, Result};
use crate::files::Files;
use crate::Project;
use bus::Bus;

/// The version of the exported IP (`xilinx.com:hls:<P>_axi:1.0`).
pub const IP_VERSION: &str = "1.0";

/// The pinned `s_axilite` offsets of the `axi_master` wrapper's arguments (bytes from the control
/// block's base). Pointers take three 32-bit words (low, high, reserved) as HLS lays them out;
/// `0x00` is the control register (`ap_start` bit 0, `ap_done` bit 1, `ap_idle` bit 2), `0x04`–`0x0c`
/// the interrupt registers. The drivers still read the offsets from the `.hwh` when they have one.
pub mod master_regs {
    /// `ap_ctrl`: bit 0 `ap_start`, bit 1 `ap_done`, bit 2 `ap_idle`, bit 3 `ap_ready`.
    pub const CTRL: u32 = 0x00;
    /// Physical address of the input buffer (low 32 bits; high 32 bits at `+4`).
    pub const IN: u32 = 0x10;
    /// Physical address of the output buffer (low 32 bits; high 32 bits at `+4`).
    pub const OUT: u32 = 0x1c;
    /// Number of samples to run (32-bit).
    pub const N: u32 = 0x28;
}

/// Names of the wrapper's arguments and of the IP's interfaces, as HLS names them. The C++
/// arguments are `in`, `out` (and `n` for `axi_master`); HLS renames `in`/`out` to `in_r`/`out_r`
/// in the RTL because they are Verilog keywords.
pub mod ports {
    /// `axi_stream`: the AXI4-Stream slave the DMA's `M_AXIS_MM2S` feeds.
    pub const STREAM_IN: &str = "in_r";
    /// `axi_stream`: the AXI4-Stream master feeding the DMA's `S_AXIS_S2MM`.
    pub const STREAM_OUT: &str = "out_r";
    /// `axi_lite` and `axi_master`: the `s_axilite` bundle `control`'s interface.
    pub const CONTROL: &str = "s_axi_control";
    /// `axi_master`: the input buffer's AXI4 master (bundle `gmem0`).
    pub const MASTER_IN: &str = "m_axi_gmem0";
    /// `axi_master`: the output buffer's AXI4 master (bundle `gmem1`).
    pub const MASTER_OUT: &str = "m_axi_gmem1";
}

/// Whether a (family, interface) pair is supported, and why not when it is not.
pub fn support(family: Family, interface: Interface) -> std::result::Result<(), &'static str> {
    match (family, interface) {
        (Family::Zynq7000 | Family::ZynqMp, _) => Ok(()),
        (Family::Alveo, Interface::AxiMaster) => Ok(()),
        (Family::Alveo, Interface::AxiStream) => Err(
            "an Alveo kernel's streams can only connect to other kernels; the host reaches a kernel \
             through memory: use interface = \"axi_master\"",
        ),
        (Family::Alveo, Interface::AxiLite) => Err(
            "Alveo kernels are started and fed by XRT through memory buffers, not register by register: \
             use interface = \"axi_master\"",
        ),
    }
}

/// What the wrapper, Tcl and driver writers need to know about a project.
#[derive(Debug, Clone)]
pub struct Accel<'a> {
    /// The project.
    pub project: &'a Project,
    /// The firmware's top function and model name `P`.
    pub name: String,
    /// The wrapper's top function and the IP's name: `P_axi`.
    pub top: String,
    /// The board and its bus settings.
    pub board: &'a BoardConfig,
    /// The input bus.
    pub input: Bus,
    /// The output bus.
    pub output: Bus,
    /// The input tensor's shape (channels last, no batch dimension).
    pub input_shape: Vec<usize>,
    /// The output tensor's shape.
    pub output_shape: Vec<usize>,
    /// The firmware's data layout (the wrapper calls the top function accordingly).
    pub io_type: IoType,
}

impl<'a> Accel<'a> {
    /// The accelerator of a project; an error when its board cannot take its interface.
    pub fn new(project: &'a Project) -> Result<Accel<'a>> {
        let board = &project.config.board;
        if let Err(why) = support(board.board.family, board.interface) {
            return Err(Error::new(format!(
                "board {} ({}) does not support interface {}: {why}",
                board.board.name,
                board.board.family.as_str(),
                board.interface.as_str()
            )));
        }
        let graph = &project.graph;
        let input_shape = graph.input_shape().to_vec();
        let output_shape = graph.output_shape().to_vec();
        let input = Bus::new(board.input_type, board.interface, input_shape.iter().product())?;
        let output = Bus::new(board.output_type, board.interface, output_shape.iter().product())?;
        let name = project.name().to_string();
        Ok(Accel {
            project,
            top: format!("{name}_axi"),
            name,
            board,
            input,
            output,
            input_shape,
            output_shape,
            io_type: project.config.hls.io_type,
        })
    }

    /// The board.
    pub fn board(&self) -> &Board {
        &self.board.board
    }

    /// The interface.
    pub fn interface(&self) -> Interface {
        self.board.interface
    }
}

/// Generates the accelerator's files (paths relative to the project folder): wrapper, Tcl, drivers.
pub fn files(project: &Project) -> Result<Files> {
    let accel = Accel::new(project)?;
    let mut files = Files::new();
    wrapper::files(&accel, &mut files)?;
    tcl::files(&accel, &mut files)?;
    drivers::files(&accel, &mut files)?;
    Ok(files)
}
