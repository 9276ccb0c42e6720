//! The element-wise layers (BatchNorm, activations), softmax, and the layers that move data
//! (Reshape, Transpose, ZeroPad, Add, Concatenate).

use super::cast::{exact_type, fits_i64, Cast, VCast};
use super::constants::{Indexer, Indexer64, Table};
use super::model::{Activation, ModelError, Param, Softmax, Weights};
use super::plan::{ceil_log2, Ctx, Overflows, Word};
use super::tile::LANES;
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

/// Refuses a table whose index cannot be computed exactly for inputs of type `x`.
fn check_table(ctx: &Ctx<'_>, what: &str, t: &Table, x: &FixedType) -> Result<(), ModelError> {
    match t.index_problem(x) {
        Some(problem) => Err(ctx.err(format!("{what}: {problem}"))),
        None => ctx.check_type(&format!("{what} type"), &t.ty),
    }
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
    /// The scales and biases as `i64`, and the conversion of the sum, when the sum fits an `i64`.
    tile: Option<(Vec<i64>, Vec<i64>, VCast)>,
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
        let res = Cast::new(s_ty, ctx.layer.result);
        let narrow = |v: &[i128]| v.iter().map(|&r| r as i64).collect::<Vec<_>>();
        // x·s, b and their sum are values of s_ty (at its scale): they fit when it does.
        let tile = VCast::new(&res)
            .filter(|_| fits_i64(&s_ty) && fits_i64(&p_ty) && fits_i64(&ctx.x_ty()))
            .map(|c| (narrow(&scale.raw), narrow(&bias.raw), c));
        Ok(BnPlan {
            scale: scale.raw.clone(),
            bias: bias.raw.clone(),
            p_shift: (f - p_ty.frac_bits()) as u32,
            b_shift: (f - bias.ty.frac_bits()) as u32,
            res,
            tile,
        })
    }

    /// Whether [`BnPlan::run_tile`] applies.
    pub fn tiles(&self) -> bool {
        self.tile.is_some()
    }

    /// The layer on a tile (`[feature][lane]`); only when [`BnPlan::tiles`].
    pub fn run_tile(&self, x: &[i64], y: &mut [i64]) {
        let Some((scale, bias, cast)) = &self.tile else {
            unreachable!("a batch normalization without a tile form")
        };
        let ch = scale.len();
        for (f, (xr, yr)) in x.chunks_exact(LANES).zip(y.chunks_exact_mut(LANES)).enumerate() {
            let (s, b) = (scale[f % ch], bias[f % ch] << self.b_shift);
            for (d, &v) in yr.iter_mut().zip(xr) {
                *d = ((v * s) << self.p_shift) + b;
            }
        }
        cast.apply(y);
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
        check_table(ctx, "lookup table", table, &ctx.x_ty())?;
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

    /// The tile form of ReLU and linear activations: whether to take `max(x, 0)` first, and the
    /// conversion into the result type.
    pub fn map(&self) -> Option<(bool, VCast)> {
        let relu = match self.kind {
            ActKind::Linear => false,
            ActKind::Relu => true,
            _ => return None,
        };
        Some((relu, VCast::new(&self.pass)?))
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

/// The tables of a softmax whose values all fit an `i64`, for tiles.
#[derive(Debug, Clone)]
struct SoftmaxFast {
    exp: Vec<i64>,
    exp_ix: Indexer64,
    inv: Vec<i64>,
    inv_ix: Indexer64,
    out: VCast,
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
        /// The same in `i64`, when every value fits.
        fast: Option<Box<SoftmaxFast>>,
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
            ctx.check_type("softmax exp table type", &exp.ty)?;
            ctx.check_type("softmax 1/x table type", &inv.ty)?;
            let p_ty = exp.ty.mul_type(&inv.ty);
            ctx.check_type("the product of the tables' types", &p_ty)?;
            // The sum of the exp entries has the exp table's fractional bits; x − max the input's.
            let extra = ceil_log2(n) as i32 + 1;
            let s_ty = exact_type((exp.ty.width as i32 + extra).clamp(1, 128) as u32, exp.ty.frac_bits());
            let d_ty = if stable { x.sub_type(&x) } else { x };
            check_table(ctx, "softmax exp table", exp, &d_ty)?;
            check_table(ctx, "softmax 1/x table", inv, &s_ty)?;
            let (exp_ix, inv_ix) = (exp.indexer(&d_ty), inv.indexer(&s_ty));
            let out = Cast::new(p_ty, ctx.layer.result);
            let narrow = |v: &[i128]| v.iter().map(|&r| r as i64).collect::<Vec<_>>();
            let fast = (|| {
                let fit = [exp.ty, inv.ty, p_ty, s_ty, d_ty].iter().all(|t| t.width <= 62);
                Some(Box::new(SoftmaxFast {
                    exp: fit.then(|| narrow(&exp.raw))?,
                    exp_ix: exp_ix.narrow(d_ty.width)?,
                    inv: narrow(&inv.raw),
                    inv_ix: inv_ix.narrow(s_ty.width)?,
                    out: VCast::new(&out)?,
                }))
            })();
            Ok(SoftmaxKind::Tables {
                stable,
                exp: exp.raw.clone(),
                exp_ix,
                inv: inv.raw.clone(),
                inv_ix,
                out,
                fast,
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
                    ..
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

impl SoftmaxPlan {
    /// The layer on a tile (`[feature][lane]`): each lane's rows of `n` values, as [`SoftmaxPlan::run`]
    /// computes them.
    pub fn run_tile(&self, x: &[i64], y: &mut [i64]) {
        let n = self.n;
        for (row_x, row_y) in x.chunks(n * LANES).zip(y.chunks_mut(n * LANES)) {
            match &self.kind {
                SoftmaxKind::Argmax { one } => {
                    for l in 0..LANES {
                        let mut best = 0;
                        for i in 1..n {
                            if row_x[i * LANES + l] > row_x[best * LANES + l] {
                                best = i;
                            }
                        }
                        for i in 0..n {
                            row_y[i * LANES + l] = if i == best { one.0 as i64 } else { 0 };
                        }
                    }
                }
                SoftmaxKind::Tables {
                    stable, fast: Some(f), ..
                } => {
                    let mut m = [0i64; LANES];
                    if *stable {
                        m = [i64::MIN; LANES];
                        for xv in row_x.chunks_exact(LANES) {
                            for (a, &v) in m.iter_mut().zip(xv) {
                                *a = (*a).max(v);
                            }
                        }
                    }
                    let mut sum = [0i64; LANES];
                    for (xv, yv) in row_x.chunks_exact(LANES).zip(row_y.chunks_exact_mut(LANES)) {
                        for l in 0..LANES {
                            let k = f.exp_ix.index(xv[l] - m[l]);
                            yv[l] = f.exp[k as usize];
                            sum[l] += yv[l];
                        }
                    }
                    let r = sum.map(|s| f.inv[f.inv_ix.index(s) as usize]);
                    for yv in row_y.chunks_exact_mut(LANES) {
                        for (d, &rl) in yv.iter_mut().zip(&r) {
                            *d *= rl;
                        }
                    }
                    f.out.apply(row_y);
                }
                SoftmaxKind::Tables {
                    stable,
                    exp,
                    exp_ix,
                    inv,
                    inv_ix,
                    out,
                    ..
                } => {
                    let mut m = [0i64; LANES];
                    if *stable {
                        m = [i64::MIN; LANES];
                        for xv in row_x.chunks_exact(LANES) {
                            for (a, &v) in m.iter_mut().zip(xv) {
                                *a = (*a).max(v);
                            }
                        }
                    }
                    // the exp table's index of each input, kept in the output row until the end
                    let mut sum = [0i128; LANES];
                    for (xv, yv) in row_x.chunks_exact(LANES).zip(row_y.chunks_exact_mut(LANES)) {
                        for l in 0..LANES {
                            let k = exp_ix.index(xv[l] as i128 - m[l] as i128);
                            sum[l] += exp[k];
                            yv[l] = k as i64;
                        }
                    }
                    let r: Vec<i128> = sum.iter().map(|&s| inv[inv_ix.index(s)]).collect();
                    for yv in row_y.chunks_exact_mut(LANES) {
                        for (d, &rl) in yv.iter_mut().zip(&r) {
                            *d = out.apply(exp[*d as usize] * rl).0 as i64;
                        }
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

    /// The tile form: the conversion into the result type.
    pub fn map(&self) -> Option<VCast> {
        VCast::new(&self.cast)
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

    /// The layer on a tile (`[feature][lane]`).
    pub fn run_tile(&self, x: &[i64], y: &mut [i64]) {
        for (&i, yv) in self.index.iter().zip(y.chunks_exact_mut(LANES)) {
            if i == u32::MAX {
                yv.fill(0);
            } else {
                let i = i as usize;
                yv.copy_from_slice(&x[i * LANES..(i + 1) * LANES]);
            }
        }
        // Q_res(0) = 0: the padding may go through the conversion too
        match VCast::new(&self.cast) {
            Some(c) => c.apply(y),
            None => {
                for v in y.iter_mut() {
                    *v = self.cast.apply(*v as i128).0 as i64;
                }
            }
        }
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

    /// Whether [`ConcatPlan::run_tile`] applies.
    pub fn tiles(&self) -> bool {
        self.blocks.iter().all(|(_, c)| VCast::new(c).is_some())
    }

    /// The layer on tiles (`[feature][lane]`); only when [`ConcatPlan::tiles`].
    pub fn run_tile(&self, bufs: &[Vec<i64>], ids: &[usize], y: &mut [i64]) {
        let mut k = 0;
        for o in 0..self.outer {
            for (&i, (b, cast)) in ids.iter().zip(&self.blocks) {
                let n = b * LANES;
                let d = &mut y[k..k + n];
                d.copy_from_slice(&bufs[i][o * n..(o + 1) * n]);
                VCast::new(cast).expect("checked by tiles()").apply(d);
                k += n;
            }
        }
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
