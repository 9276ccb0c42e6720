//! Resolves every layer's [`LayerConfig`](crate::ir::LayerConfig) from the model precision, the
//! per-layer overrides and, for the default, the model's own numbers.
//!
//! - **An explicit model precision** `P` (hls4ml's convention): every weight, bias, result and
//!   accumulator not overridden is `P`; lookup tables keep their own types.
//! - **The default** (no `precision`): weights and biases get 16 bits with the integer bits their
//!   largest magnitude needs (no weight can overflow, none loses more than half an LSB); layer
//!   results get 16 bits, rounding and saturating, with integer bits from the activations' range
//!   over the `calibration` inputs when given (one bit of headroom), `ap_fixed<16,6>` otherwise, and
//!   the known ranges of bounded functions (softmax, sigmoid, tanh, …); accumulators are exactly as
//!   wide as the layer needs, so sums never overflow.
//! - **`"auto"`** for one type follows hls4ml: an accumulator wide enough for the products and their
//!   sum; a Dense/Conv/BatchNorm result equal to that accumulator.

use crate::config::{HlsConfig, LayerOverride, PrecisionSpec};
use crate::diag::{did_you_mean, warning, Diagnostic, Error, Result, SourceFile};
use crate::ir::{Activation, Graph, LayerConfig, LayerId, LayerKind, PoolOp, Tensor};
use hls4ml_runtime::{FixedType, Overflow, Quantization};
use std::sync::Arc;

/// The width of default weights, biases and results: the width hls4ml users default to.
pub const DEFAULT_WIDTH: u32 = 16;

/// hls4ml's lookup-table type for sigmoid, tanh and the like.
pub fn default_table_type() -> FixedType {
    FixedType::fixed(18, 8)
}

/// hls4ml's lookup-table type for softmax's exp and 1/x tables.
pub fn default_softmax_table_type() -> FixedType {
    FixedType::fixed(18, 8).with_modes(Quantization::Rnd, Overflow::Sat)
}

/// Entries of a lookup table unless the TOML says otherwise: hls4ml's 1024, except for a softmax,
/// which gets 4096 so that close logits do not fall into the same bin of the exp table (8/1024
/// wide) and tie — with 1024 entries a near-uniform PyTorch MLP keeps the float model's argmax on
/// 79.5% of samples, with 4096 on 93.7%; with an explicit `ap_fixed<16,6>` the 1-D convolutional
/// net keeps its logits' argmax on 98.4% of samples instead of 96.9%. The two tables then take
/// 2 × 4096 × 18 bits: a few BRAMs.
pub fn default_table_size(kind: &LayerKind, _model: Option<FixedType>) -> usize {
    match kind {
        LayerKind::Softmax => 4096,
        _ => 1024,
    }
}

/// Rounding, saturating: the modes of default results.
fn rnd_sat(t: FixedType) -> FixedType {
    t.with_modes(Quantization::Rnd, Overflow::Sat)
}

/// The fewest integer bits (sign included) for which a signed `width`-bit type holds `±max_abs`.
pub fn int_bits_for(max_abs: f64, width: u32) -> i32 {
    if !(max_abs.is_finite() && max_abs > 0.0) {
        return 1;
    }
    let mut i = max_abs.log2().ceil() as i32 + 1;
    // Step down while it still fits (powers of two and rounding), up while it does not.
    while FixedType::fixed(width, i - 1).max_value() >= max_abs {
        i -= 1;
    }
    while FixedType::fixed(width, i).max_value() < max_abs {
        i += 1;
    }
    i
}

fn ceil_log2(n: usize) -> i32 {
    (usize::BITS - n.saturating_sub(1).leading_zeros()) as i32
}

/// hls4ml's accumulator for `n` products of `x`·`w` plus a bias `b`: integer and fractional bits of
/// the product, `ceil(log2(n))` more integer bits for the sum, one more for the bias.
pub fn accum_type(x: FixedType, w: FixedType, b: Option<FixedType>, n: usize) -> FixedType {
    let sign = |t: FixedType| if t.signed { 0 } else { 1 };
    let mut int = x.int_bits + sign(x) + w.int_bits + sign(w) + ceil_log2(n);
    let mut frac = x.frac_bits() + w.frac_bits();
    if let Some(b) = b {
        int = int.max(b.int_bits + sign(b)) + 1;
        frac = frac.max(b.frac_bits());
    }
    let width = (int + frac).max(1) as u32;
    FixedType::fixed(width, int)
}

/// What the resolver knows of the activations: each layer's largest output magnitude over the
/// calibration inputs.
pub type Ranges = Vec<f64>;

/// Runs the float model over calibration samples and returns each layer's largest |output|.
pub fn calibrate(graph: &Graph, samples: &[f32]) -> Ranges {
    let n_in = graph.input().output_size();
    let mut ranges = vec![0f64; graph.layers.len()];
    for x in samples.chunks_exact(n_in) {
        for (r, out) in ranges.iter_mut().zip(crate::float::forward_all(graph, x)) {
            *r = out.iter().fold(*r, |m, v| m.max(v.abs() as f64));
        }
    }
    ranges
}

/// Resolves the configuration of every layer in place. Returns the warnings (weights that do not
/// fit an explicit type, and the like); errors for overrides that do not apply to their layer.
pub fn resolve(
    graph: &mut Graph,
    hls: &HlsConfig,
    overrides: &[LayerOverride],
    ranges: Option<&Ranges>,
    src: &Arc<SourceFile>,
) -> Result<Vec<Diagnostic>> {
    let mut errors = vec![];
    let mut by_layer: Vec<Option<&LayerOverride>> = vec![None; graph.layers.len()];
    for o in overrides {
        match graph.find(&o.name) {
            Some(id) => by_layer[id] = Some(o),
            None => errors.push(unknown_layer(graph, o, src)),
        }
    }
    for (id, o) in by_layer.iter().enumerate() {
        if let Some(o) = o {
            errors.extend(check_applies(&graph.layers[id].kind, o, src));
        }
    }
    if let Some(e) = Error::combine(errors) {
        return Err(e);
    }
    let mut warnings = vec![];
    for (id, o) in by_layer.iter().copied().enumerate() {
        let cfg = resolve_layer(graph, id, hls, o, ranges);
        graph.layers[id].config = cfg;
        warnings.extend(check_fit(graph, id));
    }
    Ok(warnings)
}

/// The error for an override naming a layer the model does not have, with a suggestion.
pub(crate) fn unknown_layer(graph: &Graph, o: &LayerOverride, src: &Arc<SourceFile>) -> Error {
    let names: Vec<&str> = graph.layers.iter().map(|l| l.name.as_str()).collect();
    let e = Error::at(
        src,
        o.name_span.clone(),
        format!("the model has no layer named `{}`", o.name),
    );
    match did_you_mean(&o.name, names.iter().copied()) {
        Some(best) => e.help(format!("did you mean `{best}`?")),
        None => e.help(format!("the layers are: {}", names.join(", "))),
    }
}

fn check_applies(kind: &LayerKind, o: &LayerOverride, src: &Arc<SourceFile>) -> Vec<Error> {
    let class = kind.class_name();
    let has_weights = matches!(
        kind,
        LayerKind::Dense { .. } | LayerKind::Conv { .. } | LayerKind::BatchNorm { .. }
    );
    let has_accum = has_weights
        || matches!(
            kind,
            LayerKind::Pool {
                op: PoolOp::Average,
                ..
            } | LayerKind::GlobalPool { op: PoolOp::Average }
        );
    let has_table = matches!(kind, LayerKind::Softmax) || matches!(kind, LayerKind::Activation(a) if a.uses_table());
    let is_softmax = matches!(kind, LayerKind::Softmax);
    let checks = [
        (&o.spans.weight, has_weights, "weights"),
        (&o.spans.bias, has_weights, "biases"),
        (&o.spans.accum, has_accum, "an accumulator"),
        (&o.spans.table, has_table, "a lookup table"),
        (&o.spans.implementation, is_softmax, "a softmax implementation"),
        (&o.spans.skip, is_softmax, "`skip` (only a softmax can be skipped)"),
    ];
    checks
        .iter()
        .filter_map(|(span, ok, what)| match (span, ok) {
            (Some(span), false) => Some(Error::at(
                src,
                span.clone(),
                format!("layer `{}` ({class}) has no {what}", o.name),
            )),
            _ => None,
        })
        .collect()
}

fn spec(s: Option<PrecisionSpec>, auto: impl FnOnce() -> FixedType, default: FixedType) -> FixedType {
    match s {
        Some(PrecisionSpec::Fixed(t)) => t,
        Some(PrecisionSpec::Auto) => auto(),
        None => default,
    }
}

fn weight_default(t: &Tensor, model: Option<FixedType>) -> FixedType {
    model.unwrap_or_else(|| {
        rnd_sat(FixedType::fixed(
            DEFAULT_WIDTH,
            int_bits_for(t.max_abs() as f64, DEFAULT_WIDTH),
        ))
    })
}

fn resolve_layer(
    graph: &Graph,
    id: LayerId,
    hls: &HlsConfig,
    o: Option<&LayerOverride>,
    ranges: Option<&Ranges>,
) -> LayerConfig {
    let layer = &graph.layers[id];
    let model = hls.precision;
    let input_type = layer.inputs.first().map(|&i| graph.layers[i].config.result);
    let ov = |f: fn(&LayerOverride) -> Option<PrecisionSpec>| o.and_then(f);
    // The default result of a layer that computes: 16 bits from its range when calibrated.
    let computed_result = || match ranges {
        Some(r) => rnd_sat(FixedType::fixed(DEFAULT_WIDTH, int_bits_for(r[id], DEFAULT_WIDTH) + 1)),
        None => rnd_sat(FixedType::fixed(DEFAULT_WIDTH, 6)),
    };
    let mut cfg = LayerConfig {
        reuse_factor: o.and_then(|o| o.reuse_factor).unwrap_or(hls.reuse_factor),
        strategy: o.and_then(|o| o.strategy).unwrap_or(hls.strategy),
        table_size: o
            .and_then(|o| o.table_size)
            .unwrap_or(default_table_size(&layer.kind, model)),
        softmax: o.and_then(|o| o.implementation).unwrap_or_default(),
        ..LayerConfig::default()
    };
    let (weights, bias, n_products) = match &layer.kind {
        LayerKind::Dense { kernel, bias } => (Some(kernel), Some(bias), kernel.shape[0]),
        LayerKind::Conv { kernel, bias, .. } => {
            let per_output: usize = kernel.shape[..kernel.shape.len() - 1].iter().product();
            (Some(kernel), Some(bias), per_output)
        }
        LayerKind::BatchNorm { scale, bias } => (Some(scale), Some(bias), 1),
        _ => (None, None, 0),
    };
    if let (Some(w), Some(b), Some(x)) = (weights, bias, input_type) {
        let wt = spec(ov(|o| o.weight), || weight_default(w, None), weight_default(w, model));
        let bt = spec(ov(|o| o.bias), || weight_default(b, None), weight_default(b, model));
        let exact = accum_type(x, wt, Some(bt), n_products);
        let at = spec(ov(|o| o.accum), || exact, model.unwrap_or(exact));
        cfg.weight = Some(wt);
        cfg.bias = Some(bt);
        cfg.accum = Some(at);
        cfg.result = spec(ov(|o| o.result), || at, model.unwrap_or_else(computed_result));
        return cfg;
    }
    let x = input_type.unwrap_or(FixedType::fixed(DEFAULT_WIDTH, 6));
    let default_result = match &layer.kind {
        LayerKind::Input => model.unwrap_or_else(computed_result),
        LayerKind::Softmax => model.unwrap_or(rnd_sat(FixedType::ufixed(DEFAULT_WIDTH, 1))),
        LayerKind::Activation(a) => model.unwrap_or_else(|| match a {
            Activation::Sigmoid | Activation::HardSigmoid { .. } => rnd_sat(FixedType::ufixed(DEFAULT_WIDTH, 1)),
            Activation::Tanh | Activation::Softsign => rnd_sat(FixedType::fixed(DEFAULT_WIDTH, 2)),
            Activation::Clip { min, max } => {
                let m = (min.abs().max(max.abs())) as f64;
                rnd_sat(FixedType::fixed(DEFAULT_WIDTH, int_bits_for(m, DEFAULT_WIDTH)))
            }
            Activation::Relu | Activation::LeakyRelu { .. } | Activation::Linear => x,
            Activation::Elu { .. } | Activation::Selu | Activation::Softplus => computed_result(),
        }),
        LayerKind::Add => model.unwrap_or_else(computed_result),
        LayerKind::Concat { .. } => model.unwrap_or_else(|| {
            let types: Vec<FixedType> = layer.inputs.iter().map(|&i| graph.layers[i].config.result).collect();
            let int = types
                .iter()
                .map(|t| t.int_bits + i32::from(!t.signed))
                .max()
                .unwrap_or(6);
            rnd_sat(FixedType::fixed(DEFAULT_WIDTH, int))
        }),
        // Layers that only move or select values keep their input's type.
        _ => model.unwrap_or(x),
    };
    cfg.result = spec(ov(|o| o.result), || x, default_result);
    if let LayerKind::Pool {
        op: PoolOp::Average,
        pool,
        ..
    } = &layer.kind
    {
        let n: usize = pool.iter().product();
        let exact = FixedType::fixed(x.width + ceil_log2(n) as u32, x.int_bits + ceil_log2(n));
        cfg.accum = Some(spec(ov(|o| o.accum), || exact, model.unwrap_or(exact)));
    }
    if let LayerKind::GlobalPool { op: PoolOp::Average } = &layer.kind {
        let in_shape = &graph.layers[layer.inputs[0]].shape;
        let n: usize = in_shape[..in_shape.len() - 1].iter().product();
        let exact = FixedType::fixed(x.width + ceil_log2(n) as u32, x.int_bits + ceil_log2(n));
        cfg.accum = Some(spec(ov(|o| o.accum), || exact, model.unwrap_or(exact)));
    }
    match &layer.kind {
        LayerKind::Softmax => {
            cfg.table = Some(spec(
                ov(|o| o.table),
                default_softmax_table_type,
                default_softmax_table_type(),
            ));
        }
        LayerKind::Activation(a) if a.uses_table() => {
            cfg.table = Some(spec(ov(|o| o.table), default_table_type, default_table_type()));
        }
        _ => {}
    }
    cfg
}

/// Warns when weights or biases do not fit their type, or when many of them round to zero.
fn check_fit(graph: &Graph, id: LayerId) -> Vec<Diagnostic> {
    let layer = &graph.layers[id];
    let (w, b) = match &layer.kind {
        LayerKind::Dense { kernel, bias } | LayerKind::Conv { kernel, bias, .. } => (kernel, bias),
        LayerKind::BatchNorm { scale, bias } => (scale, bias),
        _ => return vec![],
    };
    let mut out = vec![];
    for (what, t, ty) in [("weights", w, layer.config.weight), ("biases", b, layer.config.bias)] {
        let Some(ty) = ty else { continue };
        let (lo, hi) = (ty.min_value(), ty.max_value());
        let over = t.data.iter().filter(|&&v| (v as f64) < lo || (v as f64) > hi).count();
        if over > 0 {
            let effect = if ty.overflow == Overflow::Wrap {
                "wrap around"
            } else {
                "saturate"
            };
            out.push(warning(format!(
                "layer `{}`: {over} of {} {what} lie outside {ty}'s range [{lo}, {hi}] (largest |value| {}); they will {effect}",
                layer.name,
                t.len(),
                t.max_abs()
            )));
        }
        let half_lsb = ty.lsb() / 2.0;
        let zeroed = t
            .data
            .iter()
            .filter(|&&v| v != 0.0 && (v.abs() as f64) < half_lsb)
            .count();
        if zeroed * 10 > t.len() {
            out.push(warning(format!(
                "layer `{}`: {zeroed} of {} {what} are smaller than half an LSB of {ty} ({}) and become zero",
                layer.name,
                t.len(),
                half_lsb
            )));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_bits_hold_the_largest_magnitude() {
        assert_eq!(int_bits_for(1.0, 16), 2); // ap_fixed<16,1> stops just below 1
        assert_eq!(int_bits_for(0.99, 16), 1);
        assert_eq!(int_bits_for(5.0, 16), 4);
        assert_eq!(int_bits_for(0.1, 16), -2);
        assert_eq!(int_bits_for(0.0, 16), 1);
    }

    #[test]
    fn accumulator_follows_hls4ml_auto_rule() {
        let x = FixedType::fixed(16, 6);
        // 16+16 bits of product, log2(64) = 6 more integer bits, one for the bias.
        let a = accum_type(x, x, Some(x), 64);
        assert_eq!((a.width, a.int_bits), (39, 19));
    }
}
