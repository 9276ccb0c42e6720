//! What each layer computes.

use super::Tensor;

/// Element-wise activation functions (every built-in Keras activation but softmax, which is its own
/// layer kind because it reads a whole vector).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// `x`.
    Linear,
    /// `max(x, 0)`.
    Relu,
    /// `min(max(x, min), max)`: `relu6` is `Clip { min: 0, max: 6 }`; Keras `ReLU(max_value)` too.
    Clip {
        /// Lower bound.
        min: f32,
        /// Upper bound.
        max: f32,
    },
    /// `x` for `x ≥ 0`, `alpha·x` otherwise.
    LeakyRelu {
        /// Slope for negative inputs.
        alpha: f32,
    },
    /// `x` for `x > 0`, `alpha·(eˣ − 1)` otherwise.
    Elu {
        /// Scale of the negative part.
        alpha: f32,
    },
    /// `λ·x` for `x > 0`, `λ·α·(eˣ − 1)` otherwise, with SELU's fixed constants.
    Selu,
    /// `1 / (1 + e⁻ˣ)`.
    Sigmoid,
    /// `clip(slope·x + offset, 0, 1)`: Keras 2 and ONNX use 0.2 and 0.5, Keras 3 uses 1/6 and 0.5.
    HardSigmoid {
        /// Slope.
        slope: f32,
        /// Offset.
        offset: f32,
    },
    /// `tanh(x)`.
    Tanh,
    /// `ln(1 + eˣ)`.
    Softplus,
    /// `x / (1 + |x|)`.
    Softsign,
}

/// SELU's α.
pub const SELU_ALPHA: f32 = 1.673_263_2;
/// SELU's λ.
pub const SELU_SCALE: f32 = 1.050_701;

impl Activation {
    /// The function on one value, in `f64`.
    pub fn apply(&self, x: f64) -> f64 {
        match *self {
            Activation::Linear => x,
            Activation::Relu => x.max(0.0),
            Activation::Clip { min, max } => x.max(min as f64).min(max as f64),
            Activation::LeakyRelu { alpha } => {
                if x >= 0.0 {
                    x
                } else {
                    alpha as f64 * x
                }
            }
            Activation::Elu { alpha } => {
                if x > 0.0 {
                    x
                } else {
                    alpha as f64 * x.exp_m1()
                }
            }
            Activation::Selu => {
                let s = SELU_SCALE as f64;
                if x > 0.0 {
                    s * x
                } else {
                    s * SELU_ALPHA as f64 * x.exp_m1()
                }
            }
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::HardSigmoid { slope, offset } => (slope as f64 * x + offset as f64).clamp(0.0, 1.0),
            Activation::Tanh => x.tanh(),
            Activation::Softplus => {
                // ln(1 + e^x) without overflow for large x.
                if x > 30.0 {
                    x
                } else {
                    x.exp().ln_1p()
                }
            }
            Activation::Softsign => x / (1.0 + x.abs()),
        }
    }

    /// The name hls4ml uses (and the suffix of a fused activation's layer name).
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Clip { .. } => "relu6",
            Activation::LeakyRelu { .. } => "leaky_relu",
            Activation::Elu { .. } => "elu",
            Activation::Selu => "selu",
            Activation::Sigmoid => "sigmoid",
            Activation::HardSigmoid { .. } => "hard_sigmoid",
            Activation::Tanh => "tanh",
            Activation::Softplus => "softplus",
            Activation::Softsign => "softsign",
        }
    }

    /// True for the activations the firmware computes with a lookup table.
    pub fn uses_table(&self) -> bool {
        matches!(
            self,
            Activation::Elu { .. }
                | Activation::Selu
                | Activation::Sigmoid
                | Activation::Tanh
                | Activation::Softplus
                | Activation::Softsign
        )
    }
}

/// Max or average pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolOp {
    /// The largest value of the window.
    Max,
    /// The mean of the window.
    Average,
}

/// Explicit zero padding of each spatial dimension: `(before, after)`, outermost dimension first.
pub type Padding = Vec<(usize, usize)>;

/// What a layer computes. Spatial layers work on channels-last tensors: `[steps, channels]` (1-D) or
/// `[height, width, channels]` (2-D).
#[derive(Debug, Clone, PartialEq)]
pub enum LayerKind {
    /// The model's input.
    Input,
    /// `y = x·kernel + bias` over the last axis; `kernel` is `[n_in, n_out]`, `bias` `[n_out]`.
    /// Applied to each position when the input has more than one dimension (as Keras does).
    Dense {
        /// `[n_in, n_out]`.
        kernel: Tensor,
        /// `[n_out]`.
        bias: Tensor,
    },
    /// 1-D or 2-D convolution. `kernel` is `[k, c_in, c_out]` (1-D) or `[kh, kw, c_in, c_out]` (2-D).
    Conv {
        /// Keras layout, see above.
        kernel: Tensor,
        /// `[c_out]`.
        bias: Tensor,
        /// Stride per spatial dimension.
        strides: Vec<usize>,
        /// Dilation per spatial dimension.
        dilation: Vec<usize>,
        /// Zero padding per spatial dimension.
        padding: Padding,
    },
    /// Max or average pooling over windows of each channel.
    Pool {
        /// Max or average.
        op: PoolOp,
        /// Window size per spatial dimension.
        pool: Vec<usize>,
        /// Stride per spatial dimension.
        strides: Vec<usize>,
        /// Padding per spatial dimension (padded positions never win a max and are not counted in
        /// an average unless `count_include_pad`).
        padding: Padding,
        /// Average pooling divides by the whole window, padding included (ONNX's option).
        count_include_pad: bool,
    },
    /// Max or average over all positions, one value per channel.
    GlobalPool {
        /// Max or average.
        op: PoolOp,
    },
    /// `y = x·scale + bias` per channel (the last axis); folded from γ, β, mean and variance.
    BatchNorm {
        /// `γ / √(σ² + ε)`, `[channels]`.
        scale: Tensor,
        /// `β − μ·scale`, `[channels]`.
        bias: Tensor,
    },
    /// An element-wise activation.
    Activation(Activation),
    /// Softmax over the last axis.
    Softmax,
    /// Collapse to one dimension (channels-last order).
    Flatten,
    /// A new shape with the same elements in the same (row-major) order.
    Reshape {
        /// The target shape, without the batch dimension.
        shape: Vec<usize>,
    },
    /// Permute the axes: output axis `i` is input axis `perm[i]` (batch excluded).
    Transpose {
        /// The permutation.
        perm: Vec<usize>,
    },
    /// Zero padding of the spatial dimensions.
    ZeroPad {
        /// `(before, after)` per spatial dimension.
        padding: Padding,
    },
    /// Element-wise sum of two or more inputs of the same shape.
    Add,
    /// Concatenation of the inputs along `axis` (batch excluded; `shape.len() - 1` is channels).
    Concat {
        /// The axis.
        axis: usize,
    },
}

impl LayerKind {
    /// hls4ml's class name for the layer (what `inspect` prints).
    pub fn class_name(&self) -> &'static str {
        match self {
            LayerKind::Input => "Input",
            LayerKind::Dense { .. } => "Dense",
            LayerKind::Conv { kernel, .. } if kernel.shape.len() == 3 => "Conv1D",
            LayerKind::Conv { .. } => "Conv2D",
            LayerKind::Pool {
                op: PoolOp::Max, pool, ..
            } if pool.len() == 1 => "MaxPooling1D",
            LayerKind::Pool { op: PoolOp::Max, .. } => "MaxPooling2D",
            LayerKind::Pool { pool, .. } if pool.len() == 1 => "AveragePooling1D",
            LayerKind::Pool { .. } => "AveragePooling2D",
            LayerKind::GlobalPool { op: PoolOp::Max } => "GlobalMaxPooling",
            LayerKind::GlobalPool { op: PoolOp::Average } => "GlobalAveragePooling",
            LayerKind::BatchNorm { .. } => "BatchNormalization",
            LayerKind::Activation(_) => "Activation",
            LayerKind::Softmax => "Softmax",
            LayerKind::Flatten => "Flatten",
            LayerKind::Reshape { .. } => "Reshape",
            LayerKind::Transpose { .. } => "Transpose",
            LayerKind::ZeroPad { padding } if padding.len() == 1 => "ZeroPadding1D",
            LayerKind::ZeroPad { .. } => "ZeroPadding2D",
            LayerKind::Add => "Add",
            LayerKind::Concat { .. } => "Concatenate",
        }
    }

    /// Number of trainable parameters.
    pub fn parameter_count(&self) -> usize {
        match self {
            LayerKind::Dense { kernel, bias } | LayerKind::Conv { kernel, bias, .. } => kernel.len() + bias.len(),
            LayerKind::BatchNorm { scale, bias } => scale.len() + bias.len(),
            _ => 0,
        }
    }

    /// True for layers that only move data (no arithmetic): their result type is their input's.
    pub fn is_data_movement(&self) -> bool {
        matches!(
            self,
            LayerKind::Flatten | LayerKind::Reshape { .. } | LayerKind::Transpose { .. } | LayerKind::ZeroPad { .. }
        )
    }
}
