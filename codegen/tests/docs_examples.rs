//! The examples of `docs/toml.md` are valid model+board files: every key and value in them is
//! accepted (the model files they name may not exist beside the test, so "not found" is allowed).

mod common;

use hls4ml_codegen::config::Config;

#[test]
fn every_example_in_the_toml_reference_is_accepted() {
    let doc = std::fs::read_to_string(common::repo_models().join("../docs/toml.md")).unwrap();
    let blocks: Vec<&str> = doc
        .split("```toml")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 6, "one example per board");
    for block in blocks {
        if let Err(e) = Config::parse(common::repo_models().join("jet_tagger/doc.toml"), block) {
            for d in e.diagnostics() {
                assert!(
                    d.message.contains("not found"),
                    "example rejected:\n{block}\n{}",
                    e.render()
                );
            }
        }
    }
}
