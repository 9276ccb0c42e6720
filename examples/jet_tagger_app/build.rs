//! Writes the jet tagger's Vivado HLS project under OUT_DIR and compiles its C simulation (the
//! firmware and the AXI wrapper) into a static library linked into this crate, which is what makes
//! `JetTagger::csim()` and `JetTagger::csim_ip()` available.

fn main() {
    match hls4ml::build::project("../../models/jet_tagger/jet_tagger.toml").emit() {
        Ok(built) => {
            // The project folder, for the program to print.
            println!("cargo:rustc-env=HLS4ML_PROJECT_DIR={}", built.project_dir.display());
        }
        Err(e) => panic!("{}", e.render()),
    }
}
