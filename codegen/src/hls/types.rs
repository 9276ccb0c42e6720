//! `firmware/defines.h`: every type of the firmware, named after its layer.

use super::constants::{exact_sum_type, layer_constants, tables};
use super::plan::{describe, Plan};
use super::stamp;
use crate::config::IoType;
use crate::diag::Result;
use crate::ir::{LayerKind, PoolOp};
use hls4ml_runtime::FixedType;
use std::fmt::Write;

/// The partial sums of an Add of more than two inputs: exact types, one per step but the last.
pub fn add_partial_types(plan: &Plan, id: usize) -> Vec<FixedType> {
    let layer = plan.layer(id);
    let mut out = vec![];
    if !matches!(layer.kind, LayerKind::Add) {
        return out;
    }
    let ty = |i: usize| plan.layer(layer.inputs[i]).config.result;
    let mut acc = ty(0);
    for i in 1..layer.inputs.len() - 1 {
        acc = acc.add_type(&ty(i));
        out.push(acc);
    }
    out
}

/// The text of defines.h.
pub fn defines(plan: &Plan) -> Result<String> {
    let mut s = String::new();
    let _ = writeln!(s, "{}", stamp(plan, "Types and sizes of the firmware."));
    s.push_str("#ifndef DEFINES_H_\n#define DEFINES_H_\n\n#include \"ap_fixed.h\"\n#include \"ap_int.h\"\n");
    if plan.io == IoType::Stream {
        s.push_str("#include \"hls_stream.h\"\n");
    }
    s.push_str("#include \"nnet/nnet_common.h\"\n\n");
    let (input, output) = (0, plan.output_id());
    s.push_str("// Values of one sample.\n");
    let _ = writeln!(s, "#define N_IN {}", plan.layer(input).output_size());
    let _ = writeln!(s, "#define N_OUT {}\n", plan.layer(output).output_size());

    for (id, layer) in plan.graph.layers.iter().enumerate() {
        let ident = plan.ident(id);
        let cfg = &layer.config;
        let _ = writeln!(s, "// {}: {} {:?}", layer.name, describe(layer), layer.shape);
        let _ = writeln!(s, "typedef {} {};", cfg.result, plan.result_t(id));
        let mut typedef = |t: FixedType, suffix: &str| {
            let _ = writeln!(s, "typedef {t} {ident}_{suffix};");
        };
        match &layer.kind {
            LayerKind::Dense { .. } | LayerKind::Conv { .. } => {
                if let (Some(w), Some(b), Some(a)) = (cfg.weight, cfg.bias, cfg.accum) {
                    typedef(w, "weight_t");
                    typedef(b, "bias_t");
                    typedef(a, "accum_t");
                }
            }
            LayerKind::BatchNorm { .. } => {
                if let (Some(w), Some(b)) = (cfg.weight, cfg.bias) {
                    typedef(w, "weight_t");
                    typedef(b, "bias_t");
                }
            }
            LayerKind::Pool {
                op: PoolOp::Average, ..
            }
            | LayerKind::GlobalPool { op: PoolOp::Average } => {
                let acc = cfg.accum.unwrap_or(cfg.result);
                typedef(acc, "accum_t");
            }
            _ => {}
        }
        // Constant types that are not among the layer's own (reciprocals, parameters, tables).
        let mut seen: Vec<String> = ["weight_t", "bias_t"].iter().map(|t| format!("{ident}_{t}")).collect();
        for c in layer_constants(plan, id)? {
            if !seen.contains(&c.type_name) {
                let _ = writeln!(s, "typedef {} {};", c.ty, c.type_name);
                seen.push(c.type_name);
            }
        }
        if let (LayerKind::Softmax, Some(t)) = (&layer.kind, tables(plan, id)?) {
            let _ = writeln!(s, "typedef {} {ident}_sum_t;", exact_sum_type(t.main.ty, plan.chan(id)));
        }
        for (k, t) in add_partial_types(plan, id).into_iter().enumerate() {
            let _ = writeln!(s, "typedef {t} {ident}_partial{}_t;", k + 1);
            if plan.io == IoType::Stream {
                let _ = writeln!(
                    s,
                    "typedef nnet::pack<{ident}_partial{}_t, {}> {ident}_partial{}_pack_t;",
                    k + 1,
                    plan.chan(id),
                    k + 1
                );
            }
        }
        if plan.io == IoType::Stream {
            let _ = writeln!(
                s,
                "typedef nnet::pack<{}, {}> {};",
                plan.result_t(id),
                plan.chan(id),
                plan.pack_t(id)
            );
        }
        s.push('\n');
    }

    s.push_str("// The top function's input and output.\n");
    let _ = writeln!(s, "typedef {} input_t;", plan.result_t(input));
    let _ = writeln!(s, "typedef {} result_t;", plan.result_t(output));
    if plan.io == IoType::Stream {
        let _ = writeln!(s, "typedef {} input_pack_t;", plan.pack_t(input));
        let _ = writeln!(s, "typedef {} result_pack_t;", plan.pack_t(output));
    }
    s.push_str("\n#endif\n");
    Ok(s)
}
