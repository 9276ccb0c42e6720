//! The description of a model for the emulator: layers with their shapes, types and quantized
//! constants, independent of any model format or generator.

use super::constants::Table;
use crate::fixed::FixedType;
use std::fmt;

/// Quantized constants (weights, biases, scales): raw values of one type.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// The type of every value.
    pub ty: FixedType,
    /// The raw values, row-major in the layout the layer documents.
    pub raw: Vec<i128>,
}

impl Weights {
    /// `Q_ty(v as f64)` for every value: how constants are quantized (`docs/semantics.md`).
    ///
    /// ```
    /// use hls4ml_runtime::emu::Weights;
    /// use hls4ml_runtime::FixedType;
    /// let w = Weights::quantize(FixedType::fixed(8, 3), &[0.5, -1.03]);
    /// assert_eq!(w.raw, vec![16, -33]); // lsb 1/32, truncated towards minus infinity
    /// ```
    pub fn quantize(ty: FixedType, values: &[f32]) -> Weights {
        Weights {
            ty,
            raw: values.iter().map(|&v| ty.quantize_f64(v as f64)).collect(),
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// True when there is no value.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// One quantized activation parameter (`Q_P(p)`, see [`super::constants::param`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// Its type.
    pub ty: FixedType,
    /// Its raw value.
    pub raw: i128,
}

impl Param {
    /// `Q_P(p)` with the parameter type of `docs/semantics.md`.
    pub fn new(p: f64) -> Param {
        let (ty, raw) = super::constants::param(p);
        Param { ty, raw }
    }
}

/// Max or average pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolOp {
    /// The largest value of the window.
    Max,
    /// The mean of the window (`Σ Q_acc(x) · Q_R(1/count)`).
    Average,
}

/// An element-wise activation, with its quantized parameters and tables.
#[derive(Debug, Clone, PartialEq)]
pub enum Activation {
    /// `Q_res(x)`.
    Linear,
    /// `Q_res(x > 0 ? x : 0)`.
    Relu,
    /// `Q_res(x > 0 ? x : x · alpha)`.
    LeakyRelu {
        /// `Q_P(α)`.
        alpha: Param,
    },
    /// `Q_res(min(max(x, lo), hi))`.
    Clip {
        /// `Q_P(lo)`.
        lo: Param,
        /// `Q_P(hi)`.
        hi: Param,
    },
    /// `Q_res(min(max(x · slope + offset, 0), 1))`.
    HardSigmoid {
        /// `Q_P(slope)`.
        slope: Param,
        /// `Q_P(offset)`.
        offset: Param,
    },
    /// `Q_res(T[idx(x)])`: sigmoid, tanh, softsign.
    Lookup(Table),
    /// `Q_res(x)` for `x ≥ table.hi`, the table below (softplus).
    Softplus(Table),
    /// `Q_res(x)` for `x > 0`, the table for `x ≤ 0` (elu).
    Elu(Table),
    /// `Q_res(x · scale)` for `x > 0`, the table for `x ≤ 0` (selu).
    Selu {
        /// The table of `λ·α·(eˣ − 1)` over `[-8, 0)`.
        table: Table,
        /// `Q_P(λ)`.
        scale: Param,
    },
}

/// A softmax over the last axis.
#[derive(Debug, Clone, PartialEq)]
pub enum Softmax {
    /// Subtract the maximum, exp table over `[-8, 0)`, sum, 1/x table.
    Stable {
        /// `exp` over `[-8, 0)` ([`super::constants::softmax_exp_table`]).
        exp: Table,
        /// `1/x` over `[0, 2^c)` ([`super::constants::softmax_inv_table`]).
        inv: Table,
    },
    /// exp table over `[-8, 8)` on the inputs themselves, sum, 1/x table.
    Latency {
        /// `exp` over `[-8, 8)`.
        exp: Table,
        /// `1/x` over `[0, 2^c)` with `2^c ≥ n·e⁸`.
        inv: Table,
    },
    /// `Q_res(1)` at the first largest input, 0 elsewhere.
    Argmax,
}

/// What a layer computes. Tensors are channels-last and row-major; spatial layers take
/// `[steps, channels]` (1-D) or `[height, width, channels]` (2-D) inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    /// The model input: `Q_res(v)` of each bus value.
    Input,
    /// `y[j] = Q_res(a)`, `a = Q_acc(b[j])`, then `a = Q_acc(a + Q_acc(x[i]·w[i][j]))` for ascending `i`;
    /// per position when the input has several.
    Dense {
        /// `[n_in, n_out]`, row-major (`w[i][j]` at `i·n_out + j`).
        weights: Weights,
        /// `[n_out]`.
        bias: Weights,
        /// The accumulator type.
        accum: FixedType,
    },
    /// 1-D or 2-D convolution: Dense over each output position's receptive field, in the order
    /// `ky`, `kx`, `c_in` ascending, padded positions skipped.
    Conv {
        /// Kernel size per spatial dimension.
        kernel: Vec<usize>,
        /// `[k…, c_in, c_out]` (the Keras layout), row-major.
        weights: Weights,
        /// `[c_out]`.
        bias: Weights,
        /// The accumulator type.
        accum: FixedType,
        /// Stride per spatial dimension.
        strides: Vec<usize>,
        /// Dilation per spatial dimension.
        dilation: Vec<usize>,
        /// `(before, after)` zero padding per spatial dimension.
        padding: Vec<(usize, usize)>,
    },
    /// Max or average pooling over windows of each channel.
    Pool {
        /// Max or average.
        op: PoolOp,
        /// Window size per spatial dimension.
        pool: Vec<usize>,
        /// Stride per spatial dimension.
        strides: Vec<usize>,
        /// `(before, after)` padding per spatial dimension; padded positions never win a max and
        /// are not counted in an average unless `count_include_pad`.
        padding: Vec<(usize, usize)>,
        /// Divide by the whole window, padding included.
        count_include_pad: bool,
        /// The accumulator of an average (required for [`PoolOp::Average`]).
        accum: Option<FixedType>,
    },
    /// Max or average over all positions, one value per channel.
    GlobalPool {
        /// Max or average.
        op: PoolOp,
        /// The accumulator of an average (required for [`PoolOp::Average`]).
        accum: Option<FixedType>,
    },
    /// `y = Q_res(x·s + b)` per channel (the last axis).
    BatchNorm {
        /// `[channels]`.
        scale: Weights,
        /// `[channels]`.
        bias: Weights,
    },
    /// An element-wise activation.
    Activation(Activation),
    /// Softmax over the last axis.
    Softmax(Softmax),
    /// Flatten or Reshape: `Q_res(x)`, same elements in the same order (the layer's shape is the new
    /// shape).
    Reshape,
    /// `Q_res(x)` with the axes permuted: output axis `i` is input axis `perm[i]`.
    Transpose {
        /// The permutation.
        perm: Vec<usize>,
    },
    /// `Q_res(x)` inside, zero in the `(before, after)` padding of each spatial dimension.
    ZeroPad {
        /// Padding per spatial dimension.
        padding: Vec<(usize, usize)>,
    },
    /// `Q_res(Σ inputs)`, the sum exact.
    Add,
    /// `Q_res(x)` of each input, concatenated along `axis`.
    Concat {
        /// The axis (batch excluded).
        axis: usize,
    },
}

impl LayerKind {
    /// A short name of the kind, for messages and traces.
    pub fn class_name(&self) -> &'static str {
        match self {
            LayerKind::Input => "Input",
            LayerKind::Dense { .. } => "Dense",
            LayerKind::Conv { kernel, .. } if kernel.len() == 1 => "Conv1D",
            LayerKind::Conv { .. } => "Conv2D",
            LayerKind::Pool { op: PoolOp::Max, .. } => "MaxPooling",
            LayerKind::Pool { .. } => "AveragePooling",
            LayerKind::GlobalPool { op: PoolOp::Max, .. } => "GlobalMaxPooling",
            LayerKind::GlobalPool { .. } => "GlobalAveragePooling",
            LayerKind::BatchNorm { .. } => "BatchNormalization",
            LayerKind::Activation(_) => "Activation",
            LayerKind::Softmax(_) => "Softmax",
            LayerKind::Reshape => "Reshape",
            LayerKind::Transpose { .. } => "Transpose",
            LayerKind::ZeroPad { .. } => "ZeroPadding",
            LayerKind::Add => "Add",
            LayerKind::Concat { .. } => "Concatenate",
        }
    }
}

/// One layer of an emulated model.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The layer's name (for traces and messages).
    pub name: String,
    /// What it computes.
    pub kind: LayerKind,
    /// Indices (into the model's layers) of the layers feeding it, in order; empty for the input.
    pub inputs: Vec<usize>,
    /// Its output shape, channels-last, batch excluded.
    pub shape: Vec<usize>,
    /// The type of its outputs (`res`).
    pub result: FixedType,
}

impl Layer {
    /// Number of output values per sample.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
}

/// Why a model description was refused by [`super::Model::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// The layer at fault, when there is one.
    pub layer: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ModelError {
    pub(crate) fn new(layer: Option<&str>, message: impl Into<String>) -> ModelError {
        ModelError {
            layer: layer.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.layer {
            Some(l) => write!(f, "layer `{l}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ModelError {}
