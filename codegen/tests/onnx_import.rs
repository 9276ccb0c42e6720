//! ONNX importer: the real models reproduce onnxruntime's outputs through the float forward pass,
//! synthetic channels-first and channels-last models lay out their data right, bad files give clear
//! errors, and mutated files never panic.

mod common;

use hls4ml_codegen::float;
use hls4ml_codegen::import::onnx::proto::{
    attribute_type, data_type, AttributeProto, Dimension, GraphProto, ModelProto, NodeProto, OperatorSetIdProto,
    TensorProto, TensorShapeProto, TensorTypeProto, TypeProto, ValueInfoProto,
};
use hls4ml_codegen::import::onnx::{import, import_bytes};
use hls4ml_codegen::ir::{Activation, Graph, LayerKind};
use hls4ml_runtime::npy;
use prost::Message;
use std::path::PathBuf;

// ---------------------------------------------------------------------------------------------
// Real models against onnxruntime.

/// `../shared/models/<folder>/<file>`, or `None` when the shared models are absent.
fn model_file(folder: &str, file: &str) -> Option<PathBuf> {
    common::shared_model(folder).map(|d| d.join(file))
}

/// Imports a shared model and checks float::forward against `y_float.npy` on every sample of
/// `X.npy`; returns the graph and the largest absolute error.
fn import_and_compare(folder: &str, file: &str) -> Option<(Graph, f32)> {
    let path = model_file(folder, file)?;
    let graph = import(&path).unwrap_or_else(|e| panic!("{}", e.render()));
    let dir = path.parent().unwrap();
    let x = npy::read_f32(dir.join("X.npy")).unwrap();
    let y = npy::read_f32(dir.join("y_float.npy")).unwrap();
    assert_eq!(x.rows(), 1000);
    assert_eq!(x.row_len(), graph.input().output_size(), "input size of {folder}");
    assert_eq!(y.row_len(), graph.output().output_size(), "output size of {folder}");
    let mut worst = 0f32;
    for (xi, yi) in x.row_iter().zip(y.row_iter()) {
        worst = worst.max(common::max_abs_diff(&float::forward(&graph, xi), yi));
    }
    println!("{folder}: max abs error {worst:e} over {} samples", x.rows());
    assert!(worst <= 1e-4, "{folder}: max abs error {worst} against onnxruntime");
    Some((graph, worst))
}

fn kinds(graph: &Graph) -> Vec<&'static str> {
    graph.layers.iter().map(|l| l.kind.class_name()).collect()
}

fn dense_sizes(graph: &Graph) -> Vec<[usize; 2]> {
    graph
        .layers
        .iter()
        .filter_map(|l| match &l.kind {
            LayerKind::Dense { kernel, .. } => Some([kernel.shape[0], kernel.shape[1]]),
            _ => None,
        })
        .collect()
}

#[test]
fn three_layer_keras_becomes_four_dense_layers_and_matches_onnxruntime() {
    let Some((g, _)) = import_and_compare("three_layer_keras", "three_layer_keras.onnx") else {
        return;
    };
    assert_eq!(g.input_shape(), [16]);
    assert_eq!(g.output_shape(), [5]);
    assert_eq!(
        kinds(&g),
        [
            "Input",
            "Dense",
            "Activation",
            "Dense",
            "Activation",
            "Dense",
            "Activation",
            "Dense",
            "Softmax"
        ]
    );
    assert_eq!(dense_sizes(&g), [[16, 64], [64, 32], [32, 32], [32, 5]]);
    // The Adds were folded: the biases are not zero.
    let LayerKind::Dense { bias, .. } = &g.layers[1].kind else {
        unreachable!()
    };
    assert!(bias.max_abs() > 0.0);
    for l in &g.layers {
        assert!(
            l.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{}",
            l.name
        );
    }
}

#[test]
fn conv2d_small_keras_cancels_its_transposes_and_matches_onnxruntime() {
    let Some((g, _)) = import_and_compare("conv2d_small_keras", "conv2d_small_keras.onnx") else {
        return;
    };
    assert_eq!(g.input_shape(), [8, 8, 1]);
    assert!(
        !g.layers.iter().any(|l| matches!(l.kind, LayerKind::Transpose { .. })),
        "{:?}",
        kinds(&g)
    );
    assert_eq!(
        kinds(&g),
        ["Input", "Conv2D", "Activation", "Flatten", "Dense", "Softmax"]
    );
    let conv = &g.layers[1];
    let LayerKind::Conv { kernel, padding, .. } = &conv.kind else {
        unreachable!()
    };
    assert_eq!(kernel.shape, [3, 3, 1, 2]);
    assert_eq!(padding, &[(1, 1), (1, 1)]);
    assert_eq!(conv.shape, [8, 8, 2]);
    assert_eq!(g.output_shape(), [10]);
}

#[test]
fn three_layer_pytorch_treats_its_fixed_batch_as_free_and_matches_onnxruntime() {
    let Some((g, _)) = import_and_compare("three_layer_pytorch", "three_layer_pytorch.onnx") else {
        return;
    };
    assert_eq!(g.input_shape(), [16]);
    assert_eq!(dense_sizes(&g), [[16, 64], [64, 32], [32, 32], [32, 5]]);
    // Unnamed nodes are named after their operator.
    let names: Vec<&str> = g.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "input_0",
            "gemm_1",
            "relu_1",
            "gemm_2",
            "relu_2",
            "gemm_3",
            "relu_3",
            "gemm_4",
            "softmax_1"
        ]
    );
}

#[test]
fn two_layer_keras_ends_in_a_sigmoid_and_matches_onnxruntime() {
    let Some((g, _)) = import_and_compare("two_layer_keras", "two_layer_keras.onnx") else {
        return;
    };
    assert_eq!(dense_sizes(&g), [[10, 32], [32, 1]]);
    assert_eq!(g.output().kind, LayerKind::Activation(Activation::Sigmoid));
    assert_eq!(g.output_shape(), [1]);
}

#[test]
fn jet_tagger_opset13_matches_onnxruntime() {
    let Some((g, _)) = import_and_compare("jet_tagger", "jet_tagger.onnx") else {
        return;
    };
    assert_eq!(kinds(&g).len(), 9);
    assert_eq!(dense_sizes(&g), [[16, 64], [64, 32], [32, 32], [32, 5]]);
    assert_eq!(g.find("fc1_matmul_1"), Some(1));
    assert_eq!(g.output().kind, LayerKind::Softmax);
}

// ---------------------------------------------------------------------------------------------
// Building models in memory.

fn attr_i(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::INT,
        i,
        ..Default::default()
    }
}

fn attr_f(name: &str, f: f32) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::FLOAT,
        f,
        ..Default::default()
    }
}

fn attr_ints(name: &str, ints: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: attribute_type::INTS,
        ints: ints.to_vec(),
        ..Default::default()
    }
}

fn node(op: &str, name: &str, inputs: &[&str], outputs: &[&str], attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: name.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        attribute,
        ..Default::default()
    }
}

fn floats(name: &str, dims: &[usize], data: &[f32]) -> TensorProto {
    assert_eq!(dims.iter().product::<usize>(), data.len());
    TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: data_type::FLOAT,
        raw_data: data.iter().flat_map(|x| x.to_le_bytes()).collect(),
        ..Default::default()
    }
}

fn int64s(name: &str, data: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: vec![data.len() as i64],
        data_type: data_type::INT64,
        int64_data: data.to_vec(),
        ..Default::default()
    }
}

fn value_info(name: &str, dims: &[usize]) -> ValueInfoProto {
    let mut dim = vec![Dimension {
        dim_param: Some("N".into()),
        ..Default::default()
    }];
    dim.extend(dims.iter().map(|&d| Dimension {
        dim_value: Some(d as i64),
        ..Default::default()
    }));
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            tensor_type: Some(TensorTypeProto {
                elem_type: data_type::FLOAT,
                shape: Some(TensorShapeProto { dim }),
            }),
        }),
    }
}

fn model(
    opset: i64,
    input: ValueInfoProto,
    nodes: Vec<NodeProto>,
    inits: Vec<TensorProto>,
    output: &str,
) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: opset,
        }],
        graph: Some(GraphProto {
            node: nodes,
            initializer: inits,
            input: vec![input],
            output: vec![ValueInfoProto {
                name: output.into(),
                r#type: None,
            }],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn import_model(m: &ModelProto) -> Graph {
    import_bytes(&m.encode_to_vec()).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn import_error(m: &ModelProto) -> String {
    match import_bytes(&m.encode_to_vec()) {
        Ok(g) => panic!("expected an error, imported {:?}", kinds(&g)),
        Err(e) => e.render(),
    }
}

use common::Rng;

// ---------------------------------------------------------------------------------------------
// A small reference for ONNX semantics on one sample, channels-first as ONNX computes.

#[derive(Clone, Debug)]
struct Nd {
    shape: Vec<usize>,
    data: Vec<f32>,
}

impl Nd {
    fn new(shape: &[usize], data: Vec<f32>) -> Nd {
        assert_eq!(shape.iter().product::<usize>(), data.len());
        Nd {
            shape: shape.to_vec(),
            data,
        }
    }

    fn permute(&self, perm: &[usize]) -> Nd {
        let t = hls4ml_codegen::ir::Tensor {
            shape: self.shape.clone(),
            data: self.data.clone(),
        };
        let p = t.permuted(perm);
        Nd {
            shape: p.shape,
            data: p.data,
        }
    }

    fn map(&self, f: impl Fn(f32) -> f32) -> Nd {
        Nd {
            shape: self.shape.clone(),
            data: self.data.iter().map(|&x| f(x)).collect(),
        }
    }

    /// `[C, H, W]` zero-padded by `(top, left, bottom, right)`.
    fn pad(&self, p: [usize; 4]) -> Nd {
        let [c, h, w] = self.shape[..] else { panic!() };
        let (oh, ow) = (h + p[0] + p[2], w + p[1] + p[3]);
        let mut y = vec![0.0; c * oh * ow];
        for ci in 0..c {
            for i in 0..h {
                for j in 0..w {
                    y[(ci * oh + i + p[0]) * ow + j + p[1]] = self.data[(ci * h + i) * w + j];
                }
            }
        }
        Nd::new(&[c, oh, ow], y)
    }

    /// NCHW convolution (no batch), weights `[co, ci, kh, kw]`, padding `(top, left, bottom, right)`.
    fn conv(&self, w: &Nd, b: &[f32], pads: [usize; 4], strides: [usize; 2]) -> Nd {
        let x = self.pad(pads);
        let [ci, h, wd] = x.shape[..] else { panic!() };
        let [co, wci, kh, kw] = w.shape[..] else { panic!() };
        assert_eq!(ci, wci);
        let (oh, ow) = ((h - kh) / strides[0] + 1, (wd - kw) / strides[1] + 1);
        let mut y = vec![0.0; co * oh * ow];
        for o in 0..co {
            for i in 0..oh {
                for j in 0..ow {
                    let mut acc = b[o] as f64;
                    for c in 0..ci {
                        for a in 0..kh {
                            for e in 0..kw {
                                let xv = x.data[(c * h + i * strides[0] + a) * wd + j * strides[1] + e];
                                acc += xv as f64 * w.data[((o * ci + c) * kh + a) * kw + e] as f64;
                            }
                        }
                    }
                    y[(o * oh + i) * ow + j] = acc as f32;
                }
            }
        }
        Nd::new(&[co, oh, ow], y)
    }

    /// NCHW pooling without padding.
    fn pool(&self, k: [usize; 2], s: [usize; 2], max: bool) -> Nd {
        let [c, h, w] = self.shape[..] else { panic!() };
        let (oh, ow) = ((h - k[0]) / s[0] + 1, (w - k[1]) / s[1] + 1);
        let mut y = vec![0.0; c * oh * ow];
        for ci in 0..c {
            for i in 0..oh {
                for j in 0..ow {
                    let vals = (0..k[0])
                        .flat_map(|a| (0..k[1]).map(move |e| (a, e)))
                        .map(|(a, e)| self.data[(ci * h + i * s[0] + a) * w + j * s[1] + e]);
                    y[(ci * oh + i) * ow + j] = if max {
                        vals.fold(f32::NEG_INFINITY, f32::max)
                    } else {
                        vals.sum::<f32>() / (k[0] * k[1]) as f32
                    };
                }
            }
        }
        Nd::new(&[c, oh, ow], y)
    }

    /// `y = x·Wᵀ + b` with `W` `[m, k]` (Gemm with transB = 1).
    fn gemm_t(&self, w: &Nd, b: &[f32]) -> Nd {
        let [m, k] = w.shape[..] else { panic!() };
        assert_eq!(self.data.len(), k);
        let y = (0..m)
            .map(|o| b[o] + (0..k).map(|i| self.data[i] * w.data[o * k + i]).sum::<f32>())
            .collect();
        Nd::new(&[m], y)
    }

    fn softmax_rows(&self, n: usize) -> Nd {
        let mut y = Vec::with_capacity(self.data.len());
        for row in self.data.chunks(n) {
            let m = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
            let e: Vec<f32> = row.iter().map(|&v| (v - m).exp()).collect();
            let s: f32 = e.iter().sum();
            y.extend(e.iter().map(|v| v / s));
        }
        Nd::new(&self.shape, y)
    }
}

fn assert_close(got: &[f32], want: &[f32], what: &str) {
    let d = common::max_abs_diff(got, want);
    assert!(d <= 1e-4, "{what}: max abs difference {d}\n got {got:?}\nwant {want:?}");
}

// ---------------------------------------------------------------------------------------------
// Layouts, on synthetic models (also the seeds of the structured mutation test).

/// The elements of initializer `name` of `m`.
fn init(m: &ModelProto, name: &str) -> Vec<f32> {
    let t = m
        .graph
        .as_ref()
        .unwrap()
        .initializer
        .iter()
        .find(|t| t.name == name)
        .unwrap();
    t.raw_data
        .chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

fn constant_node(name: &str, output: &str, t: TensorProto) -> NodeProto {
    let value = AttributeProto {
        name: "value".into(),
        r#type: attribute_type::TENSOR,
        t: Some(t),
        ..Default::default()
    };
    node("Constant", name, &[], &[output], vec![value])
}

/// NCHW `[2, 6, 5]` → Conv 3x3 (pads 1,0,1,0) → BatchNormalization → Relu → MaxPool 2x2 → Flatten →
/// Gemm (transB) → Softmax, as PyTorch exports it.
fn nchw_conv_net(r: &mut Rng) -> ModelProto {
    let (c, co) = (2, 3);
    let var: Vec<f32> = r.vec(co).iter().map(|v| v.abs() + 0.5).collect();
    model(
        13,
        value_info("images", &[c, 6, 5]),
        vec![
            node(
                "Conv",
                "/conv1/Conv",
                &["images", "conv.w", "conv.b"],
                &["c1"],
                vec![attr_ints("pads", &[1, 0, 1, 0]), attr_ints("kernel_shape", &[3, 3])],
            ),
            node(
                "BatchNormalization",
                "/bn1/BatchNorm",
                &["c1", "g", "b", "m", "v"],
                &["b1"],
                vec![attr_f("epsilon", 1e-3)],
            ),
            node("Relu", "/relu/Relu", &["b1"], &["r1"], vec![]),
            node(
                "MaxPool",
                "/pool/MaxPool",
                &["r1"],
                &["p1"],
                vec![attr_ints("kernel_shape", &[2, 2]), attr_ints("strides", &[2, 2])],
            ),
            node("Flatten", "/flatten/Flatten", &["p1"], &["f1"], vec![]),
            node(
                "Gemm",
                "/fc/Gemm",
                &["f1", "fc.w", "fc.b"],
                &["g1"],
                vec![attr_i("transB", 1)],
            ),
            node("Softmax", "/softmax/Softmax", &["g1"], &["out"], vec![]),
        ],
        vec![
            floats("conv.w", &[co, c, 3, 3], &r.vec(co * c * 9)),
            floats("conv.b", &[co], &r.vec(co)),
            floats("g", &[co], &r.vec(co)),
            floats("b", &[co], &r.vec(co)),
            floats("m", &[co], &r.vec(co)),
            floats("v", &[co], &var),
            floats("fc.w", &[4, co * 3], &r.vec(4 * co * 3)),
            floats("fc.b", &[4], &r.vec(4)),
        ],
        "out",
    )
}

/// An NCHW model as PyTorch exports it: the input keeps its declared `[C, H, W]` shape, one
/// transpose moves it channels-last before the first convolution, one moves it back before the
/// Flatten (so the flattened order is ONNX's C, H, W), and nothing else moves.
#[test]
fn nchw_conv_net_gets_one_transpose_in_and_one_before_flatten() {
    let mut r = Rng(7);
    let m = nchw_conv_net(&mut r);
    let g = import_model(&m);
    assert_eq!(g.input_shape(), [2, 6, 5], "the NCHW input keeps its declared shape");
    assert_eq!(
        kinds(&g),
        [
            "Input",
            "Transpose",
            "Conv2D",
            "BatchNormalization",
            "Activation",
            "MaxPooling2D",
            "Transpose",
            "Flatten",
            "Dense",
            "Softmax"
        ]
    );
    assert_eq!(g.layers[1].kind, LayerKind::Transpose { perm: vec![1, 2, 0] });
    assert_eq!(g.layers[1].name, "conv1_Conv_transpose");
    assert_eq!(g.layers[2].name, "conv1_Conv");
    assert_eq!(g.layers[6].kind, LayerKind::Transpose { perm: vec![2, 0, 1] });
    let (wc, bc) = (Nd::new(&[3, 2, 3, 3], init(&m, "conv.w")), init(&m, "conv.b"));
    let (gamma, beta, mean, var) = (init(&m, "g"), init(&m, "b"), init(&m, "m"), init(&m, "v"));
    let (wg, bg) = (Nd::new(&[4, 9], init(&m, "fc.w")), init(&m, "fc.b"));
    for _ in 0..5 {
        let x = Nd::new(&[2, 6, 5], r.vec(60));
        let y = x.conv(&wc, &bc, [1, 0, 1, 0], [1, 1]);
        let per = y.shape[1] * y.shape[2];
        let bn = y.data.iter().enumerate().map(|(i, &v)| {
            let ch = i / per;
            (v - mean[ch]) / (var[ch] + 1e-3).sqrt() * gamma[ch] + beta[ch]
        });
        let y = Nd::new(&y.shape, bn.collect());
        let y = y
            .map(|v| v.max(0.0))
            .pool([2, 2], [2, 2], true)
            .gemm_t(&wg, &bg)
            .softmax_rows(4);
        assert_close(&float::forward(&g, &x.data), &y.data, "NCHW conv net");
    }
}

/// NHWC `[6, 6, 2]` → Transpose to NCHW → Pad 1 (opset 11) → Conv 3x3 → Relu → AveragePool 2x2 →
/// GlobalAveragePool → Flatten → MatMul + Add → Sigmoid, as tf2onnx exports it.
fn nhwc_pad_pool_net(r: &mut Rng) -> ModelProto {
    let (c, co) = (2, 3);
    model(
        11,
        value_info("input_1", &[6, 6, c]),
        vec![
            node(
                "Transpose",
                "to_nchw",
                &["input_1"],
                &["t0"],
                vec![attr_ints("perm", &[0, 3, 1, 2])],
            ),
            node("Pad", "zero_padding2d", &["t0", "pads"], &["p0"], vec![]),
            node("Conv", "conv2d", &["p0", "W", "B"], &["c0"], vec![]),
            node("Relu", "conv2d_relu", &["c0"], &["r0"], vec![]),
            node(
                "AveragePool",
                "average_pooling2d",
                &["r0"],
                &["a0"],
                vec![attr_ints("kernel_shape", &[2, 2]), attr_ints("strides", &[2, 2])],
            ),
            node("GlobalAveragePool", "gap", &["a0"], &["g0"], vec![]),
            node("Flatten", "flatten", &["g0"], &["f0"], vec![]),
            node("MatMul", "dense", &["f0", "Wd"], &["m0"], vec![]),
            node("Add", "dense_bias", &["m0", "Bd"], &["d0"], vec![]),
            node("Sigmoid", "dense_sigmoid", &["d0"], &["out"], vec![]),
        ],
        vec![
            int64s("pads", &[0, 0, 1, 1, 0, 0, 1, 1]),
            floats("W", &[co, c, 3, 3], &r.vec(co * c * 9)),
            floats("B", &[co], &r.vec(co)),
            floats("Wd", &[co, 2], &r.vec(co * 2)),
            floats("Bd", &[1, 2], &r.vec(2)),
        ],
        "out",
    )
}

/// The tf2onnx pattern with zero padding, average and global pooling and a MatMul + Add: the data
/// stays channels-last from input to output, with no transpose at all.
#[test]
fn nhwc_model_with_pad_and_pools_needs_no_transpose() {
    let mut r = Rng(11);
    let m = nhwc_pad_pool_net(&mut r);
    let g = import_model(&m);
    assert_eq!(g.input_shape(), [6, 6, 2]);
    assert_eq!(
        kinds(&g),
        [
            "Input",
            "ZeroPadding2D",
            "Conv2D",
            "Activation",
            "AveragePooling2D",
            "GlobalAveragePooling",
            "Dense",
            "Activation"
        ]
    );
    assert_eq!(
        g.layers[1].kind,
        LayerKind::ZeroPad {
            padding: vec![(1, 1), (1, 1)]
        }
    );
    let (wc, bc) = (Nd::new(&[3, 2, 3, 3], init(&m, "W")), init(&m, "B"));
    let (wm, bm) = (init(&m, "Wd"), init(&m, "Bd"));
    for _ in 0..5 {
        let x = Nd::new(&[6, 6, 2], r.vec(72));
        let y = x
            .permute(&[2, 0, 1])
            .conv(&wc, &bc, [1, 1, 1, 1], [1, 1])
            .map(|v| v.max(0.0));
        let y = y.pool([2, 2], [2, 2], false);
        let per = y.shape[1] * y.shape[2];
        let gap: Vec<f32> = y
            .data
            .chunks(per)
            .map(|ch| ch.iter().sum::<f32>() / per as f32)
            .collect();
        let out: Vec<f32> = (0..2)
            .map(|o| {
                let z = bm[o] + (0..3).map(|i| gap[i] * wm[i * 2 + o]).sum::<f32>();
                1.0 / (1.0 + (-z).exp())
            })
            .collect();
        assert_close(&float::forward(&g, &x.data), &out, "NHWC model");
    }
}

/// NCHW `[2, 4, 4]` → Conv → Relu → Conv → Add (residual) → Clip(0, 6) → Concat (channels) →
/// Transpose to NHWC → Reshape `[0, -1]` → MatMul (`with_bias`: + Add of a constant).
fn residual_net(r: &mut Rng, with_bias: bool) -> ModelProto {
    let c = 2;
    let same = || vec![attr_ints("pads", &[1, 1, 1, 1])];
    let mut nodes = vec![
        node("Conv", "conv1", &["x", "w1", "b1"], &["c1"], same()),
        node("Relu", "relu1", &["c1"], &["r1"], vec![]),
        node("Conv", "conv2", &["r1", "w2", "b2"], &["c2"], same()),
        node("Add", "residual", &["c2", "r1"], &["s"], vec![]),
        constant_node("lo", "zero", floats("", &[], &[0.0])),
        constant_node("hi", "six", floats("", &[], &[6.0])),
        node("Clip", "relu6", &["s", "zero", "six"], &["s6"], vec![]),
        node("Concat", "cat", &["s6", "r1"], &["cat"], vec![attr_i("axis", 1)]),
        node(
            "Transpose",
            "to_nhwc",
            &["cat"],
            &["t"],
            vec![attr_ints("perm", &[0, 2, 3, 1])],
        ),
        constant_node("shape", "shape", int64s("", &[0, -1])),
        node("Reshape", "flat", &["t", "shape"], &["f"], vec![]),
        node("MatMul", "fc", &["f", "wd"], &["mm"], vec![]),
    ];
    if with_bias {
        nodes.push(node("Add", "fc_bias", &["bd", "mm"], &["out"], vec![]));
    } else {
        nodes.last_mut().unwrap().output[0] = "out".into();
    }
    model(
        13,
        value_info("x", &[c, 4, 4]),
        nodes,
        vec![
            floats("w1", &[c, c, 3, 3], &r.vec(c * c * 9)),
            floats("b1", &[c], &r.vec(c)),
            floats("w2", &[c, c, 3, 3], &r.vec(c * c * 9)),
            floats("b2", &[c], &r.vec(c)),
            floats("wd", &[64, 3], &r.vec(64 * 3)),
            floats("bd", &[3], &r.vec(3)),
        ],
        "out",
    )
}

/// A residual Add of two layer outputs, a Concat along channels, relu6 from a Clip with Constant
/// bounds, then back to NHWC and a Reshape: Transposes only at the NCHW input.
#[test]
fn residual_add_concat_and_clip_keep_channels_last() {
    for with_bias in [false, true] {
        let mut r = Rng(23);
        let m = residual_net(&mut r, with_bias);
        let g = import_model(&m);
        assert_eq!(
            kinds(&g),
            [
                "Input",
                "Transpose",
                "Conv2D",
                "Activation",
                "Conv2D",
                "Add",
                "Activation",
                "Concatenate",
                "Flatten",
                "Dense"
            ],
            "the bias Add is folded into the Dense layer"
        );
        assert_eq!(
            g.layers[6].kind,
            LayerKind::Activation(Activation::Clip { min: 0.0, max: 6.0 })
        );
        assert_eq!(g.layers[7].kind, LayerKind::Concat { axis: 2 });
        let (w1, b1) = (Nd::new(&[2, 2, 3, 3], init(&m, "w1")), init(&m, "b1"));
        let (w2, b2) = (Nd::new(&[2, 2, 3, 3], init(&m, "w2")), init(&m, "b2"));
        let (wd, bd) = (init(&m, "wd"), init(&m, "bd"));
        for _ in 0..5 {
            let x = Nd::new(&[2, 4, 4], r.vec(32));
            let r1 = x.conv(&w1, &b1, [1; 4], [1, 1]).map(|v| v.max(0.0));
            let c2 = r1.conv(&w2, &b2, [1; 4], [1, 1]);
            let s6: Vec<f32> = c2
                .data
                .iter()
                .zip(&r1.data)
                .map(|(a, b)| (a + b).clamp(0.0, 6.0))
                .collect();
            let cat = Nd::new(&[4, 4, 4], [s6, r1.data.clone()].concat());
            let f = cat.permute(&[1, 2, 0]);
            let out: Vec<f32> = (0..3)
                .map(|o| {
                    let z = (0..64).map(|i| f.data[i] * wd[i * 3 + o]).sum::<f32>();
                    if with_bias {
                        z + bd[o]
                    } else {
                        z
                    }
                })
                .collect();
            assert_close(&float::forward(&g, &x.data), &out, "residual model");
        }
    }
}

/// NCL `[3, 7]` → Conv1D (kernel 2, stride 2) → LeakyRelu → Softmax over the channels (opset 13).
fn conv1d_softmax_net(r: &mut Rng) -> ModelProto {
    model(
        13,
        value_info("seq", &[3, 7]),
        vec![
            node("Conv", "conv", &["seq", "w"], &["c0"], vec![attr_ints("strides", &[2])]),
            node("LeakyRelu", "leaky", &["c0"], &["l0"], vec![attr_f("alpha", 0.1)]),
            node("Softmax", "sm", &["l0"], &["out"], vec![attr_i("axis", 1)]),
        ],
        vec![floats("w", &[4, 3, 2], &r.vec(4 * 3 * 2))],
        "out",
    )
}

/// A 1-D convolution with a softmax over the channel axis (opset 13): the softmax runs on the
/// channels-last data, and the output is transposed back to ONNX's `[C, L]` order.
#[test]
fn conv1d_softmax_over_channels_outputs_in_onnx_order() {
    let mut r = Rng(5);
    let m = conv1d_softmax_net(&mut r);
    let (c, l, co, lo) = (3, 7, 4, 3);
    let g = import_model(&m);
    assert_eq!(
        kinds(&g),
        ["Input", "Transpose", "Conv1D", "Activation", "Softmax", "Transpose"]
    );
    assert_eq!(g.layers[2].shape, [lo, co]);
    assert_eq!(g.output_shape(), [co, lo]);
    let wc = init(&m, "w");
    let x = r.vec(c * l);
    // ONNX semantics, channels-first
    let mut y = vec![0f32; co * lo];
    for o in 0..co {
        for t in 0..lo {
            let taps = (0..c).flat_map(|ci| (0..2).map(move |k| (ci, k)));
            let z: f32 = taps
                .map(|(ci, k)| x[ci * l + 2 * t + k] * wc[(o * c + ci) * 2 + k])
                .sum();
            y[o * lo + t] = if z >= 0.0 { z } else { 0.1 * z };
        }
    }
    for t in 0..lo {
        let col: Vec<f32> = (0..co).map(|o| y[o * lo + t]).collect();
        let sm = Nd::new(&[co], col).softmax_rows(co);
        for o in 0..co {
            y[o * lo + t] = sm.data[o];
        }
    }
    assert_close(&float::forward(&g, &x), &y, "conv1d softmax");
}

/// Every other supported operator once, on an NCHW input: Elu, Selu, Softplus, Softsign,
/// HardSigmoid, Tanh, Dropout, Identity, GlobalMaxPool, AveragePool with SAME padding and
/// count_include_pad, a Conv with SAME_LOWER padding and dilation, an Add of a per-channel constant
/// that cannot be folded (→ BatchNormalization), and a Clip with attribute bounds (opset 9 style
/// would need another model, so bounds come from inputs here).
fn activation_zoo(r: &mut Rng) -> ModelProto {
    model(
        13,
        value_info("x", &[2, 5, 5]),
        vec![
            node(
                "Conv",
                "conv",
                &["x", "w"],
                &["c"],
                vec![
                    AttributeProto {
                        name: "auto_pad".into(),
                        r#type: attribute_type::STRING,
                        s: b"SAME_LOWER".to_vec(),
                        ..Default::default()
                    },
                    attr_ints("dilations", &[2, 1]),
                ],
            ),
            node("Elu", "elu", &["c"], &["a1"], vec![attr_f("alpha", 0.5)]),
            node("Selu", "selu", &["a1"], &["a2"], vec![]),
            node("Softplus", "softplus", &["a2"], &["a3"], vec![]),
            node("Softsign", "softsign", &["a3"], &["a4"], vec![]),
            node("HardSigmoid", "hsig", &["a4"], &["a5"], vec![attr_f("alpha", 0.3)]),
            node("Dropout", "drop", &["a5"], &["a6"], vec![]),
            node("Identity", "id", &["a6"], &["a7"], vec![]),
            node("Tanh", "tanh", &["a7"], &["a8"], vec![]),
            node("Add", "shift", &["a8", "shift"], &["a9"], vec![]),
            node(
                "AveragePool",
                "avg",
                &["a9"],
                &["p"],
                vec![
                    attr_ints("kernel_shape", &[3, 3]),
                    attr_ints("pads", &[1, 1, 1, 1]),
                    attr_i("count_include_pad", 1),
                ],
            ),
            node("GlobalMaxPool", "gmp", &["p"], &["g"], vec![]),
            node("Flatten", "flat", &["g"], &["out"], vec![]),
        ],
        vec![
            floats("w", &[3, 2, 2, 3], &r.vec(36)),
            floats("shift", &[3, 1, 1], &[0.1, -0.2, 0.3]),
        ],
        "out",
    )
}

#[test]
fn remaining_operators_import_with_their_attributes() {
    let m = activation_zoo(&mut Rng(3));
    let g = import_model(&m);
    assert_eq!(
        kinds(&g),
        [
            "Input",
            "Transpose",
            "Conv2D",
            "Activation",
            "Activation",
            "Activation",
            "Activation",
            "Activation",
            "Activation",
            "BatchNormalization",
            "AveragePooling2D",
            "GlobalMaxPooling"
        ]
    );
    let LayerKind::Conv { padding, dilation, .. } = &g.layers[2].kind else {
        unreachable!()
    };
    // SAME_LOWER: total padding 2 (dilated kernel height 3) and 2 (width 3), larger half first.
    assert_eq!((padding.clone(), dilation.clone()), (vec![(1, 1), (1, 1)], vec![2, 1]));
    assert_eq!(g.layers[3].kind, LayerKind::Activation(Activation::Elu { alpha: 0.5 }));
    assert_eq!(g.layers[4].kind, LayerKind::Activation(Activation::Selu));
    assert_eq!(
        g.layers[7].kind,
        LayerKind::Activation(Activation::HardSigmoid {
            slope: 0.3,
            offset: 0.5
        })
    );
    let LayerKind::BatchNorm { bias, scale } = &g.layers[9].kind else {
        unreachable!()
    };
    assert_eq!(
        (bias.data.clone(), scale.data.clone()),
        (vec![0.1, -0.2, 0.3], vec![1.0; 3])
    );
    let LayerKind::Pool {
        count_include_pad,
        padding,
        ..
    } = &g.layers[10].kind
    else {
        unreachable!()
    };
    assert!(*count_include_pad);
    assert_eq!(padding, &[(1, 1), (1, 1)]);
    assert_eq!(g.output_shape(), [3]);
}

/// Before opset 11, Clip's bounds are attributes; Clip(0, 6) is relu6 and Clip(0, ∞) is relu.
#[test]
fn clip_bounds_come_from_attributes_before_opset_11() {
    let clip = |attrs: Vec<AttributeProto>| {
        let m = model(
            9,
            value_info("x", &[4]),
            vec![node("Clip", "c", &["x"], &["out"], attrs)],
            vec![],
            "out",
        );
        import_model(&m).output().kind.clone()
    };
    let relu6 = clip(vec![attr_f("min", 0.0), attr_f("max", 6.0)]);
    assert_eq!(relu6, LayerKind::Activation(Activation::Clip { min: 0.0, max: 6.0 }));
    assert_eq!(clip(vec![attr_f("min", 0.0)]), LayerKind::Activation(Activation::Relu));
    let m = model(
        9,
        value_info("x", &[4]),
        vec![node("Softmax", "s", &["x"], &["out"], vec![])],
        vec![],
        "out",
    );
    assert_eq!(
        import_model(&m).output().kind,
        LayerKind::Softmax,
        "opset 9 default axis 1 is the last"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input.

fn real_bytes(folder: &str, file: &str) -> Option<Vec<u8>> {
    model_file(folder, file).map(|p| std::fs::read(p).unwrap())
}

fn real_model(folder: &str, file: &str) -> Option<ModelProto> {
    real_bytes(folder, file).map(|b| ModelProto::decode(b.as_slice()).unwrap())
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("hls4ml_onnx_test_{}_{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let e = import(std::path::Path::new("no/such/model.onnx")).unwrap_err();
    assert!(e.message().contains("cannot read the ONNX model"), "{}", e.render());
    assert!(e.render().contains("no/such/model.onnx"), "{}", e.render());
}

#[test]
fn truncated_files_are_errors_naming_the_file() {
    let Some(bytes) = real_bytes("conv2d_small_keras", "conv2d_small_keras.onnx") else {
        return;
    };
    let n = bytes.len();
    for cut in [0, 1, 7, 100, n / 3, n / 2, n - 200, n - 9, n - 1] {
        let path = temp_file(&format!("cut{cut}.onnx"), &bytes[..cut]);
        let e = import(&path).expect_err(&format!("a file cut at {cut} of {n} bytes imported"));
        std::fs::remove_file(&path).ok();
        let text = e.render();
        assert!(text.contains(&path.display().to_string()), "cut at {cut}: {text}");
        println!("cut at {cut}: {}", e.message());
    }
    // Cut inside the graph message: the decoder itself reports it.
    let e = import_bytes(&bytes[..n / 2]).unwrap_err();
    assert!(e.message().contains("truncated or corrupt"), "{}", e.render());
}

#[test]
fn corrupt_bytes_are_an_error() {
    let e = import_bytes(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff garbage").unwrap_err();
    assert!(e.message().contains("not a valid ONNX model"), "{}", e.render());
    let e = import_bytes(b"").unwrap_err();
    assert!(e.message().contains("empty"), "{}", e.render());
}

#[test]
fn an_unsupported_op_is_named_with_its_node_and_the_supported_list() {
    let Some(bytes) = real_bytes("three_layer_keras", "three_layer_keras.onnx") else {
        return;
    };
    let mut mutated = bytes.clone();
    let at = mutated.windows(4).position(|w| w == b"Relu").unwrap();
    // Replace every "Relu": the op types change, and the tensor names change consistently.
    for i in at..mutated.len() - 3 {
        if &mutated[i..i + 4] == b"Relu" {
            mutated[i + 3] = b'v';
        }
    }
    let path = temp_file("relv.onnx", &mutated);
    let e = import(&path).unwrap_err();
    std::fs::remove_file(&path).ok();
    let text = e.render();
    assert!(e.message().contains("node `Relv` (Relv)"), "{text}");
    assert!(e.message().contains("operator `Relv` is not supported"), "{text}");
    assert!(text.contains("supported ONNX operators: Gemm, MatMul"), "{text}");
    assert!(text.contains("relv.onnx"), "{text}");
}

#[test]
fn a_tensor_whose_data_disagrees_with_its_dims_is_an_error() {
    // raw_data (jet_tagger) and float_data (three_layer_keras)
    let Some(mut m) = real_model("jet_tagger", "jet_tagger.onnx") else {
        return;
    };
    m.graph.as_mut().unwrap().initializer[0].dims = vec![16, 65];
    let e = import_error(&m);
    assert!(
        e.contains("initializer `fc1.kernel`") && e.contains("raw_data has 4096 bytes"),
        "{e}"
    );

    let Some(mut m) = real_model("three_layer_keras", "three_layer_keras.onnx") else {
        return;
    };
    m.graph.as_mut().unwrap().initializer[1].dims = vec![65];
    let e = import_error(&m);
    assert!(
        e.contains("initializer `B`") && e.contains("float_data holds 64 values"),
        "{e}"
    );

    let Some(mut m) = real_model("three_layer_keras", "three_layer_keras.onnx") else {
        return;
    };
    m.graph.as_mut().unwrap().initializer[1].dims = vec![1 << 40, 1 << 40];
    let e = import_error(&m);
    assert!(e.contains("too many elements"), "{e}");
}

#[test]
fn grouped_convolution_is_named_as_unsupported() {
    let Some(mut m) = real_model("conv2d_small_keras", "conv2d_small_keras.onnx") else {
        return;
    };
    let conv = m
        .graph
        .as_mut()
        .unwrap()
        .node
        .iter_mut()
        .find(|n| n.op_type == "Conv")
        .unwrap();
    conv.attribute.iter_mut().find(|a| a.name == "group").unwrap().i = 2;
    let e = import_error(&m);
    assert!(e.contains("node `Conv2D__` (Conv)") && e.contains("group = 2"), "{e}");
}

#[test]
fn a_computed_pad_amount_is_named_as_unsupported() {
    let m = model(
        13,
        value_info("x", &[2, 4, 4]),
        vec![
            node(
                "Constant",
                "k",
                &[],
                &["p"],
                vec![AttributeProto {
                    name: "value".into(),
                    r#type: attribute_type::TENSOR,
                    t: Some(int64s("", &[0, 0, 1, 1, 0, 0, 1, 1])),
                    ..Default::default()
                }],
            ),
            node("Relu", "r", &["p"], &["rp"], vec![]),
            node("Pad", "pad", &["x", "rp"], &["out"], vec![]),
        ],
        vec![],
        "out",
    );
    let e = import_error(&m);
    assert!(e.contains("node `r` (Relu)") && e.contains("constant"), "{e}");
    let m = model(
        13,
        value_info("x", &[2, 4, 4]),
        vec![
            node("Relu", "r", &["x"], &["rx"], vec![]),
            node("Pad", "pad", &["x", "rx"], &["out"], vec![]),
        ],
        vec![],
        "out",
    );
    let e = import_error(&m);
    assert!(
        e.contains("node `pad` (Pad)") && e.contains("must be a constant"),
        "{e}"
    );
}

#[test]
fn models_with_several_inputs_or_outputs_are_errors() {
    let Some(m) = real_model("jet_tagger", "jet_tagger.onnx") else {
        return;
    };
    let mut two_in = m.clone();
    two_in.graph.as_mut().unwrap().input.push(value_info("extra", &[3]));
    let e = import_error(&two_in);
    assert!(e.contains("2 inputs") && e.contains("`extra`"), "{e}");
    let mut two_out = m.clone();
    two_out.graph.as_mut().unwrap().output.push(ValueInfoProto {
        name: "fc1_2".into(),
        r#type: None,
    });
    let e = import_error(&two_out);
    assert!(e.contains("2 outputs"), "{e}");
}

#[test]
fn a_reference_to_a_missing_tensor_is_an_error() {
    let Some(mut m) = real_model("jet_tagger", "jet_tagger.onnx") else {
        return;
    };
    m.graph.as_mut().unwrap().node[3].input[0] = "nowhere".into();
    let e = import_error(&m);
    assert!(
        e.contains("node `fc2_matmul_4` (MatMul)") && e.contains("`nowhere`"),
        "{e}"
    );
}

#[test]
fn selu_with_other_constants_and_softmax_over_the_batch_are_errors() {
    let selu = model(
        13,
        value_info("x", &[4]),
        vec![node("Selu", "s", &["x"], &["out"], vec![attr_f("alpha", 2.0)])],
        vec![],
        "out",
    );
    assert!(import_error(&selu).contains("SELU's standard constants"));
    let sm = model(
        13,
        value_info("x", &[4]),
        vec![node("Softmax", "s", &["x"], &["out"], vec![attr_i("axis", 0)])],
        vec![],
        "out",
    );
    assert!(import_error(&sm).contains("batch axis"));
}

// ---------------------------------------------------------------------------------------------
// Mutated files never panic.

const REAL_FILES: [(&str, &str); 5] = [
    ("three_layer_keras", "three_layer_keras.onnx"),
    ("conv2d_small_keras", "conv2d_small_keras.onnx"),
    ("three_layer_pytorch", "three_layer_pytorch.onnx"),
    ("two_layer_keras", "two_layer_keras.onnx"),
    ("jet_tagger", "jet_tagger.onnx"),
];

/// A byte-level mutation: flipped bytes, a truncation, a duplicated or deleted chunk, a varint
/// overwritten, a length prefix changed.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let n = b.len().max(1);
        match rng.below(6) {
            // flip bits of a few bytes
            0 => {
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(n);
                    if let Some(x) = b.get_mut(i) {
                        *x ^= 1 + rng.below(255) as u8;
                    }
                }
            }
            // truncate
            1 => b.truncate(rng.below(n)),
            // duplicate a chunk somewhere
            2 => {
                let start = rng.below(n);
                let len = rng.below(64).min(b.len().saturating_sub(start));
                let chunk = b[start..start + len].to_vec();
                let at = rng.below(b.len() + 1);
                b.splice(at..at, chunk);
            }
            // a length-like varint made huge or different
            3 => {
                let i = rng.below(n);
                let new: &[u8] = match rng.below(4) {
                    0 => &[0xff, 0xff, 0xff, 0xff, 0x0f],
                    1 => &[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
                    2 => &[0x00],
                    _ => &[0x7f],
                };
                for (k, &v) in new.iter().enumerate() {
                    if let Some(x) = b.get_mut(i + k) {
                        *x = v;
                    }
                }
            }
            // increment a byte that follows a tag of a length-delimited field
            4 => {
                let i = rng.below(n);
                if let Some(j) = (i..b.len().saturating_sub(1)).find(|&j| b[j] & 7 == 2) {
                    b[j + 1] = b[j + 1].wrapping_add(1 + rng.below(8) as u8);
                }
            }
            // delete a chunk
            _ => {
                let start = rng.below(n);
                let len = rng.below(32).min(b.len().saturating_sub(start));
                b.drain(start..start + len);
            }
        }
    }
    b
}

#[test]
fn mutated_real_files_never_panic() {
    let mut failures = Vec::new();
    let (mut ok, mut err) = (0, 0);
    for (k, (folder, file)) in REAL_FILES.iter().enumerate() {
        let Some(bytes) = real_bytes(folder, file) else {
            return;
        };
        for i in 0..common::fuzz_cases(400) {
            let seed = ((k as u64) << 32) ^ (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let mutant = mutate(&bytes, &mut Rng(seed | 1));
            match std::panic::catch_unwind(|| import_bytes(&mutant).is_ok()) {
                Ok(true) => ok += 1,
                Ok(false) => err += 1,
                Err(_) => failures.push(format!("{file}: mutant with seed {:#x} panicked", seed | 1)),
            }
        }
    }
    println!("mutants: {ok} imported, {err} rejected, {} panicked", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const INTERESTING_INTS: &[i64] = &[
    -3,
    -2,
    -1,
    0,
    1,
    2,
    3,
    5,
    1 << 16,
    1 << 20,
    1 << 31,
    1 << 40,
    i64::MAX,
    i64::MIN,
];
const INTERESTING_FLOATS: &[f32] = &[f32::NAN, f32::INFINITY, f32::NEG_INFINITY, -1.0, 0.0, 1e-30, 6.0, 1e30];
const ATTRIBUTE_NAMES: &[&str] = &[
    "axis",
    "perm",
    "pads",
    "strides",
    "group",
    "kernel_shape",
    "dilations",
    "auto_pad",
    "transA",
    "transB",
    "alpha",
    "ceil_mode",
    "allowzero",
    "epsilon",
    "min",
    "max",
    "value",
    "training_mode",
    "mode",
    "spatial",
];

/// A structural mutation of a decoded model: sizes, attributes, operators and wiring changed.
fn mutate_model(m: &ModelProto, rng: &mut Rng) -> ModelProto {
    let mut m = m.clone();
    let g = m.graph.as_mut().unwrap();
    let int = |rng: &mut Rng| INTERESTING_INTS[rng.below(INTERESTING_INTS.len())];
    for _ in 0..1 + rng.below(2) {
        let n_nodes = g.node.len();
        match rng.below(10) {
            0 if !g.initializer.is_empty() => {
                let t = rng.below(g.initializer.len());
                let dims = &mut g.initializer[t].dims;
                match dims.len() {
                    0 => dims.push(int(rng)),
                    n => dims[rng.below(n)] = int(rng),
                }
            }
            1 if n_nodes > 0 => {
                let nd = &mut g.node[rng.below(n_nodes)];
                let k = rng.below(nd.attribute.len().max(1));
                if let Some(a) = nd.attribute.get_mut(k) {
                    a.i = int(rng);
                    a.f = INTERESTING_FLOATS[rng.below(INTERESTING_FLOATS.len())];
                    if let Some(k) = (!a.ints.is_empty()).then(|| rng.below(a.ints.len())) {
                        a.ints[k] = int(rng);
                    } else if rng.below(2) == 0 {
                        a.ints.push(int(rng));
                    }
                }
            }
            2 if n_nodes > 0 => {
                let ops = hls4ml_codegen::import::SUPPORTED_ONNX_OPS;
                let op = if rng.below(8) == 0 {
                    "Constant"
                } else {
                    ops[rng.below(ops.len())]
                };
                g.node[rng.below(n_nodes)].op_type = op.into();
            }
            3 if n_nodes > 0 => {
                let mut names: Vec<String> = g.node.iter().flat_map(|n| n.output.clone()).collect();
                names.extend(g.initializer.iter().map(|t| t.name.clone()));
                names.push(String::new());
                let pick = names[rng.below(names.len())].clone();
                let nd = &mut g.node[rng.below(n_nodes)];
                match nd.input.len() {
                    0 => nd.input.push(pick),
                    n => nd.input[rng.below(n + 1).min(n - 1)] = pick,
                }
            }
            4 if n_nodes > 0 => {
                g.node.remove(rng.below(n_nodes));
            }
            5 => {
                if let Some(shape) = g.input[0]
                    .r#type
                    .as_mut()
                    .and_then(|t| t.tensor_type.as_mut())
                    .and_then(|t| t.shape.as_mut())
                {
                    let d = Dimension {
                        dim_value: Some(int(rng)),
                        ..Default::default()
                    };
                    match rng.below(3) {
                        0 => shape.dim.push(d),
                        1 => {
                            shape.dim.pop();
                        }
                        _ if !shape.dim.is_empty() => {
                            let k = rng.below(shape.dim.len());
                            shape.dim[k] = d;
                        }
                        _ => {}
                    }
                }
            }
            6 => m.opset_import[0].version = 1 + rng.below(20) as i64,
            7 if !g.initializer.is_empty() => {
                let t = rng.below(g.initializer.len());
                g.initializer[t].data_type = rng.below(17) as i32;
            }
            8 if n_nodes > 0 => {
                let name = ATTRIBUTE_NAMES[rng.below(ATTRIBUTE_NAMES.len())];
                let mut a = AttributeProto {
                    name: name.into(),
                    r#type: 1 + rng.below(8) as i32,
                    ..Default::default()
                };
                a.i = int(rng);
                a.ints = (0..rng.below(9)).map(|_| int(rng)).collect();
                a.f = INTERESTING_FLOATS[rng.below(INTERESTING_FLOATS.len())];
                a.s = [&b"SAME_UPPER"[..], b"VALID", b"reflect", b"constant", b""][rng.below(5)].to_vec();
                let nd = &mut g.node[rng.below(n_nodes)];
                nd.attribute.retain(|x| x.name != name);
                nd.attribute.push(a);
            }
            _ if n_nodes > 0 => {
                let k = rng.below(n_nodes);
                let copy = g.node[k].clone();
                g.node.insert(rng.below(n_nodes + 1), copy);
            }
            _ => {}
        }
    }
    m
}

#[test]
fn structurally_mutated_models_never_panic() {
    let mut seeds: Vec<(String, ModelProto)> = vec![
        ("nchw_conv_net".into(), nchw_conv_net(&mut Rng(1))),
        ("nhwc_pad_pool_net".into(), nhwc_pad_pool_net(&mut Rng(2))),
        ("residual_net".into(), residual_net(&mut Rng(3), true)),
        ("conv1d_softmax_net".into(), conv1d_softmax_net(&mut Rng(4))),
        ("activation_zoo".into(), activation_zoo(&mut Rng(5))),
    ];
    for (folder, file) in REAL_FILES {
        if let Some(m) = real_model(folder, file) {
            seeds.push((file.to_string(), m));
        }
    }
    let mut failures = Vec::new();
    let (mut ok, mut err) = (0, 0);
    for (k, (name, m)) in seeds.iter().enumerate() {
        for i in 0..common::fuzz_cases(300) {
            let seed = (((k as u64) << 32) ^ (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1;
            let bytes = mutate_model(m, &mut Rng(seed)).encode_to_vec();
            match std::panic::catch_unwind(|| import_bytes(&bytes).is_ok()) {
                Ok(true) => ok += 1,
                Ok(false) => err += 1,
                Err(_) => failures.push(format!("{name}: structural mutant with seed {seed:#x} panicked")),
            }
        }
    }
    println!(
        "structural mutants: {ok} imported, {err} rejected, {} panicked",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
