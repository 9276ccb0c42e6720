//! The binary form of the emulator's description on real models: every reference model under
//! `../shared/models` and the repository's jet tagger, with the layers built as codegen builds them,
//! must come back from `encode` → `decode` equal field for field, re-encode to the same bytes, and
//! predict the same bits as the model built directly on each model's `X.npy`.

mod common;

use hls4ml_codegen::{emulate, Project};
use hls4ml_runtime::emu::{encoding, Activation, Layer, LayerKind, Model, Softmax};
use hls4ml_runtime::npy;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A project for a reference model folder, with extra TOML text.
fn project(dir: &Path, name: &str, extra: &str) -> Project {
    common::reference_project("model-encoding", dir, name, extra)
}

/// Raw values (weights, biases, scales, table entries) of a description.
fn raw_values(layers: &[Layer]) -> usize {
    layers
        .iter()
        .map(|l| match &l.kind {
            LayerKind::Dense { weights, bias, .. } | LayerKind::Conv { weights, bias, .. } => {
                weights.len() + bias.len()
            }
            LayerKind::BatchNorm { scale, bias } => scale.len() + bias.len(),
            LayerKind::Activation(
                Activation::Lookup(t)
                | Activation::Softplus(t)
                | Activation::Elu(t)
                | Activation::Selu { table: t, .. },
            ) => t.len(),
            LayerKind::Softmax(Softmax::Stable { exp, inv } | Softmax::Latency { exp, inv }) => exp.len() + inv.len(),
            _ => 0,
        })
        .sum()
}

/// One model to check: a label, its project, and the folder of its `X.npy`.
struct Case {
    label: String,
    project: Project,
    data: PathBuf,
}

/// Round-trips one model's description and compares the predictions; returns the table row.
fn check(case: &Case) -> Result<String, String> {
    let label = &case.label;
    let original = emulate::model(&case.project.graph).map_err(|e| format!("{label}: {e}"))?;
    let layers = original.layers();
    let start = Instant::now();
    let bytes = encoding::encode(layers);
    let encode_ms = start.elapsed().as_secs_f64() * 1e3;
    let start = Instant::now();
    let decoded = encoding::decode(&bytes).map_err(|e| format!("{label}: {e}"))?;
    let decode_ms = start.elapsed().as_secs_f64() * 1e3;
    if decoded != layers {
        let at = layers.iter().zip(&decoded).position(|(a, b)| a != b);
        return Err(format!(
            "{label}: the decoded description differs (layer {at:?}; {} vs {} layers)",
            decoded.len(),
            layers.len()
        ));
    }
    if encoding::encode(&decoded) != bytes {
        return Err(format!(
            "{label}: re-encoding the decoded description gives other bytes"
        ));
    }
    let raws = raw_values(&decoded);
    let n_layers = decoded.len();
    let rebuilt = Model::new(decoded).map_err(|e| format!("{label}: the decoded model is refused: {e}"))?;
    let x = npy::read_f32(case.data.join("X.npy")).map_err(|e| format!("{label}: {e}"))?;
    let (want, got) = (original.predict(&x.data), rebuilt.predict(&x.data));
    let differ = want
        .iter()
        .zip(&got)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count();
    if want.len() != got.len() || differ > 0 {
        return Err(format!(
            "{label}: {differ} of {} outputs differ after the round trip",
            want.len()
        ));
    }
    Ok(format!(
        "| {label:<40} | {n_layers:>6} | {raws:>10} | {:>9} | {:>11.2} | {encode_ms:>9.2} | {decode_ms:>9.2} | {:>7} |",
        bytes.len(),
        bytes.len() as f64 / raws.max(1) as f64,
        x.rows()
    ))
}

#[test]
fn every_reference_model_round_trips_and_predicts_the_same_bits() {
    let jet = common::repo_models().join("jet_tagger");
    let bundled = Project::load(jet.join("jet_tagger.toml")).unwrap_or_else(|e| panic!("{}", e.render()));
    let softmax = bundled.graph.output().name.clone();
    let mut cases = vec![Case {
        label: "jet_tagger (bundled)".into(),
        project: bundled,
        data: jet.clone(),
    }];
    // the other softmax implementations, on the bundled model
    for implementation in ["latency", "argmax"] {
        let text = std::fs::read_to_string(jet.join("jet_tagger.toml")).unwrap()
            + &format!("\n[layers.{softmax}]\nimplementation = \"{implementation}\"\n");
        let project = Project::parse(jet.join("jet_tagger.toml"), &text).unwrap_or_else(|e| panic!("{}", e.render()));
        cases.push(Case {
            label: format!("jet_tagger (bundled, {implementation} softmax)"),
            project,
            data: jet.clone(),
        });
    }
    let shared = common::shared_dir();
    let mut names = vec![];
    if let Some(shared) = &shared {
        let models = shared.join("models");
        for entry in std::fs::read_dir(&models).unwrap() {
            let dir = entry.unwrap().path();
            if dir.is_dir() {
                names.push(dir.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
        names.sort();
        assert!(!names.is_empty(), "no model under {}", models.display());
        for name in &names {
            let dir = models.join(name);
            cases.push(Case {
                label: name.clone(),
                project: project(&dir, name, ""),
                data: dir.clone(),
            });
            // hls4ml's all-ap_fixed<16,6> configuration on the Keras models
            if dir.join("y_hls4ml_ap16_6_full.npy").exists() {
                cases.push(Case {
                    label: format!("{name} (ap_fixed<16,6>)"),
                    project: project(&dir, name, "[hls]\nprecision = \"ap_fixed<16,6>\"\n"),
                    data: dir,
                });
            }
        }
    }
    let results = common::parallel(cases, |case| common::on_a_free_core(|| check(&case)));
    println!("encoded descriptions (raw values: weights, biases, scales and table entries):");
    println!(
        "| model                                    | layers | raw values |     bytes | bytes/value | encode ms | decode ms | samples |"
    );
    println!(
        "|------------------------------------------|--------|------------|-----------|-------------|-----------|-----------|---------|"
    );
    let mut failures = vec![];
    for r in results {
        match r {
            Ok(row) => println!("{row}"),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
