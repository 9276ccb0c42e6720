//! The Keras 3 `.keras` archive: a zip holding `config.json` (the architecture), `metadata.json`
//! (the Keras version) and `model.weights.h5` (the weights).

use crate::diag::{Error, Result};
use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use zip::ZipArchive;

/// The largest `config.json` / `metadata.json` accepted.
const MAX_JSON_BYTES: u64 = 64 << 20;
/// The largest `model.weights.h5` accepted.
const MAX_WEIGHTS_BYTES: u64 = 1 << 30;
/// Deflate cannot expand data by more than about 1032 times.
const MAX_COMPRESSION_RATIO: u64 = 1100;

/// What the archive holds.
pub(super) struct Contents {
    /// `config.json`.
    pub config: Vec<u8>,
    /// `keras_version` from `metadata.json`, when present and readable.
    pub keras_version: Option<String>,
    /// `model.weights.h5`.
    pub weights: Vec<u8>,
}

/// Reads the archive whose bytes are `bytes` (read from `path`, named in messages).
pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<Contents> {
    let corrupt = |e: String| {
        Error::in_file(
            path,
            format!("cannot read the `.keras` archive (truncated or corrupt?): {e}"),
        )
    };
    // The zip reader returns errors for malformed archives; a panic inside it is caught as a last
    // resort so that a corrupt file can never take the caller down.
    let outcome = catch_unwind(AssertUnwindSafe(|| -> std::result::Result<Contents, String> {
        let archive_len = bytes.len() as u64;
        let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let config = entry(&mut zip, "config.json", MAX_JSON_BYTES, archive_len)?
            .ok_or("it has no `config.json` (is it a Keras 3 `.keras` file?)")?;
        let keras_version = entry(&mut zip, "metadata.json", MAX_JSON_BYTES, archive_len)?
            .and_then(|m| serde_json::from_slice::<serde_json::Value>(&m).ok())
            .and_then(|m| m.get("keras_version").and_then(|v| v.as_str()).map(str::to_owned));
        let weights = entry(&mut zip, "model.weights.h5", MAX_WEIGHTS_BYTES, archive_len)?
            .ok_or("it has no `model.weights.h5`")?;
        Ok(Contents {
            config,
            keras_version,
            weights,
        })
    }));
    match outcome {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(corrupt(e)),
        Err(_) => Err(corrupt("the zip reader failed on malformed data".into())),
    }
}

/// The bytes of the entry `name`, or `None` when the archive has none. The declared sizes are
/// checked against `max` and against what the archive's length can hold before anything is read,
/// and the zip reader checks each entry's CRC once it is read to the end.
fn entry(
    zip: &mut ZipArchive<Cursor<Vec<u8>>>,
    name: &str,
    max: u64,
    archive_len: u64,
) -> std::result::Result<Option<Vec<u8>>, String> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("`{name}`: {e}")),
    };
    let size = file.size();
    let stored = file.compression() == zip::CompressionMethod::Stored;
    let ceiling = if stored {
        archive_len
    } else {
        archive_len.saturating_mul(MAX_COMPRESSION_RATIO)
    };
    if size > max || size > ceiling {
        return Err(format!("`{name}` claims {size} bytes, more than the archive can hold"));
    }
    let mut out = Vec::new();
    (&mut file)
        .take(size + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("`{name}`: {e}"))?;
    if out.len() as u64 != size {
        return Err(format!("`{name}` holds {} bytes but claims {size}", out.len()));
    }
    Ok(Some(out))
}
