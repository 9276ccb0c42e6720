//! Constants printed as C++ literals whose value is exactly the quantized value, so the C++
//! compiler's conversion into the `ap_fixed` type cannot round differently from the generator.

use crate::diag::{Error, Result};
use hls4ml_runtime::FixedType;

/// The exact decimal of `raw · 2^-F` of type `ty`, as a C++ floating literal (e.g. `-0.0009765625`,
/// `3.0`). The literal is a `double`; it is refused when the value is not exactly a `double` (more
/// than 53 significant bits), since the compiler would then round it.
pub fn fixed_literal(ty: &FixedType, raw: i128, what: &str) -> Result<String> {
    let mag = raw.unsigned_abs();
    if mag != 0 {
        let significant = 128 - mag.leading_zeros() - mag.trailing_zeros();
        if significant > 53 {
            return Err(Error::new(format!(
                "{what}: the value {raw}·2^-{} of {ty} has {significant} significant bits; a C++ double literal \
                 holds 53",
                ty.frac_bits()
            ))
            .help("use a narrower type for this constant"));
        }
    }
    let sign = if raw < 0 { "-" } else { "" };
    let f = ty.frac_bits();
    if f <= 0 {
        let shifted = mag.checked_shl((-f) as u32).filter(|v| v >> (-f) as u32 == mag);
        let Some(int) = shifted else {
            return Err(Error::new(format!(
                "{what}: the value of {ty} is too large for a literal"
            )));
        };
        return Ok(format!("{sign}{int}.0"));
    }
    let f = f as u32;
    // Integer part, then the fraction digit by digit: each step multiplies the remainder by ten.
    let (int, mut rem) = if f >= 128 {
        (0, mag)
    } else {
        (mag >> f, mag & ((1u128 << f) - 1))
    };
    if f > 120 {
        return Err(Error::new(format!(
            "{what}: {ty} has too many fractional bits for a literal"
        )));
    }
    let mut digits = String::new();
    while rem != 0 {
        rem *= 10;
        digits.push(char::from(b'0' + (rem >> f) as u8));
        rem &= (1u128 << f) - 1;
    }
    if digits.is_empty() {
        digits.push('0');
    }
    Ok(format!("{sign}{int}.{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_the_exact_decimal_of_the_raw_value() {
        let t = FixedType::fixed(16, 6);
        assert_eq!(fixed_literal(&t, 1, "w").unwrap(), "0.0009765625");
        assert_eq!(fixed_literal(&t, -1025, "w").unwrap(), "-1.0009765625");
        assert_eq!(fixed_literal(&t, 0, "w").unwrap(), "0.0");
        assert_eq!(fixed_literal(&t, 3072, "w").unwrap(), "3.0");
        assert_eq!(fixed_literal(&FixedType::fixed(8, 10), -3, "w").unwrap(), "-12.0");
        assert_eq!(fixed_literal(&FixedType::int(8, true), 100, "w").unwrap(), "100.0");
        for raw in [12345i128, -9876, 1, 4095, -32768] {
            let v: f64 = fixed_literal(&t, raw, "w").unwrap().parse().unwrap();
            assert_eq!(v, t.to_f64(raw));
        }
    }

    #[test]
    fn values_beyond_a_double_are_refused() {
        let wide = FixedType::fixed(64, 10);
        assert!(fixed_literal(&wide, (1i128 << 60) + 1, "w").is_err());
        assert!(fixed_literal(&wide, 1i128 << 60, "w").is_ok());
    }
}
