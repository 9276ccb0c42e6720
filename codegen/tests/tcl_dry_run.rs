//! The Tcl dry run: the generated Vivado / Vivado HLS / Vitis HLS / v++ scripts run under `tclsh`
//! with every vendor command replaced by the recorder of `tests/tcl/recorder.tcl`, which checks each
//! call against the tools' documented syntax and the state the script built, and logs it.
//!
//! - The recorder is not tailored to our scripts: hls4ml's own scripts, taken from its 1.3.0 wheel
//!   (`HLS4ML_WHEEL`), run through it (HLS with both tools, Vivado synthesis, the PYNQ-Z2 and ZCU102
//!   block designs), and broken scripts (an unknown command, `-format bogus`, a DMA width the AXI
//!   DMA does not have, an unconnected clock, ...) are rejected.
//! - The jet tagger's project, generated for every supported (board, interface) pair and a few
//!   variants (custom boards, fixed-point bus types, other clocks, a fixed HLS tool), runs through
//!   it: `build_prj.tcl` with each option set under both HLS tools, `vivado_synth.tcl`, `design.tcl`
//!   (Zynq) or `link.tcl` + `connectivity.cfg` (Alveo). The recorded calls are checked against
//!   facts stated here independently of the generator: parts, board parts, platforms, memory
//!   banks, bus word widths, the PL clock, the IP's VLNV, and the paths of the results.
//!
//! Needs `tclsh` (8.6); skipped when absent, a failure under `CI=true`.

mod common;

use hls4ml_codegen::files::Files;
use hls4ml_codegen::{accel, hls, Project};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

// --- Running the recorder ---------------------------------------------------------------------------

/// True when `tclsh` runs; otherwise prints why the test is skipped (or fails under `CI=true`).
fn have_tclsh() -> bool {
    let ok = Command::new("tclsh")
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tclsh is missing, and CI=true: the Tcl dry run is required");
        }
        eprintln!("SKIPPED: tclsh is absent (the Tcl dry run did not run)");
    }
    ok
}

fn recorder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tcl/recorder.tcl")
}

/// What a dry run did.
#[derive(Debug)]
struct Run {
    status: i32,
    calls: Vec<Vec<String>>,
    state: Vec<Vec<String>>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Every call of `command`.
    fn all(&self, command: &str) -> Vec<&Vec<String>> {
        self.calls.iter().filter(|c| c[0] == command).collect()
    }

    /// The one call of `command`.
    fn one(&self, command: &str) -> &Vec<String> {
        let all = self.all(command);
        assert_eq!(all.len(), 1, "one {command} expected, got {all:?}\n{}", self.stderr);
        all[0]
    }

    fn has(&self, command: &str) -> bool {
        !self.all(command).is_empty()
    }

    /// Position of the first call of `command`.
    fn index(&self, command: &str) -> usize {
        self.calls
            .iter()
            .position(|c| c[0] == command)
            .unwrap_or_else(|| panic!("no {command} in {:?}", self.calls))
    }

    /// State lines of a kind (`cell`, `intf`, `net`, `project`, `run`, `warning`).
    fn state(&self, kind: &str) -> Vec<&Vec<String>> {
        self.state.iter().filter(|l| l[0] == kind).collect()
    }

    /// A cell's VLNV and configuration, by path.
    fn cell(&self, path: &str) -> Option<(String, Vec<(String, String)>)> {
        self.state("cell").into_iter().find(|l| l[1] == path).map(|l| {
            let words = tcl_list(&l[3]);
            let config = words.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
            (l[2].clone(), config)
        })
    }

    /// The peer of a connected interface pin.
    fn peer(&self, pin: &str) -> Option<String> {
        self.state("intf")
            .into_iter()
            .find(|l| l[1] == pin)
            .map(|l| l[2].clone())
    }

    fn ok(&self) -> &Run {
        assert_eq!(self.status, 0, "the dry run failed:\n{}\n{}", self.stderr, self.stdout);
        self
    }
}

/// The value following `option` in a call.
fn opt<'a>(call: &'a [String], option: &str) -> Option<&'a str> {
    call.iter().position(|w| w == option).map(|i| call[i + 1].as_str())
}

/// Runs `script` (relative to `dir`, where it runs) under the recorder as `tool`.
fn dry_run(dir: &Path, tool: &str, script: &str, args: &[&str], extra: &[&str]) -> Run {
    let log = dir.join(format!(".calls-{script}.log"));
    let state = dir.join(format!(".state-{script}.tcl"));
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&state);
    let out = Command::new("tclsh")
        .arg(recorder())
        .args(["-tool", tool, "-log"])
        .arg(&log)
        .arg("-state")
        .arg(&state)
        .args(extra)
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tclsh runs");
    let lines = |path: &Path| -> Vec<Vec<String>> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(tcl_list)
            .collect()
    };
    Run {
        status: out.status.code().unwrap_or(-1),
        calls: lines(&log),
        state: lines(&state),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The words of a Tcl list (braces, quotes and backslashes as Tcl reads them).
fn tcl_list(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut i = 0;
    let backslash = |c: &[char], i: &mut usize, out: &mut String| {
        *i += 1;
        match c.get(*i) {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(&x) => out.push(x),
            None => {}
        }
        *i += 1;
    };
    while i < c.len() {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        if i >= c.len() {
            break;
        }
        let mut word = String::new();
        if c[i] == '{' {
            let mut depth = 1;
            i += 1;
            while i < c.len() {
                match c[i] {
                    '\\' if i + 1 < c.len() => {
                        word.push(c[i]);
                        word.push(c[i + 1]);
                        i += 2;
                        continue;
                    }
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                word.push(c[i]);
                i += 1;
            }
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    backslash(&c, &mut i, &mut word);
                } else {
                    word.push(c[i]);
                    i += 1;
                }
            }
            i += 1;
        } else {
            while i < c.len() && !c[i].is_whitespace() {
                if c[i] == '\\' {
                    backslash(&c, &mut i, &mut word);
                } else {
                    word.push(c[i]);
                    i += 1;
                }
            }
        }
        words.push(word);
    }
    words
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn tcl_lists_are_read_as_tcl_writes_them() {
    assert_eq!(tcl_list("a {b c} \"d e\" f\\ g {}"), ["a", "b c", "d e", "f g", ""]);
    assert_eq!(tcl_list("x {a {b} c} HBM\\[0\\]"), ["x", "a {b} c", "HBM[0]"]);
}

// --- The recorder against hls4ml's own scripts ------------------------------------------------------

/// The hls4ml 1.3.0 wheel: `HLS4ML_WHEEL`, or the cache `scripts/test.sh` fills.
fn wheel() -> Option<PathBuf> {
    let from_env = std::env::var_os("HLS4ML_WHEEL").map(PathBuf::from);
    let cached = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/hls4ml-rs/wheels/hls4ml-1.3.0/hls4ml-1.3.0-py3-none-any.whl"));
    let found = from_env.into_iter().chain(cached).find(|p| p.is_file());
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the hls4ml wheel is missing (HLS4ML_WHEEL), and CI=true");
        }
        eprintln!("SKIPPED: the hls4ml wheel is absent (HLS4ML_WHEEL): hls4ml's scripts were not replayed");
    }
    found
}

fn wheel_file(wheel: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(wheel).unwrap()).unwrap();
    let mut entry = zip.by_name(&format!("hls4ml/{name}")).unwrap();
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// `project.tcl` as hls4ml's writers write it for `myproject` (VivadoAccelerator on a PYNQ-Z2, or
/// the Vitis backend).
fn hls4ml_project_tcl(backend: &str, uncertainty: &str) -> String {
    let mut s = String::new();
    for (name, value) in [
        ("project_name", "\"myproject\""),
        ("backend", &format!("\"{backend}\"")),
        ("part", "\"xc7z020clg400-1\""),
        ("clock_period", "10"),
        ("clock_uncertainty", uncertainty),
        ("version", "\"1.0.0\""),
        ("maximum_size", "4096"),
    ] {
        s += &format!("variable {name}\nset {name} {value}\n");
    }
    s + "set bit_width_hls_output 32\nset bit_width_hls_input 32\n"
}

/// A folder laid out as hls4ml's project for `myproject`, with stand-in sources.
fn hls4ml_sandbox(label: &str) -> PathBuf {
    let dir = common::fresh_dir("tcl-dry-run", label);
    for f in [
        "firmware/myproject.cpp",
        "firmware/myproject_axi.cpp",
        "myproject_test.cpp",
        "firmware/weights/w2.txt",
        "tb_data/tb_input_features.dat",
    ] {
        write(&dir, f, "// stand-in\n");
    }
    // The testbench's outputs under csim and cosim, equal: what validation compares.
    write(&dir, "tb_data/csim_results.log", "0.5 0.5\n");
    write(&dir, "tb_data/rtl_cosim_results.log", "0.5 0.5\n");
    dir
}

/// hls4ml's Vivado `build_prj.tcl` as its VivadoAccelerator writer modifies it for the AXI top.
fn hls4ml_accelerator_build_prj(template: &str) -> String {
    template
        .lines()
        .map(|line| {
            if line.contains("set_top") {
                format!("{line}_axi\nadd_files firmware/myproject_axi.cpp -cflags \"-std=c++0x\"")
            } else {
                line.replace("myproject_cosim", "myproject_axi_cosim")
                    .replace("${project_name}.tcl", "${project_name}_axi.tcl")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn recorder_runs_hls4mls_own_scripts_through() {
    if !have_tclsh() {
        return;
    }
    let Some(wheel) = wheel() else { return };

    // Vivado HLS: every step hls4ml has, then Vivado synthesis of the core.
    let dir = hls4ml_sandbox("hls4ml-vivado");
    write(&dir, "project.tcl", &hls4ml_project_tcl("vivadoaccelerator", "12.5%"));
    let build = hls4ml_accelerator_build_prj(&wheel_file(&wheel, "templates/vivado/build_prj.tcl"));
    write(&dir, "build_prj.tcl", &build);
    write(
        &dir,
        "vivado_synth.tcl",
        &wheel_file(&wheel, "templates/vivado/vivado_synth.tcl"),
    );
    let all = ["reset=1 csim=1 synth=1 cosim=1 validation=1 export=1 vsynth=1 fifo_opt=0"];
    let hls = dry_run(&dir, "vivado_hls", "build_prj.tcl", &all, &[]);
    hls.ok();
    for step in [
        "open_project",
        "csim_design",
        "csynth_design",
        "cosim_design",
        "export_design",
        "exec",
    ] {
        assert!(hls.has(step), "{step} missing from {:?}", hls.calls);
    }
    assert_eq!(hls.one("set_top")[1], "myproject_axi");
    assert!(dir.join("myproject_prj/solution1/impl/ip/component.xml").is_file());
    let synth = dry_run(&dir, "vivado", "vivado_synth.tcl", &[], &[]);
    synth.ok();
    assert_eq!(opt(synth.one("synth_design"), "-part"), Some("xc7z020clg400-1"));

    // The block designs, on the exported IP.
    let stream = "in_r {slave stream} out_r {master stream}";
    for script in [
        "pynq-z2/tcl_scripts/axi_stream_design.tcl",
        "zcu102/tcl_scripts/axi_stream_design.tcl",
    ] {
        write(
            &dir,
            "design.tcl",
            &wheel_file(&wheel, &format!("templates/vivado_accelerator/{script}")),
        );
        let run = dry_run(&dir, "vivado", "design.tcl", &[], &["-hls_interfaces", stream]);
        run.ok();
        assert_eq!(
            opt(run.one("launch_runs"), "-to_step"),
            Some("write_bitstream"),
            "{script}"
        );
        assert!(run.cell("/hier_0/myproject_axi_0").is_some(), "{script}");
        assert!(dir
            .join("myproject_vivado_accelerator/project_1.runs/impl_1/design_1_wrapper.bit")
            .is_file());
        let (vlnv, config) = run.cell("/hier_0/axi_dma_0").expect("hier_0/axi_dma_0");
        assert_eq!(vlnv, "xilinx.com:ip:axi_dma:7.1");
        assert!(config.contains(&("c_m_axis_mm2s_tdata_width".into(), "32".into())));
    }
    // hls4ml's axi_lite design names the slave `/${project_name}_axi_0/...` inside braces, where Tcl
    // does not substitute: the automation gets a pin that does not exist (REFERENCE.md §10: hls4ml's
    // axi_lite does not work). The recorder sees it.
    let script = "templates/vivado_accelerator/pynq-z2/tcl_scripts/axi_lite_design.tcl";
    write(&dir, "design.tcl", &wheel_file(&wheel, script));
    let run = dry_run(
        &dir,
        "vivado",
        "design.tcl",
        &[],
        &["-hls_interfaces", "s_axi_AXILiteS {slave mm}"],
    );
    assert_eq!(run.status, 3);
    assert!(
        run.stderr
            .contains("/${project_name}_axi_0/s_axi_AXILiteS is not an interface pin"),
        "{}",
        run.stderr
    );
    // Vivado 2022.2 has zynq_ultra_ps_e 3.4: hls4ml's ZCU102 design pins 3.3 and fails there.
    let script = "templates/vivado_accelerator/zcu102/tcl_scripts/axi_stream_design.tcl";
    write(&dir, "design.tcl", &wheel_file(&wheel, script));
    let flags = ["-hls_interfaces", stream, "-vivado_version", "2022.2"];
    let run = dry_run(&dir, "vivado", "design.tcl", &[], &flags);
    assert_eq!(run.status, 3);
    assert!(
        run.stderr
            .contains("IP definition not found for VLNV xilinx.com:ip:zynq_ultra_ps_e:3.3"),
        "{}",
        run.stderr
    );

    // Vitis HLS: the Vitis backend's build_prj.tcl and build_opt.tcl, unchanged.
    let dir = hls4ml_sandbox("hls4ml-vitis");
    write(&dir, "project.tcl", &hls4ml_project_tcl("vitis", "27%"));
    write(
        &dir,
        "build_prj.tcl",
        &wheel_file(&wheel, "templates/vitis/build_prj.tcl"),
    );
    write(
        &dir,
        "build_opt.tcl",
        &wheel_file(&wheel, "templates/vitis/build_opt.tcl"),
    );
    let vitis = dry_run(&dir, "vitis_hls", "build_prj.tcl", &[], &[]);
    vitis.ok();
    // Vitis HLS has no config_array_partition -maximum_size: hls4ml's `catch` swallows the rejection.
    assert!(!vitis.has("config_array_partition"));
    assert!(vitis.has("cosim_design") && vitis.has("csynth_design"));

    // The same scripts, broken, are rejected.
    let dir = hls4ml_sandbox("hls4ml-broken");
    write(&dir, "project.tcl", &hls4ml_project_tcl("vivadoaccelerator", "12.5%"));
    for (from, to, why) in [
        ("-format ip_catalog", "-format bogus", "-format"),
        ("csynth_design", "csynth_desing", "invalid command name"),
        ("create_clock -period", "create_clock -perod", "unknown option -perod"),
        ("set_top ${project_name}_axi", "set_top", "positional"),
    ] {
        assert!(build.contains(from), "{from}");
        write(&dir, "build_prj.tcl", &build.replacen(from, to, 1));
        let run = dry_run(
            &dir,
            "vivado_hls",
            "build_prj.tcl",
            &["export=1 cosim=0 validation=0"],
            &[],
        );
        assert_ne!(run.status, 0, "{to} passed");
        assert!(run.stderr.contains(why), "{to}: {}", run.stderr);
    }
}

/// Small scripts each of which a real tool would reject.
#[test]
fn recorder_rejects_what_the_tools_reject() {
    if !have_tclsh() {
        return;
    }
    let dir = common::fresh_dir("tcl-dry-run", "rejections");
    let bd = "create_project project_1 p -part xc7z020clg400-1\ncreate_bd_design design_1\n";
    let dma = "create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma:7.1 axi_dma_0\n";
    let cases: &[(&str, String, &str)] = &[
        ("vivado", format!("{bd}create_bd_cel -type ip axi_dma_0"), "invalid command name"),
        ("vivado", format!("{bd}create_bd_cell axi_dma_0"), "-type is required"),
        ("vivado", format!("{bd}create_bd_cell -type ip -vlnv xilinx.com:hls:nothing:1.0 x"), "IP definition not found"),
        ("vivado", format!("{bd}create_bd_cell -type ip -vlnv xilinx.com:ip:axi_dma x"), "vendor:library:name:version"),
        ("vivado", format!("{bd}{dma}set_property CONFIG.c_m_axis_mm2s_tdata_width 14 [get_bd_cells axi_dma_0]"), "stream width"),
        ("vivado", format!("{bd}{dma}set_property CONFIG.c_m_axi_s2mm_data_width 16 [get_bd_cells axi_dma_0]"), "memory-map width"),
        ("vivado", format!("{bd}{dma}set_property CONFIG.c_include_sg 0 [get_bd_cells nothing]"), "no object"),
        ("vivado", format!("{bd}{dma}connect_bd_intf_net [get_bd_intf_pins axi_dma_0/M_AXI_MM2S] [get_bd_intf_pins axi_dma_0/M_AXIS_MM2S]"), "one master, one slave"),
        ("vivado", format!("{bd}{dma}set_property CONFIG.c_include_sg 0 [get_bd_cells axi_dma_0]\nvalidate_bd_design"), "m_axi_mm2s_aclk is not connected"),
        ("vivado", format!("{bd}launch_runs impl_1 -to_step write_bitstream -jobs 4"), "no HDL source"),
        ("vivado", format!("{bd}launch_runs impl_1 -to_step bitstream"), "not one of"),
        ("vivado", format!("{bd}open_run impl_1"), "has not completed"),
        ("vivado", format!("{bd}apply_bd_automation -rule xilinx.com:bd_rule:bogus [get_bd_cells]"), "-rule"),
        ("vivado", "create_project project_1 p\n".into(), "no -part"),
        ("vivado", "set x [lmap y {1 2} {set y}]".into(), "invalid command name \"lmap\""),
        ("vivado", "csynth_design".into(), "invalid command name"),
        ("vivado_hls", "open_project p\nset_top t\nopen_solution s\nexport_design -format ip_catalog".into(), "no RTL"),
        ("vivado_hls", "open_project p\nopen_solution s\nexport_design -format xo".into(), "-format"),
        ("vivado_hls", "open_project p\nopen_solution -flow_target vitis s".into(), "unknown option -flow_target"),
        ("vitis_hls", "open_project p\nopen_solution -flow_target bogus s".into(), "not one of"),
        ("vitis_hls", "open_project p\nopen_solution s\nset_part xc7z020clg400-1\ncreate_clock".into(), "-period is required"),
        ("vitis_hls", "open_project p\nopen_solution s\nconfig_array_partition -maximum_size 4096".into(), "unknown option"),
        ("vivado_hls", "open_project p\nadd_files missing.cpp".into(), "does not exist"),
        ("vivado_hls", "create_bd_design d".into(), "invalid command name"),
        ("tclsh", "exec rm -rf /".into(), "starts no program"),
        ("tclsh", "exec v++ --link --platform p --bogus x.xo".into(), "unknown option"),
    ];
    for (i, (tool, script, why)) in cases.iter().enumerate() {
        let dir = dir.join(format!("case{i}"));
        write(&dir, "case.tcl", script);
        let run = dry_run(&dir, tool, "case.tcl", &[], &[]);
        assert_ne!(run.status, 0, "{tool} accepted:\n{script}");
        assert!(
            run.stderr.contains(why),
            "{tool}: {script}\nwanted `{why}`, got: {}",
            run.stderr
        );
    }
}

// --- The generated projects -------------------------------------------------------------------------

/// A variant of the jet tagger's project and the facts to check its scripts against.
struct Case {
    label: &'static str,
    board: &'static str,
    interface: &'static str,
    /// The FPGA part (REFERENCE.md §2, or the custom board's TOML).
    part: &'static str,
    /// Board part (Zynq) or platform (Alveo).
    board_part: &'static str,
    /// Extra `[board]` keys (custom boards, bus types, clock).
    extra: &'static str,
    /// `[hls] tool`.
    tool: &'static str,
    /// Input and output word widths on the bus.
    words: (u32, u32),
    clock_ns: f64,
    /// Alveo: the memory bank of the buffers.
    bank: Option<&'static str>,
}

fn case(
    label: &'static str,
    board: &'static str,
    interface: &'static str,
    part: &'static str,
    board_part: &'static str,
) -> Case {
    // REFERENCE.md §2: HBM on the U50 and U280 (and the custom U55C), DDR on the U200 and U250.
    let bank = match board {
        "alveo-u50" | "alveo-u280" | "u55c" => Some("HBM[0]"),
        "alveo-u200" | "alveo-u250" => Some("DDR[0]"),
        _ => None,
    };
    Case {
        label,
        board,
        interface,
        part,
        board_part,
        extra: "",
        tool: "auto",
        words: (32, 32),
        clock_ns: 10.0,
        bank,
    }
}

const PYNQ: (&str, &str) = ("xc7z020clg400-1", "tul.com.tw:pynq-z2:part0:1.0");
const ZCU102: (&str, &str) = ("xczu9eg-ffvb1156-2-e", "xilinx.com:zcu102:part0:3.3");

fn cases() -> Vec<Case> {
    vec![
        case("pynq-stream", "pynq-z2", "axi_stream", PYNQ.0, PYNQ.1),
        case("pynq-lite", "pynq-z2", "axi_lite", PYNQ.0, PYNQ.1),
        case("pynq-master", "pynq-z2", "axi_master", PYNQ.0, PYNQ.1),
        case("zcu102-stream", "zcu102", "axi_stream", ZCU102.0, ZCU102.1),
        case("zcu102-lite", "zcu102", "axi_lite", ZCU102.0, ZCU102.1),
        case("zcu102-master", "zcu102", "axi_master", ZCU102.0, ZCU102.1),
        // ap_fixed<14,6> travels in 16 bits, ap_fixed<24,8> in 32, ap_int<3> in 8; a 4 ns clock.
        Case {
            extra: "input_type = \"ap_fixed<14,6>\"\noutput_type = \"ap_int<3>\"\nclock_period = 4\n",
            words: (16, 8),
            clock_ns: 4.0,
            tool: "vivado_hls",
            ..case("pynq-fixed-bus", "pynq-z2", "axi_stream", PYNQ.0, PYNQ.1)
        },
        Case {
            extra: "input_type = \"ap_fixed<24,8>\"\noutput_type = \"double\"\nclock_period = 3\n",
            words: (32, 64),
            clock_ns: 3.0,
            tool: "vitis_hls",
            ..case("zcu102-fixed-bus", "zcu102", "axi_stream", ZCU102.0, ZCU102.1)
        },
        Case {
            extra: "family = \"zynq7000\"\npart = \"xc7z010clg400-1\"\nboard_part = \"digilentinc.com:zybo-z7-10:part0:1.0\"\n",
            ..case("custom-zynq", "zybo-z7-10", "axi_stream", "xc7z010clg400-1", "digilentinc.com:zybo-z7-10:part0:1.0")
        },
        Case {
            extra: "family = \"zynqmp\"\npart = \"xczu3eg-sbva484-1-e\"\nboard_part = \"avnet.com:ultra96v2:part0:1.2\"\n",
            ..case("custom-zynqmp", "ultra96v2", "axi_master", "xczu3eg-sbva484-1-e", "avnet.com:ultra96v2:part0:1.2")
        },
        case("u50", "alveo-u50", "axi_master", "xcu50-fsvh2104-2-e", "xilinx_u50_gen3x16_xdma_201920_3"),
        case("u200", "alveo-u200", "axi_master", "xcu200-fsgd2104-2-e", "xilinx_u200_xdma_201830_2"),
        case("u250", "alveo-u250", "axi_master", "xcu250-figd2104-2L-e", "xilinx_u250_xdma_201830_2"),
        Case {
            extra: "clock_period = 4\n",
            clock_ns: 4.0,
            tool: "vitis_hls",
            ..case("u280", "alveo-u280", "axi_master", "xcu280-fsvh2892-2L-e", "xilinx_u280_xdma_201920_3")
        },
        Case {
            extra: "family = \"alveo\"\npart = \"xcu55c-fsvh2892-2L-e\"\nplatform = \"xilinx_u55c_gen3x16_xdma_3_202210_1\"\n",
            ..case("custom-alveo", "u55c", "axi_master", "xcu55c-fsvh2892-2L-e", "xilinx_u55c_gen3x16_xdma_3_202210_1")
        },
    ]
}

fn toml(case: &Case) -> String {
    format!(
        "[model]\nname = \"jet_tagger\"\nkeras = \"jet_tagger.keras\"\n\n[board]\nname = \"{}\"\ninterface = \"{}\"\n{}\n\
         [hls]\ntool = \"{}\"\n",
        case.board, case.interface, case.extra, case.tool
    )
}

fn project(text: &str) -> hls4ml_codegen::Result<Project> {
    Project::parse(common::repo_models().join("jet_tagger/jet_tagger.toml"), text)
}

/// The project's files written to a fresh folder: the firmware, the accelerator's files, and
/// stand-ins for wrapper files the generator does not (yet) write.
fn generate(case: &Case, test: &str) -> (PathBuf, Files) {
    let project = project(&toml(case)).unwrap_or_else(|e| panic!("{}: {e}", case.label));
    let (firmware, _) = hls::firmware(&project).unwrap();
    let accel_files = accel::files(&project).unwrap_or_else(|e| panic!("{}: {e}", case.label));
    let dir = common::fresh_dir("tcl-dry-run", &format!("{test}-{}", case.label));
    firmware.write_to(&dir).unwrap();
    accel_files.write_to(&dir).unwrap();
    for stand_in in [
        "firmware/jet_tagger_axi.cpp",
        "firmware/jet_tagger_axi.h",
        "jet_tagger_axi_test.cpp",
    ] {
        if accel_files.get(stand_in).is_none() {
            eprintln!("note: {stand_in} is not generated; a stand-in takes its place");
            write(&dir, stand_in, "// stand-in\n");
        }
    }
    let mut all = firmware;
    for (path, bytes) in accel_files.iter() {
        all.add(path, bytes.to_vec());
    }
    (dir, all)
}

/// The IP's interfaces per interface type, as HLS names them.
fn interfaces(interface: &str) -> &'static str {
    match interface {
        "axi_stream" => "in_r {slave stream} out_r {master stream}",
        "axi_lite" => "s_axi_control {slave mm}",
        _ => "s_axi_control {slave mm} m_axi_gmem0 {master mm} m_axi_gmem1 {master mm}",
    }
}

fn mhz(ns: f64) -> f64 {
    1000.0 / ns
}

fn close(text: &str, value: f64) -> bool {
    text.parse::<f64>().is_ok_and(|v| (v - value).abs() < 1e-3)
}

#[test]
fn every_generated_script_is_stamped_and_alveo_gets_no_block_design() {
    for case in cases() {
        let project = project(&toml(&case)).unwrap();
        let files = accel::files(&project).unwrap();
        let alveo = case.bank.is_some();
        let expected: &[&str] = if alveo {
            &[
                "project.tcl",
                "build_prj.tcl",
                "vivado_synth.tcl",
                "link.tcl",
                "connectivity.cfg",
            ]
        } else {
            &["project.tcl", "build_prj.tcl", "vivado_synth.tcl", "design.tcl"]
        };
        for name in expected {
            let text = files.text(name).unwrap_or_else(|| panic!("{}: no {name}", case.label));
            assert!(
                text.starts_with("# @generated by hls4ml-rs from "),
                "{}: {name}",
                case.label
            );
        }
        assert_eq!(files.get("design.tcl").is_some(), !alveo, "{}", case.label);
        // project.tcl states the bus widths, not swapped.
        let project_tcl = files.text("project.tcl").unwrap();
        assert!(project_tcl.contains(&format!("set bit_width_hls_input {}\n", case.words.0)));
        assert!(project_tcl.contains(&format!("set bit_width_hls_output {}\n", case.words.1)));
    }
    // Vivado HLS cannot package an Alveo kernel: a clear error, at generation.
    let text = toml(&Case {
        tool: "vivado_hls",
        ..case("u50", "alveo-u50", "axi_master", "", "")
    });
    let err = accel::files(&project(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("Vitis HLS"), "{err}");
}

#[test]
fn build_prj_runs_the_steps_asked_under_both_hls_tools() {
    let test = "build";
    if !have_tclsh() {
        return;
    }
    for case in cases() {
        let (dir, files) = generate(&case, test);
        let alveo = case.bank.is_some();
        let tools: &[&str] = match (case.tool, alveo) {
            (_, true) | ("vitis_hls", _) => &["vitis_hls"],
            ("vivado_hls", _) => &["vivado_hls"],
            _ => &["vivado_hls", "vitis_hls"],
        };
        for tool in tools {
            let what = format!("{} under {tool}", case.label);
            // The defaults: C simulation and synthesis, nothing else.
            let run = dry_run(&dir, tool, "build_prj.tcl", &[], &[]);
            run.ok();
            assert_eq!(run.one("set_top")[1], "jet_tagger_axi", "{what}");
            assert_eq!(run.one("set_part")[1], case.part, "{what}");
            assert!(
                close(opt(run.one("create_clock"), "-period").unwrap(), case.clock_ns),
                "{what}"
            );
            assert_eq!(run.one("set_clock_uncertainty")[1], "12.5%", "{what}");
            let solution = run.one("open_solution");
            match *tool {
                "vitis_hls" => {
                    let flow = if alveo { "vitis" } else { "vivado" };
                    assert_eq!(opt(solution, "-flow_target"), Some(flow), "{what}");
                    assert!(!run.has("config_array_partition"), "{what}");
                }
                _ => {
                    assert_eq!(opt(solution, "-flow_target"), None, "{what}");
                    assert_eq!(opt(run.one("config_array_partition"), "-maximum_size"), Some("4096"));
                }
            }
            assert_eq!(run.has("config_interface"), case.interface == "axi_master", "{what}");
            // Every firmware source, the wrapper, and the testbench with its data.
            let added: Vec<&Vec<String>> = run.all("add_files");
            let design: Vec<&str> = added
                .iter()
                .filter(|c| !c.contains(&"-tb".to_string()))
                .map(|c| c[1].as_str())
                .collect();
            for (path, _) in files.iter() {
                let path = path.to_string_lossy();
                if path.starts_with("firmware/") && path.ends_with(".cpp") {
                    assert!(design.contains(&path.as_ref()), "{what}: {path} not added");
                }
            }
            assert!(design.contains(&"firmware/jet_tagger_axi.cpp"), "{what}");
            assert!(
                added.iter().all(|c| opt(c, "-cflags").is_some() || c[2] == "tb_data"),
                "{what}"
            );
            let tb: Vec<&str> = added.iter().filter(|c| c[1] == "-tb").map(|c| c[2].as_str()).collect();
            assert_eq!(tb, ["jet_tagger_axi_test.cpp", "tb_data"], "{what}");
            assert!(run.has("csim_design") && run.has("csynth_design"), "{what}");
            for not_asked in ["cosim_design", "export_design", "exec"] {
                assert!(!run.has(not_asked), "{what}: {not_asked} ran unasked");
            }
            assert!(run.index("open_project") < run.index("open_solution"));
            assert!(run.index("set_part") < run.index("csynth_design"));

            // Export alone, after that synthesis: the IP (Zynq) or the kernel (Alveo).
            let run = dry_run(&dir, tool, "build_prj.tcl", &["csim=0 synth=0 export=1"], &[]);
            run.ok();
            assert!(!run.has("csynth_design"), "{what}");
            let export = run.one("export_design");
            if alveo {
                assert_eq!(opt(export, "-format"), Some("xo"), "{what}");
                assert!(dir.join("jet_tagger_axi.xo").is_file(), "{what}");
            } else {
                assert_eq!(opt(export, "-format"), Some("ip_catalog"), "{what}");
                assert_eq!(opt(export, "-vendor"), Some("xilinx.com"));
                assert_eq!(opt(export, "-library"), Some("hls"));
                assert_eq!(opt(export, "-version"), Some(accel::IP_VERSION));
                let xml = std::fs::read_to_string(dir.join("jet_tagger_prj/solution1/impl/ip/component.xml")).unwrap();
                assert!(xml.contains("<spirit:name>jet_tagger_axi</spirit:name>"), "{what}");
            }

            // Co-simulation and Vivado synthesis on the RTL, through vivado_synth.tcl.
            let run = dry_run(
                &dir,
                tool,
                "build_prj.tcl",
                &["csim=0", "synth=0", "cosim=1", "vsynth=1"],
                &[],
            );
            run.ok();
            assert!(run.has("cosim_design"), "{what}");
            let exec = run.one("exec");
            assert_eq!(&exec[1..4], ["vivado", "-mode", "batch"], "{what}");
            assert_eq!(opt(exec, "-source"), Some("vivado_synth.tcl"));
            let synth = dry_run(&dir, "vivado", "vivado_synth.tcl", &[], &[]);
            synth.ok();
            let call = synth.one("synth_design");
            assert_eq!(opt(call, "-top"), Some("jet_tagger_axi"), "{what}");
            assert_eq!(opt(call, "-part"), Some(case.part), "{what}");
            assert_eq!(opt(synth.one("report_utilization"), "-file"), Some("vivado_synth.rpt"));
            assert!(synth.index("read_verilog") < synth.index("synth_design"));

            // Validation needs both logs; without them it says so.
            let run = dry_run(&dir, tool, "build_prj.tcl", &["csim=0 synth=0 validation=1"], &[]);
            assert_eq!(run.status, 1, "{what}");
            assert!(run.stderr.contains("validation compares"), "{}", run.stderr);

            // With both logs: equal passes, different fails.
            write(&dir, "tb_data/csim_results.log", "0.25 0.75\n");
            write(&dir, "tb_data/rtl_cosim_results.log", "0.25 0.75\n");
            dry_run(&dir, tool, "build_prj.tcl", &["csim=0 synth=0 validation=1"], &[]).ok();
            write(&dir, "tb_data/rtl_cosim_results.log", "0.25 0.5\n");
            let run = dry_run(&dir, tool, "build_prj.tcl", &["csim=0 synth=0 validation=1"], &[]);
            assert_eq!(run.status, 1, "{what}");
            assert!(run.stderr.contains("validation failed"), "{}", run.stderr);
            for log in ["tb_data/csim_results.log", "tb_data/rtl_cosim_results.log"] {
                std::fs::remove_file(dir.join(log)).unwrap();
            }

            // A reset project has no RTL: export alone says to synthesize first.
            let run = dry_run(&dir, tool, "build_prj.tcl", &["reset=1 csim=0 synth=0 export=1"], &[]);
            assert_eq!(run.status, 1, "{what}");
            assert!(run.stderr.contains("run with synth=1"), "{}", run.stderr);
            assert!(!run.has("export_design"), "{what}");

            // Bad options are refused by the script itself.
            for bad in ["csim=2", "sim=1", "tool=quartus"] {
                let run = dry_run(&dir, tool, "build_prj.tcl", &[bad], &[]);
                assert_eq!(run.status, 1, "{what}: {bad}");
                assert!(run.stderr.contains("build_prj.tcl:"), "{}", run.stderr);
                assert!(!run.has("open_project"), "{what}: {bad}");
            }
        }
    }
}

#[test]
fn the_hls_tool_is_detected_or_checked() {
    let test = "detect";
    if !have_tclsh() {
        return;
    }
    let pynq = case("detect", "pynq-z2", "axi_stream", PYNQ.0, PYNQ.1);
    let (dir, _) = generate(&pynq, test);
    // An executable whose name does not tell: Vitis HLS's environment (XILINX_HLS) decides.
    let anonymous = ["-executable", "/usr/local/bin/hls"];
    let vitis = dry_run(&dir, "vitis_hls", "build_prj.tcl", &["csim=0 synth=0"], &anonymous);
    assert_eq!(opt(vitis.ok().one("open_solution"), "-flow_target"), Some("vivado"));
    let vivado = dry_run(&dir, "vivado_hls", "build_prj.tcl", &["csim=0 synth=0"], &anonymous);
    assert_eq!(opt(vivado.ok().one("open_solution"), "-flow_target"), None);
    // tool= overrides the guess.
    let forced = dry_run(
        &dir,
        "vitis_hls",
        "build_prj.tcl",
        &["csim=0 synth=0 tool=vitis_hls"],
        &anonymous,
    );
    assert!(forced.ok().has("open_solution"));

    // A project set up for Vivado HLS, run by Vitis HLS: refused before anything is done.
    let fixed = Case {
        tool: "vivado_hls",
        ..case("fixed-tool", "pynq-z2", "axi_stream", PYNQ.0, PYNQ.1)
    };
    let (dir, _) = generate(&fixed, test);
    let run = dry_run(&dir, "vitis_hls", "build_prj.tcl", &[], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("set up for vivado_hls"), "{}", run.stderr);
    assert!(!run.has("open_project"));

    // An Alveo kernel under Vivado HLS (tool auto): refused with what to run instead.
    let (dir, _) = generate(&case("u50-auto", "alveo-u50", "axi_master", "", ""), test);
    let run = dry_run(&dir, "vivado_hls", "build_prj.tcl", &[], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("vitis_hls -f build_prj.tcl"), "{}", run.stderr);
}

/// The path of a cell's pin after grouping into `hier_0`.
fn hier(cell: &str, pin: &str) -> String {
    format!("/hier_0/{cell}/{pin}")
}

#[test]
fn design_tcl_builds_the_block_design_and_the_bitstream_on_zynq() {
    let test = "design";
    if !have_tclsh() {
        return;
    }
    for case in cases().into_iter().filter(|c| c.bank.is_none()) {
        let (dir, _) = generate(&case, test);
        let what = case.label;
        let ip_flags = ["-hls_interfaces", interfaces(case.interface)];

        // Before the IP is exported: a clear error, and no project.
        let run = dry_run(&dir, "vivado", "design.tcl", &[], &ip_flags);
        assert_eq!(run.status, 1, "{what}");
        assert!(
            run.stderr.contains("has not been exported") && run.stderr.contains("export=1"),
            "{}",
            run.stderr
        );
        assert!(!run.has("create_project"), "{what}");

        let tool = if case.tool == "vitis_hls" {
            "vitis_hls"
        } else {
            "vivado_hls"
        };
        dry_run(&dir, tool, "build_prj.tcl", &["csim=0 synth=1 export=1"], &[]).ok();

        for version in ["2020.1", "2022.2"] {
            let _ = std::fs::remove_dir_all(dir.join("jet_tagger_vivado_accelerator"));
            let flags = [&ip_flags[..], &["-vivado_version", version]].concat();
            let run = dry_run(&dir, "vivado", "design.tcl", &["jobs=3"], &flags);
            run.ok();
            let what = format!("{what} on Vivado {version}");
            assert!(run.state("warning").is_empty(), "{what}: {:?}", run.state("warning"));

            // The project: name, folder, part, board part, the HLS project as IP repository.
            let create = run.one("create_project");
            assert_eq!(&create[1..3], ["project_1", "jet_tagger_vivado_accelerator"], "{what}");
            assert_eq!(opt(create, "-part"), Some(case.part), "{what}");
            let board_part = run
                .all("set_property")
                .into_iter()
                .find(|c| c[1] == "board_part")
                .expect("board_part");
            assert_eq!(board_part[2], case.board_part, "{what}");
            assert_eq!(run.one("create_bd_design")[1], "design_1");

            // The accelerator, in hier_0, from the exported IP.
            let (vlnv, _) = run
                .cell("/hier_0/jet_tagger_axi_0")
                .unwrap_or_else(|| panic!("{what}: no IP cell"));
            assert_eq!(
                vlnv,
                format!("xilinx.com:hls:jet_tagger_axi:{}", accel::IP_VERSION),
                "{what}"
            );

            // The processor: its IP, the PL clock at 1000 / clock_period MHz.
            let zynq7 = case.part.starts_with("xc7z");
            let (ps, clock_key, data_port) = if zynq7 {
                ("/processing_system7_0", "PCW_FPGA0_PERIPHERAL_FREQMHZ", "S_AXI_HP0")
            } else {
                (
                    "/zynq_ultra_ps_e_0",
                    "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ",
                    "S_AXI_HPC0_FPD",
                )
            };
            let (ps_vlnv, ps_config) = run.cell(ps).unwrap_or_else(|| panic!("{what}: no processor"));
            assert!(ps_vlnv.starts_with(if zynq7 {
                "xilinx.com:ip:processing_system7:"
            } else {
                "xilinx.com:ip:zynq_ultra_ps_e:"
            }));
            let clock = ps_config.iter().find(|(k, _)| k == clock_key).map(|(_, v)| v.as_str());
            assert!(
                clock.is_some_and(|c| close(c, mhz(case.clock_ns))),
                "{what}: PL clock {clock:?}"
            );
            let preset = run.one("apply_bd_automation");
            assert!(preset[4].contains("apply_board_preset"), "{what}");

            match case.interface {
                "axi_stream" => {
                    let (dma, config) = run
                        .cell("/hier_0/axi_dma_0")
                        .unwrap_or_else(|| panic!("{what}: no hier_0/axi_dma_0"));
                    assert_eq!(dma, "xilinx.com:ip:axi_dma:7.1");
                    let get = |k: &str| {
                        config
                            .iter()
                            .find(|(key, _)| key == k)
                            .map(|(_, v)| v.parse::<u32>().unwrap())
                    };
                    assert_eq!(get("c_include_sg"), Some(0), "{what}: simple mode");
                    assert_eq!(get("c_m_axis_mm2s_tdata_width"), Some(case.words.0), "{what}");
                    assert_eq!(get("c_s_axis_s2mm_tdata_width"), Some(case.words.1), "{what}");
                    assert_eq!(get("c_m_axi_mm2s_data_width"), Some(case.words.0.max(32)), "{what}");
                    assert_eq!(get("c_m_axi_s2mm_data_width"), Some(case.words.1.max(32)), "{what}");
                    assert_eq!(
                        run.peer(&hier("jet_tagger_axi_0", "in_r")),
                        Some(hier("axi_dma_0", "M_AXIS_MM2S"))
                    );
                    assert_eq!(
                        run.peer(&hier("jet_tagger_axi_0", "out_r")),
                        Some(hier("axi_dma_0", "S_AXIS_S2MM"))
                    );
                }
                "axi_lite" => {
                    assert_eq!(
                        run.peer(&hier("jet_tagger_axi_0", "s_axi_control")),
                        Some("/ctrl_interconnect/M00_AXI".into())
                    );
                    assert!(run.peer(&format!("{ps}/{data_port}")).is_none(), "{what}: no data port");
                }
                _ => {
                    assert!(run.peer(&hier("jet_tagger_axi_0", "s_axi_control")).is_some(), "{what}");
                    for master in ["m_axi_gmem0", "m_axi_gmem1"] {
                        assert!(
                            run.peer(&hier("jet_tagger_axi_0", master)).is_some(),
                            "{what}: {master}"
                        );
                    }
                }
            }
            if case.interface != "axi_lite" {
                // The data reaches DDR through the processor's HP0 / HPC0 port.
                let peer = run
                    .peer(&format!("{ps}/{data_port}"))
                    .unwrap_or_else(|| panic!("{what}: {data_port}"));
                assert!(peer.ends_with("/M00_AXI"), "{what}: {peer}");
            }

            // Validated, wrapped, implemented to the bitstream with the jobs asked, reported.
            for (before, after) in [
                ("group_bd_cells", "assign_bd_address"),
                ("assign_bd_address", "validate_bd_design"),
                ("validate_bd_design", "make_wrapper"),
                ("make_wrapper", "launch_runs"),
                ("launch_runs", "wait_on_run"),
                ("wait_on_run", "open_run"),
                ("open_run", "report_utilization"),
            ] {
                assert!(run.index(before) < run.index(after), "{what}: {before} before {after}");
            }
            let launch = run.one("launch_runs");
            assert_eq!(launch[1], "impl_1");
            assert_eq!(opt(launch, "-to_step"), Some("write_bitstream"), "{what}");
            assert_eq!(opt(launch, "-jobs"), Some("3"), "{what}");
            let util = run.one("report_utilization");
            assert_eq!(opt(util, "-file"), Some("util.rpt"));
            assert!(util.contains(&"-hierarchical".to_string()));
            assert!(opt(run.one("report_timing_summary"), "-file").is_some());
            let results = dir.join("jet_tagger_vivado_accelerator");
            assert!(
                results.join("project_1.runs/impl_1/design_1_wrapper.bit").is_file(),
                "{what}"
            );
            assert!(
                results
                    .join("project_1.srcs/sources_1/bd/design_1/hw_handoff/design_1.hwh")
                    .is_file(),
                "{what}"
            );
        }

        // The default number of jobs, and a bad option.
        let run = dry_run(&dir, "vivado", "design.tcl", &[], &ip_flags);
        assert_eq!(opt(run.ok().one("launch_runs"), "-jobs"), Some("4"));
        let run = dry_run(&dir, "vivado", "design.tcl", &["jobs=0"], &ip_flags);
        assert_eq!(run.status, 1);
        assert!(run.stderr.contains("jobs=N"), "{}", run.stderr);
    }
}

#[test]
fn link_tcl_links_the_kernel_for_the_cards_own_platform_and_memory() {
    let test = "link";
    if !have_tclsh() {
        return;
    }
    for case in cases().into_iter().filter(|c| c.bank.is_some()) {
        let what = case.label;
        let bank = case.bank.unwrap();
        let (dir, files) = generate(&case, test);

        // connectivity.cfg: one instance of the kernel, both buffers in the card's memory.
        let cfg = files.text("connectivity.cfg").unwrap();
        let lines: Vec<&str> = cfg.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "[connectivity]".to_string(),
                "nk=jet_tagger_axi:1:jet_tagger_axi_1".into(),
                format!("sp=jet_tagger_axi_1.in:{bank}"),
                format!("sp=jet_tagger_axi_1.out:{bank}"),
            ],
            "{what}"
        );

        // Before the kernel exists: a clear error.
        let run = dry_run(&dir, "tclsh", "link.tcl", &[], &[]);
        assert_eq!(run.status, 1, "{what}");
        assert!(run.stderr.contains("export=1"), "{}", run.stderr);

        dry_run(&dir, "vitis_hls", "build_prj.tcl", &["csim=0 synth=1 export=1"], &[]).ok();
        let run = dry_run(&dir, "tclsh", "link.tcl", &[], &[]);
        run.ok();
        let vpp = run.one("exec");
        assert_eq!(vpp[1], "v++");
        assert!(vpp.contains(&"--link".to_string()));
        assert_eq!(
            opt(vpp, "--platform"),
            Some(case.board_part),
            "{what}: the card's own platform"
        );
        assert_eq!(opt(vpp, "--target"), Some("hw"));
        assert_eq!(opt(vpp, "--config"), Some("connectivity.cfg"));
        assert!(
            close(opt(vpp, "--kernel_frequency").unwrap(), mhz(case.clock_ns)),
            "{what}"
        );
        assert_eq!(opt(vpp, "--output"), Some("jet_tagger.xclbin"));
        assert_eq!(vpp.last().map(String::as_str), Some("jet_tagger_axi.xo"));

        // Another shell and an emulation target from the command line.
        let run = dry_run(&dir, "tclsh", "link.tcl", &["platform=my_shell", "target=hw_emu"], &[]);
        let vpp = run.ok().one("exec");
        assert_eq!(opt(vpp, "--platform"), Some("my_shell"));
        assert_eq!(opt(vpp, "--output"), Some("jet_tagger.hw_emu.xclbin"));
        let run = dry_run(&dir, "tclsh", "link.tcl", &["target=fpga"], &[]);
        assert_eq!(run.status, 1);
    }
}
