//! # hls4ml for Rust
//!
//! Turn a trained neural network (Keras or ONNX) into FPGA firmware for a Zynq or Alveo board, and
//! use it from Rust with types of the model's exact shapes.
//!
//! One model+board TOML file drives everything:
//!
//! ```toml
//! [model]
//! name = "jet_tagger"
//! keras = "jet_tagger.keras"
//!
//! [board]
//! name = "pynq-z2"
//! ```
//!
//! ```
//! hls4ml::accelerator!("models/jet_tagger/jet_tagger.toml");
//!
//! let x: jet_tagger::Input = [0.0; 16];          // a [f32; 15] would not compile
//! assert_eq!(jet_tagger::OUTPUT_SHAPE, [5]);
//! # let _ = x;
//! ```
//!
//! - [`accelerator!`] reads the TOML at compile time and expands to a module with the model's
//!   `Input`/`Output` types and shapes.
//! - [`runtime`] holds the fixed-point types and `.npy` I/O that run on the board and the host.
//! - With the `build` feature, [`build`] is the build-script API:
//!   `hls4ml::build::project("model.toml").emit()` writes the whole project under `OUT_DIR` and
//!   compiles its C simulation into a static library with `extern "C"` batch entry points.

pub use hls4ml_macros::accelerator;
pub use hls4ml_runtime as runtime;
pub use hls4ml_runtime::{Error, ErrorKind, Profile, Result};

/// The build-script API (feature `build`): see [`hls4ml_codegen::build`].
#[cfg(feature = "build")]
pub use hls4ml_codegen::build;
