//! [`ApFixed`]: a value whose fixed-point type is part of its Rust type, the element of the typed
//! driver's arrays when the bus carries a fixed type (so a value of another type does not compile).

use super::{FixedType, Overflow, Quantization};
use crate::bus::{BusLayout, BusValue};
use std::fmt;

/// A value of `ap_fixed<W, I, Q, O>` (`SIGNED`) or `ap_ufixed<W, I, Q, O>` (`!SIGNED`), held as its
/// raw two's-complement bits (at most 64). `Q` and `O` index [`Quantization::ALL`] and
/// [`Overflow::ALL`] (0 = `AP_TRN`, `AP_WRAP`, the C++ defaults).
///
/// ```
/// use hls4ml_runtime::fixed::ApFixed;
/// type T = ApFixed<16, 6>;                 // ap_fixed<16,6>
/// let x = T::from_f64(1.3);
/// assert_eq!(x.raw(), 1331);               // 1.3 · 2^10, truncated
/// assert_eq!(x.to_f64(), 1331.0 / 1024.0);
/// assert_eq!(T::fixed_type().to_string(), "ap_fixed<16,6>");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
#[repr(transparent)]
pub struct ApFixed<const W: u32, const I: i32, const SIGNED: bool = true, const Q: u8 = 0, const O: u8 = 0> {
    raw: i64,
}

impl<const W: u32, const I: i32, const SIGNED: bool, const Q: u8, const O: u8> ApFixed<W, I, SIGNED, Q, O> {
    /// The type as a [`FixedType`].
    pub fn fixed_type() -> FixedType {
        let t = if SIGNED {
            FixedType::fixed(W, I)
        } else {
            FixedType::ufixed(W, I)
        };
        let q = Quantization::ALL.get(Q as usize).copied().unwrap_or_default();
        let o = Overflow::ALL.get(O as usize).copied().unwrap_or_default();
        t.with_modes(q, o)
    }

    /// `Q_T(x)`: the value of this type nearest `x` by the type's rounding and overflow modes.
    pub fn from_f64(x: f64) -> Self {
        ApFixed {
            raw: Self::fixed_type().quantize_f64(x) as i64,
        }
    }

    /// The value with raw bits `raw`, wrapped into the type's width.
    pub fn from_raw(raw: i64) -> Self {
        ApFixed {
            raw: Self::fixed_type().wrap_raw(raw as i128) as i64,
        }
    }

    /// The raw bits (the value times `2^(W-I)`).
    pub fn raw(self) -> i64 {
        self.raw
    }

    /// The exact value (rounded to the nearest `f64` for types of more than 53 bits).
    pub fn to_f64(self) -> f64 {
        Self::fixed_type().to_f64(self.raw as i128)
    }

    /// The value as the nearest `f32`.
    pub fn to_f32(self) -> f32 {
        Self::fixed_type().to_f32(self.raw as i128)
    }
}

impl<const W: u32, const I: i32, const SIGNED: bool, const Q: u8, const O: u8> fmt::Debug
    for ApFixed<W, I, SIGNED, Q, O>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.to_f64(), Self::fixed_type())
    }
}

impl<const W: u32, const I: i32, const SIGNED: bool, const Q: u8, const O: u8> fmt::Display
    for ApFixed<W, I, SIGNED, Q, O>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f64(), f)
    }
}

impl<const W: u32, const I: i32, const SIGNED: bool, const Q: u8, const O: u8> BusValue
    for ApFixed<W, I, SIGNED, Q, O>
{
    fn to_word(self, bus: &BusLayout) -> u64 {
        bus.word_from_raw(self.raw as i128)
    }
    fn from_word(word: u64, bus: &BusLayout) -> Self {
        ApFixed::from_raw(bus.raw_from_word(word) as i64)
    }
}

// SAFETY: one value is one element of itself.
unsafe impl<const W: u32, const I: i32, const SIGNED: bool, const Q: u8, const O: u8> crate::bus::Flat
    for ApFixed<W, I, SIGNED, Q, O>
{
    type Elem = Self;
    const COUNT: usize = 1;
    fn zeroed() -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_come_from_the_type_parameters() {
        type R = ApFixed<8, 3, true, 2, 1>; // ap_fixed<8,3,AP_RND,AP_SAT>
        assert_eq!(R::fixed_type().to_string(), "ap_fixed<8,3,AP_RND,AP_SAT>");
        assert_eq!(R::from_f64(100.0).to_f64(), R::fixed_type().max_value());
        assert_eq!(ApFixed::<8, 3>::from_f64(4.5).to_f64(), 4.5 - 8.0);
        type U = ApFixed<12, 4, false>;
        assert_eq!(U::from_raw(-1).raw(), 4095);
    }
}
