//! The same 1000 jet-tagger samples through `emulator()` (the runtime's kernels, embedded by the
//! macro), `csim()` (the compiled C simulation of the AXI wrapper, called directly), a virtual board
//! running the real Zynq backend with the compiled wrapper between the DMA's MM2S and S2MM (or behind
//! its registers), and the reference emulator built from the project by the generator — for
//! `axi_stream`, `axi_lite` and `axi_master`, float, double and fixed bus types. Every output word
//! must be identical.

use hls4ml::runtime::bus::{BusLayout, BusValue, Flat};
use hls4ml::runtime::npy;
use hls4ml::runtime::virtual_board::VirtualBoard;
use hls4ml::runtime::{bus::WordType, Spec};
use hls4ml_driver_tests::*;
use std::path::{Path, PathBuf};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled jet tagger's 1000 inputs.
fn inputs() -> Vec<[f32; 16]> {
    let x = npy::read_f32(manifest().join("../../models/jet_tagger/X.npy")).expect("models/jet_tagger/X.npy");
    x.data.chunks_exact(16).map(|c| c.try_into().unwrap()).collect()
}

/// The words of an output batch, for comparing bit for bit.
fn words<O: Flat>(bus: &BusLayout, y: &[O]) -> Vec<u64> {
    hls4ml::runtime::bus::flatten(y)
        .iter()
        .map(|v| v.to_word(bus))
        .collect()
}

/// The reference: the generator's emulator of the same TOML, with the bus conversions written out
/// here (float words: `Q_in(v)`; fixed words: the raw bits cast into the input type; outputs cast
/// into the output bus type).
fn reference(toml: &str, spec: &Spec, x: &[[f32; 16]]) -> Vec<u64> {
    let project = hls4ml_codegen::Project::load(manifest().join(toml)).unwrap();
    let model = hls4ml_codegen::emulate::model(&project.graph).unwrap();
    let (in_ty, out_ty) = (model.input_type(), model.output_type());
    let raw_in: Vec<i128> = x
        .iter()
        .flatten()
        .map(|&v| match spec.input.word {
            WordType::Fixed(t) => in_ty.cast_from(t.quantize_f64(v as f64), &t),
            _ => in_ty.quantize_f64(v as f64),
        })
        .collect();
    let raw_out = model.predict_fixed(&raw_in, in_ty, out_ty);
    raw_out
        .iter()
        .map(|&r| match spec.output.word {
            WordType::Float => out_ty.to_f32(r).to_bits() as u64,
            WordType::Double => out_ty.to_f64(r).to_bits(),
            WordType::Fixed(t) => spec.output.word_from_raw(t.cast_from(r, &out_ty)),
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hls4ml-driver-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs one accelerator module through every backend and compares.
macro_rules! same_bits_everywhere {
    ($test:ident, $module:ident, $driver:ident, $toml:literal) => {
        #[test]
        fn $test() {
            use $module::{$driver, Input, InputElement};
            let spec = $module::spec();
            let x = inputs();
            let typed: Vec<Input> = x
                .iter()
                .map(|s| {
                    let mut v = <Input as Flat>::zeroed();
                    for (d, &f) in hls4ml::runtime::bus::flatten_mut(std::slice::from_mut(&mut v))
                        .iter_mut()
                        .zip(s)
                    {
                        *d = <InputElement as BusValue>::from_word(spec.input.encode(f as f64), &spec.input);
                    }
                    v
                })
                .collect();
            let expected = reference($toml, &spec, &x);

            let mut emulator = $driver::emulator();
            let y = emulator.predict(&typed).unwrap();
            assert_eq!(
                words(&spec.output, &y),
                expected,
                "emulator() vs the reference emulator"
            );

            let mut csim = $driver::csim().unwrap();
            let y = csim.predict(&typed).unwrap();
            assert_eq!(
                words(&spec.output, &y),
                expected,
                "csim() vs the reference emulator"
            );

            let board = VirtualBoard::new(spec.clone(), $driver::csim_ip().unwrap());
            let dir = scratch(stringify!($module));
            let (bit, _hwh) = board.write_design(&dir).unwrap();
            let mut nn = $driver::open_on(board.platform(), &bit).unwrap();
            let (y, profile) = nn.predict_profiled(&typed).unwrap();
            assert_eq!(
                words(&spec.output, &y),
                expected,
                "the virtual board vs the reference emulator"
            );
            assert_eq!(profile.samples, x.len());
            assert!(
                profile.throughput > 0.0 && profile.data_movement_share <= 1.0,
                "{profile:?}"
            );
            // One sample, and a batch into a given slice, agree with the batch.
            let one = nn.predict_one(&typed[7]).unwrap();
            assert_eq!(words(&spec.output, &[one]), words(&spec.output, &y[7..8]));
            let mut into = vec![<$module::Output as Flat>::zeroed(); 10];
            nn.predict_into(&typed[..10], &mut into).unwrap();
            assert_eq!(words(&spec.output, &into), expected[..10 * spec.output.values]);
            let _ = std::fs::remove_dir_all(&dir);
        }
    };
}

same_bits_everywhere!(
    stream_float,
    jet_stream_float,
    JetStreamFloat,
    "accelerators/jet_stream_float.toml"
);
same_bits_everywhere!(
    stream_fixed,
    jet_stream_fixed,
    JetStreamFixed,
    "accelerators/jet_stream_fixed.toml"
);
same_bits_everywhere!(
    lite_float,
    jet_lite_float,
    JetLiteFloat,
    "accelerators/jet_lite_float.toml"
);
same_bits_everywhere!(
    lite_fixed,
    jet_lite_fixed,
    JetLiteFixed,
    "accelerators/jet_lite_fixed.toml"
);
same_bits_everywhere!(
    master_double,
    jet_master_double,
    JetMasterDouble,
    "accelerators/jet_master_double.toml"
);
same_bits_everywhere!(
    master_fixed,
    jet_master_fixed,
    JetMasterFixed,
    "accelerators/jet_master_fixed.toml"
);

#[test]
fn the_alveo_driver_has_the_emulator_and_the_c_simulation_too() {
    let x = inputs();
    let a = jet_alveo::JetAlveo::emulator().predict(&x).unwrap();
    let b = jet_alveo::JetAlveo::csim().unwrap().predict(&x).unwrap();
    assert_eq!(a, b);
}
