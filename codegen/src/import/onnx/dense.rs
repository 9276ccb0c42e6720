//! Operators that become Dense and BatchNormalization layers: `Gemm`, `MatMul`, `Add`,
//! `BatchNormalization`.

use super::attrs::Attrs;
use super::constant::Constant;
use super::graph::{Converter, Entry};
use super::layout::Value;
use super::proto::NodeProto;
use crate::ir::{LayerKind, Tensor};

/// `Y = alpha·A·B + beta·C` with a constant `B` (transposed when `transB`) and `C`: a Dense layer.
pub(super) fn gemm(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    if a.int("transA", 0)? != 0 {
        return Err("transA = 1 is not supported (the input must be [batch, features])".into());
    }
    let (alpha, beta) = (a.float("alpha", 1.0)? as f64, a.float("beta", 1.0)? as f64);
    let trans_b = a.int("transB", 0)? != 0;
    let x = cv.value(node, 0)?;
    if x.rank() != 1 {
        return Err(format!(
            "the input has shape [batch, {:?}]; Gemm needs [batch, features]",
            x.dims
        ));
    }
    let b = cv.constant(node, 1)?;
    if b.dims.len() != 2 {
        return Err(format!("the weight B has dims {:?}; expected a matrix", b.dims));
    }
    let (k, m) = if trans_b {
        (b.dims[1], b.dims[0])
    } else {
        (b.dims[0], b.dims[1])
    };
    if k != x.dims[0] {
        return Err(format!(
            "the weight B has dims {:?} (transB = {}), which does not fit {} input features",
            b.dims,
            u8::from(trans_b),
            x.dims[0]
        ));
    }
    let mut kernel = b.tensor();
    if trans_b {
        kernel = kernel.permuted(&[1, 0]);
    }
    if alpha != 1.0 {
        kernel.data.iter_mut().for_each(|w| *w = (*w as f64 * alpha) as f32);
    }
    let bias = match cv.opt_constant(node, 2)? {
        Some(c) => {
            let v = broadcast_vector(&c, m).map_err(|e| format!("the bias C: {e}"))?;
            Tensor {
                shape: vec![m],
                data: v.iter().map(|&x| (x * beta) as f32).collect(),
            }
        }
        None => Tensor::zeros(vec![m]),
    };
    let input = cv.materialize(&x, &[0], base)?;
    let id = cv.add(base, LayerKind::Dense { kernel, bias }, vec![input])?;
    cv.set_output(node, 0, Entry::Tensor(cv.value_of(id, vec![0])))
}

/// `A·B` with a constant matrix `B`: a Dense layer with a zero bias (a following `Add` of a
/// constant vector is folded into it).
pub(super) fn matmul(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    let b = cv.constant(node, 1)?;
    if b.dims.len() != 2 {
        return Err(format!(
            "the weight has dims {:?}; only a constant matrix is supported",
            b.dims
        ));
    }
    let last = x.rank().checked_sub(1).ok_or("the input is a scalar per sample")?;
    if x.dims[last] != b.dims[0] {
        return Err(format!(
            "the weight has dims {:?}, which does not fit {} input features",
            b.dims, x.dims[last]
        ));
    }
    let m = b.dims[1];
    let (layer, order) = cv.with_last_axis(&x, last, base)?;
    let kernel = b.tensor();
    let id = cv.add(
        base,
        LayerKind::Dense {
            kernel,
            bias: Tensor::zeros(vec![m]),
        },
        vec![layer],
    )?;
    let mut dims = x.dims;
    dims[last] = m;
    cv.set_output(node, 0, Entry::Tensor(Value { layer: id, dims, order }))
}

/// `A + B`: of two computed tensors, an Add layer; of a tensor and a constant that varies along at
/// most one axis, a bias — folded into the Dense or Conv layer that produced the tensor when
/// nothing else reads it, else a BatchNormalization layer with unit scale.
pub(super) fn add(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let first = cv.input(node, 0)?.cloned().ok_or("input #0 is missing")?;
    let second = cv.input(node, 1)?.cloned().ok_or("input #1 is missing")?;
    match (first, second) {
        (Entry::Tensor(a), Entry::Tensor(b)) => {
            if a.dims != b.dims {
                return Err(format!(
                    "adding computed tensors of shapes {:?} and {:?} (broadcasting) is not supported",
                    a.dims, b.dims
                ));
            }
            let b_layer = cv.like(&b, &a, base)?;
            let id = cv.add(base, LayerKind::Add, vec![a.layer, b_layer])?;
            cv.set_output(node, 0, Entry::Tensor(Value { layer: id, ..a }))
        }
        (Entry::Tensor(x), Entry::Const(c)) | (Entry::Const(c), Entry::Tensor(x)) => add_bias(cv, node, base, x, &c),
        (Entry::Const(_), Entry::Const(_)) => Err("adding two constants is not supported".into()),
    }
}

fn add_bias(cv: &mut Converter, node: &NodeProto, base: &str, x: Value, c: &Constant) -> Result<(), String> {
    let axis = broadcast_axis(c, &x.dims)?;
    let values = c.floats();
    let channel_is_last = match axis {
        None => true,
        Some(a) => x.stored_as(&x.order_with_last(a)) && cv.shape(x.layer).last() == Some(&x.dims[a]),
    };
    let foldable = channel_is_last
        && cv.layer_uses(x.layer) == 1
        && !cv.is_read(x.layer)
        && matches!(cv.kind(x.layer), LayerKind::Dense { .. } | LayerKind::Conv { .. });
    if foldable {
        if let LayerKind::Dense { bias, .. } | LayerKind::Conv { bias, .. } = cv.kind_mut(x.layer) {
            let n = bias.data.len();
            for (i, b) in bias.data.iter_mut().enumerate() {
                let v = if values.len() == n { values[i] } else { values[0] };
                *b = (*b as f64 + v) as f32;
            }
        }
        return cv.set_output(node, 0, Entry::Tensor(x));
    }
    let (layer, order) = match axis {
        Some(a) => cv.with_last_axis(&x, a, base)?,
        None => (x.layer, x.order.clone()),
    };
    let channels = *cv.shape(layer).last().ok_or("the input is a scalar per sample")?;
    let bias = (0..channels)
        .map(|i| if values.len() == channels { values[i] } else { values[0] } as f32)
        .collect();
    let kind = LayerKind::BatchNorm {
        scale: Tensor {
            shape: vec![channels],
            data: vec![1.0; channels],
        },
        bias: Tensor {
            shape: vec![channels],
            data: bias,
        },
    };
    let id = cv.add(base, kind, vec![layer])?;
    cv.set_output(
        node,
        0,
        Entry::Tensor(Value {
            layer: id,
            dims: x.dims,
            order,
        }),
    )
}

/// The axis (batch excluded) along which constant `c`, broadcast against a tensor of `dims` (with
/// a batch axis in front), varies; `None` for a single value. Errors when it varies along several
/// axes or would enlarge the tensor.
fn broadcast_axis(c: &Constant, dims: &[usize]) -> Result<Option<usize>, String> {
    let rank = dims.len() + 1;
    if c.dims.len() > rank {
        return Err(format!(
            "the constant has dims {:?}, more axes than the tensor [batch, {dims:?}]",
            c.dims
        ));
    }
    if c.len() == 0 {
        return Err("the constant is empty".into());
    }
    let offset = rank - c.dims.len();
    let mut axis = None;
    for (j, &d) in c.dims.iter().enumerate() {
        let t = j + offset;
        if d == 1 {
            continue;
        }
        if t == 0 || d != dims[t - 1] {
            return Err(format!(
                "the constant of dims {:?} does not broadcast to [batch, {dims:?}]",
                c.dims
            ));
        }
        if axis.replace(t - 1).is_some() {
            return Err(format!(
                "the constant of dims {:?} varies along more than one axis",
                c.dims
            ));
        }
    }
    Ok(axis)
}

/// `c` as a vector of `n` values: `n` values along one axis, or a single value repeated.
fn broadcast_vector(c: &Constant, n: usize) -> Result<Vec<f64>, String> {
    let v = c.floats();
    let one_axis = c.dims.iter().filter(|&&d| d != 1).count() <= 1;
    match v.len() {
        1 => Ok(vec![v[0]; n]),
        len if len == n && one_axis => Ok(v),
        _ => Err(format!("dims {:?} do not broadcast to [{n}]", c.dims)),
    }
}

/// Inference-mode batch normalization, folded: `scale = γ/√(σ² + ε)`, `bias = β − μ·scale`, over
/// axis 1 (the channels).
pub(super) fn batch_norm(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    if a.int("training_mode", 0)? != 0 {
        return Err("training_mode = 1 is not supported (inference only)".into());
    }
    if a.int("spatial", 1)? == 0 {
        return Err("spatial = 0 (per-element statistics) is not supported".into());
    }
    if (1..node.output.len()).any(|i| cv.output_used(node, i)) {
        return Err("its running-statistics outputs are used; only inference is supported".into());
    }
    let eps = a.float("epsilon", 1e-5)? as f64;
    let x = cv.value(node, 0)?;
    let channels = *x.dims.first().ok_or("the input has no channel axis")?;
    let mut params = Vec::with_capacity(4);
    for (i, what) in [(1, "scale"), (2, "B"), (3, "mean"), (4, "var")] {
        let p = cv.constant(node, i)?;
        if p.len() != channels {
            return Err(format!("{what} has {} values for {channels} channels", p.len()));
        }
        params.push(p.floats());
    }
    let (gamma, beta, mean, var) = (&params[0], &params[1], &params[2], &params[3]);
    let mut scale = Vec::with_capacity(channels);
    let mut bias = Vec::with_capacity(channels);
    for c in 0..channels {
        let denom = var[c] + eps;
        if denom.is_nan() || denom <= 0.0 {
            return Err(format!("var + epsilon = {denom} for channel {c}; it must be positive"));
        }
        let s = gamma[c] / denom.sqrt();
        scale.push(s as f32);
        bias.push((beta[c] - mean[c] * s) as f32);
    }
    let (layer, order) = cv.with_last_axis(&x, 0, base)?;
    let kind = LayerKind::BatchNorm {
        scale: Tensor {
            shape: vec![channels],
            data: scale,
        },
        bias: Tensor {
            shape: vec![channels],
            data: bias,
        },
    };
    let id = cv.add(base, kind, vec![layer])?;
    cv.set_output(
        node,
        0,
        Entry::Tensor(Value {
            layer: id,
            dims: x.dims,
            order,
        }),
    )
}
