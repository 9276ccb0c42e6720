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
