//! Full-precision arithmetic with the result types of Xilinx's headers.
//!
//! `a * b`, `a + b` and `a - b` on two `ap_fixed`/`ap_int` values lose nothing: the result has a type
//! wide enough for every exact result, given by these rules (with `F = W − I`):
//!
//! | operation | width | integer bits | signed |
//! | --- | --- | --- | --- |
//! | `a * b` | `W1 + W2` | `I1 + I2` | `S1 ∨ S2` |
//! | `a + b` | `I + max(F1, F2)` | `I = max(I1 + [S2 ∧ ¬S1], I2 + [S1 ∧ ¬S2]) + 1` | `S1 ∨ S2` |
//! | `a - b` | as `a + b` | as `a + b` | yes |
//!
//! The result types use the default modes (`AP_TRN`, `AP_WRAP`); the rounding and overflow happen only
//! when the result is assigned, e.g. by `acc += x * w` (the sum `acc + x * w` in its full-precision type,
//! then converted into the accumulator's type with [`FixedType::cast_from`]).

use super::convert::{frac, wrap};
use super::{FixedType, Overflow, Quantization};

impl FixedType {
    /// The type of `a * b` for `a` of this type and `b` of type `other`.
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// let p = FixedType::fixed(16, 6).mul_type(&FixedType::ufixed(8, 1));
    /// assert_eq!(p, FixedType::fixed(24, 7));
    /// ```
    #[inline]
    pub fn mul_type(&self, other: &FixedType) -> FixedType {
        FixedType {
            width: self.width + other.width,
            int_bits: self.int_bits + other.int_bits,
            signed: self.signed || other.signed,
            quantization: Quantization::Trn,
            overflow: Overflow::Wrap,
            sat_bits: 0,
            integer: self.integer && other.integer,
        }
    }

    /// The type of `a + b` for `a` of this type and `b` of type `other`.
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// let s = FixedType::fixed(16, 6).add_type(&FixedType::fixed(24, 7));
    /// assert_eq!(s, FixedType::fixed(25, 8));
    /// ```
    #[inline]
    pub fn add_type(&self, other: &FixedType) -> FixedType {
        let i1 = self.int_bits + (other.signed && !self.signed) as i32;
        let i2 = other.int_bits + (self.signed && !other.signed) as i32;
        let int_bits = i1.max(i2) + 1;
        let frac = frac(self).max(frac(other)) as i32;
        FixedType {
            width: (int_bits + frac) as u32,
            int_bits,
            signed: self.signed || other.signed,
            quantization: Quantization::Trn,
            overflow: Overflow::Wrap,
            sat_bits: 0,
            integer: self.integer && other.integer,
        }
    }

    /// The type of `a - b` for `a` of this type and `b` of type `other`: that of `a + b`, always signed.
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// assert_eq!(FixedType::ufixed(8, 8).sub_type(&FixedType::ufixed(8, 8)), FixedType::fixed(9, 9));
    /// ```
    #[inline]
    pub fn sub_type(&self, other: &FixedType) -> FixedType {
        let mut t = self.add_type(other);
        t.signed = true;
        t
    }

    /// The raw value of `a * b` in [`FixedType::mul_type`], for raw `a` of this type and raw `b` of type
    /// `other` (each first reduced to its type's width).
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// let (x, w) = (FixedType::fixed(16, 6), FixedType::fixed(8, 2));
    /// // 0.5 * -1.25 = -0.625 in ap_fixed<24,8>: 16 fractional bits
    /// assert_eq!(x.mul_raw(512, &w, -80), -40960);
    /// ```
    ///
    /// # Panics
    /// If an operand type or the product type fails [`FixedType::check_raw`].
    #[inline]
    pub fn mul_raw(&self, a: i128, other: &FixedType, b: i128) -> i128 {
        self.assert_raw();
        other.assert_raw();
        self.mul_type(other).assert_raw();
        wrap(self, a) * wrap(other, b)
    }

    /// The raw value of `a + b` in [`FixedType::add_type`].
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// let (a, b) = (FixedType::fixed(8, 4), FixedType::ufixed(8, 2));
    /// // -1.0 + 0.5 = -0.5 in ap_fixed<11,5>: 6 fractional bits
    /// assert_eq!(a.add_raw(-16, &b, 32), -32);
    /// ```
    ///
    /// # Panics
    /// If an operand type or the sum type fails [`FixedType::check_raw`].
    #[inline]
    pub fn add_raw(&self, a: i128, other: &FixedType, b: i128) -> i128 {
        let (a, b) = self.align(a, other, b, &self.add_type(other));
        a + b
    }

    /// The raw value of `a - b` in [`FixedType::sub_type`].
    ///
    /// ```
    /// use hls4ml_runtime::FixedType;
    /// let u = FixedType::ufixed(8, 8);
    /// assert_eq!(u.sub_raw(3, &u, 5), -2);
    /// ```
    ///
    /// # Panics
    /// If an operand type or the difference type fails [`FixedType::check_raw`].
    #[inline]
    pub fn sub_raw(&self, a: i128, other: &FixedType, b: i128) -> i128 {
        let (a, b) = self.align(a, other, b, &self.sub_type(other));
        a - b
    }

    /// Both operands as raw values of the result type `t` (exact: it has room for them).
    #[inline]
    fn align(&self, a: i128, other: &FixedType, b: i128, t: &FixedType) -> (i128, i128) {
        self.assert_raw();
        other.assert_raw();
        t.assert_raw();
        let f = frac(t);
        let a = wrap(self, a) << (f - frac(self)) as u32;
        let b = wrap(other, b) << (f - frac(other)) as u32;
        (a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_types_follow_the_headers() {
        let a = FixedType::fixed(16, 6);
        let b = FixedType::ufixed(8, 0);
        assert_eq!(a.mul_type(&b), FixedType::fixed(24, 6));
        // unsigned operand gains a bit of integer part next to a signed one
        assert_eq!(a.add_type(&b), FixedType::fixed(17, 7));
        assert_eq!(b.add_type(&b), FixedType::ufixed(9, 1));
        assert_eq!(b.sub_type(&b), FixedType::fixed(9, 1));
        let i = FixedType::int(8, true);
        assert_eq!(i.mul_type(&i), FixedType::int(16, true));
        assert_eq!(i.add_type(&i), FixedType::int(9, true));
        // negative integer bits
        let n = FixedType::fixed(4, -2);
        assert_eq!(n.add_type(&n), FixedType::fixed(5, -1));
    }

    #[test]
    fn raw_results_are_exact() {
        let a = FixedType::fixed(16, 6);
        let b = FixedType::fixed(8, 2);
        let (ra, rb) = (a.quantize_f64(-3.5), b.quantize_f64(1.25));
        let p = a.mul_type(&b);
        assert_eq!(p.to_f64(a.mul_raw(ra, &b, rb)), -4.375);
        let s = a.add_type(&b);
        assert_eq!(s.to_f64(a.add_raw(ra, &b, rb)), -2.25);
        assert_eq!(s.to_f64(a.sub_raw(ra, &b, rb)), -4.75);
        // the extremes of a 64x64 signed product fit
        let w = FixedType::fixed(64, 32);
        assert_eq!(w.mul_raw(w.min_raw(), &w, w.min_raw()), 1i128 << 126);
    }

    #[test]
    fn dense_step_like_cpp() {
        // acc_t acc = bias; acc += x * w;
        let acc_t = FixedType::fixed(16, 6);
        let (x_t, w_t) = (FixedType::fixed(16, 6), FixedType::fixed(8, 3));
        let p_t = x_t.mul_type(&w_t);
        let mut acc = acc_t.quantize_f64(0.25);
        for (x, w) in [(1.5, 0.75), (-2.0, 1.5), (3.0, -0.125)] {
            let p = x_t.mul_raw(x_t.quantize_f64(x), &w_t, w_t.quantize_f64(w));
            acc = acc_t.cast_from(acc_t.add_raw(acc, &p_t, p), &acc_t.add_type(&p_t));
        }
        assert_eq!(acc_t.to_f64(acc), 0.25 + 1.125 - 3.0 - 0.375);
    }
}
