//! Channels-first spatial operators, converted to the IR's channels-last layers: `Conv`,
//! `MaxPool`, `AveragePool`, `GlobalMaxPool`, `GlobalAveragePool`, `Pad`.

use super::attrs::{Attrs, MAX_ATTR};
use super::graph::{Converter, Entry};
use super::layout::{channels_last, identity, Value};
use super::ops::normalize_axis;
use super::proto::NodeProto;
use crate::ir::{LayerKind, Padding, PoolOp, Tensor};

/// The number of spatial dimensions of a channels-first input `[C, spatial...]`: 1 or 2.
fn spatial_dims(x: &Value, what: &str) -> Result<usize, String> {
    match x.rank() {
        2 | 3 => Ok(x.rank() - 1),
        r => Err(format!(
            "only 1-D and 2-D {what} is supported; the input has shape [batch, {:?}] (rank {})",
            x.dims,
            r + 1
        )),
    }
}

/// Padding per spatial dimension from `auto_pad` and `pads`.
fn padding(
    a: &Attrs,
    input: &[usize],
    kernel: &[usize],
    strides: &[usize],
    dilations: &[usize],
) -> Result<Padding, String> {
    let n = input.len();
    match a.string("auto_pad", "NOTSET")?.as_str() {
        "NOTSET" => {
            let p = a.sizes("pads", 2 * n, 0, 0)?;
            Ok((0..n).map(|i| (p[i], p[i + n])).collect())
        }
        "VALID" => Ok(vec![(0, 0); n]),
        mode @ ("SAME_UPPER" | "SAME_LOWER") => Ok((0..n)
            .map(|i| {
                let out = input[i].div_ceil(strides[i]);
                let span = dilations[i] * (kernel[i] - 1) + 1;
                let total = ((out - 1) * strides[i] + span).saturating_sub(input[i]);
                let (small, big) = (total / 2, total - total / 2);
                if mode == "SAME_UPPER" {
                    (small, big)
                } else {
                    (big, small)
                }
            })
            .collect()),
        other => Err(format!("auto_pad = `{other}` is not supported")),
    }
}

/// `Conv` (group 1, 1-D or 2-D): a Conv layer with the kernel in the IR's `[k..., c_in, c_out]`
/// layout, reading its input channels-last.
pub(super) fn conv(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    let x = cv.value(node, 0)?;
    let sd = spatial_dims(&x, "convolution")?;
    let group = a.int("group", 1)?;
    if group != 1 {
        return Err(format!(
            "group = {group} (a grouped or depthwise convolution) is not supported; only group = 1 is"
        ));
    }
    let w = cv.constant(node, 1)?;
    if w.dims.len() != sd + 2 {
        return Err(format!(
            "the weight has dims {:?}; expected [c_out, c_in, {sd} kernel size(s)]",
            w.dims
        ));
    }
    let (c_out, c_in, kernel) = (w.dims[0], w.dims[1], &w.dims[2..]);
    if c_in != x.dims[0] {
        return Err(format!(
            "the weight has dims {:?}, but the input has {} channels",
            w.dims, x.dims[0]
        ));
    }
    if kernel.iter().any(|&k| k == 0 || k as i64 > MAX_ATTR) {
        return Err(format!("the kernel size {kernel:?} is not supported"));
    }
    if let Some(ks) = a.ints("kernel_shape")? {
        if ks.len() != sd || ks.iter().zip(kernel).any(|(&s, &k)| s != k as i64) {
            return Err(format!(
                "kernel_shape = {ks:?} disagrees with the weight's dims {:?}",
                w.dims
            ));
        }
    }
    let strides = a.sizes("strides", sd, 1, 1)?;
    let dilation = a.sizes("dilations", sd, 1, 1)?;
    let padding = padding(&a, &x.dims[1..], kernel, &strides, &dilation)?;
    let bias = match cv.opt_constant(node, 2)? {
        Some(b) if b.len() == c_out => Tensor {
            shape: vec![c_out],
            data: b.tensor().data,
        },
        Some(b) => return Err(format!("the bias has {} values for {c_out} output channels", b.len())),
        None => Tensor::zeros(vec![c_out]),
    };
    let to_ir: &[usize] = if sd == 1 { &[2, 1, 0] } else { &[2, 3, 1, 0] };
    let kernel = w.tensor().permuted(to_ir);
    let order = channels_last(x.rank());
    let input = cv.materialize(&x, &order, base)?;
    let kind = LayerKind::Conv {
        kernel,
        bias,
        strides,
        dilation,
        padding,
    };
    let id = cv.add(base, kind, vec![input])?;
    cv.set_output(node, 0, Entry::Tensor(cv.value_of(id, order)))
}

/// `MaxPool` / `AveragePool` (1-D or 2-D, no dilation).
pub(super) fn pool(cv: &mut Converter, node: &NodeProto, base: &str, op: PoolOp) -> Result<(), String> {
    let a = Attrs::of(node);
    let x = cv.value(node, 0)?;
    let sd = spatial_dims(&x, "pooling")?;
    if a.ints("kernel_shape")?.is_none() {
        return Err("the kernel_shape attribute is missing".into());
    }
    let pool = a.sizes("kernel_shape", sd, 1, 1)?;
    let strides = a.sizes("strides", sd, 1, 1)?;
    let dilations = a.sizes("dilations", sd, 1, 1)?;
    if dilations.iter().any(|&d| d != 1) {
        return Err(format!("dilations = {dilations:?} are not supported for pooling"));
    }
    if cv.output_used(node, 1) {
        return Err("its Indices output is used, which is not supported".into());
    }
    let input = &x.dims[1..];
    let padding = padding(&a, input, &pool, &strides, &dilations)?;
    if a.int("ceil_mode", 0)? != 0 {
        // Accepted where rounding up and down give the same output size.
        let exact = (0..sd).all(|i| (input[i] + padding[i].0 + padding[i].1).saturating_sub(pool[i]) % strides[i] == 0);
        if !exact {
            return Err("ceil_mode = 1 changes the output size here, which is not supported".into());
        }
    }
    let count_include_pad = a.int("count_include_pad", 0)? != 0;
    let order = channels_last(x.rank());
    let layer = cv.materialize(&x, &order, base)?;
    let kind = LayerKind::Pool {
        op,
        pool,
        strides,
        padding,
        count_include_pad,
    };
    let id = cv.add(base, kind, vec![layer])?;
    cv.set_output(node, 0, Entry::Tensor(cv.value_of(id, order)))
}

/// `GlobalMaxPool` / `GlobalAveragePool`: ONNX keeps `[N, C, 1, 1]`; the IR layer outputs `[C]`,
/// the same elements in the same order.
pub(super) fn global_pool(cv: &mut Converter, node: &NodeProto, base: &str, op: PoolOp) -> Result<(), String> {
    let x = cv.value(node, 0)?;
    if x.rank() < 2 {
        return Err(format!(
            "the input has shape [batch, {:?}]; expected [batch, channels, spatial...]",
            x.dims
        ));
    }
    let layer = cv.materialize(&x, &channels_last(x.rank()), base)?;
    let id = cv.add(base, LayerKind::GlobalPool { op }, vec![layer])?;
    let mut dims = vec![1; x.rank()];
    dims[0] = x.dims[0];
    cv.set_output(
        node,
        0,
        Entry::Tensor(Value {
            layer: id,
            order: identity(dims.len()),
            dims,
        }),
    )
}

/// `Pad` with constant zeros on spatial axes only: a ZeroPad layer. The channel axis is the one
/// not padded, preferring the one already innermost, then ONNX's channels-first axis 1.
pub(super) fn pad(cv: &mut Converter, node: &NodeProto, base: &str) -> Result<(), String> {
    let a = Attrs::of(node);
    let x = cv.value(node, 0)?;
    let rank = x.rank() + 1;
    let mode = a.string("mode", "constant")?;
    if mode != "constant" {
        return Err(format!(
            "mode = `{mode}` is not supported; only constant (zero) padding is"
        ));
    }
    let (pads, value) = if cv.opset < 11 {
        let pads = a.ints("pads")?.ok_or("the pads attribute is missing")?;
        (pads, a.float("value", 0.0)? as f64)
    } else {
        let pads = cv.constant(node, 1).map_err(|e| format!("the pads: {e}"))?;
        let pads = pads.ints().map_err(|e| format!("the pads: {e}"))?.to_vec();
        let value = match cv
            .opt_constant(node, 2)
            .map_err(|e| format!("the constant_value: {e}"))?
        {
            Some(c) => c.scalar()?,
            None => 0.0,
        };
        (pads, value)
    };
    if value != 0.0 {
        return Err(format!(
            "padding with the value {value} is not supported; only zero padding is"
        ));
    }
    let axes: Vec<usize> = match cv.opt_constant(node, 3).map_err(|e| format!("the axes: {e}"))? {
        Some(c) => c
            .ints()?
            .iter()
            .map(|&ax| normalize_axis(ax, rank))
            .collect::<Result<_, _>>()?,
        None => (0..rank).collect(),
    };
    if pads.len() != 2 * axes.len() {
        return Err(format!(
            "pads = {pads:?} has {} entries for {} axes",
            pads.len(),
            axes.len()
        ));
    }
    let (mut begin, mut end) = (vec![0; rank], vec![0; rank]);
    for (i, &ax) in axes.iter().enumerate() {
        let (b, e) = (pads[i], pads[i + axes.len()]);
        if !(0..=MAX_ATTR).contains(&b) || !(0..=MAX_ATTR).contains(&e) {
            return Err(format!(
                "pads = {pads:?}: each entry must lie in 0..={MAX_ATTR} (no cropping)"
            ));
        }
        begin[ax] = b as usize;
        end[ax] = e as usize;
    }
    if begin[0] != 0 || end[0] != 0 {
        return Err("padding the batch axis is not supported".into());
    }
    let (begin, end) = (&begin[1..], &end[1..]);
    if begin.iter().chain(end).all(|&p| p == 0) {
        return cv.set_output(node, 0, Entry::Tensor(x));
    }
    if !(2..=3).contains(&x.rank()) {
        return Err(format!(
            "only 1-D and 2-D padding is supported; the input has shape [batch, {:?}]",
            x.dims
        ));
    }
    let unpadded = |ax: usize| begin[ax] == 0 && end[ax] == 0;
    let n = x.rank();
    let order = if unpadded(x.order[n - 1]) {
        x.order.clone()
    } else if unpadded(0) {
        channels_last(n)
    } else if unpadded(n - 1) {
        identity(n)
    } else {
        return Err("every axis is padded; only spatial axes (not the channels) can be".into());
    };
    let layer = cv.materialize(&x, &order, base)?;
    let padding = order[..n - 1].iter().map(|&ax| (begin[ax], end[ax])).collect();
    let id = cv.add(base, LayerKind::ZeroPad { padding }, vec![layer])?;
    cv.set_output(node, 0, Entry::Tensor(cv.value_of(id, order)))
}
