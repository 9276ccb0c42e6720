//! The TOML as written, deserialized with serde; every user-facing value keeps its span so that
//! [`super::validate`] can point at it.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub model: Spanned<RawModel>,
    pub board: Spanned<RawBoard>,
    #[serde(default)]
    pub hls: Option<Spanned<RawHls>>,
    #[serde(default)]
    pub layers: BTreeMap<Spanned<String>, Spanned<RawLayer>>,
}

/// `[model]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub name: Spanned<String>,
    pub keras: Option<Spanned<String>>,
    pub onnx: Option<Spanned<String>>,
    pub weights: Option<Spanned<String>>,
}

/// `[board]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBoard {
    pub name: Spanned<String>,
    pub family: Option<Spanned<String>>,
    pub part: Option<Spanned<String>>,
    pub board_part: Option<Spanned<String>>,
    pub platform: Option<Spanned<String>>,
    pub interface: Option<Spanned<String>>,
    pub input_type: Option<Spanned<String>>,
    pub output_type: Option<Spanned<String>>,
    pub clock_period: Option<Spanned<f64>>,
}

/// `[hls]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHls {
    pub io_type: Option<Spanned<String>>,
    pub precision: Option<Spanned<String>>,
    pub reuse_factor: Option<Spanned<i64>>,
    pub strategy: Option<Spanned<String>>,
    pub output_dir: Option<Spanned<String>>,
    pub tool: Option<Spanned<String>>,
    pub calibration: Option<Spanned<String>>,
}

/// `[layers.<name>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLayer {
    pub result: Option<Spanned<String>>,
    pub weight: Option<Spanned<String>>,
    pub bias: Option<Spanned<String>>,
    pub accum: Option<Spanned<String>>,
    pub table: Option<Spanned<String>>,
    pub reuse_factor: Option<Spanned<i64>>,
    pub strategy: Option<Spanned<String>>,
    pub table_size: Option<Spanned<i64>>,
    pub implementation: Option<Spanned<String>>,
    pub skip: Option<Spanned<bool>>,
}
