//! Keras weights in HDF5, in either of the two layouts Keras writes:
//!
//! - **by name** (Keras 2 `save_weights`, and `model_weights/` of a full-model `.h5` from Keras 2 or
//!   Keras 3's legacy format): the attribute `layer_names` lists the layers; each layer's group
//!   has the attribute `weight_names` (`fc1/kernel:0`, `fc1/bias:0`, …), each the path of a dataset
//!   inside that group;
//! - **by position** (Keras 3 `model.weights.h5`): `layers/<object path>/vars/0`, `1`, … in the
//!   layer's weight order, with the layer's name in the attribute `name` of `vars`.
//!
//! A dataset's shape is checked against what the layer needs, and its size against what the file
//! can hold, before any of it is read.

use super::config::ModelSpec;
use crate::diag::{Error, Result};
use crate::ir::Tensor;
use hdf5_pure::{AttrValue, DType, Dataset, File, Group};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// The most bytes one weight tensor may take once read (a guard against corrupt size fields in
/// compressed datasets; uncompressed ones are bounded by the file's length).
const MAX_TENSOR_BYTES: u64 = 1 << 30;
/// Deflate cannot expand data by more than about 1032 times.
const MAX_COMPRESSION_RATIO: u64 = 1100;
/// More dimensions than any Keras weight has.
const MAX_RANK: usize = 8;

/// Runs an `hdf5-pure` call. A malformed file must give an error and never take the caller down;
/// `hdf5-pure` returns errors for the corrupt files tried, but it is young, so a panic inside it
/// is caught here as a last resort and reported as corrupt data. Sizes are validated before
/// reading, so this is not the main line of defence.
fn guarded<T>(what: impl FnOnce() -> std::result::Result<T, hdf5_pure::Error>) -> std::result::Result<T, String> {
    match catch_unwind(AssertUnwindSafe(what)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the HDF5 reader failed on malformed data".into()),
    }
}

/// The strings of a string attribute; an empty numeric array (how h5py writes an empty
/// `weight_names`) is an empty list.
fn attr_strings(v: &AttrValue) -> Option<Vec<String>> {
    if let Some(s) = v.as_strings() {
        return Some(s.to_vec());
    }
    match v {
        AttrValue::F64Array(a) if a.is_empty() => Some(vec![]),
        AttrValue::F32Array(a) if a.is_empty() => Some(vec![]),
        AttrValue::I64Array(a) if a.is_empty() => Some(vec![]),
        _ => None,
    }
}

/// An open HDF5 file holding Keras weights (and, for a full-model `.h5`, the architecture).
pub(super) struct WeightFile {
    path: PathBuf,
    file: File,
    len: u64,
}

impl WeightFile {
    /// Opens the HDF5 file whose bytes are `bytes` (read from `path`, named in messages).
    pub fn open(path: &Path, bytes: Vec<u8>) -> Result<WeightFile> {
        let len = bytes.len() as u64;
        let file = guarded(|| File::from_bytes(bytes))
            .map_err(|e| Error::in_file(path, format!("cannot read the HDF5 file (truncated or corrupt?): {e}")))?;
        // Parts of a file cut short can go unnoticed (an attribute whose value lies past the end is
        // skipped rather than reported), so the length the superblock records is checked first.
        let eof = file.superblock().eof_address;
        if eof > len {
            return Err(Error::in_file(
                path,
                format!("the HDF5 file is truncated or corrupt: it has {len} bytes, but its superblock says {eof}"),
            ));
        }
        Ok(WeightFile {
            path: path.to_path_buf(),
            file,
            len,
        })
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::in_file(&self.path, message)
    }

    fn corrupt(&self, what: &str, e: String) -> Error {
        self.error(format!(
            "cannot read {what} (the HDF5 file is truncated or corrupt?): {e}"
        ))
    }

    fn attrs(&self, group: &Group, what: &str) -> Result<HashMap<String, AttrValue>> {
        guarded(|| group.attrs()).map_err(|e| self.corrupt(&format!("the attributes of {what}"), e))
    }

    fn child_groups(&self, group: &Group, what: &str) -> Result<Vec<String>> {
        guarded(|| group.groups()).map_err(|e| self.corrupt(&format!("the groups in {what}"), e))
    }

    fn group(&self, parent: &Group, name: &str, what: &str) -> Result<Group> {
        guarded(|| parent.group(name)).map_err(|e| self.corrupt(what, e))
    }

    /// The `keras_version` attribute of the root or of `model_weights/`.
    pub fn keras_version(&self) -> Option<String> {
        let root = self.file.root();
        let from = |g: &Group| {
            guarded(|| g.attrs())
                .ok()
                .and_then(|a| a.get("keras_version").and_then(|v| v.as_str().map(str::to_owned)))
        };
        from(&root).or_else(|| guarded(|| self.file.group("model_weights")).ok().and_then(|g| from(&g)))
    }

    /// The architecture JSON of a full-model file (root attribute `model_config`), if present.
    pub fn model_config(&self) -> Result<Option<String>> {
        let attrs = self.attrs(&self.file.root(), "the root group")?;
        match attrs.get("model_config") {
            None => Ok(None),
            Some(v) => match v.as_str() {
                Some(s) => Ok(Some(s.to_owned())),
                None => Err(self.error("the attribute `model_config` is not a string")),
            },
        }
    }

    /// True when the file has weights in one of the two layouts.
    pub fn has_weights(&self) -> bool {
        let root = self.file.root();
        guarded(|| root.attrs()).is_ok_and(|a| a.contains_key("layer_names"))
            || guarded(|| root.groups()).is_ok_and(|g| g.iter().any(|n| n == "layers" || n == "model_weights"))
    }

    /// The weights, located for the layers of `spec`.
    pub fn weights(&self, spec: &ModelSpec) -> Result<WeightStore<'_>> {
        let root = self.file.root();
        let root_groups = self.child_groups(&root, "the root group")?;
        let base = if root_groups.iter().any(|g| g == "model_weights") {
            self.group(&root, "model_weights", "the group `model_weights`")?
        } else {
            root.clone()
        };
        let base_attrs = self.attrs(&base, "the weights group")?;
        if let Some(names) = base_attrs.get("layer_names") {
            let names = attr_strings(names)
                .ok_or_else(|| self.error("the attribute `layer_names` is not a list of strings"))?;
            return Ok(WeightStore {
                file: self,
                layout: Layout::ByName {
                    base,
                    layer_names: names,
                },
            });
        }
        if root_groups.iter().any(|g| g == "layers") {
            let layers = self.group(&root, "layers", "the group `layers`")?;
            let groups = self.vars_groups(&layers, spec)?;
            return Ok(WeightStore {
                file: self,
                layout: Layout::ByPosition { groups },
            });
        }
        Err(self
            .error("no Keras weights in this HDF5 file: it has neither a `layer_names` attribute nor a `layers` group"))
    }

    /// Maps each layer name to its `vars` group in the Keras 3 layout: by the `name` attribute of
    /// `vars` where present, else by the object path Keras derives from the class names.
    fn vars_groups(&self, layers: &Group, spec: &ModelSpec) -> Result<HashMap<String, Group>> {
        let mut by_name = HashMap::new();
        let mut by_path = HashMap::new();
        for path in self.child_groups(layers, "the group `layers`")? {
            let what = format!("the group `layers/{path}`");
            let layer_group = self.group(layers, &path, &what)?;
            if !self.child_groups(&layer_group, &what)?.iter().any(|g| g == "vars") {
                continue;
            }
            let vars = self.group(&layer_group, "vars", &format!("the group `layers/{path}/vars`"))?;
            let attrs = self.attrs(&vars, &format!("the group `layers/{path}/vars`"))?;
            if let Some(name) = attrs.get("name").and_then(|v| v.as_str()) {
                by_name.insert(name.to_owned(), vars.clone());
            }
            by_path.insert(path, vars);
        }
        // Keras 3 names each layer's object path after its class, in snake case, numbering repeats.
        let mut used: HashMap<String, usize> = HashMap::new();
        for layer in spec.layers.iter().filter(|l| !l.synthetic) {
            let base = snake_case(&layer.class_name);
            let count = used.entry(base.clone()).or_insert(0);
            let path = if *count == 0 { base } else { format!("{base}_{count}") };
            *count += 1;
            if !by_name.contains_key(&layer.name) {
                if let Some(g) = by_path.get(&path) {
                    by_name.insert(layer.name.clone(), g.clone());
                }
            }
        }
        Ok(by_name)
    }
}

/// Keras's `to_snake_case` of a class name: `Dense` → `dense`, `BatchNormalization` →
/// `batch_normalization`, `Conv2D` → `conv2d`, `LeakyReLU` → `leaky_re_lu`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
    // Step 1: an underscore before every capital that starts a lowercase run (`(.)([A-Z][a-z]+)`).
    let mut step1 = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()) {
            step1.push('_');
        }
        step1.push(c);
    }
    // Step 2: an underscore between a lowercase letter and a capital (`([a-z])([A-Z])`).
    let chars: Vec<char> = step1.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() && chars[i - 1].is_ascii_lowercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

enum Layout {
    ByName { base: Group, layer_names: Vec<String> },
    ByPosition { groups: HashMap<String, Group> },
}

/// The weights of a model, located but not yet read.
pub(super) struct WeightStore<'f> {
    file: &'f WeightFile,
    layout: Layout,
}

impl WeightStore<'_> {
    /// The weight arrays of layer `name` (described as `label` in messages), in the layer's order.
    pub fn layer(&self, name: &str, label: &str) -> Result<LayerWeights<'_>> {
        let file = self.file;
        let entries = match &self.layout {
            Layout::ByName { base, layer_names } => {
                if !layer_names.iter().any(|n| n == name) {
                    return Err(file.error(format!(
                        "{label}: the weights file has no weights for this layer (its `layer_names` are: {})",
                        layer_names.join(", ")
                    )));
                }
                let group = file.group(base, name, &format!("the weights group of {label}"))?;
                let attrs = file.attrs(&group, &format!("the weights group of {label}"))?;
                let names = match attrs.get("weight_names") {
                    None => vec![],
                    Some(v) => attr_strings(v).ok_or_else(|| {
                        file.error(format!(
                            "{label}: the attribute `weight_names` is not a list of strings"
                        ))
                    })?,
                };
                names
                    .into_iter()
                    .map(|w| {
                        let dataset = guarded(|| group.dataset(&w))
                            .map_err(|e| file.corrupt(&format!("the weight `{w}` of {label}"), e))?;
                        Ok(Entry {
                            key: short_name(&w).to_owned(),
                            label: w,
                            dataset,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
            }
            Layout::ByPosition { groups } => {
                let Some(vars) = groups.get(name) else {
                    return Err(file.error(format!(
                        "{label}: the weights file has no `layers/…/vars` group for this layer"
                    )));
                };
                let what = format!("the weights of {label}");
                let names = guarded(|| vars.datasets()).map_err(|e| file.corrupt(&what, e))?;
                let mut indexed: Vec<(usize, String)> = names
                    .into_iter()
                    .map(|n| match n.parse::<usize>() {
                        Ok(i) => Ok((i, n)),
                        Err(_) => {
                            Err(file.error(format!("{label}: unexpected weight `{n}` in `vars` (expected 0, 1, …)")))
                        }
                    })
                    .collect::<Result<_>>()?;
                indexed.sort();
                if indexed.iter().enumerate().any(|(pos, (i, _))| pos != *i) {
                    return Err(file.error(format!("{label}: the weights in `vars` are not numbered 0, 1, …")));
                }
                indexed
                    .into_iter()
                    .map(|(_, n)| {
                        let dataset = guarded(|| vars.dataset(&n))
                            .map_err(|e| file.corrupt(&format!("weight #{n} of {label}"), e))?;
                        Ok(Entry {
                            key: String::new(),
                            label: format!("vars/{n}"),
                            dataset,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
            }
        };
        Ok(LayerWeights {
            file,
            label: label.to_owned(),
            entries,
        })
    }
}

/// `fc1/kernel:0` → `kernel`.
fn short_name(weight_name: &str) -> &str {
    let last = weight_name.rsplit('/').next().unwrap_or(weight_name);
    match last.rsplit_once(':') {
        Some((stem, n)) if n.bytes().all(|b| b.is_ascii_digit()) => stem,
        _ => last,
    }
}

struct Entry {
    /// The short name (`kernel`), empty in the positional layout.
    key: String,
    /// How the weight is named in the file, for messages.
    label: String,
    dataset: Dataset,
}

/// The weight arrays of one layer.
pub(super) struct LayerWeights<'f> {
    file: &'f WeightFile,
    label: String,
    entries: Vec<Entry>,
}

impl LayerWeights<'_> {
    /// Checks the layer has exactly the weights `keys` (by name where the file names them, else by
    /// count), so that the positional layout can be read by index.
    pub fn expect(&self, keys: &[&str]) -> Result<()> {
        let named = self.entries.iter().all(|e| !e.key.is_empty());
        let found: Vec<&str> = self.entries.iter().map(|e| e.label.as_str()).collect();
        let ok = if named {
            keys.iter().all(|k| self.entries.iter().any(|e| e.key == *k))
        } else {
            self.entries.len() == keys.len()
        };
        if ok {
            Ok(())
        } else {
            Err(self.file.error(format!(
                "{}: expected the weights [{}] in the weights file, found [{}]",
                self.label,
                keys.join(", "),
                found.join(", ")
            )))
        }
    }

    /// Reads the weight `key` (the `index`-th of the keys given to [`expect`](Self::expect)),
    /// which must have the shape `expected`.
    pub fn read(&self, key: &str, index: usize, expected: &[usize]) -> Result<Tensor> {
        let entry = self
            .entries
            .iter()
            .find(|e| !e.key.is_empty() && e.key == key)
            .or_else(|| {
                self.entries
                    .iter()
                    .all(|e| e.key.is_empty())
                    .then(|| self.entries.get(index))
                    .flatten()
            })
            .ok_or_else(|| {
                self.file
                    .error(format!("{}: no `{key}` in the weights file", self.label))
            })?;
        let file = self.file;
        let what = format!("`{}` of {}", entry.label, self.label);
        let ds = &entry.dataset;
        let dims = guarded(|| ds.shape()).map_err(|e| file.corrupt(&format!("the shape of {what}"), e))?;
        if dims.len() > MAX_RANK {
            return Err(file.error(format!("{what} has {} dimensions: the file is corrupt", dims.len())));
        }
        let shape: Vec<usize> = dims.iter().map(|&d| usize::try_from(d).unwrap_or(usize::MAX)).collect();
        if shape != expected {
            return Err(file.error(format!(
                "{}: the {key} in the weights file has shape {shape:?}, but the layer needs {expected:?}",
                self.label
            )));
        }
        let elem_bytes: u64 =
            match guarded(|| ds.dtype()).map_err(|e| file.corrupt(&format!("the type of {what}"), e))? {
                DType::F32 => 4,
                DType::F64 => 8,
                other => return Err(file.error(format!("{what} holds {other} values; expected 32- or 64-bit floats"))),
            };
        let count = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d));
        let bytes = count.and_then(|c| c.checked_mul(elem_bytes));
        let filtered = !guarded(|| Ok(ds.filters())).unwrap_or_default().is_empty();
        let limit = if filtered {
            file.len.saturating_mul(MAX_COMPRESSION_RATIO).min(MAX_TENSOR_BYTES)
        } else {
            file.len
        };
        match bytes {
            Some(b) if b <= limit => {}
            _ => {
                return Err(file.error(format!(
                    "{what} claims {shape:?} elements, more than the file can hold: the file is truncated or corrupt"
                )))
            }
        }
        let data = guarded(|| ds.read_f32()).map_err(|e| file.corrupt(&what, e))?;
        Tensor::new(shape, data).ok_or_else(|| {
            file.error(format!(
                "{what}: the data read does not match its shape: the file is truncated or corrupt"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_keras() {
        assert_eq!(snake_case("Dense"), "dense");
        assert_eq!(snake_case("BatchNormalization"), "batch_normalization");
        assert_eq!(snake_case("Conv2D"), "conv2d");
        assert_eq!(snake_case("Conv1D"), "conv1d");
        assert_eq!(snake_case("InputLayer"), "input_layer");
        assert_eq!(snake_case("LeakyReLU"), "leaky_re_lu");
        assert_eq!(snake_case("MaxPooling2D"), "max_pooling2d");
    }

    #[test]
    fn short_names_drop_the_path_and_the_index() {
        assert_eq!(short_name("fc1_relu/kernel:0"), "kernel");
        assert_eq!(short_name("fc1/bias"), "bias");
        assert_eq!(short_name("moving_mean:0"), "moving_mean");
    }
}
