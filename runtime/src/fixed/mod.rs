//! Xilinx arbitrary-precision types: `ap_fixed<W,I,Q,O,N>`, `ap_ufixed`, `ap_int<W>`, `ap_uint<W>`.

mod ty;

pub use ty::{FixedType, Overflow, ParseTypeError, Quantization};
