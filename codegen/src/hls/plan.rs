//! What every writer of the firmware needs to know about each layer: its C++ identifier, its
//! tensor as positions of channels, its resolved reuse factor, and who reads it.

use super::names::layer_idents;
use crate::config::IoType;
use crate::diag::{warning, Diagnostic, Error, Result};
use crate::ir::{Graph, Layer, LayerId, LayerKind, PoolOp, SoftmaxImpl};
use crate::Project;

/// The firmware's view of a project.
pub struct Plan<'a> {
    /// The project.
    pub project: &'a Project,
    /// Its graph.
    pub graph: &'a Graph,
    /// `io_parallel` or `io_stream`.
    pub io: IoType,
    /// C++ identifier of each layer.
    pub idents: Vec<String>,
    /// The reuse factor each layer is generated with (snapped to a valid one where needed).
    pub reuse: Vec<usize>,
    /// For each layer, the `(consumer, input slot)` pairs that read its output, in layer order.
    pub readers: Vec<Vec<(LayerId, usize)>>,
}

impl<'a> Plan<'a> {
    /// The plan of a project, with warnings for reuse factors that had to be changed.
    pub fn new(project: &'a Project) -> Result<(Plan<'a>, Vec<Diagnostic>)> {
        let graph = &project.graph;
        let mut warnings = vec![];
        let mut reuse = Vec::with_capacity(graph.layers.len());
        for layer in &graph.layers {
            let asked = layer.config.reuse_factor.max(1);
            let products = match &layer.kind {
                LayerKind::Dense { kernel, .. } | LayerKind::Conv { kernel, .. } => Some(kernel.len()),
                _ => None,
            };
            let rf = match products {
                Some(n) if n > 0 && !n.is_multiple_of(asked) => {
                    let valid = nearest_divisor(n, asked);
                    warnings.push(warning(format!(
                        "layer `{}`: reuse factor {asked} does not divide its {n} multiplications (n_in·n_out); \
                         using the nearest valid reuse factor, {valid}",
                        layer.name
                    )));
                    valid
                }
                _ => asked,
            };
            reuse.push(rf);
        }
        let mut readers = vec![vec![]; graph.layers.len()];
        for (id, layer) in graph.layers.iter().enumerate() {
            for (slot, &input) in layer.inputs.iter().enumerate() {
                readers[input].push((id, slot));
            }
        }
        for layer in &graph.layers {
            check_supported(graph, layer)?;
        }
        let plan = Plan {
            project,
            graph,
            io: project.config.hls.io_type,
            idents: layer_idents(graph),
            reuse,
            readers,
        };
        Ok((plan, warnings))
    }

    /// The model name: the top function.
    pub fn name(&self) -> &str {
        self.project.name()
    }

    /// A layer.
    pub fn layer(&self, id: LayerId) -> &Layer {
        &self.graph.layers[id]
    }

    /// The C++ identifier of a layer.
    pub fn ident(&self, id: LayerId) -> &str {
        &self.idents[id]
    }

    /// The id of the output layer.
    pub fn output_id(&self) -> LayerId {
        self.graph.layers.len() - 1
    }

    /// `<layer>_result_t`: the type of one value of a layer's output.
    pub fn result_t(&self, id: LayerId) -> String {
        format!("{}_result_t", self.ident(id))
    }

    /// `<layer>_pack_t`: one position of a layer's output (io_stream).
    pub fn pack_t(&self, id: LayerId) -> String {
        format!("{}_pack_t", self.ident(id))
    }

    /// The type the layer functions are instantiated with: a value (io_parallel) or a position
    /// (io_stream).
    pub fn elem_t(&self, id: LayerId) -> String {
        let (input, output) = (id == 0, id == self.output_id());
        match self.io {
            IoType::Parallel if input => "input_t".into(),
            IoType::Parallel if output => "result_t".into(),
            IoType::Parallel => self.result_t(id),
            IoType::Stream if input => "input_pack_t".into(),
            IoType::Stream if output => "result_pack_t".into(),
            IoType::Stream => self.pack_t(id),
        }
    }

    /// Values per position of a layer's output: its last dimension.
    pub fn chan(&self, id: LayerId) -> usize {
        self.layer(id).shape.last().copied().unwrap_or(1).max(1)
    }

    /// Positions of a layer's output: all dimensions but the last.
    pub fn positions(&self, id: LayerId) -> usize {
        self.layer(id).output_size() / self.chan(id)
    }

    /// The layer feeding input `slot` of layer `id`.
    pub fn input(&self, id: LayerId, slot: usize) -> LayerId {
        self.layer(id).inputs[slot]
    }

    /// True when some layer uses a resource-strategy kernel.
    pub fn any_resource(&self) -> bool {
        self.graph.layers.iter().any(|l| {
            l.config.strategy == crate::ir::Strategy::Resource
                && matches!(l.kind, LayerKind::Dense { .. } | LayerKind::Conv { .. })
        })
    }
}

/// A layer's kind in words, for the comments of the generated code: `Dense`,
/// `Activation (relu)`, `Softmax (stable)`.
pub fn describe(layer: &Layer) -> String {
    match &layer.kind {
        LayerKind::Activation(a) => format!("Activation ({})", a.name()),
        LayerKind::Softmax => {
            let implementation = match layer.config.softmax {
                SoftmaxImpl::Stable => "stable",
                SoftmaxImpl::Latency => "latency",
                SoftmaxImpl::Argmax => "argmax",
            };
            format!("Softmax ({implementation})")
        }
        other => other.class_name().to_string(),
    }
}

/// The divisor of `n` closest to `asked` (the larger one on a tie: the fewer multipliers).
pub fn nearest_divisor(n: usize, asked: usize) -> usize {
    (1..=n)
        .filter(|d| n.is_multiple_of(*d))
        .min_by_key(|&d| (d.abs_diff(asked), usize::MAX - d))
        .unwrap_or(1)
}

/// The spatial geometry of a sliding-window layer (convolution or pooling) or of zero padding, as
/// 2-D (a 1-D layer has height 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    /// Input rows, columns, channels.
    pub in_height: usize,
    /// Input columns.
    pub in_width: usize,
    /// Channels of the input.
    pub n_chan: usize,
    /// Window rows and columns.
    pub filt: (usize, usize),
    /// Strides (rows, columns).
    pub stride: (usize, usize),
    /// Dilation (rows, columns).
    pub dilation: (usize, usize),
    /// Padding: top, bottom, left, right.
    pub pad: (usize, usize, usize, usize),
    /// Output rows and columns.
    pub out: (usize, usize),
}

impl Geometry {
    /// Extent of a dilated window (rows, columns).
    pub fn span(&self) -> (usize, usize) {
        (
            self.dilation.0 * (self.filt.0 - 1) + 1,
            self.dilation.1 * (self.filt.1 - 1) + 1,
        )
    }

    /// The padded input (rows, columns).
    pub fn padded(&self) -> (usize, usize) {
        (
            self.in_height + self.pad.0 + self.pad.1,
            self.in_width + self.pad.2 + self.pad.3,
        )
    }
}

/// The 2-D view of a spatial layer with the given per-dimension window, strides, dilation and
/// padding, fed by `input` and producing `output`.
pub fn geometry(
    input: &[usize],
    output: &[usize],
    filt: &[usize],
    strides: &[usize],
    dilation: &[usize],
    padding: &[(usize, usize)],
) -> Geometry {
    let two = |v: &[usize], one: usize| if v.len() == 1 { (one, v[0]) } else { (v[0], v[1]) };
    let spatial_in = &input[..input.len() - 1];
    let spatial_out = &output[..output.len() - 1];
    let (in_height, in_width) = two(spatial_in, 1);
    let pads = if padding.len() == 1 {
        (0, 0, padding[0].0, padding[0].1)
    } else {
        (padding[0].0, padding[0].1, padding[1].0, padding[1].1)
    };
    Geometry {
        in_height,
        in_width,
        n_chan: input[input.len() - 1],
        filt: two(filt, 1),
        stride: two(strides, 1),
        dilation: two(dilation, 1),
        pad: pads,
        out: two(spatial_out, 1),
    }
}

/// The geometry of a convolution, pooling or zero-padding layer.
pub fn layer_geometry(graph: &Graph, id: LayerId) -> Geometry {
    let layer = &graph.layers[id];
    let input = &graph.layers[layer.inputs[0]].shape;
    match &layer.kind {
        LayerKind::Conv {
            kernel,
            strides,
            dilation,
            padding,
            ..
        } => {
            let dims = kernel.shape.len() - 2;
            geometry(input, &layer.shape, &kernel.shape[..dims], strides, dilation, padding)
        }
        LayerKind::Pool {
            pool, strides, padding, ..
        } => {
            let ones = vec![1; pool.len()];
            geometry(input, &layer.shape, pool, strides, &ones, padding)
        }
        LayerKind::ZeroPad { padding } => {
            let ones = vec![1; padding.len()];
            geometry(input, &layer.shape, &ones, &ones, &ones, padding)
        }
        _ => unreachable!("layer_geometry of a layer without a window"),
    }
}

/// Rejects what the library does not implement, with the reason.
fn check_supported(graph: &Graph, layer: &Layer) -> Result<()> {
    let input_rank = layer.inputs.first().map_or(0, |&i| graph.layers[i].shape.len());
    let unsupported = |what: String| Err(Error::new(format!("layer `{}`: {what}", layer.name)));
    match &layer.kind {
        LayerKind::Conv { strides, .. } | LayerKind::Pool { strides, .. } if strides.len() > 2 => unsupported(format!(
            "{} over {} spatial dimensions is not supported by the firmware (1 or 2)",
            layer.kind.class_name(),
            strides.len()
        )),
        LayerKind::ZeroPad { padding } if padding.len() > 2 => unsupported(format!(
            "zero padding over {} spatial dimensions is not supported by the firmware (1 or 2)",
            padding.len()
        )),
        LayerKind::Transpose { perm } if perm.len() > 4 => unsupported(format!(
            "a transpose of {} axes is not supported by the firmware (at most 4)",
            perm.len()
        )),
        LayerKind::GlobalPool {
            op: PoolOp::Max | PoolOp::Average,
        } if input_rank < 2 => unsupported("global pooling needs a spatial input".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_reuse_factor_snaps_to_the_nearest_divisor() {
        assert_eq!(nearest_divisor(1024, 3), 4);
        assert_eq!(nearest_divisor(1024, 5), 4);
        assert_eq!(nearest_divisor(1024, 6), 8);
        assert_eq!(nearest_divisor(15, 4), 5);
        assert_eq!(nearest_divisor(160, 2000), 160);
        assert_eq!(nearest_divisor(12, 5), 6);
    }
}
