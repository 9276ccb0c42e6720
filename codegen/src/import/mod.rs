//! Model importers, in pure Rust: Keras (Keras 2 JSON + H5 weights, full-model H5, Keras 3 `.keras`)
//! and ONNX. Each turns a file into an [`ir::Graph`](crate::ir::Graph): channels-last shapes, Keras
//! weight layouts, Dropout removed, a fused activation split into its own layer named
//! `<layer>_<activation>` (hls4ml's naming).

pub mod keras;
pub mod onnx;

use crate::diag::Result;
use crate::ir::Graph;
use std::path::Path;

/// The layer types the importers accept, for error messages that list them.
pub const SUPPORTED_KERAS_LAYERS: &[&str] = &[
    "InputLayer",
    "Dense",
    "Conv1D",
    "Conv2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "BatchNormalization",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softmax",
    "Flatten",
    "Reshape",
    "Dropout",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "Add",
    "Concatenate",
];

/// The ONNX operators the importer accepts.
pub const SUPPORTED_ONNX_OPS: &[&str] = &[
    "Gemm",
    "MatMul",
    "Add",
    "Conv",
    "BatchNormalization",
    "Relu",
    "LeakyRelu",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "Elu",
    "Selu",
    "Softplus",
    "Softsign",
    "HardSigmoid",
    "Clip",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "Flatten",
    "Reshape",
    "Transpose",
    "Concat",
    "Dropout",
    "Identity",
    "Pad",
    "Constant",
];

/// The Keras activation names accepted in `activation=` and `Activation` layers.
pub const SUPPORTED_KERAS_ACTIVATIONS: &[&str] = &[
    "linear",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "softmax",
];

/// Imports a Keras model: `model` is a Keras 2 `.json` architecture (then `weights` names its `.h5`),
/// a full-model `.h5`, or a Keras 3 `.keras` archive.
pub fn keras(model: &Path, weights: Option<&Path>) -> Result<Graph> {
    keras::import(model, weights)
}

/// Imports an ONNX model.
pub fn onnx(model: &Path) -> Result<Graph> {
    onnx::import(model)
}
