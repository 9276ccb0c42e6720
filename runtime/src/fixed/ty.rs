//! The description of one fixed-point type, parsed from and printed as its C++ spelling.

use std::fmt;

/// Quantization (rounding) mode of an `ap_fixed` type, as in UG1399.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Quantization {
    /// Truncate towards minus infinity (the default).
    #[default]
    Trn,
    /// Truncate towards zero.
    TrnZero,
    /// Round to nearest, ties towards plus infinity.
    Rnd,
    /// Round to nearest, ties towards zero.
    RndZero,
    /// Round to nearest, ties towards minus infinity.
    RndMinInf,
    /// Round to nearest, ties away from zero.
    RndInf,
    /// Round to nearest, ties to even (convergent).
    RndConv,
}

/// Overflow mode of an `ap_fixed` type, as in UG1399.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Overflow {
    /// Wrap around (the default).
    #[default]
    Wrap,
    /// Saturate to the minimum or maximum.
    Sat,
    /// Saturate to zero.
    SatZero,
    /// Symmetric saturation: the minimum is `-max` rather than `-max - 1`.
    SatSym,
}

impl Quantization {
    /// All modes, in the order of UG1399.
    pub const ALL: [Quantization; 7] = [
        Quantization::Trn,
        Quantization::TrnZero,
        Quantization::Rnd,
        Quantization::RndZero,
        Quantization::RndMinInf,
        Quantization::RndInf,
        Quantization::RndConv,
    ];

    /// The C++ enumerator, e.g. `AP_RND_CONV`.
    pub fn as_str(self) -> &'static str {
        match self {
            Quantization::Trn => "AP_TRN",
            Quantization::TrnZero => "AP_TRN_ZERO",
            Quantization::Rnd => "AP_RND",
            Quantization::RndZero => "AP_RND_ZERO",
            Quantization::RndMinInf => "AP_RND_MIN_INF",
            Quantization::RndInf => "AP_RND_INF",
            Quantization::RndConv => "AP_RND_CONV",
        }
    }
}

impl Overflow {
    /// All modes, in the order of UG1399.
    pub const ALL: [Overflow; 4] = [Overflow::Wrap, Overflow::Sat, Overflow::SatZero, Overflow::SatSym];

    /// The C++ enumerator, e.g. `AP_SAT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Overflow::Wrap => "AP_WRAP",
            Overflow::Sat => "AP_SAT",
            Overflow::SatZero => "AP_SAT_ZERO",
            Overflow::SatSym => "AP_SAT_SYM",
        }
    }
}

/// A fixed-point (or integer) type: `width` bits in all, `int_bits` of them before the binary point
/// (the sign bit included for a signed type). `int_bits` may be negative or exceed `width`, as in
/// Xilinx's headers. An `ap_int<W>` is an `ap_fixed<W,W>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedType {
    /// Total number of bits, 1 to [`FixedType::MAX_WIDTH`].
    pub width: u32,
    /// Bits before the binary point, sign included.
    pub int_bits: i32,
    /// Two's-complement signed (`ap_fixed`, `ap_int`) or unsigned (`ap_ufixed`, `ap_uint`).
    pub signed: bool,
    /// Rounding mode applied when a value is converted into this type.
    pub quantization: Quantization,
    /// What happens when a value does not fit.
    pub overflow: Overflow,
    /// The `N` parameter: saturation bits for `AP_WRAP` (0 in practice).
    pub sat_bits: u32,
    /// Written as `ap_int`/`ap_uint` rather than `ap_fixed`/`ap_ufixed`.
    pub integer: bool,
}

/// Why a type string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTypeError {
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for ParseTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseTypeError {}

impl FixedType {
    /// The widest type supported (Xilinx's headers allow more; nothing a network needs does).
    pub const MAX_WIDTH: u32 = 1024;

    /// A signed `ap_fixed<width, int_bits>` with the default modes (`AP_TRN`, `AP_WRAP`).
    pub const fn fixed(width: u32, int_bits: i32) -> Self {
        FixedType {
            width,
            int_bits,
            signed: true,
            quantization: Quantization::Trn,
            overflow: Overflow::Wrap,
            sat_bits: 0,
            integer: false,
        }
    }

    /// An unsigned `ap_ufixed<width, int_bits>` with the default modes.
    pub const fn ufixed(width: u32, int_bits: i32) -> Self {
        let mut t = Self::fixed(width, int_bits);
        t.signed = false;
        t
    }

    /// `ap_int<width>` (signed) or `ap_uint<width>`.
    pub const fn int(width: u32, signed: bool) -> Self {
        let mut t = Self::fixed(width, width as i32);
        t.signed = signed;
        t.integer = true;
        t
    }

    /// The same type with other rounding and overflow modes.
    pub const fn with_modes(mut self, quantization: Quantization, overflow: Overflow) -> Self {
        self.quantization = quantization;
        self.overflow = overflow;
        self.integer = false;
        self
    }

    /// Number of fractional bits (`width - int_bits`, may be negative).
    pub fn frac_bits(&self) -> i32 {
        self.width as i32 - self.int_bits
    }

    /// The value of one least significant bit.
    pub fn lsb(&self) -> f64 {
        (-(self.frac_bits() as f64)).exp2()
    }

    /// The largest representable value.
    pub fn max_value(&self) -> f64 {
        let mag_bits = if self.signed { self.width - 1 } else { self.width };
        ((mag_bits as f64).exp2() - 1.0) * self.lsb()
    }

    /// The smallest (most negative) representable value.
    pub fn min_value(&self) -> f64 {
        if self.signed {
            -((self.width - 1) as f64).exp2() * self.lsb()
        } else {
            0.0
        }
    }

    /// Parses the C++ spelling: `ap_fixed<16,6>`, `ap_fixed<18,8,AP_RND,AP_SAT>`,
    /// `ap_ufixed<8,0,AP_RND_CONV,AP_SAT_SYM,0>`, `ap_int<8>`, `ap_uint<4>`. Spaces are allowed
    /// anywhere between tokens; hls4ml's short forms `fixed<16,6>`, `ufixed<…>`, `int<8>` and
    /// `uint<8>` are accepted too.
    pub fn parse(text: &str) -> Result<FixedType, ParseTypeError> {
        let err = |message: String| ParseTypeError { message };
        let s = text.trim();
        let open = s.find('<').ok_or_else(|| {
            err(format!(
                "`{s}` is not a fixed-point type: expected e.g. `ap_fixed<16,6>`, `ap_ufixed<8,0,AP_RND,AP_SAT>`, `ap_int<8>` or `ap_uint<8>`"
            ))
        })?;
        if !s.ends_with('>') {
            return Err(err(format!("`{s}`: missing the closing `>`")));
        }
        let head = s[..open].trim();
        let args: Vec<&str> = s[open + 1..s.len() - 1].split(',').map(str::trim).collect();
        let (signed, integer) = match head {
            "ap_fixed" | "fixed" => (true, false),
            "ap_ufixed" | "ufixed" => (false, false),
            "ap_int" | "int" => (true, true),
            "ap_uint" | "uint" => (false, true),
            other => {
                return Err(err(format!(
                    "unknown type `{other}`: expected `ap_fixed`, `ap_ufixed`, `ap_int` or `ap_uint`"
                )))
            }
        };
        let width: u32 = args[0]
            .parse()
            .map_err(|_| err(format!("`{s}`: the width `{}` is not a positive whole number", args[0])))?;
        if width == 0 || width > Self::MAX_WIDTH {
            return Err(err(format!("`{s}`: width {width} is outside 1..={}", Self::MAX_WIDTH)));
        }
        if integer {
            if args.len() != 1 {
                return Err(err(format!("`{s}`: `{head}` takes one parameter, the width")));
            }
            return Ok(FixedType::int(width, signed));
        }
        if args.len() < 2 || args.len() > 5 {
            return Err(err(format!(
                "`{s}`: `{head}` takes 2 to 5 parameters <W, I, Q, O, N>, got {}",
                args.len()
            )));
        }
        let int_bits: i32 = args[1]
            .parse()
            .map_err(|_| err(format!("`{s}`: the integer bits `{}` are not a whole number", args[1])))?;
        let quantization = match args.get(2) {
            None => Quantization::Trn,
            Some(q) => *Quantization::ALL.iter().find(|m| m.as_str() == *q).ok_or_else(|| {
                err(format!(
                    "`{s}`: unknown quantization mode `{q}`; expected one of {}",
                    Quantization::ALL.map(|m| m.as_str()).join(", ")
                ))
            })?,
        };
        let overflow = match args.get(3) {
            None => Overflow::Wrap,
            Some(o) => *Overflow::ALL.iter().find(|m| m.as_str() == *o).ok_or_else(|| {
                err(format!(
                    "`{s}`: unknown overflow mode `{o}`; expected one of {}",
                    Overflow::ALL.map(|m| m.as_str()).join(", ")
                ))
            })?,
        };
        let sat_bits = match args.get(4) {
            None => 0,
            Some(n) => n
                .parse()
                .map_err(|_| err(format!("`{s}`: the saturation bits `{n}` are not a whole number")))?,
        };
        Ok(FixedType {
            width,
            int_bits,
            signed,
            quantization,
            overflow,
            sat_bits,
            integer: false,
        })
    }
}

impl std::str::FromStr for FixedType {
    type Err = ParseTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FixedType::parse(s)
    }
}

impl fmt::Display for FixedType {
    /// The C++ spelling, with the modes only when they are not the defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.integer {
            let head = if self.signed { "ap_int" } else { "ap_uint" };
            return write!(f, "{head}<{}>", self.width);
        }
        let head = if self.signed { "ap_fixed" } else { "ap_ufixed" };
        write!(f, "{head}<{},{}", self.width, self.int_bits)?;
        let default_modes =
            self.quantization == Quantization::Trn && self.overflow == Overflow::Wrap && self.sat_bits == 0;
        if !default_modes {
            write!(f, ",{},{}", self.quantization.as_str(), self.overflow.as_str())?;
            if self.sat_bits != 0 {
                write!(f, ",{}", self.sat_bits)?;
            }
        }
        f.write_str(">")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_every_spelling() {
        for s in [
            "ap_fixed<16,6>",
            "ap_ufixed<8,0,AP_RND,AP_SAT>",
            "ap_fixed<18,8,AP_RND_CONV,AP_SAT_SYM>",
            "ap_fixed<4,-2,AP_TRN,AP_WRAP,1>",
            "ap_int<8>",
            "ap_uint<128>",
        ] {
            assert_eq!(FixedType::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(FixedType::parse(" fixed< 16 , 6 >").unwrap(), FixedType::fixed(16, 6));
    }

    #[test]
    fn range_and_lsb_follow_width_and_integer_bits() {
        let t = FixedType::fixed(16, 6);
        assert_eq!(t.lsb(), 1.0 / 1024.0);
        assert_eq!(t.max_value(), 32.0 - 1.0 / 1024.0);
        assert_eq!(t.min_value(), -32.0);
        let u = FixedType::ufixed(8, 0);
        assert_eq!(u.max_value(), 255.0 / 256.0);
        assert_eq!(u.min_value(), 0.0);
    }

    #[test]
    fn rejects_bad_strings_with_a_reason() {
        for (s, needle) in [
            ("ap_fixed<16>", "2 to 5 parameters"),
            ("ap_fixd<16,6>", "unknown type"),
            ("ap_fixed<0,0>", "outside"),
            ("ap_fixed<16,6,AP_ROUND>", "unknown quantization mode"),
            ("ap_fixed<16,6,AP_RND,AP_SATURATE>", "unknown overflow mode"),
            ("float16", "not a fixed-point type"),
            ("ap_fixed<16,6", "closing"),
            ("ap_int<8,2>", "one parameter"),
        ] {
            let e = FixedType::parse(s).unwrap_err();
            assert!(e.message.contains(needle), "{s}: {}", e.message);
        }
    }
}
