//! The jet tagger saved by Keras as `.keras`, full `.h5` and ONNX imports to the same IR and
//! computes the same outputs.

mod common;

use hls4ml_codegen::import;
use hls4ml_codegen::ir::{Graph, LayerKind};

fn weights(g: &Graph) -> Vec<(Vec<usize>, Vec<f32>)> {
    g.layers
        .iter()
        .flat_map(|l| match &l.kind {
            LayerKind::Dense { kernel, bias } | LayerKind::Conv { kernel, bias, .. } => {
                vec![
                    (kernel.shape.clone(), kernel.data.clone()),
                    (bias.shape.clone(), bias.data.clone()),
                ]
            }
            _ => vec![],
        })
        .collect()
}

#[test]
fn keras_h5_and_onnx_give_the_same_ir_and_outputs() {
    let Some(dir) = common::shared_model("jet_tagger") else {
        return;
    };
    let keras = import::keras(&dir.join("jet_tagger.keras"), None).unwrap();
    let h5 = import::keras(&dir.join("jet_tagger.h5"), None).unwrap();
    let onnx = import::onnx(&dir.join("jet_tagger.onnx")).unwrap();
    assert_eq!(keras, h5, ".keras and .h5 must give identical graphs, names included");

    // ONNX names its nodes its own way: compare everything but the names.
    let kinds = |g: &Graph| {
        g.layers
            .iter()
            .map(|l| (l.kind.class_name(), l.shape.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&keras), kinds(&onnx));
    let (wk, wo) = (weights(&keras), weights(&onnx));
    assert_eq!(wk.len(), wo.len());
    for ((sk, dk), (so, d_o)) in wk.iter().zip(&wo) {
        assert_eq!(sk, so);
        assert_eq!(dk, d_o, "weights are the same float32 values in every format");
    }
    let activations = |g: &Graph| {
        g.layers
            .iter()
            .filter_map(|l| match &l.kind {
                LayerKind::Activation(a) => Some(*a),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(activations(&keras), activations(&onnx));

    let x = hls4ml_runtime::npy::read_f32(dir.join("X.npy")).unwrap();
    let yk = hls4ml_codegen::float::forward_batch(&keras, &x.data);
    let yo = hls4ml_codegen::float::forward_batch(&onnx, &x.data);
    assert_eq!(yk, yo, "the same graph computes the same outputs");
}
