//! The bit-exact reference emulator: the model's layers computed in fixed point exactly as the
//! firmware computes them (`docs/semantics.md`), with no C++ involved.
//!
//! A [`Model`] is a list of [`Layer`]s in topological order, the first being the
//! [`LayerKind::Input`]; each carries its output shape, its result type and its constants already
//! quantized ([`Weights`], [`Param`], [`Table`]). [`Model::new`] checks the description and prepares
//! it (weights laid out as the inner loops read them, conversions set up once, `i64` arithmetic
//! wherever the types allow it, `i128` otherwise); the `predict*` methods then run batches of samples
//! stored back to back.
//!
//! Two engines compute the same bits:
//! - the **batched engine** ([`Model::predict`], [`Model::predict_into`], [`Model::predict_f64`],
//!   [`Model::predict_fixed`], and on every core [`Model::predict_threaded`]) runs tiles of 16
//!   samples side by side, so that each weight serves a vector of samples. Dense and Conv layers
//!   take the narrowest exact integer arithmetic their types allow: 16-bit lanes when the
//!   accumulator wraps within 16 bits (hls4ml's `ap_fixed<16,6>` everywhere), 32-bit lanes for
//!   wrapping accumulators of up to 32 bits, exact sums in `f64` (below 2⁵³) or `i64` when no
//!   accumulator conversion can change a value (the default precision). The kernels are plain loops
//!   for any target, with AVX2 versions chosen at run time on x86-64;
//! - the **per-sample path** ([`Model::predict_reference`], and [`Model::predict_trace`], which also
//!   counts the values that did not fit their types) runs one sample at a time.
//!
//! ```
//! use hls4ml_runtime::emu::{Layer, LayerKind, Model, Weights};
//! use hls4ml_runtime::FixedType;
//!
//! let t = FixedType::fixed(16, 6);
//! let input = Layer { name: "x".into(), kind: LayerKind::Input, inputs: vec![], shape: vec![2], result: t };
//! let dense = Layer {
//!     name: "fc".into(),
//!     kind: LayerKind::Dense {
//!         weights: Weights::quantize(t, &[1.0, 0.5, -2.0, 0.25]), // [n_in = 2, n_out = 2]
//!         bias: Weights::quantize(t, &[0.125, 0.0]),
//!         accum: FixedType::fixed(32, 12),
//!     },
//!     inputs: vec![0],
//!     shape: vec![2],
//!     result: t,
//! };
//! let model = Model::new(vec![input, dense])?;
//! // two samples, back to back
//! let y = model.predict(&[1.0, 1.0, 0.5, -1.0]);
//! assert_eq!(y, vec![-0.875, 0.75, 2.625, 0.0]);
//! // every layer's outputs, and how many values did not fit their types
//! let trace = model.predict_trace(&[1.0, 1.0]);
//! assert_eq!(trace.layers[1].values, vec![-0.875, 0.75]);
//! assert_eq!(trace.layers[1].overflows.result, 0);
//! # Ok::<(), hls4ml_runtime::emu::ModelError>(())
//! ```

mod cast;
pub mod constants;
pub mod encoding;
mod mac;
mod model;
mod other;
mod plan;
mod pool;
mod simd;
#[cfg(test)]
mod tests;
mod tile;
mod tile_mac;

pub use constants::Table;
pub use model::{Activation, Layer, LayerKind, ModelError, Param, PoolOp, Softmax, Weights};
pub use plan::Overflows;

use crate::fixed::FixedType;
use cast::Cast;
use plan::{Plan, Scratch, Word};
use tile::{Engine, Tiles};

/// A model ready to run: a validated [`Layer`] list with its prepared kernels.
#[derive(Debug, Clone)]
pub struct Model {
    layers: Vec<Layer>,
    plans: Vec<Plan>,
    /// Some type does not fit an `i64`: buffers hold `i128`s.
    wide: bool,
    /// The batched engine (none for models with values beyond `i64`).
    engine: Option<Engine>,
}

/// The buffers of a running batch: one per layer for a tile of samples (the batched engine) and for
/// one sample (the per-sample path), reused from batch to batch; the tiles are allocated on first
/// use. One workspace serves one thread; [`Model::workspace`] makes one.
#[derive(Debug, Clone)]
pub struct Workspace {
    bufs: Bufs,
    counts: Vec<Overflows>,
    scratch: Scratch,
    tiles: Tiles,
}

#[derive(Debug, Clone)]
enum Bufs {
    Narrow(Vec<Vec<i64>>),
    Wide(Vec<Vec<i128>>),
}

/// Every layer's outputs over a batch, and its overflow counts: what [`Model::predict_trace`]
/// returns.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Number of samples run.
    pub samples: usize,
    /// One entry per layer, in model order (the input first).
    pub layers: Vec<LayerTrace>,
}

/// One layer's part of a [`Trace`].
#[derive(Debug, Clone, PartialEq)]
pub struct LayerTrace {
    /// The layer's name.
    pub name: String,
    /// The layer's kind ([`LayerKind::class_name`]).
    pub class: &'static str,
    /// Output shape of one sample.
    pub shape: Vec<usize>,
    /// The result type.
    pub ty: FixedType,
    /// The outputs of every sample, back to back, as exact `f64`s (rounded to nearest for types of
    /// more than 53 significant bits).
    pub values: Vec<f64>,
    /// Summed over the batch.
    pub overflows: Overflows,
}

/// Where the input values come from.
enum Source<'a> {
    F32(&'a [f32], Quantizer),
    F64(&'a [f64], Quantizer),
    Fixed(&'a [i128], Cast),
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::F32(v, _) => v.len(),
            Source::F64(v, _) => v.len(),
            Source::Fixed(v, _) => v.len(),
        }
    }

    /// `Q_in(v)` of value `i`, and whether it overflowed.
    #[inline]
    fn get(&self, i: usize) -> (i128, bool) {
        match self {
            Source::F32(v, q) => q.get(v[i] as f64),
            Source::F64(v, q) => q.get(v[i]),
            Source::Fixed(v, cast) => cast.apply(v[i]),
        }
    }
}

/// `Q_ty(v)` of a `double`, with the type's constants computed once: a fast path for values inside
/// the range of a type of at most 53 bits (the product `v · 2^F` and its rounding are exact in
/// `f64`), [`FixedType::quantize_f64`] otherwise.
#[derive(Debug, Clone, Copy)]
struct Quantizer {
    ty: FixedType,
    fast: bool,
    lo: f64,
    hi: f64,
    scale: f64,
}

impl Quantizer {
    fn new(ty: FixedType) -> Quantizer {
        let f = ty.frac_bits();
        let fast = ty.width <= 53
            && !ty.integer
            && (-500..=500).contains(&f)
            && ty.overflow != crate::Overflow::SatSym
            && matches!(
                ty.quantization,
                crate::Quantization::Trn | crate::Quantization::Rnd | crate::Quantization::RndConv
            );
        Quantizer {
            ty,
            fast,
            lo: ty.min_value(),
            hi: ty.max_value(),
            scale: (f as f64).exp2(),
        }
    }

    #[inline]
    fn get(&self, v: f64) -> (i128, bool) {
        // In range (NaN is not), and zero or far from the subnormals, so that `t` is exact.
        if self.fast && v >= self.lo && v <= self.hi && (v == 0.0 || v.abs() >= 1e-120) {
            let t = v * self.scale;
            let down = t.floor();
            let rest = t - down; // exact: in [0, 1)
            let up = match self.ty.quantization {
                crate::Quantization::Rnd => rest >= 0.5,
                crate::Quantization::RndConv => rest > 0.5 || (rest == 0.5 && down % 2.0 != 0.0),
                _ => false,
            };
            // within [min_raw, max_raw]: rounding a value in range stays in range
            return (down as i64 as i128 + up as i128, false);
        }
        quantize_checked(&self.ty, v)
    }

    /// The rounding of [`Quantizer::get_in_range`] (0 `AP_TRN`, 1 `AP_RND`, 2 `AP_RND_CONV`), when
    /// it applies: the fast types of at most 51 bits, where `v · 2^F + ½` is exact too.
    fn vector_mode(&self) -> Option<u8> {
        if !self.fast || self.ty.width > 51 {
            return None;
        }
        match self.ty.quantization {
            crate::Quantization::Trn => Some(0),
            crate::Quantization::Rnd => Some(1),
            crate::Quantization::RndConv => Some(2),
            _ => None,
        }
    }

    /// [`Quantizer::get`] without branches, for the values the fast path takes: `(raw, taken)`;
    /// `raw` means nothing when not `taken`. `Q` is [`Quantizer::vector_mode`].
    #[inline(always)]
    fn get_in_range<const Q: u8>(&self, v: f64) -> (i64, bool) {
        // `&`, not `&&`: no branches
        let taken = (v >= self.lo) & (v <= self.hi) & ((v == 0.0) | (v.abs() >= 1e-120));
        let t = v * self.scale;
        let r = match Q {
            0 => t.floor(),
            1 => (t + 0.5).floor(),
            _ => t.round_ties_even(),
        };
        // an integer below 2^51 in magnitude when taken (the type has at most 51 bits)
        (simd::f64_to_i64(r), taken)
    }
}

/// [`FixedType::to_f32`] and [`FixedType::to_f64`] with the type's constants computed once: for
/// types of at most 53 bits whose values are normal numbers, the raw value times `2^-F` is exact in
/// `f64`, and converting that to `f32` rounds once, to nearest even, as `to_f32` does.
#[derive(Debug, Clone, Copy)]
struct ToFloat {
    ty: FixedType,
    fast: bool,
    scale: f64,
}

impl ToFloat {
    fn new(ty: FixedType) -> ToFloat {
        let f = ty.frac_bits();
        ToFloat {
            ty,
            fast: !ty.integer && ty.width <= 53 && f.abs() <= 100 && ty.int_bits.abs() <= 100,
            scale: (-f as f64).exp2(),
        }
    }

    #[inline(always)]
    fn f32(&self, raw: i128) -> f32 {
        if self.fast {
            (raw as i64 as f64 * self.scale) as f32
        } else {
            self.ty.to_f32(raw)
        }
    }

    #[inline(always)]
    fn f64(&self, raw: i128) -> f64 {
        if self.fast {
            raw as i64 as f64 * self.scale
        } else {
            self.ty.to_f64(raw)
        }
    }
}

/// `Q_ty(v)` and whether `v` (rounded into the type's grid) lies outside the type's range.
fn quantize_checked(ty: &FixedType, v: f64) -> (i128, bool) {
    let raw = ty.quantize_f64(v);
    // Rounding moves a value to a neighbouring grid point, so a value inside the range stays inside.
    let simple = ty.width <= 53 && !ty.integer && ty.overflow != crate::Overflow::SatSym;
    if simple && v >= ty.min_value() && v <= ty.max_value() {
        return (raw, false);
    }
    if !v.is_finite() {
        return (raw, true);
    }
    let f = ty.frac_bits();
    if v.abs() >= ((118 - f) as f64).exp2() {
        return (raw, v > ty.max_value() || v < ty.min_value());
    }
    let q = if ty.integer {
        crate::Quantization::TrnZero
    } else {
        ty.quantization
    };
    let wide = FixedType::fixed(120, 120 - f).with_modes(q, crate::Overflow::Wrap);
    let exact = wide.quantize_f64(v);
    (raw, exact > ty.max_raw() || exact < ty.min_raw())
}

impl Model {
    /// Checks a model description and prepares it for running.
    ///
    /// The first layer must be the [`LayerKind::Input`] (its `result` is the input type), each layer
    /// may read only layers before it, and the last layer is the output. Shapes, weight counts and
    /// parameters must agree with each layer's inputs; every type must fit the reference arithmetic
    /// (raw values and the exact products and sums of a layer in 128 bits).
    pub fn new(layers: Vec<Layer>) -> Result<Model, ModelError> {
        let (plans, wide) = plan::build(&layers)?;
        let engine = Engine::build(&plans, wide);
        Ok(Model {
            layers,
            plans,
            wide,
            engine,
        })
    }

    /// The layers, the input first.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The input layer.
    pub fn input(&self) -> &Layer {
        &self.layers[0]
    }

    /// The output layer.
    pub fn output(&self) -> &Layer {
        self.layers.last().expect("a model has at least its input layer")
    }

    /// The type the bus values are converted into.
    pub fn input_type(&self) -> FixedType {
        self.input().result
    }

    /// The type of the outputs (before conversion to the bus).
    pub fn output_type(&self) -> FixedType {
        self.output().result
    }

    /// Values per input sample.
    pub fn input_size(&self) -> usize {
        self.input().size()
    }

    /// Values per output sample.
    pub fn output_size(&self) -> usize {
        self.output().size()
    }

    /// Buffers for running samples one after the other (one per thread).
    pub fn workspace(&self) -> Workspace {
        let sizes = self.layers.iter().map(Layer::size);
        Workspace {
            bufs: if self.wide {
                Bufs::Wide(sizes.map(|n| vec![0; n]).collect())
            } else {
                Bufs::Narrow(sizes.map(|n| vec![0; n]).collect())
            },
            counts: vec![Overflows::default(); self.layers.len()],
            scratch: Scratch::default(),
            tiles: Tiles::default(),
        }
    }

    fn fits(&self, ws: &Workspace) -> bool {
        let same = |lens: &mut dyn Iterator<Item = usize>| lens.eq(self.layers.iter().map(Layer::size));
        match &ws.bufs {
            Bufs::Narrow(b) => !self.wide && same(&mut b.iter().map(Vec::len)),
            Bufs::Wide(b) => self.wide && same(&mut b.iter().map(Vec::len)),
        }
    }

    fn samples(&self, len: usize) -> usize {
        let n = self.input_size();
        assert!(
            len % n == 0,
            "the input has {len} values, not a whole number of samples of {n} values"
        );
        len / n
    }

    /// Runs a batch (samples back to back, channels-last) given as `f32`s, as the firmware does with
    /// a `float` bus: `x = Q_in(v)`, and the outputs as the nearest `f32`s.
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict(&self, input: &[f32]) -> Vec<f32> {
        let mut out = vec![0f32; self.samples(input.len()) * self.output_size()];
        self.predict_into(&mut self.workspace(), input, &mut out);
        out
    }

    /// [`Model::predict`] into a given output slice, with a reusable workspace: no allocation once
    /// the workspace has served a first batch of this model (a workspace made for another model is
    /// replaced). The samples run in tiles of 16 through the batched kernels; the bits are those of
    /// the per-sample path ([`Model::predict_reference`]).
    ///
    /// # Panics
    /// When the lengths do not agree with the model.
    pub fn predict_into(&self, ws: &mut Workspace, input: &[f32], output: &mut [f32]) {
        let out = ToFloat::new(self.output_type());
        self.run_batch(
            ws,
            &Source::F32(input, Quantizer::new(self.input_type())),
            output,
            |raw| out.f32(raw),
            None,
            true,
        );
    }

    /// [`Model::predict`] one sample at a time through the per-sample kernels, which are also those
    /// of [`Model::predict_trace`]: the reference the batched kernels are checked and measured
    /// against. The same bits, more slowly.
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict_reference(&self, input: &[f32]) -> Vec<f32> {
        let mut out = vec![0f32; self.samples(input.len()) * self.output_size()];
        let out_ty = self.output_type();
        self.run_batch(
            &mut self.workspace(),
            &Source::F32(input, Quantizer::new(self.input_type())),
            &mut out,
            |raw| out_ty.to_f32(raw),
            None,
            false,
        );
        out
    }

    /// Runs a batch given as `f64`s (a `double` bus); the outputs are the exact values rounded to the
    /// nearest `f64`.
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict_f64(&self, input: &[f64]) -> Vec<f64> {
        let mut out = vec![0f64; self.samples(input.len()) * self.output_size()];
        let to = ToFloat::new(self.output_type());
        self.run_batch(
            &mut self.workspace(),
            &Source::F64(input, Quantizer::new(self.input_type())),
            &mut out,
            |raw| to.f64(raw),
            None,
            true,
        );
        out
    }

    /// Runs a batch given as raw values of a fixed-point bus type (`x = Q_in(bus)`); returns the raw
    /// values of the outputs converted into `output_bus` (`Q_B(y)`).
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`], or a bus type does not pass
    /// [`FixedType::check_raw`].
    pub fn predict_fixed(&self, input: &[i128], input_bus: FixedType, output_bus: FixedType) -> Vec<i128> {
        for t in [&input_bus, &output_bus] {
            if let Err(e) = t.check_raw() {
                panic!("{e}");
            }
        }
        let mut out = vec![0i128; self.samples(input.len()) * self.output_size()];
        let src = Source::Fixed(input, Cast::new(input_bus, self.input_type()));
        let to_bus = Cast::new(self.output_type(), output_bus);
        self.run_batch(
            &mut self.workspace(),
            &src,
            &mut out,
            |raw| to_bus.apply(raw).0,
            None,
            true,
        );
        out
    }

    /// [`Model::predict`] split over `threads` threads (each with its own workspace), or over every
    /// core when `threads` is 0; the same bits. Small batches use fewer threads.
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict_parallel(&self, input: &[f32], threads: usize) -> Vec<f32> {
        let mut out = vec![0f32; self.samples(input.len()) * self.output_size()];
        self.predict_parallel_into(input, &mut out, threads);
        out
    }

    /// [`Model::predict`] on every core ([`default_threads`]).
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict_threaded(&self, input: &[f32]) -> Vec<f32> {
        self.predict_parallel(input, 0)
    }

    /// [`Model::predict_parallel`] into a given output slice.
    ///
    /// # Panics
    /// When the lengths do not agree with the model.
    pub fn predict_parallel_into(&self, input: &[f32], output: &mut [f32], threads: usize) {
        let samples = self.samples(input.len());
        let (n_in, n_out) = (self.input_size(), self.output_size());
        assert_eq!(
            output.len(),
            samples * n_out,
            "the output has room for {} values; {samples} samples give {}",
            output.len(),
            samples * n_out
        );
        let threads = if threads == 0 { default_threads() } else { threads };
        // Whole tiles per thread, and enough samples to be worth a thread.
        let per = samples
            .div_ceil(threads)
            .max(MIN_SAMPLES_PER_THREAD)
            .next_multiple_of(tile::LANES);
        if per >= samples {
            self.predict_into(&mut self.workspace(), input, output);
            return;
        }
        std::thread::scope(|s| {
            for (x, y) in input.chunks(per * n_in).zip(output.chunks_mut(per * n_out)) {
                s.spawn(move || self.predict_into(&mut self.workspace(), x, y));
            }
        });
    }

    /// Runs a batch of `f32`s and records every layer's outputs (as `f64`) and overflow counts:
    /// what `hls4ml predict --trace` prints. It runs the per-sample kernels.
    ///
    /// # Panics
    /// When `input.len()` is not a multiple of [`Model::input_size`].
    pub fn predict_trace(&self, input: &[f32]) -> Trace {
        let samples = self.samples(input.len());
        let mut trace = Trace {
            samples,
            layers: self
                .layers
                .iter()
                .map(|l| LayerTrace {
                    name: l.name.clone(),
                    class: l.kind.class_name(),
                    shape: l.shape.clone(),
                    ty: l.result,
                    values: Vec::with_capacity(samples * l.size()),
                    overflows: Overflows::default(),
                })
                .collect(),
        };
        let mut out = vec![0f32; samples * self.output_size()];
        let out_ty = self.output_type();
        let mut ws = self.workspace();
        self.run_batch(
            &mut ws,
            &Source::F32(input, Quantizer::new(self.input_type())),
            &mut out,
            |raw| out_ty.to_f32(raw),
            Some(&mut trace),
            false,
        );
        for (t, c) in trace.layers.iter_mut().zip(&ws.counts) {
            t.overflows = *c;
        }
        trace
    }

    /// Runs every sample of `src`, writing `convert(raw output)` into `output`: through the batched
    /// engine when `fast` and the model has one, else sample by sample, counting overflows into
    /// `ws.counts` (reset first) and recording the layers' outputs into `trace` when given.
    fn run_batch<T>(
        &self,
        ws: &mut Workspace,
        src: &Source<'_>,
        output: &mut [T],
        convert: impl Fn(i128) -> T,
        mut trace: Option<&mut Trace>,
        fast: bool,
    ) {
        let samples = self.samples(src.len());
        let (n_in, n_out) = (self.input_size(), self.output_size());
        assert_eq!(
            output.len(),
            samples * n_out,
            "the output has room for {} values; {samples} samples give {}",
            output.len(),
            samples * n_out
        );
        if !self.fits(ws) {
            *ws = self.workspace();
        }
        if let (Some(engine), true, None) = (&self.engine, fast, &trace) {
            self.run_tiles(engine, &mut ws.tiles, src, output, &convert);
            return;
        }
        ws.counts.iter_mut().for_each(|c| *c = Overflows::default());
        let count = trace.is_some();
        let (counts, scratch) = (&mut ws.counts, &mut ws.scratch);
        for (s, out) in output.chunks_mut(n_out).enumerate() {
            match &mut ws.bufs {
                Bufs::Narrow(b) => {
                    self.run_sample(b, src, s * n_in, counts, scratch, count);
                    record(b, out, &convert, trace.as_deref_mut(), &self.layers);
                }
                Bufs::Wide(b) => {
                    self.run_sample(b, src, s * n_in, counts, scratch, count);
                    record(b, out, &convert, trace.as_deref_mut(), &self.layers);
                }
            }
        }
    }

    /// Runs one sample whose input values start at `offset` in `src`; `count` asks for exact
    /// overflow counts.
    fn run_sample<W: Word>(
        &self,
        bufs: &mut [Vec<W>],
        src: &Source<'_>,
        offset: usize,
        counts: &mut [Overflows],
        scratch: &mut Scratch,
        count: bool,
    ) {
        for (k, v) in bufs[0].iter_mut().enumerate() {
            let (raw, o) = src.get(offset + k);
            *v = W::put(raw);
            counts[0].result += o as u64;
        }
        for (id, c) in counts.iter_mut().enumerate().skip(1) {
            self.run_layer(id, bufs, c, scratch, count);
        }
    }

    /// Runs layer `id` (not the input) on one sample's buffers: reads its inputs' buffers, writes
    /// its own.
    fn run_layer<W: Word>(
        &self,
        id: usize,
        bufs: &mut [Vec<W>],
        c: &mut Overflows,
        scratch: &mut Scratch,
        count: bool,
    ) {
        let layer = &self.layers[id];
        let (done, rest) = bufs.split_at_mut(id);
        let y = rest[0].as_mut_slice();
        let x = done[layer.inputs[0]].as_slice();
        match &self.plans[id] {
            Plan::Input => unreachable!("only the first layer is the input"),
            Plan::Mac(p) => p.run(x, y, c, scratch, count),
            Plan::Pool(p) => p.run(x, y, c),
            Plan::BatchNorm(p) => p.run(x, y, c),
            Plan::Act(p) => p.run(x, y, c),
            Plan::Softmax(p) => p.run(x, y, c),
            Plan::Copy(p) => p.run(x, y, c),
            Plan::Gather(p) => p.run(x, y, c),
            Plan::Add(p) => p.run(done, &layer.inputs, y, c),
            Plan::Concat(p) => p.run(done, &layer.inputs, y, c),
        }
    }
}

#[cfg(test)]
impl Model {
    /// The kernel each layer runs on tiles.
    pub(crate) fn tile_kernels(&self) -> Vec<String> {
        self.engine.as_ref().map_or_else(Vec::new, |e| e.describe())
    }

    /// The per-sample path with `i128` buffers, where every layer takes its generic `i128` kernel.
    pub(crate) fn predict_generic(&self, input: &[f64]) -> Vec<f64> {
        let n_in = self.input_size();
        let q = Source::F64(input, Quantizer::new(self.input_type()));
        let mut bufs: Vec<Vec<i128>> = self.layers.iter().map(|l| vec![0; l.size()]).collect();
        let mut counts = vec![Overflows::default(); self.layers.len()];
        let mut scratch = Scratch::default();
        let out = self.output_type();
        let mut y = vec![];
        for s in 0..input.len() / n_in {
            self.run_sample(&mut bufs, &q, s * n_in, &mut counts, &mut scratch, false);
            y.extend(bufs.last().expect("an output layer").iter().map(|&v| out.to_f64(v)));
        }
        y
    }
}

/// Samples below which a thread is not worth starting.
const MIN_SAMPLES_PER_THREAD: usize = 256;

/// The number of threads [`Model::predict_threaded`] uses: what the system reports as available
/// parallelism (1 when it cannot tell).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Converts the output layer's values into `out`, and appends every layer's values to the trace.
fn record<W: Word, T>(
    bufs: &[Vec<W>],
    out: &mut [T],
    convert: &impl Fn(i128) -> T,
    trace: Option<&mut Trace>,
    layers: &[Layer],
) {
    let last = bufs.last().expect("a model has at least its input layer");
    for (o, v) in out.iter_mut().zip(last) {
        *o = convert(v.get());
    }
    if let Some(trace) = trace {
        for ((t, b), l) in trace.layers.iter_mut().zip(bufs).zip(layers) {
            t.values.extend(b.iter().map(|v| l.result.to_f64(v.get())));
        }
    }
}
