//! `hls4ml`: the command line of hls4ml for Rust.
//!
//! ```text
//! hls4ml convert <model.toml> [-o DIR]
//! hls4ml inspect <model.toml>
//! hls4ml predict <model.toml> --input X.npy --output y.npy [--engine emulator|float] [--reference y.npy] [--trace DIR]
//! ```

mod args;
mod convert;
mod inspect;
mod predict;

use std::process::ExitCode;

const USAGE: &str = "\
hls4ml — turn a trained neural network into FPGA firmware and a typed driver

USAGE:
    hls4ml convert <model.toml> [-o DIR]
        Write the HLS project (firmware, parameters, weights, testbench, C-simulation bridge and
        host headers) to DIR, or to the TOML's [hls] output_dir.
    hls4ml inspect <model.toml>
        Print the layer table: names, types, output shapes, resolved precisions, reuse factors,
        parameters and multiplications.
    hls4ml predict <model.toml> --input X.npy --output y.npy [--engine emulator|float]
                   [--reference y_ref.npy] [--trace DIR]
        Run the model on every sample of X.npy (shape: samples × model input shape) and write the
        outputs (samples × flattened output). `emulator` (the default) computes the firmware's
        exact bits and counts the values that overflow their type, per layer; `float` is the float
        reference. With --reference, print the max abs error and the argmax agreement against it;
        with --trace, write every layer's emulated and float outputs as .npy files to DIR.

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
        Some(other) => Err(args::CliError::Usage(format!(
            "unknown command `{other}`; the commands are: convert, inspect, predict"
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
