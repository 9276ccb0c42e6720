//! Bad model+board files: each error says what is wrong, where (file:line:col, the offending
//! text underlined), and how to fix it. None panics.

mod common;

use hls4ml_codegen::config::{Config, Family, Interface};
use hls4ml_codegen::Project;
use std::path::PathBuf;

/// A TOML "file" beside the bundled jet tagger, so relative model paths resolve.
fn toml_path() -> PathBuf {
    common::repo_models().join("jet_tagger/test.toml")
}

const GOOD: &str = r#"
[model]
name = "jet_tagger"
keras = "jet_tagger.keras"

[board]
name = "pynq-z2"
"#;

fn config_error(text: &str) -> String {
    let e = Config::parse(toml_path(), text).expect_err("the file should be rejected");
    e.render()
}

fn project_error(text: &str) -> String {
    let e = Project::parse(toml_path(), text).expect_err("the project should be rejected");
    e.render()
}

fn assert_has(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "expected {n:?} in:\n{haystack}");
    }
}

#[test]
fn a_minimal_file_gets_the_documented_defaults() {
    let c = Config::parse(toml_path(), GOOD).unwrap();
    assert_eq!(c.board.board.family, Family::Zynq7000);
    assert_eq!(c.board.board.part, "xc7z020clg400-1");
    assert_eq!(c.board.interface, Interface::AxiStream);
    assert_eq!(c.board.clock_period, 10.0);
    assert_eq!(c.hls.reuse_factor, 1);
    assert!(c.hls.precision.is_none());
    assert!(c.hls.output_dir.ends_with("hls4ml_prj"));
}

#[test]
fn toml_syntax_error_shows_file_line_col_and_the_text() {
    let r = config_error("[model]\nname = \"jet_tagger\nkeras = \"jet_tagger.keras\"\n");
    assert_has(&r, &["test.toml:2:", "2 | name = \"jet_tagger", "^"]);
}

#[test]
fn missing_model_file_points_at_its_line() {
    let r = config_error(&GOOD.replace("jet_tagger.keras", "nope.keras"));
    assert_has(
        &r,
        &[
            "model file not found",
            "nope.keras",
            "test.toml:4:9",
            "relative to the directory",
        ],
    );
}

#[test]
fn unknown_board_lists_the_six_and_suggests() {
    let r = config_error(&GOOD.replace("pynq-z2", "pynq-z3"));
    assert_has(
        &r,
        &[
            "unknown board `pynq-z3`",
            "pynq-z2, zcu102, alveo-u50, alveo-u200, alveo-u250, alveo-u280",
            "did you mean `pynq-z2`?",
            "test.toml:7:8",
        ],
    );
}

#[test]
fn unknown_board_far_from_any_name_explains_custom_boards() {
    let r = config_error(&GOOD.replace("pynq-z2", "my-board"));
    assert_has(&r, &["unknown board `my-board`", "family"]);
}

#[test]
fn part_contradicting_the_board_is_an_error() {
    let r = config_error(&format!("{GOOD}part = \"xc7z010clg400-1\"\n"));
    assert_has(
        &r,
        &[
            "part `xc7z010clg400-1` contradicts board `pynq-z2`",
            "xc7z020clg400-1",
            "test.toml:8:8",
        ],
    );
}

#[test]
fn part_in_the_report_spelling_is_the_same_part() {
    let c = Config::parse(toml_path(), &format!("{GOOD}part = \"xc7z020-clg400-1\"\n")).unwrap();
    assert_eq!(c.board.board.part, "xc7z020clg400-1");
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let r = config_error(&format!("{GOOD}\n[hls]\npresicion = \"ap_fixed<16,6>\"\n"));
    assert_has(
        &r,
        &[
            "unknown field `presicion`",
            "did you mean `precision`?",
            "test.toml:10:1",
        ],
    );
}

#[test]
fn unknown_section_is_an_error() {
    let r = config_error(&format!("{GOOD}\n[hsl]\nio_type = \"io_stream\"\n"));
    assert_has(&r, &["unknown field `hsl`", "did you mean `hls`?"]);
}

#[test]
fn bad_precision_string_explains_the_syntax() {
    let r = config_error(&format!("{GOOD}\n[hls]\nprecision = \"ap_fixed<16>\"\n"));
    assert_has(
        &r,
        &[
            "bad precision",
            "2 to 5 parameters",
            "ap_fixed<16,6>",
            "test.toml:10:13",
        ],
    );
    let r = config_error(&format!("{GOOD}\n[layers.fc1]\nweight = \"ap_fixed<8,3,AP_ROUND>\"\n"));
    assert_has(&r, &["unknown quantization mode `AP_ROUND`", "AP_RND_CONV"]);
}

#[test]
fn missing_board_name_is_reported() {
    let r = config_error("[model]\nname = \"m\"\nkeras = \"jet_tagger.keras\"\n[board]\ninterface = \"axi_stream\"\n");
    assert_has(&r, &["missing field `name`"]);
}

#[test]
fn missing_board_section_is_reported() {
    let r = config_error("[model]\nname = \"m\"\nkeras = \"jet_tagger.keras\"\n");
    assert_has(&r, &["missing field `board`"]);
}

#[test]
fn keras_json_without_weights_says_what_to_add() {
    let r = config_error(&GOOD.replace("jet_tagger.keras", "jet_tagger.json"));
    assert_has(&r, &["needs its weights", "weights = "]);
}

#[test]
fn both_keras_and_onnx_is_an_error() {
    let r = config_error(&GOOD.replace(
        "keras = \"jet_tagger.keras\"",
        "keras = \"jet_tagger.keras\"\nonnx = \"jet_tagger.onnx\"",
    ));
    assert_has(&r, &["both a Keras and an ONNX model"]);
}

#[test]
fn unknown_interface_suggests() {
    let r = config_error(&format!("{GOOD}interface = \"axi_steam\"\n"));
    assert_has(
        &r,
        &[
            "unknown interface `axi_steam`",
            "axi_stream, axi_lite, axi_master",
            "did you mean `axi_stream`?",
        ],
    );
}

#[test]
fn custom_board_needs_part_and_board_part() {
    let base = GOOD.replace("name = \"pynq-z2\"", "name = \"ultra96\"\nfamily = \"zynqmp\"");
    assert_has(&config_error(&base), &["custom board `ultra96` needs its `part`"]);
    let with_part = format!("{base}part = \"xczu3eg-sbva484-1-e\"\n");
    assert_has(&config_error(&with_part), &["needs its `board_part`"]);
    let full = format!("{with_part}board_part = \"avnet.com:ultra96v2:part0:1.2\"\n");
    let c = Config::parse(toml_path(), &full).unwrap();
    assert_eq!(c.board.board.family, Family::ZynqMp);
    assert!(!c.board.board.known);
}

#[test]
fn custom_alveo_board_needs_a_platform() {
    let base = GOOD.replace(
        "name = \"pynq-z2\"",
        "name = \"alveo-v70\"\nfamily = \"alveo\"\npart = \"xcv70-x\"",
    );
    assert_has(&config_error(&base), &["needs its `platform`"]);
}

#[test]
fn model_name_must_be_an_identifier() {
    let r = config_error(&GOOD.replace("name = \"jet_tagger\"", "name = \"jet-tagger\""));
    assert_has(&r, &["`jet-tagger` is not an identifier", "test.toml:3:8"]);
}

#[test]
fn zero_reuse_factor_is_rejected() {
    let r = config_error(&format!("{GOOD}\n[hls]\nreuse_factor = 0\n"));
    assert_has(&r, &["reuse_factor must be between 1 and", "got 0"]);
}

#[test]
fn bad_bus_type_is_rejected() {
    let r = config_error(&format!("{GOOD}input_type = \"float16\"\n"));
    assert_has(&r, &["unknown bus type `float16`", "double"]);
}

#[test]
fn several_errors_are_reported_together() {
    let r = config_error(&format!(
        "{GOOD}interface = \"axi_x\"\n\n[hls]\nio_type = \"io_serial\"\n"
    ));
    assert_has(&r, &["unknown interface `axi_x`", "unknown io_type `io_serial`"]);
}

#[test]
fn unknown_layer_name_suggests_a_layer_of_the_model() {
    let r = project_error(&format!("{GOOD}\n[layers.fc_1]\nreuse_factor = 2\n"));
    assert_has(&r, &["no layer named `fc_1`", "did you mean `fc1`?", "test.toml:9:9"]);
}

#[test]
fn weights_on_a_layer_without_weights_is_an_error() {
    let r = project_error(&format!("{GOOD}\n[layers.fc1_relu]\nweight = \"ap_fixed<8,3>\"\n"));
    assert_has(&r, &["layer `fc1_relu` (Activation) has no weights"]);
}

#[test]
fn only_the_output_softmax_can_be_skipped() {
    let r = project_error(&format!("{GOOD}\n[layers.fc1]\nskip = true\n"));
    assert_has(&r, &["only a softmax can be skipped"]);
}

#[test]
fn calibration_of_the_wrong_shape_is_rejected() {
    let Some(m) = common::shared_model("KERAS_conv2d_model") else {
        return;
    };
    let x = m.join("X.npy");
    let r = project_error(&format!("{GOOD}\n[hls]\ncalibration = \"{}\"\n", x.display()));
    assert_has(&r, &["calibration inputs have shape [1000, 8, 8, 1]", "[16]"]);
}

#[test]
fn an_interface_the_board_cannot_take_points_at_it_and_says_why() {
    let alveo = GOOD.replace("name = \"pynq-z2\"", "name = \"alveo-u50\"");
    let r = config_error(&format!("{alveo}interface = \"axi_stream\"\n"));
    assert_has(
        &r,
        &[
            "board `alveo-u50` (alveo) does not support interface `axi_stream`",
            "interface = \"axi_master\"",
            "test.toml:",
        ],
    );
    // Without an interface, an Alveo card gets axi_master.
    let c = Config::parse(toml_path(), &alveo).unwrap();
    assert_eq!(c.board.interface.as_str(), "axi_master");
}

#[test]
fn a_bus_type_wider_than_64_bits_is_rejected() {
    let r = config_error(&format!("{GOOD}output_type = \"ap_fixed<72,8>\"\n"));
    assert_has(&r, &["bus type `ap_fixed<72,8>` is 72 bits wide", "at most 64 bits"]);
}

#[test]
fn a_keyword_or_a_name_of_the_generated_code_is_not_a_model_name() {
    for name in ["int", "nnet", "match", "ap_fixed", "input_t"] {
        let r = config_error(&GOOD.replace("name = \"jet_tagger\"", &format!("name = \"{name}\"")));
        assert_has(&r, &[&format!("model name `{name}` is reserved"), "test.toml:3:8"]);
    }
}
