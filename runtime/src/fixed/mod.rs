//! Xilinx arbitrary-precision types: `ap_fixed<W,I,Q,O,N>`, `ap_ufixed`, `ap_int<W>`, `ap_uint<W>`.
//!
//! [`FixedType`] describes a type; the conversions ([`FixedType::quantize_f64`],
//! [`FixedType::cast_from`], [`FixedType::to_f64`]) and the full-precision arithmetic
//! ([`FixedType::mul_type`], [`FixedType::add_type`], …) work on raw integer values and compute the same
//! bits as the genuine headers; [`Fixed`] pairs a raw value with its type.

mod arith;
mod convert;
mod ty;
mod value;

pub(crate) use convert::round_up;
pub use convert::UnsupportedWidth;
pub use ty::{FixedType, Overflow, ParseTypeError, Quantization};
pub use value::Fixed;
mod typed;
pub use typed::ApFixed;
