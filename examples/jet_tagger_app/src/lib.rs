//! The jet tagger as a user's crate drives it. `hls4ml::accelerator!` reads the model+board TOML at
//! compile time and expands to the module [`jet_tagger`]: the types of one sample
//! ([`jet_tagger::Input`] is `[f32; 16]`, [`jet_tagger::Output`] is `[f32; 5]`), the accelerator's
//! `spec()`, and the typed driver [`JetTagger`]. `build.rs` links the C simulation of the firmware
//! and its AXI wrapper into the crate, which gives `JetTagger::csim()` and `JetTagger::csim_ip()`.
//!
//! Beside the driver, what the programs (`jet-tagger-app`, `smoke`) and the tests share: loading the
//! bundled samples as typed inputs, the argmax of a prediction, a virtual board running the C
//! simulation, and a scratch folder removed when dropped.

use hls4ml::runtime::npy;
use hls4ml::runtime::virtual_board::VirtualBoard;
use std::path::{Path, PathBuf};

hls4ml::accelerator!("../../models/jet_tagger/jet_tagger.toml");

pub use jet_tagger::{Input, JetTagger, Output};

/// Where `build.rs` wrote the Vivado HLS project (under the build's `OUT_DIR`).
pub const PROJECT_DIR: &str = env!("HLS4ML_PROJECT_DIR");

/// The folder of the bundled model's data (`X.npy`, `y_float.npy`), relative to this crate's folder.
pub const DATA_DIR: &str = "../../models/jet_tagger";

/// The bundled data file `name`: `DATA_DIR/name` relative to the current folder when it is there
/// (a program run from the crate's folder, on the build machine or on a board), otherwise relative to
/// the folder the crate was built from (`cargo run` from anywhere in the workspace).
pub fn data_file(name: &str) -> PathBuf {
    let here = Path::new(DATA_DIR).join(name);
    if here.is_file() {
        return here;
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA_DIR).join(name);
    if built_from.is_file() {
        built_from
    } else {
        here
    }
}

/// Reads an `.npy` of samples, one row each, checking that every row holds `width` values.
fn read_rows(path: &Path, width: usize, what: &str) -> Result<Vec<f32>, String> {
    let array = npy::read_f32(path).map_err(|e| format!("{what}: {e}"))?;
    if array.shape.len() != 2 || array.row_len() != width {
        return Err(format!(
            "{what}: {} has shape {:?}; expected (samples, {width})",
            path.display(),
            array.shape
        ));
    }
    Ok(array.data)
}

/// Loads the model's inputs: an `.npy` of shape `(samples, 16)`.
///
/// # Errors
/// When the file cannot be read, is not an `.npy`, or is not of that shape.
pub fn load_inputs(path: &Path) -> Result<Vec<Input>, String> {
    let data = read_rows(path, jet_tagger::INPUT_SIZE, "the inputs")?;
    Ok(data
        .chunks_exact(jet_tagger::INPUT_SIZE)
        .map(|row| std::array::from_fn(|i| row[i]))
        .collect())
}

/// Loads outputs of the same shape as the model's (the float model's predictions): an `.npy` of
/// shape `(samples, 5)`.
///
/// # Errors
/// When the file cannot be read, is not an `.npy`, or is not of that shape.
pub fn load_outputs(path: &Path) -> Result<Vec<Output>, String> {
    let data = read_rows(path, jet_tagger::OUTPUT_SIZE, "the reference outputs")?;
    Ok(data
        .chunks_exact(jet_tagger::OUTPUT_SIZE)
        .map(|row| std::array::from_fn(|i| row[i]))
        .collect())
}

/// The index of the largest score (the first one on a tie; 0 for an empty slice).
pub fn argmax(scores: &[f32]) -> usize {
    (0..scores.len()).fold(0, |best, i| if scores[i] > scores[best] { i } else { best })
}

/// How many predictions pick the same class as the reference's.
pub fn agreement(predictions: &[Output], reference: &[Output]) -> usize {
    predictions
        .iter()
        .zip(reference)
        .filter(|(a, b)| argmax(&a[..]) == argmax(&b[..]))
        .count()
}

/// The indices of the samples whose outputs differ in any bit.
pub fn differing(a: &[Output], b: &[Output]) -> Vec<usize> {
    let mut out: Vec<usize> = a
        .iter()
        .zip(b)
        .enumerate()
        .filter(|(_, (x, y))| x.iter().zip(y.iter()).any(|(p, q)| p.to_bits() != q.to_bits()))
        .map(|(i, _)| i)
        .collect();
    // A length mismatch counts as the missing samples differing.
    out.extend(a.len().min(b.len())..a.len().max(b.len()));
    out
}

/// A virtual pynq-z2 running this crate's compiled C simulation, with the `.bit` and `.hwh` a
/// Vivado build would leave for it.
#[derive(Debug)]
pub struct Board {
    /// The board (a handle: clones share it).
    pub board: VirtualBoard,
    /// Its `.bit`.
    pub bit: PathBuf,
    /// Its `.hwh`, beside the `.bit`.
    pub hwh: PathBuf,
}

impl Board {
    /// Builds the board and writes its design files into `dir`.
    ///
    /// # Errors
    /// When the C simulation is not linked, or the files cannot be written.
    pub fn new(dir: &Path) -> hls4ml::Result<Board> {
        let board = VirtualBoard::new(jet_tagger::spec(), JetTagger::csim_ip()?);
        let (bit, hwh) = board.write_design(dir)?;
        Ok(Board { board, bit, hwh })
    }

    /// The typed driver on this board: the Zynq backend opening the `.bit` (and the `.hwh` beside it)
    /// through the board's platform, exactly as it opens a real board.
    ///
    /// # Errors
    /// What opening a board can fail with (see `JetTagger::open`).
    pub fn open(&self) -> hls4ml::Result<JetTagger> {
        JetTagger::open_on(self.board.platform(), &self.bit)
    }
}

/// A fresh folder under the system's temporary folder, removed with its contents when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates `jet-tagger-app-<label>-<process id>` (emptied first if it exists).
    ///
    /// # Errors
    /// When the folder cannot be created.
    pub fn new(label: &str) -> std::io::Result<ScratchDir> {
        let path = std::env::temp_dir().join(format!("jet-tagger-app-{label}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        Ok(ScratchDir { path })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
