//! [`Project::load`]: the one entry that reads the TOML, imports the model and resolves precisions.

use crate::config::{Config, ModelSource};
use crate::diag::{Diagnostic, Error, Result};
use crate::ir::{Graph, LayerKind};
use crate::{import, precision};
use std::path::{Path, PathBuf};

/// A model+board TOML with its imported model, every layer's configuration resolved.
///
/// ```no_run
/// let project = hls4ml_codegen::Project::load("models/jet_tagger/jet_tagger.toml")?;
/// println!("{} layers, input {:?}", project.graph.layers.len(), project.graph.input_shape());
/// # Ok::<(), hls4ml_codegen::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Project {
    /// The validated TOML.
    pub config: Config,
    /// The model, with skipped layers removed and configurations resolved.
    pub graph: Graph,
    /// Warnings found on the way (weights that do not fit their type, …).
    pub warnings: Vec<Diagnostic>,
    /// Every file read (the TOML, the model files, the calibration data): what a build script
    /// must watch.
    pub files_read: Vec<PathBuf>,
}

impl Project {
    /// Loads a project from its model+board TOML file.
    pub fn load(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref();
        let config = Config::load(path)?;
        Project::from_config(config, path)
    }

    /// Loads a project from TOML text named `path` (relative paths resolve against its directory).
    pub fn parse(path: impl AsRef<Path>, text: &str) -> Result<Project> {
        let path = path.as_ref();
        let config = Config::parse(path, text)?;
        Project::from_config(config, path)
    }

    fn from_config(config: Config, toml_path: &Path) -> Result<Project> {
        let mut files_read = vec![toml_path.to_path_buf()];
        files_read.extend(config.model.source.files().into_iter().map(Path::to_path_buf));
        let mut graph = match &config.model.source {
            ModelSource::Keras { path, weights } => import::keras(path, weights.as_deref()),
            ModelSource::Onnx { path } => import::onnx(path),
        }?;
        apply_skips(&config, &mut graph)?;
        let ranges = match &config.hls.calibration {
            Some(path) if config.hls.precision.is_none() => {
                files_read.push(path.clone());
                let x = hls4ml_runtime::npy::read_f32(path).map_err(|e| Error::in_file(path, e.message))?;
                let n_in = graph.input().output_size();
                if x.row_len() != n_in {
                    return Err(Error::in_file(
                        path,
                        format!(
                            "calibration inputs have shape {:?}; the model takes samples of shape {:?} ({n_in} values)",
                            x.shape,
                            graph.input_shape()
                        ),
                    ));
                }
                Some(precision::calibrate(&graph, &x.data))
            }
            _ => None,
        };
        let overrides: Vec<_> = config.layers.iter().filter(|o| !o.skip).cloned().collect();
        let warnings = precision::resolve(&mut graph, &config.hls, &overrides, ranges.as_ref(), &config.source)?;
        Ok(Project {
            config,
            graph,
            warnings,
            files_read,
        })
    }

    /// The model name (C++ top function, Rust module).
    pub fn name(&self) -> &str {
        &self.config.model.name
    }
}

/// Drops the layers marked `skip = true` (an output softmax: the outputs become the logits).
fn apply_skips(config: &Config, graph: &mut Graph) -> Result<()> {
    for o in config.layers.iter().filter(|o| o.skip) {
        let Some(id) = graph.find(&o.name) else {
            return Err(precision::unknown_layer(graph, o, &config.source));
        };
        let is_output = id == graph.layers.len() - 1;
        let span = o.spans.skip.clone().unwrap_or(o.name_span.clone());
        if !matches!(graph.layers[id].kind, LayerKind::Softmax) {
            return Err(Error::at(
                &config.source,
                span,
                format!(
                    "only a softmax can be skipped; `{}` is a {}",
                    o.name,
                    graph.layers[id].kind.class_name()
                ),
            ));
        }
        if !is_output {
            return Err(Error::at(
                &config.source,
                span,
                format!(
                    "softmax `{}` is not the model's output; only the output softmax can be skipped",
                    o.name
                ),
            ));
        }
        graph.bypass(id);
    }
    Ok(())
}
