//! `hls4ml report`: the Vivado HLS / Vivado reports of a built project, as a table or JSON.

use crate::args::{Args, CliError};
use std::path::PathBuf;

/// Reads the reports under `-o DIR` or the TOML's `[hls] output_dir` and prints them.
pub fn run(args: &Args) -> Result<(), CliError> {
    let p = args.project()?;
    let dir = args
        .get("o")
        .map(PathBuf::from)
        .unwrap_or_else(|| p.config.hls.output_dir.clone());
    let name = p.name();
    let report = hls4ml_codegen::report::collect(&dir, name, &format!("{name}_axi"))?;
    if args.get("json").is_some() {
        let text = serde_json::to_string_pretty(&report.to_json()).map_err(|e| CliError::Failed(e.to_string()))?;
        println!("{text}");
    } else {
        println!("reports of `{name}` in {}", dir.display());
        print!("{}", report.table());
        for (section, found) in report.other_parts(&p.config.board.board.part) {
            eprintln!(
                "warning: the {} report is for part {found}, the TOML's board uses {}",
                section.title(),
                p.config.board.board.part
            );
        }
    }
    Ok(())
}
