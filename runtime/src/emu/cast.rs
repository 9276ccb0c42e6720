//! One conversion `to t = from_value;` prepared once per layer: an `i64` fast path for the common
//! types, the exact `i128` arithmetic of [`FixedType::cast_from`] otherwise, and in both cases whether
//! the exact value fitted the target (what the overflow counts of a trace report).

use crate::fixed::{round_up, FixedType, Overflow, Quantization};

/// True when every raw value of `t` fits an `i64`.
pub(crate) fn fits_i64(t: &FixedType) -> bool {
    if t.signed {
        t.width <= 64
    } else {
        t.width <= 63
    }
}

/// A signed type with `frac` fractional bits and `width` bits: the container of an exact
/// intermediate value (a sum, a product) computed by a kernel.
pub(crate) fn exact_type(width: u32, frac: i32) -> FixedType {
    FixedType::fixed(width, width as i32 - frac)
}

/// A conversion from one fixed-point type to another, with the target's rounding and overflow modes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cast {
    /// The source type.
    pub from: FixedType,
    /// The target type.
    pub to: FixedType,
    /// `from.frac_bits() - to.frac_bits()`: bits dropped (positive) or appended (negative).
    shift: i32,
    /// Every value of `from` is exactly representable in `to`.
    identity: bool,
    /// The `i64` path of [`Cast::apply64`] is valid.
    fast: bool,
    /// Smallest raw value of `to` (when `fast`).
    min: i64,
    /// Largest raw value of `to` (when `fast`).
    max: i64,
}

impl Cast {
    /// Prepares the conversion. Both types must pass [`FixedType::check_raw`].
    pub fn new(from: FixedType, to: FixedType) -> Cast {
        let shift = from.frac_bits() - to.frac_bits();
        let sym_edge = to.overflow == Overflow::SatSym && to.signed && from.min_raw() == to.min_raw();
        let identity = shift == 0 && from.min_raw() >= to.min_raw() && from.max_raw() <= to.max_raw() && !sym_edge;
        // an ap_int target, and AP_WRAP with saturation bits, take the generic path
        let plain = !to.integer && (to.overflow != Overflow::Wrap || to.sat_bits == 0);
        let fast =
            plain && fits_i64(&to) && fits_i64(&from) && shift <= 62 && (shift >= 0 || from.width as i32 - shift <= 63);
        let (min, max) = if fits_i64(&to) {
            (to.min_raw() as i64, to.max_raw() as i64)
        } else {
            (i64::MIN, i64::MAX)
        };
        Cast {
            from,
            to,
            shift,
            identity,
            fast,
            min,
            max,
        }
    }

    /// True when the conversion never changes a value of the source type.
    #[inline]
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// True when [`Cast::apply64`] may be used.
    #[inline]
    pub fn is_fast(&self) -> bool {
        self.fast
    }

    /// The converted raw value and whether the exact value did not fit the target, for a raw value
    /// of the source type. Only valid when [`Cast::is_fast`].
    #[inline(always)]
    pub fn apply64(&self, m: i64) -> (i64, bool) {
        let q = if self.shift <= 0 {
            m << (-self.shift) as u32
        } else {
            let s = self.shift as u32;
            let t = m >> s;
            let mode = self.to.quantization;
            if mode == Quantization::Trn {
                t
            } else {
                let neg = m < 0;
                let qb = (m >> (s - 1)) & 1 != 0;
                let r = s >= 2 && m & ((1i64 << (s - 1)) - 1) != 0;
                t + round_up(mode, neg, qb, r, t & 1 != 0) as i64
            }
        };
        let sym = self.to.overflow == Overflow::SatSym && self.to.signed;
        let over = q > self.max;
        let under = q < self.min || (sym && m < 0 && q == self.min);
        if !(over || under) {
            return (q, false);
        }
        let v = match self.to.overflow {
            Overflow::Wrap => {
                let sh = 64 - self.to.width;
                if self.to.signed {
                    q.wrapping_shl(sh) >> sh
                } else {
                    ((q as u64).wrapping_shl(sh) >> sh) as i64
                }
            }
            Overflow::SatZero => 0,
            Overflow::Sat | Overflow::SatSym => {
                if over {
                    self.max
                } else if sym {
                    self.min | 1
                } else {
                    self.min
                }
            }
        };
        (v, true)
    }

    /// The converted raw value and whether the exact value did not fit the target, for a raw value
    /// `m` of the source type (any type that passes [`FixedType::check_raw`]).
    #[inline]
    pub fn apply(&self, m: i128) -> (i128, bool) {
        if self.identity {
            return (m, false);
        }
        if self.fast {
            let (v, o) = self.apply64(m as i64);
            return (v as i128, o);
        }
        (self.to.cast_from(m, &self.from), self.overflows(m))
    }

    /// Whether converting `m` (a raw value of the source type) leaves the target's range: the value
    /// rounded with the target's quantization (truncated towards zero for an `ap_int`) does not fit.
    fn overflows(&self, m: i128) -> bool {
        let to = &self.to;
        let q = if self.shift <= 0 {
            let s = (-self.shift) as u32;
            if m == 0 {
                return false;
            }
            if s >= 127 || (m << s) >> s != m {
                return true;
            }
            m << s
        } else {
            let s = self.shift as u32;
            let neg = m < 0;
            let t = if s >= 128 { -(neg as i128) } else { m >> s };
            let qb = if s > 127 { neg } else { (m >> (s - 1)) & 1 != 0 };
            let r = if s < 2 {
                false
            } else if s > 128 {
                m != 0
            } else {
                (m as u128) & ((1u128 << (s - 1)) - 1) != 0
            };
            if to.integer {
                t + (neg && (qb || r)) as i128
            } else if to.quantization == Quantization::Trn {
                t
            } else {
                t + round_up(to.quantization, neg, qb, r, t & 1 != 0) as i128
            }
        };
        let sym = to.overflow == Overflow::SatSym && to.signed && !to.integer;
        q > to.max_raw() || q < to.min_raw() || (sym && m < 0 && q == to.min_raw())
    }
}

/// A [`Cast`] over whole slices of `i64` raw values, written without branches so that the loops
/// vectorize: the rounding and overflow modes are type parameters of the loop, chosen once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct VCast {
    /// Rounding: [`VCast::NONE`] when no bit is dropped, else `1 + ` the index of the mode in
    /// [`Quantization::ALL`].
    q: u8,
    /// Overflow handling: one of the `O_*` constants.
    o: u8,
    /// Bits appended (`left`) or dropped (`right`).
    left: u32,
    right: u32,
    /// The bits below the rounding bit: `2^(right−1) − 1`.
    rest: i64,
    /// Range of the target; for `AP_SAT_SYM` of a signed type `min` is the symmetric bound.
    min: i64,
    max: i64,
    /// `64 − width` of the target, for wrapping.
    wrap: u32,
}

impl VCast {
    /// No rounding: the conversion only appends bits (or none).
    const NONE: u8 = 0;
    /// Every rounded value fits the target.
    const O_NONE: u8 = 0;
    /// Wrap into a signed target.
    const O_WRAP_S: u8 = 1;
    /// Wrap into an unsigned target.
    const O_WRAP_U: u8 = 2;
    /// Saturate (and `AP_SAT_SYM`, with its symmetric lower bound).
    const O_SAT: u8 = 3;
    /// Zero on overflow.
    const O_ZERO: u8 = 4;

    /// The slice form of `cast`, when [`Cast::is_fast`].
    pub fn new(cast: &Cast) -> Option<VCast> {
        if !cast.fast {
            return None;
        }
        let (from, to) = (&cast.from, &cast.to);
        let (left, right) = if cast.shift <= 0 {
            ((-cast.shift) as u32, 0)
        } else {
            (0, cast.shift as u32)
        };
        let q = if right == 0 {
            VCast::NONE
        } else {
            1 + Quantization::ALL
                .iter()
                .position(|&m| m == to.quantization)
                .unwrap_or(0) as u8
        };
        // The rounded values of the source lie within [lo, hi]: no overflow handling when that
        // range fits the target (a `AP_SAT_SYM` target also needs the symmetric bound).
        let sym = to.overflow == Overflow::SatSym && to.signed;
        let (lo, hi) = if right == 0 {
            (from.min_raw() << left, from.max_raw() << left)
        } else {
            (from.min_raw() >> right, (from.max_raw() >> right) + 1)
        };
        // AP_SAT_SYM's lower bound: `min | 1` (−max, or −1 for one bit)
        let min = if sym { cast.min | 1 } else { cast.min };
        let o = if lo >= min as i128 && hi <= cast.max as i128 {
            VCast::O_NONE
        } else {
            match to.overflow {
                Overflow::Wrap if to.signed => VCast::O_WRAP_S,
                Overflow::Wrap => VCast::O_WRAP_U,
                Overflow::SatZero => VCast::O_ZERO,
                Overflow::Sat | Overflow::SatSym => VCast::O_SAT,
            }
        };
        Some(VCast {
            q,
            o,
            left,
            right,
            rest: if right >= 2 { (1i64 << (right - 1)) - 1 } else { 0 },
            min: if o == VCast::O_ZERO { cast.min } else { min },
            max: cast.max,
            wrap: 64 - to.width.min(64),
        })
    }

    /// True when the conversion changes nothing.
    pub fn is_identity(&self) -> bool {
        self.q == VCast::NONE && self.o == VCast::O_NONE && self.left == 0
    }

    /// One value.
    #[inline(always)]
    fn one<const Q: u8, const O: u8>(&self, m: i64) -> i64 {
        let q = if Q == VCast::NONE {
            m.wrapping_shl(self.left)
        } else {
            let t = m.wrapping_shr(self.right);
            // The modes of `round_up`, in the order of Quantization::ALL.
            let neg = m < 0;
            let qb = m.wrapping_shr(self.right - 1) & 1 != 0;
            let r = m & self.rest != 0;
            let odd = t & 1 != 0;
            let up = match Q {
                1 => false,           // AP_TRN
                2 => neg & (qb | r),  // AP_TRN_ZERO
                3 => qb,              // AP_RND
                4 => qb & (neg | r),  // AP_RND_ZERO
                5 => qb & r,          // AP_RND_MIN_INF
                6 => qb & (!neg | r), // AP_RND_INF
                _ => qb & (odd | r),  // AP_RND_CONV
            };
            t + up as i64
        };
        match O {
            VCast::O_NONE => q,
            VCast::O_WRAP_S => q.wrapping_shl(self.wrap).wrapping_shr(self.wrap),
            VCast::O_WRAP_U => ((q as u64).wrapping_shl(self.wrap) >> self.wrap) as i64,
            VCast::O_SAT => q.max(self.min).min(self.max),
            _ => {
                if q > self.max || q < self.min {
                    0
                } else {
                    q
                }
            }
        }
    }

    /// Converts `v` in place.
    pub fn apply(&self, v: &mut [i64]) {
        if self.is_identity() {
            return;
        }
        match self.q {
            0 => self.apply_q::<0>(v),
            1 => self.apply_q::<1>(v),
            2 => self.apply_q::<2>(v),
            3 => self.apply_q::<3>(v),
            4 => self.apply_q::<4>(v),
            5 => self.apply_q::<5>(v),
            6 => self.apply_q::<6>(v),
            _ => self.apply_q::<7>(v),
        }
    }

    fn apply_q<const Q: u8>(&self, v: &mut [i64]) {
        match self.o {
            VCast::O_NONE => self.apply_qo::<Q, { VCast::O_NONE }>(v),
            VCast::O_WRAP_S => self.apply_qo::<Q, { VCast::O_WRAP_S }>(v),
            VCast::O_WRAP_U => self.apply_qo::<Q, { VCast::O_WRAP_U }>(v),
            VCast::O_SAT => self.apply_qo::<Q, { VCast::O_SAT }>(v),
            _ => self.apply_qo::<Q, { VCast::O_ZERO }>(v),
        }
    }

    fn apply_qo<const Q: u8, const O: u8>(&self, v: &mut [i64]) {
        super::simd::dispatch(
            #[inline(always)]
            || {
                for x in v.iter_mut() {
                    *x = self.one::<Q, O>(*x);
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift) for the random checks.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn modes() -> Vec<(Quantization, Overflow)> {
        Quantization::ALL
            .iter()
            .flat_map(|&q| Overflow::ALL.iter().map(move |&o| (q, o)))
            .collect()
    }

    /// The exact value of `raw` in `from`, rounded into `to`'s grid without overflow handling, or
    /// None when it is too large to matter.
    fn reference_overflow(from: &FixedType, to: &FixedType, raw: i128) -> bool {
        // Quantize into a very wide type with the same fractional bits and modes: exact there.
        let wide = FixedType {
            width: 120,
            int_bits: 120 - to.frac_bits(),
            signed: true,
            quantization: to.quantization,
            overflow: Overflow::Wrap,
            sat_bits: 0,
            integer: false,
        };
        let q = wide.cast_from(raw, from);
        let sym = to.overflow == Overflow::SatSym && to.signed;
        q > to.max_raw() || q < to.min_raw() || (sym && raw < 0 && q == to.min_raw())
    }

    #[test]
    fn every_small_conversion_matches_the_reference_bits() {
        // All pairs of small types, all modes, every source value.
        let shapes = [(4u32, 2i32), (5, 5), (6, 0), (3, -1), (7, 9), (8, 3)];
        for &(fw, fi) in &shapes {
            for fs in [true, false] {
                let from = FixedType {
                    signed: fs,
                    ..FixedType::fixed(fw, fi)
                };
                for &(tw, ti) in &shapes {
                    for ts in [true, false] {
                        for (q, o) in modes() {
                            let to = FixedType {
                                signed: ts,
                                ..FixedType::fixed(tw, ti)
                            }
                            .with_modes(q, o);
                            let c = Cast::new(from, to);
                            assert!(c.is_fast());
                            for raw in from.min_raw()..=from.max_raw() {
                                let want = to.cast_from(raw, &from);
                                let (got, ovf) = c.apply(raw);
                                assert_eq!(got, want, "{from} -> {to}: {raw}");
                                let (got64, ovf64) = c.apply64(raw as i64);
                                assert_eq!(got64 as i128, want, "{from} -> {to}: {raw} (i64)");
                                assert_eq!(ovf, reference_overflow(&from, &to, raw), "{from} -> {to}: {raw}");
                                assert_eq!(ovf, ovf64);
                                // the generic path agrees with the fast one
                                assert_eq!(c.overflows(raw), ovf, "{from} -> {to}: {raw} (generic)");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn wide_conversions_match_the_reference_bits() {
        let mut rng = Rng(0x9e3779b97f4a7c15);
        let modes = modes();
        for _ in 0..20_000 {
            let fw = 1 + rng.below(100) as u32;
            let tw = 1 + rng.below(100) as u32;
            let from = FixedType {
                signed: rng.below(2) == 0,
                ..FixedType::fixed(fw, rng.below(80) as i32 - 20)
            };
            let (q, o) = modes[rng.below(modes.len() as u64) as usize];
            let to = FixedType {
                signed: rng.below(2) == 0,
                ..FixedType::fixed(tw, rng.below(80) as i32 - 20)
            }
            .with_modes(q, o);
            let c = Cast::new(from, to);
            for _ in 0..8 {
                let bits = ((rng.next() as u128) << 64) | rng.next() as u128;
                let raw = from.wrap_raw(bits as i128 >> rng.below(128));
                let want = to.cast_from(raw, &from);
                let (got, ovf) = c.apply(raw);
                assert_eq!(got, want, "{from} -> {to}: {raw}");
                let d = from.frac_bits() - to.frac_bits();
                if d < 100 && from.width as i32 - d <= 118 {
                    assert_eq!(ovf, reference_overflow(&from, &to, raw), "{from} -> {to}: {raw}");
                }
            }
        }
    }

    /// The slice form gives `apply64`'s bits on every value of every small type pair and mode, and
    /// on random values of random types up to 64 bits.
    #[test]
    fn the_slice_form_matches_the_scalar_conversion() {
        let shapes = [(4u32, 2i32), (5, 5), (6, 0), (3, -1), (7, 9), (8, 3), (1, 1)];
        let mut checked = 0;
        for &(fw, fi) in &shapes {
            for fs in [true, false] {
                let from = FixedType {
                    signed: fs,
                    ..FixedType::fixed(fw, fi)
                };
                for &(tw, ti) in &shapes {
                    for ts in [true, false] {
                        for (q, o) in modes() {
                            let to = FixedType {
                                signed: ts,
                                ..FixedType::fixed(tw, ti)
                            }
                            .with_modes(q, o);
                            let c = Cast::new(from, to);
                            let v = VCast::new(&c).expect("small types have a slice form");
                            let mut raws: Vec<i64> = (from.min_raw()..=from.max_raw()).map(|r| r as i64).collect();
                            let want: Vec<i64> = raws.iter().map(|&r| c.apply64(r).0).collect();
                            v.apply(&mut raws);
                            assert_eq!(raws, want, "{from} -> {to}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 5000, "{checked}");
        let mut rng = Rng(0x2545f4914f6cdd1d);
        let modes = modes();
        let mut fast = 0;
        for _ in 0..20_000 {
            let from = FixedType {
                signed: rng.below(2) == 0,
                ..FixedType::fixed(1 + rng.below(64) as u32, rng.below(90) as i32 - 30)
            };
            let (q, o) = modes[rng.below(modes.len() as u64) as usize];
            let to = FixedType {
                signed: rng.below(2) == 0,
                ..FixedType::fixed(1 + rng.below(64) as u32, rng.below(90) as i32 - 30)
            }
            .with_modes(q, o);
            let c = Cast::new(from, to);
            let Some(v) = VCast::new(&c) else {
                assert!(!c.is_fast());
                continue;
            };
            fast += 1;
            // random raw values, and the edges of the source type
            let mut raws: Vec<i64> = (0..16)
                .map(|_| from.wrap_raw(rng.next() as i64 as i128 >> rng.below(64)) as i64)
                .chain([from.min_raw() as i64, from.max_raw() as i64, 0, 1, -1])
                .filter(|&r| r as i128 >= from.min_raw() && r as i128 <= from.max_raw())
                .collect();
            let want: Vec<i64> = raws.iter().map(|&r| c.apply64(r).0).collect();
            v.apply(&mut raws);
            assert_eq!(raws, want, "{from} -> {to}");
        }
        assert!(fast > 5000, "{fast}");
    }

    #[test]
    fn identity_and_fast_flags() {
        let a = FixedType::fixed(16, 6);
        assert!(Cast::new(a, FixedType::fixed(20, 10)).is_identity());
        assert!(!Cast::new(a, FixedType::fixed(16, 5)).is_identity());
        let sym = a.with_modes(Quantization::Trn, Overflow::SatSym);
        assert!(!Cast::new(a, sym).is_identity(), "-32 saturates to -32 + lsb");
        assert!(!Cast::new(FixedType::fixed(100, 50), a).is_fast());
        assert!(!Cast::new(a, FixedType::int(8, true)).is_fast());
    }
}
