// f64 values given to a model whose bus carries float.
use hls4ml_driver_tests::jet_stream_float::JetStreamFloat;

fn main() {
    let mut nn = JetStreamFloat::emulator();
    let x = [0.5f64; 16];
    let _ = nn.predict(&[x]);
}
