//! ONNX importer, in pure Rust: the file is decoded with [`prost`] into the hand-declared messages of
//! [`proto`], then converted node by node into the channels-last IR.
//!
//! - Weights come from initializers and `Constant` nodes (FLOAT, DOUBLE, FLOAT16, INT32, INT64,
//!   in `raw_data` or the typed fields); every size is checked against the bytes present.
//! - The first dimension of the input is the batch, whatever size it declares.
//! - `MatMul` + `Add` of a constant vector become one Dense layer (the bias folded in), `Gemm` a
//!   Dense layer, `BatchNormalization` a folded scale and bias; `Dropout` and `Identity` vanish.
//! - Channels-first ONNX tensors are tracked with the order their data is stored in (an ONNX
//!   `Transpose` only changes that order), so IR `Transpose` layers appear only where data must
//!   move: a tf2onnx model's transposes around its convolutions cancel out, while an NCHW
//!   (PyTorch-style) input keeps its declared shape and gets one transpose into channels-last in
//!   front of its first convolution. A `Flatten` of a channels-first tensor gets a transpose in
//!   front of it, so the flattened order is ONNX's (C, H, W) and the following Dense weights are
//!   used unchanged.
//! - The output is always in ONNX's order, so the flattened IR output equals the ONNX output.
//! - Layer names are the node names made into unique C identifiers (`/fc1/Gemm` → `fc1_Gemm`);
//!   unnamed nodes are named after their operator (`gemm_1`, `relu_2`); layers inserted for a
//!   node are named after it (`conv1_transpose`).
//!
//! ```no_run
//! let graph = hls4ml_codegen::import::onnx(std::path::Path::new("model.onnx"))?;
//! println!("{} layers, input {:?}", graph.layers.len(), graph.input_shape());
//! # Ok::<(), hls4ml_codegen::Error>(())
//! ```

mod attrs;
mod constant;
mod dense;
mod graph;
mod layout;
mod names;
mod ops;
pub mod proto;
mod spatial;

use crate::diag::{Error, Result};
use crate::ir::Graph;
use prost::Message;
use std::path::Path;

/// Imports an ONNX model; see [`crate::import::onnx`](super::onnx()).
///
/// Errors (never panics) on an unreadable, truncated or corrupt file, an unsupported operator or
/// attribute, or a model with more than one input or output; every error names the file.
pub fn import(model: &Path) -> Result<Graph> {
    let bytes = std::fs::read(model).map_err(|e| Error::in_file(model, format!("cannot read the ONNX model: {e}")))?;
    import_bytes(&bytes).map_err(|e| e.with_file(model))
}

/// Imports an ONNX model from the bytes of its file.
pub fn import_bytes(bytes: &[u8]) -> Result<Graph> {
    if bytes.is_empty() {
        return Err(Error::new("the ONNX model file is empty"));
    }
    let model = proto::ModelProto::decode(bytes).map_err(|e| {
        Error::new(format!(
            "not a valid ONNX model (the file is truncated or corrupt): {e}"
        ))
    })?;
    graph::convert(&model)
}
