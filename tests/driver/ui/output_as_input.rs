// The outputs of one model (5 values a sample) given as the inputs of another (16 values).
use hls4ml_driver_tests::jet_lite_float::JetLiteFloat;
use hls4ml_driver_tests::jet_stream_float::JetStreamFloat;

fn main() {
    let mut a = JetStreamFloat::emulator();
    let mut b = JetLiteFloat::emulator();
    let y = a.predict(&[[0.5f32; 16]]).unwrap();
    let _ = b.predict(&y);
}
