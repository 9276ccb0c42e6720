//! Conversions of fixed-point values, bit-exact with Xilinx's `ap_fixed`/`ap_int` headers.
//!
//! A value of a [`FixedType`] is held as its *raw* integer: the bits of the C++ object read as a
//! two's-complement (signed types) or plain binary (unsigned types) integer, so that
//! `value = raw · 2^(−frac_bits)`. Raw values live in an `i128`: every signed type up to 128 bits wide
//! and every unsigned type up to 127 bits wide fits, which covers the operands of a network and the
//! exact product of two 64-bit operands (an accumulator is typically 64 bits or fewer). Wider types are
//! refused by [`FixedType::check_raw`], and the operations on them panic rather than return wrong bits.
//!
//! The conversions follow the algorithm of the genuine headers, quirks included:
//!
//! * a `double` is converted as the exact value `(1.m) · 2^(e − 1023)` of its fields, then quantized
//!   and overflowed into the target. A subnormal is read with the implicit leading one (as if its
//!   exponent were −1023), an infinity as `±2^1024` and a NaN as `±(1.m) · 2^1024`: so under
//!   `AP_SAT` an infinity or a NaN saturates to the sign's extreme and under `AP_WRAP` it becomes 0;
//! * `AP_SAT_SYM` (signed target) turns a negative overflow, and a result equal to the minimum, into
//!   `min + 1` (for a 1-bit signed type, −1);
//! * `AP_WRAP` with `N > 0` saturation bits forces the top bits as the headers do (for an unsigned
//!   type the `N` top bits are set to one on overflow *and* on underflow); an `N` larger than the
//!   width is treated as the width;
//! * `to_double()`/`to_float()` of an `ap_int`/`ap_uint` wider than 64 bits converts only the low
//!   64 bits;
//! * an `ap_int`/`ap_uint` target has no modes: a fixed-point source is truncated towards zero and
//!   wrapped, except that a negative source with no integer bits (`int_bits <= 0`) becomes −1; a
//!   `double` is truncated towards zero and wrapped, except that a negative `double` of magnitude
//!   below 0.5 becomes +1.

use super::{FixedType, Overflow, Quantization};
use std::fmt;

/// A type whose raw values do not fit the `i128` representation of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedWidth {
    /// The type that was refused.
    pub ty: FixedType,
}

impl fmt::Display for UnsupportedWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is {} bits wide: the reference arithmetic holds raw values in 128-bit integers, which fit \
             signed types of up to {} bits and unsigned types of up to {} bits",
            self.ty,
            self.ty.width,
            FixedType::MAX_RAW_WIDTH_SIGNED,
            FixedType::MAX_RAW_WIDTH_UNSIGNED
        )
    }
}

impl std::error::Error for UnsupportedWidth {}

/// Where the exact result of a shift lies with respect to the `i128` range.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exact {
    /// The exact value.
    Fits(i128),
    /// Above `i128::MAX`; the payload is the value modulo 2^128.
    Above(i128),
    /// Below `i128::MIN`; the payload is the value modulo 2^128.
    Below(i128),
}

impl Exact {
    fn wrapped(self) -> i128 {
        match self {
            Exact::Fits(v) | Exact::Above(v) | Exact::Below(v) => v,
        }
    }
}

/// Fractional bits, without the cross-module call.
#[inline(always)]
pub(super) fn frac(t: &FixedType) -> i64 {
    t.width as i64 - t.int_bits as i64
}

/// The low `t.width` bits of `raw`, sign- or zero-extended (the width is already checked).
#[inline(always)]
pub(super) fn wrap(t: &FixedType, raw: i128) -> i128 {
    if t.width <= 64 {
        let sh = 64 - t.width;
        if t.signed {
            (((raw as i64) << sh) >> sh) as i128
        } else {
            (((raw as u64) << sh) >> sh) as i128
        }
    } else {
        let sh = 128 - t.width;
        if t.signed {
            (raw << sh) >> sh
        } else {
            (((raw as u128) << sh) >> sh) as i128
        }
    }
}

/// Whether the raw values of `t` fit an `i64`.
#[inline(always)]
fn fits_i64(t: &FixedType) -> bool {
    t.width <= 63 + t.signed as u32
}

/// Whether rounding adds one LSB: `qb` is the first dropped bit, `r` whether any later dropped bit is
/// set, `neg` the sign of the value and `odd` the last kept bit.
#[inline(always)]
pub(crate) fn round_up(mode: Quantization, neg: bool, qb: bool, r: bool, odd: bool) -> bool {
    match mode {
        Quantization::Trn => false,
        Quantization::TrnZero => neg && (qb || r),
        Quantization::Rnd => qb,
        Quantization::RndZero => qb && (neg || r),
        Quantization::RndMinInf => qb && r,
        Quantization::RndInf => qb && (!neg || r),
        Quantization::RndConv => qb && (odd || r),
    }
}

#[inline(always)]
fn min_of(t: &FixedType) -> i128 {
    if t.signed {
        i128::MIN >> (128 - t.width)
    } else {
        0
    }
}

#[inline(always)]
fn max_of(t: &FixedType) -> i128 {
    if t.signed {
        i128::MAX >> (128 - t.width)
    } else {
        i128::MAX >> (127 - t.width)
    }
}

/// `m · 2^(−shift)` rounded to an integer with `mode`, exactly as the headers' quantization step.
#[inline]
fn shift_quantize(m: i128, shift: i64, mode: Quantization) -> Exact {
    if shift <= 0 {
        let s = -shift;
        if m == 0 {
            return Exact::Fits(0);
        }
        if s >= 128 {
            return if m > 0 { Exact::Above(0) } else { Exact::Below(0) };
        }
        let s = s as u32;
        let v = m.wrapping_shl(s);
        if v >> s == m {
            Exact::Fits(v)
        } else if m > 0 {
            Exact::Above(v)
        } else {
            Exact::Below(v)
        }
    } else {
        let neg = m < 0;
        let t = if shift >= 128 { -(neg as i128) } else { m >> shift };
        if mode == Quantization::Trn {
            return Exact::Fits(t);
        }
        // qb: the first dropped bit; r: whether any bit below it is set (infinite two's complement).
        let qb = if shift > 127 { neg } else { (m >> (shift - 1)) & 1 != 0 };
        let r = if shift < 2 {
            false
        } else if shift > 128 {
            m != 0
        } else {
            (m as u128) & ((1u128 << (shift - 1)) - 1) != 0
        };
        Exact::Fits(t + round_up(mode, neg, qb, r, t & 1 != 0) as i128)
    }
}

impl FixedType {
    /// Widest signed type whose raw values fit an `i128`.
    pub const MAX_RAW_WIDTH_SIGNED: u32 = 128;
    /// Widest unsigned type whose raw values fit an `i128`.
    pub const MAX_RAW_WIDTH_UNSIGNED: u32 = 127;

    /// Whether the raw values of this type fit the `i128` representation (signed types up to 128 bits,
    /// unsigned up to 127). Every conversion and operation of this module panics on a type that fails
    /// this check: call it once where types enter (e.g. when a model is loaded).
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert!(FixedType::fixed(64, 32).check_raw().is_ok());
    /// assert!(FixedType::ufixed(128, 64).check_raw().is_err());
    /// ```
    pub fn check_raw(&self) -> Result<(), UnsupportedWidth> {
        let limit = if self.signed {
            Self::MAX_RAW_WIDTH_SIGNED
        } else {
            Self::MAX_RAW_WIDTH_UNSIGNED
        };
        if self.width >= 1 && self.width <= limit {
            Ok(())
        } else {
            Err(UnsupportedWidth { ty: *self })
        }
    }

    #[inline]
    pub(crate) fn assert_raw(&self) {
        #[cold]
        #[inline(never)]
        fn fail(ty: &FixedType) -> ! {
            panic!("{}", UnsupportedWidth { ty: *ty })
        }
        let limit = if self.signed {
            Self::MAX_RAW_WIDTH_SIGNED
        } else {
            Self::MAX_RAW_WIDTH_UNSIGNED
        };
        if self.width == 0 || self.width > limit {
            fail(self)
        }
    }

    /// The smallest raw value (`-2^(width-1)` signed, 0 unsigned).
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn min_raw(&self) -> i128 {
        self.assert_raw();
        min_of(self)
    }

    /// The largest raw value (`2^(width-1) - 1` signed, `2^width - 1` unsigned).
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn max_raw(&self) -> i128 {
        self.assert_raw();
        max_of(self)
    }

    /// Keeps the low `width` bits of `raw` and reads them as this type does (sign- or zero-extended):
    /// what storing an integer into the C++ object's bits gives. Identity on an in-range raw value.
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert_eq!(FixedType::fixed(8, 8).wrap_raw(200), -56);
    /// assert_eq!(FixedType::ufixed(8, 8).wrap_raw(-1), 255);
    /// ```
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn wrap_raw(&self, raw: i128) -> i128 {
        self.assert_raw();
        wrap(self, raw)
    }

    /// The raw value of `ap_fixed<…> y = x;` (or `ap_int<…> y = x;`) for a `double` `x`.
    ///
    /// The double is taken exactly, then rounded with this type's quantization mode and fitted with
    /// its overflow mode. NaN, infinities and subnormals behave as in the genuine headers (see the
    /// module documentation): e.g. `+inf` saturates to the maximum under `AP_SAT` and gives 0 under
    /// `AP_WRAP`.
    ///
    /// ```
    /// use hls4ml_runtime::{FixedType, Overflow, Quantization};
    /// let t = FixedType::fixed(8, 4); // lsb = 1/16
    /// assert_eq!(t.quantize_f64(1.03), 16); // truncated: 1.0
    /// assert_eq!(t.quantize_f64(-1.03), -17); // towards minus infinity: -1.0625
    /// let r = t.with_modes(Quantization::Rnd, Overflow::Sat);
    /// assert_eq!(r.quantize_f64(1.03125), 17); // the tie rounds up
    /// assert_eq!(r.quantize_f64(100.0), 127); // saturates to 7.9375
    /// ```
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn quantize_f64(&self, x: f64) -> i128 {
        self.assert_raw();
        let bits = x.to_bits();
        if bits << 1 == 0 {
            return 0;
        }
        let neg = bits >> 63 != 0;
        let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
        let man = ((bits & ((1u64 << 52) - 1)) | (1u64 << 52)) as i128;
        if self.integer {
            return self.int_from_double(man, exp, neg);
        }
        let m = if neg { -man } else { man };
        // The source is ap_fixed<54, exp + 2>: frac bits 52 - exp.
        self.finish(shift_quantize(m, 52 - exp - frac(self), self.quantization), neg)
    }

    /// The raw value of `y = x;` for a `float` `x`: the headers widen it to `double` first.
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert_eq!(FixedType::fixed(16, 6).from_f32(0.5), 512);
    /// ```
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn from_f32(&self, x: f32) -> i128 {
        self.quantize_f64(x as f64)
    }

    /// The raw value of `self y = x;` where `x` is a value of type `from` with raw value `raw`: the
    /// assignment (or conversion) of one `ap_fixed`/`ap_int` type to another, with this type's
    /// quantization and overflow modes. `raw` is first reduced to `from`'s width (see
    /// [`FixedType::wrap_raw`]).
    ///
    /// ```
    /// use hls4ml_runtime::{FixedType, Overflow, Quantization};
    /// let wide = FixedType::fixed(16, 8); // lsb = 1/256
    /// let narrow = FixedType::fixed(8, 4).with_modes(Quantization::RndConv, Overflow::SatSym);
    /// assert_eq!(narrow.cast_from(-24, &wide), -2); // -0.09375 = -1.5 lsb: ties to even, -0.125
    /// assert_eq!(narrow.cast_from(-8 * 256, &wide), -127); // -8.0 saturates symmetrically
    /// ```
    ///
    /// # Panics
    /// If either type fails [`FixedType::check_raw`].
    #[inline]
    pub fn cast_from(&self, raw: i128, from: &FixedType) -> i128 {
        self.assert_raw();
        from.assert_raw();
        let shift = frac(from) - frac(self);
        if fits_i64(from) && fits_i64(self) && shift > -64 && shift < 64 && !self.integer {
            return self.cast_small(wrap(from, raw) as i64, shift);
        }
        let m = wrap(from, raw);
        if self.integer {
            return self.int_from_fixed(m, from);
        }
        self.finish(shift_quantize(m, shift, self.quantization), m < 0)
    }

    /// [`FixedType::cast_from`] when both types fit an `i64` and the shift is below 64 bits: the same
    /// steps as the general path with narrower arithmetic.
    #[inline(always)]
    fn cast_small(&self, m: i64, shift: i64) -> i128 {
        let q = if shift >= 0 {
            let s = shift as u32;
            let t = m >> s;
            if s == 0 || self.quantization == Quantization::Trn {
                t as i128
            } else {
                let qb = (m >> (s - 1)) & 1 != 0;
                let r = (m as u64) & ((1u64 << (s - 1)) - 1) != 0;
                (t + round_up(self.quantization, m < 0, qb, r, t & 1 != 0) as i64) as i128
            }
        } else {
            (m as i128) << (-shift) as u32
        };
        let v = wrap(self, q);
        if self.overflow == Overflow::Wrap && self.sat_bits == 0 {
            return v;
        }
        self.overflow_adjust(v, Exact::Fits(q), m < 0)
    }

    /// Wraps the quantized value into the type and applies the overflow mode.
    #[inline]
    fn finish(&self, q: Exact, src_neg: bool) -> i128 {
        let v = wrap(self, q.wrapped());
        if self.overflow == Overflow::Wrap && self.sat_bits == 0 {
            return v;
        }
        self.overflow_adjust(v, q, src_neg)
    }

    /// The overflow handling of every mode but plain `AP_WRAP`.
    fn overflow_adjust(&self, v: i128, q: Exact, src_neg: bool) -> i128 {
        let (min, max) = (min_of(self), max_of(self));
        let sym = self.overflow == Overflow::SatSym && self.signed;
        let (over, under) = match q {
            Exact::Above(_) => (true, false),
            Exact::Below(_) => (false, true),
            Exact::Fits(q) => (q > max, q < min || (sym && src_neg && q == min)),
        };
        if !over && !under {
            return v;
        }
        match self.overflow {
            Overflow::Wrap => self.wrap_sat_bits(v, under),
            Overflow::SatZero => 0,
            Overflow::Sat | Overflow::SatSym => {
                if over {
                    max
                } else if sym {
                    min | 1
                } else {
                    min
                }
            }
        }
    }

    /// `AP_WRAP` with `N` saturation bits: forces the top bits of the wrapped value.
    fn wrap_sat_bits(&self, v: i128, neg: bool) -> i128 {
        let w = self.width;
        let n = self.sat_bits.min(w);
        let mut pat = v as u128;
        let bits = |lo: u32, hi: u32| -> u128 {
            // bits lo..=hi set
            let len = hi - lo + 1;
            (if len >= 128 { u128::MAX } else { (1u128 << len) - 1 }) << lo
        };
        if self.signed {
            let sign = 1u128 << (w - 1);
            pat = if neg { pat | sign } else { pat & !sign };
            if n > 1 {
                let m = bits(w - n, w - 2);
                pat = if neg { pat & !m } else { pat | m };
            }
        } else {
            pat |= bits(w - n, w - 1);
        }
        wrap(self, pat as i128)
    }

    /// `ap_int<W> y = x` for a fixed-point `x`: truncation towards zero (the headers' `to_ap_int_base`)
    /// then wrapping into the width.
    fn int_from_fixed(&self, m: i128, from: &FixedType) -> i128 {
        let w2 = from.width as i64;
        let i2 = from.int_bits as i64;
        let v = if i2 <= 0 {
            // Nothing survives; a negative signed source still gets the "+1 towards zero" step,
            // which in a 1-bit signed temporary makes −1.
            -((from.signed && m < 0) as i128)
        } else if i2 <= w2 {
            let f2 = w2 - i2;
            let t = m >> f2;
            let fraction = if f2 == 0 {
                false
            } else {
                (m as u128) & ((1u128 << f2) - 1) != 0
            };
            t + (from.signed && m < 0 && fraction) as i128
        } else {
            let s = i2 - w2;
            if s >= 128 {
                0
            } else {
                m.wrapping_shl(s as u32)
            }
        };
        wrap(self, v)
    }

    /// `ap_int<W> y = d` for a double with the given fields (implicit bit included in `man`).
    fn int_from_double(&self, man: i128, exp: i64, neg: bool) -> i128 {
        let sh = 52 - exp;
        let v = if sh == 0 {
            man
        } else if sh > 0 {
            if sh < 54 {
                man >> sh
            } else {
                -(neg as i128)
            }
        } else if -sh < self.width as i64 {
            wrap(self, man).wrapping_shl((-sh) as u32)
        } else {
            0
        };
        let v = wrap(self, v);
        wrap(self, if neg { v.wrapping_neg() } else { v })
    }

    /// The `double` that the headers' `to_double()` returns for this raw value: round to nearest, ties
    /// to even. (For a magnitude outside the range of normal doubles, which only types with a very
    /// large or very negative `int_bits` reach, the headers write a wrapped exponent; so does this.
    /// An `ap_int`/`ap_uint` wider than 64 bits converts only its low 64 bits, as in the headers.)
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert_eq!(FixedType::fixed(16, 6).to_f64(-512), -0.5);
    /// ```
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn to_f64(&self, raw: i128) -> f64 {
        f64::from_bits(self.float_bits(raw, 52, 11))
    }

    /// The `float` that the headers' `to_float()` returns for this raw value (rounded once, to
    /// nearest with ties to even, directly from the fixed-point value; the same caveats as
    /// [`FixedType::to_f64`]).
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert_eq!(FixedType::fixed(16, 6).to_f32(256), 0.25);
    /// ```
    ///
    /// # Panics
    /// If the type fails [`FixedType::check_raw`].
    #[inline]
    pub fn to_f32(&self, raw: i128) -> f32 {
        f32::from_bits(self.float_bits(raw, 23, 8) as u32)
    }

    fn float_bits(&self, raw: i128, man_bits: u32, exp_bits: u32) -> u64 {
        let raw = self.wrap_raw(raw);
        if self.integer {
            // `ap_int` converts its machine word: the value itself up to 64 bits, and only the low 64
            // bits of a wider one, read with the type's signedness.
            let low = raw as u64;
            return match (man_bits, self.signed) {
                (52, true) => (low as i64 as f64).to_bits(),
                (52, false) => (low as f64).to_bits(),
                (_, true) => (low as i64 as f32).to_bits() as u64,
                (_, false) => (low as f32).to_bits() as u64,
            };
        }
        if raw == 0 {
            return 0;
        }
        let neg = raw < 0;
        let mag = raw.unsigned_abs();
        let len = 128 - mag.leading_zeros() as i64; // significant bits
        let bias = (1i64 << (exp_bits - 1)) - 1;
        let mut e = self.int_bits as i64 - (self.width as i64 - len) - 1 + bias;
        let lsb = len - 1 - man_bits as i64;
        let mut a = lsb >= 0 && (mag >> lsb) & 1 != 0;
        if lsb >= 2 {
            a |= mag & ((1u128 << (lsb - 1)) - 1) != 0;
        }
        let mut m = if lsb >= 1 {
            (mag >> (lsb - 1)) as u64
        } else {
            (mag << (1 - lsb)) as u64
        };
        m += a as u64;
        m >>= 1;
        if (m >> (man_bits + 1)) & 1 != 0 {
            e += 1;
        }
        let total = man_bits + exp_bits + 1;
        m |= (neg as u64) << (total - 1);
        let mask = (1u64 << exp_bits) - 1;
        m &= !(mask << man_bits);
        m |= ((e as u64) & mask) << man_bits;
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(t: FixedType, q: Quantization, o: Overflow) -> FixedType {
        t.with_modes(q, o)
    }

    #[test]
    fn raw_range_and_wrapping() {
        let s8 = FixedType::fixed(8, 3);
        assert_eq!((s8.min_raw(), s8.max_raw()), (-128, 127));
        let u8t = FixedType::ufixed(8, 3);
        assert_eq!((u8t.min_raw(), u8t.max_raw()), (0, 255));
        let s128 = FixedType::fixed(128, 64);
        assert_eq!((s128.min_raw(), s128.max_raw()), (i128::MIN, i128::MAX));
        let u127 = FixedType::ufixed(127, 0);
        assert_eq!(u127.max_raw(), i128::MAX);
        assert_eq!(s8.wrap_raw(128), -128);
        assert_eq!(u8t.wrap_raw(256 + 5), 5);
        assert_eq!(FixedType::fixed(1, 1).wrap_raw(1), -1);
    }

    #[test]
    fn refuses_types_that_do_not_fit() {
        assert!(FixedType::ufixed(128, 0).check_raw().is_err());
        assert!(FixedType::fixed(129, 0).check_raw().is_err());
        let msg = FixedType::ufixed(128, 0).check_raw().unwrap_err().to_string();
        assert!(msg.contains("ap_ufixed<128,0>"), "{msg}");
        let r = std::panic::catch_unwind(|| FixedType::fixed(200, 10).quantize_f64(1.0));
        assert!(r.is_err());
    }

    #[test]
    fn every_rounding_mode_on_ties_and_non_ties() {
        // ap_fixed<8,8>: integers. Inputs in quarters.
        let cases: [(f64, [i128; 7]); 8] = [
            //        TRN TRN_ZERO RND RND_ZERO RND_MIN_INF RND_INF RND_CONV
            (2.5, [2, 2, 3, 2, 2, 3, 2]),
            (3.5, [3, 3, 4, 3, 3, 4, 4]),
            (-2.5, [-3, -2, -2, -2, -3, -3, -2]),
            (-3.5, [-4, -3, -3, -3, -4, -4, -4]),
            (2.25, [2, 2, 2, 2, 2, 2, 2]),
            (2.75, [2, 2, 3, 3, 3, 3, 3]),
            (-2.25, [-3, -2, -2, -2, -2, -2, -2]),
            (-2.75, [-3, -2, -3, -3, -3, -3, -3]),
        ];
        for (x, expect) in cases {
            for (mode, e) in Quantization::ALL.iter().zip(expect) {
                let t = q(FixedType::fixed(8, 8), *mode, Overflow::Wrap);
                assert_eq!(t.quantize_f64(x), e, "{x} {mode:?}");
                // The same through a cast from a finer type.
                let from = FixedType::fixed(16, 8);
                assert_eq!(t.cast_from((x * 256.0) as i128, &from), e, "cast {x} {mode:?}");
            }
        }
    }

    #[test]
    fn every_overflow_mode() {
        let base = FixedType::fixed(4, 4); // -8..=7
        let expect = |o: Overflow, x: f64| q(base, Quantization::Trn, o).quantize_f64(x);
        assert_eq!(expect(Overflow::Wrap, 9.0), -7);
        assert_eq!(expect(Overflow::Sat, 9.0), 7);
        assert_eq!(expect(Overflow::Sat, -9.0), -8);
        assert_eq!(expect(Overflow::SatZero, -9.0), 0);
        assert_eq!(expect(Overflow::SatSym, -9.0), -7);
        assert_eq!(expect(Overflow::SatSym, -8.0), -7);
        assert_eq!(expect(Overflow::SatSym, -7.0), -7);
        assert_eq!(expect(Overflow::Sat, 7.0), 7);
        let u = q(FixedType::ufixed(4, 4), Quantization::Trn, Overflow::Sat);
        assert_eq!(u.quantize_f64(-1.0), 0);
        assert_eq!(u.quantize_f64(16.0), 15);
        // AP_WRAP with one saturation bit keeps the sign of the source.
        let mut n1 = base;
        n1.sat_bits = 1;
        assert_eq!(n1.quantize_f64(9.0), 1);
        assert_eq!(n1.quantize_f64(-9.0), -1);
    }

    #[test]
    fn rounding_can_overflow() {
        let t = q(FixedType::fixed(8, 4), Quantization::Rnd, Overflow::Sat);
        assert_eq!(t.quantize_f64(7.99), 127);
        let w = q(FixedType::fixed(8, 4), Quantization::Rnd, Overflow::Wrap);
        assert_eq!(w.quantize_f64(7.99), -128);
    }

    #[test]
    fn special_doubles() {
        let sat = q(FixedType::fixed(16, 6), Quantization::Trn, Overflow::Sat);
        let wrap = FixedType::fixed(16, 6);
        assert_eq!(sat.quantize_f64(f64::INFINITY), sat.max_raw());
        assert_eq!(sat.quantize_f64(f64::NEG_INFINITY), sat.min_raw());
        assert_eq!(wrap.quantize_f64(f64::INFINITY), 0);
        assert_eq!(wrap.quantize_f64(f64::NAN), 0);
        assert_eq!(wrap.quantize_f64(-0.0), 0);
        assert_eq!(wrap.quantize_f64(-5e-324), -1);
        assert_eq!(wrap.quantize_f64(1e300), 0);
    }

    #[test]
    fn casts_between_shapes() {
        let from = FixedType::fixed(8, 2); // lsb 1/64
        let to = FixedType::fixed(12, 6); // lsb 1/64
        assert_eq!(to.cast_from(-100, &from), -100);
        let coarse = FixedType::ufixed(4, 8); // lsb 16
        assert_eq!(coarse.cast_from(200, &FixedType::int(16, true)), 12);
        assert_eq!(coarse.cast_from(1000, &FixedType::int(16, true)), 14); // 62 wraps
        let neg_int = FixedType::fixed(4, -2); // lsb 2^-6, range [-1/32, 7/64]
        assert_eq!(neg_int.cast_from(3, &FixedType::fixed(8, 2)), 3);
        // unsigned to signed and back
        assert_eq!(FixedType::fixed(8, 8).cast_from(200, &FixedType::ufixed(8, 8)), -56);
        assert_eq!(FixedType::ufixed(8, 8).cast_from(-56, &FixedType::fixed(8, 8)), 200);
    }

    #[test]
    fn integer_targets_truncate_towards_zero() {
        let i8t = FixedType::int(8, true);
        assert_eq!(i8t.quantize_f64(-7.5), -7);
        assert_eq!(i8t.quantize_f64(300.0), 44);
        assert_eq!(i8t.quantize_f64(-0.25), 1);
        assert_eq!(i8t.cast_from(-120, &FixedType::fixed(8, 4)), -7);
        assert_eq!(i8t.cast_from(-3, &FixedType::fixed(8, 0)), -1);
    }

    #[test]
    fn to_double_and_float() {
        let t = FixedType::fixed(16, 6);
        for raw in [-32768, -1, 1, 1000, 32767] {
            assert_eq!(t.to_f64(raw), raw as f64 / 1024.0);
            assert_eq!(t.to_f32(raw), raw as f32 / 1024.0);
        }
        let wide = FixedType::fixed(64, 64);
        assert_eq!(wide.to_f64((1 << 53) + 1), 9007199254740992.0);
        assert_eq!(wide.to_f64((1 << 53) + 3), 9007199254740996.0);
        assert_eq!(FixedType::fixed(128, 128).to_f64(i128::MIN), -(2f64.powi(127)));
    }

    #[test]
    fn the_i64_path_agrees_with_the_general_path() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let ty = |n: u64| {
                let width = 1 + (n % 64) as u32;
                let int_bits = (n >> 8) as i32 % 80 - 20;
                let signed = (n >> 20) & 1 == 1 || width == 64;
                let q = Quantization::ALL[(n >> 24) as usize % 7];
                let o = Overflow::ALL[(n >> 28) as usize % 4];
                let mut t = FixedType {
                    signed,
                    ..FixedType::fixed(width, int_bits)
                }
                .with_modes(q, o);
                t.sat_bits = if o == Overflow::Wrap { ((n >> 32) % 3) as u32 } else { 0 };
                t
            };
            let (to, from) = (ty(next()), ty(next()));
            let raw = from.wrap_raw(next() as i64 as i128 >> (next() % 64));
            let m = from.wrap_raw(raw);
            let shift = from.frac_bits() as i64 - to.frac_bits() as i64;
            let general = to.finish(shift_quantize(m, shift, to.quantization), m < 0);
            assert_eq!(to.cast_from(raw, &from), general, "{to} = {from}(raw {raw})");
        }
    }

    #[test]
    fn doubles_round_trip() {
        let t = FixedType::fixed(32, 10);
        for x in [0.0, 1.5, -3.25, 511.99999, -512.0] {
            let raw = t.quantize_f64(x);
            assert!((t.to_f64(raw) - x).abs() < t.lsb());
        }
    }
}
