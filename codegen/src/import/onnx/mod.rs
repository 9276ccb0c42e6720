//! ONNX importer (to be written).

use crate::diag::{Error, Result};
use crate::ir::Graph;
use std::path::Path;

/// Imports an ONNX model; see [`crate::import::onnx`](super::onnx()).
pub fn import(model: &Path) -> Result<Graph> {
    Err(Error::in_file(model, "the ONNX importer is not written yet"))
}
