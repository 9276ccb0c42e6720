//! `firmware/parameters.h`: one configuration struct per layer, the template parameter of its
//! layer function (the fields each function reads are listed in its header in `nnet/`).

use super::constants::tables;
use super::plan::{describe, layer_geometry, Geometry, Plan};
use super::stamp;
use crate::diag::{Error, Result};
use crate::ir::{LayerId, LayerKind, PoolOp, Strategy};
use hls4ml_runtime::emu::constants::Table;
use std::fmt::Write;

/// A configuration struct being written: `static const` fields and typedefs.
struct Config {
    text: String,
}

impl Config {
    fn new(name: &str, comment: &str) -> Config {
        Config {
            text: format!("// {comment}\nstruct {name} {{\n"),
        }
    }

    fn unsigned(&mut self, field: &str, value: usize) -> &mut Self {
        let _ = writeln!(self.text, "    static const unsigned {field} = {value};");
        self
    }

    fn int(&mut self, field: &str, value: i64) -> &mut Self {
        let _ = writeln!(self.text, "    static const int {field} = {value};");
        self
    }

    fn boolean(&mut self, field: &str, value: bool) -> &mut Self {
        let _ = writeln!(self.text, "    static const bool {field} = {value};");
        self
    }

    fn typedef(&mut self, ty: &str, field: &str) -> &mut Self {
        let _ = writeln!(self.text, "    typedef {ty} {field};");
        self
    }

    fn raw(&mut self, line: &str) -> &mut Self {
        let _ = writeln!(self.text, "    {line}");
        self
    }

    fn window(&mut self, g: &Geometry) -> &mut Self {
        let (span_h, span_w) = g.span();
        let (padded_h, padded_w) = g.padded();
        self.unsigned("in_height", g.in_height)
            .unsigned("in_width", g.in_width)
            .unsigned("n_chan", g.n_chan)
            .unsigned("filt_height", g.filt.0)
            .unsigned("filt_width", g.filt.1)
            .unsigned("stride_height", g.stride.0)
            .unsigned("stride_width", g.stride.1)
            .unsigned("dilation_height", g.dilation.0)
            .unsigned("dilation_width", g.dilation.1)
            .unsigned("pad_top", g.pad.0)
            .unsigned("pad_bottom", g.pad.1)
            .unsigned("pad_left", g.pad.2)
            .unsigned("pad_right", g.pad.3)
            .unsigned("span_height", span_h)
            .unsigned("span_width", span_w)
            .unsigned("padded_height", padded_h)
            .unsigned("padded_width", padded_w)
            .unsigned("out_height", g.out.0)
            .unsigned("out_width", g.out.1)
    }

    /// The fields of the matrix-vector kernel (nnet_dense.h).
    fn kernel(&mut self, n_in: usize, n_out: usize, reuse: usize, strategy: Strategy) -> &mut Self {
        let products = n_in * n_out;
        let strategy = match strategy {
            Strategy::Latency => "nnet::latency",
            Strategy::Resource => "nnet::resource",
        };
        self.unsigned("n_in", n_in)
            .unsigned("n_out", n_out)
            .unsigned("reuse_factor", reuse)
            .unsigned("n_mult", products / reuse)
            .unsigned("multiplier_limit", products.div_ceil(reuse))
            .raw(&format!("static const nnet::strategy_t strategy = {strategy};"))
    }

    /// A lookup table's fields, each name prefixed (`table_`, `exp_`, `inv_`).
    fn table(
        &mut self,
        prefix: &str,
        size_field: &str,
        shift_field: &str,
        t: &Table,
        layer: &str,
    ) -> Result<&mut Self> {
        let int = |v: f64| -> Result<i64> {
            if v.fract() == 0.0 && v.abs() < i32::MAX as f64 {
                Ok(v as i64)
            } else {
                Err(Error::new(format!(
                    "layer `{layer}`: table bound {v} is not a 32-bit integer"
                )))
            }
        };
        self.unsigned(size_field, t.len())
            .int(&format!("{prefix}lo"), int(t.lo)?)
            .int(&format!("{prefix}hi"), int(t.hi)?)
            .int(shift_field, t.index_shift() as i64);
        Ok(self)
    }

    fn finish(&mut self) -> String {
        self.text.push_str("};\n\n");
        std::mem::take(&mut self.text)
    }
}

/// One step of a Concatenate: the inputs joined so far (`a`) and the next input (`b`), each seen as
/// `[n_outer][block]` with the axis inside the block.
pub struct ConcatStep {
    /// The configuration struct's name.
    pub name: String,
    /// Product of the dimensions before the axis.
    pub outer: usize,
    /// Values of `a` per outer index.
    pub a_block: usize,
    /// Values of `b` per outer index.
    pub b_block: usize,
    /// Values per position of `a`.
    pub a_chan: usize,
    /// Values per position of `b`.
    pub b_chan: usize,
    /// Values per position of the joined result.
    pub res_chan: usize,
}

/// The steps of a Concatenate: input 0 joined with input 1, that with input 2, and so on. The last
/// step's configuration is `config_<layer>`; the others are `config_<layer>_part<k>`.
pub fn concat_steps(plan: &Plan, id: LayerId) -> Vec<ConcatStep> {
    let layer = plan.layer(id);
    let LayerKind::Concat { axis } = layer.kind else {
        return vec![];
    };
    let shapes: Vec<&[usize]> = layer.inputs.iter().map(|&i| plan.layer(i).shape.as_slice()).collect();
    let on_channels = axis + 1 == shapes[0].len();
    let outer: usize = shapes[0][..axis].iter().product();
    let inner: usize = shapes[0][axis + 1..].iter().product();
    let last = |s: &[usize]| *s.last().unwrap_or(&1);
    let mut steps = vec![];
    let (mut joined_axis, mut joined_chan) = (shapes[0][axis], last(shapes[0]));
    for (k, shape) in shapes.iter().enumerate().skip(1) {
        let b_chan = last(shape);
        let res_chan = if on_channels { joined_chan + b_chan } else { joined_chan };
        let name = if k + 1 == shapes.len() {
            format!("config_{}", plan.ident(id))
        } else {
            format!("config_{}_part{k}", plan.ident(id))
        };
        steps.push(ConcatStep {
            name,
            outer,
            a_block: joined_axis * inner,
            b_block: shape[axis] * inner,
            a_chan: joined_chan,
            b_chan,
            res_chan,
        });
        joined_axis += shape[axis];
        joined_chan = res_chan;
    }
    steps
}

/// The text of parameters.h.
pub fn parameters(plan: &Plan) -> Result<String> {
    let mut s = String::new();
    let _ = writeln!(s, "{}", stamp(plan, "The configuration of every layer."));
    s.push_str("#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n\n#include \"defines.h\"\n\n");
    for id in 1..plan.graph.layers.len() {
        s.push_str(&layer_config(plan, id)?);
    }
    s.push_str("#endif\n");
    Ok(s)
}

fn layer_config(plan: &Plan, id: LayerId) -> Result<String> {
    let layer = plan.layer(id);
    let ident = plan.ident(id);
    let name = format!("config_{ident}");
    let rf = plan.reuse[id];
    let input = layer.inputs[0];
    let in_shape = &plan.layer(input).shape;
    let comment = format!(
        "{}: {} {:?} -> {:?}",
        layer.name,
        describe(layer),
        in_shape,
        layer.shape
    );
    let mut c = Config::new(&name, &comment);
    let elementwise = |c: &mut Config| {
        c.unsigned("n_in", layer.output_size())
            .unsigned("n_chan", plan.chan(id))
            .unsigned("n_positions", plan.positions(id))
            .unsigned("reuse_factor", rf);
    };
    match &layer.kind {
        LayerKind::Input => {}
        LayerKind::Dense { kernel, .. } => {
            c.kernel(kernel.shape[0], kernel.shape[1], rf, layer.config.strategy)
                .unsigned("n_positions", plan.positions(id));
            c.typedef(&format!("{ident}_accum_t"), "accum_t")
                .typedef(&format!("{ident}_weight_t"), "weight_t")
                .typedef(&format!("{ident}_bias_t"), "bias_t");
        }
        LayerKind::Conv { kernel, .. } => {
            let g = layer_geometry(plan.graph, id);
            let n_filt = *kernel.shape.last().unwrap_or(&1);
            c.window(&g).unsigned("n_filt", n_filt).kernel(
                g.filt.0 * g.filt.1 * g.n_chan,
                n_filt,
                rf,
                layer.config.strategy,
            );
            c.typedef(&format!("{ident}_accum_t"), "accum_t")
                .typedef(&format!("{ident}_weight_t"), "weight_t")
                .typedef(&format!("{ident}_bias_t"), "bias_t");
        }
        LayerKind::Pool {
            op, count_include_pad, ..
        } => {
            let g = layer_geometry(plan.graph, id);
            c.window(&g)
                .unsigned("reuse_factor", rf)
                .boolean("count_include_pad", *count_include_pad);
            if *op == PoolOp::Average {
                c.typedef(&format!("{ident}_accum_t"), "accum_t")
                    .typedef(&format!("{ident}_recip_t"), "recip_t");
            }
        }
        LayerKind::GlobalPool { op } => {
            c.unsigned("n_positions", plan.positions(input))
                .unsigned("n_chan", plan.chan(input))
                .unsigned("reuse_factor", rf);
            if *op == PoolOp::Average {
                c.typedef(&format!("{ident}_accum_t"), "accum_t")
                    .typedef(&format!("{ident}_recip_t"), "recip_t");
            }
        }
        LayerKind::BatchNorm { .. } => {
            elementwise(&mut c);
            c.typedef(&format!("{ident}_weight_t"), "scale_t")
                .typedef(&format!("{ident}_bias_t"), "bias_t");
        }
        LayerKind::Activation(_) => {
            elementwise(&mut c);
            if let Some(t) = tables(plan, id)? {
                c.table("table_", "table_size", "index_shift", &t.main, &layer.name)?
                    .typedef(&format!("{ident}_table_t"), "table_t");
            }
        }
        LayerKind::Softmax => {
            elementwise(&mut c);
            if let Some(t) = tables(plan, id)? {
                let inv = t.inv.as_ref().expect("a softmax has a 1/x table");
                c.table("exp_", "exp_table_size", "exp_index_shift", &t.main, &layer.name)?
                    .table("inv_", "inv_table_size", "inv_index_shift", inv, &layer.name)?
                    .typedef(&format!("{ident}_table_t"), "exp_table_t")
                    .typedef(&format!("{ident}_table_t"), "inv_table_t")
                    .typedef(&format!("{ident}_sum_t"), "sum_t");
            }
        }
        LayerKind::Flatten | LayerKind::Reshape { .. } => {
            c.unsigned("n_in", layer.output_size())
                .unsigned("in_chan", plan.chan(input))
                .unsigned("res_chan", plan.chan(id));
        }
        LayerKind::Transpose { perm } => {
            // Four axes, leading ones of size 1; output axis k comes from input axis perm[k].
            let rank = in_shape.len();
            let lead = 4 - rank;
            let mut in_strides = vec![1usize; rank];
            for i in (0..rank.saturating_sub(1)).rev() {
                in_strides[i] = in_strides[i + 1] * in_shape[i + 1];
            }
            c.unsigned("n_in", layer.output_size()).unsigned("reuse_factor", rf);
            for k in 0..4 {
                let (dim, stride) = if k < lead {
                    (1, 0)
                } else {
                    (layer.shape[k - lead], in_strides[perm[k - lead]])
                };
                c.unsigned(&format!("out_dim{k}"), dim)
                    .unsigned(&format!("in_stride{k}"), stride);
            }
            c.unsigned("in_chan", plan.chan(input))
                .unsigned("res_chan", plan.chan(id));
        }
        LayerKind::ZeroPad { .. } => {
            let g = layer_geometry(plan.graph, id);
            c.unsigned("in_height", g.in_height)
                .unsigned("in_width", g.in_width)
                .unsigned("n_chan", g.n_chan)
                .unsigned("pad_top", g.pad.0)
                .unsigned("pad_bottom", g.pad.1)
                .unsigned("pad_left", g.pad.2)
                .unsigned("pad_right", g.pad.3)
                .unsigned("out_height", g.out.0)
                .unsigned("out_width", g.out.1)
                .unsigned("reuse_factor", rf);
        }
        LayerKind::Add => elementwise(&mut c),
        LayerKind::Concat { .. } => {
            // Every step but the last gets its own struct, written before the layer's.
            let mut text = String::new();
            for step in concat_steps(plan, id) {
                let mut own;
                let cfg = if step.name == name {
                    &mut c
                } else {
                    own = Config::new(
                        &step.name,
                        &format!("{}: a step joining its inputs one by one", layer.name),
                    );
                    &mut own
                };
                cfg.unsigned("n_outer", step.outer)
                    .unsigned("a_block", step.a_block)
                    .unsigned("b_block", step.b_block)
                    .unsigned("a_chan", step.a_chan)
                    .unsigned("b_chan", step.b_chan)
                    .unsigned("res_chan", step.res_chan)
                    .unsigned("n_out", step.outer * (step.a_block + step.b_block))
                    .unsigned("reuse_factor", rf);
                text.push_str(&cfg.finish());
            }
            return Ok(text);
        }
    }
    Ok(c.finish())
}
