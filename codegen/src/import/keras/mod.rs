//! Keras importer: a Keras 2 JSON architecture with its HDF5 weights, a full-model `.h5` (Keras 2
//! or Keras 3's legacy HDF5 format), or a Keras 3 `.keras` archive, turned into an [`ir::Graph`].
//!
//! The work is split by what is read:
//! - [`config`]: the architecture JSON, normalised to a list of layers with their inputs;
//! - [`weights`]: the HDF5 weights, in either layout (`layer_names`/`weight_names` or
//!   `layers/<layer>/vars/<i>`), read only after their shapes have been checked;
//! - [`archive`]: the `.keras` zip;
//! - [`activations`]: Keras activation names to IR activations;
//! - [`layers`]: each Keras layer to IR layers.
//!
//! Every size read from a file is checked before anything is allocated from it, so a truncated or
//! corrupt file gives an [`Error`] naming the file, never a panic or an enormous allocation.
//!
//! [`ir::Graph`]: crate::ir::Graph

mod activations;
mod archive;
mod config;
mod layers;
mod weights;

use crate::diag::{Error, Result};
use crate::ir::Graph;
use std::path::Path;

use config::ModelSpec;
use weights::WeightFile;

/// The first bytes of an HDF5 file (its superblock signature).
const HDF5_SIGNATURE: &[u8] = b"\x89HDF\r\n\x1a\n";
/// The first bytes of a zip archive (a local file header).
const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";

/// Which Keras wrote the model: it decides the defaults that changed between Keras 2 and 3
/// (`hard_sigmoid`'s slope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KerasVersion {
    /// Keras 2 (including `tf.keras` and `tf_keras`).
    Two,
    /// Keras 3.
    Three,
}

impl KerasVersion {
    /// The version named by a `keras_version` string such as `"2.0.8"` or `"3.15.1"`.
    fn parse(text: &str) -> Option<KerasVersion> {
        let major: u32 = text.trim().split('.').next()?.parse().ok()?;
        Some(if major >= 3 {
            KerasVersion::Three
        } else {
            KerasVersion::Two
        })
    }
}

/// Imports a Keras model; see [`crate::import::keras`](super::keras()).
///
/// `model` is a `.keras` archive, a full-model `.h5`, or a `.json` architecture; the kind is taken
/// from the file's first bytes (zip or HDF5 signature, else JSON when it starts with `{` or is
/// named `.json`). A `.json` needs `weights`, the HDF5 file written by `save_weights`; the other two
/// carry their weights and take none.
pub fn import(model: &Path, weights: Option<&Path>) -> Result<Graph> {
    let bytes = read_file(model, "Keras model")?;
    if bytes.starts_with(ZIP_SIGNATURE) {
        reject_weights(model, weights, "a `.keras` archive")?;
        return import_archive(model, bytes);
    }
    if is_hdf5(&bytes) {
        reject_weights(model, weights, "a full-model `.h5` file")?;
        return import_full_h5(model, bytes);
    }
    let looks_like_json = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let json_extension = model.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if looks_like_json || json_extension {
        return import_json(model, bytes, weights);
    }
    Err(Error::in_file(
        model,
        "not a Keras model: expected a `.keras` archive (zip), a full-model `.h5` (HDF5) or a `.json` \
         architecture, but the file starts with none of their signatures",
    ))
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::in_file(path, format!("cannot read the {what} `{}`: {e}", path.display())))
}

fn is_hdf5(bytes: &[u8]) -> bool {
    // The superblock may follow a user block of 512, 1024, 2048… bytes.
    let mut offset = 0usize;
    while offset + HDF5_SIGNATURE.len() <= bytes.len() {
        if bytes[offset..].starts_with(HDF5_SIGNATURE) {
            return true;
        }
        offset = if offset == 0 { 512 } else { offset * 2 };
    }
    false
}

fn reject_weights(model: &Path, weights: Option<&Path>, what: &str) -> Result<()> {
    match weights {
        None => Ok(()),
        Some(w) => Err(Error::in_file(
            model,
            format!(
                "the model is {what}, which carries its own weights, but a weights file (`{}`) was given too",
                w.display()
            ),
        )
        .help("remove `weights`: it is only for a Keras 2 `.json` architecture")),
    }
}

/// A Keras 2 (or `model.to_json()`) architecture with a separate weights file.
fn import_json(model: &Path, bytes: Vec<u8>, weights: Option<&Path>) -> Result<Graph> {
    let Some(weights_path) = weights else {
        return Err(Error::in_file(
            model,
            "a Keras JSON architecture needs `weights = \"….h5\"`: the HDF5 file written by `model.save_weights`",
        ));
    };
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::in_file(model, format!("the Keras architecture is not UTF-8 text: {e}")))?;
    let spec = ModelSpec::parse(&text).map_err(|e| e.with_file(model))?;
    let weight_bytes = read_file(weights_path, "Keras weights")?;
    if !is_hdf5(&weight_bytes) {
        return Err(Error::in_file(
            weights_path,
            "the weights file is not an HDF5 file (no HDF5 signature); expected the `.h5` written by `save_weights`",
        ));
    }
    let file = WeightFile::open(weights_path, weight_bytes)?;
    let version = spec
        .keras_version
        .as_deref()
        .and_then(KerasVersion::parse)
        .or(spec.syntax_version)
        .or_else(|| file.keras_version().as_deref().and_then(KerasVersion::parse))
        .unwrap_or(KerasVersion::Two);
    let store = file.weights(&spec)?;
    layers::build(&spec, &store, version).map_err(|e| e.with_file(model))
}

/// A full-model HDF5 file: the architecture in the root attribute `model_config`, the weights
/// under `model_weights/`.
fn import_full_h5(model: &Path, bytes: Vec<u8>) -> Result<Graph> {
    let file = WeightFile::open(model, bytes)?;
    let Some(text) = file.model_config()? else {
        let mut e = Error::in_file(
            model,
            "this HDF5 file has no `model_config` attribute: it is not a full Keras model (or it is corrupt)",
        );
        if file.has_weights() {
            e = e.help(
                "it looks like a weights-only file (from `save_weights`): give the architecture `.json` as the \
                 model and this file as `weights`",
            );
        }
        return Err(e);
    };
    let spec = ModelSpec::parse(&text).map_err(|e| e.context("in the attribute `model_config`").with_file(model))?;
    let version = file
        .keras_version()
        .as_deref()
        .and_then(KerasVersion::parse)
        .or_else(|| spec.keras_version.as_deref().and_then(KerasVersion::parse))
        .or(spec.syntax_version)
        .unwrap_or(KerasVersion::Two);
    let store = file.weights(&spec)?;
    layers::build(&spec, &store, version).map_err(|e| e.with_file(model))
}

/// A Keras 3 `.keras` archive: `config.json`, `metadata.json` and `model.weights.h5` in a zip.
fn import_archive(model: &Path, bytes: Vec<u8>) -> Result<Graph> {
    let contents = archive::read(model, bytes)?;
    let text = String::from_utf8(contents.config)
        .map_err(|e| Error::in_file(model, format!("`config.json` in the archive is not UTF-8 text: {e}")))?;
    let spec = ModelSpec::parse(&text).map_err(|e| e.context("in `config.json`").with_file(model))?;
    let version = contents
        .keras_version
        .as_deref()
        .and_then(KerasVersion::parse)
        .or_else(|| spec.keras_version.as_deref().and_then(KerasVersion::parse))
        .unwrap_or(KerasVersion::Three);
    if !is_hdf5(&contents.weights) {
        return Err(Error::in_file(
            model,
            "`model.weights.h5` in the archive is not an HDF5 file",
        ));
    }
    let file =
        WeightFile::open(model, contents.weights).map_err(|e| e.context("in `model.weights.h5` of the archive"))?;
    let store = file
        .weights(&spec)
        .map_err(|e| e.context("in `model.weights.h5` of the archive"))?;
    layers::build(&spec, &store, version).map_err(|e| e.with_file(model))
}
