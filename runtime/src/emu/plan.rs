//! Layers prepared for execution: validated shapes, weights in the order the inner loops read them,
//! conversions set up once, and the fastest exact arithmetic the types allow.

use super::cast::fits_i64;
use super::mac::MacPlan;
use super::model::{Layer, LayerKind, ModelError};
use super::other::{ActPlan, AddPlan, BnPlan, ConcatPlan, CopyPlan, GatherPlan, SoftmaxPlan};
use super::pool::PoolPlan;
use crate::fixed::FixedType;

/// A raw value in a layer buffer: `i64` when every type of the model fits it, `i128` otherwise.
pub(crate) trait Word: Copy + Default + Send + Sync + std::fmt::Debug + 'static {
    /// The value as `i128`.
    fn get(self) -> i128;
    /// A value known to fit.
    fn put(v: i128) -> Self;
    /// The buffer as `i64`s, when this is the `i64` word.
    fn narrow(s: &[Self]) -> Option<&[i64]>;
    /// The buffer as `i64`s, when this is the `i64` word.
    fn narrow_mut(s: &mut [Self]) -> Option<&mut [i64]>;
}

impl Word for i64 {
    #[inline(always)]
    fn get(self) -> i128 {
        self as i128
    }
    #[inline(always)]
    fn put(v: i128) -> Self {
        v as i64
    }
    #[inline(always)]
    fn narrow(s: &[Self]) -> Option<&[i64]> {
        Some(s)
    }
    #[inline(always)]
    fn narrow_mut(s: &mut [Self]) -> Option<&mut [i64]> {
        Some(s)
    }
}

impl Word for i128 {
    #[inline(always)]
    fn get(self) -> i128 {
        self
    }
    #[inline(always)]
    fn put(v: i128) -> Self {
        v
    }
    #[inline(always)]
    fn narrow(_: &[Self]) -> Option<&[i64]> {
        None
    }
    #[inline(always)]
    fn narrow_mut(_: &mut [Self]) -> Option<&mut [i64]> {
        None
    }
}

/// Overflow counts of one layer: how many conversions found an exact value outside their type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overflows {
    /// Conversions into the result type (`Q_res`), one per output value (for the input layer: the
    /// bus values that did not fit the input type).
    pub result: u64,
    /// Conversions into the accumulator type (`Q_acc`): of each bias, product and partial sum of
    /// Dense and Conv, of each input and partial sum of an average pooling.
    pub accum: u64,
}

/// Reusable conversion buffers of the kernels (one per workspace).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    f: Vec<f64>,
    i: Vec<i32>,
    h: Vec<i16>,
}

impl Scratch {
    /// `n` `f64`s (grown on first use, then reused).
    pub fn f64s(&mut self, n: usize) -> &mut [f64] {
        if self.f.len() < n {
            self.f.resize(n, 0.0);
        }
        &mut self.f[..n]
    }

    /// `n` `i16`s (grown on first use, then reused).
    pub fn i16s(&mut self, n: usize) -> &mut [i16] {
        if self.h.len() < n {
            self.h.resize(n, 0);
        }
        &mut self.h[..n]
    }

    /// `n` `i32`s (grown on first use, then reused).
    pub fn i32s(&mut self, n: usize) -> &mut [i32] {
        if self.i.len() < n {
            self.i.resize(n, 0);
        }
        &mut self.i[..n]
    }
}

/// A prepared layer.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    Input,
    Mac(Box<MacPlan>),
    Pool(Box<PoolPlan>),
    BatchNorm(BnPlan),
    Act(Box<ActPlan>),
    Softmax(Box<SoftmaxPlan>),
    Copy(CopyPlan),
    Gather(GatherPlan),
    Add(AddPlan),
    Concat(ConcatPlan),
}

/// The data every builder needs: the layer, its input layers.
pub(crate) struct Ctx<'a> {
    pub layer: &'a Layer,
    pub inputs: Vec<&'a Layer>,
}

impl Ctx<'_> {
    /// An error about this layer.
    pub fn err(&self, message: impl Into<String>) -> ModelError {
        ModelError::new(Some(&self.layer.name), message)
    }

    /// The first input.
    pub fn x(&self) -> &Layer {
        self.inputs[0]
    }

    /// The first input's result type.
    pub fn x_ty(&self) -> FixedType {
        self.inputs[0].result
    }

    /// Requires `t` to be representable by the reference arithmetic.
    pub fn check_type(&self, what: &str, t: &FixedType) -> Result<(), ModelError> {
        t.check_raw().map_err(|e| self.err(format!("{what}: {e}")))
    }
}

/// Validates every layer and prepares it. Returns the plans and whether buffers need `i128` words.
pub(crate) fn build(layers: &[Layer]) -> Result<(Vec<Plan>, bool), ModelError> {
    if layers.is_empty() {
        return Err(ModelError::new(None, "a model needs at least its input layer"));
    }
    let mut plans = Vec::with_capacity(layers.len());
    let mut wide = false;
    for (id, layer) in layers.iter().enumerate() {
        let err = |m: String| ModelError::new(Some(&layer.name), m);
        if layer.shape.is_empty() || layer.size() == 0 {
            return Err(err(format!("shape {:?} has no elements", layer.shape)));
        }
        layer.result.check_raw().map_err(|e| err(format!("result type: {e}")))?;
        wide |= !fits_i64(&layer.result);
        let is_input = matches!(layer.kind, LayerKind::Input);
        if is_input != (id == 0) {
            return Err(err("the first layer, and only the first, must be the input".into()));
        }
        if let Some(&bad) = layer.inputs.iter().find(|&&i| i >= id) {
            return Err(err(format!(
                "reads layer #{bad}; a layer may only read layers before it"
            )));
        }
        let arity_ok = match layer.kind {
            LayerKind::Input => layer.inputs.is_empty(),
            LayerKind::Add | LayerKind::Concat { .. } => layer.inputs.len() >= 2,
            _ => layer.inputs.len() == 1,
        };
        if !arity_ok {
            return Err(err(format!(
                "a {} layer cannot take {} input(s)",
                layer.kind.class_name(),
                layer.inputs.len()
            )));
        }
        let ctx = Ctx {
            layer,
            inputs: layer.inputs.iter().map(|&i| &layers[i]).collect(),
        };
        let plan = match &layer.kind {
            LayerKind::Input => Plan::Input,
            LayerKind::Dense { .. } | LayerKind::Conv { .. } => Plan::Mac(Box::new(MacPlan::build(&ctx)?)),
            LayerKind::Pool { .. } | LayerKind::GlobalPool { .. } => Plan::Pool(Box::new(PoolPlan::build(&ctx)?)),
            LayerKind::BatchNorm { scale, bias } => Plan::BatchNorm(BnPlan::build(&ctx, scale, bias)?),
            LayerKind::Activation(a) => Plan::Act(Box::new(ActPlan::build(&ctx, a)?)),
            LayerKind::Softmax(s) => Plan::Softmax(Box::new(SoftmaxPlan::build(&ctx, s)?)),
            LayerKind::Reshape => Plan::Copy(CopyPlan::build(&ctx)?),
            LayerKind::Transpose { perm } => Plan::Gather(GatherPlan::transpose(&ctx, perm)?),
            LayerKind::ZeroPad { padding } => Plan::Gather(GatherPlan::zero_pad(&ctx, padding)?),
            LayerKind::Add => Plan::Add(AddPlan::build(&ctx)?),
            LayerKind::Concat { axis } => Plan::Concat(ConcatPlan::build(&ctx, *axis)?),
        };
        plans.push(plan);
    }
    Ok((plans, wide))
}

/// `ceil(log2(n))` (0 for `n ≤ 1`).
pub(crate) fn ceil_log2(n: usize) -> u32 {
    usize::BITS - n.saturating_sub(1).leading_zeros()
}

/// Spatial geometry of a window operation over a channels-last input, 1-D inputs seen as 2-D with a
/// height of one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Geom {
    pub ih: usize,
    pub iw: usize,
    pub c_in: usize,
    pub kh: usize,
    pub kw: usize,
    pub sh: usize,
    pub sw: usize,
    pub dh: usize,
    pub dw: usize,
    pub ph: usize,
    pub pw: usize,
    pub oh: usize,
    pub ow: usize,
    /// Per output row, the kernel rows `ky0..ky1` that fall inside the input.
    pub ky: Vec<(usize, usize)>,
    /// Per output column, the kernel columns `kx0..kx1` that fall inside the input.
    pub kx: Vec<(usize, usize)>,
}

/// Per spatial dimension: input size, kernel, stride, dilation, padding.
pub(crate) struct Dim {
    pub n: usize,
    pub k: usize,
    pub stride: usize,
    pub dilation: usize,
    pub pad: (usize, usize),
}

impl Geom {
    /// The geometry of a window operation with `dims` (one or two) over `c_in` channels; checks that
    /// the output sizes agree with `out` (the spatial part of the output shape).
    pub fn new(ctx: &Ctx<'_>, dims: &[Dim], c_in: usize, out: &[usize]) -> Result<Geom, ModelError> {
        if dims.is_empty() || dims.len() > 2 || out.len() != dims.len() {
            return Err(ctx.err("only 1-D and 2-D windows are supported"));
        }
        let mut outs = Vec::with_capacity(2);
        for (d, &o) in dims.iter().zip(out) {
            if d.k == 0 || d.stride == 0 || d.dilation == 0 {
                return Err(ctx.err("kernel, stride and dilation must be at least 1"));
            }
            let span = d.dilation * (d.k - 1) + 1;
            let padded = d.n + d.pad.0 + d.pad.1;
            if padded < span || (padded - span) / d.stride + 1 != o {
                return Err(ctx.err(format!(
                    "an input of {} with padding {:?}, a window of {} (stride {}, dilation {}) cannot give {o} outputs",
                    d.n, d.pad, d.k, d.stride, d.dilation
                )));
            }
            outs.push(o);
        }
        let one = Dim {
            n: 1,
            k: 1,
            stride: 1,
            dilation: 1,
            pad: (0, 0),
        };
        let (h, w) = if dims.len() == 1 {
            (&one, &dims[0])
        } else {
            (&dims[0], &dims[1])
        };
        let (oh, ow) = if dims.len() == 1 {
            (1, outs[0])
        } else {
            (outs[0], outs[1])
        };
        let range = |d: &Dim, o: usize| -> (usize, usize) {
            let valid = |k: usize| {
                let i = (o * d.stride + k * d.dilation) as isize - d.pad.0 as isize;
                i >= 0 && (i as usize) < d.n
            };
            let k0 = (0..d.k).find(|&k| valid(k)).unwrap_or(d.k);
            let k1 = (k0..d.k).find(|&k| !valid(k)).unwrap_or(d.k);
            (k0, k1)
        };
        Ok(Geom {
            ih: h.n,
            iw: w.n,
            c_in,
            kh: h.k,
            kw: w.k,
            sh: h.stride,
            sw: w.stride,
            dh: h.dilation,
            dw: w.dilation,
            ph: h.pad.0,
            pw: w.pad.0,
            oh,
            ow,
            ky: (0..oh).map(|o| range(h, o)).collect(),
            kx: (0..ow).map(|o| range(w, o)).collect(),
        })
    }

    /// The input row of kernel row `ky` at output row `oy` (inside the input by construction).
    #[inline(always)]
    pub fn iy(&self, oy: usize, ky: usize) -> usize {
        oy * self.sh + ky * self.dh - self.ph
    }

    /// The input column of kernel column `kx` at output column `ox`.
    #[inline(always)]
    pub fn ix(&self, ox: usize, kx: usize) -> usize {
        ox * self.sw + kx * self.dw - self.pw
    }
}

/// The spatial dimensions of a channels-last shape (all but the last), with per-dimension kernel,
/// stride, dilation and padding.
pub(crate) fn dims(
    ctx: &Ctx<'_>,
    in_shape: &[usize],
    kernel: &[usize],
    strides: &[usize],
    dilation: Option<&[usize]>,
    padding: &[(usize, usize)],
) -> Result<Vec<Dim>, ModelError> {
    let n = kernel.len();
    if in_shape.len() != n + 1 || strides.len() != n || padding.len() != n || dilation.is_some_and(|d| d.len() != n) {
        return Err(ctx.err(format!(
            "a {n}-D window needs a {}-D input and {n} strides, dilations and paddings; the input has shape {in_shape:?}",
            n + 1
        )));
    }
    Ok((0..n)
        .map(|d| Dim {
            n: in_shape[d],
            k: kernel[d],
            stride: strides[d],
            dilation: dilation.map_or(1, |v| v[d]),
            pad: padding[d],
        })
        .collect())
}
