//! Keras importer: every Keras model of the shared reference set imports with the expected layers
//! and reproduces Keras's outputs through the float forward pass; the `.keras` and `.h5` forms of
//! one model give the same graph; bad files give clear errors; mutated files never panic.

mod common;

use hls4ml_codegen::float;
use hls4ml_codegen::import;
use hls4ml_codegen::ir::{Activation, Graph, LayerKind, PoolOp};
use hls4ml_runtime::npy;
use serde_json::Value;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Helpers.

/// `../shared/models/<folder>/<file>`, or `None` when the shared models are absent.
fn model_file(folder: &str, file: &str) -> Option<PathBuf> {
    common::shared_model(folder).map(|d| d.join(file))
}

/// The JSON architecture and weights of a Keras 2 reference model.
fn json_model(folder: &str) -> Option<(PathBuf, PathBuf)> {
    let dir = common::shared_model(folder)?;
    Some((
        dir.join(format!("{folder}.json")),
        dir.join(format!("{folder}_weights.h5")),
    ))
}

fn import_ok(model: &Path, weights: Option<&Path>) -> Graph {
    import::keras(model, weights).unwrap_or_else(|e| panic!("{}", e.render()))
}

fn import_err(model: &Path, weights: Option<&Path>) -> String {
    match import::keras(model, weights) {
        Ok(g) => panic!("{} imported, but should not have: {:?}", model.display(), names(&g)),
        Err(e) => e.render(),
    }
}

/// Checks float::forward against `y_float.npy` on every sample of `X.npy` in `dir`; returns the
/// largest absolute error.
fn compare_with_keras(graph: &Graph, dir: &Path, what: &str) -> f32 {
    let x = npy::read_f32(dir.join("X.npy")).unwrap();
    let y = npy::read_f32(dir.join("y_float.npy")).unwrap();
    assert_eq!(x.rows(), 1000);
    assert_eq!(x.row_len(), graph.input().output_size(), "input size of {what}");
    assert_eq!(y.row_len(), graph.output().output_size(), "output size of {what}");
    let mut worst = 0f32;
    for (xi, yi) in x.row_iter().zip(y.row_iter()) {
        worst = worst.max(common::max_abs_diff(&float::forward(graph, xi), yi));
    }
    println!("{what}: max abs error {worst:e} over {} samples", x.rows());
    assert!(worst <= 1e-4, "{what}: max abs error {worst} against Keras");
    worst
}

fn names(graph: &Graph) -> Vec<&str> {
    graph.layers.iter().map(|l| l.name.as_str()).collect()
}

fn kinds(graph: &Graph) -> Vec<&'static str> {
    graph.layers.iter().map(|l| l.kind.class_name()).collect()
}

fn layer<'g>(graph: &'g Graph, name: &str) -> &'g hls4ml_codegen::ir::Layer {
    &graph.layers[graph
        .find(name)
        .unwrap_or_else(|| panic!("no layer `{name}` in {:?}", names(graph)))]
}

/// A fresh temporary folder for one test.
fn temp_dir(tag: &str) -> PathBuf {
    common::fresh_dir("keras-test", tag)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(v).unwrap()).unwrap();
    path
}

/// The config of the functional-model layer `name`.
fn layer_config<'v>(model: &'v mut Value, name: &str) -> &'v mut Value {
    model["config"]["layers"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no layer {name}"))
}

// ---------------------------------------------------------------------------------------------
// The reference models.

#[test]
fn keras_3layer_imports_and_matches_keras() {
    let Some((json, h5)) = json_model("KERAS_3layer") else {
        return;
    };
    let g = import_ok(&json, Some(&h5));
    assert_eq!(
        names(&g),
        [
            "input_1",
            "fc1_relu",
            "fc1_relu_relu",
            "fc2_relu",
            "fc2_relu_relu",
            "fc3_relu",
            "fc3_relu_relu",
            "output_softmax",
            "output_softmax_softmax"
        ]
    );
    assert_eq!(g.input_shape(), [16]);
    assert_eq!(g.output_shape(), [5]);
    assert_eq!(layer(&g, "fc1_relu").shape, [64]);
    assert_eq!(layer(&g, "fc1_relu_relu").kind, LayerKind::Activation(Activation::Relu));
    assert_eq!(layer(&g, "output_softmax_softmax").kind, LayerKind::Softmax);
    assert_eq!(
        g.parameter_count(),
        16 * 64 + 64 + 64 * 32 + 32 + 32 * 32 + 32 + 32 * 5 + 5
    );
    compare_with_keras(&g, json.parent().unwrap(), "KERAS_3layer");
}

#[test]
fn keras_3layer_batch_norm_imports_and_matches_keras() {
    let Some((json, h5)) = json_model("KERAS_3layer_batch_norm") else {
        return;
    };
    let g = import_ok(&json, Some(&h5));
    assert_eq!(
        names(&g),
        [
            "input_1",
            "fc1_relu",
            "bn1",
            "relu1",
            "fc2_relu",
            "bn2",
            "relu2",
            "fc3_relu",
            "bn3",
            "relu3",
            "output_softmax",
            "bn4",
            "softmax"
        ]
    );
    assert_eq!(kinds(&g)[1..4], ["Dense", "BatchNormalization", "Activation"]);
    assert_eq!(layer(&g, "softmax").kind, LayerKind::Softmax);
    match &layer(&g, "bn2").kind {
        LayerKind::BatchNorm { scale, bias } => {
            assert_eq!(scale.shape, [32]);
            assert_eq!(bias.shape, [32]);
        }
        k => panic!("bn2 is {k:?}"),
    }
    compare_with_keras(&g, json.parent().unwrap(), "KERAS_3layer_batch_norm");
}

#[test]
fn keras_conv1d_small_imports_and_matches_keras() {
    let Some((json, h5)) = json_model("KERAS_conv1d_small") else {
        return;
    };
    let g = import_ok(&json, Some(&h5));
    assert_eq!(g.input_shape(), [10, 4]);
    assert_eq!(g.output_shape(), [5]);
    let conv1 = layer(&g, "conv1_relu");
    assert_eq!(conv1.shape, [10, 3]);
    match &conv1.kind {
        LayerKind::Conv {
            kernel,
            padding,
            strides,
            dilation,
            ..
        } => {
            assert_eq!(kernel.shape, [4, 4, 3]);
            // 'same' with a 4-tap kernel: TensorFlow pads 1 before and 2 after.
            assert_eq!(padding, &vec![(1, 2)]);
            assert_eq!(strides, &vec![1]);
            assert_eq!(dilation, &vec![1]);
        }
        k => panic!("conv1_relu is {k:?}"),
    }
    assert_eq!(
        layer(&g, "conv1_relu_relu").kind,
        LayerKind::Activation(Activation::Relu)
    );
    assert_eq!(layer(&g, "conv3_relu").shape, [10, 1]);
    assert_eq!(layer(&g, "flatten_1").shape, [10]);
    assert_eq!(
        kinds(&g),
        [
            "Input",
            "Conv1D",
            "Activation",
            "Conv1D",
            "Activation",
            "Conv1D",
            "Activation",
            "Flatten",
            "Dense",
            "Activation",
            "Dense",
            "Softmax"
        ]
    );
    compare_with_keras(&g, json.parent().unwrap(), "KERAS_conv1d_small");
}

#[test]
fn keras_conv2d_model_old_sequential_imports_and_matches_keras() {
    let Some((json, h5)) = json_model("KERAS_conv2d_model") else {
        return;
    };
    let g = import_ok(&json, Some(&h5));
    // An old Sequential without an InputLayer gets hls4ml's `input1`; Dropout is gone.
    assert_eq!(
        names(&g),
        [
            "input1",
            "conv2d_1",
            "conv2d_1_relu",
            "flatten_1",
            "dense_1",
            "dense_1_softmax"
        ]
    );
    assert_eq!(g.input_shape(), [8, 8, 1]);
    let conv = layer(&g, "conv2d_1");
    assert_eq!(conv.shape, [8, 8, 2]);
    match &conv.kind {
        LayerKind::Conv { kernel, padding, .. } => {
            assert_eq!(kernel.shape, [3, 3, 1, 2]);
            assert_eq!(padding, &vec![(1, 1), (1, 1)]);
        }
        k => panic!("conv2d_1 is {k:?}"),
    }
    assert_eq!(layer(&g, "flatten_1").shape, [128]);
    assert_eq!(layer(&g, "flatten_1").inputs, [g.find("conv2d_1_relu").unwrap()]);
    assert_eq!(g.output_shape(), [10]);
    compare_with_keras(&g, json.parent().unwrap(), "KERAS_conv2d_model");
}

#[test]
fn jet_tagger_keras_and_h5_import_equal_and_match_keras() {
    let (Some(keras), Some(h5)) = (
        model_file("jet_tagger", "jet_tagger.keras"),
        model_file("jet_tagger", "jet_tagger.h5"),
    ) else {
        return;
    };
    let from_keras = import_ok(&keras, None);
    let from_h5 = import_ok(&h5, None);
    assert_eq!(
        names(&from_keras),
        [
            "input_1",
            "fc1",
            "fc1_relu",
            "fc2",
            "fc2_relu",
            "fc3",
            "fc3_relu",
            "output",
            "output_softmax"
        ]
    );
    assert_eq!(layer(&from_keras, "fc2").shape, [32]);
    assert_eq!(from_keras.parameter_count(), 4389);
    assert!(
        from_keras == from_h5,
        "the .keras and .h5 forms of jet_tagger import differently"
    );
    compare_with_keras(&from_keras, keras.parent().unwrap(), "jet_tagger.keras");
    compare_with_keras(&from_h5, keras.parent().unwrap(), "jet_tagger.h5");
}

// ---------------------------------------------------------------------------------------------
// Layers the reference models do not use, on architectures built from the real weights files.

/// A Keras 2 functional model: `layers` as `(class_name, name, config)`, each fed by the previous
/// one unless its config carries `"_inputs": [...]`.
fn functional(input_shape: &[usize], layers: &[(&str, &str, Value)]) -> Value {
    let mut shape = vec![Value::Null];
    shape.extend(input_shape.iter().map(|&d| Value::from(d)));
    let mut list = vec![serde_json::json!({
        "class_name": "InputLayer", "name": "in",
        "config": {"batch_input_shape": shape, "name": "in"}, "inbound_nodes": []
    })];
    let mut previous = "in".to_string();
    for (class, name, config) in layers {
        let mut config = config.clone();
        let inputs: Vec<String> = match config.as_object_mut().and_then(|c| c.remove("_inputs")) {
            Some(Value::Array(v)) => v.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
            _ => vec![previous.clone()],
        };
        config["name"] = Value::from(*name);
        let node: Vec<Value> = inputs.iter().map(|i| serde_json::json!([i, 0, 0, {}])).collect();
        list.push(serde_json::json!({
            "class_name": class, "name": name, "config": config, "inbound_nodes": [node]
        }));
        previous = name.to_string();
    }
    serde_json::json!({
        "class_name": "Model",
        "config": {"layers": list, "input_layers": [["in", 0, 0]], "output_layers": [[previous, 0, 0]]},
        "keras_version": "2.4.0"
    })
}

#[test]
fn pooling_padding_merges_and_activation_layers_import_with_the_right_shapes() {
    let Some((_, h5)) = json_model("KERAS_conv2d_model") else {
        return;
    };
    let dir = temp_dir("zoo");
    // conv2d_1's weights (3×3, 1 → 2 channels) are reused on an 8×8×1 input.
    let model = functional(
        &[8, 8, 1],
        &[
            ("ZeroPadding2D", "pad", serde_json::json!({"padding": [[1, 0], [2, 1]]})),
            (
                "Conv2D",
                "conv2d_1",
                serde_json::json!({"filters": 2, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
                "activation": "relu6", "data_format": "channels_last"}),
            ),
            (
                "MaxPooling2D",
                "mp",
                serde_json::json!({"pool_size": [2, 2], "strides": [1, 1], "padding": "same"}),
            ),
            (
                "AveragePooling2D",
                "ap",
                serde_json::json!({"pool_size": 3, "strides": null, "padding": "same"}),
            ),
            (
                "ReLU",
                "clip",
                serde_json::json!({"max_value": 4.0, "negative_slope": 0.0, "threshold": 0.0}),
            ),
            ("LeakyReLU", "leaky", serde_json::json!({"alpha": 0.1})),
            ("ELU", "elu", serde_json::json!({"alpha": 0.5})),
            ("Activation", "hs", serde_json::json!({"activation": "hard_sigmoid"})),
            ("Add", "sum", serde_json::json!({"_inputs": ["elu", "hs"]})),
            (
                "Concatenate",
                "cat",
                serde_json::json!({"axis": -1, "_inputs": ["sum", "leaky"]}),
            ),
            ("GlobalAveragePooling2D", "gap", serde_json::json!({"keepdims": false})),
            ("Reshape", "rs", serde_json::json!({"target_shape": [2, -1]})),
            ("Softmax", "sm", serde_json::json!({"axis": -1})),
            ("Flatten", "flat", serde_json::json!({})),
        ],
    );
    let json = write_json(&dir, "zoo.json", &model);
    let g = import_ok(&json, Some(&h5));
    assert_eq!(layer(&g, "pad").shape, [9, 11, 1]);
    match &layer(&g, "pad").kind {
        LayerKind::ZeroPad { padding } => assert_eq!(padding, &vec![(1, 0), (2, 1)]),
        k => panic!("{k:?}"),
    }
    // 'same' with stride 2 on 9×11: 5×6 outputs; rows pad (5-1)*2+3-9 = 2 → (1,1), cols 10+3-11 = 2.
    let conv = layer(&g, "conv2d_1");
    assert_eq!(conv.shape, [5, 6, 2]);
    match &conv.kind {
        LayerKind::Conv { padding, strides, .. } => {
            assert_eq!(padding, &vec![(1, 1), (1, 1)]);
            assert_eq!(strides, &vec![2, 2]);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(
        layer(&g, "conv2d_1_relu6").kind,
        LayerKind::Activation(Activation::Clip { min: 0.0, max: 6.0 })
    );
    match &layer(&g, "mp").kind {
        LayerKind::Pool {
            op,
            pool,
            strides,
            padding,
            count_include_pad,
        } => {
            assert_eq!(*op, PoolOp::Max);
            assert_eq!((pool, strides), (&vec![2, 2], &vec![1, 1]));
            assert_eq!(padding, &vec![(0, 1), (0, 1)]);
            assert!(!count_include_pad);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(layer(&g, "mp").shape, [5, 6, 2]);
    match &layer(&g, "ap").kind {
        LayerKind::Pool {
            op,
            strides,
            padding,
            count_include_pad,
            ..
        } => {
            assert_eq!(*op, PoolOp::Average);
            assert_eq!(strides, &vec![3, 3]);
            // 5 rows, 2 windows: (2-1)*3+3-5 = 1 → (0, 1); 6 cols: 2 windows, no padding.
            assert_eq!(padding, &vec![(0, 1), (0, 0)]);
            assert!(!count_include_pad);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(layer(&g, "ap").shape, [2, 2, 2]);
    assert_eq!(
        layer(&g, "clip").kind,
        LayerKind::Activation(Activation::Clip { min: 0.0, max: 4.0 })
    );
    assert_eq!(
        layer(&g, "leaky").kind,
        LayerKind::Activation(Activation::LeakyRelu { alpha: 0.1 })
    );
    assert_eq!(
        layer(&g, "elu").kind,
        LayerKind::Activation(Activation::Elu { alpha: 0.5 })
    );
    // Keras 2's hard_sigmoid.
    assert_eq!(
        layer(&g, "hs").kind,
        LayerKind::Activation(Activation::HardSigmoid {
            slope: 0.2,
            offset: 0.5
        })
    );
    assert_eq!(layer(&g, "sum").kind, LayerKind::Add);
    assert_eq!(layer(&g, "sum").inputs, [g.find("elu").unwrap(), g.find("hs").unwrap()]);
    assert_eq!(layer(&g, "cat").kind, LayerKind::Concat { axis: 2 });
    assert_eq!(layer(&g, "cat").shape, [2, 2, 4]);
    assert_eq!(layer(&g, "gap").shape, [4]);
    assert_eq!(layer(&g, "rs").kind, LayerKind::Reshape { shape: vec![2, 2] });
    assert_eq!(layer(&g, "sm").kind, LayerKind::Softmax);
    assert_eq!(g.output_shape(), [4]);
    // Every value goes through: the forward pass runs on this graph.
    let out = float::forward(&g, &[0.5; 64]);
    assert_eq!(out.len(), 4);
    assert!(out.iter().all(|v| v.is_finite()));

    // Keras 3 syntax: `batch_shape`, dictionary inbound nodes, `negative_slope`, x/6 + 0.5.
    let keras3 = serde_json::json!({
        "module": "keras.src.models.functional", "class_name": "Functional",
        "config": {"name": "m", "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "name": "x",
             "config": {"batch_shape": [null, 10, 4], "name": "x"}, "inbound_nodes": []},
            {"module": "keras.layers", "class_name": "ZeroPadding1D", "name": "zp",
             "config": {"padding": [2, 1], "name": "zp"},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "MaxPooling1D", "name": "mp1",
             "config": {"pool_size": [2], "strides": [2], "padding": "valid", "name": "mp1"},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["zp", 0, 0]}}], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "LeakyReLU", "name": "lr",
             "config": {"negative_slope": 0.25, "name": "lr"},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["mp1", 0, 0]}}], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "Activation", "name": "hs",
             "config": {"activation": "hard_sigmoid", "name": "hs"},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["lr", 0, 0]}}], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "Concatenate", "name": "cat",
             "config": {"axis": 1, "name": "cat"},
             "inbound_nodes": [{"args": [[
                 {"class_name": "__keras_tensor__", "config": {"keras_history": ["lr", 0, 0]}},
                 {"class_name": "__keras_tensor__", "config": {"keras_history": ["hs", 0, 0]}}]], "kwargs": {}}]},
            {"module": "keras.layers", "class_name": "GlobalMaxPooling1D", "name": "gmp",
             "config": {"keepdims": true, "name": "gmp"},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["cat", 0, 0]}}], "kwargs": {}}]}
        ], "input_layers": ["x", 0, 0], "output_layers": ["gmp", 0, 0]}
    });
    let json = write_json(&dir, "keras3.json", &keras3);
    let g = import_ok(&json, Some(&h5));
    assert_eq!(layer(&g, "zp").shape, [13, 4]);
    assert_eq!(layer(&g, "mp1").shape, [6, 4]);
    assert_eq!(
        layer(&g, "lr").kind,
        LayerKind::Activation(Activation::LeakyRelu { alpha: 0.25 })
    );
    assert_eq!(
        layer(&g, "hs").kind,
        LayerKind::Activation(Activation::HardSigmoid {
            slope: 1.0 / 6.0,
            offset: 0.5
        })
    );
    assert_eq!(layer(&g, "cat").kind, LayerKind::Concat { axis: 0 });
    assert_eq!(layer(&g, "cat").shape, [12, 4]);
    assert_eq!(layer(&g, "gmp").kind, LayerKind::GlobalPool { op: PoolOp::Max });
    assert_eq!(names(&g).last(), Some(&"gmp_keepdims"));
    assert_eq!(g.output_shape(), [1, 4]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dense_without_bias_and_batch_norm_without_scale_fold_right() {
    let Some((json, h5)) = json_model("KERAS_3layer_batch_norm") else {
        return;
    };
    let dir = temp_dir("nobias");
    let reference = import_ok(&json, Some(&h5));
    let mut model = read_json(&json);
    // Dropping bn1's γ (scale=false) must fold as if γ were 1.
    layer_config(&mut model, "bn1")["config"]["scale"] = Value::Bool(false);
    let path = write_json(&dir, "noscale.json", &model);
    // The weights file has gamma; by name it is simply not used.
    let g = import_ok(&path, Some(&h5));
    let (LayerKind::BatchNorm { scale: s0, bias: b0 }, LayerKind::BatchNorm { scale: s1, bias: b1 }) =
        (&layer(&reference, "bn1").kind, &layer(&g, "bn1").kind)
    else {
        panic!("bn1 is not a BatchNorm");
    };
    assert_ne!(s0, s1);
    assert_eq!(s0.shape, s1.shape);
    assert_ne!(b0, b1);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Keras 3 archives built here: the positional `layers/<path>/vars/<i>` layout.

/// A `.keras` zip of `config.json`, `metadata.json` and `model.weights.h5`.
fn keras_archive(config: &[u8], weights: &[u8], deflate: bool) -> Vec<u8> {
    use std::io::Write;
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in [
        (
            "metadata.json",
            &br#"{"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}"#[..],
        ),
        ("config.json", config),
        ("model.weights.h5", weights),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The files of an archive.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().to_string(), out)
        })
        .collect()
}

fn keras3_tensor(name: &str) -> Value {
    serde_json::json!({"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}})
}

/// A Keras 3 functional model: Conv1D tanh → BatchNormalization(center=False) → Flatten →
/// Dense(use_bias=False) sigmoid on a 6×2 input.
fn small_keras3_model() -> Value {
    let layer = |class: &str, name: &str, config: Value, input: Option<&str>| {
        let mut config = config;
        config["name"] = Value::from(name);
        let nodes = match input {
            Some(i) => serde_json::json!([{"args": [keras3_tensor(i)], "kwargs": {}}]),
            None => serde_json::json!([]),
        };
        serde_json::json!({"module": "keras.layers", "class_name": class, "name": name, "config": config,
            "inbound_nodes": nodes})
    };
    serde_json::json!({
        "module": "keras.src.models.functional", "class_name": "Functional",
        "config": {"name": "small", "layers": [
            layer("InputLayer", "x", serde_json::json!({"batch_shape": [null, 6, 2]}), None),
            layer("Conv1D", "c", serde_json::json!({"filters": 3, "kernel_size": [2], "strides": [1],
                "padding": "valid", "dilation_rate": [1], "groups": 1, "activation": "tanh", "use_bias": true,
                "data_format": "channels_last"}), Some("x")),
            layer("BatchNormalization", "bn", serde_json::json!({"axis": -1, "epsilon": 0.01, "center": false,
                "scale": true}), Some("c")),
            layer("Flatten", "f", serde_json::json!({"data_format": "channels_last"}), Some("bn")),
            layer("Dense", "d", serde_json::json!({"units": 2, "activation": "sigmoid", "use_bias": false}), Some("f")),
        ], "input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0]]}
    })
}

/// One layer's weights in Keras 3's layout: its object path, its name, and its arrays (shape, data).
type LayerVars = (&'static str, &'static str, Vec<(Vec<u64>, Vec<f32>)>);

/// Weights of [`small_keras3_model`].
fn small_keras3_weights() -> Vec<LayerVars> {
    let seq = |n: usize, scale: f32| (0..n).map(|i| (i as f32 - n as f32 / 2.0) * scale).collect::<Vec<_>>();
    vec![
        ("input_layer", "x", vec![]),
        (
            "conv1d",
            "c",
            vec![(vec![2, 2, 3], seq(12, 0.1)), (vec![3], vec![0.1, -0.2, 0.3])],
        ),
        (
            "batch_normalization",
            "bn",
            vec![
                (vec![3], vec![1.0, 2.0, 0.5]),
                (vec![3], vec![0.1, 0.2, 0.3]),
                (vec![3], vec![0.99, 3.99, 0.24]),
            ],
        ),
        ("flatten", "f", vec![]),
        ("dense", "d", vec![(vec![15, 2], seq(30, 0.05))]),
    ]
}

/// `model.weights.h5` in Keras 3's layout; `named` writes the `name` attribute of each `vars`, and
/// `rename` replaces the object paths (so only the attribute can find the layers).
fn keras3_weights_h5(named: bool, rename: bool) -> Vec<u8> {
    let mut file = hdf5_pure::FileBuilder::new();
    let mut layers = file.create_group("layers");
    for (i, (path, name, arrays)) in small_keras3_weights().into_iter().enumerate() {
        let path = if rename { format!("layer_{i}") } else { path.to_string() };
        let mut layer = layers.create_group(&path);
        let mut vars = layer.create_group("vars");
        if named {
            vars.set_attr("name", hdf5_pure::AttrValue::VarLenString(name.into()));
        }
        for (j, (shape, data)) in arrays.iter().enumerate() {
            vars.create_dataset(&j.to_string())
                .with_f32_data(data)
                .with_shape(shape);
        }
        layer.add_group(vars.finish());
        layers.add_group(layer.finish());
    }
    file.add_group(layers.finish());
    file.finish().unwrap()
}

#[test]
fn keras3_positional_weights_are_found_by_name_attribute_or_by_object_path() {
    let dir = temp_dir("keras3");
    let config = serde_json::to_vec(&small_keras3_model()).unwrap();
    let mut graphs = Vec::new();
    for (named, rename, deflate) in [(true, false, false), (false, false, true), (true, true, false)] {
        let path = dir.join(format!("small-{named}-{rename}.keras"));
        std::fs::write(
            &path,
            keras_archive(&config, &keras3_weights_h5(named, rename), deflate),
        )
        .unwrap();
        graphs.push(import_ok(&path, None));
    }
    assert!(
        graphs.iter().all(|g| *g == graphs[0]),
        "the three archives give different graphs"
    );
    let g = &graphs[0];
    assert_eq!(names(g), ["x", "c", "c_tanh", "bn", "f", "d", "d_sigmoid"]);
    assert_eq!(layer(g, "c").shape, [5, 3]);
    assert_eq!(layer(g, "f").shape, [15]);
    let weights = small_keras3_weights();
    match &layer(g, "c").kind {
        LayerKind::Conv {
            kernel, bias, padding, ..
        } => {
            assert_eq!(kernel.shape, [2, 2, 3]);
            assert_eq!(kernel.data, weights[1].2[0].1);
            assert_eq!(bias.data, [0.1, -0.2, 0.3]);
            assert_eq!(padding, &vec![(0, 0)]);
        }
        k => panic!("{k:?}"),
    }
    match &layer(g, "bn").kind {
        LayerKind::BatchNorm { scale, bias } => {
            // γ / √(σ² + ε) with ε = 0.01, β = 0 (center=False): 1/1, 2/2, 0.5/0.5.
            for (got, want) in scale.data.iter().zip([1.0, 1.0, 1.0]) {
                assert!((got - want).abs() < 1e-6, "scale {:?}", scale.data);
            }
            for (got, want) in bias.data.iter().zip([-0.1, -0.2, -0.3]) {
                assert!((got - want).abs() < 1e-6, "bias {:?}", bias.data);
            }
        }
        k => panic!("{k:?}"),
    }
    match &layer(g, "d").kind {
        LayerKind::Dense { kernel, bias } => {
            assert_eq!(kernel.shape, [15, 2]);
            assert_eq!(kernel.data, weights[4].2[0].1);
            assert_eq!(bias.data, [0.0, 0.0]);
        }
        k => panic!("{k:?}"),
    }
    assert_eq!(layer(g, "d_sigmoid").kind, LayerKind::Activation(Activation::Sigmoid));

    // The same architecture with a Dense of another width: both shapes named.
    let mut model = small_keras3_model();
    model["config"]["layers"][4]["config"]["units"] = Value::from(3);
    let path = dir.join("wide.keras");
    std::fs::write(
        &path,
        keras_archive(
            &serde_json::to_vec(&model).unwrap(),
            &keras3_weights_h5(true, false),
            false,
        ),
    )
    .unwrap();
    let msg = import_err(&path, None);
    assert!(
        msg.contains("`d`") && msg.contains("[15, 2]") && msg.contains("[15, 3]"),
        "{msg}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Bad input.

#[test]
fn a_missing_file_is_named_in_the_error() {
    let path = std::env::temp_dir().join("hls4ml-keras-test-does-not-exist.keras");
    let msg = import_err(&path, None);
    assert!(
        msg.contains("cannot read") && msg.contains("does-not-exist.keras"),
        "{msg}"
    );
    if let Some((json, _)) = json_model("KERAS_3layer") {
        let msg = import_err(&json, Some(&path));
        assert!(msg.contains("does-not-exist.keras"), "{msg}");
    }
}

#[test]
fn a_json_architecture_without_weights_asks_for_them() {
    let Some((json, _)) = json_model("KERAS_3layer") else {
        return;
    };
    let msg = import_err(&json, None);
    assert!(msg.contains("needs `weights = \"….h5\"`"), "{msg}");
}

#[test]
fn weights_given_with_a_full_model_file_are_refused_and_weights_only_files_explained() {
    let (Some(h5), Some((_, weights))) = (model_file("jet_tagger", "jet_tagger.h5"), json_model("KERAS_3layer")) else {
        return;
    };
    let msg = import_err(&h5, Some(&weights));
    assert!(msg.contains("carries its own weights"), "{msg}");
    let msg = import_err(&weights, None);
    assert!(
        msg.contains("no `model_config`") && msg.contains("weights-only"),
        "{msg}"
    );
}

#[test]
fn truncated_h5_files_give_errors() {
    let (Some(h5), Some((json, weights))) = (model_file("jet_tagger", "jet_tagger.h5"), json_model("KERAS_3layer"))
    else {
        return;
    };
    let dir = temp_dir("truncated-h5");
    for (source, as_weights) in [(&h5, false), (&weights, true)] {
        let bytes = std::fs::read(source).unwrap();
        let n = bytes.len();
        for cut in [
            0,
            7,
            8,
            64,
            512,
            2048,
            n / 4,
            n / 2,
            3 * n / 4,
            n - 4096,
            n - 100,
            n - 1,
        ] {
            let path = dir.join(format!("cut{cut}.h5"));
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let msg = if as_weights {
                import_err(&json, Some(&path))
            } else {
                import_err(&path, None)
            };
            assert!(
                msg.contains("truncated or corrupt")
                    || msg.contains("not a Keras model")
                    || msg.contains("not an HDF5 file"),
                "{} cut at {cut}: {msg}",
                source.display()
            );
            assert!(
                msg.contains(&format!("cut{cut}.h5")),
                "the message names the file: {msg}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_h5_files_give_errors() {
    let Some(h5) = model_file("jet_tagger", "jet_tagger.h5") else {
        return;
    };
    let dir = temp_dir("corrupt-h5");
    let bytes = std::fs::read(&h5).unwrap();
    let find = |what: &[u8]| bytes.windows(what.len()).position(|w| w == what).unwrap();
    // The superblock's versions, sizes and end-of-file address, the root's symbol table entry and
    // object header, the root group's B-tree and heap signatures, and the name `model_config`.
    let regions = [
        (8, 8),
        (13, 2),
        (40, 8),
        (56, 40),
        (96, 40),
        (find(b"TREE"), 4),
        (find(b"HEAP"), 4),
        (find(b"model_config"), 12),
    ];
    for (at, len) in regions {
        let mut b = bytes.clone();
        for x in &mut b[at..at + len] {
            *x ^= 0xa5;
        }
        let path = dir.join(format!("flip{at}.h5"));
        std::fs::write(&path, &b).unwrap();
        let msg = import_err(&path, None);
        assert!(
            msg.contains("truncated or corrupt") || msg.contains("model_config"),
            "bytes {at}..{} flipped: {msg}",
            at + len
        );
    }
    // Flipped weight data still imports (HDF5 has no checksum on raw data), with other weights.
    let reference = import_ok(&h5, None);
    let mut b = bytes.clone();
    let kernel_bytes: Vec<u8> = match &layer(&reference, "fc2").kind {
        LayerKind::Dense { kernel, .. } => kernel.data[..8].iter().flat_map(|v| v.to_le_bytes()).collect(),
        _ => unreachable!(),
    };
    let at = b
        .windows(kernel_bytes.len())
        .position(|w| w == kernel_bytes.as_slice())
        .expect("fc2's kernel in the file");
    b[at + 3] ^= 0x01;
    let path = dir.join("flip-data.h5");
    std::fs::write(&path, &b).unwrap();
    let g = import_ok(&path, None);
    assert!(g != reference);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn truncated_and_corrupt_keras_archives_give_errors() {
    let Some(keras) = model_file("jet_tagger", "jet_tagger.keras") else {
        return;
    };
    let dir = temp_dir("bad-keras");
    let bytes = std::fs::read(&keras).unwrap();
    let n = bytes.len();
    for cut in [0, 4, 30, 100, 1000, n / 2, n - 200, n - 22, n - 1] {
        let path = dir.join(format!("cut{cut}.keras"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let msg = import_err(&path, None);
        assert!(
            msg.contains("`.keras` archive") || msg.contains("not a Keras model"),
            "cut at {cut}: {msg}"
        );
    }
    // A byte changed inside config.json: the zip's CRC catches it.
    let at = bytes
        .windows(11)
        .position(|w| w == b"\"units\": 64")
        .expect("config.json text");
    let mut b = bytes.clone();
    b[at + 9] = b'7';
    let path = dir.join("crc.keras");
    std::fs::write(&path, &b).unwrap();
    let msg = import_err(&path, None);
    assert!(msg.contains("`.keras` archive") && msg.contains("config.json"), "{msg}");
    // A byte changed inside the weights: the same.
    let at = bytes.len() / 2;
    let mut b = bytes.clone();
    b[at] ^= 0x10;
    let path = dir.join("crc2.keras");
    std::fs::write(&path, &b).unwrap();
    let msg = import_err(&path, None);
    assert!(msg.contains("`.keras` archive"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unsupported_layer_type_is_named_with_the_supported_list() {
    let Some((json, h5)) = json_model("KERAS_3layer") else {
        return;
    };
    let dir = temp_dir("unsupported");
    let mut model = read_json(&json);
    layer_config(&mut model, "fc2_relu")["class_name"] = Value::from("LSTM");
    let path = write_json(&dir, "lstm.json", &model);
    let msg = import_err(&path, Some(&h5));
    assert!(msg.contains("`fc2_relu`") && msg.contains("`LSTM`"), "{msg}");
    assert!(
        msg.contains("Dense, Conv1D, Conv2D") && msg.contains("Concatenate"),
        "{msg}"
    );
    assert!(msg.contains("lstm.json"), "{msg}");

    // An unknown activation.
    let mut model = read_json(&json);
    layer_config(&mut model, "fc1_relu")["config"]["activation"] = Value::from("swish");
    let path = write_json(&dir, "swish.json", &model);
    let msg = import_err(&path, Some(&h5));
    assert!(
        msg.contains("`fc1_relu`") && msg.contains("`swish`") && msg.contains("hard_sigmoid"),
        "{msg}"
    );

    // channels_first.
    if let Some((conv_json, conv_h5)) = json_model("KERAS_conv2d_model") {
        let mut model = read_json(&conv_json);
        model["config"][0]["config"]["data_format"] = Value::from("channels_first");
        let path = write_json(&dir, "cf.json", &model);
        let msg = import_err(&path, Some(&conv_h5));
        assert!(msg.contains("`conv2d_1`") && msg.contains("channels_first"), "{msg}");
    }

    // Two inputs.
    let two = functional(
        &[16],
        &[
            ("Dense", "fc1_relu", serde_json::json!({"units": 64})),
            ("Add", "sum", serde_json::json!({"_inputs": ["fc1_relu", "other"]})),
        ],
    );
    let mut two = two;
    let extra = serde_json::json!({"class_name": "InputLayer", "name": "other",
        "config": {"batch_input_shape": [null, 64], "name": "other"}, "inbound_nodes": []});
    two["config"]["layers"].as_array_mut().unwrap().insert(1, extra);
    two["config"]["input_layers"] = serde_json::json!([["in", 0, 0], ["other", 0, 0]]);
    let path = write_json(&dir, "two.json", &two);
    let msg = import_err(&path, Some(&h5));
    assert!(msg.contains("single input"), "{msg}");

    // Softmax over another axis, BatchNormalization over another axis.
    let bad_axis = functional(&[4, 3], &[("Softmax", "sm", serde_json::json!({"axis": 1}))]);
    let msg = import_err(&write_json(&dir, "axis.json", &bad_axis), Some(&h5));
    assert!(msg.contains("`sm`") && msg.contains("last axis"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_kernel_that_does_not_fit_names_the_layer_and_both_shapes() {
    let Some((json, h5)) = json_model("KERAS_3layer") else {
        return;
    };
    let dir = temp_dir("mismatch");
    let mut model = read_json(&json);
    layer_config(&mut model, "fc1_relu")["config"]["units"] = Value::from(32);
    let path = write_json(&dir, "units.json", &model);
    let msg = import_err(&path, Some(&h5));
    assert!(
        msg.contains("`fc1_relu`") && msg.contains("[16, 64]") && msg.contains("[16, 32]"),
        "{msg}"
    );
    assert!(msg.contains("KERAS_3layer_weights.h5"), "{msg}");

    // A wrong input width: the kernel reads 16 features, the input gives 15.
    let mut model = read_json(&json);
    layer_config(&mut model, "input_1")["config"]["batch_input_shape"] = serde_json::json!([null, 15]);
    let msg = import_err(&write_json(&dir, "input.json", &model), Some(&h5));
    assert!(
        msg.contains("`fc1_relu`") && msg.contains("[16, 64]") && msg.contains("[15, 64]"),
        "{msg}"
    );

    // A layer the weights file does not have.
    let mut model = read_json(&json);
    let l = layer_config(&mut model, "fc3_relu");
    l["name"] = Value::from("fc3_renamed");
    l["config"]["name"] = Value::from("fc3_renamed");
    layer_config(&mut model, "output_softmax")["inbound_nodes"] = serde_json::json!([[["fc3_renamed", 0, 0, {}]]]);
    let msg = import_err(&write_json(&dir, "renamed.json", &model), Some(&h5));
    assert!(msg.contains("`fc3_renamed`") && msg.contains("no weights"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_json_gives_an_error() {
    let Some((json, h5)) = json_model("KERAS_3layer") else {
        return;
    };
    let dir = temp_dir("badjson");
    let text = std::fs::read(&json).unwrap();
    let path = dir.join("cut.json");
    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let msg = import_err(&path, Some(&h5));
    assert!(msg.contains("not valid JSON") && msg.contains("cut.json"), "{msg}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Mutation: a corrupt file of any kind gives Ok or Err, never a panic.

/// A deterministic mutant of `bytes` for `seed`: bit flips, byte overwrites, a truncation, or a
/// duplicated chunk.
fn mutate(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut rng = common::Rng::new(seed);
    let mut b = bytes.to_vec();
    match rng.below(4) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
        }
        1 => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(b.len());
                b[at] = [0x00, 0xff, 0x7f, 0x80][rng.below(4)];
            }
        }
        2 => b.truncate(rng.below(b.len())),
        _ => {
            let start = rng.below(b.len());
            let len = 1 + rng.below((b.len() - start).min(256));
            let chunk = b[start..start + len].to_vec();
            let at = rng.below(b.len());
            b.splice(at..at, chunk);
        }
    }
    b
}

/// Imports `count` mutants of `target` (the other file, if any, unchanged); fails listing the seeds
/// of those that panicked.
fn mutation_loop(
    dir: &Path,
    target: &Path,
    run: impl Fn(&Path) -> Result<(), String>,
    count: u64,
    salt: u64,
) -> (usize, usize) {
    let bytes = std::fs::read(target).unwrap();
    let ext = target.extension().unwrap().to_str().unwrap();
    let path = dir.join(format!("mutant.{ext}"));
    let (mut ok, mut err) = (0, 0);
    let mut panicked = Vec::new();
    for i in 0..count {
        let seed = salt ^ i;
        std::fs::write(&path, mutate(&bytes, seed)).unwrap();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&path))) {
            Ok(Ok(())) => ok += 1,
            Ok(Err(_)) => err += 1,
            Err(_) => panicked.push(seed),
        }
    }
    assert!(
        panicked.is_empty(),
        "{}: {} mutants panicked; reproduce with mutate(&std::fs::read(\"{}\"), seed) for seeds {panicked:#x?}",
        target.display(),
        panicked.len(),
        target.display()
    );
    (ok, err)
}

#[test]
fn mutated_files_never_panic() {
    let (Some(h5), Some(keras), Some((json, weights))) = (
        model_file("jet_tagger", "jet_tagger.h5"),
        model_file("jet_tagger", "jet_tagger.keras"),
        json_model("KERAS_conv1d_small"),
    ) else {
        return;
    };
    let dir = temp_dir("mutants");
    let cases = common::fuzz_cases(300);
    let as_model = |p: &Path| import::keras(p, None).map(drop).map_err(|e| e.render());
    let started = std::time::Instant::now();
    let r = mutation_loop(&dir, &h5, as_model, cases, 0x1000_0000);
    println!("jet_tagger.h5: {} Ok, {} Err", r.0, r.1);
    let r = mutation_loop(&dir, &keras, as_model, cases, 0x2000_0000);
    println!("jet_tagger.keras: {} Ok, {} Err", r.0, r.1);
    let r = mutation_loop(
        &dir,
        &json,
        |p| import::keras(p, Some(&weights)).map(drop).map_err(|e| e.render()),
        cases,
        0x3000_0000,
    );
    println!("KERAS_conv1d_small.json: {} Ok, {} Err", r.0, r.1);
    let r = mutation_loop(
        &dir,
        &weights,
        |p| import::keras(&json, Some(p)).map(drop).map_err(|e| e.render()),
        cases,
        0x4000_0000,
    );
    println!("KERAS_conv1d_small_weights.h5: {} Ok, {} Err", r.0, r.1);
    // Inside a valid zip (so the CRC does not stop them): mutants of the config and of the weights.
    let files = unzip(&std::fs::read(&keras).unwrap());
    let part = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let (config, weights_h5) = (part("config.json"), part("model.weights.h5"));
    let path = dir.join("inner.keras");
    let mut panicked = Vec::new();
    for i in 0..cases {
        let seed = 0x5000_0000 ^ i;
        let archive = if i % 2 == 0 {
            keras_archive(&mutate(&config, seed), &weights_h5, i % 4 == 0)
        } else {
            keras_archive(&config, &mutate(&weights_h5, seed), i % 4 == 1)
        };
        std::fs::write(&path, archive).unwrap();
        if std::panic::catch_unwind(|| import::keras(&path, None)).is_err() {
            panicked.push(seed);
        }
    }
    assert!(
        panicked.is_empty(),
        "jet_tagger.keras: mutants of config.json (even seeds) or model.weights.h5 (odd seeds) panicked: {panicked:#x?}"
    );
    println!("mutation loop: {:?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every number and every string in an architecture replaced by extreme or wrong values, one at a
/// time.
#[test]
fn extreme_values_in_the_architecture_never_panic() {
    let Some((json, weights)) = json_model("KERAS_conv1d_small") else {
        return;
    };
    let dir = temp_dir("numbers");
    let model = read_json(&json);
    let mut paths = Vec::new();
    collect_paths(&model, Value::is_number, &mut vec![], &mut paths);
    let mut string_paths = Vec::new();
    collect_paths(&model, Value::is_string, &mut vec![], &mut string_paths);
    let wrong_strings = [
        serde_json::json!(""),
        serde_json::json!("same"),
        serde_json::json!("channels_first"),
        serde_json::json!("input_1"),
        serde_json::json!(7),
        serde_json::json!({}),
    ];
    let extremes = [
        serde_json::json!(0),
        serde_json::json!(-1),
        serde_json::json!(1e300),
        serde_json::json!(4294967296u64),
        serde_json::json!(u64::MAX),
        Value::Null,
        serde_json::json!("x"),
        serde_json::json!([]),
    ];
    let path = dir.join("m.json");
    let mut panicked = Vec::new();
    let cases = paths.iter().flat_map(|p| extremes.iter().map(move |v| (p, v))).chain(
        string_paths
            .iter()
            .flat_map(|p| wrong_strings.iter().map(move |v| (p, v))),
    );
    for (p, v) in cases {
        {
            let mut m = model.clone();
            *pointer_mut(&mut m, p) = v.clone();
            std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
            if std::panic::catch_unwind(|| import::keras(&path, Some(&weights))).is_err() {
                panicked.push(format!("{p:?} = {v}"));
            }
        }
    }
    println!(
        "{} numbers × {} values and {} strings × {} values tried",
        paths.len(),
        extremes.len(),
        string_paths.len(),
        wrong_strings.len()
    );
    assert!(panicked.is_empty(), "panics: {panicked:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The paths of the values for which `pick` holds.
fn collect_paths(v: &Value, pick: fn(&Value) -> bool, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    if pick(v) {
        out.push(at.clone());
    }
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(Step::Index(i));
                collect_paths(item, pick, at, out);
                at.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                at.push(Step::Key(k.clone()));
                collect_paths(item, pick, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn pointer_mut<'v>(v: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}
