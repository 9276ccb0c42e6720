//! The C simulation on the host: the generated firmware and its bridge compiled with the host C++
//! compiler into a runner program, and run over batches of samples.
//!
//! The `ap_*` headers are ours (the project's `host_include/`, [`crate::host_headers`]) unless the
//! genuine Xilinx ones are found: `AP_TYPES_INCLUDE`, or `$XILINX_HLS/include` ([`Headers::from_env`]).
//!
//! ```no_run
//! use hls4ml_codegen::{csim, Project};
//! let project = Project::load("models/jet_tagger/jet_tagger.toml")?;
//! let (files, _warnings) = hls4ml_codegen::generate(&project)?;
//! files.write_to("hls4ml_prj")?;
//! let sim = csim::CSim::compile(&project, "hls4ml_prj".as_ref(), &csim::Headers::from_env())?;
//! let y = sim.predict(&[0.0; 16])?;
//! assert_eq!(y.len(), 5);
//! # Ok::<(), hls4ml_codegen::Error>(())
//! ```

use crate::diag::{Error, Result};
use crate::{host_headers, Project};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Which `ap_*` headers a C simulation is compiled against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Headers {
    /// Ours, from the project's `host_include/` folder.
    Host,
    /// The genuine Xilinx headers in this folder (ours stay behind them on the include path for
    /// what the folder lacks, such as `ap_axi_sdata.h`).
    Xilinx(PathBuf),
}

impl Headers {
    /// The genuine headers named by `AP_TYPES_INCLUDE` or found in `$XILINX_HLS/include`, else ours.
    pub fn from_env() -> Headers {
        let named = std::env::var_os("AP_TYPES_INCLUDE")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XILINX_HLS")
                    .filter(|d| !d.is_empty())
                    .map(|d| PathBuf::from(d).join("include"))
            });
        match named {
            Some(dir) if dir.join("ap_fixed.h").is_file() => Headers::Xilinx(dir),
            _ => Headers::Host,
        }
    }

    /// The include folders of a C-simulation build of the project in `project_dir`, in order.
    pub fn include_dirs(&self, project_dir: &Path) -> Vec<PathBuf> {
        let mut dirs = vec![project_dir.join("firmware")];
        if let Headers::Xilinx(dir) = self {
            dirs.push(dir.clone());
        }
        dirs.push(project_dir.join(host_headers::FOLDER));
        dirs
    }

    /// A short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Headers::Host => "the host ap_* headers of hls4ml-rs".into(),
            Headers::Xilinx(dir) => format!("the Xilinx ap_* headers in {}", dir.display()),
        }
    }
}

/// The host C++ compiler: `$CXX`, else `c++`.
pub fn compiler() -> String {
    std::env::var("CXX")
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "c++".into())
}

/// A compiled C simulation of a project.
#[derive(Debug, Clone)]
pub struct CSim {
    runner: PathBuf,
    n_in: usize,
    n_out: usize,
    /// Seconds the compilation took.
    pub compile_seconds: f64,
}

impl CSim {
    /// Compiles the C simulation of `project`, whose files are already written to `project_dir`
    /// (by [`crate::generate`]), into `project_dir/csim/<P>_csim`.
    pub fn compile(project: &Project, project_dir: &Path, headers: &Headers) -> Result<CSim> {
        CSim::compile_with(project, project_dir, headers, &[])
    }

    /// [`CSim::compile`] with extra compiler flags (say `-Wall -Wextra -Werror`).
    pub fn compile_with(project: &Project, project_dir: &Path, headers: &Headers, flags: &[&str]) -> Result<CSim> {
        let name = project.name();
        let out_dir = project_dir.join("csim");
        std::fs::create_dir_all(&out_dir).map_err(|e| Error::in_file(&out_dir, format!("cannot create: {e}")))?;
        let runner = out_dir.join(format!("{name}_csim"));
        let sources = [
            project_dir.join("firmware").join(format!("{name}.cpp")),
            project_dir.join(format!("{name}_bridge.cpp")),
        ];
        for s in &sources {
            if !s.is_file() {
                return Err(Error::in_file(
                    s,
                    "missing: write the project before compiling its C simulation",
                ));
            }
        }
        let start = Instant::now();
        let cxx = compiler();
        let mut cmd = Command::new(&cxx);
        cmd.args(["-std=c++11", "-O2", "-DHLS4ML_CSIM_MAIN", "-Wno-unknown-pragmas"]);
        if matches!(headers, Headers::Xilinx(_)) {
            // The genuine headers are not warning-clean.
            cmd.arg("-w");
        }
        for dir in headers.include_dirs(project_dir) {
            cmd.arg("-I").arg(dir);
        }
        cmd.args(flags).args(&sources).arg("-o").arg(&runner);
        let out = cmd.output().map_err(|e| {
            Error::new(format!(
                "cannot run the C++ compiler `{cxx}`: {e} (set CXX to choose one)"
            ))
        })?;
        if !out.status.success() {
            let log = String::from_utf8_lossy(&out.stderr);
            let head: Vec<&str> = log.lines().take(30).collect();
            return Err(Error::new(format!(
                "the C simulation of `{name}` did not compile with {}:\n{}",
                headers.describe(),
                head.join("\n")
            )));
        }
        Ok(CSim {
            runner,
            n_in: project.graph.input().output_size(),
            n_out: project.graph.output().output_size(),
            compile_seconds: start.elapsed().as_secs_f64(),
        })
    }

    /// The runner program (`runner IN.f32 OUT.f32`).
    pub fn runner(&self) -> &Path {
        &self.runner
    }

    /// Runs every sample of `x` (n × input size values, channels last) and returns the
    /// n × output size outputs.
    pub fn predict(&self, x: &[f32]) -> Result<Vec<f32>> {
        if !x.len().is_multiple_of(self.n_in) {
            return Err(Error::new(format!(
                "{} input values are not a whole number of {}-value samples",
                x.len(),
                self.n_in
            )));
        }
        let dir = self.runner.parent().unwrap_or(Path::new("."));
        // One pair of files per call, so concurrent calls do not collide.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}-{k}", std::process::id());
        let (input, output) = (dir.join(format!("in-{tag}.f32")), dir.join(format!("out-{tag}.f32")));
        let bytes: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(&input, bytes).map_err(|e| Error::in_file(&input, format!("cannot write: {e}")))?;
        let run = Command::new(&self.runner).arg(&input).arg(&output).output();
        let _ = std::fs::remove_file(&input);
        let run = run.map_err(|e| Error::in_file(&self.runner, format!("cannot run: {e}")))?;
        if !run.status.success() {
            let _ = std::fs::remove_file(&output);
            return Err(Error::in_file(
                &self.runner,
                format!(
                    "the C simulation failed ({}): {}",
                    run.status,
                    String::from_utf8_lossy(&run.stderr).trim()
                ),
            ));
        }
        let raw = std::fs::read(&output).map_err(|e| Error::in_file(&output, format!("cannot read: {e}")))?;
        let _ = std::fs::remove_file(&output);
        let expected = x.len() / self.n_in * self.n_out;
        if raw.len() != expected * 4 {
            return Err(Error::in_file(
                &self.runner,
                format!("the C simulation wrote {} bytes, {} expected", raw.len(), expected * 4),
            ));
        }
        Ok(raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}
