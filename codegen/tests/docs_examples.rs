//! The documentation says what the code does: the examples of `docs/toml.md` are valid model+board
//! files (every key and value in them is accepted; the model files they name may not exist beside
//! the test, so "not found" is allowed), and the README's table of boards and interfaces is the
//! board database's and [`hls4ml_codegen::accel::support`]'s.

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

#[test]
fn the_readme_board_table_is_what_the_generator_supports() {
    use hls4ml_codegen::accel::support;
    use hls4ml_codegen::config::Interface;
    let readme = std::fs::read_to_string(common::repo_models().join("../README.md")).unwrap();
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| board | family | part |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 6, "the README's board table has a row per known board");
    for row in rows {
        let name = row[0].trim_matches('`');
        let board = hls4ml_codegen::config::board::known(name).unwrap_or_else(|| panic!("{name} is not a known board"));
        assert_eq!(row[2], board.part, "{name}: part");
        let interfaces = [Interface::AxiStream, Interface::AxiLite, Interface::AxiMaster];
        for (cell, interface) in row[3..6].iter().zip(interfaces) {
            let supported = support(board.family, interface).is_ok();
            assert_eq!(
                cell.starts_with("yes"),
                supported,
                "{name} × {}: the README says `{cell}`",
                interface.as_str()
            );
        }
    }
}
