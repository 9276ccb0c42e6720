//! Keras layers to IR layers, in the model's order, with [`GraphBuilder`] inferring shapes.
//!
//! A Dense or convolution with a non-linear `activation` becomes two layers: the layer itself and
//! an activation layer named `<layer>_<activation>` (hls4ml's naming). Dropout is removed.
//! Convolution and pooling `padding="same"` becomes explicit `(before, after)` padding, computed as
//! TensorFlow does.

use super::activations::{self, Act};
use super::config::{LayerSpec, ModelSpec};
use super::weights::WeightStore;
use super::KerasVersion;
use crate::diag::{Error, Result};
use crate::import::SUPPORTED_KERAS_LAYERS;
use crate::ir::{Activation, Graph, GraphBuilder, LayerId, LayerKind, Padding, PoolOp, Tensor};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The largest kernel size, stride, dilation, pool size or zero padding accepted.
const MAX_PARAM: usize = 1 << 16;
/// The largest size of one dimension of a layer's output.
const MAX_DIM: usize = 1 << 24;
/// The most elements one layer's output may have.
const MAX_ELEMENTS: usize = 1 << 28;

/// Builds the graph of `spec`, reading the weights from `store`.
pub(super) fn build(spec: &ModelSpec, store: &WeightStore<'_>, version: KerasVersion) -> Result<Graph> {
    let first = spec
        .layers
        .first()
        .ok_or_else(|| Error::new("the Keras model has no layers"))?;
    if first.class_name != "InputLayer" {
        return Err(Error::new(format!(
            "the first layer `{}` ({}) is not an InputLayer: the input shape is unknown",
            first.name, first.class_name
        )));
    }
    let input_shape = input_shape(first)?;
    let mut converter = Converter {
        b: GraphBuilder::new(first.name.clone(), input_shape),
        store,
        version,
    };
    let mut ids: HashMap<&str, LayerId> = HashMap::from([(first.name.as_str(), 0)]);
    for layer in &spec.layers[1..] {
        let label = format!("layer `{}` ({})", layer.name, layer.class_name);
        if layer.class_name == "InputLayer" {
            return Err(Error::new(format!(
                "{label}: the model has more than one input; only models with a single input are supported"
            )));
        }
        if layer.inbound.is_empty() {
            return Err(Error::new(format!("{label} has no input")));
        }
        let inputs = layer
            .inbound
            .iter()
            .map(|n| {
                ids.get(n.as_str())
                    .copied()
                    .ok_or_else(|| Error::new(format!("{label} reads `{n}`, which is not a layer listed before it")))
            })
            .collect::<Result<Vec<_>>>()?;
        let out = converter.convert(layer, &label, inputs)?;
        if ids.insert(layer.name.as_str(), out).is_some() {
            return Err(Error::new(format!("two layers are named `{}`", layer.name)));
        }
    }
    if let Some(output) = spec.outputs.first() {
        let id = *ids
            .get(output.as_str())
            .ok_or_else(|| Error::new(format!("the model's output `{output}` is not one of its layers")))?;
        if id != converter.b.last() {
            return Err(Error::new(format!(
                "the model's output `{output}` is not its last layer: layers after it compute nothing the model returns"
            )));
        }
    }
    converter.b.finish().map_err(Error::new)
}

/// The shape of one input sample: `batch_shape` (Keras 3) or `batch_input_shape` (Keras 2)
/// without the batch dimension.
fn input_shape(layer: &LayerSpec) -> Result<Vec<usize>> {
    let label = format!("input layer `{}`", layer.name);
    let full = layer
        .config
        .get("batch_shape")
        .or_else(|| layer.config.get("batch_input_shape"))
        .and_then(Value::as_array)
        .ok_or_else(|| Error::new(format!("{label} has no `batch_shape` / `batch_input_shape`")))?;
    if full.len() < 2 {
        return Err(Error::new(format!(
            "{label}: the input shape {full:?} has no dimension besides the batch"
        )));
    }
    let shape = full[1..]
        .iter()
        .map(|d| match d.as_u64() {
            Some(n) if (1..=MAX_DIM as u64).contains(&n) => Ok(n as usize),
            _ => Err(Error::new(format!(
                "{label}: the input shape {} has a dimension `{d}`; every dimension but the batch must be a fixed size \
                 from 1 to {MAX_DIM}",
                Value::Array(full.clone())
            ))),
        })
        .collect::<Result<Vec<_>>>()?;
    check_size(&shape, &label)?;
    Ok(shape)
}

/// Checks a layer's output is of a size the generator can handle.
fn check_size(shape: &[usize], label: &str) -> Result<()> {
    let n = shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
    match n {
        Some(n) if n <= MAX_ELEMENTS && shape.iter().all(|&d| d <= MAX_DIM) => Ok(()),
        _ => Err(Error::new(format!(
            "{label}: the output shape {shape:?} is too large (at most {MAX_ELEMENTS} elements are supported)"
        ))),
    }
}

struct Converter<'s, 'f> {
    b: GraphBuilder,
    store: &'s WeightStore<'f>,
    version: KerasVersion,
}

/// A layer's config, with typed accessors whose errors name the layer.
struct Cfg<'a> {
    map: &'a Map<String, Value>,
    label: &'a str,
}

impl Cfg<'_> {
    fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::new(format!("{}: {message}", self.label))
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn bool(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| self.error(format_args!("`{key}` is not true or false"))),
        }
    }

    fn f64(&self, key: &str, default: f64) -> Result<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v
                .as_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| self.error(format_args!("`{key}` is not a number"))),
        }
    }

    fn int(&self, v: &Value, key: &str, min: usize, max: usize) -> Result<usize> {
        match v.as_u64() {
            Some(n) if n >= min as u64 && n <= max as u64 => Ok(n as usize),
            _ => Err(self.error(format_args!("`{key}` = {v} is not an integer from {min} to {max}"))),
        }
    }

    /// A required integer.
    fn usize(&self, key: &str, min: usize, max: usize) -> Result<usize> {
        let v = self
            .get(key)
            .ok_or_else(|| self.error(format_args!("no `{key}` in the config")))?;
        self.int(v, key, min, max)
    }

    /// One integer per spatial dimension: an integer (the same for all) or a list of `dims`.
    fn ints(&self, key: &str, dims: usize, default: Option<usize>, min: usize) -> Result<Vec<usize>> {
        match self.get(key) {
            None => default
                .map(|d| vec![d; dims])
                .ok_or_else(|| self.error(format_args!("no `{key}` in the config"))),
            Some(Value::Array(items)) => {
                if items.len() != dims {
                    return Err(self.error(format_args!(
                        "`{key}` has {} entries for {dims} spatial dimension(s)",
                        items.len()
                    )));
                }
                items.iter().map(|v| self.int(v, key, min, MAX_PARAM)).collect()
            }
            Some(v) => Ok(vec![self.int(v, key, min, MAX_PARAM)?; dims]),
        }
    }

    fn string(&self, key: &str, default: &'static str) -> Result<String> {
        match self.get(key) {
            None => Ok(default.to_owned()),
            Some(v) => v
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| self.error(format_args!("`{key}` is not a string"))),
        }
    }

    /// Only channels-last data is supported.
    fn channels_last(&self) -> Result<()> {
        match self.string("data_format", "channels_last")?.as_str() {
            "channels_last" => Ok(()),
            other => Err(self.error(format_args!(
                "data_format `{other}` is not supported; only channels_last is (save the model with channels-last layers)"
            ))),
        }
    }

    /// The `activation` of a Dense or convolution, with its Keras name.
    fn activation(&self, version: KerasVersion) -> Result<(String, Act)> {
        let Some(v) = self.get("activation") else {
            return Ok(("linear".into(), Act::Elementwise(Activation::Linear)));
        };
        let name = activations::activation_name(v)
            .ok_or_else(|| self.error(format_args!("the activation {v} is not a built-in activation name")))?;
        let act = activations::parse(name, version).map_err(|e| e.context(self.label))?;
        Ok((name.to_owned(), act))
    }

    /// A softmax/normalisation axis, which must be the last one. `rank` counts the batch axis.
    fn last_axis(&self, key: &str, rank: usize, what: &str) -> Result<()> {
        let v = match self.get(key) {
            None => return Ok(()),
            Some(Value::Array(items)) if items.len() == 1 => &items[0],
            Some(v) => v,
        };
        let ok = match v.as_i64() {
            Some(-1) => true,
            Some(a) => a >= 0 && a as u64 == rank as u64 - 1,
            None => false,
        };
        if ok {
            Ok(())
        } else {
            Err(self.error(format_args!(
                "{what} over axis {v} is not supported; only the last axis (-1) is"
            )))
        }
    }
}

/// `(before, after)` padding of one spatial dimension, as TensorFlow computes it.
fn pad(mode: &str, n: usize, k: usize, stride: usize, dilation: usize) -> (usize, usize) {
    let span = (k - 1) * dilation + 1;
    match mode {
        "same" => {
            let out = n.div_ceil(stride);
            let total = ((out.max(1) - 1) * stride + span).saturating_sub(n);
            (total / 2, total - total / 2)
        }
        "causal" => (span - 1, 0),
        _ => (0, 0),
    }
}

impl Converter<'_, '_> {
    fn add(&mut self, name: String, kind: LayerKind, inputs: Vec<LayerId>, label: &str) -> Result<LayerId> {
        let prefix = format!("layer `{name}`: ");
        let id = self.b.add(name.clone(), kind, inputs).map_err(|e| {
            let detail = e.strip_prefix(&prefix).unwrap_or(&e);
            Error::new(format!("{label}: {detail}"))
        })?;
        check_size(self.b.shape(id), label)?;
        Ok(id)
    }

    /// Adds the activation of a Dense or convolution after it, named `<layer>_<activation>`.
    fn fused(&mut self, id: LayerId, layer: &str, (act_name, act): (String, Act), label: &str) -> Result<LayerId> {
        let kind = match act {
            a if a.is_linear() => return Ok(id),
            Act::Elementwise(a) => LayerKind::Activation(a),
            Act::Softmax => LayerKind::Softmax,
        };
        self.add(format!("{layer}_{act_name}"), kind, vec![id], label)
    }

    fn convert(&mut self, layer: &LayerSpec, label: &str, inputs: Vec<LayerId>) -> Result<LayerId> {
        let cfg = Cfg {
            map: &layer.config,
            label,
        };
        let name = layer.name.clone();
        let x: Vec<usize> = self.b.shape(inputs[0]).to_vec();
        let pool = |op| (op, if layer.class_name.ends_with("1D") { 1 } else { 2 });
        match layer.class_name.as_str() {
            "Dense" => self.dense(&cfg, name, inputs, &x),
            "Conv1D" => self.conv(&cfg, name, inputs, &x, 1),
            "Conv2D" => self.conv(&cfg, name, inputs, &x, 2),
            "MaxPooling1D" | "MaxPooling2D" => self.pool(&cfg, name, inputs, &x, pool(PoolOp::Max)),
            "AveragePooling1D" | "AveragePooling2D" => self.pool(&cfg, name, inputs, &x, pool(PoolOp::Average)),
            "GlobalAveragePooling1D" | "GlobalAveragePooling2D" => {
                self.global_pool(&cfg, name, inputs, &x, pool(PoolOp::Average))
            }
            "GlobalMaxPooling1D" | "GlobalMaxPooling2D" => self.global_pool(&cfg, name, inputs, &x, pool(PoolOp::Max)),
            "BatchNormalization" => self.batch_norm(&cfg, name, inputs, &x),
            "Activation" => {
                let (_, act) = cfg.activation(self.version)?;
                let kind = match act {
                    Act::Elementwise(a) => LayerKind::Activation(a),
                    Act::Softmax => LayerKind::Softmax,
                };
                self.add(name, kind, inputs, label)
            }
            "ReLU" => {
                let max = match cfg.get("max_value") {
                    None => None,
                    Some(_) => Some(cfg.f64("max_value", 0.0)?),
                };
                let slope = cfg.f64("negative_slope", 0.0)?;
                let threshold = cfg.f64("threshold", 0.0)?;
                let act = match max {
                    _ if threshold != 0.0 => None,
                    None if slope == 0.0 => Some(Activation::Relu),
                    None => Some(Activation::LeakyRelu { alpha: slope as f32 }),
                    Some(m) if slope == 0.0 && m >= 0.0 => Some(Activation::Clip {
                        min: 0.0,
                        max: m as f32,
                    }),
                    Some(_) => None,
                };
                let act = act.ok_or_else(|| {
                    cfg.error(format_args!(
                        "ReLU with max_value = {max:?}, negative_slope = {slope} and threshold = {threshold} is not \
                         supported (supported: a threshold of 0, and a max_value only without a negative_slope)"
                    ))
                })?;
                self.add(name, LayerKind::Activation(act), inputs, label)
            }
            "LeakyReLU" => {
                let alpha = match cfg.get("negative_slope") {
                    Some(_) => cfg.f64("negative_slope", 0.3)?,
                    None => cfg.f64("alpha", 0.3)?,
                };
                self.add(
                    name,
                    LayerKind::Activation(Activation::LeakyRelu { alpha: alpha as f32 }),
                    inputs,
                    label,
                )
            }
            "ELU" => {
                let alpha = cfg.f64("alpha", 1.0)?;
                self.add(
                    name,
                    LayerKind::Activation(Activation::Elu { alpha: alpha as f32 }),
                    inputs,
                    label,
                )
            }
            "Softmax" => {
                cfg.last_axis("axis", x.len() + 1, "Softmax")?;
                self.add(name, LayerKind::Softmax, inputs, label)
            }
            "Flatten" => {
                cfg.channels_last()?;
                self.add(name, LayerKind::Flatten, inputs, label)
            }
            "Reshape" => self.reshape(&cfg, name, inputs, &x),
            "Dropout" => Ok(inputs[0]),
            "ZeroPadding1D" | "ZeroPadding2D" => {
                cfg.channels_last()?;
                let dims = if layer.class_name == "ZeroPadding1D" { 1 } else { 2 };
                let padding = zero_padding(&cfg, dims)?;
                self.add(name, LayerKind::ZeroPad { padding }, inputs, label)
            }
            "Add" => self.add(name, LayerKind::Add, inputs, label),
            "Concatenate" => {
                let rank = x.len();
                let axis = match cfg.get("axis") {
                    None => -1,
                    Some(v) => v
                        .as_i64()
                        .ok_or_else(|| cfg.error(format_args!("`axis` = {v} is not an integer")))?,
                };
                // Keras counts the batch axis; the IR does not.
                let keras_axis = if axis < 0 { rank as i64 + 1 + axis } else { axis };
                if keras_axis < 1 || keras_axis > rank as i64 {
                    return Err(cfg.error(format_args!(
                        "Concatenate along axis {axis} is not supported for inputs of shape {x:?} (only along a non-batch axis)"
                    )));
                }
                self.add(
                    name,
                    LayerKind::Concat {
                        axis: keras_axis as usize - 1,
                    },
                    inputs,
                    label,
                )
            }
            other => Err(Error::new(format!(
                "layer `{}` has type `{other}`, which is not supported; supported layer types: {}",
                layer.name,
                SUPPORTED_KERAS_LAYERS.join(", ")
            ))),
        }
    }

    fn dense(&mut self, cfg: &Cfg<'_>, name: String, inputs: Vec<LayerId>, x: &[usize]) -> Result<LayerId> {
        let units = cfg.usize("units", 1, MAX_DIM)?;
        let use_bias = cfg.bool("use_bias", true)?;
        let act = cfg.activation(self.version)?;
        if cfg.get("lora_rank").is_some() {
            return Err(cfg.error("Dense with LoRA (`lora_rank`) is not supported"));
        }
        let n_in = *x.last().ok_or_else(|| cfg.error("Dense needs a non-scalar input"))?;
        let weights = self.store.layer(&name, cfg.label)?;
        let keys: &[&str] = if use_bias { &["kernel", "bias"] } else { &["kernel"] };
        weights.expect(keys)?;
        let kernel = weights.read("kernel", 0, &[n_in, units])?;
        let bias = if use_bias {
            weights.read("bias", 1, &[units])?
        } else {
            Tensor::zeros(vec![units])
        };
        let id = self.add(name.clone(), LayerKind::Dense { kernel, bias }, inputs, cfg.label)?;
        self.fused(id, &name, act, cfg.label)
    }

    fn conv(&mut self, cfg: &Cfg<'_>, name: String, inputs: Vec<LayerId>, x: &[usize], dims: usize) -> Result<LayerId> {
        cfg.channels_last()?;
        if x.len() != dims + 1 {
            return Err(cfg.error(format_args!(
                "a {dims}-D convolution needs a {}-D input (channels last), got shape {x:?}",
                dims + 1
            )));
        }
        if cfg.get("groups").is_some() && cfg.usize("groups", 1, MAX_DIM)? != 1 {
            return Err(cfg.error("grouped convolution (`groups` > 1) is not supported"));
        }
        if cfg.get("lora_rank").is_some() {
            return Err(cfg.error("convolution with LoRA (`lora_rank`) is not supported"));
        }
        let filters = cfg.usize("filters", 1, MAX_DIM)?;
        let kernel_size = cfg.ints("kernel_size", dims, None, 1)?;
        let strides = cfg.ints("strides", dims, Some(1), 1)?;
        let dilation = cfg.ints("dilation_rate", dims, Some(1), 1)?;
        if strides.iter().any(|&s| s > 1) && dilation.iter().any(|&d| d > 1) {
            return Err(cfg.error("strides and dilation both above 1 are not supported (nor by Keras)"));
        }
        let mode = cfg.string("padding", "valid")?;
        if !(mode == "valid" || mode == "same" || (mode == "causal" && dims == 1)) {
            return Err(cfg.error(format_args!(
                "padding `{mode}` is not supported (valid, same, or causal for Conv1D)"
            )));
        }
        let padding: Padding = (0..dims)
            .map(|d| pad(&mode, x[d], kernel_size[d], strides[d], dilation[d]))
            .collect();
        let use_bias = cfg.bool("use_bias", true)?;
        let act = cfg.activation(self.version)?;
        let weights = self.store.layer(&name, cfg.label)?;
        let keys: &[&str] = if use_bias { &["kernel", "bias"] } else { &["kernel"] };
        weights.expect(keys)?;
        let mut kernel_shape = kernel_size.clone();
        kernel_shape.extend([x[dims], filters]);
        let kernel = weights.read("kernel", 0, &kernel_shape)?;
        let bias = if use_bias {
            weights.read("bias", 1, &[filters])?
        } else {
            Tensor::zeros(vec![filters])
        };
        let kind = LayerKind::Conv {
            kernel,
            bias,
            strides,
            dilation,
            padding,
        };
        let id = self.add(name.clone(), kind, inputs, cfg.label)?;
        self.fused(id, &name, act, cfg.label)
    }

    fn pool(
        &mut self,
        cfg: &Cfg<'_>,
        name: String,
        inputs: Vec<LayerId>,
        x: &[usize],
        (op, dims): (PoolOp, usize),
    ) -> Result<LayerId> {
        cfg.channels_last()?;
        if x.len() != dims + 1 {
            return Err(cfg.error(format_args!(
                "{dims}-D pooling needs a {}-D input (channels last), got shape {x:?}",
                dims + 1
            )));
        }
        let pool = cfg.ints("pool_size", dims, Some(2), 1)?;
        let strides = match cfg.get("strides") {
            None => pool.clone(),
            Some(_) => cfg.ints("strides", dims, None, 1)?,
        };
        let mode = cfg.string("padding", "valid")?;
        if mode != "valid" && mode != "same" {
            return Err(cfg.error(format_args!("padding `{mode}` is not supported (valid or same)")));
        }
        let padding: Padding = (0..dims).map(|d| pad(&mode, x[d], pool[d], strides[d], 1)).collect();
        let kind = LayerKind::Pool {
            op,
            pool,
            strides,
            padding,
            count_include_pad: false,
        };
        self.add(name, kind, inputs, cfg.label)
    }

    fn global_pool(
        &mut self,
        cfg: &Cfg<'_>,
        name: String,
        inputs: Vec<LayerId>,
        x: &[usize],
        (op, dims): (PoolOp, usize),
    ) -> Result<LayerId> {
        cfg.channels_last()?;
        if x.len() != dims + 1 {
            return Err(cfg.error(format_args!(
                "{dims}-D global pooling needs a {}-D input (channels last), got shape {x:?}",
                dims + 1
            )));
        }
        let keepdims = cfg.bool("keepdims", false)?;
        let id = self.add(name.clone(), LayerKind::GlobalPool { op }, inputs, cfg.label)?;
        if !keepdims {
            return Ok(id);
        }
        let mut shape = vec![1; dims];
        shape.push(x[dims]);
        self.add(
            format!("{name}_keepdims"),
            LayerKind::Reshape { shape },
            vec![id],
            cfg.label,
        )
    }

    fn batch_norm(&mut self, cfg: &Cfg<'_>, name: String, inputs: Vec<LayerId>, x: &[usize]) -> Result<LayerId> {
        cfg.last_axis("axis", x.len() + 1, "BatchNormalization")?;
        let epsilon = cfg.f64("epsilon", 1e-3)?;
        let center = cfg.bool("center", true)?;
        let scale = cfg.bool("scale", true)?;
        let channels = *x
            .last()
            .ok_or_else(|| cfg.error("BatchNormalization needs a non-scalar input"))?;
        let weights = self.store.layer(&name, cfg.label)?;
        let mut keys = Vec::new();
        if scale {
            keys.push("gamma");
        }
        if center {
            keys.push("beta");
        }
        keys.extend(["moving_mean", "moving_variance"]);
        weights.expect(&keys)?;
        let shape = [channels];
        let read = |key: &str| -> Result<Option<Vec<f32>>> {
            match keys.iter().position(|k| *k == key) {
                Some(i) => Ok(Some(weights.read(key, i, &shape)?.data)),
                None => Ok(None),
            }
        };
        let gamma = read("gamma")?;
        let beta = read("beta")?;
        let mean = read("moving_mean")?.unwrap_or_default();
        let variance = read("moving_variance")?.unwrap_or_default();
        let mut s = Vec::with_capacity(channels);
        let mut b = Vec::with_capacity(channels);
        for c in 0..channels {
            let g = gamma.as_ref().map_or(1.0, |v| v[c] as f64);
            let beta = beta.as_ref().map_or(0.0, |v| v[c] as f64);
            let k = g / (variance[c] as f64 + epsilon).sqrt();
            s.push(k as f32);
            b.push((beta - mean[c] as f64 * k) as f32);
        }
        let kind = LayerKind::BatchNorm {
            scale: Tensor {
                shape: vec![channels],
                data: s,
            },
            bias: Tensor {
                shape: vec![channels],
                data: b,
            },
        };
        self.add(name, kind, inputs, cfg.label)
    }

    fn reshape(&mut self, cfg: &Cfg<'_>, name: String, inputs: Vec<LayerId>, x: &[usize]) -> Result<LayerId> {
        let target = cfg
            .get("target_shape")
            .and_then(Value::as_array)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| cfg.error("no `target_shape` list (with at least one entry) in the config"))?;
        let n: usize = x.iter().product();
        let mut known = 1usize;
        let mut free = None;
        let mut shape = Vec::with_capacity(target.len());
        for (i, v) in target.iter().enumerate() {
            match v.as_i64() {
                Some(-1) if free.is_none() => {
                    free = Some(i);
                    shape.push(0);
                }
                Some(d) if d >= 1 && d as u64 <= MAX_DIM as u64 => {
                    known = known
                        .checked_mul(d as usize)
                        .filter(|&k| k <= MAX_ELEMENTS)
                        .ok_or_else(|| cfg.error(format_args!("target_shape {target:?} is too large")))?;
                    shape.push(d as usize);
                }
                _ => {
                    return Err(cfg.error(format_args!(
                        "target_shape entry {v} is not supported (positive sizes and at most one -1)"
                    )))
                }
            }
        }
        if let Some(i) = free {
            if !n.is_multiple_of(known) {
                return Err(cfg.error(format_args!("cannot reshape {x:?} ({n} elements) to {target:?}")));
            }
            shape[i] = n / known;
        } else if known != n {
            return Err(cfg.error(format_args!("cannot reshape {x:?} ({n} elements) to {shape:?}")));
        }
        self.add(name, LayerKind::Reshape { shape }, inputs, cfg.label)
    }
}

/// ZeroPadding1D: `p` or `[before, after]`. ZeroPadding2D: `p`, `[rows, cols]` (symmetric) or
/// `[[top, bottom], [left, right]]`.
fn zero_padding(cfg: &Cfg<'_>, dims: usize) -> Result<Padding> {
    let v = cfg
        .get("padding")
        .ok_or_else(|| cfg.error("no `padding` in the config"))?;
    let int = |v: &Value| cfg.int(v, "padding", 0, MAX_PARAM);
    let pair = |v: &Value| -> Result<(usize, usize)> {
        match v.as_array().map(Vec::as_slice) {
            Some([a, b]) => Ok((int(a)?, int(b)?)),
            None => int(v).map(|p| (p, p)),
            _ => Err(cfg.error(format_args!("`padding` = {v} is not an integer or a pair"))),
        }
    };
    match (dims, v) {
        (1, v) => Ok(vec![pair(v)?]),
        (_, Value::Array(items)) if items.len() == 2 => {
            let per_dim = |v: &Value| if v.is_array() { pair(v) } else { int(v).map(|p| (p, p)) };
            Ok(vec![per_dim(&items[0])?, per_dim(&items[1])?])
        }
        (_, v) => {
            let p = int(v)?;
            Ok(vec![(p, p); dims])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn same_padding_matches_tensorflow() {
        // n=10, k=4, s=1: total 3, TF puts 1 before and 2 after.
        assert_eq!(pad("same", 10, 4, 1, 1), (1, 2));
        // n=8, k=3, s=1: total 2.
        assert_eq!(pad("same", 8, 3, 1, 1), (1, 1));
        // n=7, k=3, s=2: out 4, total (3*2+3)-7 = 2.
        assert_eq!(pad("same", 7, 3, 2, 1), (1, 1));
        // n=8, k=2, s=2 (pooling): no padding.
        assert_eq!(pad("same", 8, 2, 2, 1), (0, 0));
        assert_eq!(pad("valid", 8, 3, 1, 1), (0, 0));
        // Dilation 2 widens a 3-tap kernel to 5.
        assert_eq!(pad("same", 10, 3, 1, 2), (2, 2));
        assert_eq!(pad("causal", 10, 3, 1, 2), (4, 0));
    }
}
