//! Dense and Conv: `a = Q_acc(b)`, then `a = Q_acc(a + Q_acc(x·w))` over the receptive field in the
//! order `ky`, `kx`, `c_in` ascending, then `y = Q_res(a)`.
//!
//! Several exact implementations, chosen per layer from its types and weights:
//! * **exact sum**: when no product, partial sum or bias can be rounded or overflow in the
//!   accumulator (proved from the weights and the input type's range), every `Q_acc` is the identity
//!   and the layer is an integer dot product, converted once into the result type. When every partial
//!   sum is below 2⁵³ in magnitude the dot product runs in `f64`, where such integers and their sums
//!   are exact in any order (so it vectorizes); otherwise in `i64`;
//! * **modular `i32`**: with a wrapping accumulator of at most 32 bits and products that truncate or
//!   round (`AP_TRN`, `AP_RND`) into it, wrapping is addition modulo 2^W, so the sum of the rounded
//!   products taken modulo 2³² and wrapped once at the end gives the same bits (used when overflows
//!   are not being counted);
//! * **stepwise `i64`**: every conversion carried out, in `i64`;
//! * **generic**: the same steps in `i128` for wide types.

use super::cast::{exact_type, fits_i64, Cast};
use super::model::{LayerKind, ModelError, Weights};
use super::plan::{dims, Ctx, Dim, Geom, Overflows, Scratch, Word};
use crate::fixed::{FixedType, Overflow, Quantization};

/// A prepared Dense or Conv layer.
#[derive(Debug, Clone)]
pub(crate) struct MacPlan {
    pub(super) g: Geom,
    pub(super) c_out: usize,
    /// Weights as `[c_out][kh][kw][c_in]`.
    pub(super) w: Vec<i128>,
    /// `Q_acc(b)` per output channel, and whether it overflowed.
    pub(super) bias_acc: Vec<(i128, bool)>,
    /// `Q_acc(x·w)`.
    pub(super) prod: Cast,
    /// `Q_acc(a + p)`.
    pub(super) sum: Cast,
    /// `Q_res(a)`.
    pub(super) res: Cast,
    /// The weights as `i64`, when the stepwise `i64` path applies.
    pub(super) w64: Option<Vec<i64>>,
    /// The exact-sum path, when it applies.
    pub(super) exact: Option<ExactSum>,
    /// The modular path, when it applies.
    pub(super) modular: Option<Modular>,
    /// The input type.
    pub(super) x_ty: FixedType,
}

/// The exact-sum path: `y = Q_res(b' + Σ x·w')` at a common scale.
#[derive(Debug, Clone)]
pub(crate) struct ExactSum {
    /// Weights scaled to the common scale, `[c_out][kh][kw][c_in]`.
    pub(super) w: Vec<i64>,
    /// Biases scaled to the common scale.
    pub(super) b: Vec<i64>,
    /// The same as `f64`s, when every partial sum is below 2⁵³.
    pub(super) wf: Option<(Vec<f64>, Vec<f64>)>,
    /// From the exact sum's type into the result.
    pub(super) res: Cast,
}

/// The modular path: `a = wrap_W(Q_acc(b) + Σ round(x·w · 2^-shift))` in `i32` lanes.
#[derive(Debug, Clone)]
pub(crate) struct Modular {
    /// Weights, `[c_out][kh][kw][c_in]`, as `i16`s when they and the inputs fit (products in `i32`).
    pub(super) w16: Option<Vec<i16>>,
    /// Weights, `[c_out][kh][kw][c_in]`.
    pub(super) w: Vec<i32>,
    /// `Q_acc(b)`.
    pub(super) b: Vec<i32>,
    /// Bits dropped from each product.
    pub(super) shift: u32,
    /// Added before the shift: half an accumulator LSB for `AP_RND`, 0 for `AP_TRN`.
    pub(super) half: i32,
    /// The accumulator's width and signedness, for the final wrap.
    pub(super) width: u32,
    pub(super) signed: bool,
}

/// The element type of an exact dot product.
trait Lane: Copy + Default {
    fn dot(x: &[Self], w: &[Self]) -> Self;
    fn add(self, other: Self) -> Self;
    fn to_i64(self) -> i64;
}

impl Lane for i64 {
    #[inline(always)]
    fn dot(x: &[i64], w: &[i64]) -> i64 {
        x.iter().zip(w).map(|(&a, &b)| a * b).sum()
    }
    #[inline(always)]
    fn add(self, other: i64) -> i64 {
        self + other
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self
    }
}

impl Lane for f64 {
    /// Eight independent partial sums: exact, as every partial sum is an integer below 2⁵³.
    #[inline(always)]
    fn dot(x: &[f64], w: &[f64]) -> f64 {
        let mut acc = [0f64; 8];
        let (xc, xr) = x.split_at(x.len() / 8 * 8);
        let wc = &w[..xc.len()];
        for (a, b) in xc.chunks_exact(8).zip(wc.chunks_exact(8)) {
            for k in 0..8 {
                acc[k] += a[k] * b[k];
            }
        }
        for (k, (&a, &b)) in xr.iter().zip(&w[xc.len()..]).enumerate() {
            acc[k] += a * b;
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    }
    #[inline(always)]
    fn add(self, other: f64) -> f64 {
        self + other
    }
    #[inline(always)]
    fn to_i64(self) -> i64 {
        self as i64
    }
}

impl MacPlan {
    pub fn build(ctx: &Ctx<'_>) -> Result<MacPlan, ModelError> {
        let x = ctx.x();
        let out = &ctx.layer.shape;
        let (weights, bias, accum, g) = match &ctx.layer.kind {
            LayerKind::Dense { weights, bias, accum } => {
                let n_in = *x.shape.last().unwrap_or(&0);
                let n_out = *out.last().unwrap_or(&0);
                let positions = x.size() / n_in.max(1);
                if n_in == 0 || x.shape[..x.shape.len() - 1] != out[..out.len() - 1] {
                    return Err(ctx.err(format!("input shape {:?} does not give {out:?}", x.shape)));
                }
                let d = Dim {
                    n: positions,
                    k: 1,
                    stride: 1,
                    dilation: 1,
                    pad: (0, 0),
                };
                let g = Geom::new(ctx, &[d], n_in, &[positions])?;
                check_len(ctx, "weights", weights, n_in * n_out)?;
                (weights, bias, *accum, g)
            }
            LayerKind::Conv {
                kernel,
                weights,
                bias,
                accum,
                strides,
                dilation,
                padding,
            } => {
                let n = kernel.len();
                let ds = dims(ctx, &x.shape, kernel, strides, Some(dilation), padding)?;
                if out.len() != n + 1 {
                    return Err(ctx.err(format!("output shape {out:?} is not {}-D", n + 1)));
                }
                let c_in = x.shape[n];
                let g = Geom::new(ctx, &ds, c_in, &out[..n])?;
                let c_out = out[n];
                check_len(ctx, "weights", weights, kernel.iter().product::<usize>() * c_in * c_out)?;
                (weights, bias, *accum, g)
            }
            _ => unreachable!("not a Dense or Conv layer"),
        };
        let c_out = *out.last().unwrap_or(&0);
        check_len(ctx, "biases", bias, c_out)?;
        let x_ty = ctx.x_ty();
        let res_ty = ctx.layer.result;
        for (what, t) in [
            ("weight type", &weights.ty),
            ("bias type", &bias.ty),
            ("accumulator type", &accum),
        ] {
            ctx.check_type(what, t)?;
        }
        let p_ty = x_ty.mul_type(&weights.ty);
        let s_ty = accum.add_type(&accum);
        ctx.check_type("the product of input and weight", &p_ty)?;
        ctx.check_type("the sum of two accumulators", &s_ty)?;

        // [k…][c_in][c_out] → [c_out][k…][c_in]
        let taps = g.kh * g.kw;
        let c_in = g.c_in;
        let mut w = vec![0i128; weights.len()];
        for t in 0..taps {
            for ci in 0..c_in {
                for co in 0..c_out {
                    w[(co * taps + t) * c_in + ci] = weights.raw[(t * c_in + ci) * c_out + co];
                }
            }
        }
        let bias_cast = Cast::new(bias.ty, accum);
        let bias_acc: Vec<(i128, bool)> = bias.raw.iter().map(|&b| bias_cast.apply(b)).collect();
        let prod = Cast::new(p_ty, accum);
        let sum = Cast::new(s_ty, accum);
        let res = Cast::new(accum, res_ty);
        let stepwise =
            fits_i64(&x_ty) && fits_i64(&p_ty) && accum.width <= 62 && prod.is_fast() && sum.is_fast() && res.is_fast();
        let w64 = stepwise.then(|| w.iter().map(|&v| v as i64).collect());
        let exact = exact_sum(&x_ty, &weights.ty, bias, &accum, &res_ty, &w, taps * c_in);
        let modular = modular(&x_ty, &accum, &prod, &res, &w, &bias_acc);
        Ok(MacPlan {
            g,
            c_out,
            w,
            bias_acc,
            prod,
            sum,
            res,
            w64,
            exact,
            modular,
            x_ty,
        })
    }

    /// Computes the layer on one sample; `count` asks for exact overflow counts (the modular path,
    /// which cannot count, is then skipped).
    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows, scratch: &mut Scratch, count: bool) {
        if let (Some(x), Some(y)) = (W::narrow(x), W::narrow_mut(y)) {
            if let Some(e) = &self.exact {
                match &e.wf {
                    Some((w, b)) => {
                        let xf = scratch.f64s(x.len());
                        for (d, &v) in xf.iter_mut().zip(x) {
                            *d = v as f64;
                        }
                        self.run_exact(xf, w, b, &e.res, y, c);
                    }
                    None => self.run_exact(x, &e.w, &e.b, &e.res, y, c),
                }
                return;
            }
            if let (Some(m), false) = (&self.modular, count) {
                match &m.w16 {
                    Some(w) => {
                        let xi = scratch.i16s(x.len());
                        for (d, &v) in xi.iter_mut().zip(x) {
                            *d = v as i16;
                        }
                        self.run_modular(m, xi, w, y, c);
                    }
                    None => {
                        let xi = scratch.i32s(x.len());
                        for (d, &v) in xi.iter_mut().zip(x) {
                            *d = v as i32;
                        }
                        self.run_modular(m, xi, &m.w, y, c);
                    }
                }
                return;
            }
            if let Some(w) = &self.w64 {
                self.run_stepwise(w, x, y, c);
                return;
            }
        }
        self.run_generic(x, y, c);
    }

    /// The implementations available to this layer, for tests: the predicting one first.
    #[cfg(test)]
    pub fn paths(&self) -> String {
        let mut p = vec![];
        match &self.exact {
            Some(e) if e.wf.is_some() => p.push("exact f64"),
            Some(_) => p.push("exact i64"),
            None => {
                match &self.modular {
                    Some(m) if m.w16.is_some() => p.push("modular i16"),
                    Some(_) => p.push("modular i32"),
                    None => {}
                }
                if self.w64.is_some() {
                    p.push("stepwise");
                }
                p.push("generic");
            }
        }
        p.join(", ")
    }

    /// The output positions: `(first output index, output row, output column)`.
    #[inline(always)]
    fn positions(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        let (ow, c_out) = (self.g.ow, self.c_out);
        (0..self.g.oh).flat_map(move |oy| (0..ow).map(move |ox| ((oy * ow + ox) * c_out, oy, ox)))
    }

    /// The valid kernel positions of output `(oy, ox)`: `(x offset, w offset)` of `c_in` values each.
    #[inline(always)]
    fn taps(&self, oy: usize, ox: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let g = &self.g;
        let (ky0, ky1) = g.ky[oy];
        let (kx0, kx1) = g.kx[ox];
        (ky0..ky1).flat_map(move |ky| {
            let iy = g.iy(oy, ky);
            (kx0..kx1).map(move |kx| ((iy * g.iw + g.ix(ox, kx)) * g.c_in, (ky * g.kw + kx) * g.c_in))
        })
    }

    fn run_exact<T: Lane>(&self, x: &[T], w: &[T], b: &[T], res: &Cast, y: &mut [i64], c: &mut Overflows) {
        let n = self.g.c_in;
        let per_out = self.g.kh * self.g.kw * n;
        let mut finish = |s: T, yv: &mut i64| {
            let (v, o) = res.apply64(s.to_i64());
            *yv = v;
            c.result += o as u64;
        };
        if self.single_tap() {
            // Dense (and unpadded 1×1 convolutions): one contiguous dot product per output.
            for (xs, ys) in x.chunks_exact(n).zip(y.chunks_exact_mut(self.c_out)) {
                for (co, yv) in ys.iter_mut().enumerate() {
                    finish(b[co].add(T::dot(xs, &w[co * n..(co + 1) * n])), yv);
                }
            }
            return;
        }
        for (out, oy, ox) in self.positions() {
            for co in 0..self.c_out {
                let wbase = co * per_out;
                let mut s = b[co];
                for (xo, wo) in self.taps(oy, ox) {
                    s = s.add(T::dot(&x[xo..xo + n], &w[wbase + wo..wbase + wo + n]));
                }
                finish(s, &mut y[out + co]);
            }
        }
    }

    /// One kernel position per output, reading the input position of the same index (Dense, and
    /// 1×1 convolutions without padding or stride): each output is one contiguous dot product.
    fn single_tap(&self) -> bool {
        let g = &self.g;
        g.kh * g.kw == 1 && g.ph == 0 && g.pw == 0 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw
    }

    fn run_modular<T: Copy + Into<i32>>(&self, m: &Modular, x: &[T], w: &[T], y: &mut [i64], c: &mut Overflows) {
        let n = self.g.c_in;
        let per_out = self.g.kh * self.g.kw * n;
        let dot = |xs: &[T], ws: &[T]| -> i32 {
            xs.iter().zip(ws).fold(0i32, |a, (&xv, &wv)| {
                a.wrapping_add((xv.into() * wv.into() + m.half) >> m.shift)
            })
        };
        let sh = 64 - m.width;
        let mut finish = |a: i32, yv: &mut i64| {
            let a = if m.signed {
                ((a as i64) << sh) >> sh
            } else {
                (((a as i64) << sh) as u64 >> sh) as i64
            };
            let (v, o) = self.res.apply64(a);
            *yv = v;
            c.result += o as u64;
        };
        if self.single_tap() {
            for (xs, ys) in x.chunks_exact(n).zip(y.chunks_exact_mut(self.c_out)) {
                for (co, yv) in ys.iter_mut().enumerate() {
                    finish(m.b[co].wrapping_add(dot(xs, &w[co * n..(co + 1) * n])), yv);
                }
            }
            return;
        }
        for (out, oy, ox) in self.positions() {
            for co in 0..self.c_out {
                let wbase = co * per_out;
                let mut a = m.b[co];
                for (xo, wo) in self.taps(oy, ox) {
                    a = a.wrapping_add(dot(&x[xo..xo + n], &w[wbase + wo..wbase + wo + n]));
                }
                finish(a, &mut y[out + co]);
            }
        }
    }

    fn run_stepwise(&self, w: &[i64], x: &[i64], y: &mut [i64], c: &mut Overflows) {
        let n = self.g.c_in;
        let per_out = self.g.kh * self.g.kw * n;
        let (prod, sum) = (&self.prod, &self.sum);
        for (out, oy, ox) in self.positions() {
            for co in 0..self.c_out {
                let wbase = co * per_out;
                let (b, bo) = self.bias_acc[co];
                let mut a = b as i64;
                let mut ovf = bo as u64;
                for (xo, wo) in self.taps(oy, ox) {
                    let xs = &x[xo..xo + n];
                    let ws = &w[wbase + wo..wbase + wo + n];
                    for (&xv, &wv) in xs.iter().zip(ws) {
                        let (p, o1) = prod.apply64(xv * wv);
                        let (s, o2) = sum.apply64(a + p);
                        a = s;
                        ovf += o1 as u64 + o2 as u64;
                    }
                }
                c.accum += ovf;
                let (v, o) = self.res.apply64(a);
                y[out + co] = v;
                c.result += o as u64;
            }
        }
    }

    fn run_generic<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        let n = self.g.c_in;
        let per_out = self.g.kh * self.g.kw * n;
        for (out, oy, ox) in self.positions() {
            for co in 0..self.c_out {
                let wbase = co * per_out;
                let (mut a, bo) = self.bias_acc[co];
                let mut ovf = bo as u64;
                for (xo, wo) in self.taps(oy, ox) {
                    for i in 0..n {
                        let (p, o1) = self.prod.apply(x[xo + i].get() * self.w[wbase + wo + i]);
                        let (s, o2) = self.sum.apply(a + p);
                        a = s;
                        ovf += o1 as u64 + o2 as u64;
                    }
                }
                c.accum += ovf;
                let (v, o) = self.res.apply(a);
                y[out + co] = W::put(v);
                c.result += o as u64;
            }
        }
    }
}

fn check_len(ctx: &Ctx<'_>, what: &str, w: &Weights, n: usize) -> Result<(), ModelError> {
    if w.len() == n {
        Ok(())
    } else {
        Err(ctx.err(format!("{} {what} given, {n} expected", w.len())))
    }
}

/// The exact-sum path, when every `Q_acc` of the layer is provably the identity and the sums fit an
/// `i64`: the accumulator has at least the fractional bits of the products and of the biases, and
/// `|b| + Σ |x|max·|w|` fits it for every output.
fn exact_sum(
    x: &FixedType,
    w_ty: &FixedType,
    bias: &Weights,
    acc: &FixedType,
    res: &FixedType,
    w: &[i128],
    per_out: usize,
) -> Option<ExactSum> {
    if !fits_i64(x) || !acc.signed {
        return None;
    }
    let pf = x.frac_bits() + w_ty.frac_bits();
    let bf = bias.ty.frac_bits();
    let f = pf.max(bf);
    if acc.frac_bits() < f || f - pf > 62 || f - bf > 62 {
        return None;
    }
    let x_max = x.min_raw().unsigned_abs().max(x.max_raw().unsigned_abs());
    // The largest magnitude of a partial sum the accumulator holds exactly, at scale 2^-f.
    let acc_max = acc.max_raw() >> (acc.frac_bits() - f).min(127) as u32;
    let limit = (acc_max as u128).min(1 << 62);
    let mut wide = Vec::with_capacity(w.len());
    let mut b = Vec::with_capacity(bias.len());
    let mut largest = 0u128;
    for (co, &braw) in bias.raw.iter().enumerate() {
        let bs = braw.checked_mul(1i128 << (f - bf))?;
        let mut bound = bs.unsigned_abs();
        for &wv in &w[co * per_out..(co + 1) * per_out] {
            let ws = wv.checked_mul(1i128 << (f - pf))?;
            bound = bound.checked_add(ws.unsigned_abs().checked_mul(x_max)?)?;
            if bound > limit {
                return None;
            }
            wide.push(ws as i64);
        }
        if bound > limit {
            return None;
        }
        largest = largest.max(bound);
        b.push(bs as i64);
    }
    let bits = 129 - largest.leading_zeros(); // magnitude bits plus the sign
    let res = Cast::new(exact_type(bits.max(2), f), *res);
    let wf = (largest <= 1 << 53).then(|| {
        (
            wide.iter().map(|&v| v as f64).collect(),
            b.iter().map(|&v| v as f64).collect(),
        )
    });
    res.is_fast().then_some(ExactSum { w: wide, b, wf, res })
}

/// The modular path, when the accumulator wraps (no saturation bits) within 32 bits, products are
/// truncated or rounded half up into it, and every product, with the rounding half added, fits an
/// `i32`.
fn modular(
    x: &FixedType,
    acc: &FixedType,
    prod: &Cast,
    res: &Cast,
    w: &[i128],
    bias_acc: &[(i128, bool)],
) -> Option<Modular> {
    let wraps = acc.overflow == Overflow::Wrap && acc.sat_bits == 0 && !acc.integer && acc.width <= 32;
    let shift = prod.from.frac_bits() - acc.frac_bits();
    let rounding = matches!(acc.quantization, Quantization::Trn | Quantization::Rnd);
    if !wraps || !rounding || !(0..=30).contains(&shift) || !res.is_fast() || !fits_i64(x) {
        return None;
    }
    let half = if acc.quantization == Quantization::Rnd && shift > 0 {
        1i128 << (shift - 1)
    } else {
        0
    };
    let x_max = x.min_raw().unsigned_abs().max(x.max_raw().unsigned_abs());
    let w_max = w.iter().map(|v| v.unsigned_abs()).max().unwrap_or(0);
    if x_max >= 1 << 31 || x_max.checked_mul(w_max)?.checked_add(half as u128)? >= 1 << 31 {
        return None;
    }
    let i16s = |lo: i128, hi: i128| lo >= i16::MIN as i128 && hi <= i16::MAX as i128;
    let narrow = i16s(x.min_raw(), x.max_raw()) && w.iter().all(|&v| i16s(v, v));
    Some(Modular {
        w16: narrow.then(|| w.iter().map(|&v| v as i16).collect()),
        w: w.iter().map(|&v| v as i32).collect(),
        // Q_acc(b) fits W ≤ 32 bits; as an i32 it is the same modulo 2^32
        b: bias_acc.iter().map(|&(v, _)| v as i32).collect(),
        shift: shift as u32,
        half: half as i32,
        width: acc.width,
        signed: acc.signed,
    })
}
