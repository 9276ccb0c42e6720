//! Constant tensors (initializers, `Constant` nodes, tensor attributes) decoded from their
//! [`TensorProto`]s, with every size checked against the bytes actually present.

use super::proto::{data_type, TensorProto};
use crate::ir::Tensor;

/// The elements of a constant: floats (FLOAT, DOUBLE, FLOAT16, widened to `f64`) or integers.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Values {
    /// Floating-point elements.
    Float(Vec<f64>),
    /// Integer elements.
    Int(Vec<i64>),
}

/// A decoded constant tensor.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Constant {
    /// Dimensions, outermost first (empty for a scalar).
    pub dims: Vec<usize>,
    /// `dims.iter().product()` elements, row-major.
    pub values: Values,
}

impl Constant {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match &self.values {
            Values::Float(v) => v.len(),
            Values::Int(v) => v.len(),
        }
    }

    /// The elements as `f64` (integers converted).
    pub fn floats(&self) -> Vec<f64> {
        match &self.values {
            Values::Float(v) => v.clone(),
            Values::Int(v) => v.iter().map(|&i| i as f64).collect(),
        }
    }

    /// The elements of an integer tensor.
    pub fn ints(&self) -> Result<&[i64], String> {
        match &self.values {
            Values::Int(v) => Ok(v),
            Values::Float(_) => Err("expected an integer tensor, got a floating-point one".into()),
        }
    }

    /// The single element of a one-element tensor, as `f64`.
    pub fn scalar(&self) -> Result<f64, String> {
        match self.floats().as_slice() {
            [x] => Ok(*x),
            v => Err(format!(
                "expected a single value, got {} (dims {:?})",
                v.len(),
                self.dims
            )),
        }
    }

    /// The constant as an IR weight tensor (`f32`).
    pub fn tensor(&self) -> Tensor {
        let data = self.floats().into_iter().map(|x| x as f32).collect();
        Tensor {
            shape: self.dims.clone(),
            data,
        }
    }
}

/// The number of elements of `dims`, or why they are not a valid shape.
pub(super) fn element_count(dims: &[i64]) -> Result<(Vec<usize>, usize), String> {
    let mut out = Vec::with_capacity(dims.len());
    let mut n: usize = 1;
    for &d in dims {
        let d = usize::try_from(d).map_err(|_| format!("negative dimension {d} in {dims:?}"))?;
        n = n
            .checked_mul(d)
            .ok_or_else(|| format!("dimensions {dims:?} have too many elements"))?;
        out.push(d);
    }
    Ok((out, n))
}

/// Decodes a tensor, checking that the data present matches its dimensions.
pub(super) fn decode(t: &TensorProto) -> Result<Constant, String> {
    if t.data_location == 1 {
        return Err("its data is stored in an external file, which is not supported".into());
    }
    let (dims, n) = element_count(&t.dims)?;
    let raw = t.raw_data.as_slice();
    let values = match t.data_type {
        data_type::FLOAT => Values::Float(if raw.is_empty() {
            check_count(t.float_data.len(), n, "float_data")?;
            t.float_data.iter().map(|&x| x as f64).collect()
        } else {
            from_raw::<4>(raw, n)?.map(|b| f32::from_le_bytes(b) as f64).collect()
        }),
        data_type::DOUBLE => Values::Float(if raw.is_empty() {
            check_count(t.double_data.len(), n, "double_data")?;
            t.double_data.clone()
        } else {
            from_raw::<8>(raw, n)?.map(f64::from_le_bytes).collect()
        }),
        data_type::FLOAT16 => Values::Float(if raw.is_empty() {
            check_count(t.int32_data.len(), n, "int32_data")?;
            t.int32_data.iter().map(|&x| f16_to_f64(x as u16)).collect()
        } else {
            from_raw::<2>(raw, n)?
                .map(|b| f16_to_f64(u16::from_le_bytes(b)))
                .collect()
        }),
        data_type::INT64 => Values::Int(if raw.is_empty() {
            check_count(t.int64_data.len(), n, "int64_data")?;
            t.int64_data.clone()
        } else {
            from_raw::<8>(raw, n)?.map(i64::from_le_bytes).collect()
        }),
        data_type::INT32 => Values::Int(if raw.is_empty() {
            check_count(t.int32_data.len(), n, "int32_data")?;
            t.int32_data.iter().map(|&x| x as i64).collect()
        } else {
            from_raw::<4>(raw, n)?.map(|b| i32::from_le_bytes(b) as i64).collect()
        }),
        other => {
            return Err(format!(
                "its element type {} is not supported (FLOAT, DOUBLE, FLOAT16, INT32 and INT64 are)",
                type_name(other)
            ))
        }
    };
    Ok(Constant { dims, values })
}

/// A readable name for an ONNX element type.
pub(super) fn type_name(t: i32) -> String {
    let name = match t {
        data_type::UNDEFINED => "UNDEFINED",
        data_type::FLOAT => "FLOAT",
        data_type::UINT8 => "UINT8",
        data_type::INT8 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        data_type::INT32 => "INT32",
        data_type::INT64 => "INT64",
        data_type::STRING => "STRING",
        data_type::BOOL => "BOOL",
        data_type::FLOAT16 => "FLOAT16",
        data_type::DOUBLE => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        16 => "BFLOAT16",
        _ => return format!("#{t}"),
    };
    name.to_string()
}

fn check_count(have: usize, want: usize, field: &str) -> Result<(), String> {
    if have != want {
        return Err(format!(
            "its {field} holds {have} values, but its dimensions call for {want}"
        ));
    }
    Ok(())
}

/// The `n` little-endian `N`-byte elements of `raw`, after checking its length.
fn from_raw<const N: usize>(raw: &[u8], n: usize) -> Result<impl Iterator<Item = [u8; N]> + '_, String> {
    if n.checked_mul(N) != Some(raw.len()) {
        return Err(format!(
            "its raw_data has {} bytes, but its dimensions call for {n} elements of {N} bytes",
            raw.len()
        ));
    }
    Ok(raw.chunks_exact(N).map(|c| {
        let mut b = [0u8; N];
        b.copy_from_slice(c);
        b
    }))
}

/// IEEE 754 half precision to `f64`.
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(dims: Vec<i64>, raw: Vec<u8>) -> TensorProto {
        TensorProto {
            dims,
            data_type: data_type::FLOAT,
            raw_data: raw,
            ..Default::default()
        }
    }

    #[test]
    fn raw_floats_decode_little_endian() {
        let raw: Vec<u8> = [1.5f32, -2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let c = decode(&floats(vec![2], raw)).unwrap();
        assert_eq!(c.dims, vec![2]);
        assert_eq!(c.values, Values::Float(vec![1.5, -2.0]));
    }

    #[test]
    fn raw_data_length_must_match_dims() {
        let e = decode(&floats(vec![3], vec![0; 8])).unwrap_err();
        assert!(e.contains("8 bytes") && e.contains("3 elements"), "{e}");
    }

    #[test]
    fn huge_dims_are_rejected_without_allocating() {
        let e = decode(&floats(vec![1 << 40, 1 << 40], vec![])).unwrap_err();
        assert!(e.contains("too many elements"), "{e}");
        let e = decode(&floats(vec![1 << 30, 1 << 30], vec![0; 4])).unwrap_err();
        assert!(e.contains("raw_data"), "{e}");
        assert!(decode(&floats(vec![-1], vec![])).unwrap_err().contains("negative"));
    }

    #[test]
    fn typed_fields_decode() {
        let t = TensorProto {
            dims: vec![2],
            data_type: data_type::INT64,
            int64_data: vec![0, -1],
            ..Default::default()
        };
        assert_eq!(decode(&t).unwrap().ints().unwrap(), &[0, -1]);
        let t = TensorProto {
            dims: vec![],
            data_type: data_type::DOUBLE,
            double_data: vec![0.25],
            ..Default::default()
        };
        assert_eq!(decode(&t).unwrap().scalar().unwrap(), 0.25);
        let t = TensorProto {
            dims: vec![3],
            data_type: data_type::FLOAT16,
            int32_data: vec![0x3c00, 0xc000, 0x0001],
            ..Default::default()
        };
        assert_eq!(decode(&t).unwrap().floats(), vec![1.0, -2.0, 2f64.powi(-24)]);
    }

    #[test]
    fn unsupported_types_and_external_data_are_errors() {
        let t = TensorProto {
            dims: vec![1],
            data_type: data_type::STRING,
            ..Default::default()
        };
        assert!(decode(&t).unwrap_err().contains("STRING"));
        let t = TensorProto {
            data_type: data_type::FLOAT,
            data_location: 1,
            ..Default::default()
        };
        assert!(decode(&t).unwrap_err().contains("external"));
    }
}
