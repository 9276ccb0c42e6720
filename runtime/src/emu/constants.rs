//! The constants of `docs/semantics.md` that the firmware writer emits and the emulator uses:
//! activation parameters, lookup tables and reciprocals, computed once, here, so both agree.

use crate::fixed::{FixedType, Overflow, Quantization};

/// The type of an activation parameter `p` (leaky α, clip bounds, hard-sigmoid slope and offset,
/// selu λ): `ap_fixed<18, I, AP_RND_CONV, AP_SAT>` with `I` the fewest integer bits that hold `|p|`
/// (at least 1).
pub fn param_type(p: f64) -> FixedType {
    let mut i = 1;
    while FixedType::fixed(18, i).max_value() < p.abs() && i < 64 {
        i += 1;
    }
    FixedType::fixed(18, i).with_modes(Quantization::RndConv, Overflow::Sat)
}

/// `Q_P(p)`: an activation parameter quantized to [`param_type`], as `(type, raw)`.
pub fn param(p: f64) -> (FixedType, i128) {
    let t = param_type(p);
    (t, t.quantize_f64(p))
}

/// The type of the reciprocal `1/count` of average pooling: `ap_ufixed<24,1,AP_RND_CONV,AP_SAT>`.
pub fn reciprocal_type() -> FixedType {
    FixedType::ufixed(24, 1).with_modes(Quantization::RndConv, Overflow::Sat)
}

/// `Q_R(1/count)` for average pooling, as a raw value of [`reciprocal_type`].
pub fn reciprocal(count: usize) -> i128 {
    reciprocal_type().quantize_f64(1.0 / count.max(1) as f64)
}

/// A lookup table: `N` entries over `[lo, hi)`; entry `k` is `Q_table(f(lo + (k + ½)·(hi − lo)/N))`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Lower end of the input range.
    pub lo: f64,
    /// Upper end of the input range (`hi − lo` is a power of two).
    pub hi: f64,
    /// The entry type.
    pub ty: FixedType,
    /// The raw entries.
    pub raw: Vec<i128>,
}

impl Table {
    /// Builds the table of `f` with `n` entries (a power of two) over `[lo, hi)`.
    pub fn new(f: impl Fn(f64) -> f64, lo: f64, hi: f64, n: usize, ty: FixedType) -> Table {
        let step = (hi - lo) / n as f64;
        let raw = (0..n)
            .map(|k| ty.quantize_f64(f(lo + (k as f64 + 0.5) * step)))
            .collect();
        Table { lo, hi, ty, raw }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// True for a table without entries.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// `log2(N / (hi − lo))`: the index of `x` is `floor((x − lo) · 2^shift)`. May be negative.
    pub fn index_shift(&self) -> i32 {
        ((self.len() as f64) / (self.hi - self.lo)).log2().round() as i32
    }

    /// The entry index of a value `x` given as a raw value of type `x_ty`, clamped to the table:
    /// `x < lo → 0`, `x ≥ hi → N−1`, else `floor((x − lo)·N/(hi − lo))`, computed exactly.
    pub fn index(&self, x_raw: i128, x_ty: &FixedType) -> usize {
        self.indexer(x_ty).index(x_raw)
    }

    /// Why [`Table::index`] cannot be computed exactly, in 128-bit arithmetic, for inputs of type
    /// `x_ty`, if it cannot: the table needs a power-of-two number of entries, a finite input range
    /// whose width is a power of two, and a lower end on the grid of the index computation.
    pub fn index_problem(&self, x_ty: &FixedType) -> Option<String> {
        let n = self.len();
        if !n.is_power_of_two() {
            return Some(format!("{n} entries; a table needs a power of two"));
        }
        let (lo, hi) = (self.lo, self.hi);
        let width = hi - lo;
        if !(lo.is_finite() && hi.is_finite() && width > 0.0 && width.is_finite()) {
            return Some(format!("the input range [{lo}, {hi}) is empty or not finite"));
        }
        if width != width.log2().round().exp2() {
            return Some(format!(
                "the width of the input range [{lo}, {hi}) is not a power of two"
            ));
        }
        let f = x_ty.frac_bits();
        let s = self.index_shift();
        let scale = f.max(-s).max(0) + 8;
        let lo_scaled = lo * (scale as f64).exp2();
        let up = scale - f;
        if !(lo_scaled.fract() == 0.0 && lo_scaled.abs() <= 2f64.powi(100)) || x_ty.width as i32 + up > 120 {
            return Some(format!(
                "the input range [{lo}, {hi}) does not fit the index computation for {x_ty} inputs \
                 (128-bit integers)"
            ));
        }
        None
    }

    /// [`Table::index`] for values of type `x_ty`, with its constants computed once. Exact when
    /// [`Table::index_problem`] finds none.
    pub fn indexer(&self, x_ty: &FixedType) -> Indexer {
        // x = x_raw · 2^-F. (x - lo) · 2^s = (x_raw - lo·2^F) · 2^(s - F), exactly, as lo is a
        // multiple of the table's step and of a power of two.
        let f = x_ty.frac_bits();
        let s = self.index_shift();
        // Work at the finer of the two scales so `lo` is an integer there.
        let scale = f.max(-s).max(0) + 8;
        Indexer {
            up: (scale - f).clamp(0, 126) as u32,
            lo: (self.lo * (scale as f64).exp2()) as i128,
            down: (scale - s).clamp(0, 127) as u32,
            last: self.len().saturating_sub(1),
        }
    }
}

/// The index computation of a [`Table`] for one input type ([`Table::indexer`]):
/// `max(0, x_raw · 2^up − lo) · 2^−down`, clamped to the last entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indexer {
    up: u32,
    lo: i128,
    down: u32,
    last: usize,
}

impl Indexer {
    /// The entry index of the raw value `x_raw`.
    #[inline]
    pub fn index(&self, x_raw: i128) -> usize {
        let d = (x_raw << self.up) - self.lo;
        if d < 0 {
            return 0;
        }
        (d >> self.down).min(self.last as i128) as usize
    }
}

impl Indexer {
    /// The same computation in `i64`, for raw values of at most `bits` bits (sign included), when
    /// every intermediate value fits.
    pub(crate) fn narrow(&self, bits: u32) -> Option<Indexer64> {
        let lo = i64::try_from(self.lo).ok().filter(|lo| lo.unsigned_abs() < 1 << 61)?;
        (bits + self.up <= 61).then_some(Indexer64 {
            up: self.up,
            lo,
            down: self.down.min(63),
            last: self.last as i64,
        })
    }
}

/// [`Indexer`] in `i64` arithmetic ([`Indexer::narrow`]), written without branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Indexer64 {
    up: u32,
    lo: i64,
    down: u32,
    last: i64,
}

impl Indexer64 {
    /// The entry index of the raw value `x_raw`.
    #[inline(always)]
    pub fn index(&self, x_raw: i64) -> i64 {
        ((x_raw << self.up) - self.lo)
            .max(0)
            .wrapping_shr(self.down)
            .min(self.last)
    }
}

/// The input range of a table activation, per `docs/semantics.md`.
pub fn activation_range(name: &str) -> (f64, f64) {
    match name {
        "tanh" => (-4.0, 4.0),
        "elu" | "selu" => (-8.0, 0.0),
        _ => (-8.0, 8.0),
    }
}

/// The exp table of a softmax: over `[-8, 0)` (stable) or `[-8, 8)` (latency).
pub fn softmax_exp_table(stable: bool, n: usize, ty: FixedType) -> Table {
    Table::new(f64::exp, -8.0, if stable { 0.0 } else { 8.0 }, n, ty)
}

/// The 1/x table of a softmax of `classes` values: over `[0, 2^c)` with `2^c ≥ classes` (stable) or
/// `2^c ≥ classes·e^8` (latency).
pub fn softmax_inv_table(stable: bool, classes: usize, n: usize, ty: FixedType) -> Table {
    let max_sum = if stable {
        classes as f64
    } else {
        classes as f64 * 8f64.exp()
    };
    let hi = max_sum.log2().ceil().max(0.0).exp2();
    Table::new(|s| 1.0 / s, 0.0, hi, n, ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_get_enough_integer_bits() {
        assert_eq!(param_type(0.3).int_bits, 1);
        assert_eq!(param_type(6.0).int_bits, 4);
        let (t, raw) = param(0.5);
        assert_eq!(t.to_f64(raw), 0.5);
    }

    #[test]
    fn tables_the_index_cannot_serve_are_named() {
        let x = FixedType::fixed(16, 6);
        let t = |lo: f64, hi: f64, n: usize| {
            let mut t = Table::new(|v| v, -8.0, 8.0, n, FixedType::fixed(18, 8));
            (t.lo, t.hi) = (lo, hi);
            t.index_problem(&x)
        };
        assert_eq!(t(-8.0, 8.0, 1024), None);
        assert_eq!(t(0.0, 64.0, 4096), None);
        assert!(t(-8.0, 8.0, 1000).unwrap().contains("power of two"));
        assert!(t(-1e300, 8.0, 64).unwrap().contains("power of two"));
        assert!(t(f64::NAN, 8.0, 64).unwrap().contains("not finite"));
        assert!(t(8.0, -8.0, 64).unwrap().contains("empty"));
        assert!(t(-8.001, 7.999, 64).unwrap().contains("index computation"));
        assert!(t(-(2f64.powi(200)), 0.0, 64).unwrap().contains("index computation"));
        // wide inputs leave no room for the scaling
        let wide = FixedType::fixed(118, 60);
        let table = Table::new(|v| v, -8.0, 8.0, 1024, FixedType::fixed(18, 8));
        assert!(table.index_problem(&wide).is_some());
        assert_eq!(table.index_problem(&FixedType::fixed(100, 60)), None);
    }

    #[test]
    fn the_i64_index_matches_the_exact_one() {
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut narrowed = 0;
        for _ in 0..2000 {
            let n = 1usize << next(13);
            let lo = -(next(20) as f64);
            let hi = lo + (next(8) as f64 - 2.0).exp2();
            let t = Table::new(|x| x, lo, hi, n, FixedType::fixed(18, 8));
            let x_ty = FixedType::fixed(1 + next(40) as u32, next(30) as i32 - 8);
            let ix = t.indexer(&x_ty);
            let Some(ix64) = ix.narrow(x_ty.width) else { continue };
            narrowed += 1;
            for _ in 0..50 {
                let raw = x_ty.wrap_raw(next(u64::MAX) as i64 as i128);
                assert_eq!(
                    ix64.index(raw as i64) as usize,
                    ix.index(raw),
                    "{x_ty} {lo} {hi} {n}: {raw}"
                );
            }
            for raw in [x_ty.min_raw(), x_ty.max_raw(), 0] {
                assert_eq!(
                    ix64.index(raw as i64) as usize,
                    ix.index(raw),
                    "{x_ty} {lo} {hi} {n}: {raw}"
                );
            }
        }
        assert!(narrowed > 1000, "{narrowed}");
    }

    #[test]
    fn table_index_is_floor_of_the_scaled_distance_and_clamps() {
        let t = Table::new(|x| x, -8.0, 8.0, 1024, FixedType::fixed(18, 8));
        let x = FixedType::fixed(16, 6);
        let at = |v: f64| t.index(x.quantize_f64(v), &x);
        assert_eq!(at(-8.0), 0);
        assert_eq!(at(-31.0), 0);
        assert_eq!(at(0.0), 512);
        assert_eq!(at(8.0), 1023);
        assert_eq!(at(7.99), 1023);
        assert_eq!(at(-8.0 + 1.0 / 64.0), 1);
        assert_eq!(at(-8.0 + 1.0 / 64.0 - 1.0 / 1024.0), 0);
        // the entry is the function at the middle of its bin
        assert_eq!(t.ty.to_f64(t.raw[512]), 1.0 / 128.0);
    }
}
