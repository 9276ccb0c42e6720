//! The first look at an `.xclbin` before XRT gets it: the file exists and is an `axlf` container.

use crate::error::{Error, ErrorKind, Result};
use std::io::Read;
use std::path::Path;

/// The first 8 bytes of every xclbin (`struct axlf`'s `m_magic`, `"xclbin2\0"`).
pub const MAGIC: &[u8; 8] = b"xclbin2\0";

/// Checks that `path` is a readable file starting with [`MAGIC`]; an [`ErrorKind::Bitstream`]
/// error (or [`ErrorKind::Io`] when it cannot be read) names the file otherwise.
pub fn check(path: &Path) -> Result<()> {
    let mut file =
        std::fs::File::open(path).map_err(|e| Error::io(format!("opening the xclbin {}", path.display()), e))?;
    let mut head = Vec::with_capacity(MAGIC.len());
    (&mut file)
        .take(MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(format!("reading the xclbin {}", path.display()), e))?;
    if head != MAGIC {
        return Err(Error::new(
            ErrorKind::Bitstream,
            format!(
                "{} is not an xclbin: it does not start with \"xclbin2\" (its first bytes are {}); give the .xclbin \
                 that v++ --link wrote",
                path.display(),
                describe(&head)
            ),
        ));
    }
    Ok(())
}

/// Bytes as printable text where they are, escaped otherwise (`"PK\x03\x04"`), or "none" for an
/// empty file.
fn describe(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "none: the file is empty".into();
    }
    format!("\"{}\"", bytes.escape_ascii())
}
