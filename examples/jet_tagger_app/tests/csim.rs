//! The C simulation linked by `hls4ml::build` equals the Rust emulator bit for bit.

use hls4ml::runtime::npy;
use jet_tagger_app::{predict, sizes, N_IN, N_OUT, PROJECT_DIR};

#[test]
fn the_linked_c_simulation_equals_the_emulator_bit_for_bit() {
    assert_eq!(sizes(), (N_IN, N_OUT));
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let x = npy::read_f32(format!("{root}/models/jet_tagger/X.npy")).unwrap();
    let samples: Vec<[f32; N_IN]> = x.data.chunks_exact(N_IN).map(|c| c.try_into().unwrap()).collect();
    let y: Vec<f32> = predict(&samples).concat();
    let project = hls4ml_codegen::Project::load(format!("{root}/models/jet_tagger/jet_tagger.toml")).unwrap();
    let emulator = hls4ml_codegen::emulate::model(&project.graph).unwrap();
    let y_emu = emulator.predict(&x.data);
    assert_eq!(y.len(), 1000 * N_OUT);
    let differing = y.iter().zip(&y_emu).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    assert_eq!(differing, 0, "{differing} outputs differ from the emulator's");
}

#[test]
fn the_project_was_written_under_out_dir() {
    let dir = std::path::Path::new(PROJECT_DIR);
    assert!(dir.ends_with("hls4ml/jet_tagger"), "{}", dir.display());
    for f in [
        "firmware/jet_tagger.cpp",
        "firmware/defines.h",
        "jet_tagger_bridge.cpp",
        "host_include/ap_fixed.h",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing in {}", dir.display());
    }
}
