//! The HLS firmware writer: a [`Project`] → the C++ firmware of the network for Vivado HLS / Vitis
//! HLS, its C-simulation testbench and host bridge, laid out as hls4ml lays out its projects.
//!
//! ```text
//! firmware/<P>.cpp, <P>.h      the top function: one layer function call per layer
//! firmware/defines.h           every type, named after its layer (fc1_result_t, fc1_weight_t, …)
//! firmware/parameters.h        a configuration struct per layer (config_fc1, …)
//! firmware/weights/*.h         weights, biases, tables, constants: exact literals of their types
//! firmware/nnet/*.h            the HLS layer library (codegen/cpp/nnet)
//! <P>_test.cpp, tb_data/       the C-simulation testbench and its data
//! <P>_bridge.cpp               host-only batch entry points with C linkage
//! README.md
//! ```
//!
//! The numbers the firmware computes are those of `docs/semantics.md`; every constant is quantized
//! here, with the runtime's conversions, so the firmware and the emulator agree bit for bit.
//!
//! ```no_run
//! let project = hls4ml_codegen::Project::load("models/jet_tagger/jet_tagger.toml")?;
//! let (files, warnings) = hls4ml_codegen::hls::firmware(&project)?;
//! for w in &warnings {
//!     eprint!("{}", w.render());
//! }
//! files.write_to("hls4ml_prj")?;
//! # Ok::<(), hls4ml_codegen::Error>(())
//! ```

mod bridge;
mod constants;
mod library;
mod literal;
mod names;
mod params;
mod plan;
mod readme;
mod testbench;
mod top;
mod types;
mod weights;

pub use library::FILES as LIBRARY;
pub use literal::fixed_literal;
pub use names::layer_idents;
pub use plan::nearest_divisor;

use crate::diag::{Diagnostic, Result};
use crate::files::Files;
use crate::Project;
use plan::Plan;

/// Generates the firmware of a project. Returns the files (paths relative to the project folder)
/// and the warnings found on the way (a reuse factor adjusted to a valid one, say).
pub fn firmware(project: &Project) -> Result<(Files, Vec<Diagnostic>)> {
    let (plan, warnings) = Plan::new(project)?;
    let p = plan.name();
    let mut files = Files::new();
    files.add(format!("firmware/{p}.h"), top::header(&plan));
    files.add(format!("firmware/{p}.cpp"), top::source(&plan)?);
    files.add("firmware/defines.h", types::defines(&plan)?);
    files.add("firmware/parameters.h", params::parameters(&plan)?);
    for (name, text) in weights::weights(&plan)? {
        files.add(format!("firmware/weights/{name}"), text);
    }
    let library_stamp = stamp(
        &plan,
        "The HLS layer library of hls4ml for Rust, copied into the project.",
    );
    for (name, text) in library::FILES {
        files.add(format!("firmware/nnet/{name}"), format!("{library_stamp}\n{text}"));
    }
    files.add(format!("{p}_test.cpp"), testbench::testbench(&plan));
    let (x, y) = testbench::tb_data(&plan)?;
    files.add("tb_data/tb_input_features.dat", x);
    files.add("tb_data/tb_output_predictions.dat", y);
    files.add(format!("{p}_bridge.cpp"), bridge::bridge(&plan));
    files.add("README.md", readme::readme(&plan));
    Ok((files, warnings))
}

/// The first lines of every generated C++ file: the `@generated` stamp and what the file is.
fn stamp(plan: &Plan, what: &str) -> String {
    format!("{}\n// {what}", plan.project.stamp("//"))
}
