//! What must not compile: a sample of the wrong shape, of the wrong element type, the outputs of a
//! model given as another's inputs, a TOML with an error, a model file that does not exist. Each
//! `ui/*.rs` has the compiler's message beside it in `ui/*.stderr`. And what compiles but cannot run:
//! the C simulation of a crate whose build.rs lacks the build call.

#[test]
fn typed_driver_rejects_wrong_programs() {
    // The macro resolves TOML paths from the crate under test, not from trybuild's scratch crate.
    std::env::set_var("HLS4ML_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"));
    let t = trybuild::TestCases::new();
    for case in [
        "wrong_shape",
        "wrong_element",
        "wrong_fixed_type",
        "output_as_input",
        "toml_error",
        "missing_model",
    ] {
        t.compile_fail(format!("ui/{case}.rs"));
    }
    // Compiles, and says at run time which build.rs line is missing.
    t.pass("ui/no_build_call.rs");
}
