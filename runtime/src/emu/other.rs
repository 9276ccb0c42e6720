//! The element-wise layers (BatchNorm, activations), softmax, and the layers that move data
//! (Reshape, Transpose, ZeroPad, Add, Concatenate).

use super::cast::{exact_type, Cast};
use super::constants::{Indexer, Table};
use super::model::{Activation, ModelError, Param, Softmax, Weights};
use super::plan::{ceil_log2, Ctx, Overflows, Word};
use crate::fixed::FixedType;

/// `x` at `2^-to` for a raw value at `2^-from`, with `to ≥ from`.
#[inline(always)]
fn up(x: i128, from: i32, to: i32) -> i128 {
    x << (to - from) as u32
}

/// A signed type with `frac` fractional bits holding every value of the given types (and 1).
fn common_type(ctx: &Ctx<'_>, types: &[FixedType], frac: i32, with_one: bool) -> Result<FixedType, ModelError> {
    let int = types
        .iter()
        .map(|t| t.int_bits + i32::from(!t.signed))
        .max()
        .unwrap_or(1)
        .max(if with_one { 2 } else { 1 });
    let width = int + frac;
    let t = exact_type(width.max(1) as u32, frac);
    if !(1..=128).contains(&width) {
        return Err(ctx.err(format!(
            "the intermediate values need {width} bits; the reference arithmetic supports 128"
        )));
    }
    Ok(t)
}

/// Whether a table's input range is non-empty (and not NaN).
fn nonempty(t: &Table) -> bool {
    t.hi > t.lo
}

/// `y = Q_res(x·s + b)` per channel.
#[derive(Debug, Clone)]
pub(crate) struct BnPlan {
    scale: Vec<i128>,
    bias: Vec<i128>,
    /// Bits to append to the product and to the bias to reach the sum's scale.
    p_shift: u32,
    b_shift: u32,
    res: Cast,
}

impl BnPlan {
    pub fn build(ctx: &Ctx<'_>, scale: &Weights, bias: &Weights) -> Result<BnPlan, ModelError> {
        let ch = *ctx.x().shape.last().unwrap_or(&0);
        if ctx.layer.shape != ctx.x().shape || scale.len() != ch || bias.len() != ch {
            return Err(ctx.err(format!(
                "{} scales and {} biases for an input of shape {:?} and an output of shape {:?}",
                scale.len(),
                bias.len(),
                ctx.x().shape,
                ctx.layer.shape
            )));
        }
        ctx.check_type("scale type", &scale.ty)?;
        ctx.check_type("bias type", &bias.ty)?;
        let p_ty = ctx.x_ty().mul_type(&scale.ty);
        ctx.check_type("the product of input and scale", &p_ty)?;
        let s_ty = p_ty.add_type(&bias.ty);
        ctx.check_type("the sum of product and bias", &s_ty)?;
        let f = s_ty.frac_bits();
        Ok(BnPlan {
            scale: scale.raw.clone(),
            bias: bias.raw.clone(),
            p_shift: (f - p_ty.frac_bits()) as u32,
            b_shift: (f - bias.ty.frac_bits()) as u32,
            res: Cast::new(s_ty, ctx.layer.result),
        })
    }

    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        let ch = self.scale.len();
        for (row_x, row_y) in x.chunks(ch).zip(y.chunks_mut(ch)) {
            for (k, (xv, yv)) in row_x.iter().zip(row_y).enumerate() {
                let v = ((xv.get() * self.scale[k]) << self.p_shift) + (self.bias[k] << self.b_shift);
                let (r, o) = self.res.apply(v);
                *yv = W::put(r);
                c.result += o as u64;
            }
        }
    }
}

/// A prepared activation.
#[derive(Debug, Clone)]
pub(crate) struct ActPlan {
    /// `Q_res(x)`.
    pass: Cast,
    kind: ActKind,
}

#[derive(Debug, Clone)]
enum ActKind {
    Linear,
    Relu,
    /// `Q_res(x · p)` for `x ≤ 0`.
    Leaky {
        p: i128,
        neg: Cast,
    },
    /// Bounds at scale `2^-f`; `x` raised to it by `shift` bits.
    Clip {
        lo: i128,
        hi: i128,
        shift: u32,
        cast: Cast,
    },
    /// `x·slope + offset` at scale `2^-f` (`x·slope` raised by `p_shift`, offset by `o_shift`),
    /// clamped to `[0, one]`.
    HardSigmoid {
        slope: i128,
        offset: i128,
        p_shift: u32,
        o_shift: u32,
        one: i128,
        cast: Cast,
    },
    /// `Q_res(T[idx(x)])`, precomputed for every entry, with the overflow of each.
    Lookup(LookupTable),
    /// Softplus: the input itself at and above `threshold` (a raw value of the input type).
    Softplus {
        table: LookupTable,
        threshold: i128,
    },
    /// Elu: the input itself above zero.
    Elu(LookupTable),
    /// Selu: `Q_res(x · λ)` above zero.
    Selu {
        table: LookupTable,
        scale: i128,
        pos: Cast,
    },
}

/// A table and its entries already converted into the result type.
#[derive(Debug, Clone)]
struct LookupTable {
    ix: Indexer,
    out: Vec<(i128, bool)>,
}

impl LookupTable {
    fn new(ctx: &Ctx<'_>, table: &Table) -> Result<LookupTable, ModelError> {
        if table.is_empty() || !nonempty(table) {
            return Err(ctx.err("a lookup table needs entries and a non-empty range"));
        }
        ctx.check_type("table type", &table.ty)?;
        let cast = Cast::new(table.ty, ctx.layer.result);
        Ok(LookupTable {
            ix: table.indexer(&ctx.x_ty()),
            out: table.raw.iter().map(|&t| cast.apply(t)).collect(),
        })
    }

    #[inline]
    fn get(&self, x: i128) -> (i128, bool) {
        self.out[self.ix.index(x)]
    }
}

impl ActPlan {
    pub fn build(ctx: &Ctx<'_>, a: &Activation) -> Result<ActPlan, ModelError> {
        let x = ctx.x_ty();
        let res = ctx.layer.result;
        if ctx.layer.shape != ctx.x().shape {
            return Err(ctx.err(format!(
                "an activation keeps its input's shape {:?}, not {:?}",
                ctx.x().shape,
                ctx.layer.shape
            )));
        }
        let param = |what: &str, p: &Param| -> Result<(), ModelError> { ctx.check_type(what, &p.ty) };
        let product = |p: &Param| -> Result<FixedType, ModelError> {
            let t = x.mul_type(&p.ty);
            ctx.check_type("the product of input and parameter", &t)?;
            Ok(t)
        };
        let kind = match a {
            Activation::Linear => ActKind::Linear,
            Activation::Relu => ActKind::Relu,
            Activation::LeakyRelu { alpha } => {
                param("alpha", alpha)?;
                ActKind::Leaky {
                    p: alpha.raw,
                    neg: Cast::new(product(alpha)?, res),
                }
            }
            Activation::Clip { lo, hi } => {
                param("lower bound", lo)?;
                param("upper bound", hi)?;
                let f = x.frac_bits().max(lo.ty.frac_bits()).max(hi.ty.frac_bits());
                let t = common_type(ctx, &[x, lo.ty, hi.ty], f, false)?;
                ActKind::Clip {
                    lo: up(lo.raw, lo.ty.frac_bits(), f),
                    hi: up(hi.raw, hi.ty.frac_bits(), f),
                    shift: (f - x.frac_bits()) as u32,
                    cast: Cast::new(t, res),
                }
            }
            Activation::HardSigmoid { slope, offset } => {
                param("slope", slope)?;
                param("offset", offset)?;
                let p_ty = product(slope)?;
                let s_ty = p_ty.add_type(&offset.ty);
                let f = s_ty.frac_bits().max(0);
                let t = common_type(ctx, &[s_ty], f, true)?;
                ActKind::HardSigmoid {
                    slope: slope.raw,
                    offset: offset.raw,
                    p_shift: (f - p_ty.frac_bits()) as u32,
                    o_shift: (f - offset.ty.frac_bits()) as u32,
                    one: 1i128 << f as u32,
                    cast: Cast::new(t, res),
                }
            }
            Activation::Lookup(t) => ActKind::Lookup(LookupTable::new(ctx, t)?),
            Activation::Softplus(t) => {
                // x ≥ hi ⟺ raw ≥ ceil(hi · 2^F) (hi and the scaling are exact in f64)
                let threshold = (t.hi * (x.frac_bits() as f64).exp2()).ceil() as i128;
                ActKind::Softplus {
                    table: LookupTable::new(ctx, t)?,
                    threshold,
                }
            }
            Activation::Elu(t) => ActKind::Elu(LookupTable::new(ctx, t)?),
            Activation::Selu { table, scale } => {
                param("scale", scale)?;
                ActKind::Selu {
                    table: LookupTable::new(ctx, table)?,
                    scale: scale.raw,
                    pos: Cast::new(product(scale)?, res),
                }
            }
        };
        Ok(ActPlan {
            pass: Cast::new(x, res),
            kind,
        })
    }

    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        let pass = &self.pass;
        if let (Some(xs), Some(ys)) = (W::narrow(x), W::narrow_mut(y)) {
            if pass.is_fast() {
                let relu = match self.kind {
                    ActKind::Linear => Some(false),
                    ActKind::Relu => Some(true),
                    _ => None,
                };
                if let Some(relu) = relu {
                    let floor = if relu { 0 } else { i64::MIN };
                    if pass.is_identity() {
                        for (xv, yv) in xs.iter().zip(ys.iter_mut()) {
                            *yv = (*xv).max(floor);
                        }
                        return;
                    }
                    for (xv, yv) in xs.iter().zip(ys.iter_mut()) {
                        let (v, o) = pass.apply64((*xv).max(floor));
                        *yv = v;
                        c.result += o as u64;
                    }
                    return;
                }
            }
        }
        c.result += match &self.kind {
            ActKind::Linear => map(x, y, |v| pass.apply(v)),
            ActKind::Relu => map(x, y, |v| pass.apply(v.max(0))),
            ActKind::Leaky { p, neg } => map(x, y, |v| if v > 0 { pass.apply(v) } else { neg.apply(v * p) }),
            ActKind::Clip { lo, hi, shift, cast } => map(x, y, |v| cast.apply((v << shift).max(*lo).min(*hi))),
            ActKind::HardSigmoid {
                slope,
                offset,
                p_shift,
                o_shift,
                one,
                cast,
            } => map(x, y, |v| {
                cast.apply((((v * slope) << p_shift) + (offset << o_shift)).max(0).min(*one))
            }),
            ActKind::Lookup(t) => map(x, y, |v| t.get(v)),
            ActKind::Softplus { table, threshold } => {
                map(x, y, |v| if v >= *threshold { pass.apply(v) } else { table.get(v) })
            }
            ActKind::Elu(t) => map(x, y, |v| if v > 0 { pass.apply(v) } else { t.get(v) }),
            ActKind::Selu { table, scale, pos } => {
                map(x, y, |v| if v > 0 { pos.apply(v * scale) } else { table.get(v) })
            }
        };
    }
}

/// `y = f(x)` element by element; returns the number of overflows.
#[inline(always)]
fn map<W: Word>(x: &[W], y: &mut [W], f: impl Fn(i128) -> (i128, bool)) -> u64 {
    let mut count = 0u64;
    for (xv, yv) in x.iter().zip(y.iter_mut()) {
        let (v, o) = f(xv.get());
        *yv = W::put(v);
        count += o as u64;
    }
    count
}

/// Softmax over the last axis.
#[derive(Debug, Clone)]
pub(crate) struct SoftmaxPlan {
    n: usize,
    kind: SoftmaxKind,
}

#[derive(Debug, Clone)]
enum SoftmaxKind {
    Tables {
        stable: bool,
        /// The exp table's entries, and its index of `x − max` (stable) or `x` (latency).
        exp: Vec<i128>,
        exp_ix: Indexer,
        /// The 1/x table's entries, and its index of the sum of exp entries.
        inv: Vec<i128>,
        inv_ix: Indexer,
        /// `Q_res(e · r)`.
        out: Cast,
    },
    Argmax {
        one: (i128, bool),
    },
}

impl SoftmaxPlan {
    pub fn build(ctx: &Ctx<'_>, s: &Softmax) -> Result<SoftmaxPlan, ModelError> {
        let x = ctx.x_ty();
        let n = *ctx.layer.shape.last().unwrap_or(&0);
        if ctx.layer.shape != ctx.x().shape || n == 0 {
            return Err(ctx.err("a softmax keeps its input's shape"));
        }
        let tables = |exp: &Table, inv: &Table, stable: bool| -> Result<SoftmaxKind, ModelError> {
            for t in [exp, inv] {
                if t.is_empty() || !nonempty(t) {
                    return Err(ctx.err("a softmax table needs entries and a non-empty range"));
                }
                ctx.check_type("table type", &t.ty)?;
            }
            let p_ty = exp.ty.mul_type(&inv.ty);
            ctx.check_type("the product of the tables' types", &p_ty)?;
            // The sum of the exp entries has the exp table's fractional bits; x − max the input's.
            let extra = ceil_log2(n) as i32 + 1;
            let s_ty = exact_type((exp.ty.width as i32 + extra).clamp(1, 128) as u32, exp.ty.frac_bits());
            let d_ty = if stable { x.sub_type(&x) } else { x };
            Ok(SoftmaxKind::Tables {
                stable,
                exp: exp.raw.clone(),
                exp_ix: exp.indexer(&d_ty),
                inv: inv.raw.clone(),
                inv_ix: inv.indexer(&s_ty),
                out: Cast::new(p_ty, ctx.layer.result),
            })
        };
        let kind = match s {
            Softmax::Stable { exp, inv } => tables(exp, inv, true)?,
            Softmax::Latency { exp, inv } => tables(exp, inv, false)?,
            Softmax::Argmax => {
                let r = ctx.layer.result;
                let raw = r.quantize_f64(1.0);
                SoftmaxKind::Argmax {
                    one: (raw, Cast::new(exact_type(3, 0), r).apply(1).1),
                }
            }
        };
        Ok(SoftmaxPlan { n, kind })
    }

    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        let n = self.n;
        for (row_x, row_y) in x.chunks(n).zip(y.chunks_mut(n)) {
            match &self.kind {
                SoftmaxKind::Argmax { one } => {
                    let mut best = 0;
                    for (i, v) in row_x.iter().enumerate() {
                        if v.get() > row_x[best].get() {
                            best = i;
                        }
                    }
                    for (i, yv) in row_y.iter_mut().enumerate() {
                        *yv = W::put(if i == best { one.0 } else { 0 });
                    }
                    c.result += one.1 as u64;
                }
                SoftmaxKind::Tables {
                    stable,
                    exp,
                    exp_ix,
                    inv,
                    inv_ix,
                    out,
                } => {
                    // The exp table's index of each input, kept in the output row until the end.
                    let m = if *stable {
                        row_x.iter().map(|v| v.get()).max().unwrap_or(0)
                    } else {
                        0
                    };
                    let mut s = 0i128;
                    for (xv, yv) in row_x.iter().zip(row_y.iter_mut()) {
                        let k = exp_ix.index(xv.get() - m);
                        s += exp[k];
                        *yv = W::put(k as i128);
                    }
                    let r = inv[inv_ix.index(s)];
                    for yv in row_y.iter_mut() {
                        let e = exp[yv.get() as usize];
                        let (v, o) = out.apply(e * r);
                        *yv = W::put(v);
                        c.result += o as u64;
                    }
                }
            }
        }
    }
}

/// Reshape and Flatten: `Q_res(x)` in order.
#[derive(Debug, Clone)]
pub(crate) struct CopyPlan {
    cast: Cast,
}

impl CopyPlan {
    pub fn build(ctx: &Ctx<'_>) -> Result<CopyPlan, ModelError> {
        if ctx.layer.size() != ctx.x().size() {
            return Err(ctx.err(format!("cannot reshape {:?} into {:?}", ctx.x().shape, ctx.layer.shape)));
        }
        Ok(CopyPlan {
            cast: Cast::new(ctx.x_ty(), ctx.layer.result),
        })
    }

    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        if self.cast.is_identity() {
            y.copy_from_slice(x);
            return;
        }
        for (xv, yv) in x.iter().zip(y.iter_mut()) {
            let (v, o) = self.cast.apply(xv.get());
            *yv = W::put(v);
            c.result += o as u64;
        }
    }
}

/// Transpose and ZeroPad: `y[k] = Q_res(x[index[k]])`, or 0 where `index[k]` is `u32::MAX`.
#[derive(Debug, Clone)]
pub(crate) struct GatherPlan {
    index: Vec<u32>,
    cast: Cast,
}

/// Row-major strides of a shape.
fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// Calls `f(flat index, multi-index)` for every element of `shape`, in row-major order.
fn for_each_index(shape: &[usize], mut f: impl FnMut(usize, &[usize])) {
    let n: usize = shape.iter().product();
    let mut idx = vec![0usize; shape.len()];
    for k in 0..n {
        f(k, &idx);
        for d in (0..shape.len()).rev() {
            idx[d] += 1;
            if idx[d] < shape[d] {
                break;
            }
            idx[d] = 0;
        }
    }
}

impl GatherPlan {
    fn check_size(ctx: &Ctx<'_>) -> Result<(), ModelError> {
        if ctx.x().size() >= u32::MAX as usize {
            return Err(ctx.err("the input is too large"));
        }
        Ok(())
    }

    pub fn transpose(ctx: &Ctx<'_>, perm: &[usize]) -> Result<GatherPlan, ModelError> {
        Self::check_size(ctx)?;
        let in_shape = &ctx.x().shape;
        let mut seen = vec![false; in_shape.len()];
        let valid = perm.len() == in_shape.len()
            && perm
                .iter()
                .all(|&p| p < in_shape.len() && !std::mem::replace(&mut seen[p], true));
        let out: Vec<usize> = if valid {
            perm.iter().map(|&p| in_shape[p]).collect()
        } else {
            vec![]
        };
        if !valid || out != ctx.layer.shape {
            return Err(ctx.err(format!(
                "{perm:?} does not permute {in_shape:?} into {:?}",
                ctx.layer.shape
            )));
        }
        let in_strides = strides(in_shape);
        let mut index = vec![0u32; ctx.layer.size()];
        for_each_index(&out, |k, idx| {
            index[k] = idx.iter().zip(perm).map(|(&i, &p)| i * in_strides[p]).sum::<usize>() as u32;
        });
        Ok(GatherPlan {
            index,
            cast: Cast::new(ctx.x_ty(), ctx.layer.result),
        })
    }

    pub fn zero_pad(ctx: &Ctx<'_>, padding: &[(usize, usize)]) -> Result<GatherPlan, ModelError> {
        Self::check_size(ctx)?;
        let in_shape = &ctx.x().shape;
        let n = padding.len();
        let mut out = in_shape.clone();
        let valid = in_shape.len() == n + 1;
        if valid {
            for d in 0..n {
                out[d] += padding[d].0 + padding[d].1;
            }
        }
        if !valid || out != ctx.layer.shape {
            return Err(ctx.err(format!(
                "padding {padding:?} does not turn {in_shape:?} into {:?}",
                ctx.layer.shape
            )));
        }
        let in_strides = strides(in_shape);
        let mut index = vec![u32::MAX; ctx.layer.size()];
        for_each_index(&out, |k, idx| {
            let mut src = 0usize;
            for d in 0..=n {
                let before = if d < n { padding[d].0 } else { 0 };
                if idx[d] < before || idx[d] - before >= in_shape[d] {
                    return;
                }
                src += (idx[d] - before) * in_strides[d];
            }
            index[k] = src as u32;
        });
        Ok(GatherPlan {
            index,
            cast: Cast::new(ctx.x_ty(), ctx.layer.result),
        })
    }

    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        for (&i, yv) in self.index.iter().zip(y.iter_mut()) {
            *yv = if i == u32::MAX {
                W::put(0)
            } else {
                let (v, o) = self.cast.apply(x[i as usize].get());
                c.result += o as u64;
                W::put(v)
            };
        }
    }
}

/// `Q_res(Σ inputs)`, the sum exact.
#[derive(Debug, Clone)]
pub(crate) struct AddPlan {
    /// Bits to append to each input to reach the sum's scale.
    shifts: Vec<u32>,
    cast: Cast,
}

impl AddPlan {
    pub fn build(ctx: &Ctx<'_>) -> Result<AddPlan, ModelError> {
        if ctx.inputs.iter().any(|l| l.shape != ctx.layer.shape) {
            return Err(ctx.err("Add needs inputs of its own shape"));
        }
        let mut sum = ctx.inputs[0].result;
        for l in &ctx.inputs[1..] {
            sum = sum.add_type(&l.result);
            ctx.check_type("the sum of the inputs", &sum)?;
        }
        Ok(AddPlan {
            shifts: ctx
                .inputs
                .iter()
                .map(|l| (sum.frac_bits() - l.result.frac_bits()) as u32)
                .collect(),
            cast: Cast::new(sum, ctx.layer.result),
        })
    }

    pub fn run<W: Word>(&self, bufs: &[Vec<W>], ids: &[usize], y: &mut [W], c: &mut Overflows) {
        for (k, yv) in y.iter_mut().enumerate() {
            let s: i128 = ids
                .iter()
                .zip(&self.shifts)
                .map(|(&i, &sh)| bufs[i][k].get() << sh)
                .sum();
            let (v, o) = self.cast.apply(s);
            *yv = W::put(v);
            c.result += o as u64;
        }
    }
}

/// `Q_res(x)` of each input, concatenated along an axis.
#[derive(Debug, Clone)]
pub(crate) struct ConcatPlan {
    outer: usize,
    /// Per input: elements per outer index, and its conversion.
    blocks: Vec<(usize, Cast)>,
}

impl ConcatPlan {
    pub fn build(ctx: &Ctx<'_>, axis: usize) -> Result<ConcatPlan, ModelError> {
        let out = &ctx.layer.shape;
        let fits = axis < out.len()
            && ctx.inputs.iter().all(|l| {
                l.shape.len() == out.len()
                    && l.shape
                        .iter()
                        .zip(out)
                        .enumerate()
                        .all(|(d, (a, b))| d == axis || a == b)
            })
            && ctx.inputs.iter().map(|l| l.shape[axis]).sum::<usize>() == out[axis];
        if !fits {
            return Err(ctx.err(format!("the inputs do not concatenate along axis {axis} into {out:?}")));
        }
        Ok(ConcatPlan {
            outer: out[..axis].iter().product(),
            blocks: ctx
                .inputs
                .iter()
                .map(|l| (l.shape[axis..].iter().product(), Cast::new(l.result, ctx.layer.result)))
                .collect(),
        })
    }

    pub fn run<W: Word>(&self, bufs: &[Vec<W>], ids: &[usize], y: &mut [W], c: &mut Overflows) {
        let mut k = 0;
        for o in 0..self.outer {
            for (&i, (b, cast)) in ids.iter().zip(&self.blocks) {
                for xv in &bufs[i][o * b..(o + 1) * b] {
                    let (v, ovf) = cast.apply(xv.get());
                    y[k] = W::put(v);
                    c.result += ovf as u64;
                    k += 1;
                }
            }
        }
    }
}
