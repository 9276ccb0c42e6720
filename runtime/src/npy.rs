//! NumPy `.npy` files: read float and integer arrays (little- or big-endian, C order, format
//! versions 1, 2 and 3) and write `float32` / `float64` arrays.

use std::fmt;
use std::io::Write;
use std::path::Path;

/// A dense array read from a `.npy` file: its shape and its elements in C (row-major) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Array<T> {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` elements, row-major.
    pub data: Vec<T>,
}

impl<T> Array<T> {
    /// Number of rows (the first dimension; 1 for a scalar).
    pub fn rows(&self) -> usize {
        self.shape.first().copied().unwrap_or(1)
    }

    /// Elements per row (the product of all dimensions but the first).
    pub fn row_len(&self) -> usize {
        self.shape.iter().skip(1).product()
    }

    /// Iterates over rows of [`Array::row_len`] elements.
    pub fn row_iter(&self) -> impl Iterator<Item = &[T]> {
        let n = self.row_len().max(1);
        self.data.chunks(n)
    }
}

/// Why a `.npy` file could not be read or written.
#[derive(Debug)]
pub struct NpyError {
    /// What is wrong, in a sentence (the file name included where known).
    pub message: String,
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NpyError {}

fn err(message: impl Into<String>) -> NpyError {
    NpyError {
        message: message.into(),
    }
}

#[derive(Clone, Copy)]
enum Dtype {
    F16,
    F32,
    F64,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Bool,
}

impl Dtype {
    fn size(self) -> usize {
        match self {
            Dtype::I8 | Dtype::U8 | Dtype::Bool => 1,
            Dtype::F16 | Dtype::I16 | Dtype::U16 => 2,
            Dtype::F32 | Dtype::I32 | Dtype::U32 => 4,
            Dtype::F64 | Dtype::I64 | Dtype::U64 => 8,
        }
    }
}

/// Reads a `.npy` file into `f64` elements, whatever its numeric dtype.
pub fn read_f64(path: impl AsRef<Path>) -> Result<Array<f64>, NpyError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read {}: {e}", path.display())))?;
    parse_f64(&bytes).map_err(|e| err(format!("{}: {}", path.display(), e.message)))
}

/// Reads a `.npy` file into `f32` elements, whatever its numeric dtype.
pub fn read_f32(path: impl AsRef<Path>) -> Result<Array<f32>, NpyError> {
    let a = read_f64(path)?;
    Ok(Array {
        shape: a.shape,
        data: a.data.into_iter().map(|v| v as f32).collect(),
    })
}

/// Parses the bytes of a `.npy` file into `f64` elements.
pub fn parse_f64(bytes: &[u8]) -> Result<Array<f64>, NpyError> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(err("not a .npy file (missing the \\x93NUMPY magic)"));
    }
    let major = bytes[6];
    let (header_len, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(err("truncated .npy header"));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(err(format!("unsupported .npy format version {v}"))),
    };
    let header = bytes
        .get(start..start + header_len)
        .ok_or_else(|| err("truncated .npy header"))?;
    let header = std::str::from_utf8(header).map_err(|_| err(".npy header is not text"))?;
    let descr = dict_value(header, "descr").ok_or_else(|| err(".npy header has no 'descr'"))?;
    let fortran = dict_value(header, "fortran_order").ok_or_else(|| err(".npy header has no 'fortran_order'"))?;
    let shape_text = dict_value(header, "shape").ok_or_else(|| err(".npy header has no 'shape'"))?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let (big_endian, code) = match descr.as_bytes().first() {
        Some(b'<') | Some(b'|') | Some(b'=') => (false, &descr[1..]),
        Some(b'>') => (true, &descr[1..]),
        _ => (false, descr),
    };
    let dtype = match code {
        "f2" => Dtype::F16,
        "f4" => Dtype::F32,
        "f8" => Dtype::F64,
        "i1" => Dtype::I8,
        "i2" => Dtype::I16,
        "i4" => Dtype::I32,
        "i8" => Dtype::I64,
        "u1" => Dtype::U8,
        "u2" => Dtype::U16,
        "u4" => Dtype::U32,
        "u8" => Dtype::U64,
        "b1" => Dtype::Bool,
        other => return Err(err(format!("unsupported .npy dtype '{other}' (numeric dtypes only)"))),
    };
    if fortran.trim() == "True" {
        return Err(err(
            "Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray",
        ));
    }
    let shape = parse_shape(shape_text)?;
    let count = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| err("the .npy shape is too large"))?;
    let body = &bytes[start + header_len..];
    let need = count
        .checked_mul(dtype.size())
        .ok_or_else(|| err("the .npy shape is too large"))?;
    if body.len() < need {
        return Err(err(format!(
            "truncated .npy data: shape {shape:?} needs {need} bytes, the file has {}",
            body.len()
        )));
    }
    let mut data = Vec::with_capacity(count);
    for chunk in body[..need].chunks_exact(dtype.size()) {
        let mut b = [0u8; 8];
        b[..chunk.len()].copy_from_slice(chunk);
        if big_endian {
            b[..chunk.len()].reverse();
        }
        let v = match dtype {
            Dtype::F16 => f16_to_f64(u16::from_le_bytes([b[0], b[1]])),
            Dtype::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Dtype::F64 => f64::from_le_bytes(b),
            Dtype::I8 => b[0] as i8 as f64,
            Dtype::I16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            Dtype::I32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Dtype::I64 => i64::from_le_bytes(b) as f64,
            Dtype::U8 | Dtype::Bool => b[0] as f64,
            Dtype::U16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            Dtype::U32 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Dtype::U64 => u64::from_le_bytes(b) as f64,
        };
        data.push(v);
    }
    Ok(Array { shape, data })
}

fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * (-24f64).exp2(),
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + frac / 1024.0) * ((e - 15) as f64).exp2(),
    }
}

/// Finds `'key': value` in the header dictionary and returns the value's text.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pos = header
        .find(&format!("'{key}'"))
        .or_else(|| header.find(&format!("\"{key}\"")))?;
    let rest = &header[pos + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    Some(rest[..end].trim())
}

fn parse_shape(text: &str) -> Result<Vec<usize>, NpyError> {
    let inner = text
        .trim()
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| err(format!("bad .npy shape {text}")))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_end_matches('L')
                .parse::<usize>()
                .map_err(|_| err(format!("bad .npy shape {text}")))
        })
        .collect()
}

fn header_bytes(descr: &str, shape: &[usize]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let shape_text = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}");
    // Pad with spaces so the data starts on a 64-byte boundary, ending in a newline.
    let unpadded = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len());
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out
}

/// Encodes `float32` elements of the given shape as the bytes of a `.npy` file.
pub fn encode_f32(shape: &[usize], data: &[f32]) -> Vec<u8> {
    let mut out = header_bytes("<f4", shape);
    out.reserve(data.len() * 4);
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Encodes `float64` elements of the given shape as the bytes of a `.npy` file.
pub fn encode_f64(shape: &[usize], data: &[f64]) -> Vec<u8> {
    let mut out = header_bytes("<f8", shape);
    out.reserve(data.len() * 8);
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Writes `float32` elements of the given shape to a `.npy` file.
pub fn write_f32(path: impl AsRef<Path>, shape: &[usize], data: &[f32]) -> Result<(), NpyError> {
    write_bytes(path.as_ref(), &encode_f32(shape, data))
}

/// Writes `float64` elements of the given shape to a `.npy` file.
pub fn write_f64(path: impl AsRef<Path>, shape: &[usize], data: &[f64]) -> Result<(), NpyError> {
    write_bytes(path.as_ref(), &encode_f64(shape, data))
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), NpyError> {
    let mut f = std::fs::File::create(path).map_err(|e| err(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| err(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_f32_and_f64() {
        let a = encode_f32(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, -6.5]);
        assert_eq!((a.len() - 24) % 64, 0, "data starts on a 64-byte boundary");
        let r = parse_f64(&a).unwrap();
        assert_eq!(r.shape, vec![2, 3]);
        assert_eq!(r.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, -6.5]);
        let b = encode_f64(&[4], &[0.1, 0.2, 0.3, 0.4]);
        assert_eq!(parse_f64(&b).unwrap().data, vec![0.1, 0.2, 0.3, 0.4]);
    }

    #[test]
    fn rejects_truncated_and_foreign_files() {
        let a = encode_f32(&[10], &[0.0; 10]);
        assert!(parse_f64(&a[..a.len() - 3]).unwrap_err().message.contains("truncated"));
        assert!(parse_f64(b"PK\x03\x04 not npy").unwrap_err().message.contains("magic"));
    }

    #[test]
    fn reads_big_endian_and_half_precision() {
        let mut bytes = header_bytes(">f4", &[1]);
        bytes.extend_from_slice(&1.5f32.to_be_bytes());
        assert_eq!(parse_f64(&bytes).unwrap().data, vec![1.5]);
        let mut bytes = header_bytes("<f2", &[1]);
        bytes.extend_from_slice(&0x3e00u16.to_le_bytes()); // 1.5 in binary16
        assert_eq!(parse_f64(&bytes).unwrap().data, vec![1.5]);
    }
}
