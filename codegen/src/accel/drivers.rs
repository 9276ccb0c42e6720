//! The drivers written into the project: a PYNQ driver in Python for the project's interface and
//! board family, and for Zynq boards a bare-metal C driver header.
//!
//! ```text
//! axi_stream_driver.py   Zynq, axi_stream: the AXI DMA hier_0/axi_dma_0 in simple mode (PG021)
//! axi_lite_driver.py     Zynq, axi_lite: the IP <P>_axi_0's registers, sample by sample
//! axi_master_driver.py   Zynq, axi_master: buffer addresses and the sample count in <P>_axi_0's registers
//! alveo_driver.py        Alveo, axi_master: the kernel <P>_axi_1 through PYNQ's XRT support
//! <P>_driver.h           Zynq, any interface: the same for bare-metal C99 (no OS)
//! ```
//!
//! Every driver follows the one bus layout of [`super::bus`]: word dtypes and widths, fixed-point
//! values quantized with their type's own modes. The drivers' code lives in real Python and C files
//! beside this module (`drivers/python/`, `drivers/c/`); generation puts the project's constants in
//! front of them.

mod c_header;
mod python;

use super::Accel;
use crate::config::{Family, Interface};
use crate::diag::{Error, Result};
use crate::files::Files;

/// Adds the drivers of the project's interface and board family.
pub fn files(accel: &Accel, files: &mut Files) -> Result<()> {
    let family = accel.board().family;
    let interface = accel.interface();
    let file = python_file(family, interface).ok_or_else(|| {
        Error::new(format!(
            "no driver for interface {} on {} boards",
            interface.as_str(),
            family.as_str()
        ))
    })?;
    files.add(file, python::driver(accel, file));
    if family != Family::Alveo {
        files.add(format!("{}_driver.h", accel.name), c_header::header(accel));
    }
    Ok(())
}

/// The Python driver's file name for a (family, interface) pair; None for an unsupported pair.
fn python_file(family: Family, interface: Interface) -> Option<&'static str> {
    match (family, interface) {
        (Family::Alveo, Interface::AxiMaster) => Some("alveo_driver.py"),
        (Family::Alveo, _) => None,
        (_, Interface::AxiStream) => Some("axi_stream_driver.py"),
        (_, Interface::AxiLite) => Some("axi_lite_driver.py"),
        (_, Interface::AxiMaster) => Some("axi_master_driver.py"),
    }
}

/// The first line of a generated file (the `@generated` stamp) and a second saying what it is,
/// each behind `comment`.
fn stamp(accel: &Accel, comment: &str, what: &str) -> String {
    format!("{}\n{comment} {what}\n", accel.project.stamp(comment))
}

/// A shape as a tuple, e.g. `(16,)` or `(8, 8, 3)`.
fn tuple(shape: &[usize]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}
