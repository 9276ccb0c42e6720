//! `design.tcl` for the Zynq boards: the processor, the accelerator (and its AXI DMA for
//! `axi_stream`), the interconnects, one PL clock and its reset, wired explicitly; then the
//! bitstream and the hardware handoff.
//!
//! Every connection is spelt out rather than left to Vivado's connection automation, so the script
//! says exactly what the design is; the automation only applies the board's presets to the
//! processor. The DMA and the accelerator end up in the hierarchy `hier_0` (PYNQ drivers find
//! `hier_0/axi_dma_0`).

use super::{hls_project, Accel};
use crate::accel::ports;
use crate::config::{Family, Interface};
use crate::diag::{Error, Result};
use std::fmt::Write;

/// The processor of a Zynq family: its cell, presets, ports and the pins that clock them.
struct Ps {
    /// The cell's name.
    cell: &'static str,
    /// Catalog name (`vendor:library:name`).
    ip: &'static str,
    /// The automation rule applying the board preset, and its settings.
    preset_rule: &'static str,
    preset_config: &'static str,
    /// The master port to the control registers, and its clock input.
    control_port: &'static str,
    control_clock: &'static str,
    /// The slave port into DDR, and its clock input.
    data_port: &'static str,
    data_clock: &'static str,
    /// The PL clock and reset outputs.
    clock: &'static str,
    reset: &'static str,
}

impl Ps {
    fn of(family: Family) -> Result<Ps> {
        let missing = || Error::new(format!("{} has no processing system", family.as_str()));
        let ip = family.processor_ip().ok_or_else(missing)?;
        let control_port = family.control_port().ok_or_else(missing)?;
        let data_port = family.data_port().ok_or_else(missing)?;
        let clock = family.pl_clock_pin().ok_or_else(missing)?;
        let reset = family.pl_reset_pin().ok_or_else(missing)?;
        Ok(match family {
            Family::Zynq7000 => Ps {
                cell: "processing_system7_0",
                ip,
                preset_rule: "xilinx.com:bd_rule:processing_system7",
                preset_config:
                    "make_external \"FIXED_IO, DDR\" apply_board_preset \"1\" Master \"Disable\" Slave \"Disable\"",
                control_port,
                control_clock: "M_AXI_GP0_ACLK",
                data_port,
                data_clock: "S_AXI_HP0_ACLK",
                clock,
                reset,
            },
            _ => Ps {
                cell: "zynq_ultra_ps_e_0",
                ip,
                preset_rule: "xilinx.com:bd_rule:zynq_ultra_ps_e",
                preset_config: "apply_board_preset \"1\"",
                control_port,
                control_clock: "maxihpm0_fpd_aclk",
                data_port,
                data_clock: "saxihpc0_fpd_aclk",
                clock,
                reset,
            },
        })
    }

    /// The processor's settings: one master port for the registers, the data port when the PL
    /// reads and writes DDR, and the PL clock at `$pl_clock_mhz`.
    fn config(&self, family: Family, data: bool) -> Vec<(&'static str, &'static str)> {
        let data = if data { "1" } else { "0" };
        match family {
            Family::Zynq7000 => vec![
                ("PCW_USE_M_AXI_GP0", "1"),
                ("PCW_USE_M_AXI_GP1", "0"),
                ("PCW_USE_S_AXI_HP0", data),
                ("PCW_EN_CLK0_PORT", "1"),
                ("PCW_EN_RST0_PORT", "1"),
                ("PCW_FPGA0_PERIPHERAL_FREQMHZ", "$pl_clock_mhz"),
            ],
            _ => vec![
                ("PSU__USE__M_AXI_GP0", "1"),
                ("PSU__USE__M_AXI_GP1", "0"),
                ("PSU__USE__M_AXI_GP2", "0"),
                ("PSU__USE__S_AXI_GP0", data),
                ("PSU__FPGA_PL0_ENABLE", "1"),
                ("PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ", "$pl_clock_mhz"),
            ],
        }
    }
}

/// A cell other than the processor.
struct Cell {
    name: String,
    /// `vendor:library:name` of a catalog IP (its newest version is taken), or `$ip_vlnv`.
    ip: String,
    config: Vec<(&'static str, String)>,
    comment: &'static str,
}

/// The block design as lists of cells and connections.
struct Design {
    cells: Vec<Cell>,
    /// Interface connections: (from, to, what).
    links: Vec<(String, String, &'static str)>,
    /// Pins driven by the PL clock.
    clocked: Vec<String>,
    /// Pins driven by the reset block's interconnect reset.
    interconnect_resets: Vec<String>,
    /// Pins driven by the reset block's peripheral reset.
    peripheral_resets: Vec<String>,
    /// The cells grouped into `hier_0`.
    hierarchy: Vec<String>,
}

const RESET: &str = "rst_pl";
const CONTROL: &str = "ctrl_interconnect";
const DMA: &str = "axi_dma_0";

impl Design {
    fn new(accel: &Accel, family: Family, ps: &Ps) -> Design {
        let interface = accel.interface();
        let ip = format!("{}_0", accel.top);
        let p = |cell: &str, pin: &str| format!("{cell}/{pin}");
        let mut d = Design {
            cells: vec![
                Cell {
                    name: RESET.into(),
                    ip: "xilinx.com:ip:proc_sys_reset".into(),
                    config: vec![],
                    comment: "The PL's reset, released in step with the PL clock.",
                },
                Cell {
                    name: CONTROL.into(),
                    ip: "xilinx.com:ip:axi_interconnect".into(),
                    config: vec![("NUM_SI", "1".into()), ("NUM_MI", "1".into())],
                    comment: "The control path: the processor's master port to the registers of the PL.",
                },
            ],
            links: vec![(
                p(ps.cell, ps.control_port),
                p(CONTROL, "S00_AXI"),
                "processor → control interconnect",
            )],
            clocked: vec![p(ps.cell, ps.control_clock), p(RESET, "slowest_sync_clk")],
            interconnect_resets: vec![p(CONTROL, "ARESETN")],
            peripheral_resets: vec![p(CONTROL, "S00_ARESETN"), p(CONTROL, "M00_ARESETN")],
            hierarchy: vec![],
        };
        d.clocked
            .extend(["ACLK", "S00_ACLK", "M00_ACLK"].map(|pin| p(CONTROL, pin)));

        // The masters that reach DDR through the data port: the DMA's two, or the IP's two.
        let masters: Vec<String> = match interface {
            Interface::AxiStream => vec![p(DMA, "M_AXI_MM2S"), p(DMA, "M_AXI_S2MM")],
            Interface::AxiMaster => vec![p(&ip, ports::MASTER_IN), p(&ip, ports::MASTER_OUT)],
            Interface::AxiLite => vec![],
        };

        if interface == Interface::AxiStream {
            d.cells.push(Cell {
                name: DMA.into(),
                ip: "xilinx.com:ip:axi_dma".into(),
                config: vec![
                    ("c_include_sg", "0".into()),
                    ("c_sg_length_width", "26".into()),
                    ("c_sg_include_stscntrl_strm", "0".into()),
                    ("c_include_mm2s", "1".into()),
                    ("c_include_s2mm", "1".into()),
                    ("c_m_axis_mm2s_tdata_width", "$dma_mm2s_stream_width".into()),
                    ("c_m_axi_mm2s_data_width", "$dma_mm2s_memory_width".into()),
                    ("c_mm2s_burst_size", "256".into()),
                    ("c_s_axis_s2mm_tdata_width", "$dma_s2mm_stream_width".into()),
                    ("c_m_axi_s2mm_data_width", "$dma_s2mm_memory_width".into()),
                    ("c_s2mm_burst_size", "256".into()),
                ],
                comment: "The AXI DMA in simple (direct register) mode, no scatter-gather: MM2S streams the \
                          inputs\n# from DDR to the accelerator, S2MM its outputs back; stream widths = the bus \
                          words.",
            });
            d.links.push((
                p(CONTROL, "M00_AXI"),
                p(DMA, "S_AXI_LITE"),
                "control interconnect → DMA registers",
            ));
            d.links.push((
                p(DMA, "M_AXIS_MM2S"),
                p(&ip, ports::STREAM_IN),
                "DMA stream out → accelerator input",
            ));
            d.links.push((
                p(&ip, ports::STREAM_OUT),
                p(DMA, "S_AXIS_S2MM"),
                "accelerator output → DMA stream in",
            ));
            d.clocked
                .extend(["s_axi_lite_aclk", "m_axi_mm2s_aclk", "m_axi_s2mm_aclk"].map(|pin| p(DMA, pin)));
            d.peripheral_resets.push(p(DMA, "axi_resetn"));
            d.hierarchy.push(DMA.into());
        } else {
            d.links.push((
                p(CONTROL, "M00_AXI"),
                p(&ip, ports::CONTROL),
                "control interconnect → accelerator registers",
            ));
        }

        d.cells.push(Cell {
            name: ip.clone(),
            ip: "$ip_vlnv".into(),
            config: vec![],
            comment: "The accelerator: the IP build_prj.tcl exported.",
        });
        d.clocked.push(p(&ip, "ap_clk"));
        d.peripheral_resets.push(p(&ip, "ap_rst_n"));
        d.hierarchy.push(ip.clone());

        if !masters.is_empty() {
            let (memory, ic_ip, comment) = match family {
                Family::Zynq7000 => (
                    "mem_interconnect",
                    "xilinx.com:ip:axi_interconnect",
                    "The data path: the masters that read and write DDR, through an AXI interconnect to HP0.",
                ),
                _ => (
                    "axi_smc",
                    "xilinx.com:ip:smartconnect",
                    "The data path: the masters that read and write DDR, through an AXI SmartConnect to the\n# \
                     coherent port HPC0.",
                ),
            };
            d.cells.push(Cell {
                name: memory.into(),
                ip: ic_ip.into(),
                config: vec![("NUM_SI", masters.len().to_string()), ("NUM_MI", "1".into())],
                comment,
            });
            let smartconnect = family == Family::ZynqMp;
            for (i, master) in masters.iter().enumerate() {
                d.links.push((
                    master.clone(),
                    p(memory, &format!("S{i:02}_AXI")),
                    "master → data interconnect",
                ));
                if !smartconnect {
                    d.clocked.push(p(memory, &format!("S{i:02}_ACLK")));
                    d.peripheral_resets.push(p(memory, &format!("S{i:02}_ARESETN")));
                }
            }
            d.links.push((
                p(memory, "M00_AXI"),
                p(ps.cell, ps.data_port),
                "data interconnect → DDR",
            ));
            d.clocked.push(p(ps.cell, ps.data_clock));
            if smartconnect {
                d.clocked.push(p(memory, "aclk"));
                d.peripheral_resets.push(p(memory, "aresetn"));
            } else {
                d.clocked.extend(["ACLK", "M00_ACLK"].map(|pin| p(memory, pin)));
                d.interconnect_resets.push(p(memory, "ARESETN"));
                d.peripheral_resets.push(p(memory, "M00_ARESETN"));
            }
        }
        d
    }
}

/// What each interface's design does, for the header.
fn summary(interface: Interface) -> &'static str {
    match interface {
        Interface::AxiStream => {
            "an AXI DMA streams the inputs from DDR to the accelerator and its outputs back;\n# the processor \
             drives the DMA's registers"
        }
        Interface::AxiLite => {
            "the processor writes the inputs to the accelerator's registers and reads\n# the outputs there"
        }
        Interface::AxiMaster => {
            "the accelerator reads its inputs from DDR and writes its outputs there itself;\n# the processor \
             gives it the buffers' addresses and starts it through its registers"
        }
    }
}

/// `connect_bd_net -net name [driver] [sink] …`, one pin per line.
fn net(s: &mut String, name: &str, driver: &str, sinks: &[String]) {
    let _ = write!(s, "connect_bd_net -net {name} [get_bd_pins {driver}]");
    for sink in sinks {
        let _ = write!(s, " \\\n    [get_bd_pins {sink}]");
    }
    s.push('\n');
}

/// The text of `design.tcl` for a Zynq board.
pub(super) fn design_tcl(accel: &Accel, stamp: &str) -> Result<String> {
    let family = accel.board().family;
    let interface = accel.interface();
    let ps = Ps::of(family)?;
    let design = Design::new(accel, family, &ps);
    let p = &accel.name;
    let prj = hls_project(accel);
    let mut s = String::new();

    let _ = write!(
        s,
        r#"{stamp}
# design.tcl: the block design of {p} on {board}, then synthesis, implementation and the bitstream.
# Interface {interface}: {summary}.
#
#   vivado -mode batch -source design.tcl [-tclargs jobs=N]
#
#   jobs  parallel jobs of synthesis and implementation (default 4)
#
# Needs the accelerator's IP: `vivado_hls -f build_prj.tcl "synth=1 export=1"` (or
# `vitis_hls -f build_prj.tcl -tclargs "synth=1 export=1"`) exports it to {prj}/solution1/impl/ip.
# Writes {p}_vivado_accelerator/project_1.runs/impl_1/design_1_wrapper.bit, the hardware handoff
# {p}_vivado_accelerator/project_1.srcs/sources_1/bd/design_1/hw_handoff/design_1.hwh,
# util.rpt (utilization by hierarchy) and timing.rpt (timing summary). Written for the Tcl 8.5 of Vivado.

set project_dir [file dirname [file normalize [info script]]]
cd $project_dir
source [file join $project_dir project.tcl]

# --- Options ----------------------------------------------------------------------------------
set jobs 4
set arguments [expr {{[info exists ::argv] ? $::argv : {{}}}}]
foreach word [concat {{*}}$arguments] {{
    if {{![regexp {{^jobs=([1-9][0-9]*)$}} $word -> jobs]}} {{
        error "design.tcl: unknown option `$word`; the option is jobs=N (N parallel jobs)"
    }}
}}

# --- The accelerator's IP, exported by build_prj.tcl --------------------------------------------
if {{![file exists [file join $hls_ip_repo component.xml]]}} {{
    error "design.tcl: the IP $ip_vlnv has not been exported ($hls_ip_repo/component.xml is\
           missing): run `vivado_hls -f build_prj.tcl \"synth=1 export=1\"` (or\
           `vitis_hls -f build_prj.tcl -tclargs \"synth=1 export=1\"`) first"
}}

# --- The Vivado project on the board's part, with the HLS project as IP repository -------------
create_project project_1 ${{project_name}}_vivado_accelerator -part $part -force
if {{[llength [get_board_parts -quiet $board_part]] == 0}} {{
    error "design.tcl: this Vivado does not know the board part $board_part: install the board's\
           files (from its vendor) into Vivado's board repository"
}}
set_property board_part $board_part [current_project]
set_property ip_repo_paths [list [file normalize ${{project_name}}_prj]] [current_project]
update_ip_catalog
if {{[llength [get_ipdefs -quiet $ip_vlnv]] == 0}} {{
    error "design.tcl: the IP catalog has no $ip_vlnv after reading ${{project_name}}_prj: export it\
           again with build_prj.tcl (synth=1 export=1)"
}}

# The newest version of a catalog IP (vendor:library:name) this Vivado has.
proc latest_ip {{name}} {{
    set found [lsort -dictionary [get_ipdefs -all -quiet $name:*]]
    if {{[llength $found] == 0}} {{
        error "design.tcl: the IP catalog has no $name"
    }}
    return [lindex $found end]
}}

create_bd_design design_1

# --- The processor, with the board's presets ---------------------------------------------------
create_bd_cell -type ip -vlnv [latest_ip {ps_ip}] {ps_cell}
apply_bd_automation -rule {rule} -config {{{preset}}} [get_bd_cells {ps_cell}]
# Master {control} for the registers, {data_port} into DDR when the PL moves the data, and the PL
# clock at $pl_clock_mhz MHz, the clock HLS was given (clock_period = $clock_period ns).
set_property -dict [list"#,
        board = accel.board().name,
        interface = interface.as_str(),
        summary = summary(interface),
        ps_ip = ps.ip,
        ps_cell = ps.cell,
        rule = ps.preset_rule,
        preset = ps.preset_config,
        control = ps.control_port,
        data_port = ps.data_port,
    );
    for (key, value) in ps.config(family, design.links.iter().any(|l| l.1.ends_with(ps.data_port))) {
        let _ = write!(s, " \\\n    CONFIG.{key} {value}");
    }
    let _ = writeln!(s, "] [get_bd_cells {}]", ps.cell);

    for cell in &design.cells {
        let vlnv = if cell.ip.starts_with('$') {
            cell.ip.clone()
        } else {
            format!("[latest_ip {}]", cell.ip)
        };
        let _ = writeln!(s, "\n# {}", cell.comment);
        let _ = writeln!(s, "create_bd_cell -type ip -vlnv {vlnv} {}", cell.name);
        if !cell.config.is_empty() {
            s.push_str("set_property -dict [list");
            for (key, value) in &cell.config {
                let _ = write!(s, " \\\n    CONFIG.{key} {value}");
            }
            let _ = writeln!(s, "] [get_bd_cells {}]", cell.name);
        }
    }

    s.push_str("\n# --- Interfaces --------------------------------------------------------------------------------\n");
    for (from, to, what) in &design.links {
        let _ = writeln!(s, "# {what}");
        let _ = writeln!(
            s,
            "connect_bd_intf_net [get_bd_intf_pins {from}] [get_bd_intf_pins {to}]"
        );
    }

    s.push_str("\n# --- One clock, the PL clock, for everything; its resets --------------------------------------\n");
    net(&mut s, "pl_clk", &format!("{}/{}", ps.cell, ps.clock), &design.clocked);
    net(
        &mut s,
        "pl_resetn",
        &format!("{}/{}", ps.cell, ps.reset),
        &[format!("{RESET}/ext_reset_in")],
    );
    net(
        &mut s,
        "interconnect_aresetn",
        &format!("{RESET}/interconnect_aresetn"),
        &design.interconnect_resets,
    );
    net(
        &mut s,
        "peripheral_aresetn",
        &format!("{RESET}/peripheral_aresetn"),
        &design.peripheral_resets,
    );

    let grouped: Vec<String> = design.hierarchy.iter().map(|c| format!("[get_bd_cells {c}]")).collect();
    let _ = write!(
        s,
        r#"
# --- The accelerator{and_dma} in one hierarchy, hier_0 -----------------------------------------------
group_bd_cells hier_0 {grouped}

# --- Addresses, checks, the HDL wrapper --------------------------------------------------------
assign_bd_address
validate_bd_design
save_bd_design
add_files -norecurse [make_wrapper -files [get_files design_1.bd] -top]

# --- Synthesis, implementation and the bitstream -----------------------------------------------
launch_runs impl_1 -to_step write_bitstream -jobs $jobs
wait_on_run impl_1
set runs_dir ${{project_name}}_vivado_accelerator/project_1.runs
if {{[get_property PROGRESS [get_runs impl_1]] ne "100%"}} {{
    error "design.tcl: implementation did not complete ([get_property STATUS [get_runs impl_1]]):\
           see $runs_dir/synth_1/runme.log and $runs_dir/impl_1/runme.log"
}}
open_run impl_1
report_utilization -file util.rpt -hierarchical -hierarchical_percentages
report_timing_summary -file timing.rpt

# --- The results, where the packaging step looks for them --------------------------------------
set bitstream $runs_dir/impl_1/design_1_wrapper.bit
set hwh ${{project_name}}_vivado_accelerator/project_1.srcs/sources_1/bd/design_1/hw_handoff/design_1.hwh
if {{![file exists $bitstream]}} {{
    error "design.tcl: the bitstream $bitstream was not written: see $runs_dir/impl_1/runme.log"
}}
if {{![file exists $hwh]}} {{
    # Vivado 2020.2 and newer write the hardware handoff under project_1.gen: copy it beside the
    # sources, where older versions write it.
    set generated ${{project_name}}_vivado_accelerator/project_1.gen/sources_1/bd/design_1/hw_handoff/design_1.hwh
    if {{![file exists $generated]}} {{
        error "design.tcl: no hardware handoff (design_1.hwh) was written"
    }}
    file mkdir [file dirname $hwh]
    file copy -force $generated $hwh
}}
puts "design.tcl: bitstream $bitstream, hardware handoff $hwh"
"#,
        and_dma = if interface == Interface::AxiStream {
            " and its DMA"
        } else {
            ""
        },
        grouped = grouped.join(" "),
    );
    Ok(ruled(&s))
}

/// The text with every section rule (`# --- Title ---…`) drawn to 100 columns.
fn ruled(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.strip_prefix("# --- ") {
            Some(rest) if rest.ends_with("--") => {
                let title = rest.trim_end_matches('-').trim_end();
                let dashes = 100usize.saturating_sub(7 + title.chars().count()).max(3);
                let _ = writeln!(out, "# --- {title} {}", "-".repeat(dashes));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
