// A sample of 15 values given to a model of 16 inputs.
use hls4ml_driver_tests::jet_stream_float::JetStreamFloat;

fn main() {
    let mut nn = JetStreamFloat::emulator();
    let x = [0.5f32; 15];
    let _ = nn.predict(&[x]);
}
