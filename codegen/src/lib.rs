//! `hls4ml-codegen`: the one source of truth of hls4ml for Rust.
//!
//! It reads a model+board TOML ([`config`]), imports the Keras or ONNX model it names ([`import`])
//! into the typed IR ([`ir`]), resolves every layer's precisions ([`precision`]), and runs the float
//! reference forward pass ([`float`]). The macro, the build API and the command line all go through
//! [`Project::load`], so they can never disagree.
#![warn(missing_docs)]

pub mod accel;
pub mod build;
pub mod config;
pub mod csim;
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
mod project;
pub mod report;

pub use diag::{Diagnostic, Error, Result, Severity};
pub use project::Project;

/// Every file of a project's generated tree (paths relative to the project folder): the HLS
/// firmware and its testbench ([`hls`]), the AXI wrapper, Tcl and drivers ([`accel`]), and the
/// host-only `ap_*` headers of the C simulation ([`host_headers`]). Pure: nothing is written.
/// Returns the files and the warnings found on the way.
pub fn generate(project: &Project) -> Result<(files::Files, Vec<Diagnostic>)> {
    let (mut files, warnings) = hls::firmware(project)?;
    for (path, contents) in accel::files(project)?.iter() {
        files.add(path, contents);
    }
    files.extend_under(host_headers::FOLDER, host_headers::files());
    Ok((files, warnings))
}
