//! With the `examples` feature, checks every model+board TOML of the repository's `models/` the way
//! a user's build script would (import, precisions), failing the build with the rendered error.
//! Without it (as for every downstream user), it does nothing.

fn main() {
    #[cfg(feature = "examples")]
    examples();
}

#[cfg(feature = "examples")]
fn examples() {
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let models = root.join("models");
    println!("cargo:rerun-if-changed={}", models.display());
    let mut tomls: Vec<_> = std::fs::read_dir(&models)
        .expect("models/ exists")
        .flatten()
        .filter(|e| e.path().is_dir())
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    tomls.sort();
    for toml in tomls {
        match hls4ml_codegen_build::Project::load(&toml) {
            Ok(p) => {
                for f in &p.files_read {
                    println!("cargo:rerun-if-changed={}", f.display());
                }
            }
            Err(e) => panic!("{}", e.render()),
        }
    }
}
