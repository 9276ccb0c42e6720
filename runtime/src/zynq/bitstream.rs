//! Xilinx bitstreams: the `.bit` Vivado writes (a small header, then the configuration data) and
//! the `.bin` the Linux FPGA manager loads (the same data with each 32-bit word byte-swapped).
//!
//! The `.bit` header is a 13-byte preamble, then fields keyed by one ASCII letter: `a` (design name),
//! `b` (part), `c` (date), `d` (time), each a 2-byte big-endian length and a NUL-terminated string,
//! then `e`, a 4-byte big-endian length and the configuration data.
//!
//! ```
//! use hls4ml_runtime::zynq::bitstream::Bitstream;
//! let bit = Bitstream {
//!     design: "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1".into(),
//!     part: "7z020clg400".into(),
//!     date: "2026/11/21".into(),
//!     time: "10:00:00".into(),
//!     data: vec![0xAA, 0x99, 0x55, 0x66],
//! };
//! let parsed = Bitstream::parse(&bit.write()).unwrap();
//! assert_eq!(parsed, bit);
//! assert_eq!(parsed.to_bin(), [0x66, 0x55, 0x99, 0xAA]);
//! ```

use crate::error::{Error, ErrorKind, Result};
use std::path::Path;

/// The 13 bytes every `.bit` starts with: a 2-byte length (9), nine fixed bytes, and a 2-byte
/// length (1) announcing the first key.
pub const PREAMBLE: [u8; 13] = [
    0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01,
];

/// What the string fields `a`–`d` hold, in order.
const FIELDS: [(u8, &str); 4] = [(b'a', "design name"), (b'b', "part"), (b'c', "date"), (b'd', "time")];

/// A parsed `.bit` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitstream {
    /// Field `a`: the design name, as Vivado writes it (`design_1_wrapper;UserID=…;Version=…`).
    pub design: String,
    /// Field `b`: the part (`7z020clg400`, `xczu9eg-ffvb1156-2-e`).
    pub part: String,
    /// Field `c`: the date it was written.
    pub date: String,
    /// Field `d`: the time it was written.
    pub time: String,
    /// Field `e`: the configuration data, as it sits in the `.bit` (big-endian words).
    pub data: Vec<u8>,
}

impl Bitstream {
    /// Parses a `.bit` file's bytes. A header that is not one, a field that runs past the end of the
    /// file or lacks its terminating NUL, and data that is not whole 32-bit words are errors
    /// ([`ErrorKind::Bitstream`]) naming the byte offset and what was expected there.
    pub fn parse(bytes: &[u8]) -> Result<Bitstream> {
        if bytes.len() < PREAMBLE.len() {
            return Err(bad(format!(
                "{} bytes is too short for a .bit file (the header alone starts with a {}-byte preamble)",
                bytes.len(),
                PREAMBLE.len()
            )));
        }
        if bytes[..PREAMBLE.len()] != PREAMBLE {
            return Err(bad(format!(
                "not a .bit file: offset 0 holds {}, expected the preamble {}",
                hex(&bytes[..PREAMBLE.len()]),
                hex(&PREAMBLE)
            )));
        }
        let mut pos = PREAMBLE.len();
        let mut strings: [Option<String>; 4] = Default::default();
        loop {
            let Some(&key) = bytes.get(pos) else {
                return Err(bad(format!(
                    "the file ends at offset {pos}, expected a field key (a, b, c, d or e): it is truncated"
                )));
            };
            if key == b'e' {
                if let Some(i) = strings.iter().position(Option::is_none) {
                    let (k, what) = FIELDS[i];
                    return Err(bad(format!(
                        "field e (the data) at offset {pos} comes before field {} ({what}), which every .bit has",
                        k as char
                    )));
                }
                let data = field_e(bytes, pos)?;
                let [design, part, date, time] = strings.map(Option::unwrap_or_default);
                return Ok(Bitstream {
                    design,
                    part,
                    date,
                    time,
                    data: data.to_vec(),
                });
            }
            let Some(i) = FIELDS.iter().position(|&(k, _)| k == key) else {
                return Err(bad(format!(
                    "offset {pos} holds byte 0x{key:02x}, expected a field key (a, b, c, d or e)"
                )));
            };
            if strings[i].is_some() {
                return Err(bad(format!(
                    "field {} appears a second time at offset {pos}",
                    key as char
                )));
            }
            let (value, next) = string_field(bytes, pos, FIELDS[i])?;
            strings[i] = Some(value);
            pos = next;
        }
    }

    /// Reads a bitstream file: a `.bit` is parsed ([`Bitstream::parse`]); a file without the `.bit`
    /// preamble whose name ends in `.bin` is taken as `.bin` data (already byte-swapped), returned as
    /// a [`Bitstream`] whose [`Bitstream::to_bin`] gives it back unchanged.
    pub fn read(path: &Path) -> Result<Bitstream> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let is_bin = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("bin"));
        if is_bin && !bytes.starts_with(&PREAMBLE) {
            if bytes.is_empty() || bytes.len() % 4 != 0 {
                return Err(bad(format!(
                    "{}: {} bytes is not a whole, non-zero number of 32-bit configuration words",
                    path.display(),
                    bytes.len()
                )));
            }
            return Ok(Bitstream {
                design: String::new(),
                part: String::new(),
                date: String::new(),
                time: String::new(),
                data: swap_words(&bytes),
            });
        }
        Bitstream::parse(&bytes).map_err(|e| e.context(path.display()))
    }

    /// The `.bin` form the FPGA manager loads: the data with each 32-bit word byte-swapped.
    pub fn to_bin(&self) -> Vec<u8> {
        swap_words(&self.data)
    }

    /// The `.bit` file of this bitstream (the inverse of [`Bitstream::parse`]).
    ///
    /// # Panics
    /// When a string field is longer than 65 534 bytes or the data longer than 4 GiB − 1, which no
    /// `.bit` can hold.
    pub fn write(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PREAMBLE.len() + 64 + self.data.len());
        out.extend_from_slice(&PREAMBLE);
        for ((key, what), value) in FIELDS.iter().zip([&self.design, &self.part, &self.date, &self.time]) {
            let len = u16::try_from(value.len() + 1).unwrap_or_else(|_| panic!("the {what} is too long for a .bit"));
            out.push(*key);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(value.as_bytes());
            out.push(0);
        }
        let len = u32::try_from(self.data.len()).expect("configuration data too long for a .bit");
        out.push(b'e');
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&self.data);
        out
    }

    /// The design's name without the `;UserID=…;Version=…` Vivado appends.
    pub fn design_name(&self) -> &str {
        self.design.split(';').next().unwrap_or("")
    }
}

/// A string field at `pos` (its key byte): the value and the offset after it.
fn string_field(bytes: &[u8], pos: usize, (key, what): (u8, &str)) -> Result<(String, usize)> {
    let key = key as char;
    let len_at = pos + 1;
    let Some(len) = bytes.get(len_at..len_at + 2) else {
        return Err(bad(format!(
            "the file ends inside the 2-byte length of field {key} ({what}) at offset {len_at}: it is truncated"
        )));
    };
    let len = u16::from_be_bytes([len[0], len[1]]) as usize;
    let start = len_at + 2;
    let remaining = bytes.len() - start;
    if len > remaining {
        return Err(bad(format!(
            "field {key} ({what}) at offset {pos} says {len} bytes, but only {remaining} remain: \
             the length is corrupt or the file truncated"
        )));
    }
    let raw = &bytes[start..start + len];
    let Some((&0, text)) = raw.split_last() else {
        return Err(bad(format!(
            "field {key} ({what}) at offset {pos}: expected a NUL-terminated string of {len} bytes, \
             its last byte (offset {}) is not NUL",
            (start + len).saturating_sub(1)
        )));
    };
    let text = std::str::from_utf8(text).map_err(|e| {
        bad(format!(
            "field {key} ({what}) at offset {pos} is not text (invalid UTF-8 at offset {})",
            start + e.valid_up_to()
        ))
    })?;
    Ok((text.to_string(), start + len))
}

/// The data of field `e` at `pos`.
fn field_e(bytes: &[u8], pos: usize) -> Result<&[u8]> {
    let len_at = pos + 1;
    let Some(len) = bytes.get(len_at..len_at + 4) else {
        return Err(bad(format!(
            "the file ends inside the 4-byte length of field e (the data) at offset {len_at}: it is truncated"
        )));
    };
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let start = len_at + 4;
    let remaining = bytes.len() - start;
    if len > remaining {
        return Err(bad(format!(
            "field e (the data) at offset {pos} says {len} bytes, but only {remaining} remain: \
             the length is corrupt or the file truncated"
        )));
    }
    if len < remaining {
        return Err(bad(format!(
            "{} bytes follow the end of the data at offset {}: expected the file to end there",
            remaining - len,
            start + len
        )));
    }
    if len == 0 || len % 4 != 0 {
        return Err(bad(format!(
            "field e (the data) at offset {pos} holds {len} bytes: expected a whole, non-zero number of \
             32-bit configuration words"
        )));
    }
    Ok(&bytes[start..])
}

/// Each 32-bit word byte-swapped (its own inverse). A trailing partial word is kept as it is.
fn swap_words(data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    for word in out.chunks_exact_mut(4) {
        word.reverse();
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn bad(message: String) -> Error {
    Error::new(ErrorKind::Bitstream, message)
}
