//! hls4ml for Rust.
pub use hls4ml_runtime as runtime;
