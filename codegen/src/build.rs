//! The build-script API: `hls4ml::build::project("model.toml").emit()` in a `build.rs` writes the
//! whole generated project under `OUT_DIR`, compiles its C simulation with `cc` into a static
//! library with batch entry points, and tells cargo what to watch.
//!
//! ```text
//! $OUT_DIR/hls4ml/<P>/           the project (the same tree `hls4ml convert` writes)
//! ├── firmware/                  the HLS C++ Vivado HLS synthesizes, the AXI wrapper
//! ├── host_include/              our ap_* headers (C simulation only)
//! ├── <P>_bridge.cpp             extern "C" batch entry points
//! └── …                          testbench, tb_data, Tcl, drivers, README
//! libhls4ml_<P>.a                firmware, AXI wrapper and their bridges, linked into the crate
//! ```
//!
//! The library exports, with C linkage (`n` samples, channels last, values converted to and from
//! the bus type exactly as the hardware's interface does):
//!
//! ```c
//! void <P>_predict_batch_f32(const float* in, float* out, unsigned long n);
//! void <P>_predict_batch_f64(const double* in, double* out, unsigned long n);
//! unsigned long <P>_input_size(void);
//! unsigned long <P>_output_size(void);
//! ```
//!
//! and the C simulation of the AXI wrapper `<P>_axi`, for its interface (bus words as 64-bit
//! integers; what the typed driver's `csim()` and the virtual board call):
//!
//! ```c
//! void <P>_axi_stream_run(const uint64_t* in_data, const unsigned char* in_last, size_t n_in,
//!                         uint64_t* out_data, unsigned char* out_last, size_t* n_out);
//! void <P>_axi_lite_run(const uint64_t* in_words, uint64_t* out_words);
//! void <P>_axi_master_run(const unsigned char* in_memory, unsigned char* out_memory, unsigned n);
//! ```
//!
//! It also sets `cfg(hls4ml_csim = "<P>")` for the crate, which the module of
//! `hls4ml::accelerator!` reads to know the library is linked.
//!
//! ```no_run
//! // the body of a build.rs's `fn main()`
//! if let Err(e) = hls4ml_codegen::build::project("models/jet_tagger/jet_tagger.toml").emit() {
//!     panic!("{}", e.render());
//! }
//! ```

pub use crate::csim::Headers;
pub use crate::diag::{Error, Result};
use crate::files::Files;
pub use crate::Project;
use std::path::{Path, PathBuf};

/// Starts the build of the project a model+board TOML describes (a relative path is taken from
/// the crate's `CARGO_MANIFEST_DIR`).
pub fn project(toml: impl AsRef<Path>) -> Builder {
    Builder {
        toml: toml.as_ref().to_path_buf(),
        mirror: false,
        compile: true,
        out_dir: None,
    }
}

/// A build's options; finish with [`Builder::emit`].
#[derive(Debug, Clone)]
pub struct Builder {
    toml: PathBuf,
    mirror: bool,
    compile: bool,
    out_dir: Option<PathBuf>,
}

/// What [`Builder::emit`] produced.
#[derive(Debug)]
pub struct Emitted {
    /// The loaded project.
    pub project: Project,
    /// Where the project was written: `$OUT_DIR/hls4ml/<P>`.
    pub project_dir: PathBuf,
    /// The static library linked into the crate (`hls4ml_<P>`), when the C simulation was compiled.
    pub library: Option<String>,
    /// The `ap_*` headers the C simulation was compiled against.
    pub headers: Headers,
}

impl Builder {
    /// Also writes the project to the TOML's `[hls] output_dir` (only files whose content changed).
    /// Off by default: a build script must not write into the source tree unless asked to.
    pub fn mirror_to_output_dir(mut self, yes: bool) -> Self {
        self.mirror = yes;
        self
    }

    /// Whether to compile the C simulation into the static library (on by default).
    pub fn compile_csim(mut self, yes: bool) -> Self {
        self.compile = yes;
        self
    }

    /// Writes under this folder instead of `OUT_DIR` (for tools; build scripts keep `OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Loads the TOML, writes the project, compiles the C simulation and prints the `cargo:` lines:
    /// `rerun-if-changed` for the TOML and every file it read (model, weights, calibration data),
    /// `rerun-if-env-changed` for the header locations, and `cargo:warning` for each warning.
    /// Errors come back with the TOML line they are about (render them with [`Error::render`]).
    pub fn emit(self) -> Result<Emitted> {
        let toml = if self.toml.is_absolute() {
            self.toml.clone()
        } else {
            let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .unwrap_or_default();
            manifest.join(&self.toml)
        };
        println!("cargo:rerun-if-changed={}", toml.display());
        println!("cargo:rerun-if-env-changed=AP_TYPES_INCLUDE");
        println!("cargo:rerun-if-env-changed=XILINX_HLS");
        let project = Project::load(&toml)?;
        for f in &project.files_read {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        let (files, warnings) = crate::generate(&project)?;
        for w in project.warnings.iter().chain(&warnings) {
            for line in w.render().lines() {
                println!("cargo:warning={line}");
            }
        }
        let out = match self.out_dir {
            Some(d) => d,
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::new("OUT_DIR is not set: hls4ml::build runs in a build script (or give it `out_dir`)")
            })?,
        };
        let project_dir = out.join("hls4ml").join(project.name());
        files.write_to(&project_dir)?;
        if self.mirror {
            files.write_to(&project.config.hls.output_dir)?;
        }
        let headers = Headers::from_env();
        let library = if self.compile {
            let lib = compile(&project, &files, &project_dir, &out, &headers)?;
            // Tells the typed driver (`accelerator!`) that the wrapper's C simulation is linked.
            let name = project.name();
            println!("cargo:rustc-check-cfg=cfg(hls4ml_csim, values(\"{name}\"))");
            println!("cargo:rustc-cfg=hls4ml_csim=\"{name}\"");
            Some(lib)
        } else {
            None
        };
        Ok(Emitted {
            project,
            project_dir,
            library,
            headers,
        })
    }
}

/// Compiles the firmware, its bridge, the AXI wrapper and the wrapper's bridge into
/// `libhls4ml_<P>.a` in `out` and has cargo link it. When nothing the library is made of changed
/// since the last build (the generated files, the headers chosen, the compiler and its flags), the
/// library is reused without compiling.
fn compile(project: &Project, files: &Files, dir: &Path, out: &Path, headers: &Headers) -> Result<String> {
    let name = project.name();
    let lib = format!("hls4ml_{name}");
    let top = format!("{name}_axi");
    let fingerprint = fingerprint(files, headers);
    let stamp = out.join(format!("lib{lib}.fingerprint"));
    let archive = out.join(format!("lib{lib}.a"));
    if archive.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == fingerprint) {
        println!("cargo:rustc-link-lib=static={lib}");
        println!("cargo:rustc-link-search=native={}", out.display());
        if let Some(stdlib) = cpp_stdlib() {
            println!("cargo:rustc-link-lib={stdlib}");
        }
        return Ok(lib);
    }
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++11")
        .out_dir(out)
        .file(dir.join("firmware").join(format!("{name}.cpp")))
        .file(dir.join(format!("{name}_bridge.cpp")))
        .file(dir.join("firmware").join(format!("{top}.cpp")))
        .file(dir.join(format!("{top}_bridge.cpp")))
        .flag_if_supported("-Wno-unknown-pragmas")
        .warnings(false)
        .cargo_warnings(false);
    if matches!(headers, Headers::Xilinx(_)) {
        build.flag_if_supported("-w");
    }
    for inc in headers.include_dirs(dir) {
        build.include(inc);
    }
    build.try_compile(&lib).map_err(|e| {
        Error::new(format!(
            "the C simulation of `{name}` did not compile with {}: {e}",
            headers.describe()
        ))
    })?;
    // Best effort: without the stamp the next build compiles again.
    let _ = std::fs::write(&stamp, &fingerprint);
    Ok(lib)
}

/// What the compiled library depends on, as a string: a hash of every generated file and of the
/// compiler settings cargo and `cc` read from the environment.
fn fingerprint(files: &Files, headers: &Headers) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (path, contents) in files.iter() {
        path.hash(&mut h);
        contents.hash(&mut h);
    }
    headers.describe().hash(&mut h);
    let target = std::env::var("TARGET").unwrap_or_default();
    for var in ["TARGET", "HOST", "OPT_LEVEL", "DEBUG", "PROFILE"] {
        std::env::var(var).unwrap_or_default().hash(&mut h);
    }
    for var in ["CXX", "CXXFLAGS", "AR", "CRATE_CC_NO_DEFAULTS"] {
        std::env::var(var).unwrap_or_default().hash(&mut h);
        std::env::var(format!("{var}_{target}"))
            .unwrap_or_default()
            .hash(&mut h);
        std::env::var(format!("{var}_{}", target.replace('-', "_")))
            .unwrap_or_default()
            .hash(&mut h);
    }
    format!("{:016x} {}\n", h.finish(), env!("CARGO_PKG_VERSION"))
}

/// The C++ standard library `cc` links for the target (what it prints itself when it compiles).
fn cpp_stdlib() -> Option<&'static str> {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("msvc") {
        None
    } else if target.contains("apple") || target.contains("freebsd") || target.contains("openbsd") {
        Some("c++")
    } else if target.contains("android") {
        Some("c++_shared")
    } else {
        Some("stdc++")
    }
}
