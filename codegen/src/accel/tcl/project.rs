//! `project.tcl`: the settings every other script of the project reads.

use super::{clock_mhz, hls_project, number, word};
use crate::accel::{Accel, IP_VERSION};
use crate::config::{Family, Interface, Tool};
use std::fmt::Write;

/// Clock uncertainty given to HLS: hls4ml's default for Vivado HLS projects.
pub(super) const CLOCK_UNCERTAINTY: &str = "12.5%";

/// Largest array Vivado HLS partitions completely (hls4ml's default).
const MAXIMUM_SIZE: usize = 4096;

/// The text of `project.tcl`.
pub(super) fn project_tcl(accel: &Accel, stamp: &str) -> String {
    let board = accel.board();
    let p = &accel.name;
    let top = &accel.top;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{stamp}\n# project.tcl: the settings build_prj.tcl, vivado_synth.tcl and the board's scripts read.\n"
    );

    s.push_str("# The model (the firmware's top function) and the accelerator's top function, the IP's name.\n");
    set(&mut s, "project_name", p);
    set(&mut s, "top", top);

    s.push_str("\n# The board and its FPGA part.\n");
    set(&mut s, "board", &word(&board.name));
    set(&mut s, "family", board.family.as_str());
    set(&mut s, "part", &word(&board.part));
    match board.family {
        Family::Zynq7000 | Family::ZynqMp => {
            set(&mut s, "board_part", &word(board.board_part.as_deref().unwrap_or("")));
        }
        Family::Alveo => {
            s.push_str("# The card's shell, and the memory the kernel's buffers live in.\n");
            set(&mut s, "platform", &word(board.platform.as_deref().unwrap_or("")));
            set(&mut s, "memory_bank", &word(board.memory_bank().unwrap_or("")));
        }
    }
    set(&mut s, "interface", accel.interface().as_str());

    s.push_str("\n# High-level synthesis: the tool (auto: the one running build_prj.tcl), its flow (a Vivado IP\n");
    s.push_str("# for Zynq, a Vitis kernel for Alveo), the clock in ns, and the files.\n");
    let tool = match accel.project.config.hls.tool {
        Tool::Auto => "auto",
        Tool::VivadoHls => "vivado_hls",
        Tool::VitisHls => "vitis_hls",
    };
    set(&mut s, "hls_tool", tool);
    let flow = if board.family == Family::Alveo {
        "vitis"
    } else {
        "vivado"
    };
    set(&mut s, "flow_target", flow);
    set(&mut s, "clock_period", &number(accel.board.clock_period));
    set(&mut s, "clock_uncertainty", CLOCK_UNCERTAINTY);
    set(&mut s, "maximum_size", &MAXIMUM_SIZE.to_string());
    set(
        &mut s,
        "hls_sources",
        &format!("[list firmware/{p}.cpp firmware/{top}.cpp]"),
    );
    s.push_str("# The accelerator's testbench (<P>_test.cpp's counterpart for the AXI top) and its data.\n");
    set(&mut s, "hls_testbench", &format!("{top}_test.cpp"));
    set(&mut s, "hls_tb_data", "tb_data");
    set(&mut s, "hls_cflags", "-std=c++0x");

    s.push_str("\n# The exported IP: vendor:library:name:version.\n");
    set(&mut s, "ip_vendor", "xilinx.com");
    set(&mut s, "ip_library", "hls");
    set(&mut s, "ip_version", IP_VERSION);
    set(&mut s, "ip_vlnv", "$ip_vendor:$ip_library:$top:$ip_version");
    set(
        &mut s,
        "hls_ip_repo",
        &format!("{}/solution1/impl/ip", hls_project(accel)),
    );

    let (input, output) = (&accel.input, &accel.output);
    s.push_str("\n# The bus: values per sample and the bits of one word each way (a fixed-point type travels\n");
    s.push_str("# in a word of a power of two of at least 8 bits, padded; float in 32, double in 64).\n");
    set(&mut s, "input_values", &input.values.to_string());
    set(&mut s, "output_values", &output.values.to_string());
    set(&mut s, "bit_width_hls_input", &input.word_bits.to_string());
    set(&mut s, "bit_width_hls_output", &output.word_bits.to_string());
    if accel.interface() == Interface::AxiStream {
        s.push_str("# The AXI DMA: stream widths (MM2S feeds the input, S2MM takes the output) and the\n");
        s.push_str("# widths of its memory-mapped side (at least 32 bits).\n");
        set(&mut s, "dma_mm2s_stream_width", &input.dma_stream_bits().to_string());
        set(&mut s, "dma_mm2s_memory_width", &input.dma_memory_bits().to_string());
        set(&mut s, "dma_s2mm_stream_width", &output.dma_stream_bits().to_string());
        set(&mut s, "dma_s2mm_memory_width", &output.dma_memory_bits().to_string());
    }

    let mhz = number(clock_mhz(accel.board.clock_period));
    match board.family {
        Family::Zynq7000 | Family::ZynqMp => {
            s.push_str("\n# The PL clock of the block design: the clock HLS was given (1000 / clock_period MHz).\n");
            set(&mut s, "pl_clock_mhz", &mhz);
        }
        Family::Alveo => {
            s.push_str("\n# The kernel: its file, and its clock for v++ (1000 / clock_period MHz).\n");
            set(&mut s, "kernel_xo", &format!("{top}.xo"));
            set(&mut s, "kernel_frequency_mhz", &mhz);
        }
    }
    s
}

/// Appends `set name value`.
fn set(s: &mut String, name: &str, value: &str) {
    let _ = writeln!(s, "set {name} {value}");
}
