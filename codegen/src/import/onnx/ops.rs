//! One function per ONNX operator: each reads its node's inputs and attributes, adds the IR layers
//! it needs, and records what its outputs are. The weight-carrying operators are in
//! [`super::dense`] and [`super::spatial`].

use super::attrs::Attrs;
use super::constant::{Constant, Values};
use super::dense;
use super::graph::{Converter, Entry};
use super::layout::{identity, inverse, is_permutation, Value};
use super::proto::NodeProto;
use super::spatial;
use crate::ir::{Activation, LayerKind, PoolOp};
use std::rc::Rc;

use crate::ir::{SELU_ALPHA, SELU_SCALE as SELU_GAMMA};

/// Converts one node; `base` is the name its layers are named after.
pub(super) fn convert(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    match node.op_type.as_str() {
        "Constant" => constant(cv, node),
        "Identity" => pass_through(cv, node),
        "Dropout" => {
            if cv.output_used(node, 1) {
                return Err("its mask output is used; only inference (Dropout as identity) is supported".into());
            }
            pass_through(cv, node)
        }
        "Gemm" => dense::gemm(cv, node, base),
        "MatMul" => dense::matmul(cv, node, base),
        "Add" => dense::add(cv, node, base),
        "BatchNormalization" => dense::batch_norm(cv, node, base),
        "Conv" => spatial::conv(cv, node, base),
        "MaxPool" => spatial::pool(cv, node, base, PoolOp::Max),
        "AveragePool" => spatial::pool(cv, node, base, PoolOp::Average),
        "GlobalMaxPool" => spatial::global_pool(cv, node, base, PoolOp::Max),
        "GlobalAveragePool" => spatial::global_pool(cv, node, base, PoolOp::Average),
        "Pad" => spatial::pad(cv, node, base),
        "Relu" => activation(cv, node, base, Activation::Relu),
        "Sigmoid" => activation(cv, node, base, Activation::Sigmoid),
        "Tanh" => activation(cv, node, base, Activation::Tanh),
        "Softplus" => activation(cv, node, base, Activation::Softplus),
        "Softsign" => activation(cv, node, base, Activation::Softsign),
        "LeakyRelu" => activation(
            cv,
            node,
            base,
            Activation::LeakyRelu {
                alpha: a.float("alpha", 0.01)?,
            },
        ),
        "Elu" => activation(
            cv,
            node,
            base,
            Activation::Elu {
                alpha: a.float("alpha", 1.0)?,
            },
        ),
        "HardSigmoid" => {
            let act = Activation::HardSigmoid {
                slope: a.float("alpha", 0.2)?,
                offset: a.float("beta", 0.5)?,
            };
            activation(cv, node, base, act)
        }
        "Selu" => {
            let (alpha, gamma) = (a.float("alpha", SELU_ALPHA)?, a.float("gamma", SELU_GAMMA)?);
            if (alpha - SELU_ALPHA).abs() > 1e-5 || (gamma - SELU_GAMMA).abs() > 1e-5 {
                return Err(format!(
                    "alpha = {alpha}, gamma = {gamma}: only SELU's standard constants \
                     (alpha = {SELU_ALPHA}, gamma = {SELU_GAMMA}) are supported"
                ));
            }
            activation(cv, node, base, Activation::Selu)
        }
        "Clip" => clip(cv, node, base),
        "Softmax" => softmax(cv, node, base),
        "Flatten" => flatten(cv, node, base),
        "Reshape" => reshape(cv, node, base),
        "Transpose" => transpose(cv, node),
        "Concat" => concat(cv, node, base),
        other => Err(format!("the operator `{other}` is not supported")),
    }
}

/// An axis attribute in `-rank..rank`, as a non-negative index.
pub(super) fn normalize_axis(axis: i64, rank: usize) -> Result<usize, String> {
    let r = rank as i64;
    let a = if axis < 0 { axis + r } else { axis };
    if !(0..r).contains(&a) {
        return Err(format!("axis {axis} is outside a tensor of rank {rank}"));
    }
    Ok(a as usize)
}

fn constant(cv: &mut Converter, node: &NodeProto) -> Result<(), String> {
    let a = Attrs::of(node);
    let c = if let Some(t) = a.tensor("value")? {
        t
    } else if a.get("value_float").is_some() {
        Constant {
            dims: vec![],
            values: Values::Float(vec![a.float("value_float", 0.0)? as f64]),
        }
    } else if let Some(v) = a.floats("value_floats")? {
        Constant {
            dims: vec![v.len()],
            values: Values::Float(v.iter().map(|&x| x as f64).collect()),
        }
    } else if a.get("value_int").is_some() {
        Constant {
            dims: vec![],
            values: Values::Int(vec![a.int("value_int", 0)?]),
        }
    } else if let Some(v) = a.ints("value_ints")? {
        Constant {
            dims: vec![v.len()],
            values: Values::Int(v),
        }
    } else {
        return Err("no supported value attribute (value, value_float(s) or value_int(s))".into());
    };
    cv.set_output(node, 0, Entry::Const(Rc::new(c)))
}

fn pass_through(cv: &mut Converter, node: &NodeProto) -> Result<(), String> {
    let entry = cv.input(node, 0)?.cloned().ok_or("input #0 is missing")?;
    cv.set_output(node, 0, entry)
}

fn activation(cv: &mut Converter, node: &NodeProto, base: &str, act: Activation) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    let id = cv.add(base, LayerKind::Activation(act), vec![x.layer])?;
    cv.set_output(node, 0, Entry::Tensor(Value { layer: id, ..x }))
}

fn clip(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    let (min, max) = if cv.opset < 11 {
        (a.float("min", f32::MIN)? as f64, a.float("max", f32::MAX)? as f64)
    } else {
        let bound = |i: usize, default: f64| -> Result<f64, String> {
            cv.opt_constant(node, i)?.map_or(Ok(default), |c| c.scalar())
        };
        (bound(1, f64::NEG_INFINITY)?, bound(2, f64::INFINITY)?)
    };
    if min.is_nan() || max.is_nan() || min > max {
        return Err(format!("the bounds min = {min}, max = {max} do not form an interval"));
    }
    let to_f32 = |x: f64| x.clamp(f32::MIN as f64, f32::MAX as f64) as f32;
    let act = if min == 0.0 && max >= f32::MAX as f64 {
        Activation::Relu
    } else {
        Activation::Clip {
            min: to_f32(min),
            max: to_f32(max),
        }
    };
    activation(cv, node, base, act)
}

fn softmax(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    let default = if cv.opset < 13 { 1 } else { -1 };
    let axis = normalize_axis(Attrs::of(node).int("axis", default)?, x.rank() + 1)?;
    if axis == 0 {
        return Err("a softmax over the batch axis is not supported".into());
    }
    // Before opset 13 the softmax covers every axis from `axis` on (the input coerced to 2-D).
    let covered: Vec<usize> = if cv.opset < 13 {
        (axis - 1..x.rank()).collect()
    } else {
        vec![axis - 1]
    };
    let significant: Vec<usize> = covered.iter().copied().filter(|&a| x.dims[a] != 1).collect();
    let over = match significant.as_slice() {
        [] => covered[covered.len() - 1],
        [a] => *a,
        _ => {
            return Err(format!(
                "a softmax over several axes at once (axes {}.. of a tensor of shape {:?}) is not supported",
                axis, x.dims
            ))
        }
    };
    let (layer, order) = cv.with_last_axis(&x, over, base)?;
    let id = cv.add(base, LayerKind::Softmax, vec![layer])?;
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

fn flatten(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    let rank = x.rank() + 1;
    let axis = Attrs::of(node).int("axis", 1)?;
    let axis = if axis < 0 { axis + rank as i64 } else { axis };
    // axis = 0 (written by old Keras converters) also folds the batch in: for the one sample at a
    // time the firmware sees, that is the same as axis = 1.
    if axis != 0 && axis != 1 {
        return Err(format!(
            "axis = {axis} would merge the batch axis with sample axes; only axis = 1 (or 0) is supported"
        ));
    }
    if x.rank() == 1 {
        return cv.set_output(node, 0, Entry::Tensor(x));
    }
    // ONNX flattens in its own axis order (C, H, W for a channels-first tensor): reorder if needed.
    let layer = cv.data_in_order(&x, &identity(x.rank()), base)?;
    let id = if cv.shape(layer).len() == 1 {
        layer
    } else {
        cv.add(base, LayerKind::Flatten, vec![layer])?
    };
    let total = x.dims.iter().product();
    cv.set_output(
        node,
        0,
        Entry::Tensor(Value {
            layer: id,
            dims: vec![total],
            order: vec![0],
        }),
    )
}

fn reshape(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    let x = cv.value(node, 0)?;
    let target: Vec<i64> = if cv.opset < 5 {
        a.ints("shape")?.ok_or("the `shape` attribute is missing")?
    } else {
        cv.constant(node, 1)?
            .ints()
            .map_err(|e| format!("the shape input: {e}"))?
            .to_vec()
    };
    let allow_zero = a.int("allowzero", 0)? != 0;
    let Some((&batch, rest)) = target.split_first() else {
        return Err("reshaping to a scalar is not supported".into());
    };
    if rest.is_empty() {
        return Err(format!(
            "the target shape {target:?} merges the batch with the sample's axes"
        ));
    }
    if batch < -1 {
        return Err(format!(
            "the target shape {target:?} has a negative entry other than -1"
        ));
    }
    let total: usize = x.dims.iter().product();
    let mut dims = Vec::with_capacity(rest.len());
    let mut inferred = None;
    for (i, &t) in rest.iter().enumerate() {
        let d = match t {
            0 if allow_zero => return Err("a zero dimension (allowzero = 1) is not supported".into()),
            0 => *x
                .dims
                .get(i)
                .ok_or_else(|| format!("entry {} of {target:?} copies an axis the input lacks", i + 1))?,
            -1 if inferred.is_none() && batch != -1 => {
                inferred = Some(i);
                1
            }
            -1 => {
                return Err(format!(
                    "the target shape {target:?} infers (-1) more than one dimension"
                ))
            }
            t if t > 0 => usize::try_from(t).map_err(|_| format!("entry {t} is too large"))?,
            t => return Err(format!("the target shape {target:?} has the invalid entry {t}")),
        };
        dims.push(d);
    }
    let known = dims.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    match (known, inferred) {
        (Some(k), Some(i)) if k > 0 && total.is_multiple_of(k) => dims[i] = total / k,
        (Some(k), None) if k == total => {}
        _ => {
            return Err(format!(
                "cannot reshape a sample of shape {:?} ({total} elements) to {target:?} (batch first)",
                x.dims
            ))
        }
    }
    let layer = cv.data_in_order(&x, &identity(x.rank()), base)?;
    let id = if cv.shape(layer) == dims.as_slice() {
        layer
    } else if dims.len() == 1 {
        cv.add(base, LayerKind::Flatten, vec![layer])?
    } else {
        cv.add(base, LayerKind::Reshape { shape: dims.clone() }, vec![layer])?
    };
    let order = identity(dims.len());
    cv.set_output(node, 0, Entry::Tensor(Value { layer: id, dims, order }))
}

/// A transpose only changes how the tensor is viewed: the data moves when (and if) a later
/// operator needs another order (see [`super::layout`]).
fn transpose(cv: &mut Converter, node: &NodeProto) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    let rank = x.rank() + 1;
    let perm = Attrs::of(node)
        .ints("perm")?
        .unwrap_or_else(|| (0..rank as i64).rev().collect());
    let perm: Vec<usize> = perm.iter().map(|&p| usize::try_from(p).unwrap_or(usize::MAX)).collect();
    if perm.len() != rank || !is_permutation(&perm) {
        return Err(format!("perm = {perm:?} is not a permutation of the {rank} axes"));
    }
    if perm[0] != 0 {
        return Err(format!("perm = {perm:?} moves the batch axis, which is not supported"));
    }
    let q: Vec<usize> = perm[1..].iter().map(|&p| p - 1).collect();
    let q_inv = inverse(&q);
    let dims = q.iter().map(|&a| x.dims[a]).collect();
    let order = x.order.iter().map(|&a| q_inv[a]).collect();
    cv.set_output(
        node,
        0,
        Entry::Tensor(Value {
            layer: x.layer,
            dims,
            order,
        }),
    )
}

fn concat(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let mut values = Vec::with_capacity(node.input.len());
    for i in 0..node.input.len() {
        if !node.input[i].is_empty() {
            values.push(cv.value(node, i)?);
        }
    }
    let Some(first) = values.first().cloned() else {
        return Err("it has no input".into());
    };
    if values.len() == 1 {
        return cv.set_output(node, 0, Entry::Tensor(first));
    }
    let axis = normalize_axis(Attrs::of(node).int("axis", 1)?, first.rank() + 1)?;
    if axis == 0 {
        return Err("concatenating along the batch axis is not supported".into());
    }
    let a = axis - 1;
    let mut dims = first.dims.clone();
    for v in &values[1..] {
        let fits = v.rank() == first.rank() && (0..v.rank()).all(|i| i == a || v.dims[i] == first.dims[i]);
        if !fits {
            return Err(format!(
                "cannot concatenate shapes {:?} and {:?} along axis {axis}",
                first.dims, v.dims
            ));
        }
        dims[a] += v.dims[a];
    }
    let order = first.order.clone();
    let mut layers = Vec::with_capacity(values.len());
    for v in &values {
        layers.push(cv.materialize(v, &order, base)?);
    }
    let ir_axis = inverse(&order)[a];
    let id = cv.add(base, LayerKind::Concat { axis: ir_axis }, layers)?;
    cv.set_output(node, 0, Entry::Tensor(Value { layer: id, dims, order }))
}
