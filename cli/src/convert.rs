//! `hls4ml convert`: write the HLS project.

use crate::args::{Args, CliError};
use hls4ml_codegen::host_headers;
use std::path::PathBuf;

/// Writes the whole project (firmware, testbench, AXI wrapper, Tcl, drivers, host headers) to `-o DIR` or the TOML's `[hls] output_dir`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let p = args.project()?;
    let (files, warnings) = hls4ml_codegen::generate(&p)?;
    for w in &warnings {
        eprint!("{}", w.render());
    }
    let dir = args
        .get("o")
        .map(PathBuf::from)
        .unwrap_or_else(|| p.config.hls.output_dir.clone());
    let stats = files.write_to(&dir)?;
    println!(
        "wrote the HLS project of `{}` to {} ({} files written, {} unchanged)",
        p.name(),
        dir.display(),
        stats.written,
        stats.unchanged
    );
    println!("  firmware:   {}/firmware/{}.cpp", dir.display(), p.name());
    println!(
        "  wrapper:    {}/firmware/{}_axi.cpp ({}, top {}_axi)",
        dir.display(),
        p.name(),
        p.config.board.interface.as_str(),
        p.name()
    );
    let tcl: Vec<String> = files
        .iter()
        .filter(|(f, _)| f.extension().is_some_and(|e| e == "tcl"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    println!("  Tcl:        {} (in {})", tcl.join(", "), dir.display());
    let drivers: Vec<String> = files
        .iter()
        .filter(|(f, _)| f.to_string_lossy().ends_with("_driver.py") || f.to_string_lossy().ends_with("_driver.h"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    println!("  drivers:    {}", drivers.join(", "));
    println!("  testbench:  {}/{}_test.cpp (tb_data/)", dir.display(), p.name());
    println!(
        "  C sim only: {}/{}/ (our ap_* headers)",
        dir.display(),
        host_headers::FOLDER
    );
    Ok(())
}
