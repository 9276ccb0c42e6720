//! The float reference forward pass over the IR: the check that import is right, the source of the
//! testbench's expected outputs, and of the activation ranges used to choose precisions.
//!
//! Values are stored as `f32` (what Keras and ONNX Runtime compute in); sums are accumulated in `f64`.

use crate::ir::{Graph, LayerKind, PoolOp};

/// Runs one sample (channels-last, flattened) through the graph; returns the flattened output.
///
/// # Panics
/// When `input.len()` differs from the model's input size.
pub fn forward(graph: &Graph, input: &[f32]) -> Vec<f32> {
    forward_all(graph, input).pop().expect("a graph has at least one layer")
}

/// Runs a batch of samples (`input.len()` a multiple of the input size); returns all outputs,
/// sample after sample.
pub fn forward_batch(graph: &Graph, input: &[f32]) -> Vec<f32> {
    let n_in = graph.input().output_size();
    assert!(
        n_in > 0 && input.len().is_multiple_of(n_in),
        "batch length is not a multiple of the input size"
    );
    input.chunks(n_in).flat_map(|x| forward(graph, x)).collect()
}

/// Runs one sample and returns every layer's output, in layer order (the input first).
pub fn forward_all(graph: &Graph, input: &[f32]) -> Vec<Vec<f32>> {
    assert_eq!(
        input.len(),
        graph.input().output_size(),
        "input has {} values, the model takes {:?}",
        input.len(),
        graph.input_shape()
    );
    let mut outs: Vec<Vec<f32>> = Vec::with_capacity(graph.layers.len());
    for layer in &graph.layers {
        let ins: Vec<&[f32]> = layer.inputs.iter().map(|&i| outs[i].as_slice()).collect();
        let in_shape: &[usize] = layer.inputs.first().map_or(&[], |&i| &graph.layers[i].shape);
        let y = match &layer.kind {
            LayerKind::Input => input.to_vec(),
            _ => eval(&layer.kind, &ins, in_shape, &layer.shape, graph, &layer.inputs),
        };
        debug_assert_eq!(y.len(), layer.output_size(), "layer {}", layer.name);
        outs.push(y);
    }
    outs
}

fn eval(
    kind: &LayerKind,
    ins: &[&[f32]],
    in_shape: &[usize],
    out_shape: &[usize],
    graph: &Graph,
    input_ids: &[usize],
) -> Vec<f32> {
    let x = ins[0];
    match kind {
        LayerKind::Input => unreachable!("handled by the caller"),
        LayerKind::Dense { kernel, bias } => {
            let (n_in, n_out) = (kernel.shape[0], kernel.shape[1]);
            let mut y = Vec::with_capacity(x.len() / n_in * n_out);
            for row in x.chunks(n_in) {
                for o in 0..n_out {
                    let mut acc = bias.data[o] as f64;
                    for (i, &xi) in row.iter().enumerate() {
                        acc += xi as f64 * kernel.data[i * n_out + o] as f64;
                    }
                    y.push(acc as f32);
                }
            }
            y
        }
        LayerKind::Conv {
            kernel,
            bias,
            strides,
            dilation,
            padding,
        } => {
            let dims = kernel.shape.len() - 2;
            let (c_in, c_out) = (kernel.shape[dims], kernel.shape[dims + 1]);
            let (ih, iw) = as_2d(&in_shape[..dims], 1);
            let (kh, kw) = as_2d(&kernel.shape[..dims], 1);
            let (sh, sw) = as_2d(strides, 1);
            let (dh, dw) = as_2d(dilation, 1);
            let (ph, pw) = as_2d(&pads_before(padding), 0);
            let (oh, ow) = as_2d(&out_shape[..dims], 1);
            let mut y = vec![0f32; oh * ow * c_out];
            for oy in 0..oh {
                for ox in 0..ow {
                    for co in 0..c_out {
                        let mut acc = bias.data[co] as f64;
                        for ky in 0..kh {
                            let iy = (oy * sh + ky * dh) as isize - ph as isize;
                            if iy < 0 || iy >= ih as isize {
                                continue;
                            }
                            for kx in 0..kw {
                                let ix = (ox * sw + kx * dw) as isize - pw as isize;
                                if ix < 0 || ix >= iw as isize {
                                    continue;
                                }
                                let xbase = (iy as usize * iw + ix as usize) * c_in;
                                let wbase = (ky * kw + kx) * c_in * c_out;
                                for ci in 0..c_in {
                                    acc += x[xbase + ci] as f64 * kernel.data[wbase + ci * c_out + co] as f64;
                                }
                            }
                        }
                        y[(oy * ow + ox) * c_out + co] = acc as f32;
                    }
                }
            }
            y
        }
        LayerKind::Pool {
            op,
            pool,
            strides,
            padding,
            count_include_pad,
        } => {
            let dims = pool.len();
            let c = in_shape[dims];
            let (ih, iw) = as_2d(&in_shape[..dims], 1);
            let (kh, kw) = as_2d(pool, 1);
            let (sh, sw) = as_2d(strides, 1);
            let (ph, pw) = as_2d(&pads_before(padding), 0);
            let (oh, ow) = as_2d(&out_shape[..dims], 1);
            let mut y = vec![0f32; oh * ow * c];
            for oy in 0..oh {
                for ox in 0..ow {
                    for ch in 0..c {
                        let mut max = f64::NEG_INFINITY;
                        let mut sum = 0f64;
                        let mut count = 0usize;
                        for ky in 0..kh {
                            for kx in 0..kw {
                                let iy = (oy * sh + ky) as isize - ph as isize;
                                let ix = (ox * sw + kx) as isize - pw as isize;
                                if iy < 0 || ix < 0 || iy >= ih as isize || ix >= iw as isize {
                                    continue;
                                }
                                let v = x[(iy as usize * iw + ix as usize) * c + ch] as f64;
                                max = max.max(v);
                                sum += v;
                                count += 1;
                            }
                        }
                        let divisor = if *count_include_pad { kh * kw } else { count.max(1) };
                        y[(oy * ow + ox) * c + ch] = match op {
                            PoolOp::Max => max as f32,
                            PoolOp::Average => (sum / divisor as f64) as f32,
                        };
                    }
                }
            }
            y
        }
        LayerKind::GlobalPool { op } => {
            let c = *in_shape.last().unwrap();
            let positions = x.len() / c;
            (0..c)
                .map(|ch| {
                    let vals = (0..positions).map(|p| x[p * c + ch] as f64);
                    match op {
                        PoolOp::Max => vals.fold(f64::NEG_INFINITY, f64::max) as f32,
                        PoolOp::Average => (vals.sum::<f64>() / positions as f64) as f32,
                    }
                })
                .collect()
        }
        LayerKind::BatchNorm { scale, bias } => {
            let c = scale.len();
            x.iter()
                .enumerate()
                .map(|(i, &v)| (v as f64 * scale.data[i % c] as f64 + bias.data[i % c] as f64) as f32)
                .collect()
        }
        LayerKind::Activation(a) => x.iter().map(|&v| a.apply(v as f64) as f32).collect(),
        LayerKind::Softmax => {
            let n = *in_shape.last().unwrap();
            let mut y = Vec::with_capacity(x.len());
            for row in x.chunks(n) {
                let max = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
                let e: Vec<f64> = row.iter().map(|&v| (v as f64 - max).exp()).collect();
                let s: f64 = e.iter().sum();
                y.extend(e.iter().map(|v| (v / s) as f32));
            }
            y
        }
        LayerKind::Flatten | LayerKind::Reshape { .. } => x.to_vec(),
        LayerKind::Transpose { perm } => {
            let t = crate::ir::Tensor {
                shape: in_shape.to_vec(),
                data: x.to_vec(),
            };
            t.permuted(perm).data
        }
        LayerKind::ZeroPad { padding } => {
            let dims = padding.len();
            let c = in_shape[dims];
            let (ih, iw) = as_2d(&in_shape[..dims], 1);
            let (oh_pad, ow_pad) = as_2d(&pads_before(padding), 0);
            let (_, ow) = as_2d(&out_shape[..dims], 1);
            let mut y = vec![0f32; out_shape.iter().product()];
            for iy in 0..ih {
                for ix in 0..iw {
                    let src = (iy * iw + ix) * c;
                    let dst = ((iy + oh_pad) * ow + ix + ow_pad) * c;
                    y[dst..dst + c].copy_from_slice(&x[src..src + c]);
                }
            }
            y
        }
        LayerKind::Add => (0..x.len())
            .map(|i| ins.iter().map(|v| v[i] as f64).sum::<f64>() as f32)
            .collect(),
        LayerKind::Concat { axis } => {
            // Copy, for each index of the axes before `axis`, each input's contiguous block.
            let outer: usize = out_shape[..*axis].iter().product();
            let mut y = Vec::with_capacity(out_shape.iter().product());
            let blocks: Vec<usize> = input_ids
                .iter()
                .map(|&id| graph.layers[id].shape[*axis..].iter().product())
                .collect();
            for o in 0..outer {
                for (v, &b) in ins.iter().zip(&blocks) {
                    y.extend_from_slice(&v[o * b..(o + 1) * b]);
                }
            }
            y
        }
    }
}

/// A 1-D geometry as 2-D with a height of one: `[w]` → `(one, w)`, `[h, w]` → `(h, w)`.
fn as_2d(v: &[usize], one: usize) -> (usize, usize) {
    match v {
        [w] => (one, *w),
        [h, w, ..] => (*h, *w),
        [] => (one, one),
    }
}

/// The padding before each spatial dimension.
fn pads_before(padding: &crate::ir::Padding) -> Vec<usize> {
    padding.iter().map(|p| p.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{GraphBuilder, Tensor};

    #[test]
    fn dense_then_softmax_matches_hand_computation() {
        let mut g = GraphBuilder::new("x", vec![2]);
        let kernel = Tensor::new(vec![2, 2], vec![1.0, 0.0, 0.0, 2.0]).unwrap();
        let bias = Tensor::new(vec![2], vec![0.5, -0.5]).unwrap();
        g.add("fc", LayerKind::Dense { kernel, bias }, vec![0]).unwrap();
        g.add("sm", LayerKind::Softmax, vec![1]).unwrap();
        let g = g.finish().unwrap();
        let y = forward(&g, &[1.0, 1.0]);
        // logits 1.5 and 1.5 → equal probabilities
        assert!((y[0] - 0.5).abs() < 1e-6 && (y[1] - 0.5).abs() < 1e-6, "{y:?}");
    }

    #[test]
    fn same_padded_conv1d_and_concat_follow_channels_last_layout() {
        let mut g = GraphBuilder::new("x", vec![3, 1]);
        let kernel = Tensor::new(vec![3, 1, 1], vec![1.0, 1.0, 1.0]).unwrap();
        let conv = LayerKind::Conv {
            kernel,
            bias: Tensor::zeros(vec![1]),
            strides: vec![1],
            dilation: vec![1],
            padding: vec![(1, 1)],
        };
        let c = g.add("conv", conv, vec![0]).unwrap();
        g.add("cat", LayerKind::Concat { axis: 1 }, vec![0, c]).unwrap();
        let g = g.finish().unwrap();
        // conv: [1+2, 1+2+3, 2+3]; concat interleaves per step
        assert_eq!(forward(&g, &[1.0, 2.0, 3.0]), vec![1.0, 3.0, 2.0, 6.0, 3.0, 5.0]);
    }
}
