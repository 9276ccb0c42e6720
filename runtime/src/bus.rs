//! The layout of the data on the accelerator's bus, shared with the generated firmware and drivers.
//!
//! Each value travels in one **word**: `float` in a 32-bit IEEE word, `double` in a 64-bit one, a
//! fixed type `T` as its raw two's-complement bits sign- (signed `T`) or zero-extended (unsigned `T`)
//! to the word width — `T`'s width rounded up to a power of two of at least 8 bits (at least 32 on
//! `axi_lite`, where every value has its own registers). In memory the words are packed back to back,
//! little-endian, sample after sample, channels last.

use crate::error::{Error, ErrorKind, Result};
use crate::fixed::FixedType;

/// What one value on the bus is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordType {
    /// IEEE single precision.
    Float,
    /// IEEE double precision.
    Double,
    /// A fixed-point or integer type, as its raw bits.
    Fixed(FixedType),
}

/// The widest word a bus carries.
pub const MAX_WORD_BITS: u32 = 64;

/// One direction of the bus: what a value is, how wide its word is, how many values a sample has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusLayout {
    /// The value type.
    pub word: WordType,
    /// Bits of one word (8, 16, 32 or 64).
    pub word_bits: u32,
    /// Values per sample.
    pub values: usize,
}

impl BusLayout {
    /// The layout of `values` values of type `word`; `min_word_bits` is 32 on `axi_lite`, 8 otherwise.
    /// Fixed types needing words over [`MAX_WORD_BITS`] are refused.
    pub fn new(word: WordType, values: usize, min_word_bits: u32) -> Result<BusLayout> {
        let word_bits = match word {
            WordType::Float => 32,
            WordType::Double => 64,
            WordType::Fixed(t) => t.width.next_power_of_two().max(min_word_bits).max(8),
        };
        if word_bits > MAX_WORD_BITS {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("a bus value needs a {word_bits}-bit word; at most {MAX_WORD_BITS} bits are supported"),
            ));
        }
        Ok(BusLayout {
            word,
            word_bits,
            values,
        })
    }

    /// Bytes of one word.
    pub fn word_bytes(&self) -> usize {
        self.word_bits as usize / 8
    }

    /// Bytes of one sample.
    pub fn sample_bytes(&self) -> usize {
        self.word_bytes() * self.values
    }

    fn mask(&self) -> u64 {
        if self.word_bits == 64 {
            u64::MAX
        } else {
            (1u64 << self.word_bits) - 1
        }
    }

    /// The word carrying `v`: `Q_T(v)` for a fixed type `T` (its own quantization and overflow
    /// modes), in the low `word_bits` bits.
    pub fn encode(&self, v: f64) -> u64 {
        match self.word {
            WordType::Float => (v as f32).to_bits() as u64,
            WordType::Double => v.to_bits(),
            WordType::Fixed(t) => self.word_from_raw(t.quantize_f64(v)),
        }
    }

    /// The value a word (in its low `word_bits` bits) carries.
    pub fn decode(&self, word: u64) -> f64 {
        match self.word {
            WordType::Float => f32::from_bits(word as u32) as f64,
            WordType::Double => f64::from_bits(word),
            WordType::Fixed(t) => self.raw_from_word(word) as f64 * t.lsb(),
        }
    }

    /// The word of a raw fixed-point value (its low bits, sign- or zero-extended to the word).
    pub fn word_from_raw(&self, raw: i128) -> u64 {
        (raw as i64 as u64) & self.mask()
    }

    /// The raw fixed-point value in a word: its low `width` bits, extended by the type's signedness.
    /// For `float`/`double` words, the word itself.
    pub fn raw_from_word(&self, word: u64) -> i128 {
        match self.word {
            WordType::Fixed(t) => {
                let shift = 64 - t.width;
                if t.signed {
                    (((word << shift) as i64) >> shift) as i128
                } else {
                    ((word << shift) >> shift) as i128
                }
            }
            _ => word as i128,
        }
    }

    /// Word `index` of a packed little-endian buffer.
    ///
    /// # Panics
    /// When the buffer is too short.
    pub fn read_word(&self, bytes: &[u8], index: usize) -> u64 {
        let n = self.word_bytes();
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&bytes[index * n..index * n + n]);
        u64::from_le_bytes(b)
    }

    /// Writes word `index` of a packed little-endian buffer.
    ///
    /// # Panics
    /// When the buffer is too short.
    pub fn write_word(&self, bytes: &mut [u8], index: usize, word: u64) {
        let n = self.word_bytes();
        bytes[index * n..index * n + n].copy_from_slice(&word.to_le_bytes()[..n]);
    }
}

/// An element type of the typed driver's `Input`/`Output` arrays: `f32`, `f64` or a
/// [`crate::fixed::ApFixed`], and how it becomes a bus word.
pub trait BusValue: Copy + Default + Send + Sync + 'static {
    /// The word carrying this value on `bus`.
    fn to_word(self, bus: &BusLayout) -> u64;
    /// The value a word of `bus` carries.
    fn from_word(word: u64, bus: &BusLayout) -> Self;
}

impl BusValue for f32 {
    fn to_word(self, bus: &BusLayout) -> u64 {
        match bus.word {
            WordType::Float => self.to_bits() as u64,
            _ => bus.encode(self as f64),
        }
    }
    fn from_word(word: u64, bus: &BusLayout) -> f32 {
        match bus.word {
            WordType::Float => f32::from_bits(word as u32),
            _ => bus.decode(word) as f32,
        }
    }
}

impl BusValue for f64 {
    fn to_word(self, bus: &BusLayout) -> u64 {
        bus.encode(self)
    }
    fn from_word(word: u64, bus: &BusLayout) -> f64 {
        bus.decode(word)
    }
}

/// Arrays of bus values, nested to any depth (`[f32; 16]`, `[[[f32; 1]; 8]; 8]`), seen as the flat
/// list of their values in row-major order: how the typed driver hands samples to the runtime
/// without copying.
///
/// # Safety
/// Implementors must be laid out exactly as `COUNT` consecutive `Elem`s with no padding.
pub unsafe trait Flat: Copy + Send + Sync + 'static {
    /// The scalar element.
    type Elem: BusValue;
    /// Number of scalars.
    const COUNT: usize;
    /// The value with every scalar at its default (zero).
    fn zeroed() -> Self;
}

// SAFETY: a scalar is one element of itself.
unsafe impl Flat for f32 {
    type Elem = f32;
    const COUNT: usize = 1;
    fn zeroed() -> f32 {
        0.0
    }
}
// SAFETY: as above.
unsafe impl Flat for f64 {
    type Elem = f64;
    const COUNT: usize = 1;
    fn zeroed() -> f64 {
        0.0
    }
}
// SAFETY: `[T; N]` is N `T`s back to back with no padding, each of which is T::COUNT elements.
unsafe impl<T: Flat, const N: usize> Flat for [T; N] {
    type Elem = T::Elem;
    const COUNT: usize = N * T::COUNT;
    fn zeroed() -> [T; N] {
        [T::zeroed(); N]
    }
}

/// The scalars of a slice of samples, in order.
pub fn flatten<T: Flat>(samples: &[T]) -> &[T::Elem] {
    // SAFETY: `Flat` guarantees T is T::COUNT consecutive T::Elem with no padding, so the slice's
    // memory holds samples.len() * T::COUNT properly aligned elements.
    unsafe { std::slice::from_raw_parts(samples.as_ptr().cast(), samples.len() * T::COUNT) }
}

/// The scalars of a mutable slice of samples, in order.
pub fn flatten_mut<T: Flat>(samples: &mut [T]) -> &mut [T::Elem] {
    // SAFETY: as for `flatten`; the borrow is exclusive.
    unsafe { std::slice::from_raw_parts_mut(samples.as_mut_ptr().cast(), samples.len() * T::COUNT) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_words_are_extended_raw_bits() {
        let t = FixedType::parse("ap_fixed<14,6>").unwrap();
        let bus = BusLayout::new(WordType::Fixed(t), 1, 8).unwrap();
        assert_eq!(bus.word_bits, 16);
        assert_eq!(bus.encode(-1.5), (-384i16) as u16 as u64);
        assert_eq!(bus.decode(bus.encode(-1.5)), -1.5);
        assert_eq!(bus.raw_from_word(0xfe80), -384);
        let lite = BusLayout::new(WordType::Fixed(t), 1, 32).unwrap();
        assert_eq!(lite.word_bits, 32);
        assert!(BusLayout::new(WordType::Fixed(FixedType::fixed(65, 6)), 1, 8).is_err());
    }

    #[test]
    fn nested_arrays_flatten_in_row_major_order() {
        let x: [[[f32; 2]; 2]; 1] = [[[1.0, 2.0], [3.0, 4.0]]];
        assert_eq!(flatten(&[x, x]), &[1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0]);
        let mut y = [[0f64; 3]; 2];
        flatten_mut(&mut y)[4] = 7.0;
        assert_eq!(y[1][1], 7.0);
    }

    #[test]
    fn packed_words_are_little_endian() {
        let bus = BusLayout::new(WordType::Fixed(FixedType::fixed(16, 6)), 2, 8).unwrap();
        let mut b = [0u8; 4];
        bus.write_word(&mut b, 1, 0xabcd);
        assert_eq!(b, [0, 0, 0xcd, 0xab]);
        assert_eq!(bus.read_word(&b, 1), 0xabcd);
    }
}
