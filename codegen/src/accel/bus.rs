//! The one layout of the data on the bus, shared by the AXI wrapper, the Tcl (DMA widths) and the
//! drivers (buffer element sizes and encoding).
//!
//! Each value travels in one **word**:
//! - `float`: 32-bit IEEE word; `double`: 64-bit IEEE word.
//! - a fixed type `T = ap_fixed<W,I,..>` / `ap_int<W>`: the raw two's-complement bits of `T`
//!   (the value times `2^(W-I)`), sign-extended (signed `T`) or zero-extended (unsigned `T`) to the
//!   word width. The word width is `W` rounded up to a power of two of at least 8 bits — the stream
//!   widths the AXI DMA accepts (PG021) — and for `axi_lite`, of at least 32 bits, so every value
//!   has its own 32-bit register (a 64-bit word takes two consecutive registers, low half first).
//!
//! In memory (DMA buffers, `m_axi` buffers) the words are packed back to back, little-endian,
//! sample after sample, channels last. The AXI DMA's memory-mapped side is at least 32 bits wide
//! ([`Bus::dma_memory_bits`]); it packs narrower stream words contiguously, so the buffer layout does
//! not depend on it.

use crate::config::{BusType, Interface};
use crate::diag::{Error, Result};
use hls4ml_runtime::fixed::FixedType;

/// The widest word a bus carries: drivers move words as 8, 16, 32 or 64-bit integers.
pub const MAX_WORD_BITS: u32 = 64;

/// One direction of the bus: what a value is and how it travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bus {
    /// The value type on the bus.
    pub ty: BusType,
    /// Bits of one word (8, 16, 32 or 64).
    pub word_bits: u32,
    /// Values per sample (the tensor's size).
    pub values: usize,
}

impl Bus {
    /// The layout of `values` values of type `ty` over `interface`. Fixed types wider than
    /// [`MAX_WORD_BITS`] are refused.
    pub fn new(ty: BusType, interface: Interface, values: usize) -> Result<Bus> {
        let word_bits = match ty {
            BusType::Float => 32,
            BusType::Double => 64,
            BusType::Fixed(t) => {
                let floor = if interface == Interface::AxiLite { 32 } else { 8 };
                t.width.next_power_of_two().max(floor)
            }
        };
        if word_bits > MAX_WORD_BITS {
            return Err(Error::new(format!(
                "bus type {ty} needs a {word_bits}-bit word; bus types of at most {MAX_WORD_BITS} bits are supported"
            )));
        }
        Ok(Bus { ty, word_bits, values })
    }

    /// Bytes of one word.
    pub fn word_bytes(&self) -> usize {
        self.word_bits as usize / 8
    }

    /// Bytes of one sample.
    pub fn sample_bytes(&self) -> usize {
        self.word_bytes() * self.values
    }

    /// The fixed-point type, when the bus carries one.
    pub fn fixed(&self) -> Option<FixedType> {
        match self.ty {
            BusType::Fixed(t) => Some(t),
            _ => None,
        }
    }

    /// True when the words are signed integers (a signed fixed type).
    pub fn signed(&self) -> bool {
        self.fixed().is_none_or(|t| t.signed)
    }

    /// The C++ type of one word as it sits in a stream or a buffer: `float`, `double`, or
    /// `ap_int<N>` / `ap_uint<N>` holding the raw bits.
    pub fn cpp_word(&self) -> String {
        match self.ty {
            BusType::Float => "float".into(),
            BusType::Double => "double".into(),
            BusType::Fixed(t) if t.signed => format!("ap_int<{}>", self.word_bits),
            BusType::Fixed(_) => format!("ap_uint<{}>", self.word_bits),
        }
    }

    /// The C++ type of one value: `float`, `double` or the fixed type itself.
    pub fn cpp_value(&self) -> String {
        self.ty.to_string()
    }

    /// The C (`stdint.h`) type of one word for bare-metal drivers.
    pub fn c_word(&self) -> &'static str {
        match (self.ty, self.word_bits, self.signed()) {
            (BusType::Float, _, _) => "float",
            (BusType::Double, _, _) => "double",
            (_, 8, true) => "int8_t",
            (_, 8, false) => "uint8_t",
            (_, 16, true) => "int16_t",
            (_, 16, false) => "uint16_t",
            (_, 32, true) => "int32_t",
            (_, 32, false) => "uint32_t",
            (_, _, true) => "int64_t",
            (_, _, false) => "uint64_t",
        }
    }

    /// The numpy dtype of one word for the Python drivers (`float32`, `int16`, …).
    pub fn numpy_word(&self) -> &'static str {
        match self.c_word() {
            "float" => "float32",
            "double" => "float64",
            c => c.trim_end_matches("_t"),
        }
    }

    /// Width of the AXI DMA's stream port for this direction (`c_m_axis_mm2s_tdata_width` /
    /// `c_s_axis_s2mm_tdata_width`).
    pub fn dma_stream_bits(&self) -> u32 {
        self.word_bits
    }

    /// Width of the AXI DMA's memory-mapped port for this direction: at least 32 bits (PG021).
    pub fn dma_memory_bits(&self) -> u32 {
        self.word_bits.max(32)
    }

    /// Encodes a value to its word, as the drivers do: `Q_T(v)` for a fixed type `T` (its own
    /// quantization and overflow modes), returned as the word's bits in the low `word_bits` bits.
    pub fn encode(&self, v: f64) -> u64 {
        match self.ty {
            BusType::Float => (v as f32).to_bits() as u64,
            BusType::Double => v.to_bits(),
            BusType::Fixed(t) => {
                let raw = t.quantize_f64(v);
                let mask = if self.word_bits == 64 {
                    u64::MAX
                } else {
                    (1u64 << self.word_bits) - 1
                };
                (raw as i64 as u64) & mask
            }
        }
    }

    /// Decodes a word (its bits in the low `word_bits` bits) to the value it carries.
    pub fn decode(&self, word: u64) -> f64 {
        match self.ty {
            BusType::Float => f32::from_bits(word as u32) as f64,
            BusType::Double => f64::from_bits(word),
            BusType::Fixed(t) => {
                // The value sits in the low `width` bits, extended by its signedness.
                let shift = 64 - t.width;
                let raw = if t.signed {
                    (((word << shift) as i64) >> shift) as f64
                } else {
                    ((word << shift) >> shift) as f64
                };
                raw * t.lsb()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> BusType {
        BusType::Fixed(FixedType::parse(s).unwrap())
    }

    #[test]
    fn word_widths_are_what_the_dma_accepts() {
        let cases = [
            ("ap_fixed<14,6>", Interface::AxiStream, 16),
            ("ap_fixed<24,8>", Interface::AxiStream, 32),
            ("ap_int<3>", Interface::AxiStream, 8),
            ("ap_ufixed<8,0>", Interface::AxiMaster, 8),
            ("ap_fixed<16,6>", Interface::AxiLite, 32),
            ("ap_fixed<33,6>", Interface::AxiLite, 64),
            ("ap_fixed<64,6>", Interface::AxiStream, 64),
        ];
        for (ty, interface, bits) in cases {
            let bus = Bus::new(fixed(ty), interface, 3).unwrap();
            assert_eq!(bus.word_bits, bits, "{ty} over {interface:?}");
            assert_eq!(bus.dma_memory_bits(), bits.max(32));
        }
        assert_eq!(Bus::new(BusType::Float, Interface::AxiStream, 1).unwrap().word_bits, 32);
        assert_eq!(Bus::new(BusType::Double, Interface::AxiLite, 1).unwrap().word_bits, 64);
        let err = Bus::new(fixed("ap_fixed<65,6>"), Interface::AxiStream, 1).unwrap_err();
        assert!(err.to_string().contains("at most 64 bits"), "{err}");
    }

    #[test]
    fn fixed_words_are_sign_or_zero_extended_raw_bits() {
        let bus = Bus::new(fixed("ap_fixed<14,6>"), Interface::AxiStream, 1).unwrap();
        assert_eq!(bus.cpp_word(), "ap_int<16>");
        assert_eq!(bus.numpy_word(), "int16");
        // -1.5 = -384 * 2^-8: raw -384 in 16 bits.
        assert_eq!(bus.encode(-1.5), (-384i16) as u16 as u64);
        assert_eq!(bus.decode(bus.encode(-1.5)), -1.5);
        // Saturation is the type's own: AP_WRAP by default, so 40 wraps in 6 integer bits.
        assert_eq!(bus.decode(bus.encode(40.0)), 40.0 - 64.0);
        let u = Bus::new(fixed("ap_ufixed<12,4,AP_RND,AP_SAT>"), Interface::AxiMaster, 1).unwrap();
        assert_eq!((u.cpp_word().as_str(), u.c_word()), ("ap_uint<16>", "uint16_t"));
        assert_eq!(u.decode(u.encode(100.0)), u.fixed().unwrap().max_value());
        assert_eq!(u.decode(u.encode(1.0 / 1024.0)), 0.0);
        assert_eq!(u.decode(u.encode(1.0 / 512.0)), 1.0 / 256.0); // AP_RND: the tie rounds up
                                                                  // A 64-bit unsigned word with its top bit set is a large positive value.
        let w = Bus::new(fixed("ap_ufixed<64,10>"), Interface::AxiStream, 1).unwrap();
        assert_eq!(w.decode(u64::MAX), (u64::MAX as f64) * 2f64.powi(-54));
        let f = Bus::new(BusType::Float, Interface::AxiStream, 1).unwrap();
        assert_eq!(f.decode(f.encode(0.1)), 0.1f32 as f64);
    }
}
