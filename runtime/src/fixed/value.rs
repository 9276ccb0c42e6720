//! A fixed-point value: a raw integer together with its type.

use super::FixedType;
use std::fmt;
use std::ops::{Add, AddAssign, Mul, MulAssign, Sub, SubAssign};

/// One `ap_fixed`/`ap_int` value: `raw · 2^(−ty.frac_bits())`, with `raw` in the range of `ty`.
///
/// The binary operators compute in full precision, with the result types of the headers
/// ([`FixedType::mul_type`], [`FixedType::add_type`], [`FixedType::sub_type`]); the compound assignments
/// (`+=`, `-=`, `*=`) then convert the result back into the left operand's type with its rounding and
/// overflow modes, as C++ does.
///
/// ```
/// use hls4ml_runtime::fixed::Fixed;
/// use hls4ml_runtime::{FixedType, Overflow, Quantization};
/// let acc_t = FixedType::fixed(16, 6).with_modes(Quantization::Rnd, Overflow::Sat);
/// let (x_t, w_t) = (FixedType::fixed(16, 6), FixedType::fixed(8, 2));
/// // acc_t acc = bias; acc += x * w;
/// let mut acc = Fixed::from_f64(acc_t, 0.5);
/// acc += Fixed::from_f64(x_t, 1.5) * Fixed::from_f64(w_t, -0.25);
/// assert_eq!(acc.to_f64(), 0.125);
/// ```
///
/// The types must pass [`FixedType::check_raw`]; the constructors and operators panic otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixed {
    /// The bits, read as an integer of the type's signedness.
    pub raw: i128,
    /// The type.
    pub ty: FixedType,
}

impl Fixed {
    /// The value whose bits are the low `ty.width` bits of `raw`.
    pub fn from_raw(ty: FixedType, raw: i128) -> Fixed {
        Fixed {
            raw: ty.wrap_raw(raw),
            ty,
        }
    }

    /// `ty y = x;` for a `double` (see [`FixedType::quantize_f64`]).
    pub fn from_f64(ty: FixedType, x: f64) -> Fixed {
        Fixed {
            raw: ty.quantize_f64(x),
            ty,
        }
    }

    /// `ty y = x;` for a `float` (see [`FixedType::from_f32`]).
    pub fn from_f32(ty: FixedType, x: f32) -> Fixed {
        Fixed {
            raw: ty.from_f32(x),
            ty,
        }
    }

    /// `ty y = self;` (see [`FixedType::cast_from`]).
    pub fn cast(self, ty: FixedType) -> Fixed {
        Fixed {
            raw: ty.cast_from(self.raw, &self.ty),
            ty,
        }
    }

    /// The headers' `to_double()`.
    pub fn to_f64(self) -> f64 {
        self.ty.to_f64(self.raw)
    }

    /// The headers' `to_float()`.
    pub fn to_f32(self) -> f32 {
        self.ty.to_f32(self.raw)
    }
}

impl fmt::Display for Fixed {
    /// The value as a `double` (exact for types of up to 53 significant bits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f64(), f)
    }
}

impl Mul for Fixed {
    type Output = Fixed;
    /// The exact product, in [`FixedType::mul_type`].
    fn mul(self, rhs: Fixed) -> Fixed {
        Fixed {
            raw: self.ty.mul_raw(self.raw, &rhs.ty, rhs.raw),
            ty: self.ty.mul_type(&rhs.ty),
        }
    }
}

impl Add for Fixed {
    type Output = Fixed;
    /// The exact sum, in [`FixedType::add_type`].
    fn add(self, rhs: Fixed) -> Fixed {
        Fixed {
            raw: self.ty.add_raw(self.raw, &rhs.ty, rhs.raw),
            ty: self.ty.add_type(&rhs.ty),
        }
    }
}

impl Sub for Fixed {
    type Output = Fixed;
    /// The exact difference, in [`FixedType::sub_type`].
    fn sub(self, rhs: Fixed) -> Fixed {
        Fixed {
            raw: self.ty.sub_raw(self.raw, &rhs.ty, rhs.raw),
            ty: self.ty.sub_type(&rhs.ty),
        }
    }
}

impl MulAssign for Fixed {
    /// `self = self * rhs` converted into `self`'s type.
    fn mul_assign(&mut self, rhs: Fixed) {
        *self = (*self * rhs).cast(self.ty);
    }
}

impl AddAssign for Fixed {
    /// `self = self + rhs` converted into `self`'s type.
    fn add_assign(&mut self, rhs: Fixed) {
        *self = (*self + rhs).cast(self.ty);
    }
}

impl SubAssign for Fixed {
    /// `self = self - rhs` converted into `self`'s type.
    fn sub_assign(&mut self, rhs: Fixed) {
        *self = (*self - rhs).cast(self.ty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::{Overflow, Quantization};

    #[test]
    fn operators_keep_full_precision() {
        let a = Fixed::from_f64(FixedType::fixed(8, 4), 1.25);
        let b = Fixed::from_f64(FixedType::ufixed(6, 1), 0.375);
        assert_eq!((a * b).to_f64(), 0.46875);
        assert_eq!((a * b).ty, FixedType::fixed(14, 5));
        assert_eq!((a + b).to_f64(), 1.625);
        assert_eq!((b - a).to_f64(), -0.875);
        assert_eq!((b - a).ty, FixedType::fixed(10, 5));
    }

    #[test]
    fn compound_assignment_quantizes_into_the_left_type() {
        let t = FixedType::fixed(6, 3).with_modes(Quantization::Trn, Overflow::Sat);
        let mut acc = Fixed::from_f64(t, 3.0);
        acc += Fixed::from_f64(FixedType::fixed(8, 4), 2.0);
        assert_eq!(acc.to_f64(), 3.875);
        acc -= Fixed::from_f64(FixedType::fixed(8, 8), 1.0);
        assert_eq!(acc.to_f64(), 2.875);
        acc *= Fixed::from_f64(FixedType::fixed(8, 4), 0.0625);
        assert_eq!(acc.to_f64(), 0.125); // 0.1796875 truncated to eighths
        assert_eq!(acc.ty, t);
        assert_eq!(acc.to_string(), "0.125");
    }
}
