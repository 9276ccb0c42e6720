//! A compact binary form of a model description ([`super::Layer`]s), embedded by the typed driver.
//!
//! [`encode`] turns a layer list into bytes and [`decode`] turns them back into the same list, every
//! field exactly (types in full, table bounds bit for bit). The driver generated for a project embeds
//! the bytes of its emulator, so that `emulator()` needs no file at run time:
//!
//! ```
//! use hls4ml_runtime::emu::{encoding, Layer, LayerKind, Model, Weights};
//! use hls4ml_runtime::FixedType;
//!
//! let t = FixedType::fixed(16, 6);
//! let input = Layer { name: "x".into(), kind: LayerKind::Input, inputs: vec![], shape: vec![2], result: t };
//! let dense = Layer {
//!     name: "fc".into(),
//!     kind: LayerKind::Dense {
//!         weights: Weights::quantize(t, &[1.0, 0.5, -2.0, 0.25]),
//!         bias: Weights::quantize(t, &[0.125, 0.0]),
//!         accum: FixedType::fixed(32, 12),
//!     },
//!     inputs: vec![0],
//!     shape: vec![2],
//!     result: t,
//! };
//! let layers = vec![input, dense];
//! let bytes = encoding::encode(&layers);
//! let decoded = encoding::decode(&bytes)?;
//! assert_eq!(decoded, layers);
//! let model = Model::new(decoded).expect("a valid description");
//! assert_eq!(model.predict(&[1.0, 1.0]), vec![-0.875, 0.75]);
//! # Ok::<(), encoding::DecodeError>(())
//! ```
//!
//! # Format (version 1)
//!
//! Numbers are LEB128 varints, in their shortest form: `uvar` unsigned, `svar` signed after the
//! zigzag mapping (`0, -1, 1, -2, …` → `0, 1, 2, 3, …`), so that small raw values of either sign take
//! one byte. A list is its length (`uvar`) followed by its elements.
//!
//! | item | bytes |
//! |---|---|
//! | file | [`MAGIC`], [`VERSION`] (one byte), the layers as a list; nothing after the last layer |
//! | layer | name (string), kind, inputs (list of `uvar`), shape (list of `uvar`), result (type) |
//! | string | its UTF-8 bytes as a list |
//! | type | width `uvar` (1 to [`FixedType::MAX_WIDTH`]), integer bits `svar`, a flags byte, saturation bits `uvar` |
//! | flags | bit 0 signed, bit 1 integer spelling, bits 2–4 the quantization mode and bits 5–6 the overflow mode (their index in [`Quantization::ALL`], [`Overflow::ALL`]), bit 7 zero |
//! | weights | type, raw values as a list of `svar` |
//! | parameter | type, raw value `svar` |
//! | table | `lo` and `hi` (the IEEE 754 bits of each `f64`, 8 bytes little-endian), type, raw entries as a list of `svar`, each the difference from the entry before (from 0 for the first; wrapping in 128 bits) |
//! | optional type | 0, or 1 then the type |
//! | pair list | a list of `(uvar, uvar)` |
//!
//! A kind is a tag byte and the variant's fields in declaration order: 0 input; 1 dense (weights,
//! bias, accumulator); 2 conv (kernel list, weights, bias, accumulator, strides list, dilation list,
//! padding pairs); 3 pool (operation: 0 max, 1 average; pool list, strides list, padding pairs,
//! `count_include_pad` as 0 or 1, optional accumulator); 4 global pool (operation, optional
//! accumulator); 5 batch normalization (scale, bias); 6 activation; 7 softmax; 8 reshape;
//! 9 transpose (permutation list); 10 zero padding (padding pairs); 11 add; 12 concatenation (axis).
//!
//! An activation is a tag byte then its fields: 0 linear; 1 relu; 2 leaky relu (α); 3 clip (lo, hi);
//! 4 hard sigmoid (slope, offset); 5 lookup (table); 6 softplus (table); 7 elu (table); 8 selu
//! (table, scale). A softmax: 0 stable (exp table, 1/x table); 1 latency (the same); 2 argmax.
//!
//! [`decode`] accepts exactly the bytes [`encode`] writes: any other byte string is an error naming
//! the byte offset and what is wrong there. Lists are checked against the bytes that remain before
//! anything is allocated, so a corrupt length cannot ask for more memory than the input's size.
//! Besides the format, it refuses what no description can hold: a type of width 0 or above
//! [`FixedType::MAX_WIDTH`], a shape whose element count overflows `usize`.

use super::constants::Table;
use super::model::{Activation, Layer, LayerKind, Param, PoolOp, Softmax, Weights};
use crate::fixed::{FixedType, Overflow, Quantization};
use std::fmt;

/// The first bytes of an encoded description.
pub const MAGIC: [u8; 4] = *b"H4MD";

/// The format version written after [`MAGIC`]; [`decode`] reads this version only.
pub const VERSION: u8 = 1;

/// Why [`decode`] refused a byte string: where, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset of the first byte of the faulty item (the input's length when it is cut short).
    pub offset: usize,
    /// What is wrong, with the layer and the field concerned.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "model encoding, byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DecodeError {}

const KIND_INPUT: u8 = 0;
const KIND_DENSE: u8 = 1;
const KIND_CONV: u8 = 2;
const KIND_POOL: u8 = 3;
const KIND_GLOBAL_POOL: u8 = 4;
const KIND_BATCH_NORM: u8 = 5;
const KIND_ACTIVATION: u8 = 6;
const KIND_SOFTMAX: u8 = 7;
const KIND_RESHAPE: u8 = 8;
const KIND_TRANSPOSE: u8 = 9;
const KIND_ZERO_PAD: u8 = 10;
const KIND_ADD: u8 = 11;
const KIND_CONCAT: u8 = 12;

const ACT_LINEAR: u8 = 0;
const ACT_RELU: u8 = 1;
const ACT_LEAKY_RELU: u8 = 2;
const ACT_CLIP: u8 = 3;
const ACT_HARD_SIGMOID: u8 = 4;
const ACT_LOOKUP: u8 = 5;
const ACT_SOFTPLUS: u8 = 6;
const ACT_ELU: u8 = 7;
const ACT_SELU: u8 = 8;

const SOFTMAX_STABLE: u8 = 0;
const SOFTMAX_LATENCY: u8 = 1;
const SOFTMAX_ARGMAX: u8 = 2;

const FLAG_SIGNED: u8 = 1;
const FLAG_INTEGER: u8 = 2;
const QUANTIZATION_SHIFT: u32 = 2;
const OVERFLOW_SHIFT: u32 = 5;

/// The bytes of `layers` in the format of this module (see its documentation).
///
/// Every field is written as it is; [`decode`] gives the same list back, provided each type's width
/// lies in `1..=`[`FixedType::MAX_WIDTH`] and each shape's element count fits a `usize` (which
/// [`super::Model::new`] requires anyway).
pub fn encode(layers: &[Layer]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64 + layers.iter().map(raw_count).sum::<usize>() * 2));
    w.0.extend_from_slice(&MAGIC);
    w.0.push(VERSION);
    w.uvar(layers.len() as u64);
    for layer in layers {
        w.layer(layer);
    }
    w.0
}

/// The layer list encoded in `bytes` by [`encode`].
///
/// # Errors
/// When `bytes` is not exactly an encoding of this format's version: a wrong header, an unknown tag,
/// a number too large or not in its shortest form, a list longer than the bytes left, a name that is
/// not UTF-8, a type of width 0 or above [`FixedType::MAX_WIDTH`], a shape with more elements than a
/// `usize` counts, an input cut short, or bytes after the last layer. The error gives the byte offset.
pub fn decode(bytes: &[u8]) -> Result<Vec<Layer>, DecodeError> {
    let mut r = Reader { bytes, pos: 0 };
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        let end = bytes.len().min(MAGIC.len());
        return Err(r.fail(
            0,
            format!(
                "not an encoded model description: it starts with {:02x?}, not {:02x?} (\"H4MD\")",
                &bytes[..end],
                MAGIC
            ),
        ));
    }
    r.pos = MAGIC.len();
    let version = r.byte("the format version")?;
    if version != VERSION {
        return Err(r.fail(
            MAGIC.len(),
            format!("format version {version}; this runtime reads version {VERSION}"),
        ));
    }
    // A layer takes at least 8 bytes: name, kind, inputs, shape, and a type of 4 bytes.
    let n = r.count("the layer list", 8)?;
    let mut layers = Vec::with_capacity(n);
    for i in 0..n {
        layers.push(r.layer(i)?);
    }
    if r.pos != bytes.len() {
        return Err(r.fail(
            r.pos,
            format!("{} byte(s) after the last of the {n} layers", bytes.len() - r.pos),
        ));
    }
    Ok(layers)
}

/// Raw values held by a layer (to size the output buffer).
fn raw_count(l: &Layer) -> usize {
    let table = |t: &Table| t.raw.len();
    match &l.kind {
        LayerKind::Dense { weights, bias, .. } | LayerKind::Conv { weights, bias, .. } => weights.len() + bias.len(),
        LayerKind::BatchNorm { scale, bias } => scale.len() + bias.len(),
        LayerKind::Activation(
            Activation::Lookup(t) | Activation::Softplus(t) | Activation::Elu(t) | Activation::Selu { table: t, .. },
        ) => table(t),
        LayerKind::Softmax(Softmax::Stable { exp, inv } | Softmax::Latency { exp, inv }) => table(exp) + table(inv),
        _ => 0,
    }
}

/// Appends the items of the format to a byte vector.
struct Writer(Vec<u8>);

impl Writer {
    #[inline]
    fn uvar(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    #[inline]
    fn svar(&mut self, v: i128) {
        let mut z = ((v << 1) ^ (v >> 127)) as u128;
        while z >= 0x80 {
            self.0.push(z as u8 | 0x80);
            z >>= 7;
        }
        self.0.push(z as u8);
    }

    fn usize(&mut self, v: usize) {
        self.uvar(v as u64);
    }

    fn usizes(&mut self, v: &[usize]) {
        self.usize(v.len());
        for &x in v {
            self.usize(x);
        }
    }

    fn pairs(&mut self, v: &[(usize, usize)]) {
        self.usize(v.len());
        for &(a, b) in v {
            self.usize(a);
            self.usize(b);
        }
    }

    fn string(&mut self, s: &str) {
        self.usize(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn ty(&mut self, t: &FixedType) {
        self.uvar(t.width as u64);
        self.svar(t.int_bits as i128);
        let q = Quantization::ALL.iter().position(|&m| m == t.quantization).unwrap_or(0) as u8;
        let o = Overflow::ALL.iter().position(|&m| m == t.overflow).unwrap_or(0) as u8;
        let mut flags = q << QUANTIZATION_SHIFT | o << OVERFLOW_SHIFT;
        if t.signed {
            flags |= FLAG_SIGNED;
        }
        if t.integer {
            flags |= FLAG_INTEGER;
        }
        self.0.push(flags);
        self.uvar(t.sat_bits as u64);
    }

    fn opt_ty(&mut self, t: &Option<FixedType>) {
        match t {
            None => self.0.push(0),
            Some(t) => {
                self.0.push(1);
                self.ty(t);
            }
        }
    }

    fn raws(&mut self, raw: &[i128]) {
        self.usize(raw.len());
        for &v in raw {
            self.svar(v);
        }
    }

    fn weights(&mut self, w: &Weights) {
        self.ty(&w.ty);
        self.raws(&w.raw);
    }

    fn param(&mut self, p: &Param) {
        self.ty(&p.ty);
        self.svar(p.raw);
    }

    /// A table's entries change little from one to the next: their differences are written.
    fn table(&mut self, t: &Table) {
        self.0.extend_from_slice(&t.lo.to_bits().to_le_bytes());
        self.0.extend_from_slice(&t.hi.to_bits().to_le_bytes());
        self.ty(&t.ty);
        self.usize(t.raw.len());
        let mut last = 0i128;
        for &v in &t.raw {
            self.svar(v.wrapping_sub(last));
            last = v;
        }
    }

    fn pool_op(&mut self, op: PoolOp) {
        self.0.push(match op {
            PoolOp::Max => 0,
            PoolOp::Average => 1,
        });
    }

    fn activation(&mut self, a: &Activation) {
        match a {
            Activation::Linear => self.0.push(ACT_LINEAR),
            Activation::Relu => self.0.push(ACT_RELU),
            Activation::LeakyRelu { alpha } => {
                self.0.push(ACT_LEAKY_RELU);
                self.param(alpha);
            }
            Activation::Clip { lo, hi } => {
                self.0.push(ACT_CLIP);
                self.param(lo);
                self.param(hi);
            }
            Activation::HardSigmoid { slope, offset } => {
                self.0.push(ACT_HARD_SIGMOID);
                self.param(slope);
                self.param(offset);
            }
            Activation::Lookup(t) => {
                self.0.push(ACT_LOOKUP);
                self.table(t);
            }
            Activation::Softplus(t) => {
                self.0.push(ACT_SOFTPLUS);
                self.table(t);
            }
            Activation::Elu(t) => {
                self.0.push(ACT_ELU);
                self.table(t);
            }
            Activation::Selu { table, scale } => {
                self.0.push(ACT_SELU);
                self.table(table);
                self.param(scale);
            }
        }
    }

    fn softmax(&mut self, s: &Softmax) {
        match s {
            Softmax::Stable { exp, inv } => {
                self.0.push(SOFTMAX_STABLE);
                self.table(exp);
                self.table(inv);
            }
            Softmax::Latency { exp, inv } => {
                self.0.push(SOFTMAX_LATENCY);
                self.table(exp);
                self.table(inv);
            }
            Softmax::Argmax => self.0.push(SOFTMAX_ARGMAX),
        }
    }

    fn kind(&mut self, k: &LayerKind) {
        match k {
            LayerKind::Input => self.0.push(KIND_INPUT),
            LayerKind::Dense { weights, bias, accum } => {
                self.0.push(KIND_DENSE);
                self.weights(weights);
                self.weights(bias);
                self.ty(accum);
            }
            LayerKind::Conv {
                kernel,
                weights,
                bias,
                accum,
                strides,
                dilation,
                padding,
            } => {
                self.0.push(KIND_CONV);
                self.usizes(kernel);
                self.weights(weights);
                self.weights(bias);
                self.ty(accum);
                self.usizes(strides);
                self.usizes(dilation);
                self.pairs(padding);
            }
            LayerKind::Pool {
                op,
                pool,
                strides,
                padding,
                count_include_pad,
                accum,
            } => {
                self.0.push(KIND_POOL);
                self.pool_op(*op);
                self.usizes(pool);
                self.usizes(strides);
                self.pairs(padding);
                self.0.push(*count_include_pad as u8);
                self.opt_ty(accum);
            }
            LayerKind::GlobalPool { op, accum } => {
                self.0.push(KIND_GLOBAL_POOL);
                self.pool_op(*op);
                self.opt_ty(accum);
            }
            LayerKind::BatchNorm { scale, bias } => {
                self.0.push(KIND_BATCH_NORM);
                self.weights(scale);
                self.weights(bias);
            }
            LayerKind::Activation(a) => {
                self.0.push(KIND_ACTIVATION);
                self.activation(a);
            }
            LayerKind::Softmax(s) => {
                self.0.push(KIND_SOFTMAX);
                self.softmax(s);
            }
            LayerKind::Reshape => self.0.push(KIND_RESHAPE),
            LayerKind::Transpose { perm } => {
                self.0.push(KIND_TRANSPOSE);
                self.usizes(perm);
            }
            LayerKind::ZeroPad { padding } => {
                self.0.push(KIND_ZERO_PAD);
                self.pairs(padding);
            }
            LayerKind::Add => self.0.push(KIND_ADD),
            LayerKind::Concat { axis } => {
                self.0.push(KIND_CONCAT);
                self.usize(*axis);
            }
        }
    }

    fn layer(&mut self, l: &Layer) {
        self.string(&l.name);
        self.kind(&l.kind);
        self.usizes(&l.inputs);
        self.usizes(&l.shape);
        self.ty(&l.result);
    }
}

/// Reads the items of the format from a byte string; every read checks the bytes left.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

type Parsed<T> = std::result::Result<T, DecodeError>;

impl Reader<'_> {
    fn fail(&self, offset: usize, message: String) -> DecodeError {
        DecodeError { offset, message }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn cut_short(&self, what: &str) -> DecodeError {
        self.fail(self.bytes.len(), format!("{what}: the input ends here, cut short"))
    }

    #[inline]
    fn byte(&mut self, what: &str) -> Parsed<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.cut_short(what)),
        }
    }

    /// A LEB128 number of at most `bits` bits, in its shortest form.
    #[inline]
    fn var(&mut self, bits: u32, what: &str) -> Parsed<u128> {
        let start = self.pos;
        match self.bytes.get(start) {
            Some(&b) if b < 0x80 => {
                self.pos += 1;
                return Ok(b as u128);
            }
            None => return Err(self.cut_short(what)),
            _ => {}
        }
        let mut v = 0u128;
        let mut shift = 0u32;
        loop {
            let b = self.byte(what)?;
            if shift + 7 > bits && (b as u128) >> (bits - shift) != 0 {
                return Err(self.fail(start, format!("{what}: the number does not fit {bits} bits")));
            }
            v |= ((b & 0x7f) as u128) << shift;
            if b & 0x80 == 0 {
                if b == 0 {
                    return Err(self.fail(
                        start,
                        format!("{what}: the number is not in its shortest form (a final zero byte)"),
                    ));
                }
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn uvar(&mut self, what: &str) -> Parsed<u64> {
        Ok(self.var(64, what)? as u64)
    }

    #[inline]
    fn svar(&mut self, bits: u32, what: &str) -> Parsed<i128> {
        let z = self.var(bits, what)?;
        Ok((z >> 1) as i128 ^ -((z & 1) as i128))
    }

    fn usize(&mut self, what: &str) -> Parsed<usize> {
        let start = self.pos;
        let v = self.uvar(what)?;
        usize::try_from(v).map_err(|_| self.fail(start, format!("{what}: {v} does not fit a usize here")))
    }

    /// A list length, each element taking at least `min_each` bytes: checked against the bytes left.
    fn count(&mut self, what: &str, min_each: usize) -> Parsed<usize> {
        let start = self.pos;
        let n = self.usize(what)?;
        let left = self.remaining();
        if n > left / min_each {
            return Err(self.fail(
                start,
                format!(
                    "{what}: {n} entries announced, but only {left} byte(s) remain (at least {min_each} per entry)"
                ),
            ));
        }
        Ok(n)
    }

    fn usizes(&mut self, what: &str) -> Parsed<Vec<usize>> {
        let n = self.count(what, 1)?;
        (0..n).map(|_| self.usize(what)).collect()
    }

    fn pairs(&mut self, what: &str) -> Parsed<Vec<(usize, usize)>> {
        let n = self.count(what, 2)?;
        (0..n).map(|_| Ok((self.usize(what)?, self.usize(what)?))).collect()
    }

    fn string(&mut self, what: &str) -> Parsed<String> {
        let n = self.count(what, 1)?;
        let start = self.pos;
        let bytes = &self.bytes[start..start + n];
        self.pos += n;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) => Err(self.fail(start + e.valid_up_to(), format!("{what}: not UTF-8"))),
        }
    }

    fn ty(&mut self, what: &str) -> Parsed<FixedType> {
        let start = self.pos;
        let width = self.uvar(what)?;
        if width == 0 || width > FixedType::MAX_WIDTH as u64 {
            return Err(self.fail(
                start,
                format!("{what}: width {width} is outside 1..={}", FixedType::MAX_WIDTH),
            ));
        }
        let at = self.pos;
        let int_bits = self.svar(32, what)?;
        let int_bits =
            i32::try_from(int_bits).map_err(|_| self.fail(at, format!("{what}: integer bits {int_bits} overflow")))?;
        let at = self.pos;
        let flags = self.byte(what)?;
        let q = (flags >> QUANTIZATION_SHIFT) & 7;
        let o = (flags >> OVERFLOW_SHIFT) & 3;
        if flags & 0x80 != 0 || q as usize >= Quantization::ALL.len() {
            return Err(self.fail(at, format!("{what}: invalid flags byte {flags:#04x}")));
        }
        let at = self.pos;
        let sat_bits = self.uvar(what)?;
        let sat_bits = u32::try_from(sat_bits)
            .map_err(|_| self.fail(at, format!("{what}: saturation bits {sat_bits} overflow")))?;
        Ok(FixedType {
            width: width as u32,
            int_bits,
            signed: flags & FLAG_SIGNED != 0,
            quantization: Quantization::ALL[q as usize],
            overflow: Overflow::ALL[o as usize],
            sat_bits,
            integer: flags & FLAG_INTEGER != 0,
        })
    }

    fn opt_ty(&mut self, what: &str) -> Parsed<Option<FixedType>> {
        let at = self.pos;
        match self.byte(what)? {
            0 => Ok(None),
            1 => Ok(Some(self.ty(what)?)),
            b => Err(self.fail(at, format!("{what}: {b} is neither 0 (absent) nor 1 (present)"))),
        }
    }

    fn raws(&mut self, what: &str) -> Parsed<Vec<i128>> {
        let n = self.count(what, 1)?;
        let mut raw = Vec::with_capacity(n);
        for _ in 0..n {
            raw.push(self.svar(128, what)?);
        }
        Ok(raw)
    }

    fn weights(&mut self, what: &str) -> Parsed<Weights> {
        Ok(Weights {
            ty: self.ty(what)?,
            raw: self.raws(what)?,
        })
    }

    fn param(&mut self, what: &str) -> Parsed<Param> {
        Ok(Param {
            ty: self.ty(what)?,
            raw: self.svar(128, what)?,
        })
    }

    fn f64(&mut self, what: &str) -> Parsed<f64> {
        match self.bytes.get(self.pos..self.pos + 8) {
            Some(b) => {
                self.pos += 8;
                let mut le = [0u8; 8];
                le.copy_from_slice(b);
                Ok(f64::from_bits(u64::from_le_bytes(le)))
            }
            None => Err(self.cut_short(what)),
        }
    }

    fn table(&mut self, what: &str) -> Parsed<Table> {
        let lo = self.f64(what)?;
        let hi = self.f64(what)?;
        let ty = self.ty(what)?;
        let mut raw = self.raws(what)?;
        let mut last = 0i128;
        for v in &mut raw {
            *v = last.wrapping_add(*v);
            last = *v;
        }
        Ok(Table { lo, hi, ty, raw })
    }

    fn pool_op(&mut self) -> Parsed<PoolOp> {
        let at = self.pos;
        match self.byte("the pooling operation")? {
            0 => Ok(PoolOp::Max),
            1 => Ok(PoolOp::Average),
            b => Err(self.fail(at, format!("unknown pooling operation {b} (0 max, 1 average)"))),
        }
    }

    fn activation(&mut self) -> Parsed<Activation> {
        let at = self.pos;
        Ok(match self.byte("the activation")? {
            ACT_LINEAR => Activation::Linear,
            ACT_RELU => Activation::Relu,
            ACT_LEAKY_RELU => Activation::LeakyRelu {
                alpha: self.param("leaky relu α")?,
            },
            ACT_CLIP => Activation::Clip {
                lo: self.param("clip lower bound")?,
                hi: self.param("clip upper bound")?,
            },
            ACT_HARD_SIGMOID => Activation::HardSigmoid {
                slope: self.param("hard sigmoid slope")?,
                offset: self.param("hard sigmoid offset")?,
            },
            ACT_LOOKUP => Activation::Lookup(self.table("activation table")?),
            ACT_SOFTPLUS => Activation::Softplus(self.table("softplus table")?),
            ACT_ELU => Activation::Elu(self.table("elu table")?),
            ACT_SELU => Activation::Selu {
                table: self.table("selu table")?,
                scale: self.param("selu scale")?,
            },
            b => return Err(self.fail(at, format!("unknown activation tag {b} (0 to {ACT_SELU})"))),
        })
    }

    fn softmax(&mut self) -> Parsed<Softmax> {
        let at = self.pos;
        Ok(match self.byte("the softmax")? {
            SOFTMAX_STABLE => Softmax::Stable {
                exp: self.table("softmax exp table")?,
                inv: self.table("softmax 1/x table")?,
            },
            SOFTMAX_LATENCY => Softmax::Latency {
                exp: self.table("softmax exp table")?,
                inv: self.table("softmax 1/x table")?,
            },
            SOFTMAX_ARGMAX => Softmax::Argmax,
            b => return Err(self.fail(at, format!("unknown softmax tag {b} (0 to {SOFTMAX_ARGMAX})"))),
        })
    }

    fn kind(&mut self) -> Parsed<LayerKind> {
        let at = self.pos;
        Ok(match self.byte("the layer kind")? {
            KIND_INPUT => LayerKind::Input,
            KIND_DENSE => LayerKind::Dense {
                weights: self.weights("dense weights")?,
                bias: self.weights("dense bias")?,
                accum: self.ty("dense accumulator type")?,
            },
            KIND_CONV => LayerKind::Conv {
                kernel: self.usizes("conv kernel size")?,
                weights: self.weights("conv weights")?,
                bias: self.weights("conv bias")?,
                accum: self.ty("conv accumulator type")?,
                strides: self.usizes("conv strides")?,
                dilation: self.usizes("conv dilation")?,
                padding: self.pairs("conv padding")?,
            },
            KIND_POOL => LayerKind::Pool {
                op: self.pool_op()?,
                pool: self.usizes("pool size")?,
                strides: self.usizes("pool strides")?,
                padding: self.pairs("pool padding")?,
                count_include_pad: {
                    let at = self.pos;
                    match self.byte("pool count_include_pad")? {
                        0 => false,
                        1 => true,
                        b => {
                            return Err(self.fail(at, format!("pool count_include_pad: {b} is not a boolean (0 or 1)")))
                        }
                    }
                },
                accum: self.opt_ty("pool accumulator type")?,
            },
            KIND_GLOBAL_POOL => LayerKind::GlobalPool {
                op: self.pool_op()?,
                accum: self.opt_ty("global pool accumulator type")?,
            },
            KIND_BATCH_NORM => LayerKind::BatchNorm {
                scale: self.weights("batch normalization scale")?,
                bias: self.weights("batch normalization bias")?,
            },
            KIND_ACTIVATION => LayerKind::Activation(self.activation()?),
            KIND_SOFTMAX => LayerKind::Softmax(self.softmax()?),
            KIND_RESHAPE => LayerKind::Reshape,
            KIND_TRANSPOSE => LayerKind::Transpose {
                perm: self.usizes("transpose permutation")?,
            },
            KIND_ZERO_PAD => LayerKind::ZeroPad {
                padding: self.pairs("zero padding")?,
            },
            KIND_ADD => LayerKind::Add,
            KIND_CONCAT => LayerKind::Concat {
                axis: self.usize("concatenation axis")?,
            },
            b => return Err(self.fail(at, format!("unknown layer kind tag {b} (0 to {KIND_CONCAT})"))),
        })
    }

    /// Layer `i`; the messages of its errors start with `layer #i (`name`)`.
    fn layer(&mut self, i: usize) -> Parsed<Layer> {
        let name = self.string("the name").map_err(|mut e| {
            e.message = format!("layer #{i}: {}", e.message);
            e
        })?;
        let named = |mut e: DecodeError| {
            e.message = format!("layer #{i} (`{name}`): {}", e.message);
            e
        };
        let kind = self.kind().map_err(named)?;
        let inputs = self.usizes("the inputs").map_err(named)?;
        let at = self.pos;
        let shape = self.usizes("the shape").map_err(named)?;
        if shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).is_none() {
            return Err(named(self.fail(
                at,
                format!("the shape {shape:?} has more elements than a usize counts"),
            )));
        }
        let result = self.ty("the result type").map_err(named)?;
        Ok(Layer {
            name,
            kind,
            inputs,
            shape,
            result,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::constants;
    use super::super::Model;
    use super::*;

    fn ty(s: &str) -> FixedType {
        FixedType::parse(s).unwrap()
    }

    fn layer(name: &str, kind: LayerKind, inputs: Vec<usize>, shape: Vec<usize>, result: FixedType) -> Layer {
        Layer {
            name: name.into(),
            kind,
            inputs,
            shape,
            result,
        }
    }

    fn table(lo: f64, hi: f64, raw: Vec<i128>) -> Table {
        Table {
            lo,
            hi,
            ty: ty("ap_fixed<18,8,AP_RND,AP_SAT>"),
            raw,
        }
    }

    /// Every kind, activation, softmax and pooling variant, every quantization and overflow mode,
    /// extreme raw values and odd table bounds: not a runnable model, a test of the format.
    fn every_variant() -> Vec<Layer> {
        let mut types: Vec<FixedType> = vec![
            FixedType::int(8, true),
            FixedType::int(1024, false),
            FixedType::fixed(1, -40),
            FixedType::ufixed(300, 2000),
            FixedType {
                sat_bits: 7,
                ..FixedType::fixed(4, -2)
            },
            FixedType {
                int_bits: i32::MIN,
                sat_bits: u32::MAX,
                ..FixedType::fixed(64, 0)
            },
            FixedType {
                int_bits: i32::MAX,
                ..FixedType::int(2, false)
            },
        ];
        for q in Quantization::ALL {
            for o in Overflow::ALL {
                types.push(FixedType::fixed(18, 8).with_modes(q, o));
                types.push(FixedType::ufixed(9, -1).with_modes(q, o));
            }
        }
        let w = |i: usize, raw: Vec<i128>| Weights {
            ty: types[i % types.len()],
            raw,
        };
        let p = |i: usize, raw: i128| Param {
            ty: types[i % types.len()],
            raw,
        };
        let extremes = vec![
            0,
            1,
            -1,
            63,
            -64,
            64,
            -65,
            i128::MAX,
            i128::MIN,
            i64::MAX as i128,
            i64::MIN as i128,
        ];
        let nan = f64::from_bits(0x7ff4_0000_dead_beef);
        let mut kinds = vec![
            LayerKind::Input,
            LayerKind::Dense {
                weights: w(0, extremes.clone()),
                bias: w(1, vec![]),
                accum: types[2],
            },
            LayerKind::Conv {
                kernel: vec![3, 1],
                weights: w(3, (-300..300).collect()),
                bias: w(4, vec![5, -5]),
                accum: types[5],
                strides: vec![1, 2],
                dilation: vec![2, 1],
                padding: vec![(1, 0), (usize::MAX, 0)],
            },
            LayerKind::Pool {
                op: PoolOp::Max,
                pool: vec![2],
                strides: vec![2],
                padding: vec![],
                count_include_pad: false,
                accum: None,
            },
            LayerKind::Pool {
                op: PoolOp::Average,
                pool: vec![2, 3],
                strides: vec![1, 3],
                padding: vec![(0, 1), (1, 1)],
                count_include_pad: true,
                accum: Some(types[6]),
            },
            LayerKind::GlobalPool {
                op: PoolOp::Max,
                accum: None,
            },
            LayerKind::GlobalPool {
                op: PoolOp::Average,
                accum: Some(types[7]),
            },
            LayerKind::BatchNorm {
                scale: w(8, vec![1 << 20, -(1 << 20)]),
                bias: w(9, vec![3]),
            },
            LayerKind::Reshape,
            LayerKind::Transpose { perm: vec![2, 0, 1] },
            LayerKind::ZeroPad {
                padding: vec![(0, 0), (3, 4)],
            },
            LayerKind::Add,
            LayerKind::Concat { axis: usize::MAX },
            LayerKind::Softmax(Softmax::Stable {
                exp: constants::softmax_exp_table(true, 64, ty("ap_ufixed<18,8>")),
                inv: constants::softmax_inv_table(true, 5, 32, ty("ap_fixed<18,8>")),
            }),
            LayerKind::Softmax(Softmax::Latency {
                exp: table(-8.0, 8.0, vec![i128::MIN, 0]),
                inv: table(0.0, f64::INFINITY, vec![]),
            }),
            LayerKind::Softmax(Softmax::Argmax),
        ];
        let activations = vec![
            Activation::Linear,
            Activation::Relu,
            Activation::LeakyRelu { alpha: Param::new(0.3) },
            Activation::Clip {
                lo: Param::new(-6.0),
                hi: p(10, i128::MAX),
            },
            Activation::HardSigmoid {
                slope: Param::new(0.2),
                offset: p(11, -1),
            },
            Activation::Lookup(table(-0.0, f64::MIN_POSITIVE / 4.0, vec![1, 2, 3])),
            Activation::Softplus(table(f64::NEG_INFINITY, nan, vec![-7])),
            Activation::Elu(table(-8.0, 0.0, (0..1024).map(|k| k * k - 5000).collect())),
            Activation::Selu {
                table: table(f64::MAX, -f64::MIN_POSITIVE, vec![9]),
                scale: Param::new(1.0507),
            },
        ];
        kinds.extend(activations.into_iter().map(LayerKind::Activation));
        kinds
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let inputs = (0..i % 4).map(|k| i * 1000 + k).collect();
                let shape = match i % 3 {
                    0 => vec![],
                    1 => vec![7],
                    _ => vec![usize::MAX, 1, 0],
                };
                let name = ["", "fc1", "ünïcode ✓ layer", "a\0b"][i % 4].to_string() + &i.to_string();
                layer(&name, kind, inputs, shape, types[(i * 5) % types.len()])
            })
            .collect()
    }

    /// The tag of each kind and of each activation and softmax, from the encoding itself.
    fn tags(layers: &[Layer]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let (mut kinds, mut acts, mut softmaxes) = (vec![], vec![], vec![]);
        for l in layers {
            let mut w = Writer(vec![]);
            w.kind(&l.kind);
            match &l.kind {
                LayerKind::Activation(_) => acts.push(w.0[1]),
                LayerKind::Softmax(_) => softmaxes.push(w.0[1]),
                _ => {}
            }
            kinds.push(w.0[0]);
        }
        for v in [&mut kinds, &mut acts, &mut softmaxes] {
            v.sort_unstable();
            v.dedup();
        }
        (kinds, acts, softmaxes)
    }

    /// Equality with table bounds compared bit for bit (NaN, −0.0).
    fn assert_same(a: &[Layer], b: &[Layer]) {
        assert_eq!(a.len(), b.len());
        let bounds = |l: &Layer| -> Vec<u64> {
            let t = |t: &Table| [t.lo.to_bits(), t.hi.to_bits()];
            match &l.kind {
                LayerKind::Activation(
                    Activation::Lookup(x)
                    | Activation::Softplus(x)
                    | Activation::Elu(x)
                    | Activation::Selu { table: x, .. },
                ) => t(x).to_vec(),
                LayerKind::Softmax(Softmax::Stable { exp, inv } | Softmax::Latency { exp, inv }) => {
                    [t(exp), t(inv)].concat()
                }
                _ => vec![],
            }
        };
        for (x, y) in a.iter().zip(b) {
            assert_eq!(bounds(x), bounds(y), "layer {}", x.name);
            if bounds(x).iter().all(|&b| !f64::from_bits(b).is_nan()) {
                assert_eq!(x, y);
            } else {
                assert_eq!(format!("{x:?}"), format!("{y:?}"));
            }
        }
    }

    #[test]
    fn every_variant_round_trips_exactly() {
        let layers = every_variant();
        let (kinds, acts, softmaxes) = tags(&layers);
        assert_eq!(
            kinds,
            (0..=KIND_CONCAT).collect::<Vec<_>>(),
            "every layer kind is covered"
        );
        assert_eq!(acts, (0..=ACT_SELU).collect::<Vec<_>>(), "every activation is covered");
        assert_eq!(
            softmaxes,
            (0..=SOFTMAX_ARGMAX).collect::<Vec<_>>(),
            "every softmax is covered"
        );
        let bytes = encode(&layers);
        assert_eq!(bytes[..5], *b"H4MD\x01");
        let back = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_same(&layers, &back);
        assert_eq!(encode(&back), bytes, "encoding the decoded list gives the same bytes");
        // each layer alone, too (every kind at the start of the list)
        for l in &layers {
            let one = std::slice::from_ref(l);
            assert_same(one, &decode(&encode(one)).unwrap());
        }
        assert_eq!(decode(&encode(&[])).unwrap(), vec![]);
    }

    #[test]
    fn the_bytes_follow_the_documented_layout() {
        // An input layer `x`, shape [2], ap_ufixed<8,3,AP_RND_CONV,AP_SAT_SYM> written by hand.
        let t = FixedType::ufixed(8, 3).with_modes(Quantization::RndConv, Overflow::SatSym);
        let l = layer("x", LayerKind::Input, vec![], vec![2], t);
        let flags = (6 << 2) | (3 << 5);
        let want = [
            b'H', b'4', b'M', b'D', 1, // magic, version
            1, // one layer
            1, b'x', // name
            0,    // input
            0,    // no inputs
            1, 2, // shape [2]
            8, 6, flags, 0, // width 8, int bits 3 (zigzag 6), flags, N = 0
        ];
        assert_eq!(encode(&[l]), want);
        // a dense layer's raw values: zigzag varints
        let w = Weights {
            ty: FixedType::fixed(8, 3),
            raw: vec![0, -1, 1, -64, 64, 300],
        };
        let mut out = Writer(vec![]);
        out.raws(&w.raw);
        assert_eq!(out.0, [6, 0, 1, 2, 127, 0x80, 1, 0xd8, 4]);
        // table bounds: the IEEE 754 bits, little-endian; the entries: differences
        let mut out = Writer(vec![]);
        out.table(&Table {
            lo: -8.0,
            hi: 0.5,
            ty: FixedType::fixed(18, 8),
            raw: vec![100, 101, 101, 99, i128::MIN],
        });
        let bounds = [0, 0, 0, 0, 0, 0, 0x20, 0xc0, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f];
        // i128::MIN − 99 wraps to i128::MAX − 98, whose zigzag is 2^128 − 198
        let wrapped = [[0xba, 0xfe].as_slice(), &[0xff; 16], &[0x03]].concat();
        let entries = [[5, 0xc8, 1, 2, 0, 3].as_slice(), &wrapped].concat();
        assert_eq!(out.0, [bounds.as_slice(), &[18, 16, 1, 0], &entries].concat());
    }

    #[test]
    fn small_raw_values_take_one_byte_and_large_lists_decode_fast() {
        let n = 200_000;
        let t = FixedType::fixed(8, 1);
        let dense = LayerKind::Dense {
            weights: Weights {
                ty: t,
                raw: (0..n as i128).map(|i| (i * 7919) % 128 - 64).collect(),
            },
            bias: Weights {
                ty: t,
                raw: vec![0; 500],
            },
            accum: FixedType::fixed(32, 12),
        };
        let layers = vec![
            layer("x", LayerKind::Input, vec![], vec![400], t),
            layer("fc", dense, vec![0], vec![500], t),
        ];
        let start = std::time::Instant::now();
        let bytes = encode(&layers);
        let back = decode(&bytes).unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(back, layers);
        assert!(bytes.len() < n + 500 + 64, "{} bytes for {n} weights", bytes.len());
        // generous, for debug builds on a busy machine
        assert!(secs < 5.0, "{secs} s to encode and decode {n} weights");
    }

    #[test]
    fn every_truncation_and_any_extra_byte_is_an_error() {
        let bytes = encode(&every_variant());
        for len in 0..bytes.len() {
            let e = decode(&bytes[..len]).expect_err("a truncated encoding");
            assert!(e.offset <= len, "offset {} beyond {len}: {e}", e.offset);
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let e = decode(&longer).unwrap_err();
        assert_eq!(e.offset, bytes.len());
        assert!(e.message.contains("after the last"), "{e}");
    }

    /// Hand-made corruptions, each refused with its offset and reason.
    #[test]
    fn corrupt_inputs_name_the_offset_and_the_reason() {
        let t = FixedType::fixed(16, 6);
        let good = encode(&[
            layer("x", LayerKind::Input, vec![], vec![2], t),
            layer("y", LayerKind::Activation(Activation::Relu), vec![0], vec![2], t),
        ]);
        // header 0..5, layer count at 5; x: name 6, kind 8, inputs 9, shape 10, type 12 (flags 14);
        // y: name 16, kind 18, activation 19
        assert_eq!(good[16..20], [1, b'y', KIND_ACTIVATION, ACT_RELU]);
        let set = |at: usize, v: &[u8]| {
            let mut b = good.clone();
            b.splice(at..at + 1, v.iter().copied());
            b
        };
        let ff = |n: usize| vec![0xff; n];
        let cases: Vec<(Vec<u8>, usize, &str)> = vec![
            (b"PK\x03\x04".to_vec(), 0, "not an encoded model description"),
            (vec![], 0, "not an encoded model description"),
            (set(4, &[2]), 4, "format version 2"),
            (
                set(5, &[ff(8), vec![0x0f]].concat()),
                5,
                "the layer list: 1152921504606846975 entries announced",
            ),
            (set(5, &[0x82, 0]), 5, "shortest form"),
            (set(5, &[ff(9), vec![0x7f]].concat()), 5, "does not fit 64 bits"),
            (set(7, &[0xc3]), 7, "layer #0: the name: not UTF-8"),
            (set(18, &[99]), 18, "layer #1 (`y`): unknown layer kind tag 99"),
            (set(19, &[42]), 19, "layer #1 (`y`): unknown activation tag 42"),
            (set(12, &[0]), 12, "layer #0 (`x`): the result type: width 0 is outside"),
            (set(12, &[0x81, 0x08]), 12, "width 1025 is outside"),
            (set(14, &[0x80]), 14, "invalid flags byte"),
            (set(14, &[7 << 2]), 14, "invalid flags byte"),
            (
                set(10, &[[2].as_slice(), &ff(9), &[1, 3]].concat()),
                10,
                "more elements",
            ),
            (
                good[..good.len() - 1].to_vec(),
                27,
                "layer #1 (`y`): the result type: the input ends here",
            ),
        ];
        for (bytes, offset, needle) in cases {
            let e = decode(&bytes).expect_err(needle);
            assert!(e.to_string().contains(needle), "want `{needle}`, got: {e}");
            assert_eq!(e.offset, offset, "{e}");
        }
        // a huge announced list is refused before anything is allocated
        let mut huge = good[..5].to_vec();
        huge.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert!(decode(&huge).unwrap_err().message.contains("entries announced"));
    }

    /// A small runnable model with most kinds: the seed of the mutation loop, whose mutants reach
    /// [`Model::new`].
    fn runnable() -> Vec<Layer> {
        let t = ty("ap_fixed<16,6>");
        let acc = ty("ap_fixed<32,12>");
        let wt = ty("ap_fixed<8,2>");
        let q = |n: usize, seed: i128| Weights {
            ty: wt,
            raw: (0..n as i128).map(|i| (i * 37 + seed) % 61 - 30).collect(),
        };
        let tab = |f: fn(f64) -> f64, lo, hi| constants::Table::new(f, lo, hi, 64, ty("ap_fixed<18,8>"));
        vec![
            layer("x", LayerKind::Input, vec![], vec![4, 4, 2], t),
            layer(
                "conv",
                LayerKind::Conv {
                    kernel: vec![3, 3],
                    weights: q(3 * 3 * 2 * 3, 1),
                    bias: q(3, 2),
                    accum: acc,
                    strides: vec![1, 1],
                    dilation: vec![1, 1],
                    padding: vec![(1, 1), (1, 1)],
                },
                vec![0],
                vec![4, 4, 3],
                t,
            ),
            layer(
                "bn",
                LayerKind::BatchNorm {
                    scale: q(3, 3),
                    bias: q(3, 4),
                },
                vec![1],
                vec![4, 4, 3],
                t,
            ),
            layer(
                "sig",
                LayerKind::Activation(Activation::Lookup(tab(|x| 1.0 / (1.0 + (-x).exp()), -8.0, 8.0))),
                vec![2],
                vec![4, 4, 3],
                t,
            ),
            layer(
                "pool",
                LayerKind::Pool {
                    op: PoolOp::Average,
                    pool: vec![2, 2],
                    strides: vec![2, 2],
                    padding: vec![(0, 0), (0, 0)],
                    count_include_pad: false,
                    accum: Some(acc),
                },
                vec![3],
                vec![2, 2, 3],
                t,
            ),
            layer(
                "pad",
                LayerKind::ZeroPad {
                    padding: vec![(1, 0), (0, 1)],
                },
                vec![4],
                vec![3, 3, 3],
                t,
            ),
            layer(
                "tr",
                LayerKind::Transpose { perm: vec![1, 0, 2] },
                vec![5],
                vec![3, 3, 3],
                t,
            ),
            layer("add", LayerKind::Add, vec![5, 6], vec![3, 3, 3], t),
            layer("cat", LayerKind::Concat { axis: 2 }, vec![7, 6], vec![3, 3, 6], t),
            layer(
                "gap",
                LayerKind::GlobalPool {
                    op: PoolOp::Max,
                    accum: None,
                },
                vec![8],
                vec![6],
                t,
            ),
            layer(
                "elu",
                LayerKind::Activation(Activation::Elu(tab(|x| x.exp() - 1.0, -8.0, 0.0))),
                vec![9],
                vec![6],
                t,
            ),
            layer(
                "leaky",
                LayerKind::Activation(Activation::LeakyRelu { alpha: Param::new(0.1) }),
                vec![10],
                vec![6],
                t,
            ),
            layer("flat", LayerKind::Reshape, vec![11], vec![2, 3], t),
            layer(
                "fc",
                LayerKind::Dense {
                    weights: q(3 * 4, 5),
                    bias: q(4, 6),
                    accum: acc,
                },
                vec![12],
                vec![2, 4],
                t,
            ),
            layer(
                "softmax",
                LayerKind::Softmax(Softmax::Stable {
                    exp: constants::softmax_exp_table(true, 64, ty("ap_ufixed<18,8>")),
                    inv: constants::softmax_inv_table(true, 4, 64, ty("ap_fixed<18,8>")),
                }),
                vec![13],
                vec![2, 4],
                ty("ap_ufixed<16,1,AP_RND,AP_SAT>"),
            ),
        ]
    }

    #[test]
    fn a_decoded_model_predicts_the_same_bits() {
        let layers = runnable();
        let original = Model::new(layers.clone()).unwrap_or_else(|e| panic!("{e}"));
        let decoded = Model::new(decode(&encode(&layers)).unwrap()).unwrap();
        let x: Vec<f32> = (0..32 * 20).map(|i| ((i * 53 % 97) as f32 - 48.0) / 9.0).collect();
        let (a, b) = (original.predict(&x), decoded.predict(&x));
        assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
        assert_eq!(original.predict_trace(&x), decoded.predict_trace(&x));
    }

    /// xorshift64*: the same mutants on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// Flips, overwrites, inserts and deletes random bytes of `seed` (one to four edits).
    fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
        let mut b = seed.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(b.len() + 1);
            match rng.below(6) {
                0 if at < b.len() => b[at] ^= 1 << rng.below(8),
                1 if at < b.len() => b[at] = rng.next() as u8,
                2 if at < b.len() => b[at] = [0, 1, 0x7f, 0x80, 0xff][rng.below(5)],
                3 => b.insert(at, rng.next() as u8),
                4 if at < b.len() => {
                    b.remove(at);
                }
                _ => {
                    let end = (at + 1 + rng.below(16)).min(b.len());
                    b.drain(at.min(end)..end);
                }
            }
        }
        b
    }

    /// Mutants of valid encodings never make [`decode`] panic; an accepted mutant is exactly what
    /// encoding its decoded list writes, and [`Model::new`] checks it without panicking.
    #[test]
    fn mutated_encodings_never_panic() {
        let cases: u64 = std::env::var("HLS4ML_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(4000);
        let seeds = [encode(&runnable()), encode(&every_variant()), encode(&runnable()[..3])];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut decoded, mut built) = (0, 0);
        for case in 0..cases {
            let seed = &seeds[case as usize % seeds.len()];
            let bytes = mutate(&mut rng, seed);
            let Ok(layers) = decode(&bytes) else { continue };
            decoded += 1;
            assert_eq!(encode(&layers), bytes, "case {case}: an accepted input is canonical");
            built += Model::new(layers).is_ok() as u64;
        }
        println!("{cases} mutants: {decoded} decoded, {built} accepted by Model::new");
        assert!(decoded > 0 && decoded < cases, "the mutants exercise both outcomes");
    }

    /// A lookup table whose bounds are far outside any input type's range (the mutation loop meets
    /// such tables) must be refused by [`Model::new`] or run, never overflow `i128` in the table's
    /// index computation ([`constants::Indexer`]).
    #[test]
    fn a_table_beyond_the_input_range_is_refused_or_runs() {
        let t = ty("ap_fixed<16,6>");
        let mut table = constants::Table::new(|x| x, -8.0, 8.0, 64, ty("ap_fixed<18,8>"));
        table.lo = -1e300;
        let layers = vec![
            layer("x", LayerKind::Input, vec![], vec![1], t),
            layer(
                "act",
                LayerKind::Activation(Activation::Lookup(table)),
                vec![0],
                vec![1],
                t,
            ),
        ];
        if let Ok(m) = Model::new(layers) {
            assert_eq!(m.predict(&[0.5]).len(), 1);
        }
    }
}
