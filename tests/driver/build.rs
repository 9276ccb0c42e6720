//! Builds every accelerator of `accelerators/` as a user's build script would: the project under
//! OUT_DIR and its C simulation (firmware + AXI wrapper) linked into this crate.

fn main() {
    let mut tomls: Vec<_> = std::fs::read_dir("accelerators")
        .expect("tests/driver/accelerators exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    tomls.sort();
    println!("cargo:rerun-if-changed=accelerators");
    for toml in tomls {
        if let Err(e) = hls4ml::build::project(&toml).emit() {
            panic!("{}", e.render());
        }
    }
}
