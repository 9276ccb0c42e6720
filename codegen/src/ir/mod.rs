//! The typed model IR: a graph of layers in topological order, each with its inferred output shape
//! (channels-last, batch dimension excluded), its weights as arrays, and its resolved configuration.
//!
//! Importers ([`crate::import`]) build a [`Graph`] with [`GraphBuilder`], which infers every shape and
//! rejects inconsistent weights; [`crate::precision`] then resolves each layer's [`LayerConfig`].

mod layer;
mod shape;
mod tensor;

pub use layer::{Activation, LayerKind, Padding, PoolOp, SELU_ALPHA, SELU_SCALE};
pub use shape::infer_shape;
pub use tensor::Tensor;

use hls4ml_runtime::FixedType;

/// Index of a layer in [`Graph::layers`].
pub type LayerId = usize;

/// One layer: its name (unique in the graph), what it computes, its inputs and its output shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The name from the model file (or made up following hls4ml's naming, e.g. `fc1_relu`).
    pub name: String,
    /// What the layer computes, with its weights.
    pub kind: LayerKind,
    /// The layers whose outputs feed this one, in order (empty for the input).
    pub inputs: Vec<LayerId>,
    /// The output shape, channels-last, without the batch dimension.
    pub shape: Vec<usize>,
    /// Precisions, reuse factor and strategy, resolved from the TOML (defaults until then).
    pub config: LayerConfig,
}

impl Layer {
    /// Number of elements of the output.
    pub fn output_size(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The model: layers in topological order; the first is the single [`LayerKind::Input`], the last is
/// the single output.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The layers, each after all of its inputs.
    pub layers: Vec<Layer>,
}

impl Graph {
    /// The input layer.
    pub fn input(&self) -> &Layer {
        &self.layers[0]
    }

    /// The output layer.
    pub fn output(&self) -> &Layer {
        self.layers.last().expect("a graph has at least its input layer")
    }

    /// The shape of one input sample (channels-last).
    pub fn input_shape(&self) -> &[usize] {
        &self.input().shape
    }

    /// The shape of one output sample.
    pub fn output_shape(&self) -> &[usize] {
        &self.output().shape
    }

    /// Finds a layer by name.
    pub fn find(&self, name: &str) -> Option<LayerId> {
        self.layers.iter().position(|l| l.name == name)
    }

    /// Total number of trainable parameters (weights and biases).
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.kind.parameter_count()).sum()
    }

    /// Multiplications per inference of `layer`.
    pub fn multiplications(&self, layer: LayerId) -> usize {
        let l = &self.layers[layer];
        match &l.kind {
            LayerKind::Dense { kernel, .. } => kernel.len(),
            LayerKind::Conv { kernel, .. } => {
                let out_positions: usize = l.shape[..l.shape.len() - 1].iter().product();
                out_positions * kernel.len()
            }
            LayerKind::BatchNorm { .. } => l.output_size(),
            _ => 0,
        }
    }

    /// Removes layer `id`, feeding its consumers from its first input. Used for layers that compute
    /// nothing at inference (Dropout) and for a skipped output softmax.
    pub fn bypass(&mut self, id: LayerId) {
        assert!(id > 0, "the input layer cannot be bypassed");
        let source = self.layers[id].inputs[0];
        self.layers.remove(id);
        for l in &mut self.layers {
            for i in &mut l.inputs {
                if *i == id {
                    *i = source;
                } else if *i > id {
                    *i -= 1;
                }
            }
        }
    }
}

/// Builds a [`Graph`] layer by layer, inferring each output shape and checking weight shapes.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    layers: Vec<Layer>,
}

impl GraphBuilder {
    /// A builder whose first layer is the input, of the given channels-last shape.
    pub fn new(input_name: impl Into<String>, input_shape: Vec<usize>) -> Self {
        GraphBuilder {
            layers: vec![Layer {
                name: input_name.into(),
                kind: LayerKind::Input,
                inputs: vec![],
                shape: input_shape,
                config: LayerConfig::default(),
            }],
        }
    }

    /// The shape of an already added layer.
    pub fn shape(&self, id: LayerId) -> &[usize] {
        &self.layers[id].shape
    }

    /// The most recently added layer.
    pub fn last(&self) -> LayerId {
        self.layers.len() - 1
    }

    /// Finds an already added layer by name.
    pub fn find(&self, name: &str) -> Option<LayerId> {
        self.layers.iter().position(|l| l.name == name)
    }

    /// Adds a layer fed by `inputs` and infers its output shape. Returns its id, or a message saying
    /// why the layer does not fit its inputs (a weight shape that does not match, say).
    pub fn add(&mut self, name: impl Into<String>, kind: LayerKind, inputs: Vec<LayerId>) -> Result<LayerId, String> {
        let name = name.into();
        if self.find(&name).is_some() {
            return Err(format!("two layers are named `{name}`"));
        }
        if let Some(&bad) = inputs.iter().find(|&&i| i >= self.layers.len()) {
            return Err(format!("layer `{name}` reads layer #{bad}, which does not exist yet"));
        }
        let in_shapes: Vec<&[usize]> = inputs.iter().map(|&i| self.layers[i].shape.as_slice()).collect();
        let shape = infer_shape(&kind, &in_shapes).map_err(|e| format!("layer `{name}`: {e}"))?;
        self.layers.push(Layer {
            name,
            kind,
            inputs,
            shape,
            config: LayerConfig::default(),
        });
        Ok(self.layers.len() - 1)
    }

    /// Finishes the graph: the last added layer is the output. Layers that nothing reads (other than
    /// the output) are an error, since the firmware has a single output.
    pub fn finish(self) -> Result<Graph, String> {
        let n = self.layers.len();
        for (id, l) in self.layers.iter().enumerate().take(n - 1) {
            if !self.layers.iter().any(|o| o.inputs.contains(&id)) {
                return Err(format!(
                    "layer `{}` is not used by any other layer: only models with a single output are supported",
                    l.name
                ));
            }
        }
        Ok(Graph { layers: self.layers })
    }
}

/// How a layer's multiplications are laid out in hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Fully unrolled, pipelined at `II = reuse_factor`.
    #[default]
    Latency,
    /// Multiplications folded over `reuse_factor` cycles.
    Resource,
}

/// The softmax implementation in the firmware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoftmaxImpl {
    /// Subtract the maximum, then exp and 1/x lookup tables (the default).
    #[default]
    Stable,
    /// exp and 1/x lookup tables without the subtraction.
    Latency,
    /// A one-hot of the largest input.
    Argmax,
}

/// The resolved configuration of one layer. Types that do not apply to a layer are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerConfig {
    /// Type of the layer's outputs.
    pub result: FixedType,
    /// Type of the weights (Dense, Conv; BatchNorm's scale).
    pub weight: Option<FixedType>,
    /// Type of the biases.
    pub bias: Option<FixedType>,
    /// Type of the products and their sum.
    pub accum: Option<FixedType>,
    /// Type of the entries of a lookup-table activation (and softmax's tables).
    pub table: Option<FixedType>,
    /// Entries of a lookup table.
    pub table_size: usize,
    /// How many times each multiplier is reused (1 = fully parallel).
    pub reuse_factor: usize,
    /// Latency or resource.
    pub strategy: Strategy,
    /// The softmax implementation (softmax layers only).
    pub softmax: SoftmaxImpl,
}

impl Default for LayerConfig {
    fn default() -> Self {
        LayerConfig {
            result: FixedType::fixed(16, 6),
            weight: None,
            bias: None,
            accum: None,
            table: None,
            table_size: 1024,
            reuse_factor: 1,
            strategy: Strategy::Latency,
            softmax: SoftmaxImpl::Stable,
        }
    }
}
