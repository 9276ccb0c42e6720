//! The typed driver of a user's crate, on all 1000 bundled samples: the C simulation linked by
//! `hls4ml::build` (called directly, and as the IP of a virtual board driven by the Zynq backend)
//! and the embedded emulator all equal, bit for bit, the generator's own emulator of the same TOML,
//! computed here independently of the macro; and both programs of the crate run and succeed.

use jet_tagger_app::{agreement, data_file, differing, jet_tagger, load_inputs, load_outputs, Output};
use jet_tagger_app::{Board, JetTagger, ScratchDir, PROJECT_DIR};
use std::path::Path;
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The generator's emulator of the TOML, over flat float inputs (the float bus converts exactly as
/// the emulator's `predict` does).
fn reference(x: &[jet_tagger::Input]) -> Vec<Output> {
    let toml = manifest().join("../../models/jet_tagger/jet_tagger.toml");
    let project = hls4ml_codegen::Project::load(toml).unwrap();
    let model = hls4ml_codegen::emulate::model(&project.graph).unwrap();
    let flat: Vec<f32> = x.iter().flatten().copied().collect();
    model
        .predict(&flat)
        .chunks_exact(jet_tagger::OUTPUT_SIZE)
        .map(|c| std::array::from_fn(|i| c[i]))
        .collect()
}

#[test]
fn the_c_simulation_the_virtual_board_and_the_emulator_equal_the_generators_emulator() {
    let x = load_inputs(&data_file("X.npy")).unwrap();
    assert_eq!(x.len(), 1000);
    let expected = reference(&x);
    assert_eq!(expected.len(), 1000);

    let y_csim = JetTagger::csim().unwrap().predict(&x).unwrap();
    let d = differing(&y_csim, &expected);
    assert!(
        d.is_empty(),
        "csim(): {} samples differ, first {:?}",
        d.len(),
        d.first()
    );

    let y_emu = JetTagger::emulator().predict(&x).unwrap();
    let d = differing(&y_emu, &expected);
    assert!(
        d.is_empty(),
        "emulator(): {} samples differ, first {:?}",
        d.len(),
        d.first()
    );

    let scratch = ScratchDir::new("test-board").unwrap();
    let board = Board::new(scratch.path()).unwrap();
    let (y_board, profile) = board.open().unwrap().predict_profiled(&x).unwrap();
    let d = differing(&y_board, &expected);
    assert!(
        d.is_empty(),
        "virtual board: {} samples differ, first {:?}",
        d.len(),
        d.first()
    );
    assert_eq!(profile.samples, 1000);
    // One DMA transfer each way for the whole batch.
    assert_eq!(board.board.stats().transfers(), 2, "{:?}", board.board.stats());

    // The quantized model still classifies like the float one (a sanity bound, not a contract).
    let y_float = load_outputs(&data_file("y_float.npy")).unwrap();
    assert!(agreement(&y_csim, &y_float) >= 900);
}

#[test]
fn differing_sees_a_single_flipped_bit() {
    let a: Vec<Output> = vec![[0.5; 5]; 3];
    let mut b = a.clone();
    b[2][4] = f32::from_bits(b[2][4].to_bits() ^ 1);
    assert_eq!(differing(&a, &b), vec![2]);
    assert_eq!(differing(&a, &a[..1]), vec![1, 2]);
}

#[test]
fn the_project_was_written_under_out_dir() {
    let dir = Path::new(PROJECT_DIR);
    assert!(dir.ends_with("hls4ml/jet_tagger"), "{}", dir.display());
    for f in [
        "firmware/jet_tagger.cpp",
        "firmware/jet_tagger_axi.cpp",
        "firmware/defines.h",
        "jet_tagger_bridge.cpp",
        "jet_tagger_axi_bridge.cpp",
        "host_include/ap_fixed.h",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing in {}", dir.display());
    }
}

#[test]
fn the_app_reports_bit_identity_and_the_smoke_test_passes() {
    let app = Command::new(env!("CARGO_BIN_EXE_jet-tagger-app"))
        .current_dir(manifest())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&app.stdout);
    assert!(app.status.success(), "{out}{}", String::from_utf8_lossy(&app.stderr));
    assert!(out.contains("bit-identical (1000 samples"), "{out}");

    let smoke = Command::new(env!("CARGO_BIN_EXE_smoke")).output().unwrap();
    let out = String::from_utf8_lossy(&smoke.stdout);
    assert!(smoke.status.success(), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.iter().filter(|l| l.starts_with("ok ")).count(), 6, "{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn the_app_refuses_inputs_of_the_wrong_shape() {
    let scratch = ScratchDir::new("test-shape").unwrap();
    let bad = scratch.path().join("bad.npy");
    hls4ml::runtime::npy::write_f32(&bad, &[4, 15], &[0.0; 60]).unwrap();
    let app = Command::new(env!("CARGO_BIN_EXE_jet-tagger-app"))
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(app.status.code(), Some(2));
    let err = String::from_utf8_lossy(&app.stderr);
    assert!(err.contains("[4, 15]") && err.contains("(samples, 16)"), "{err}");
}
