//! Throughput of the bit-exact emulator (`cargo bench -p hls4ml-runtime`).
//!
//! Three networks built the way the generator builds them, with random weights:
//! - the jet-tagging MLP of KERAS_3layer: 16 → 64 → 32 → 32 → 5, ReLU, softmax;
//! - the 2-D convolutional net of KERAS_conv2d_model: 8×8×1, Conv2D 2 filters 3×3 `same` + ReLU,
//!   Flatten, Dense 10, softmax;
//! - a 1-D convolutional net: 100×7, Conv1D 32, 16 and 8 filters of width 3 + ReLU, Flatten, Dense
//!   32 + ReLU, Dense 5, softmax.
//!
//! First with `ap_fixed<16,6>` for every weight, bias, result and accumulator (hls4ml's explicit
//! precision: wrapping 16-bit accumulators), then with the generator's default precision (16-bit
//! weights sized to their range, `ap_fixed<16,6,AP_RND,AP_SAT>` results, accumulators as wide as the
//! sums need); softmax tables of `ap_fixed<18,8,AP_RND,AP_SAT>` with 4096 entries in both.
//!
//! Each network runs 100,000 distinct random samples through the batched engine on one thread and
//! on every core, and through the per-sample reference path on one thread; the table gives
//! samples/s and the ratios. Every run's outputs are checked to be the same bits. Set
//! `EMU_BENCH_SAMPLES` for another number of samples, `EMU_BENCH_NO_REFERENCE` to time the
//! reference path on very few samples only (for profiling the batched engine). The argument `fixed`
//! or `default` selects a precision, other arguments select networks by name.

use hls4ml_runtime::emu::{constants, Activation, Layer, LayerKind, Model, Softmax, Weights};
use hls4ml_runtime::{FixedType, Overflow, Quantization};
use std::time::Instant;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[-a, a)`.
    fn uniform(&mut self, a: f32) -> f32 {
        ((self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
    }

    /// Roughly normal with standard deviation `sd` (a sum of four uniforms).
    fn normal(&mut self, sd: f32) -> f32 {
        (0..4).map(|_| self.uniform(1.0)).sum::<f32>() * sd * 0.866
    }
}

/// How the layers' types are chosen.
#[derive(Clone, Copy, PartialEq)]
enum Precision {
    /// `ap_fixed<16,6>` everywhere.
    Fixed16_6,
    /// The generator's default.
    Default,
}

/// The fewest integer bits of a signed 16-bit type that holds `±max_abs`.
fn int_bits_for(max_abs: f32) -> i32 {
    (-16..48)
        .find(|&i| FixedType::fixed(16, i).max_value() >= max_abs as f64)
        .unwrap_or(48)
}

/// The generator's default accumulator: the integer and fractional bits of the products,
/// `ceil(log2(n))` more integer bits for the sum of `n`, one more for the bias.
fn accum_type(x: FixedType, w: FixedType, b: FixedType, n: usize) -> FixedType {
    let sign = |t: FixedType| i32::from(!t.signed);
    let log2 = (usize::BITS - n.saturating_sub(1).leading_zeros()) as i32;
    let int = (x.int_bits + sign(x) + w.int_bits + sign(w) + log2).max(b.int_bits + sign(b)) + 1;
    let frac = (x.frac_bits() + w.frac_bits()).max(b.frac_bits());
    FixedType::fixed((int + frac) as u32, int)
}

/// Builds a model layer by layer.
struct Builder {
    layers: Vec<Layer>,
    precision: Precision,
    rng: Rng,
}

impl Builder {
    fn new(shape: Vec<usize>, seed: u64, precision: Precision) -> Builder {
        let mut b = Builder {
            layers: vec![],
            precision,
            rng: Rng(seed),
        };
        let result = b.result();
        b.layers.push(Layer {
            name: "input".into(),
            kind: LayerKind::Input,
            inputs: vec![],
            shape,
            result,
        });
        b
    }

    /// The type of a layer's result.
    fn result(&self) -> FixedType {
        match self.precision {
            Precision::Fixed16_6 => FixedType::fixed(16, 6),
            Precision::Default => FixedType::fixed(16, 6).with_modes(Quantization::Rnd, Overflow::Sat),
        }
    }

    fn last(&self) -> &Layer {
        self.layers.last().expect("the input at least")
    }

    fn push(&mut self, name: &str, kind: LayerKind, shape: Vec<usize>, result: FixedType) {
        let last = self.layers.len() - 1;
        self.layers.push(Layer {
            name: name.into(),
            kind,
            inputs: vec![last],
            shape,
            result,
        });
    }

    /// `n` values as a trained layer of `fan_in` inputs has them, quantized to the precision's
    /// weight type.
    fn weights(&mut self, n: usize, fan_in: usize) -> Weights {
        let sd = (2.0 / fan_in as f32).sqrt();
        let v: Vec<f32> = (0..n).map(|_| self.rng.normal(sd)).collect();
        let ty = match self.precision {
            Precision::Fixed16_6 => FixedType::fixed(16, 6),
            Precision::Default => FixedType::fixed(16, int_bits_for(v.iter().fold(0f32, |m, x| m.max(x.abs())))),
        };
        Weights::quantize(ty, &v)
    }

    /// The accumulator of `n` products of the last layer's values with `w`, plus `b`.
    fn accum(&self, w: &Weights, b: &Weights, n: usize) -> FixedType {
        match self.precision {
            Precision::Fixed16_6 => FixedType::fixed(16, 6),
            Precision::Default => accum_type(self.last().result, w.ty, b.ty, n),
        }
    }

    /// ReLU keeps its input's type.
    fn relu(&mut self, name: &str) {
        let (shape, ty) = (self.last().shape.clone(), self.last().result);
        self.push(name, LayerKind::Activation(Activation::Relu), shape, ty);
    }

    fn dense(&mut self, name: &str, n_out: usize) {
        let n_in = self.last().size();
        let weights = self.weights(n_in * n_out, n_in);
        let bias = self.weights(n_out, 16);
        let accum = self.accum(&weights, &bias, n_in);
        let result = self.result();
        self.push(name, LayerKind::Dense { weights, bias, accum }, vec![n_out], result);
    }

    /// A convolution without dilation or stride; `same` pads to keep the spatial size.
    fn conv(&mut self, name: &str, kernel: &[usize], filters: usize, same: bool) {
        let shape = self.last().shape.clone();
        let c_in = *shape.last().expect("channels");
        let taps: usize = kernel.iter().product();
        let weights = self.weights(taps * c_in * filters, taps * c_in);
        let bias = self.weights(filters, 16);
        let accum = self.accum(&weights, &bias, taps * c_in);
        let padding: Vec<(usize, usize)> = kernel
            .iter()
            .map(|&k| if same { ((k - 1) / 2, k / 2) } else { (0, 0) })
            .collect();
        let mut out: Vec<usize> = shape[..kernel.len()]
            .iter()
            .zip(kernel)
            .map(|(&n, &k)| if same { n } else { n - k + 1 })
            .collect();
        out.push(filters);
        let kind = LayerKind::Conv {
            kernel: kernel.to_vec(),
            weights,
            bias,
            accum,
            strides: vec![1; kernel.len()],
            dilation: vec![1; kernel.len()],
            padding,
        };
        let result = self.result();
        self.push(name, kind, out, result);
    }

    /// Flatten keeps its input's type.
    fn flatten(&mut self, name: &str) {
        let (n, ty) = (self.last().size(), self.last().result);
        self.push(name, LayerKind::Reshape, vec![n], ty);
    }

    fn softmax(&mut self, name: &str) {
        let shape = self.last().shape.clone();
        let n = *shape.last().expect("classes");
        let table = FixedType::fixed(18, 8).with_modes(Quantization::Rnd, Overflow::Sat);
        let kind = LayerKind::Softmax(Softmax::Stable {
            exp: constants::softmax_exp_table(true, 4096, table),
            inv: constants::softmax_inv_table(true, n, 4096, table),
        });
        let result = match self.precision {
            Precision::Fixed16_6 => FixedType::fixed(16, 6),
            Precision::Default => FixedType::ufixed(16, 1).with_modes(Quantization::Rnd, Overflow::Sat),
        };
        self.push(name, kind, shape, result);
    }

    fn finish(self) -> Model {
        Model::new(self.layers).unwrap_or_else(|e| panic!("{e}"))
    }
}

/// Builds a network with the given precision.
type Network = fn(Precision) -> Model;

fn three_layer(p: Precision) -> Model {
    let mut b = Builder::new(vec![16], 1, p);
    for (i, n) in [64, 32, 32].into_iter().enumerate() {
        b.dense(&format!("fc{}", i + 1), n);
        b.relu(&format!("relu{}", i + 1));
    }
    b.dense("output", 5);
    b.softmax("softmax");
    b.finish()
}

fn conv2d(p: Precision) -> Model {
    let mut b = Builder::new(vec![8, 8, 1], 2, p);
    b.conv("conv2d_1", &[3, 3], 2, true);
    b.relu("conv2d_1_relu");
    b.flatten("flatten_1");
    b.dense("dense_1", 10);
    b.softmax("dense_1_softmax");
    b.finish()
}

fn conv1d(p: Precision) -> Model {
    let mut b = Builder::new(vec![100, 7], 3, p);
    for (i, f) in [32, 16, 8].into_iter().enumerate() {
        b.conv(&format!("conv{}", i + 1), &[3], f, false);
        b.relu(&format!("conv{}_relu", i + 1));
    }
    b.flatten("flatten");
    b.dense("fc1", 32);
    b.relu("fc1_relu");
    b.dense("output", 5);
    b.softmax("softmax");
    b.finish()
}

/// Samples per second of `f` over `samples` samples: the best of a few runs, each at least a
/// fraction of a second.
fn rate(samples: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::INFINITY;
    let start = Instant::now();
    let mut runs = 0;
    while runs < 3 || (start.elapsed().as_secs_f64() < 2.0 && runs < 20) {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
        runs += 1;
    }
    samples as f64 / best
}

fn main() {
    // `cargo bench` passes `--bench`; `fixed` or `default` selects a precision, any other argument
    // networks by name.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let (precisions, filters): (Vec<String>, Vec<String>) =
        args.into_iter().partition(|a| a == "fixed" || a == "default");
    let samples: usize = std::env::var("EMU_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let threads = hls4ml_runtime::emu::default_threads();
    let nets: [(&str, Network); 3] = [
        ("KERAS_3layer (16-64-32-32-5)", three_layer),
        ("KERAS_conv2d_model (8x8x1)", conv2d),
        ("Conv1D 100x7 (32-16-8, 32, 5)", conv1d),
    ];
    println!("{samples} random samples per network, {threads} thread(s) available");
    for (precision, key, title) in [
        (Precision::Fixed16_6, "fixed", "ap_fixed<16,6> throughout"),
        (Precision::Default, "default", "the default precision"),
    ] {
        if !precisions.is_empty() && !precisions.iter().any(|p| p == key) {
            continue;
        }
        println!();
        println!(
            "{:<32} {:>13} {:>13} {:>13} {:>8} {:>8}",
            title, "reference/s", "1 thread/s", "all cores/s", "1T/ref", "all/ref"
        );
        for (name, make) in nets {
            if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
                continue;
            }
            let model = make(precision);
            let mut rng = Rng(0x5eed ^ model.input_size() as u64);
            let x: Vec<f32> = (0..samples * model.input_size()).map(|_| rng.normal(1.0)).collect();
            let n_out = model.output_size();
            let mut ws = model.workspace();
            let mut y1 = vec![0f32; samples * n_out];
            let one = rate(samples, || model.predict_into(&mut ws, &x, &mut y1));
            let mut yp = vec![];
            let all = rate(samples, || yp = model.predict_threaded(&x));
            assert_eq!(y1, yp, "{name}: the threaded run gives other bits");
            // the per-sample path is slower: a tenth of the samples is enough to time it
            let fraction = if std::env::var_os("EMU_BENCH_NO_REFERENCE").is_some() {
                1000
            } else {
                10
            };
            let part = &x[..(samples / fraction).max(1) * model.input_size()];
            let mut yr = vec![];
            let reference = rate(part.len() / model.input_size(), || yr = model.predict_reference(part));
            assert_eq!(
                yr,
                y1[..yr.len()],
                "{name}: the batched engine gives other bits than the reference"
            );
            println!(
                "{:<32} {:>13.0} {:>13.0} {:>13.0} {:>8.1} {:>8.1}",
                name,
                reference,
                one,
                all,
                one / reference,
                all / reference
            );
        }
    }
}
