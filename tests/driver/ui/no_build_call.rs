// A crate using the macro without `hls4ml::build` in its build.rs: the emulator runs, and the C
// simulation says which line to add.
hls4ml::accelerator!("accelerators/jet_stream_float.toml");

fn main() {
    let y = jet_stream_float::JetStreamFloat::emulator().predict(&[[0.25f32; 16]]).unwrap();
    assert_eq!(y.len(), 1);
    let err = jet_stream_float::JetStreamFloat::csim().unwrap_err();
    assert_eq!(err.kind(), hls4ml::ErrorKind::Unavailable);
    let line = r#"hls4ml::build::project("accelerators/jet_stream_float.toml").emit().unwrap();"#;
    assert!(err.to_string().contains(line), "{err}");
}
