//! The batched engine: the model run on tiles of [`LANES`] samples at once, each layer's values
//! stored feature-major (`[feature][lane]`), so that every kernel works on vectors of samples.
//!
//! Each layer gets the fastest exact tile kernel its types allow ([`Op`]); a layer without one runs
//! its reference kernel, either over the whole tile (element-wise layers, which do not care how the
//! values are laid out) or one lane at a time. The bits are those of the reference path in every
//! case; overflows are not counted here ([`super::Model::predict_trace`] counts them).

use super::cast::VCast;
use super::model::Layer;
use super::plan::{self, Overflows, Plan};
use super::simd;
use super::tile_mac::MacTile;
use super::{Model, Quantizer, Source};

/// Samples per tile.
pub(crate) const LANES: usize = 16;

/// How one layer runs on a tile.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// The model input (converted from the source).
    Input,
    /// Dense or Conv with a tile arithmetic.
    Mac(Box<MacTile>),
    /// `y = Q_res(relu ? max(x, 0) : x)`: ReLU, linear activations, Reshape and Flatten.
    Map { relu: bool, cast: VCast },
    /// The plan's own tile kernel (softmax, transpose, zero padding, batch normalization,
    /// concatenation, max pooling).
    Own,
    /// The reference kernel over the whole tile: layers whose every output depends only on the
    /// input values of the same index.
    Whole,
    /// The reference kernel, one lane at a time.
    Lanes,
}

/// The tile kernels of a model.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    ops: Vec<Op>,
}

impl Engine {
    /// Chooses each layer's tile kernel. Models with values beyond `i64` have none.
    pub fn build(plans: &[Plan], wide: bool) -> Option<Engine> {
        if wide {
            return None;
        }
        let ops = plans
            .iter()
            .map(|plan| match plan {
                Plan::Input => Op::Input,
                Plan::Mac(p) => MacTile::build(p).map_or(Op::Lanes, |m| Op::Mac(Box::new(m))),
                Plan::Act(a) => a.map().map_or(Op::Whole, |(relu, cast)| Op::Map { relu, cast }),
                Plan::Copy(c) => c.map().map_or(Op::Whole, |cast| Op::Map { relu: false, cast }),
                Plan::Add(_) => Op::Whole,
                Plan::Softmax(_) | Plan::Gather(_) => Op::Own,
                Plan::BatchNorm(p) if p.tiles() => Op::Own,
                Plan::Concat(p) if p.tiles() => Op::Own,
                Plan::Pool(p) if p.tiles() => Op::Own,
                _ => Op::Lanes,
            })
            .collect();
        Some(Engine { ops })
    }

    /// The kernel of each layer, for tests.
    #[cfg(test)]
    pub fn describe(&self) -> Vec<String> {
        self.ops
            .iter()
            .map(|o| match o {
                Op::Input => "input".to_string(),
                Op::Mac(m) => m.name().to_string(),
                Op::Map { relu: true, .. } => "relu".into(),
                Op::Map { .. } => "map".into(),
                Op::Own => "own".into(),
                Op::Whole => "whole".into(),
                Op::Lanes => "lanes".into(),
            })
            .collect()
    }
}

/// Conversion buffers of the tile kernels.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    pub x16: Vec<i16>,
    pub a16: Vec<i16>,
    pub x32: Vec<i32>,
    pub a32: Vec<i32>,
    pub xf: Vec<f64>,
    pub af: Vec<f64>,
    pub a64: Vec<i64>,
}

/// The buffers of the batched engine: one tile per layer, and one sample's buffers for the layers
/// that run lane by lane (allocated on first use).
#[derive(Debug, Clone, Default)]
pub(crate) struct Tiles {
    bufs: Vec<Vec<i64>>,
    scratch: Scratch,
    lane: Vec<Vec<i64>>,
    lane_scratch: plan::Scratch,
    counts: Vec<Overflows>,
    /// The input values of a tile, quantized, before they are transposed into the input tile.
    input: Vec<i64>,
}

impl Tiles {
    fn fit(&mut self, layers: &[Layer]) {
        let fits =
            self.bufs.len() == layers.len() && self.bufs.iter().zip(layers).all(|(b, l)| b.len() == l.size() * LANES);
        if !fits {
            self.bufs = layers.iter().map(|l| vec![0; l.size() * LANES]).collect();
            self.lane = vec![];
            self.counts = vec![Overflows::default(); layers.len()];
        }
    }
}

impl Model {
    /// Runs every sample of `src` through the batched engine, writing `convert(raw output)` into
    /// `output`.
    pub(super) fn run_tiles<T>(
        &self,
        engine: &Engine,
        t: &mut Tiles,
        src: &Source<'_>,
        output: &mut [T],
        convert: &impl Fn(i128) -> T,
    ) {
        let (n_in, n_out) = (self.input_size(), self.output_size());
        let samples = output.len() / n_out;
        t.fit(&self.layers);
        for first in (0..samples).step_by(LANES) {
            let lanes = (samples - first).min(LANES);
            // the input tile; unused lanes hold zeros
            let x = &mut t.bufs[0];
            if lanes < LANES {
                x.fill(0);
            }
            let at = first * n_in;
            match src {
                Source::F32(v, q) => quantize(x, &v[at..at + lanes * n_in], lanes, q, &mut t.input, |v| v as f64),
                Source::F64(v, q) => quantize(x, &v[at..at + lanes * n_in], lanes, q, &mut t.input, |v| v),
                Source::Fixed(v, c) => fill(x, &v[at..at + lanes * n_in], lanes, |v| c.apply(v).0 as i64),
            }
            for id in 1..self.layers.len() {
                self.run_tile_layer(engine, t, id, lanes);
            }
            let y = t.bufs.last().expect("a model has at least its input layer");
            let o = &mut output[first * n_out..(first + lanes) * n_out];
            simd::dispatch(
                #[inline(always)]
                || {
                    for (l, o) in o.chunks_exact_mut(n_out).enumerate() {
                        for (k, d) in o.iter_mut().enumerate() {
                            *d = convert(y[k * LANES + l] as i128);
                        }
                    }
                },
            );
        }
    }

    fn run_tile_layer(&self, engine: &Engine, t: &mut Tiles, id: usize, lanes: usize) {
        let layer = &self.layers[id];
        let plan = &self.plans[id];
        match &engine.ops[id] {
            Op::Whole => {
                let mut c = Overflows::default();
                self.run_layer(id, &mut t.bufs, &mut c, &mut t.lane_scratch, false);
                return;
            }
            Op::Lanes => {
                if t.lane.len() != self.layers.len() {
                    t.lane = self.layers.iter().map(|l| vec![0; l.size()]).collect();
                }
                for l in 0..lanes {
                    for &i in &layer.inputs {
                        for (d, s) in t.lane[i].iter_mut().zip(t.bufs[i].iter().skip(l).step_by(LANES)) {
                            *d = *s;
                        }
                    }
                    self.run_layer(id, &mut t.lane, &mut t.counts[id], &mut t.lane_scratch, false);
                    for (d, s) in t.bufs[id].iter_mut().skip(l).step_by(LANES).zip(&t.lane[id]) {
                        *d = *s;
                    }
                }
                return;
            }
            _ => {}
        }
        let (done, rest) = t.bufs.split_at_mut(id);
        let y = rest[0].as_mut_slice();
        let x = done[layer.inputs[0]].as_slice();
        match &engine.ops[id] {
            Op::Mac(m) => m.run(x, y, &mut t.scratch),
            Op::Map { relu, cast } => {
                if *relu {
                    simd::dispatch(
                        #[inline(always)]
                        || {
                            for (d, &v) in y.iter_mut().zip(x) {
                                *d = v.max(0);
                            }
                        },
                    );
                } else {
                    y.copy_from_slice(x);
                }
                cast.apply(y);
            }
            Op::Own => match plan {
                Plan::Softmax(p) => p.run_tile(x, y),
                Plan::Gather(p) => p.run_tile(x, y),
                Plan::BatchNorm(p) => p.run_tile(x, y),
                Plan::Pool(p) => p.run_tile(x, y),
                Plan::Concat(p) => p.run_tile(done, &layer.inputs, y),
                _ => unreachable!("no tile kernel of its own"),
            },
            Op::Input | Op::Whole | Op::Lanes => unreachable!("handled above, or the first layer"),
        }
    }
}

/// Converts `lanes` samples of `src` (back to back) into the input tile `x` (`[feature][lane]`).
#[inline(always)]
fn fill<S: Copy>(x: &mut [i64], src: &[S], lanes: usize, get: impl Fn(S) -> i64) {
    let n = src.len() / lanes.max(1);
    simd::dispatch(
        #[inline(always)]
        || {
            for (l, sample) in src.chunks_exact(n).enumerate() {
                for (k, &v) in sample.iter().enumerate() {
                    x[k * LANES + l] = get(v);
                }
            }
        },
    );
}

/// Quantizes `lanes` samples of `src` (back to back) into the input tile `x`: the values in the
/// type's range in one branch-free pass where the quantizer allows it, and every value through
/// [`Quantizer::get`] when some is not.
fn quantize<S: Copy>(x: &mut [i64], src: &[S], lanes: usize, q: &Quantizer, tmp: &mut Vec<i64>, f: impl Fn(S) -> f64) {
    /// One pass over `src` into `tmp`; returns how many values the pass did not take.
    #[inline(always)]
    fn pass<S: Copy, const Q: u8>(tmp: &mut [i64], src: &[S], q: &Quantizer, f: &impl Fn(S) -> f64) -> usize {
        simd::dispatch(
            #[inline(always)]
            || {
                let mut missed = 0;
                for (d, &v) in tmp.iter_mut().zip(src) {
                    let (r, taken) = q.get_in_range::<Q>(f(v));
                    *d = r;
                    missed += !taken as usize;
                }
                missed
            },
        )
    }
    let Some(mode) = q.vector_mode() else {
        return fill(x, src, lanes, |v| q.get(f(v)).0 as i64);
    };
    if tmp.len() < src.len() {
        tmp.resize(src.len(), 0);
    }
    let tmp = &mut tmp[..src.len()];
    let missed = match mode {
        0 => pass::<S, 0>(tmp, src, q, &f),
        1 => pass::<S, 1>(tmp, src, q, &f),
        _ => pass::<S, 2>(tmp, src, q, &f),
    };
    if missed > 0 {
        return fill(x, src, lanes, |v| q.get(f(v)).0 as i64);
    }
    fill(x, tmp, lanes, |v| v);
}
