//! `firmware/<P>.cpp` and `firmware/<P>.h`: the top function, one layer function call per layer.

use super::constants::layer_constants;
use super::params::concat_steps;
use super::plan::{describe, Plan};
use super::stamp;
use crate::config::IoType;
use crate::diag::Result;
use crate::ir::{Activation, LayerId, LayerKind, PoolOp, SoftmaxImpl, Strategy};
use std::fmt::Write;

/// The top function's signature.
fn signature(plan: &Plan) -> String {
    match plan.io {
        IoType::Parallel => format!("void {}(input_t input[N_IN], result_t output[N_OUT])", plan.name()),
        IoType::Stream => format!(
            "void {}(hls::stream<input_pack_t>& input, hls::stream<result_pack_t>& output)",
            plan.name()
        ),
    }
}

/// The text of `<P>.h`.
pub fn header(plan: &Plan) -> String {
    let guard = format!("{}_H_", plan.name().to_ascii_uppercase());
    let io = match plan.io {
        IoType::Parallel => "arrays of N_IN and N_OUT values",
        IoType::Stream => "streams of positions (input_pack_t, result_pack_t)",
    };
    format!(
        "{}\n#ifndef {guard}\n#define {guard}\n\n#include \"defines.h\"\n\n// One inference: {io}.\n{};\n\n#endif\n",
        stamp(plan, "The top function of the firmware."),
        signature(plan)
    )
}

/// The text of `<P>.cpp`.
pub fn source(plan: &Plan) -> Result<String> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        stamp(plan, "The top function of the firmware: the layers in order.")
    );
    let _ = writeln!(s, "#include \"{}.h\"", plan.name());
    s.push_str("#include \"parameters.h\"\n\n");
    for header in library_headers(plan) {
        let _ = writeln!(s, "#include \"nnet/{header}\"");
    }
    s.push('\n');
    let mut files: Vec<String> = vec![];
    for id in 1..plan.graph.layers.len() {
        for c in layer_constants(plan, id)? {
            if !files.contains(&c.file) {
                files.push(c.file);
            }
        }
    }
    for f in &files {
        let _ = writeln!(s, "#include \"weights/{f}\"");
    }
    if !files.is_empty() {
        s.push('\n');
    }
    let _ = writeln!(s, "{} {{", signature(plan));
    match plan.io {
        IoType::Parallel => {
            s.push_str("#pragma HLS ARRAY_RESHAPE variable=input complete dim=0\n");
            s.push_str("#pragma HLS ARRAY_PARTITION variable=output complete dim=0\n");
            s.push_str("#pragma HLS INTERFACE ap_vld port=input,output\n");
            if plan.any_resource() {
                s.push_str("#pragma HLS DATAFLOW\n");
            } else {
                s.push_str("#pragma HLS PIPELINE\n");
            }
        }
        IoType::Stream => {
            s.push_str("#pragma HLS INTERFACE axis port=input,output\n");
            s.push_str("#pragma HLS DATAFLOW\n");
        }
    }
    let mut body = Body {
        plan,
        text: String::new(),
    };
    if plan.graph.layers.len() == 1 {
        body.passthrough();
    }
    body.clones(0);
    for id in 1..plan.graph.layers.len() {
        body.layer(id);
        body.clones(id);
    }
    s.push_str(&body.text);
    s.push_str("}\n");
    Ok(s)
}

/// The library headers the layers need.
fn library_headers(plan: &Plan) -> Vec<&'static str> {
    let mut out = vec!["nnet_common.h"];
    for layer in &plan.graph.layers[1..] {
        let base = match layer.kind {
            LayerKind::Input => continue,
            LayerKind::Dense { .. } => "nnet_dense",
            LayerKind::Conv { .. } => "nnet_conv",
            LayerKind::Pool { .. } | LayerKind::GlobalPool { .. } => "nnet_pooling",
            LayerKind::BatchNorm { .. } => "nnet_batchnorm",
            LayerKind::Activation(_) => "nnet_activation",
            LayerKind::Softmax => "nnet_softmax",
            LayerKind::Add | LayerKind::Concat { .. } => "nnet_merge",
            LayerKind::Flatten
            | LayerKind::Reshape { .. }
            | LayerKind::Transpose { .. }
            | LayerKind::ZeroPad { .. } => "nnet_reshape",
        };
        let header = match (plan.io, base) {
            (IoType::Parallel, b) => library_name(b, false),
            (IoType::Stream, b) => library_name(b, true),
        };
        if !out.contains(&header) {
            out.push(header);
        }
    }
    if plan.io == IoType::Stream && !out.contains(&"nnet_reshape_stream.h") {
        out.push("nnet_reshape_stream.h");
    }
    out
}

fn library_name(base: &str, stream: bool) -> &'static str {
    super::library::FILES
        .iter()
        .map(|(name, _)| *name)
        .find(|name| {
            let stem = name.trim_end_matches(".h");
            if stream {
                stem == format!("{base}_stream")
            } else {
                stem == base
            }
        })
        .expect("every layer kind has its library header")
}

/// The body of the top function being written.
struct Body<'p, 'a> {
    plan: &'p Plan<'a>,
    text: String,
}

impl Body<'_, '_> {
    fn line(&mut self, line: &str) {
        let _ = writeln!(self.text, "    {line}");
    }

    fn pragma(&mut self, pragma: &str) {
        let _ = writeln!(self.text, "#pragma HLS {pragma}");
    }

    /// The name of a layer's output as its producer writes it.
    fn output_name(&self, id: LayerId) -> String {
        if id == 0 {
            "input".into()
        } else if id == self.plan.output_id() {
            "output".into()
        } else {
            format!("{}_out", self.plan.ident(id))
        }
    }

    /// The name layer `reader` reads its input `slot` from: the producer's output, or with
    /// io_stream, the reader's own copy when several layers read it.
    fn input_name(&self, reader: LayerId, slot: usize) -> String {
        let producer = self.plan.input(reader, slot);
        let readers = &self.plan.readers[producer];
        if self.plan.io == IoType::Parallel || readers.len() == 1 {
            return self.output_name(producer);
        }
        let k = readers
            .iter()
            .position(|&r| r == (reader, slot))
            .expect("a reader of its input");
        format!("{}_copy{}", self.output_name(producer), k + 1)
    }

    /// Declares an intermediate array or stream of `elem` with `values` values in `positions`
    /// positions.
    fn declare(&mut self, elem: &str, name: &str, values: usize, positions: usize) {
        match self.plan.io {
            IoType::Parallel => {
                self.line(&format!("{elem} {name}[{values}];"));
                self.pragma(&format!("ARRAY_PARTITION variable={name} complete dim=0"));
            }
            IoType::Stream => {
                self.line(&format!("hls::stream<{elem}> {name}(\"{name}\");"));
                self.pragma(&format!("STREAM variable={name} depth={positions}"));
            }
        }
    }

    /// A graph without layers: the input is the output.
    fn passthrough(&mut self) {
        match self.plan.io {
            IoType::Parallel => self.line("nnet::convert_array<input_t, result_t, N_IN>(input, output);"),
            IoType::Stream => self.line(&format!(
                "for (unsigned p = 0; p < {}; p++) output.write(input.read());",
                self.plan.positions(0)
            )),
        }
    }

    fn layer(&mut self, id: LayerId) {
        let plan = self.plan;
        let layer = plan.layer(id);
        let ident = plan.ident(id);
        let in_shapes: Vec<String> = layer
            .inputs
            .iter()
            .map(|&i| format!("{:?}", plan.layer(i).shape))
            .collect();
        self.text.push('\n');
        self.line(&format!(
            "// {}: {} {} -> {:?}",
            layer.name,
            describe(layer),
            in_shapes.join(" + "),
            layer.shape
        ));
        let out = self.output_name(id);
        if id != plan.output_id() {
            self.declare(&plan.elem_t(id), &out, layer.output_size(), plan.positions(id));
        }
        let input = |slot: usize| self.input_name(id, slot);
        let in_t = |slot: usize| plan.elem_t(plan.input(id, slot));
        let out_t = plan.elem_t(id);
        let config = format!("config_{ident}");
        let call = |function: &str, args: &[String]| {
            format!(
                "nnet::{function}<{}, {out_t}, {config}>({}, {out}{});",
                in_t(0),
                input(0),
                args.iter().map(|a| format!(", {a}")).collect::<String>()
            )
        };
        let c = |suffix: &str| format!("{ident}_{suffix}");
        let strategy = match layer.config.strategy {
            Strategy::Latency => "latency",
            Strategy::Resource => "resource",
        };
        let statement = match &layer.kind {
            LayerKind::Input => return,
            // The strategy picks the implementation; a Conv1D is a Conv2D of height 1.
            LayerKind::Dense { .. } => call(&format!("dense_{strategy}"), &[c("w"), c("b")]),
            LayerKind::Conv { .. } => call(&format!("conv_2d_{strategy}"), &[c("w"), c("b")]),
            LayerKind::Pool { op: PoolOp::Max, .. } => call("max_pooling_2d", &[]),
            LayerKind::Pool { .. } => call("average_pooling_2d", &[c("recip")]),
            LayerKind::GlobalPool { op: PoolOp::Max } => call("global_max_pooling", &[]),
            LayerKind::GlobalPool { op: PoolOp::Average } => call("global_average_pooling", &[c("recip")]),
            LayerKind::BatchNorm { .. } => call("batchnorm", &[c("w"), c("b")]),
            LayerKind::Activation(a) => match a {
                Activation::Linear => call("linear", &[]),
                Activation::Relu => call("relu", &[]),
                Activation::LeakyRelu { .. } => call("leaky_relu", &[c("alpha")]),
                Activation::Clip { .. } => call("clip", &[c("lo"), c("hi")]),
                Activation::HardSigmoid { .. } => call("hard_sigmoid", &[c("slope"), c("offset")]),
                Activation::Sigmoid | Activation::Tanh | Activation::Softsign => {
                    call("table_activation", &[c("table")])
                }
                Activation::Softplus => call("softplus", &[c("table")]),
                Activation::Elu { .. } => call("elu", &[c("table")]),
                Activation::Selu => call("selu", &[c("lambda"), c("table")]),
            },
            LayerKind::Softmax => match layer.config.softmax {
                SoftmaxImpl::Stable => call("softmax_stable", &[c("exp_table"), c("inv_table")]),
                SoftmaxImpl::Latency => call("softmax_latency", &[c("exp_table"), c("inv_table")]),
                SoftmaxImpl::Argmax => call("softmax_argmax", &[]),
            },
            LayerKind::Flatten | LayerKind::Reshape { .. } => match plan.io {
                IoType::Parallel => format!(
                    "nnet::convert_array<{}, {out_t}, {}>({}, {out});",
                    in_t(0),
                    layer.output_size(),
                    input(0)
                ),
                IoType::Stream => call("repack", &[]),
            },
            LayerKind::Transpose { .. } => call("transpose", &[]),
            LayerKind::ZeroPad { .. } => call("zero_pad", &[]),
            LayerKind::Add => return self.add_chain(id),
            LayerKind::Concat { .. } => return self.concat_chain(id),
        };
        self.line(&statement);
    }

    /// Add: a chain of exact partial sums, the last converted into the result type.
    fn add_chain(&mut self, id: LayerId) {
        let plan = self.plan;
        let layer = plan.layer(id);
        let ident = plan.ident(id);
        let (mut acc, mut acc_t) = (self.input_name(id, 0), plan.elem_t(layer.inputs[0]));
        for k in 1..layer.inputs.len() {
            let (target, target_t) = if k == layer.inputs.len() - 1 {
                (self.output_name(id), plan.elem_t(id))
            } else {
                let t = match plan.io {
                    IoType::Parallel => format!("{ident}_partial{k}_t"),
                    IoType::Stream => format!("{ident}_partial{k}_pack_t"),
                };
                let name = format!("{ident}_partial{k}");
                self.declare(&t, &name, layer.output_size(), plan.positions(id));
                (name, t)
            };
            let statement = format!(
                "nnet::add<{acc_t}, {}, {target_t}, config_{ident}>({acc}, {}, {target});",
                plan.elem_t(layer.inputs[k]),
                self.input_name(id, k)
            );
            self.line(&statement);
            (acc, acc_t) = (target, target_t);
        }
    }

    /// Concatenate: the inputs joined one by one, each step into the result type.
    fn concat_chain(&mut self, id: LayerId) {
        let plan = self.plan;
        let layer = plan.layer(id);
        let ident = plan.ident(id);
        let steps = concat_steps(plan, id);
        let (mut acc, mut acc_t) = (self.input_name(id, 0), plan.elem_t(layer.inputs[0]));
        for (k, step) in steps.iter().enumerate() {
            let (target, target_t) = if k + 1 == steps.len() {
                (self.output_name(id), plan.elem_t(id))
            } else {
                let t = match plan.io {
                    IoType::Parallel => plan.result_t(id),
                    IoType::Stream => format!("nnet::pack<{}, {}>", plan.result_t(id), step.res_chan),
                };
                let name = format!("{ident}_part{}", k + 1);
                let values = step.outer * (step.a_block + step.b_block);
                self.declare(&t, &name, values, values / step.res_chan);
                (name, t)
            };
            let statement = format!(
                "nnet::concatenate<{acc_t}, {}, {target_t}, {}>({acc}, {}, {target});",
                plan.elem_t(layer.inputs[k + 1]),
                step.name,
                self.input_name(id, k + 1)
            );
            self.line(&statement);
            (acc, acc_t) = (target, target_t);
        }
    }

    /// With io_stream, a stream read by several layers is copied once per reader.
    fn clones(&mut self, id: LayerId) {
        let plan = self.plan;
        let readers = plan.readers[id].len();
        if plan.io != IoType::Stream || readers < 2 {
            return;
        }
        let elem = plan.elem_t(id);
        let positions = plan.positions(id);
        let source = self.output_name(id);
        self.line(&format!("// {source} is read by {readers} layers: one copy each"));
        for k in 1..=readers {
            self.declare(
                &elem,
                &format!("{source}_copy{k}"),
                plan.layer(id).output_size(),
                positions,
            );
        }
        let mut from = source.clone();
        for k in 1..readers {
            let rest = if k + 1 == readers {
                format!("{source}_copy{readers}")
            } else {
                let name = format!("{source}_rest{k}");
                self.declare(&elem, &name, plan.layer(id).output_size(), positions);
                name
            };
            self.line(&format!(
                "nnet::clone_stream<{elem}, {positions}>({from}, {source}_copy{k}, {rest});"
            ));
            from = rest;
        }
    }
}
