//! Output-shape inference, which also checks that weights fit their inputs.

use super::{LayerKind, Padding};

fn spatial_out(n: usize, k: usize, stride: usize, dilation: usize, pad: (usize, usize)) -> Result<usize, String> {
    if k == 0 || stride == 0 || dilation == 0 {
        return Err("kernel, stride and dilation must be at least 1".into());
    }
    let span = dilation * (k - 1) + 1;
    let padded = n + pad.0 + pad.1;
    if padded < span {
        return Err(format!(
            "a window of {span} does not fit an input of {n} (padded to {padded})"
        ));
    }
    Ok((padded - span) / stride + 1)
}

fn check_spatial(
    what: &str,
    input: &[usize],
    dims: usize,
    per_dim: &[(&str, usize)],
    padding: &Padding,
) -> Result<(), String> {
    if input.len() != dims + 1 {
        return Err(format!(
            "{what} needs a {}-D input (channels last), got shape {input:?}",
            dims + 1
        ));
    }
    for (name, len) in per_dim {
        if *len != dims {
            return Err(format!(
                "{what}: {name} has {len} entries for {dims} spatial dimension(s)"
            ));
        }
    }
    if padding.len() != dims {
        return Err(format!(
            "{what}: padding has {} entries for {dims} spatial dimension(s)",
            padding.len()
        ));
    }
    Ok(())
}

/// The output shape of a layer of `kind` fed by inputs of `inputs` shapes, or why they do not fit.
pub fn infer_shape(kind: &LayerKind, inputs: &[&[usize]]) -> Result<Vec<usize>, String> {
    let arity = match kind {
        LayerKind::Input => 0,
        LayerKind::Add | LayerKind::Concat { .. } => usize::MAX,
        _ => 1,
    };
    if arity == usize::MAX {
        if inputs.len() < 2 {
            return Err(format!(
                "{} needs at least two inputs, got {}",
                kind.class_name(),
                inputs.len()
            ));
        }
    } else if inputs.len() != arity {
        return Err(format!(
            "{} takes {arity} input(s), got {}",
            kind.class_name(),
            inputs.len()
        ));
    }
    let x = inputs.first().copied().unwrap_or(&[]);
    match kind {
        LayerKind::Input => Err("an input layer cannot be added after the first".into()),
        LayerKind::Dense { kernel, bias } => {
            let n_in = *x.last().ok_or("Dense needs a non-scalar input")?;
            if kernel.shape.len() != 2 || kernel.shape[0] != n_in {
                return Err(format!(
                    "Dense kernel has shape {:?}, but the input has {n_in} features (expected [{n_in}, n_out])",
                    kernel.shape
                ));
            }
            if bias.shape != [kernel.shape[1]] {
                return Err(format!(
                    "Dense bias has shape {:?}, expected [{}]",
                    bias.shape, kernel.shape[1]
                ));
            }
            let mut out = x.to_vec();
            *out.last_mut().unwrap() = kernel.shape[1];
            Ok(out)
        }
        LayerKind::Conv {
            kernel,
            bias,
            strides,
            dilation,
            padding,
        } => {
            let dims = kernel.shape.len().saturating_sub(2);
            if !(1..=2).contains(&dims) {
                return Err(format!(
                    "convolution kernel has shape {:?}; expected 3 or 4 dimensions",
                    kernel.shape
                ));
            }
            check_spatial(
                "convolution",
                x,
                dims,
                &[("strides", strides.len()), ("dilation", dilation.len())],
                padding,
            )?;
            let c_in = x[dims];
            if kernel.shape[dims] != c_in {
                return Err(format!(
                    "convolution kernel has shape {:?}: {} input channels, but the input has {c_in}",
                    kernel.shape, kernel.shape[dims]
                ));
            }
            let c_out = kernel.shape[dims + 1];
            if bias.shape != [c_out] {
                return Err(format!(
                    "convolution bias has shape {:?}, expected [{c_out}]",
                    bias.shape
                ));
            }
            let mut out = Vec::with_capacity(dims + 1);
            for d in 0..dims {
                out.push(spatial_out(x[d], kernel.shape[d], strides[d], dilation[d], padding[d])?);
            }
            out.push(c_out);
            Ok(out)
        }
        LayerKind::Pool {
            pool, strides, padding, ..
        } => {
            let dims = pool.len();
            check_spatial("pooling", x, dims, &[("strides", strides.len())], padding)?;
            let mut out = Vec::with_capacity(dims + 1);
            for d in 0..dims {
                out.push(spatial_out(x[d], pool[d], strides[d], 1, padding[d])?);
            }
            out.push(x[dims]);
            Ok(out)
        }
        LayerKind::GlobalPool { .. } => {
            if x.len() < 2 {
                return Err(format!("global pooling needs a spatial input, got shape {x:?}"));
            }
            Ok(vec![x[x.len() - 1]])
        }
        LayerKind::BatchNorm { scale, bias } => {
            let c = *x.last().ok_or("BatchNormalization needs a non-scalar input")?;
            if scale.shape != [c] || bias.shape != [c] {
                return Err(format!(
                    "BatchNormalization parameters have shapes {:?} and {:?}, but the input has {c} channels",
                    scale.shape, bias.shape
                ));
            }
            Ok(x.to_vec())
        }
        LayerKind::Activation(_) | LayerKind::Softmax => Ok(x.to_vec()),
        LayerKind::Flatten => Ok(vec![x.iter().product()]),
        LayerKind::Reshape { shape } => {
            let n: usize = x.iter().product();
            if shape.iter().product::<usize>() != n {
                return Err(format!("cannot reshape {x:?} ({n} elements) to {shape:?}"));
            }
            Ok(shape.clone())
        }
        LayerKind::Transpose { perm } => {
            let mut seen = vec![false; x.len()];
            if perm.len() != x.len()
                || perm
                    .iter()
                    .any(|&p| p >= x.len() || std::mem::replace(&mut seen[p], true))
            {
                return Err(format!(
                    "{perm:?} is not a permutation of the {} axes of {x:?}",
                    x.len()
                ));
            }
            Ok(perm.iter().map(|&p| x[p]).collect())
        }
        LayerKind::ZeroPad { padding } => {
            let dims = padding.len();
            check_spatial("zero padding", x, dims, &[], padding)?;
            let mut out = x.to_vec();
            for d in 0..dims {
                out[d] += padding[d].0 + padding[d].1;
            }
            Ok(out)
        }
        LayerKind::Add => {
            if let Some(other) = inputs.iter().find(|s| **s != x) {
                return Err(format!("Add needs inputs of one shape, got {x:?} and {other:?}"));
            }
            Ok(x.to_vec())
        }
        LayerKind::Concat { axis } => {
            if *axis >= x.len() {
                return Err(format!("Concatenate axis {axis} is outside the input shape {x:?}"));
            }
            let mut out = x.to_vec();
            for s in &inputs[1..] {
                let same_rank = s.len() == x.len();
                if !same_rank || s.iter().zip(x).enumerate().any(|(i, (a, b))| i != *axis && a != b) {
                    return Err(format!("Concatenate along axis {axis} cannot join {x:?} and {s:?}"));
                }
                out[*axis] += s[*axis];
            }
            Ok(out)
        }
    }
}
