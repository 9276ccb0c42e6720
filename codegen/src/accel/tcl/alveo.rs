//! `connectivity.cfg` for the Alveo cards: the kernel's instance and the memory its buffers live in,
//! read by `v++ --link` (through `link.tcl`).

use super::Accel;
use crate::diag::{Error, Result};
use std::fmt::Write;

/// The C++ names of the wrapper's buffer arguments, as `v++` connectivity names them.
const BUFFERS: [&str; 2] = ["in", "out"];

/// The text of `connectivity.cfg`.
pub(super) fn connectivity_cfg(accel: &Accel, stamp: &str) -> Result<String> {
    let board = accel.board();
    let bank = board
        .memory_bank()
        .ok_or_else(|| Error::new(format!("board {} has no kernel memory", board.name)))?;
    let kernel = &accel.top;
    let instance = format!("{kernel}_1");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{stamp}\n# connectivity.cfg: how v++ --link (link.tcl) puts the kernel {kernel} on {}:\n\
         # one instance, {instance}, with its input and output buffers in {bank}.\n[connectivity]\n\
         nk={kernel}:1:{instance}",
        board.name
    );
    for buffer in BUFFERS {
        let _ = writeln!(s, "sp={instance}.{buffer}:{bank}");
    }
    Ok(s)
}
