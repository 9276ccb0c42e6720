//! Runs the jet tagger's C simulation (compiled by `hls4ml::build`) over the bundled inputs and
//! prints its agreement with the float model.

use hls4ml::runtime::npy;
use jet_tagger_app::{predict, N_IN, N_OUT, PROJECT_DIR};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let models = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/jet_tagger");
    let x = npy::read_f32(format!("{models}/X.npy"))?;
    let y_float = npy::read_f32(format!("{models}/y_float.npy"))?;
    let samples: Vec<[f32; N_IN]> = x.data.chunks_exact(N_IN).map(|c| c.try_into().unwrap()).collect();
    let start = std::time::Instant::now();
    let y = predict(&samples);
    let secs = start.elapsed().as_secs_f64();
    let argmax = |v: &[f32]| (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b });
    let agree = y
        .iter()
        .zip(y_float.data.chunks_exact(N_OUT))
        .filter(|(a, b)| argmax(&a[..]) == argmax(b))
        .count();
    println!("project: {PROJECT_DIR}");
    println!(
        "C simulation: {} samples in {secs:.3} s; argmax agreement with the float model {agree}/{}",
        y.len(),
        y.len()
    );
    Ok(())
}
