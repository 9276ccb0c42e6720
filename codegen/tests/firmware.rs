//! The generated HLS firmware, compiled with g++ against the host `ap_*` headers (codegen/cpp/host)
//! and run through its C-linkage bridge:
//!
//! - every reference model, in io_parallel and io_stream, latency and resource: it compiles with
//!   `-Wall -Wextra -Werror`, its outputs are finite, identical across io types and strategies, and
//!   identical to the Rust emulator's;
//! - the explicit `ap_fixed<16,6>` configuration with the output softmax skipped, on the Keras
//!   models: the outputs equal hls4ml's own C simulation (`y_hls4ml_ap16_6_logits.npy`) bit for bit
//!   (also against the genuine Xilinx headers when `AP_TYPES_INCLUDE` names them);
//! - a synthetic network with every layer kind of the IR, in every io type and strategy;
//! - the network code has no heap, no `std::` containers and no floating-point arithmetic;
//! - an invalid reuse factor is snapped to a valid one with a warning.

mod common;

use hls4ml_codegen::csim::{CSim, Headers};
use hls4ml_codegen::ir::{Activation as Act, Graph, GraphBuilder, LayerKind, PoolOp, Tensor};
use hls4ml_codegen::{hls, Project};
use hls4ml_runtime::FixedType;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The host `ap_*` headers.
fn host_headers() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cpp/host")
}

/// A reference model of `../shared/models` and how its TOML names its files.
struct Model {
    dir: &'static str,
    /// `[model]` lines naming the model file(s), relative to the model's folder.
    files: &'static [(&'static str, &'static str)],
    /// hls4ml's C simulation of the all-`ap_fixed<16,6>` configuration exists for it.
    hls4ml: bool,
}

const MODELS: &[Model] = &[
    Model {
        dir: "KERAS_3layer",
        files: &[("keras", "KERAS_3layer.json"), ("weights", "KERAS_3layer_weights.h5")],
        hls4ml: true,
    },
    Model {
        dir: "KERAS_3layer_batch_norm",
        files: &[
            ("keras", "KERAS_3layer_batch_norm.json"),
            ("weights", "KERAS_3layer_batch_norm_weights.h5"),
        ],
        hls4ml: true,
    },
    Model {
        dir: "KERAS_conv1d_small",
        files: &[
            ("keras", "KERAS_conv1d_small.json"),
            ("weights", "KERAS_conv1d_small_weights.h5"),
        ],
        hls4ml: true,
    },
    Model {
        dir: "KERAS_conv2d_model",
        files: &[
            ("keras", "KERAS_conv2d_model.json"),
            ("weights", "KERAS_conv2d_model_weights.h5"),
        ],
        hls4ml: true,
    },
    Model {
        dir: "jet_tagger",
        files: &[("keras", "jet_tagger.keras")],
        hls4ml: true,
    },
    Model {
        dir: "three_layer_keras",
        files: &[("onnx", "three_layer_keras.onnx")],
        hls4ml: false,
    },
    Model {
        dir: "conv2d_small_keras",
        files: &[("onnx", "conv2d_small_keras.onnx")],
        hls4ml: false,
    },
    Model {
        dir: "three_layer_pytorch",
        files: &[("onnx", "three_layer_pytorch.onnx")],
        hls4ml: false,
    },
    Model {
        dir: "two_layer_keras",
        files: &[("onnx", "two_layer_keras.onnx")],
        hls4ml: false,
    },
];

/// How a project is configured.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Variant {
    stream: bool,
    resource: bool,
    reuse_factor: usize,
    /// `precision = "ap_fixed<16,6>"` and the output softmax skipped (hls4ml's logits run).
    ap16_logits: bool,
}

impl Variant {
    const ALL_IO: [Variant; 4] = [
        Variant::new(false, false, 1),
        Variant::new(true, false, 1),
        Variant::new(false, true, 2),
        Variant::new(true, true, 2),
    ];

    const fn new(stream: bool, resource: bool, reuse_factor: usize) -> Variant {
        Variant {
            stream,
            resource,
            reuse_factor,
            ap16_logits: false,
        }
    }

    fn label(&self) -> String {
        format!(
            "{}-{}-rf{}{}",
            if self.stream { "stream" } else { "parallel" },
            if self.resource { "resource" } else { "latency" },
            self.reuse_factor,
            if self.ap16_logits { "-ap16_6-logits" } else { "" }
        )
    }
}

/// The TOML text of a model in a variant; `skip` names the softmax layer to skip.
fn toml_text(model: &Model, dir: &Path, v: &Variant, skip: Option<&str>) -> String {
    let mut t = format!("[model]\nname = \"{}\"\n", model.dir);
    for (key, file) in model.files {
        t.push_str(&format!("{key} = '{}'\n", dir.join(file).display()));
    }
    t.push_str("\n[board]\nname = \"pynq-z2\"\n\n[hls]\n");
    t.push_str(&format!(
        "io_type = \"{}\"\nstrategy = \"{}\"\nreuse_factor = {}\n",
        if v.stream { "io_stream" } else { "io_parallel" },
        if v.resource { "resource" } else { "latency" },
        v.reuse_factor
    ));
    if v.ap16_logits {
        t.push_str("precision = \"ap_fixed<16,6>\"\n");
    }
    if let Some(layer) = skip {
        t.push_str(&format!("\n[layers.{layer}]\nskip = true\n"));
    }
    t
}

/// A fresh scratch folder for one test case.
fn scratch(label: &str) -> PathBuf {
    common::fresh_dir("firmware", label)
}

/// Loads a model in a variant. For the logits variant, the output softmax (whatever the importer
/// named it) is skipped.
fn load(model: &Model, v: &Variant) -> (Project, Option<String>) {
    let dir = common::shared_model(model.dir).expect("checked by the caller");
    // The TOML is never written: Project::parse takes its text, and the model paths are absolute.
    let toml = std::env::temp_dir().join(format!("{}.toml", model.dir));
    let mut skip = None;
    if v.ap16_logits {
        let plain = Project::parse(&toml, &toml_text(model, &dir, v, None)).unwrap_or_else(|e| panic!("{e}"));
        let last = plain.graph.output();
        assert!(
            matches!(last.kind, LayerKind::Softmax),
            "{}: the output is not a softmax",
            model.dir
        );
        skip = Some(last.name.clone());
    }
    let text = toml_text(model, &dir, v, skip.as_deref());
    let project = Project::parse(&toml, &text).unwrap_or_else(|e| panic!("{}: {e}", model.dir));
    (project, skip)
}

/// A firmware compiled and run.
struct Run {
    outputs: Vec<f32>,
    compile_seconds: f64,
    warnings: Vec<String>,
}

/// Generates the project of `project` into `dir`, compiles its C simulation (and, with
/// `testbench`, the testbench, which it runs), and runs `x` through it.
fn build_and_run(project: &Project, dir: &Path, headers: &Headers, x: &[f32], testbench: bool) -> Result<Run, String> {
    build_and_run_with(project, dir, headers, x, testbench, &[])
}

/// [`build_and_run`] with extra compiler flags, once a core is free.
fn build_and_run_with(
    project: &Project,
    dir: &Path,
    headers: &Headers,
    x: &[f32],
    testbench: bool,
    extra: &[&str],
) -> Result<Run, String> {
    common::on_a_free_core(|| build_and_run_on_this_core(project, dir, headers, x, testbench, extra))
}

fn build_and_run_on_this_core(
    project: &Project,
    dir: &Path,
    headers: &Headers,
    x: &[f32],
    testbench: bool,
    extra: &[&str],
) -> Result<Run, String> {
    let (files, warnings) = hls4ml_codegen::generate(project).map_err(|e| e.to_string())?;
    files.write_to(dir).map_err(|e| e.to_string())?;
    let name = project.name();
    // Ours must be warning-clean; the genuine headers are not.
    let mut flags = vec!["-O1", "-Wall", "-Wextra"];
    if *headers == Headers::Host {
        flags.push("-Werror");
    }
    flags.extend(extra);
    let start = Instant::now();
    let sim = CSim::compile_with(project, dir, headers, &flags).map_err(|e| e.render())?;
    if testbench {
        let mut args = vec!["-std=c++11", "-Wno-unknown-pragmas"];
        args.extend(&flags);
        args.extend(["-I", "firmware", "-I", "host_include"]);
        let (test, fw) = (format!("{name}_test.cpp"), format!("firmware/{name}.cpp"));
        args.extend([test.as_str(), fw.as_str(), "-o", "testbench"]);
        common::gxx(&args, dir)?;
    }
    let compile_seconds = start.elapsed().as_secs_f64();

    if testbench {
        // The testbench runs from the project folder and never fails on differences.
        let tb = Command::new(dir.join("testbench"))
            .current_dir(dir)
            .output()
            .map_err(|e| e.to_string())?;
        let tb_out = String::from_utf8_lossy(&tb.stdout);
        if !tb.status.success() || !tb_out.contains("10 samples simulated, 10 compared with the float model") {
            return Err(format!(
                "the testbench failed: {tb_out}{}",
                String::from_utf8_lossy(&tb.stderr)
            ));
        }
    }
    let outputs = sim.predict(x).map_err(|e| e.render())?;
    Ok(Run {
        outputs,
        compile_seconds,
        warnings: warnings.iter().map(|w| w.message.clone()).collect(),
    })
}

/// The model's reference inputs.
fn inputs(model: &Model) -> Vec<f32> {
    let dir = common::shared_model(model.dir).expect("checked by the caller");
    hls4ml_runtime::npy::read_f32(dir.join("X.npy")).unwrap().data
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// How many values differ, and the first few.
fn differences(a: &[f32], b: &[f32], n_out: usize) -> (usize, String) {
    let mut count = 0;
    let mut first = String::new();
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x.to_bits() != y.to_bits() {
            if count < 5 {
                first.push_str(&format!(" [sample {} output {}: {x} vs {y}]", i / n_out, i % n_out));
            }
            count += 1;
        }
    }
    (count, first)
}

#[test]
fn every_model_compiles_in_every_io_type_and_strategy_with_identical_outputs() {
    if common::shared_dir().is_none() {
        return;
    }
    // Every variant against our headers; the first one also against the genuine Xilinx headers
    // when they are available: the same bits are required.
    let mut jobs: Vec<(&Model, Variant, Headers)> = vec![];
    for m in MODELS {
        for v in Variant::ALL_IO {
            jobs.push((m, v, Headers::Host));
        }
        if let Some(x) = common::xilinx_headers() {
            jobs.push((m, Variant::ALL_IO[0], Headers::Xilinx(x)));
        }
    }
    if common::xilinx_headers().is_none() {
        println!("AP_TYPES_INCLUDE not set: the firmware is compiled against the host headers only");
    }
    let results = common::parallel(jobs, |(model, v, headers)| {
        let (project, _) = load(model, &v);
        let x = inputs(model);
        let tag = if headers == Headers::Host { "host" } else { "xilinx" };
        let dir = scratch(&format!("{}-{}-{tag}", model.dir, v.label()));
        let testbench = !v.resource && !v.stream && headers == Headers::Host;
        let run = build_and_run(&project, &dir, &headers, &x, testbench);
        if run.is_ok() {
            common::discard(&dir);
        }
        (model, v, tag, project, run)
    });
    let mut failures = vec![];
    let mut reference: Vec<(&str, Vec<f32>)> = vec![];
    for (model, v, tag, project, run) in results {
        let label = format!("{} ({tag} headers)", v.label());
        let run = match run {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{} {label}: {e}", model.dir));
                continue;
            }
        };
        let n_out = project.graph.output().output_size();
        let y_float = hls4ml_runtime::npy::read_f32(common::shared_model(model.dir).unwrap().join("y_float.npy"))
            .unwrap()
            .data;
        println!(
            "{:<24} {:<38} compile {:>5.1} s   max |C sim - float| {:.4}{}",
            model.dir,
            label,
            run.compile_seconds,
            common::max_abs_diff(&run.outputs, &y_float),
            run.warnings
                .iter()
                .map(|w| format!("\n    warning: {w}"))
                .collect::<String>()
        );
        if run.outputs.len() != y_float.len() || run.outputs.iter().any(|v| !v.is_finite()) {
            failures.push(format!("{} {label}: outputs missing or not finite", model.dir));
            continue;
        }
        match reference.iter().find(|(m, _)| *m == model.dir) {
            None => {
                // The first variant of each model is also checked against the Rust emulator.
                match hls4ml_codegen::emulate::model(&project.graph) {
                    Ok(emu) => {
                        let x = inputs(model);
                        let y_emu = emu.predict(&x);
                        let (count, first) = differences(&run.outputs, &y_emu, n_out);
                        if count > 0 {
                            failures.push(format!(
                                "{} {label}: {count} outputs differ from the emulator's:{first}",
                                model.dir
                            ));
                        }
                    }
                    Err(e) => failures.push(format!("{}: the emulator refused the model: {e:?}", model.dir)),
                }
                reference.push((model.dir, run.outputs));
            }
            Some((_, first_outputs)) => {
                if bits(first_outputs) != bits(&run.outputs) {
                    let (count, first) = differences(&run.outputs, first_outputs, n_out);
                    failures.push(format!(
                        "{} {label}: {count} outputs differ from the first variant's:{first}",
                        model.dir
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn explicit_ap_fixed_16_6_logits_equal_hls4ml_bit_for_bit() {
    if common::shared_dir().is_none() {
        return;
    }
    let logits = Variant {
        ap16_logits: true,
        ..Variant::new(false, false, 1)
    };
    let stream_resource = Variant {
        ap16_logits: true,
        ..Variant::new(true, true, 2)
    };
    let mut jobs: Vec<(&Model, Variant, Headers)> = vec![];
    for m in MODELS.iter().filter(|m| m.hls4ml) {
        jobs.push((m, logits, Headers::Host));
        jobs.push((m, stream_resource, Headers::Host));
        if let Some(x) = common::xilinx_headers() {
            jobs.push((m, logits, Headers::Xilinx(x.clone())));
            jobs.push((m, stream_resource, Headers::Xilinx(x)));
        }
    }
    if common::xilinx_headers().is_none() {
        println!("AP_TYPES_INCLUDE not set: the firmware is compiled against the host headers only");
    }
    let results = common::parallel(jobs, |(model, v, headers)| {
        let (project, skip) = load(model, &v);
        let x = inputs(model);
        let tag = if matches!(headers, Headers::Host) {
            "host"
        } else {
            "xilinx"
        };
        let dir = scratch(&format!("{}-{}-{tag}", model.dir, v.label()));
        let run = build_and_run(&project, &dir, &headers, &x, false);
        if run.is_ok() {
            common::discard(&dir);
        }
        (model, v, tag, project, skip, run)
    });
    let mut failures = vec![];
    for (model, v, tag, project, skip, run) in results {
        let dir = common::shared_model(model.dir).unwrap();
        // The layer skipped here is one hls4ml's configuration skipped.
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("hls4ml_config_logits.json")).unwrap()).unwrap();
        let skip = skip.expect("a softmax was skipped");
        let layers = config
            .pointer("/HLSConfig/LayerName")
            .or_else(|| config.pointer("/LayerName"))
            .expect("hls4ml's per-layer configuration");
        assert_eq!(
            layers.pointer(&format!("/{skip}/Skip")),
            Some(&serde_json::Value::Bool(true)),
            "{}: hls4ml did not skip `{skip}`",
            model.dir
        );
        let run = match run {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{} {} ({tag}): {e}", model.dir, v.label()));
                continue;
            }
        };
        let want = hls4ml_runtime::npy::read_f32(dir.join("y_hls4ml_ap16_6_logits.npy"))
            .unwrap()
            .data;
        let n_out = project.graph.output().output_size();
        let (count, first) = differences(&run.outputs, &want, n_out);
        println!(
            "{:<24} {:<34} {tag:<6} compile {:>5.1} s   {} of {} outputs differ from hls4ml",
            model.dir,
            v.label(),
            run.compile_seconds,
            count,
            want.len()
        );
        if run.outputs.len() != want.len() || count > 0 {
            failures.push(format!(
                "{} {} ({tag}): {count} of {} outputs differ from hls4ml's C simulation:{first}",
                model.dir,
                v.label(),
                want.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Deterministic pseudo-random numbers (a linear congruential generator; roughly normal values as
/// sums of uniforms).
struct Numbers(u64);

impl Numbers {
    fn uniform(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 40) as f32) / (1u64 << 24) as f32
    }

    fn normal(&mut self) -> f32 {
        (0..4).map(|_| self.uniform()).sum::<f32>() * 1.7 - 3.4
    }

    fn tensor(&mut self, shape: Vec<usize>, scale: f32) -> Tensor {
        let n = shape.iter().product();
        Tensor::new(shape, (0..n).map(|_| self.normal() * scale).collect()).unwrap()
    }
}

/// A network with every layer kind of the IR: 2-D and 1-D convolutions (strides, dilation,
/// padding), batch normalization, every activation, max and average pooling (with and without the
/// padding counted), global pooling, Dense on one and on several positions, zero padding, reshape,
/// flatten, transpose, Add of three and of nine inputs, Concatenate along each axis (with one input
/// read twice), and the three softmax implementations.
fn every_layer_kind() -> Graph {
    use LayerKind::*;
    let mut r = Numbers(42);
    let mut g = GraphBuilder::new("input", vec![8, 8, 2]);
    let add = |g: &mut GraphBuilder, name: &str, kind: LayerKind, inputs: Vec<usize>| {
        g.add(name, kind, inputs).unwrap_or_else(|e| panic!("{e}"))
    };
    let conv2 = |r: &mut Numbers, k: [usize; 4], strides: Vec<usize>, dilation: Vec<usize>, padding| Conv {
        kernel: r.tensor(k.to_vec(), 0.4),
        bias: r.tensor(vec![k[3]], 0.2),
        strides,
        dilation,
        padding,
    };
    let pad = add(
        &mut g,
        "pad",
        ZeroPad {
            padding: vec![(1, 0), (2, 1)],
        },
        vec![0],
    );
    let k = conv2(&mut r, [3, 3, 2, 3], vec![1, 2], vec![1, 1], vec![(0, 0), (0, 0)]);
    let conv = add(&mut g, "conv", k, vec![pad]);
    let bn = BatchNorm {
        scale: r.tensor(vec![3], 0.5),
        bias: r.tensor(vec![3], 0.3),
    };
    let bn = add(&mut g, "bn", bn, vec![conv]);
    let leaky = add(&mut g, "leaky", Activation(Act::LeakyRelu { alpha: 0.1 }), vec![bn]);
    let pool = |op, pool: Vec<usize>, strides: Vec<usize>, padding, count_include_pad| Pool {
        op,
        pool,
        strides,
        padding,
        count_include_pad,
    };
    let maxp = pool(PoolOp::Max, vec![2, 2], vec![2, 2], vec![(0, 1), (0, 1)], false);
    let maxp = add(&mut g, "maxpool", maxp, vec![leaky]);
    let avgp = pool(PoolOp::Average, vec![2, 2], vec![1, 1], vec![(0, 1), (0, 1)], false);
    let avgp = add(&mut g, "avgpool", avgp, vec![maxp]);
    let k = conv2(&mut r, [2, 2, 3, 3], vec![1, 1], vec![2, 2], vec![(1, 1), (1, 1)]);
    let dil = add(&mut g, "dilated", k, vec![avgp]);
    let sum3 = add(&mut g, "sum3", Add, vec![maxp, avgp, dil]);
    let cat_c = add(&mut g, "cat_channels", Concat { axis: 2 }, vec![sum3, maxp]);
    let tr = add(&mut g, "transpose", Transpose { perm: vec![1, 0, 2] }, vec![cat_c]);
    let tr2 = add(&mut g, "transpose_back", Transpose { perm: vec![1, 0, 2] }, vec![tr]);
    let cat_0 = add(&mut g, "cat_rows", Concat { axis: 0 }, vec![tr2, cat_c]);
    let cat_1 = add(&mut g, "cat_columns", Concat { axis: 1 }, vec![cat_0, cat_0]);
    let reshape = add(&mut g, "reshape", Reshape { shape: vec![48, 6] }, vec![cat_1]);
    let pad1 = add(&mut g, "pad1d", ZeroPad { padding: vec![(1, 0)] }, vec![reshape]);
    let conv1 = Conv {
        kernel: r.tensor(vec![3, 6, 4], 0.3),
        bias: r.tensor(vec![4], 0.2),
        strides: vec![2],
        dilation: vec![1],
        padding: vec![(1, 1)],
    };
    let conv1 = add(&mut g, "conv1d", conv1, vec![pad1]);
    let tanh = add(&mut g, "tanh", Activation(Act::Tanh), vec![conv1]);
    let dense_pos = Dense {
        kernel: r.tensor(vec![4, 5], 0.5),
        bias: r.tensor(vec![5], 0.2),
    };
    let dense_pos = add(&mut g, "dense_positions", dense_pos, vec![tanh]);
    let avg1 = pool(PoolOp::Average, vec![3], vec![3], vec![(0, 2)], true);
    let avg1 = add(&mut g, "avgpool1d", avg1, vec![dense_pos]);
    let max1 = pool(PoolOp::Max, vec![2], vec![1], vec![(1, 0)], false);
    let max1 = add(&mut g, "maxpool1d", max1, vec![avg1]);
    let smp = add(&mut g, "softmax_positions", Softmax, vec![max1]);
    let gavg = add(&mut g, "global_avg", GlobalPool { op: PoolOp::Average }, vec![max1]);
    let gmax = add(&mut g, "global_max", GlobalPool { op: PoolOp::Max }, vec![smp]);
    let cat_g = add(&mut g, "cat_global", Concat { axis: 0 }, vec![gavg, gmax]);
    let fc = Dense {
        kernel: r.tensor(vec![10, 8], 0.6),
        bias: r.tensor(vec![8], 0.3),
    };
    let fc = add(&mut g, "fc", fc, vec![cat_g]);
    let activations = [
        Act::Sigmoid,
        Act::Softplus,
        Act::Elu { alpha: 1.0 },
        Act::Selu,
        Act::Softsign,
        Act::HardSigmoid {
            slope: 0.2,
            offset: 0.5,
        },
        Act::Clip { min: 0.0, max: 6.0 },
        Act::Relu,
        Act::Linear,
    ];
    let acts: Vec<usize> = activations
        .iter()
        .map(|a| add(&mut g, &format!("act_{}", a.name()), Activation(*a), vec![fc]))
        .collect();
    let sum9 = add(&mut g, "sum9", Add, acts);
    let flat = add(&mut g, "flatten", Flatten, vec![sum9]);
    let fc2 = Dense {
        kernel: r.tensor(vec![8, 4], 0.6),
        bias: r.tensor(vec![4], 0.3),
    };
    let fc2 = add(&mut g, "fc2", fc2, vec![flat]);
    let s1 = add(&mut g, "softmax_stable", Softmax, vec![fc2]);
    let s2 = add(&mut g, "softmax_latency", Softmax, vec![fc2]);
    let s3 = add(&mut g, "softmax_argmax", Softmax, vec![fc2]);
    add(&mut g, "outputs", Concat { axis: 0 }, vec![s1, s2, s3]);
    g.finish().unwrap()
}

/// A project around a graph: the TOML of a reference model, its graph replaced and resolved again.
fn synthetic_project(graph: &Graph, v: &Variant) -> Project {
    let model = &MODELS[4];
    let (mut project, _) = load(model, v);
    let mut graph = graph.clone();
    hls4ml_codegen::precision::resolve(&mut graph, &project.config.hls, &[], None, &project.config.source)
        .unwrap_or_else(|e| panic!("{e}"));
    for l in &mut graph.layers {
        l.config.softmax = match l.name.as_str() {
            "softmax_latency" => hls4ml_codegen::ir::SoftmaxImpl::Latency,
            "softmax_argmax" => hls4ml_codegen::ir::SoftmaxImpl::Argmax,
            _ => l.config.softmax,
        };
    }
    project.graph = graph;
    project.config.model.name = "every_layer".into();
    project
}

#[test]
fn a_network_with_every_layer_kind_agrees_across_io_types_strategies_and_the_emulator() {
    if common::shared_dir().is_none() {
        return;
    }
    let graph = every_layer_kind();
    let mut r = Numbers(7);
    let x: Vec<f32> = (0..200 * graph.input().output_size())
        .map(|_| r.normal() * 2.0)
        .collect();
    let results = common::parallel(Variant::ALL_IO.to_vec(), |v| {
        let project = synthetic_project(&graph, &v);
        let dir = scratch(&format!("every_layer-{}", v.label()));
        let run = build_and_run(&project, &dir, &Headers::Host, &x, !v.resource);
        if run.is_ok() {
            common::discard(&dir);
        }
        (v, project, run)
    });
    let n_out = graph.output().output_size();
    let mut failures = vec![];
    let mut first: Option<Vec<f32>> = None;
    for (v, project, run) in results {
        let run = match run {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", v.label()));
                continue;
            }
        };
        println!("every_layer {:<24} compile {:>5.1} s", v.label(), run.compile_seconds);
        assert!(
            run.outputs.iter().all(|y| y.is_finite()),
            "{}: outputs not finite",
            v.label()
        );
        let emu = hls4ml_codegen::emulate::model(&project.graph).unwrap_or_else(|e| panic!("{e:?}"));
        let (count, diffs) = differences(&run.outputs, &emu.predict(&x), n_out);
        if count > 0 {
            failures.push(format!(
                "{}: {count} outputs differ from the emulator's:{diffs}",
                v.label()
            ));
        }
        match &first {
            None => first = Some(run.outputs),
            Some(f) => {
                let (count, diffs) = differences(&run.outputs, f, n_out);
                if count > 0 {
                    failures.push(format!(
                        "{}: {count} outputs differ from io_parallel latency:{diffs}",
                        v.label()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Removes `//` and `/* */` comments (the words below may appear in prose).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// True when `word` occurs in `code` as a whole identifier.
fn has_word(code: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.match_indices(word).any(|(i, _)| {
        let before = code[..i].chars().next_back().is_none_or(|c| !ident(c));
        let after = code[i + word.len()..].chars().next().is_none_or(|c| !ident(c));
        before && after
    })
}

#[test]
fn the_network_code_has_no_heap_no_std_containers_and_no_floating_point() {
    let Some(_) = common::shared_dir() else { return };
    let mut projects: Vec<Project> = vec![];
    for model in MODELS {
        for v in Variant::ALL_IO {
            projects.push(load(model, &v).0);
        }
    }
    for v in Variant::ALL_IO {
        projects.push(synthetic_project(&every_layer_kind(), &v));
    }
    let mut checked = 0;
    for project in &projects {
        let (files, _) = hls::firmware(project).unwrap();
        for (path, bytes) in files.iter() {
            if !path.starts_with("firmware") {
                continue;
            }
            let code = strip_comments(std::str::from_utf8(bytes).unwrap());
            for word in [
                "new", "malloc", "calloc", "free", "delete", "std", "vector", "float", "double", "auto",
            ] {
                assert!(
                    !has_word(&code, word),
                    "{}: {} uses `{word}`",
                    project.name(),
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn every_generated_file_is_stamped_and_the_library_compiles_alone() {
    let Some(_) = common::shared_dir() else { return };
    let (project, _) = load(&MODELS[0], &Variant::new(false, false, 1));
    let (files, _) = hls::firmware(&project).unwrap();
    for (path, bytes) in files.iter() {
        let head: String = String::from_utf8_lossy(bytes)
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(head.contains("@generated"), "{} is not stamped: {head}", path.display());
    }
    // Each library header compiles on its own, in C++11, warning-free.
    let dir = scratch("library-alone");
    files.write_to(&dir).unwrap();
    for (name, _) in hls::LIBRARY {
        if name.contains("stream") && !host_headers().join("hls_stream.h").is_file() {
            continue;
        }
        let source = dir.join(format!("{name}.cpp"));
        std::fs::write(
            &source,
            format!("#include \"nnet/{name}\"\nint main() {{ return 0; }}\n"),
        )
        .unwrap();
        let fw = dir.join("firmware");
        let host = host_headers();
        let args = [
            "-std=c++11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wno-unknown-pragmas",
            "-fsyntax-only",
            "-I",
            fw.to_str().unwrap(),
            "-I",
            host.to_str().unwrap(),
            source.to_str().unwrap(),
        ];
        common::gxx(&args, &dir).unwrap_or_else(|e| panic!("{e}"));
    }
    common::discard(&dir);
}

#[test]
fn a_reuse_factor_that_does_not_divide_the_multiplications_is_snapped_with_a_warning() {
    let Some(_) = common::shared_dir() else { return };
    let jet = MODELS.iter().find(|m| m.dir == "jet_tagger").unwrap();
    let (project, _) = load(jet, &Variant::new(false, true, 3));
    let (files, warnings) = hls::firmware(&project).unwrap();
    // fc1 is 16 x 64 = 1024 multiplications: 3 becomes 4 (2 and 4 are as near; the larger wins).
    let fc1 = warnings
        .iter()
        .find(|w| w.message.contains("`fc1`"))
        .unwrap_or_else(|| panic!("no warning for fc1: {warnings:?}"));
    assert!(fc1.message.contains("reuse factor 3") && fc1.message.contains("1024") && fc1.message.contains(", 4"));
    let params = files.text("firmware/parameters.h").unwrap();
    let config = &params[params.find("struct config_fc1 {").unwrap()..];
    let config = &config[..config.find("};").unwrap()];
    assert!(config.contains("reuse_factor = 4;"), "{config}");
    assert!(config.contains("n_mult = 256;"), "{config}");
    // output is 32 x 5 = 160 multiplications: 3 becomes 4 as well (2 and 4).
    assert!(warnings
        .iter()
        .any(|w| w.message.contains("`output`") && w.message.contains("160")));
}

#[test]
fn fixed_point_bus_values_are_converted_as_the_interface_converts_them() {
    let Some(_) = common::shared_dir() else { return };
    let jet = MODELS.iter().find(|m| m.dir == "jet_tagger").unwrap();
    let dir = common::shared_model(jet.dir).unwrap();
    let (in_bus, out_bus) = ("ap_fixed<10,4,AP_RND,AP_SAT>", "ap_fixed<12,2>");
    let text = toml_text(jet, &dir, &Variant::new(false, false, 1), None).replace(
        "[board]\nname = \"pynq-z2\"\n",
        &format!("[board]\nname = \"pynq-z2\"\ninput_type = \"{in_bus}\"\noutput_type = \"{out_bus}\"\n"),
    );
    let toml = std::env::temp_dir().join("jet_tagger.toml");
    let project = Project::parse(&toml, &text).unwrap_or_else(|e| panic!("{e}"));
    let x = inputs(jet);
    let build = scratch("fixed-bus");
    let run = build_and_run(&project, &build, &Headers::Host, &x, false).unwrap();
    println!(
        "jet_tagger with fixed-point bus types: compile {:.1} s",
        run.compile_seconds
    );
    // The emulator on the same bus words: Q_B(v) in, Q_in(bus), ..., Q_B'(y) out.
    let (in_bus, out_bus) = (FixedType::parse(in_bus).unwrap(), FixedType::parse(out_bus).unwrap());
    let words: Vec<i128> = x.iter().map(|&v| in_bus.from_f32(v)).collect();
    let emu = hls4ml_codegen::emulate::model(&project.graph).unwrap();
    let want: Vec<f32> = emu
        .predict_fixed(&words, in_bus, out_bus)
        .into_iter()
        .map(|raw| out_bus.to_f32(raw))
        .collect();
    let (count, first) = differences(&run.outputs, &want, 5);
    assert_eq!(count, 0, "{count} outputs differ from the emulator's:{first}");
    // The output bus holds 10 fractional bits: every output is a multiple of 2^-10.
    assert!(run.outputs.iter().all(|y| (y * 1024.0).fract() == 0.0));
    common::discard(&build);
}

#[test]
fn the_literal_constants_of_synthesis_equal_the_bits_of_the_c_simulation() {
    let Some(_) = common::shared_dir() else { return };
    // With __SYNTHESIS__ defined, every constant array is initialized from its decimal literals
    // (what HLS synthesizes); without, from its raw bits (what C simulation compiles quickly).
    let jet = MODELS.iter().find(|m| m.dir == "jet_tagger").unwrap();
    let (project, _) = load(jet, &Variant::new(false, false, 1));
    let x = inputs(jet);
    let runs = common::parallel(vec![false, true], |synthesis| {
        let dir = scratch(&format!("literals-{synthesis}"));
        let extra: &[&str] = if synthesis { &["-D__SYNTHESIS__"] } else { &[] };
        let run = build_and_run_with(&project, &dir, &Headers::Host, &x, false, extra);
        if run.is_ok() {
            common::discard(&dir);
        }
        run.unwrap_or_else(|e| panic!("{e}"))
    });
    assert_eq!(bits(&runs[0].outputs), bits(&runs[1].outputs));
    println!(
        "jet_tagger: constants from bits compile in {:.1} s, from literals in {:.1} s",
        runs[0].compile_seconds, runs[1].compile_seconds
    );
}

/// Layer names that collide once made identifiers (`fc-out` and `fc_out`), that are C++ keywords or
/// names the generated code uses, or that look like another layer's derived names (`fc_out`,
/// `config_fc`, `fc_result`, `fc_partial1`): the firmware still compiles warning-free in both io
/// types and computes the emulator's bits.
#[test]
fn colliding_and_reserved_layer_names_still_give_working_firmware() {
    if common::shared_dir().is_none() {
        return;
    }
    use LayerKind::*;
    let mut r = Numbers(11);
    let mut g = GraphBuilder::new("input", vec![4]);
    let mut last = 0;
    let names = [
        "fc",
        "fc_out",
        "fc-out",
        "fc_result",
        "config_fc",
        "int",
        "output",
        "N_OUT",
        "nnet",
        "x__y",
        "0dense",
    ];
    let mut outputs = vec![];
    for name in names {
        let dense = Dense {
            kernel: r.tensor(vec![4, 4], 0.5),
            bias: r.tensor(vec![4], 0.1),
        };
        last = g.add(name, dense, vec![last]).unwrap();
        outputs.push(last);
    }
    let sum = g
        .add("fc_partial1", Add, outputs[outputs.len() - 3..].to_vec())
        .unwrap();
    g.add("result_t", Activation(Act::Relu), vec![sum]).unwrap();
    let graph = g.finish().unwrap();
    let x: Vec<f32> = (0..100 * 4).map(|_| r.normal()).collect();
    let results = common::parallel(vec![Variant::ALL_IO[0], Variant::ALL_IO[1]], |v| {
        let project = synthetic_project(&graph, &v);
        let dir = scratch(&format!("names-{}", v.label()));
        let run = build_and_run(&project, &dir, &Headers::Host, &x, false);
        if run.is_ok() {
            common::discard(&dir);
        }
        (v, project, run)
    });
    for (v, project, run) in results {
        let run = run.unwrap_or_else(|e| panic!("{}: {e}", v.label()));
        let y_emu = hls4ml_codegen::emulate::model(&project.graph).unwrap().predict(&x);
        assert_eq!(bits(&run.outputs), bits(&y_emu), "{}", v.label());
    }
}
