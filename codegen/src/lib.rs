//! `hls4ml-codegen`: the one source of truth of hls4ml for Rust.
//!
//! It reads a model+board TOML ([`config`]), imports the Keras or ONNX model it names ([`import`])
//! into the typed IR ([`ir`]), resolves every layer's precisions ([`precision`]), and runs the float
//! reference forward pass ([`float`]). The macro, the build API and the command line all go through
//! [`Project::load`], so they can never disagree.
#![warn(missing_docs)]

pub mod accel;
pub mod config;
pub mod diag;
pub mod driver;
pub mod emulate;
pub mod files;
pub mod float;
pub mod hls;
pub mod host_headers;
pub mod import;
pub mod ir;
pub mod precision;
pub mod report;
mod project;

pub use diag::{Diagnostic, Error, Result, Severity};
pub use project::Project;
