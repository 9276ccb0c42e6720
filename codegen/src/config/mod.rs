//! The model+board TOML: schema, defaults and validation.
//!
//! ```toml
//! [model]
//! name = "jet_tagger"            # C++ top function and Rust module name
//! keras = "jet_tagger.keras"     # or a .json (with weights = "….h5"), a full-model .h5, or onnx = "….onnx"
//!
//! [board]
//! name = "pynq-z2"               # required: pynq-z2, zcu102, alveo-u50/u200/u250/u280, or a custom board
//! interface = "axi_stream"       # axi_stream | axi_lite | axi_master
//!
//! [hls]
//! precision = "ap_fixed<16,6>"   # omit for the accuracy-keeping default
//!
//! [layers.fc1]
//! weight = "ap_fixed<8,3>"
//! ```
//!
//! Every key, its default and an example per board are documented in `docs/toml.md`.

pub mod board;
mod schema;

pub use board::{Board, Family};

use crate::diag::{did_you_mean, Error, Result, SourceFile};
use crate::ir::{SoftmaxImpl, Strategy};
use hls4ml_runtime::FixedType;
use schema::{RawBoard, RawConfig, RawHls, RawLayer, RawModel};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// A validated model+board file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The TOML file itself (for diagnostics that point into it).
    pub source: Arc<SourceFile>,
    /// The directory of the TOML file: relative paths are resolved against it.
    pub dir: PathBuf,
    /// `[model]`.
    pub model: ModelConfig,
    /// `[board]`.
    pub board: BoardConfig,
    /// `[hls]`.
    pub hls: HlsConfig,
    /// `[layers.<name>]`, in file order of names.
    pub layers: Vec<LayerOverride>,
}

/// `[model]`: the name and the model file.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    /// C++ top function and Rust module name (a C identifier).
    pub name: String,
    /// Where the file names the model.
    pub name_span: Range<usize>,
    /// The model file and its format.
    pub source: ModelSource,
    /// The span of the model path in the TOML (for a missing or broken file).
    pub path_span: Range<usize>,
}

/// The model file, resolved against the TOML's directory.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSource {
    /// A Keras model: `.json` (with `weights`), full-model `.h5`, or `.keras`.
    Keras {
        /// The model file.
        path: PathBuf,
        /// The H5 weights of a `.json` architecture.
        weights: Option<PathBuf>,
    },
    /// An ONNX model.
    Onnx {
        /// The model file.
        path: PathBuf,
    },
}

impl ModelSource {
    /// Every file the model is read from.
    pub fn files(&self) -> Vec<&Path> {
        match self {
            ModelSource::Keras { path, weights } => std::iter::once(path.as_path()).chain(weights.as_deref()).collect(),
            ModelSource::Onnx { path } => vec![path],
        }
    }
}

/// How the accelerator talks to the processor (the runtime's type: the TOML spelling is
/// [`Interface::as_str`]).
pub use hls4ml_runtime::Interface;

/// What travels on the bus: a float type, or a fixed-point type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BusType {
    /// 32-bit IEEE float (the default).
    #[default]
    Float,
    /// 64-bit IEEE float.
    Double,
    /// An `ap_fixed` / `ap_int` type.
    Fixed(FixedType),
}

impl std::fmt::Display for BusType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BusType::Float => f.write_str("float"),
            BusType::Double => f.write_str("double"),
            BusType::Fixed(t) => t.fmt(f),
        }
    }
}

/// `[board]`, resolved.
#[derive(Debug, Clone)]
pub struct BoardConfig {
    /// The board (from the database, or custom).
    pub board: Board,
    /// The accelerator's interface.
    pub interface: Interface,
    /// The input bus type.
    pub input_type: BusType,
    /// The output bus type.
    pub output_type: BusType,
    /// The clock period in ns (the HLS target and, on Zynq, the PL clock of the block design).
    pub clock_period: f64,
}

/// Data layout of the firmware's layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IoType {
    /// Arrays, fully partitioned.
    #[default]
    Parallel,
    /// `hls::stream`s of channel vectors.
    Stream,
}

/// Which HLS tool the scripts are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// Whichever is found on `PATH` (Vitis HLS first), Vivado HLS scripts otherwise.
    #[default]
    Auto,
    /// Vivado HLS (2020.1 and older).
    VivadoHls,
    /// Vitis HLS (2020.2 and newer).
    VitisHls,
}

/// `[hls]`, resolved.
#[derive(Debug, Clone)]
pub struct HlsConfig {
    /// `io_parallel` or `io_stream`.
    pub io_type: IoType,
    /// The model precision: every weight, bias, result and accumulator not overridden per layer.
    /// `None`: the accuracy-keeping default of [`crate::precision`].
    pub precision: Option<FixedType>,
    /// Default reuse factor.
    pub reuse_factor: usize,
    /// Default strategy.
    pub strategy: Strategy,
    /// Where `hls4ml convert` writes the project (resolved against the TOML's directory).
    pub output_dir: PathBuf,
    /// The HLS tool.
    pub tool: Tool,
    /// Representative inputs (`.npy`) used to choose the default precisions.
    pub calibration: Option<PathBuf>,
}

/// A precision setting: a type, or `"auto"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrecisionSpec {
    /// Inferred, following hls4ml's conventions.
    Auto,
    /// This type.
    Fixed(FixedType),
}

/// `[layers.<name>]`: overrides for one layer, each `None` when not given.
#[derive(Debug, Clone)]
pub struct LayerOverride {
    /// The layer name as written.
    pub name: String,
    /// Where it is written (for "unknown layer" errors).
    pub name_span: Range<usize>,
    /// Output type.
    pub result: Option<PrecisionSpec>,
    /// Weight type.
    pub weight: Option<PrecisionSpec>,
    /// Bias type.
    pub bias: Option<PrecisionSpec>,
    /// Accumulator type.
    pub accum: Option<PrecisionSpec>,
    /// Lookup-table entry type.
    pub table: Option<PrecisionSpec>,
    /// Reuse factor.
    pub reuse_factor: Option<usize>,
    /// Strategy.
    pub strategy: Option<Strategy>,
    /// Entries of a lookup table.
    pub table_size: Option<usize>,
    /// Softmax implementation.
    pub implementation: Option<SoftmaxImpl>,
    /// Drop the layer (softmax only: the outputs are the logits).
    pub skip: bool,
    /// Spans of the keys that only make sense for some layer kinds, to point at when they don't.
    pub spans: OverrideSpans,
}

/// Where each override key was written.
#[derive(Debug, Clone, Default)]
pub struct OverrideSpans {
    /// `weight`.
    pub weight: Option<Range<usize>>,
    /// `bias`.
    pub bias: Option<Range<usize>>,
    /// `accum`.
    pub accum: Option<Range<usize>>,
    /// `table` or `table_size`.
    pub table: Option<Range<usize>>,
    /// `implementation`.
    pub implementation: Option<Range<usize>>,
    /// `skip`.
    pub skip: Option<Range<usize>>,
}

impl Config {
    /// Reads and validates a model+board TOML file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::in_file(path, format!("cannot read the model+board file: {e}")))?;
        Config::parse(path, &text)
    }

    /// Validates the text of a model+board TOML file named `path` (relative paths in it are
    /// resolved against `path`'s directory).
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Config> {
        let path = path.as_ref();
        let src = Arc::new(SourceFile::new(path, text));
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&src, &e))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let v = Validator {
            src: src.clone(),
            dir: dir.clone(),
            errors: vec![],
        };
        v.run(raw)
    }
}

/// Turns a TOML/serde error into a diagnostic at its span, with a "did you mean" for unknown keys
/// and values.
fn toml_error(src: &Arc<SourceFile>, e: &toml::de::Error) -> Error {
    let span = e.span().unwrap_or(0..0);
    let message = e.message().trim().to_string();
    let mut err = Error::at(src, span, message.clone());
    // serde's messages: "unknown field `x`, expected one of `a`, `b`" / "expected `a`".
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((word, expected)) = rest.split_once('`') {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            if let Some(best) = did_you_mean(word, candidates.iter().copied()) {
                err = err.help(format!("did you mean `{best}`?"));
            }
        }
    }
    err
}

struct Validator {
    src: Arc<SourceFile>,
    dir: PathBuf,
    errors: Vec<Error>,
}

/// One of a closed set of words, for [`Validator::choice`].
type Choices<'a, T> = &'a [(&'a str, T)];

impl Validator {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> Error {
        Error::at(&self.src, span, message)
    }

    fn push(&mut self, e: Error) {
        self.errors.push(e);
    }

    /// A word from a closed set; an error listing the set (with a suggestion) otherwise.
    fn choice<T: Copy>(&mut self, what: &str, value: &Spanned<String>, choices: Choices<T>) -> Option<T> {
        if let Some((_, t)) = choices.iter().find(|(w, _)| *w == value.get_ref()) {
            return Some(*t);
        }
        let names: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let mut e = self.error(
            value.span(),
            format!(
                "unknown {what} `{}`; expected one of: {}",
                value.get_ref(),
                names.join(", ")
            ),
        );
        if let Some(best) = did_you_mean(value.get_ref(), names.iter().copied()) {
            e = e.help(format!("did you mean `{best}`?"));
        }
        self.push(e);
        None
    }

    fn fixed_type(&mut self, value: &Spanned<String>) -> Option<FixedType> {
        match FixedType::parse(value.get_ref()) {
            Ok(t) => Some(t),
            Err(e) => {
                let e = self
                    .error(value.span(), format!("bad precision: {}", e.message))
                    .help("write e.g. \"ap_fixed<16,6>\", \"ap_fixed<18,8,AP_RND,AP_SAT>\", \"ap_ufixed<8,0>\" or \"ap_int<8>\"");
                self.push(e);
                None
            }
        }
    }

    fn precision(&mut self, value: &Option<Spanned<String>>) -> Option<PrecisionSpec> {
        let v = value.as_ref()?;
        if v.get_ref() == "auto" {
            return Some(PrecisionSpec::Auto);
        }
        self.fixed_type(v).map(PrecisionSpec::Fixed)
    }

    fn bus_type(&mut self, value: &Option<Spanned<String>>) -> BusType {
        match value.as_ref().map(|v| (v, v.get_ref().as_str())) {
            None | Some((_, "float")) => BusType::Float,
            Some((_, "double")) => BusType::Double,
            Some((v, _)) => {
                if !v.get_ref().contains('<') {
                    let e = self
                        .error(v.span(), format!("unknown bus type `{}`", v.get_ref()))
                        .help("use \"float\", \"double\", or a fixed-point type such as \"ap_fixed<16,6>\"");
                    self.push(e);
                    return BusType::Float;
                }
                match self.fixed_type(v) {
                    Some(t) if t.width > crate::accel::bus::MAX_WORD_BITS => {
                        let e = self.error(
                            v.span(),
                            format!(
                                "bus type `{}` is {} bits wide; the bus carries values of at most {} bits",
                                v.get_ref(),
                                t.width,
                                crate::accel::bus::MAX_WORD_BITS
                            ),
                        );
                        self.push(e);
                        BusType::Float
                    }
                    t => t.map_or(BusType::Float, BusType::Fixed),
                }
            }
        }
    }

    fn positive(&mut self, what: &str, value: &Spanned<i64>, max: i64) -> Option<usize> {
        let n = *value.get_ref();
        if n < 1 || n > max {
            let e = self.error(value.span(), format!("{what} must be between 1 and {max}, got {n}"));
            self.push(e);
            return None;
        }
        Some(n as usize)
    }

    fn path(&self, value: &Spanned<String>) -> PathBuf {
        self.dir.join(value.get_ref())
    }

    fn run(mut self, raw: RawConfig) -> Result<Config> {
        let model = self.model(&raw.model);
        let board = self.board(&raw.board);
        let hls = match &raw.hls {
            Some(h) => self.hls(h.get_ref()),
            None => self.hls(&RawHls::default()),
        };
        let layers: Vec<LayerOverride> = raw
            .layers
            .iter()
            .filter_map(|(k, v)| self.layer(k, v.get_ref()))
            .collect();
        if let Some(e) = Error::combine(std::mem::take(&mut self.errors)) {
            return Err(e);
        }
        Ok(Config {
            source: self.src,
            dir: self.dir,
            model: model.expect("errors were reported"),
            board: board.expect("errors were reported"),
            hls: hls.expect("errors were reported"),
            layers,
        })
    }

    fn model(&mut self, raw: &Spanned<RawModel>) -> Option<ModelConfig> {
        let m = raw.get_ref();
        let name = m.name.get_ref();
        let ident_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident_ok {
            let e = self
                .error(m.name.span(), format!("model name `{name}` is not an identifier"))
                .help("the name becomes the C++ top function and the Rust module: use letters, digits and `_`, not starting with a digit");
            self.push(e);
        } else if RESERVED_NAMES.contains(&name.as_str()) || name.starts_with("__") || name.starts_with("ap_") {
            let e = self
                .error(m.name.span(), format!("model name `{name}` is reserved"))
                .help("the name becomes the C++ top function and the Rust module, and must not be a C++ or Rust keyword or a name the generated code uses (`nnet`, `hls`, `ap_*`, `input_t`, …)");
            self.push(e);
        }
        let source = match (&m.keras, &m.onnx) {
            (Some(k), None) => {
                let is_json = k.get_ref().ends_with(".json");
                if let (Some(w), false) = (&m.weights, is_json) {
                    let e = self
                        .error(w.span(), "`weights` only goes with a Keras `.json` architecture")
                        .help("a full-model `.h5` or a `.keras` file carries its own weights: remove this line");
                    self.push(e);
                }
                if is_json && m.weights.is_none() {
                    let e = self
                        .error(k.span(), "a Keras `.json` architecture needs its weights")
                        .help("add `weights = \"<model>_weights.h5\"` to [model]");
                    self.push(e);
                }
                Some((
                    ModelSource::Keras {
                        path: self.path(k),
                        weights: m.weights.as_ref().map(|w| self.path(w)),
                    },
                    k.span(),
                ))
            }
            (None, Some(o)) => {
                if let Some(w) = &m.weights {
                    let e = self.error(w.span(), "`weights` only goes with a Keras `.json` architecture");
                    self.push(e);
                }
                Some((ModelSource::Onnx { path: self.path(o) }, o.span()))
            }
            (Some(_), Some(o)) => {
                let e = self.error(o.span(), "[model] names both a Keras and an ONNX model; keep one");
                self.push(e);
                None
            }
            (None, None) => {
                let e = self
                    .error(raw.span(), "[model] names no model file")
                    .help("add `keras = \"model.keras\"` (or a .json + weights, or a full-model .h5) or `onnx = \"model.onnx\"`");
                self.push(e);
                None
            }
        };
        let (source, path_span) = source?;
        for file in source.files() {
            if !file.is_file() {
                let span = match (&source, &m.weights) {
                    (ModelSource::Keras { weights: Some(w), .. }, Some(ws)) if file == w.as_path() => ws.span(),
                    _ => path_span.clone(),
                };
                let e = self.error(span, format!("model file not found: {}", file.display()));
                let e = e.help("paths in [model] are relative to the directory of this TOML file");
                self.push(e);
            }
        }
        Some(ModelConfig {
            name: name.clone(),
            name_span: m.name.span(),
            source,
            path_span,
        })
    }

    fn board(&mut self, raw: &Spanned<RawBoard>) -> Option<BoardConfig> {
        let b = raw.get_ref();
        let name = b.name.get_ref();
        let board = match (board::known(name), &b.family) {
            (Some(mut known), family) => {
                if let Some(f) = family {
                    if f.get_ref() != known.family.as_str() {
                        let e = self.error(
                            f.span(),
                            format!("`{name}` is a {} board, not {}", known.family.as_str(), f.get_ref()),
                        );
                        self.push(e);
                    }
                }
                if let Some(part) = &b.part {
                    if !board::same_part(part.get_ref(), &known.part) {
                        let e = self
                            .error(part.span(), format!("part `{}` contradicts board `{name}`, whose part is `{}`", part.get_ref(), known.part))
                            .help("remove `part` to use the board's own, or describe a custom board with its own `name` and `family`");
                        self.push(e);
                    }
                }
                if let Some(bp) = &b.board_part {
                    if known.family == Family::Alveo {
                        let e = self.error(bp.span(), "Alveo cards have no board part; set `platform` instead");
                        self.push(e);
                    } else {
                        known.board_part = Some(bp.get_ref().clone());
                    }
                }
                if let Some(p) = &b.platform {
                    if known.family != Family::Alveo {
                        let e = self.error(
                            p.span(),
                            "`platform` is the shell of an Alveo card; Zynq boards take `board_part`",
                        );
                        self.push(e);
                    } else {
                        known.platform = Some(p.get_ref().clone());
                    }
                }
                known
            }
            (None, None) => {
                let names: Vec<&str> = board::known_names().collect();
                let mut e = self.error(
                    b.name.span(),
                    format!("unknown board `{name}`; the known boards are: {}", names.join(", ")),
                );
                e = match did_you_mean(name, names.iter().copied()) {
                    Some(best) => e.help(format!("did you mean `{best}`?")),
                    None => e.help("for another board, give its `family` (zynq7000, zynqmp or alveo), `part`, and `board_part` (Zynq) or `platform` (Alveo)"),
                };
                self.push(e);
                return None;
            }
            (None, Some(f)) => {
                let family = self.choice(
                    "board family",
                    f,
                    &[
                        ("zynq7000", Family::Zynq7000),
                        ("zynqmp", Family::ZynqMp),
                        ("alveo", Family::Alveo),
                    ],
                )?;
                let Some(part) = &b.part else {
                    let e = self.error(raw.span(), format!("custom board `{name}` needs its `part`"));
                    self.push(e);
                    return None;
                };
                let (board_part, platform) = match family {
                    Family::Alveo => {
                        if b.platform.is_none() {
                            let e = self.error(
                                raw.span(),
                                format!("custom Alveo board `{name}` needs its `platform` (the card's shell)"),
                            );
                            self.push(e);
                        }
                        (None, b.platform.as_ref().map(|p| p.get_ref().clone()))
                    }
                    _ => {
                        if b.board_part.is_none() {
                            let e = self.error(
                                raw.span(),
                                format!(
                                    "custom board `{name}` needs its `board_part` (e.g. \"vendor:board:part0:1.0\")"
                                ),
                            );
                            self.push(e);
                        }
                        (b.board_part.as_ref().map(|p| p.get_ref().clone()), None)
                    }
                };
                Board {
                    name: name.clone(),
                    family,
                    part: part.get_ref().clone(),
                    board_part,
                    platform,
                    known: false,
                }
            }
        };
        let interface = match &b.interface {
            Some(i) => self.choice(
                "interface",
                i,
                &[
                    ("axi_stream", Interface::AxiStream),
                    ("axi_lite", Interface::AxiLite),
                    ("axi_master", Interface::AxiMaster),
                ],
            )?,
            None if board.family == Family::Alveo => Interface::AxiMaster,
            None => Interface::AxiStream,
        };
        if let Err(why) = crate::accel::support(board.family, interface) {
            let span = b.interface.as_ref().map_or(raw.span(), |i| i.span());
            let e = self
                .error(
                    span,
                    format!(
                        "board `{}` ({}) does not support interface `{}`",
                        board.name,
                        board.family.as_str(),
                        interface.as_str()
                    ),
                )
                .help(why);
            self.push(e);
        }
        let input_type = self.bus_type(&b.input_type);
        let output_type = self.bus_type(&b.output_type);
        let clock_period = match &b.clock_period {
            Some(c) if !(c.get_ref().is_finite() && *c.get_ref() > 0.0) => {
                let e = self.error(
                    c.span(),
                    format!("clock_period must be a positive number of ns, got {}", c.get_ref()),
                );
                self.push(e);
                return None;
            }
            Some(c) => *c.get_ref(),
            None => 10.0,
        };
        Some(BoardConfig {
            board,
            interface,
            input_type,
            output_type,
            clock_period,
        })
    }

    fn hls(&mut self, h: &RawHls) -> Option<HlsConfig> {
        let io_type = match &h.io_type {
            Some(v) => self.choice(
                "io_type",
                v,
                &[("io_parallel", IoType::Parallel), ("io_stream", IoType::Stream)],
            ),
            None => Some(IoType::Parallel),
        };
        let precision = match &h.precision {
            Some(p) if p.get_ref() == "auto" => {
                let e = self.error(p.span(), "the model precision cannot be \"auto\"").help(
                    "omit `precision` for the accuracy-keeping default, or give a type such as \"ap_fixed<16,6>\"",
                );
                self.push(e);
                None
            }
            Some(p) => self.fixed_type(p),
            None => None,
        };
        let reuse_factor = match &h.reuse_factor {
            Some(r) => self.positive("reuse_factor", r, 1 << 20),
            None => Some(1),
        };
        let strategy = match &h.strategy {
            Some(s) => self.choice("strategy", s, STRATEGIES),
            None => Some(Strategy::Latency),
        };
        let tool = match &h.tool {
            Some(t) => self.choice(
                "tool",
                t,
                &[
                    ("auto", Tool::Auto),
                    ("vivado_hls", Tool::VivadoHls),
                    ("vitis_hls", Tool::VitisHls),
                ],
            ),
            None => Some(Tool::Auto),
        };
        let output_dir = h
            .output_dir
            .as_ref()
            .map_or_else(|| self.dir.join("hls4ml_prj"), |o| self.path(o));
        let calibration = h.calibration.as_ref().map(|c| {
            let p = self.path(c);
            if !p.is_file() {
                let e = self.error(c.span(), format!("calibration file not found: {}", p.display()));
                self.push(e);
            }
            p
        });
        Some(HlsConfig {
            io_type: io_type?,
            precision,
            reuse_factor: reuse_factor?,
            strategy: strategy?,
            output_dir,
            tool: tool?,
            calibration,
        })
    }

    fn layer(&mut self, name: &Spanned<String>, l: &RawLayer) -> Option<LayerOverride> {
        let before = self.errors.len();
        let o = LayerOverride {
            name: name.get_ref().clone(),
            name_span: name.span(),
            result: self.precision(&l.result),
            weight: self.precision(&l.weight),
            bias: self.precision(&l.bias),
            accum: self.precision(&l.accum),
            table: self.precision(&l.table),
            reuse_factor: l
                .reuse_factor
                .as_ref()
                .and_then(|r| self.positive("reuse_factor", r, 1 << 20)),
            strategy: l.strategy.as_ref().and_then(|s| self.choice("strategy", s, STRATEGIES)),
            table_size: l
                .table_size
                .as_ref()
                .and_then(|t| self.positive("table_size", t, 1 << 16)),
            implementation: l.implementation.as_ref().and_then(|i| {
                self.choice(
                    "softmax implementation",
                    i,
                    &[
                        ("stable", SoftmaxImpl::Stable),
                        ("latency", SoftmaxImpl::Latency),
                        ("argmax", SoftmaxImpl::Argmax),
                    ],
                )
            }),
            skip: l.skip.as_ref().is_some_and(|s| *s.get_ref()),
            spans: OverrideSpans {
                weight: l.weight.as_ref().map(Spanned::span),
                bias: l.bias.as_ref().map(Spanned::span),
                accum: l.accum.as_ref().map(Spanned::span),
                table: l
                    .table
                    .as_ref()
                    .map(Spanned::span)
                    .or(l.table_size.as_ref().map(Spanned::span)),
                implementation: l.implementation.as_ref().map(Spanned::span),
                skip: l.skip.as_ref().map(Spanned::span),
            },
        };
        (self.errors.len() == before).then_some(o)
    }
}

const STRATEGIES: Choices<'static, Strategy> = &[("latency", Strategy::Latency), ("resource", Strategy::Resource)];

/// Names a model cannot take: C++11 and Rust keywords, and names the generated C++ already uses.
#[rustfmt::skip]
const RESERVED_NAMES: &[&str] = &[
    // C++11 keywords
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char",
    "char16_t", "char32_t", "class", "compl", "const", "constexpr", "const_cast", "continue", "decltype", "default",
    "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast", "return",
    "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual",
    "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "main",
    // Rust keywords (the module name)
    "as", "crate", "dyn", "fn", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "self",
    "super", "trait", "type", "unsafe", "use", "where", "async", "await", "abstract", "become", "box", "final",
    "macro", "override", "priv", "typeof", "unsized", "yield", "std", "core",
    // names of the generated C++
    "nnet", "hls", "input", "output", "input_t", "result_t", "N_IN", "N_OUT", "layer",
];
