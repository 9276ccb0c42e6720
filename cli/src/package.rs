//! `hls4ml package`: the files a board needs, in one `package.tar.gz`.
//!
//! ```text
//! Zynq:  hls4ml_nn.bit, hls4ml_nn.hwh   from <P>_vivado_accelerator/ (design.tcl)
//!        *_driver.py, <P>_driver.h      the project's drivers
//! Alveo: hls4ml_nn.xclbin               <P>.xclbin (link.tcl)
//!        alveo_driver.py                the project's driver
//! ```
//!
//! The entries sit at the archive's root, as `tar -czf package.tar.gz -C package/ .` would have
//! them: untar it on the board and open `hls4ml_nn.bit` beside the driver.

use crate::args::{Args, CliError};
use crate::build::{alveo_xclbin, zynq_bitstream, zynq_hwh};
use hls4ml_codegen::config::Family;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The base name of the bitstream and its handoff in the package (PYNQ finds `X.hwh` beside `X.bit`).
pub const DEFAULT_NAME: &str = "hls4ml_nn";

/// One file of the package: its name in the archive and where it comes from.
struct Entry {
    name: String,
    source: PathBuf,
}

/// Runs `hls4ml package <toml> [--name NAME] [-o FILE]`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let base = args.get("name").unwrap_or(DEFAULT_NAME);
    if base.is_empty() || base.contains(['/', '\\']) || base.starts_with('.') {
        return Err(CliError::Usage(format!(
            "`--name {base}`: the name is a file name without folder or extension, like {DEFAULT_NAME}"
        )));
    }
    let p = args.project()?;
    let name = p.name();
    let dir = p.config.hls.output_dir.clone();
    let toml = args.toml.display().to_string();

    let mut entries = Vec::new();
    match p.config.board.board.family {
        Family::Zynq7000 | Family::ZynqMp => {
            entries.push(Entry {
                name: format!("{base}.bit"),
                source: zynq_bitstream(&dir, name),
            });
            entries.push(Entry {
                name: format!("{base}.hwh"),
                source: zynq_hwh(&dir, name),
            });
        }
        Family::Alveo => entries.push(Entry {
            name: format!("{base}.xclbin"),
            source: alveo_xclbin(&dir, name),
        }),
    }
    let missing: Vec<&Entry> = entries.iter().filter(|e| !e.source.is_file()).collect();
    if !missing.is_empty() {
        let mut msg = String::new();
        for e in missing {
            msg.push_str(&format!("error: {} is missing: {}\n", e.name, e.source.display()));
        }
        msg.push_str(&format!("  = help: `hls4ml build {toml} --bitfile` makes it"));
        return Err(CliError::Failed(msg));
    }

    // The drivers are the ones the project has: found among the files the TOML generates, read
    // from the project folder (what was built against).
    let (files, _) = hls4ml_codegen::generate(&p)?;
    let mut drivers = Vec::new();
    for (path, generated) in files.iter() {
        let Some(file) = path.to_str() else { continue };
        if file.contains(['/', '\\']) || !(file.ends_with("_driver.py") || file == format!("{name}_driver.h")) {
            continue;
        }
        let source = dir.join(path);
        match std::fs::read(&source) {
            Ok(on_disk) if on_disk != generated => eprintln!(
                "warning: {} differs from what {toml} generates now (an older TOML, or edited): packaging the \
                 project's copy",
                source.display()
            ),
            Ok(_) => {}
            Err(_) => {
                return Err(CliError::Failed(format!(
                    "error: the driver {} is missing\n  = help: `hls4ml convert {toml}` (or `hls4ml build`) writes it",
                    source.display()
                )))
            }
        }
        drivers.push(Entry {
            name: file.to_string(),
            source,
        });
    }
    entries.extend(drivers);

    let out = match args.get("o").map(PathBuf::from) {
        Some(o) if o.is_dir() => o.join("package.tar.gz"),
        Some(o) => o,
        None => dir.join("package.tar.gz"),
    };
    let bytes = write_archive(&out, &entries)?;
    println!("wrote {} ({bytes} bytes):", out.display());
    for e in &entries {
        println!("  {:<24} from {}", e.name, e.source.display());
    }
    match p.config.board.board.family {
        Family::Alveo => println!(
            "copy it to the host with the card, `tar -xzf {}`, and open {base}.xclbin with the driver",
            file_name(&out)
        ),
        Family::Zynq7000 | Family::ZynqMp => println!(
            "copy it to the board, `tar -xzf {}`, and open {base}.bit with the driver",
            file_name(&out)
        ),
    }
    Ok(())
}

/// The file name of a path, for messages.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| path.display().to_string(), |f| f.to_string_lossy().into_owned())
}

/// Writes the gzip-compressed tar of `entries` to `out` (through a temporary file beside it, so a
/// failure leaves no half archive); returns its size.
fn write_archive(out: &Path, entries: &[Entry]) -> Result<u64, CliError> {
    let fail = |what: String| CliError::Failed(format!("error: {what}"));
    let partial = out.with_file_name(format!(".{}.partial", file_name(out)));
    let result = (|| -> std::io::Result<u64> {
        let file = File::create(&partial)?;
        let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        for e in entries {
            let data = std::fs::read(&e.source)
                .map_err(|err| std::io::Error::new(err.kind(), format!("{}: {err}", e.source.display())))?;
            let mtime = std::fs::metadata(&e.source)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(mtime);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut header, &e.name, data.as_slice())?;
        }
        let mut file = tar.into_inner()?.finish()?;
        file.flush()?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    })();
    match result {
        Ok(bytes) => {
            std::fs::rename(&partial, out).map_err(|e| {
                let _ = std::fs::remove_file(&partial);
                fail(format!("cannot write {}: {e}", out.display()))
            })?;
            Ok(bytes)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(fail(format!("cannot write {}: {e}", out.display())))
        }
    }
}
