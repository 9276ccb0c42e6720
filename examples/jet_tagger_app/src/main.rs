//! Runs the jet tagger's bundled samples through the typed driver twice — on the emulator (the
//! model's bit-exact kernels on this CPU) and on a virtual pynq-z2 whose IP is the compiled C
//! simulation of the firmware and its AXI wrapper, driven by the real Zynq backend through the AXI
//! DMA — and prints a few predictions, the argmax agreement of each with the float model, whether
//! the two are bit-identical, and the profile of each batch. Exits with status 1 when they differ,
//! 2 on an error.
//!
//! Usage: `jet-tagger-app [X.npy [y_float.npy]]` (default: the bundled files, `../../models/jet_tagger/`
//! relative to the crate's folder).

use jet_tagger_app::{agreement, argmax, data_file, differing, jet_tagger, load_inputs, load_outputs};
use jet_tagger_app::{Board, JetTagger, ScratchDir, PROJECT_DIR};
use std::path::PathBuf;
use std::process::ExitCode;

/// Predictions printed in full.
const SHOWN: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("jet-tagger-app: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// True when the emulator and the virtual board agree bit for bit.
fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 2 || args.iter().any(|a| a.starts_with('-')) {
        return Err("usage: jet-tagger-app [X.npy [y_float.npy]]".into());
    }
    let x_path = args.first().map(PathBuf::from).unwrap_or_else(|| data_file("X.npy"));
    let y_path = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| data_file("y_float.npy"));
    let x = load_inputs(&x_path)?;
    let y_float = load_outputs(&y_path)?;
    if x.len() != y_float.len() {
        return Err(format!(
            "{} holds {} samples but {} holds {} outputs",
            x_path.display(),
            x.len(),
            y_path.display(),
            y_float.len()
        )
        .into());
    }
    if x.is_empty() {
        return Err(format!("{} holds no samples", x_path.display()).into());
    }
    let n = x.len();
    println!(
        "model: {} on {} ({}), input {:?} ({}), output {:?} ({})",
        jet_tagger::NAME,
        jet_tagger::BOARD,
        jet_tagger::INTERFACE,
        jet_tagger::INPUT_SHAPE,
        jet_tagger::INPUT_BUS_TYPE,
        jet_tagger::OUTPUT_SHAPE,
        jet_tagger::OUTPUT_BUS_TYPE
    );
    println!("project written by build.rs: {PROJECT_DIR}");
    println!("samples: {n} from {}", x_path.display());

    let mut emulator = JetTagger::emulator();
    let (y_emu, emu_profile) = emulator.predict_profiled(&x)?;

    let scratch = ScratchDir::new("design")?;
    let board = Board::new(scratch.path())?;
    let mut nn = board.open()?;
    let (y_board, board_profile) = nn.predict_profiled(&x)?;

    for i in 0..SHOWN.min(n) {
        println!(
            "sample {i}: float model {:.4?} -> class {}; emulator {:.4?} -> class {}; virtual board -> class {}",
            y_float[i],
            argmax(&y_float[i]),
            y_emu[i],
            argmax(&y_emu[i]),
            argmax(&y_board[i])
        );
    }
    let percent = |k: usize| 100.0 * k as f64 / n as f64;
    let (a_emu, a_board) = (agreement(&y_emu, &y_float), agreement(&y_board, &y_float));
    println!(
        "argmax agreement with the float model: emulator {a_emu}/{n} ({:.1} %), virtual board {a_board}/{n} ({:.1} %)",
        percent(a_emu),
        percent(a_board)
    );
    let diff = differing(&y_emu, &y_board);
    if diff.is_empty() {
        println!(
            "emulator and virtual board: bit-identical ({n} samples, {} outputs each)",
            jet_tagger::OUTPUT_SIZE
        );
    } else {
        let first = diff[0];
        println!(
            "emulator and virtual board: DIFFERENT in {} of {n} samples; first, sample {first}: emulator {:?}, virtual board {:?}",
            diff.len(),
            y_emu.get(first),
            y_board.get(first)
        );
    }
    println!("profile, {}: {emu_profile}", emulator.describe());
    println!("profile, {}: {board_profile}", nn.describe());
    Ok(diff.is_empty())
}
