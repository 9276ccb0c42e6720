//! `hls4ml`: the command line of hls4ml for Rust.
//!
//! ```text
//! hls4ml convert <model.toml> [-o DIR]
//! hls4ml inspect <model.toml>
//! hls4ml build <model.toml> [--csim] [--synth] [--cosim] [--export] [--bitfile] [--jobs N]
//! hls4ml report <model.toml> [-o DIR] [--json]
//! hls4ml package <model.toml> [--name NAME] [-o FILE]
//! hls4ml predict <model.toml> --input X.npy --output y.npy [--engine emulator|csim|float] [--reference y.npy] [--trace DIR]
//! ```

mod args;
mod build;
mod convert;
mod inspect;
mod package;
mod predict;
mod report;

use std::process::ExitCode;

const USAGE: &str = "\
hls4ml — turn a trained neural network into FPGA firmware and a typed driver

USAGE:
    hls4ml convert <model.toml> [-o DIR]
        Write the project (HLS firmware, parameters, weights, testbench, C-simulation bridge, AXI
        wrapper, Tcl scripts, drivers and host headers) to DIR, or to the TOML's [hls] output_dir.
    hls4ml inspect <model.toml>
        Print the layer table: names, types, output shapes, resolved precisions, reuse factors,
        parameters and multiplications.
    hls4ml predict <model.toml> --input X.npy --output y.npy [--engine emulator|csim|float]
                   [--reference y_ref.npy] [--trace DIR]
        Run the model on every sample of X.npy (shape: samples × model input shape) and write the
        outputs (samples × flattened output). `emulator` (the default) computes the firmware's
        exact bits in Rust and counts the values that overflow their type, per layer; `csim`
        writes the project to [hls] output_dir and runs its C simulation, compiled with $CXX (or
        c++) against our ap_* headers, or Xilinx's when AP_TYPES_INCLUDE or $XILINX_HLS is set —
        the same bits; `float` is the float reference. With --reference, print the max abs error and the argmax agreement against it;
        with --trace, write every layer's emulated and float outputs as .npy files to DIR.

    hls4ml build <model.toml> [--csim] [--synth] [--cosim] [--export] [--bitfile] [--jobs N]
        Write the project to the TOML's [hls] output_dir, then run the Xilinx tools found on PATH:
        --csim C simulation, --synth C synthesis, --cosim C/RTL co-simulation, --export the IP
        (Zynq) or kernel .xo (Alveo), --bitfile the bitstream and .hwh (Zynq: vivado, design.tcl)
        or the .xclbin (Alveo: tclsh link.tcl, v++). Each step brings the ones it needs (cosim and
        export need synth, bitfile needs export); with no step given, --csim --synth. HLS runs with
        [hls] tool (auto: vitis_hls when on PATH, else vivado_hls). --jobs N: parallel jobs of
        Vivado (default: the number of CPUs). Every tool's output goes to build_<step>.log in the
        project folder; a failing tool stops the build with its error lines.

    hls4ml report <model.toml> [-o DIR] [--json]
        Read the reports of a built project (DIR, or the TOML's [hls] output_dir): C synthesis
        (latency, interval, resources), co-simulation, Vivado synthesis, implementation
        utilization and timing; print them as a table, or as JSON. Absent reports are listed.

    hls4ml package <model.toml> [--name NAME] [-o FILE]
        Pack what the board needs into FILE (default: package.tar.gz in the project folder):
        Zynq: the bitstream and hardware handoff as NAME.bit and NAME.hwh (NAME: hls4ml_nn) and
        the project's drivers; Alveo: the .xclbin as NAME.xclbin and the driver. Needs a build
        with --bitfile first.

OPTIONS:
    -h, --help       Print this help
    -V, --version    Print the version
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        None | Some("-h") | Some("--help") | Some("help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("-V") | Some("--version") => {
            println!("hls4ml {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("convert") => args::Args::parse(&argv[1..], &["o"]).and_then(|a| convert::run(&a)),
        Some("inspect") => args::Args::parse(&argv[1..], &[]).and_then(|a| inspect::run(&a)),
        Some("predict") => args::Args::parse(&argv[1..], &["input", "output", "engine", "reference", "trace"])
            .and_then(|a| predict::run(&a)),
        Some("report") => args::Args::parse_with_flags(&argv[1..], &["o"], &["json"]).and_then(|a| report::run(&a)),
        Some("build") => {
            args::Args::parse_with_flags(&argv[1..], &["jobs"], &["csim", "synth", "cosim", "export", "bitfile"])
                .and_then(|a| build::run(&a))
        }
        Some("package") => args::Args::parse(&argv[1..], &["name", "o"]).and_then(|a| package::run(&a)),
        Some(other) => Err(args::CliError::Usage(format!(
            "unknown command `{other}`; the commands are: convert, inspect, predict, build, report, package"
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(args::CliError::Usage(msg)) => {
            eprintln!("error: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(args::CliError::Failed(msg)) => {
            eprintln!("{}", msg.trim_end());
            ExitCode::FAILURE
        }
    }
}
