//! The conversion state: the IR layers built so far, what each ONNX tensor is (a constant or a
//! [`Value`] held by a layer), and the data reordering between layouts.

use super::constant::{self, Constant};
use super::layout::{identity, inverse, Value};
use super::names::{sanitize, Names};
use super::ops;
use super::proto::{data_type, GraphProto, ModelProto, NodeProto, ValueInfoProto};
use crate::diag::{Error, Result};
use crate::import::SUPPORTED_ONNX_OPS;
use crate::ir::{infer_shape, Graph, GraphBuilder, LayerId, LayerKind};
use std::collections::HashMap;
use std::rc::Rc;

/// The largest number of elements of a layer output accepted: far beyond what fits an FPGA, small
/// enough that no shape arithmetic overflows.
const MAX_ELEMENTS: usize = 1 << 28;

/// What an ONNX tensor name stands for.
#[derive(Debug, Clone)]
pub(super) enum Entry {
    /// A constant: an initializer, a `Constant` node's output, or an alias of one.
    Const(Rc<Constant>),
    /// A tensor computed by the IR graph.
    Tensor(Value),
}

/// A layer before it is handed to [`GraphBuilder`] (weights can still be adjusted, e.g. to fold a
/// following bias).
#[derive(Debug)]
struct Pending {
    name: String,
    kind: LayerKind,
    inputs: Vec<LayerId>,
    shape: Vec<usize>,
}

/// The conversion state.
pub(super) struct Converter {
    /// The opset version of the default domain.
    pub opset: i64,
    layers: Vec<Pending>,
    names: Names,
    tensors: HashMap<String, Entry>,
    uses: HashMap<String, usize>,
    reorders: HashMap<(LayerId, String), LayerId>,
}

/// Converts a decoded model into the IR.
pub(super) fn convert(model: &ModelProto) -> Result<Graph> {
    let graph = model
        .graph
        .as_ref()
        .ok_or_else(|| Error::new("the model has no graph"))?;
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .ok_or_else(|| Error::new("the model imports no version of the standard ONNX operator set"))?;
    let mut constants = HashMap::new();
    for t in &graph.initializer {
        let c = constant::decode(t).map_err(|e| Error::new(format!("initializer `{}`: {e}", t.name)))?;
        constants.insert(t.name.clone(), Entry::Const(Rc::new(c)));
    }
    let input = single_input(graph, &constants)?;
    let output = single_output(graph)?;
    let mut cv = Converter::new(opset, &input.name, input_dims(input)?);
    cv.tensors.extend(constants);
    for name in graph.node.iter().flat_map(|n| &n.input).chain([&output.name]) {
        if !name.is_empty() {
            *cv.uses.entry(name.clone()).or_default() += 1;
        }
    }

    let mut op_counts: HashMap<&str, usize> = HashMap::new();
    for (i, node) in graph.node.iter().enumerate() {
        let what = describe(node, i);
        check_supported(node, &what)?;
        let count = op_counts.entry(node.op_type.as_str()).or_default();
        *count += 1;
        let mut base = sanitize(&node.name, "layer_");
        if base.is_empty() {
            base = format!("{}_{count}", sanitize(&node.op_type.to_ascii_lowercase(), "op_"));
        }
        ops::convert(&mut cv, node, &base).map_err(|e| Error::new(format!("{what}: {e}")))?;
    }

    let out = match cv.tensors.get(&output.name) {
        Some(Entry::Tensor(v)) => v.clone(),
        Some(Entry::Const(_)) => {
            return Err(Error::new(format!(
                "the model's output `{}` is a constant",
                output.name
            )))
        }
        None => {
            let message = format!("the model's output `{}` is not computed by any node", output.name);
            return Err(Error::new(message));
        }
    };
    // The output leaves in ONNX's axis order, so its flattened elements are ONNX's.
    let base = cv.layers[out.layer].name.clone();
    let last = cv.materialize(&out, &identity(out.rank()), &base).map_err(Error::new)?;
    cv.finish(last).map_err(Error::new)
}

/// An error for an operator the importer does not know (or one of another domain).
fn check_supported(node: &NodeProto, what: &str) -> Result<()> {
    let standard = node.domain.is_empty() || node.domain == "ai.onnx";
    if standard && (SUPPORTED_ONNX_OPS.contains(&node.op_type.as_str()) || node.op_type == "Constant") {
        return Ok(());
    }
    let op = if standard {
        node.op_type.clone()
    } else {
        format!("{}.{}", node.domain, node.op_type)
    };
    Err(
        Error::new(format!("{what}: the operator `{op}` is not supported")).help(format!(
            "supported ONNX operators: {} (and Constant nodes and initializers feeding them)",
            SUPPORTED_ONNX_OPS.join(", ")
        )),
    )
}

/// The graph's one output.
fn single_output(graph: &GraphProto) -> Result<&ValueInfoProto> {
    match graph.output.as_slice() {
        [o] => Ok(o),
        outs => Err(Error::new(format!(
            "the model has {} outputs ({}); only models with a single output are supported",
            outs.len(),
            outs.iter()
                .map(|o| format!("`{}`", o.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `node `name` (Op)`, for messages.
fn describe(node: &NodeProto, index: usize) -> String {
    if node.name.is_empty() {
        let out = node
            .output
            .first()
            .map(|o| format!(", output `{o}`"))
            .unwrap_or_default();
        format!("node #{index} ({}{out})", node.op_type)
    } else {
        format!("node `{}` ({})", node.name, node.op_type)
    }
}

/// The one graph input that is not an initializer.
fn single_input<'g>(graph: &'g GraphProto, constants: &HashMap<String, Entry>) -> Result<&'g ValueInfoProto> {
    let inputs: Vec<&ValueInfoProto> = graph
        .input
        .iter()
        .filter(|i| !constants.contains_key(&i.name))
        .collect();
    match inputs.as_slice() {
        [i] => Ok(i),
        [] => Err(Error::new("the model has no input")),
        many => Err(Error::new(format!(
            "the model has {} inputs ({}); only models with a single input are supported",
            many.len(),
            many.iter()
                .map(|i| format!("`{}`", i.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The input's dimensions without the batch axis (the first, whatever it declares).
fn input_dims(input: &ValueInfoProto) -> Result<Vec<usize>> {
    let name = &input.name;
    let tensor = input
        .r#type
        .as_ref()
        .and_then(|t| t.tensor_type.as_ref())
        .ok_or_else(|| Error::new(format!("the input `{name}` is not declared as a tensor")))?;
    if ![data_type::FLOAT, data_type::DOUBLE, data_type::FLOAT16].contains(&tensor.elem_type) {
        return Err(Error::new(format!(
            "the input `{name}` has element type {}; only floating-point inputs are supported",
            constant::type_name(tensor.elem_type)
        )));
    }
    let shape = tensor
        .shape
        .as_ref()
        .ok_or_else(|| Error::new(format!("the input `{name}` has no declared shape")))?;
    if shape.dim.len() < 2 {
        return Err(Error::new(format!(
            "the input `{name}` has rank {}; expected a batch dimension followed by the sample's dimensions",
            shape.dim.len()
        )));
    }
    let mut dims = Vec::with_capacity(shape.dim.len() - 1);
    let mut total: usize = 1;
    for (i, d) in shape.dim.iter().enumerate().skip(1) {
        let size = match (d.dim_value, &d.dim_param) {
            (Some(v), _) if v >= 1 => usize::try_from(v).ok().filter(|&v| v <= MAX_ELEMENTS),
            _ => None,
        };
        let size = size.ok_or_else(|| {
            Error::new(format!(
                "dimension {i} of the input `{name}` is {}; every dimension but the batch must be a fixed size \
                 of 1 to {MAX_ELEMENTS}",
                match (d.dim_value, &d.dim_param) {
                    (Some(v), _) => v.to_string(),
                    (None, Some(p)) => format!("the symbol `{p}`"),
                    (None, None) => "unknown".into(),
                }
            ))
        })?;
        total = total.saturating_mul(size);
        dims.push(size);
    }
    if total > MAX_ELEMENTS {
        return Err(Error::new(format!(
            "the input `{name}` has {total} elements per sample, too many"
        )));
    }
    Ok(dims)
}

impl Converter {
    fn new(opset: i64, input_name: &str, input_dims: Vec<usize>) -> Self {
        let mut names = Names::default();
        let mut base = sanitize(input_name, "input_");
        if base.is_empty() {
            base = "input".into();
        }
        let name = names.unique(&base);
        let input = Value {
            layer: 0,
            order: identity(input_dims.len()),
            dims: input_dims.clone(),
        };
        Converter {
            opset,
            layers: vec![Pending {
                name,
                kind: LayerKind::Input,
                inputs: vec![],
                shape: input_dims,
            }],
            names,
            tensors: HashMap::from([(input_name.to_string(), Entry::Tensor(input))]),
            uses: HashMap::new(),
            reorders: HashMap::new(),
        }
    }

    /// Adds a layer named after `base` (made unique), inferring and bounding its output shape.
    pub fn add(&mut self, base: &str, kind: LayerKind, inputs: Vec<LayerId>) -> Result<LayerId, String> {
        let shapes: Vec<&[usize]> = inputs.iter().map(|&i| self.layers[i].shape.as_slice()).collect();
        let shape = infer_shape(&kind, &shapes)?;
        if shape.contains(&0) {
            return Err(format!("the output shape {shape:?} is empty"));
        }
        let elements = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        if elements.is_none_or(|n| n > MAX_ELEMENTS) {
            return Err(format!("the output shape {shape:?} has too many elements"));
        }
        let name = self.names.unique(base);
        self.layers.push(Pending {
            name,
            kind,
            inputs,
            shape,
        });
        Ok(self.layers.len() - 1)
    }

    /// The output shape of a layer.
    pub fn shape(&self, id: LayerId) -> &[usize] {
        &self.layers[id].shape
    }

    /// What a layer computes, for adjusting its weights.
    pub fn kind_mut(&mut self, id: LayerId) -> &mut LayerKind {
        &mut self.layers[id].kind
    }

    /// What a layer computes.
    pub fn kind(&self, id: LayerId) -> &LayerKind {
        &self.layers[id].kind
    }

    /// How many node inputs and graph outputs read a tensor held by layer `id`.
    pub fn layer_uses(&self, id: LayerId) -> usize {
        let held = |e: &Entry| matches!(e, Entry::Tensor(v) if v.layer == id);
        self.tensors
            .iter()
            .filter(|(_, e)| held(e))
            .map(|(name, _)| self.uses(name))
            .sum()
    }

    /// True when some layer reads layer `id`.
    pub fn is_read(&self, id: LayerId) -> bool {
        self.layers.iter().any(|l| l.inputs.contains(&id))
    }

    /// How many node inputs and graph outputs read the tensor `name`.
    pub fn uses(&self, name: &str) -> usize {
        self.uses.get(name).copied().unwrap_or(0)
    }

    /// Input `i` of `node`: `None` when omitted (absent or empty name).
    pub fn input(&self, node: &NodeProto, i: usize) -> Result<Option<&Entry>, String> {
        match node.input.get(i).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(name) => self.tensors.get(name).map(Some).ok_or_else(|| {
                format!("input `{name}` is not produced by any earlier node, initializer or graph input")
            }),
        }
    }

    /// Input `i` of `node`, which must be computed by the graph (not a constant).
    pub fn value(&self, node: &NodeProto, i: usize) -> Result<Value, String> {
        match self.input(node, i)? {
            Some(Entry::Tensor(v)) => Ok(v.clone()),
            Some(Entry::Const(_)) => Err(format!(
                "input #{i} (`{}`) is a constant; this importer supports it only as a computed tensor",
                node.input[i]
            )),
            None => Err(format!("input #{i} is missing")),
        }
    }

    /// Input `i` of `node`, which must be a constant, or `None` when omitted.
    pub fn opt_constant(&self, node: &NodeProto, i: usize) -> Result<Option<Rc<Constant>>, String> {
        match self.input(node, i)? {
            Some(Entry::Const(c)) => Ok(Some(c.clone())),
            Some(Entry::Tensor(_)) => Err(format!(
                "input #{i} (`{}`) must be a constant (an initializer or a Constant node), but it is computed",
                node.input[i]
            )),
            None => Ok(None),
        }
    }

    /// Input `i` of `node`, which must be a constant.
    pub fn constant(&self, node: &NodeProto, i: usize) -> Result<Rc<Constant>, String> {
        self.opt_constant(node, i)?
            .ok_or_else(|| format!("input #{i} is missing"))
    }

    /// True when output `i` of `node` is read by another node or is the graph's output.
    pub fn output_used(&self, node: &NodeProto, i: usize) -> bool {
        node.output.get(i).is_some_and(|n| !n.is_empty() && self.uses(n) > 0)
    }

    /// Records what output `i` of `node` is.
    pub fn set_output(&mut self, node: &NodeProto, i: usize, entry: Entry) -> Result<(), String> {
        let name = node
            .output
            .get(i)
            .ok_or_else(|| format!("the node has no output #{i}"))?;
        if name.is_empty() {
            return Ok(());
        }
        if self.tensors.contains_key(name) {
            return Err(format!("the tensor `{name}` is produced twice"));
        }
        self.tensors.insert(name.clone(), entry);
        Ok(())
    }

    /// A reordering layer (`Transpose` or `Reshape`) of `input`, shared by every node that needs
    /// the same one.
    fn reorder(&mut self, base: &str, kind: LayerKind, input: LayerId) -> Result<LayerId, String> {
        let key = (input, format!("{kind:?}"));
        if let Some(&id) = self.reorders.get(&key) {
            return Ok(id);
        }
        let id = self.add(base, kind, vec![input])?;
        self.reorders.insert(key, id);
        Ok(id)
    }

    /// A layer whose elements, in memory, are those of `v` permuted by `order` (any IR shape with
    /// that memory order). Inserts a `Transpose` only when the data must really move.
    pub fn data_in_order(&mut self, v: &Value, order: &[usize], base: &str) -> Result<LayerId, String> {
        if v.stored_as(order) {
            return Ok(v.layer);
        }
        let mut src = v.layer;
        let full = v.permuted_dims(&v.order);
        if self.shape(src) != full.as_slice() {
            src = self.reorder(&format!("{base}_reshape"), LayerKind::Reshape { shape: full }, src)?;
        }
        let inv = inverse(&v.order);
        let perm: Vec<usize> = order.iter().map(|&a| inv[a]).collect();
        self.reorder(&format!("{base}_transpose"), LayerKind::Transpose { perm }, src)
    }

    /// A layer holding `v` permuted by `order`, with exactly that (full-rank) shape.
    pub fn materialize(&mut self, v: &Value, order: &[usize], base: &str) -> Result<LayerId, String> {
        let id = self.data_in_order(v, order, base)?;
        let shape = v.permuted_dims(order);
        if self.shape(id) == shape.as_slice() {
            return Ok(id);
        }
        self.reorder(&format!("{base}_reshape"), LayerKind::Reshape { shape }, id)
    }

    /// A layer whose last axis is ONNX axis `axis` of `v`, and the order it holds `v` in.
    pub fn with_last_axis(&mut self, v: &Value, axis: usize, base: &str) -> Result<(LayerId, Vec<usize>), String> {
        let order = v.order_with_last(axis);
        if v.stored_as(&order) && self.shape(v.layer).last() == Some(&v.dims[axis]) {
            return Ok((v.layer, order));
        }
        let id = self.materialize(v, &order, base)?;
        Ok((id, order))
    }

    /// A layer holding `b` in the same order and IR shape as `a` holds its tensor (same ONNX dims).
    pub fn like(&mut self, b: &Value, a: &Value, base: &str) -> Result<LayerId, String> {
        let id = self.data_in_order(b, &a.order, base)?;
        let shape = self.shape(a.layer).to_vec();
        if self.shape(id) == shape.as_slice() {
            return Ok(id);
        }
        self.reorder(&format!("{base}_reshape"), LayerKind::Reshape { shape }, id)
    }

    /// The [`Value`] of a new layer's output held in `order`, its ONNX dims recovered from the
    /// layer's (full-rank) IR shape.
    pub fn value_of(&self, layer: LayerId, order: Vec<usize>) -> Value {
        let shape = self.shape(layer);
        let mut dims = vec![0; order.len()];
        for (i, &a) in order.iter().enumerate() {
            dims[a] = shape[i];
        }
        Value { layer, dims, order }
    }

    /// Hands the layers that lead to `output` to a [`GraphBuilder`]; `output` becomes the last.
    fn finish(self, output: LayerId) -> Result<Graph, String> {
        let mut needed = vec![false; self.layers.len()];
        needed[output] = true;
        for id in (0..=output).rev() {
            if needed[id] {
                for &i in &self.layers[id].inputs {
                    needed[i] = true;
                }
            }
        }
        let mut new_id = vec![usize::MAX; self.layers.len()];
        let mut layers = self.layers.into_iter().enumerate().filter(|(id, _)| needed[*id]);
        let Some((_, input)) = layers.next() else {
            return Err("the graph has no input layer".into());
        };
        let mut builder = GraphBuilder::new(input.name, input.shape);
        new_id[0] = 0;
        for (id, l) in layers {
            let inputs = l.inputs.iter().map(|&i| new_id[i]).collect();
            new_id[id] = builder.add(l.name, l.kind, inputs)?;
        }
        builder.finish()
    }
}
