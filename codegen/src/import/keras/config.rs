//! The architecture JSON (`model.to_json()`, `model_config`, `config.json`), normalised to a list
//! of layers in order, each with the names of the layers that feed it.
//!
//! Three shapes of model are read: a functional `Model`/`Functional` (`config.layers`, each with
//! `inbound_nodes` in the Keras 2 form `[[["name", 0, 0, {}]]]` or the Keras 3 form
//! `[{"args": [keras tensor…], "kwargs": {}}]`), a `Sequential` whose `config` holds `layers`, and
//! an old `Sequential` whose `config` is the list of layers itself.

use super::KerasVersion;
use crate::diag::{Error, Result};
use serde_json::{Map, Value};

/// Name of the input layer made up for a `Sequential` model that has none (hls4ml's name).
pub(super) const SEQUENTIAL_INPUT_NAME: &str = "input1";

/// One Keras layer.
#[derive(Debug, Clone)]
pub(super) struct LayerSpec {
    /// The layer's name.
    pub name: String,
    /// The Keras class, e.g. `Dense`.
    pub class_name: String,
    /// The layer's `config` object.
    pub config: Map<String, Value>,
    /// The layers feeding this one, in order (empty for an input layer).
    pub inbound: Vec<String>,
    /// True for the input layer made up for a `Sequential` model that lists none.
    pub synthetic: bool,
}

/// A whole model.
#[derive(Debug, Clone)]
pub(super) struct ModelSpec {
    /// The layers, as listed (Keras lists them in topological order).
    pub layers: Vec<LayerSpec>,
    /// The names of the model's output layers, when the file says (functional models).
    pub outputs: Vec<String>,
    /// The top-level `keras_version`, if any.
    pub keras_version: Option<String>,
    /// `Some(KerasVersion::Three)` when the JSON's syntax is Keras 3's alone (dictionary inbound
    /// nodes, an input layer's `batch_shape`).
    pub syntax_version: Option<KerasVersion>,
}

impl ModelSpec {
    /// Parses an architecture JSON.
    pub fn parse(text: &str) -> Result<ModelSpec> {
        let root: Value = serde_json::from_str(text)
            .map_err(|e| Error::new(format!("the Keras architecture is not valid JSON: {e}")))?;
        let root = root
            .as_object()
            .ok_or_else(|| Error::new("the Keras architecture is not a JSON object"))?;
        let class_name = root.get("class_name").and_then(Value::as_str).ok_or_else(|| {
            Error::new("the Keras architecture has no `class_name` (expected `Sequential`, `Model` or `Functional`)")
        })?;
        let config = root
            .get("config")
            .ok_or_else(|| Error::new("the Keras architecture has no `config`"))?;
        let keras_version = root.get("keras_version").and_then(Value::as_str).map(str::to_owned);
        let mut spec = match class_name {
            "Sequential" => parse_sequential(config)?,
            "Model" | "Functional" => parse_functional(config)?,
            other => {
                return Err(Error::new(format!(
                    "the Keras model has class `{other}`; only `Sequential` and functional models (`Model`, \
                     `Functional`) are supported"
                )))
            }
        };
        spec.keras_version = keras_version;
        // Only Keras 3 writes an input layer's `batch_shape`.
        if spec
            .layers
            .iter()
            .any(|l| l.class_name == "InputLayer" && l.config.contains_key("batch_shape"))
        {
            spec.syntax_version = Some(KerasVersion::Three);
        }
        Ok(spec)
    }
}

/// The layer's name: its top-level `name`, else `config.name`.
fn layer_name(layer: &Map<String, Value>, index: usize) -> Result<String> {
    layer
        .get("name")
        .and_then(Value::as_str)
        .or_else(|| layer.get("config").and_then(|c| c.get("name")).and_then(Value::as_str))
        .map(str::to_owned)
        .ok_or_else(|| Error::new(format!("layer #{index} of the Keras architecture has no name")))
}

/// The layer's class name and config object.
fn class_and_config(layer: &Map<String, Value>, name: &str) -> Result<(String, Map<String, Value>)> {
    let class = layer
        .get("class_name")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::new(format!("layer `{name}` has no `class_name`")))?;
    let config = match layer.get("config") {
        Some(Value::Object(c)) => c.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            return Err(Error::new(format!(
                "layer `{name}` ({class}): `config` is not an object"
            )))
        }
    };
    Ok((class.to_owned(), config))
}

fn layer_objects(list: &Value, what: &str) -> Result<Vec<Map<String, Value>>> {
    let list = list
        .as_array()
        .ok_or_else(|| Error::new(format!("the {what} `layers` is not a list")))?;
    list.iter()
        .enumerate()
        .map(|(i, l)| {
            l.as_object()
                .cloned()
                .ok_or_else(|| Error::new(format!("layer #{i} of the {what} is not a JSON object")))
        })
        .collect()
}

fn parse_sequential(config: &Value) -> Result<ModelSpec> {
    let (list, build_shape) = match config {
        Value::Array(_) => (config, None),
        Value::Object(c) => (
            c.get("layers")
                .ok_or_else(|| Error::new("the Sequential model's config has no `layers`"))?,
            c.get("build_input_shape"),
        ),
        _ => {
            return Err(Error::new(
                "the Sequential model's `config` is neither a list nor an object",
            ))
        }
    };
    let objects = layer_objects(list, "Sequential model")?;
    let mut layers = Vec::with_capacity(objects.len() + 1);
    for (i, obj) in objects.iter().enumerate() {
        let name = layer_name(obj, i)?;
        let (class_name, config) = class_and_config(obj, &name)?;
        if i == 0 && class_name != "InputLayer" {
            // The input shape sits on the first layer (`batch_input_shape`) or on the model.
            let shape = config
                .get("batch_input_shape")
                .or_else(|| config.get("batch_shape"))
                .or(build_shape)
                .cloned()
                .ok_or_else(|| {
                    Error::new(format!(
                        "the Sequential model has no input layer, and its first layer `{name}` has no \
                         `batch_input_shape`: the input shape is unknown"
                    ))
                })?;
            let mut input_config = Map::new();
            input_config.insert("batch_input_shape".into(), shape);
            layers.push(LayerSpec {
                name: SEQUENTIAL_INPUT_NAME.into(),
                class_name: "InputLayer".into(),
                config: input_config,
                inbound: vec![],
                synthetic: true,
            });
        }
        let inbound = layers
            .last()
            .map(|l: &LayerSpec| vec![l.name.clone()])
            .unwrap_or_default();
        layers.push(LayerSpec {
            name,
            class_name,
            config,
            inbound,
            synthetic: false,
        });
    }
    Ok(ModelSpec {
        layers,
        outputs: vec![],
        keras_version: None,
        syntax_version: None,
    })
}

fn parse_functional(config: &Value) -> Result<ModelSpec> {
    let config = config
        .as_object()
        .ok_or_else(|| Error::new("the functional model's `config` is not an object"))?;
    let objects = layer_objects(
        config
            .get("layers")
            .ok_or_else(|| Error::new("the functional model's config has no `layers`"))?,
        "functional model",
    )?;
    let mut keras3 = false;
    let mut layers = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        let name = layer_name(obj, i)?;
        let (class_name, layer_config) = class_and_config(obj, &name)?;
        let inbound = match obj.get("inbound_nodes") {
            None | Some(Value::Null) => vec![],
            Some(Value::Array(nodes)) => {
                if nodes.len() > 1 {
                    return Err(Error::new(format!(
                        "layer `{name}` ({class_name}) is called {} times: shared layers are not supported",
                        nodes.len()
                    )));
                }
                match nodes.first() {
                    None => vec![],
                    Some(node) => {
                        keras3 |= node.is_object();
                        node_inputs(node).map_err(|e| Error::new(format!("layer `{name}` ({class_name}): {e}")))?
                    }
                }
            }
            Some(_) => {
                return Err(Error::new(format!(
                    "layer `{name}` ({class_name}): `inbound_nodes` is not a list"
                )))
            }
        };
        layers.push(LayerSpec {
            name,
            class_name,
            config: layer_config,
            inbound,
            synthetic: false,
        });
    }
    for (key, what) in [("input_layers", "inputs"), ("output_layers", "outputs")] {
        if let Some(v) = config.get(key) {
            let names = endpoint_names(v).map_err(|e| Error::new(format!("`{key}`: {e}")))?;
            if names.len() > 1 {
                return Err(Error::new(format!(
                    "the model has {} {what} ({}): only models with a single input and a single output are supported",
                    names.len(),
                    names.join(", ")
                )));
            }
        }
    }
    let outputs = match config.get("output_layers") {
        Some(v) => endpoint_names(v).map_err(|e| Error::new(format!("`output_layers`: {e}")))?,
        None => vec![],
    };
    let syntax_version = keras3.then_some(KerasVersion::Three);
    Ok(ModelSpec {
        layers,
        outputs,
        keras_version: None,
        syntax_version,
    })
}

/// The producers named by one inbound node.
fn node_inputs(node: &Value) -> std::result::Result<Vec<String>, String> {
    match node {
        // Keras 2: a list of `[name, node_index, tensor_index, kwargs]`.
        Value::Array(entries) => entries
            .iter()
            .map(|e| {
                let e = e.as_array().ok_or("an inbound node entry is not a list")?;
                history_name(e)
            })
            .collect(),
        // Keras 3: `{"args": [...], "kwargs": {...}}` with keras tensors (possibly in nested lists).
        Value::Object(obj) => {
            let mut names = Vec::new();
            if let Some(args) = obj.get("args") {
                collect_keras_tensors(args, &mut names, 0)?;
            }
            Ok(names)
        }
        _ => Err("an inbound node is neither a list nor an object".into()),
    }
}

/// The layer name of a `[name, node_index, tensor_index, …]` entry.
fn history_name(entry: &[Value]) -> std::result::Result<String, String> {
    let name = entry
        .first()
        .and_then(Value::as_str)
        .ok_or("an inbound entry does not start with a layer name")?;
    let index = |i: usize| entry.get(i).and_then(Value::as_u64).unwrap_or(0);
    if index(1) != 0 {
        return Err(format!(
            "it reads the output of call #{} of layer `{name}`: shared layers are not supported",
            index(1)
        ));
    }
    if index(2) != 0 {
        return Err(format!(
            "it reads output #{} of layer `{name}`: layers with several outputs are not supported",
            index(2)
        ));
    }
    Ok(name.to_owned())
}

fn collect_keras_tensors(v: &Value, out: &mut Vec<String>, depth: usize) -> std::result::Result<(), String> {
    if depth > 16 {
        return Err("the inbound node is nested too deeply".into());
    }
    match v {
        Value::Array(items) => {
            for item in items {
                collect_keras_tensors(item, out, depth + 1)?;
            }
            Ok(())
        }
        Value::Object(obj) if obj.get("class_name").and_then(Value::as_str) == Some("__keras_tensor__") => {
            let history = obj
                .get("config")
                .and_then(|c| c.get("keras_history"))
                .and_then(Value::as_array)
                .ok_or("a keras tensor has no `keras_history`")?;
            out.push(history_name(history)?);
            Ok(())
        }
        // Constants (numbers, strings, other objects) are not inputs.
        _ => Ok(()),
    }
}

/// The layer names of `input_layers`/`output_layers`: `["name", 0, 0]` (one) or a list of them.
fn endpoint_names(v: &Value) -> std::result::Result<Vec<String>, String> {
    let list = v.as_array().ok_or("not a list")?;
    if list.first().is_some_and(Value::is_string) {
        return Ok(vec![history_name(list)?]);
    }
    list.iter()
        .map(|e| history_name(e.as_array().ok_or("an entry is not a list")?))
        .collect()
}
