//! `accelerator!` gives the bundled jet tagger's exact shapes as types, agreeing with the IR.

hls4ml::accelerator!("models/jet_tagger/jet_tagger.toml");

#[test]
fn input_and_output_types_have_the_models_shapes() {
    let x: jet_tagger::Input = [0.5; 16];
    let y: jet_tagger::Output = [0.0; 5];
    assert_eq!(x.len(), jet_tagger::INPUT_SIZE);
    assert_eq!(y.len(), jet_tagger::OUTPUT_SIZE);
    assert_eq!(jet_tagger::NAME, "jet_tagger");
    assert_eq!(jet_tagger::BOARD, "pynq-z2");
    assert_eq!(jet_tagger::INPUT_BUS_TYPE, "float");
}

#[test]
fn the_macro_agrees_with_the_generator() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let p = hls4ml_codegen::Project::load(format!("{dir}/models/jet_tagger/jet_tagger.toml")).unwrap();
    assert_eq!(p.graph.input_shape(), jet_tagger::INPUT_SHAPE);
    assert_eq!(p.graph.output_shape(), jet_tagger::OUTPUT_SHAPE);
}
