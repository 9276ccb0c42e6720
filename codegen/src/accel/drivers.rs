//! Placeholder: filled in next.

use super::Accel;
use crate::diag::Result;
use crate::files::Files;

/// Adds this part's files.
pub fn files(_accel: &Accel, _files: &mut Files) -> Result<()> {
    Ok(())
}
