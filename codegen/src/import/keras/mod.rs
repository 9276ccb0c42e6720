//! Keras importer (to be written).

use crate::diag::{Error, Result};
use crate::ir::Graph;
use std::path::Path;

/// Imports a Keras model; see [`crate::import::keras`](super::keras()).
pub fn import(model: &Path, _weights: Option<&Path>) -> Result<Graph> {
    Err(Error::in_file(model, "the Keras importer is not written yet"))
}
