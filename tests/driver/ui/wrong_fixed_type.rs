// Values of another fixed-point type given to a model whose bus carries ap_fixed<16,6,AP_RND,AP_SAT>.
use hls4ml::runtime::fixed::ApFixed;
use hls4ml_driver_tests::jet_stream_fixed::JetStreamFixed;

fn main() {
    let mut nn = JetStreamFixed::emulator();
    let x = [ApFixed::<16, 6>::from_f64(0.5); 16];
    let _ = nn.predict(&[x]);
}
