//! `hls4ml::accelerator!("model.toml")`: a thin shim over `hls4ml-codegen`.
//!
//! The path is relative to the crate's `CARGO_MANIFEST_DIR` (or to `HLS4ML_MANIFEST_DIR` when set, for
//! compile-test harnesses that build the calling code in a scratch crate). The macro loads the project exactly as
//! the build API and the command line do ([`hls4ml_codegen::Project::load`]) and expands to a
//! module named after the model with its `Input` and `Output` array types, its `spec()`, and the
//! typed driver (`jet_tagger::JetTagger`: `emulator`, `open`, `csim`, `predict`, …; see
//! [`hls4ml_codegen::driver::module_tokens`]); an error in the TOML or the model becomes a compile
//! error on the path literal, with the TOML line shown.

use proc_macro::TokenStream;
use std::path::PathBuf;
use syn::{parse_macro_input, LitStr};

/// Expands to `pub mod <model name> { pub type Input = [..]; pub type Output = [..]; pub struct <Name>; … }`.
#[proc_macro]
pub fn accelerator(input: TokenStream) -> TokenStream {
    let lit = parse_macro_input!(input as LitStr);
    // HLS4ML_MANIFEST_DIR: for compile-test harnesses (trybuild) that build the caller elsewhere.
    let dir = std::env::var_os("HLS4ML_MANIFEST_DIR")
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
        .unwrap_or_default();
    let path = dir.join(lit.value());
    match hls4ml_codegen::Project::load(&path) {
        Ok(project) => {
            let files: Vec<String> = project.files_read.iter().map(|p| p.display().to_string()).collect();
            match hls4ml_codegen::driver::module_tokens(&project, &files, &lit.value()) {
                Ok(tokens) => tokens.into(),
                Err(e) => syn::Error::new(lit.span(), e).to_compile_error().into(),
            }
        }
        Err(e) => {
            // The compiler prints its own `error: ` in front of the message.
            let text = e.render();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            syn::Error::new(lit.span(), text).to_compile_error().into()
        }
    }
}
