//! Every constant of the firmware — weights, biases, activation parameters, lookup tables and
//! reciprocals — quantized here, in Rust, with the runtime's conversions and tables
//! (`hls4ml_runtime::emu::constants`), so the firmware and the emulator hold the same bits.

use super::plan::{layer_geometry, Plan};
use crate::diag::{Error, Result};
use crate::ir::{Activation, LayerId, LayerKind, PoolOp, SoftmaxImpl, Tensor, SELU_SCALE};
use hls4ml_runtime::emu::constants::{
    activation_range, param, reciprocal, reciprocal_type, softmax_exp_table, softmax_inv_table, Table,
};
use hls4ml_runtime::FixedType;

/// One constant array (or single value) of a layer.
pub struct Constant {
    /// The C++ name: `<layer>_<suffix>`.
    pub name: String,
    /// The typedef it is declared with (in defines.h).
    pub type_name: String,
    /// Its type.
    pub ty: FixedType,
    /// Raw values.
    pub raw: Vec<i128>,
    /// A single value rather than an array.
    pub scalar: bool,
    /// The header under `firmware/weights/` that defines it.
    pub file: String,
    /// What it is, for the comment above it.
    pub doc: String,
}

/// The lookup tables of a layer: one for a table activation, exp and 1/x for a softmax.
pub struct LayerTables {
    /// The activation's table, or the softmax's exp table.
    pub main: Table,
    /// The softmax's 1/x table.
    pub inv: Option<Table>,
}

/// The lookup tables of layer `id`, if it has any.
pub fn tables(plan: &Plan, id: LayerId) -> Result<Option<LayerTables>> {
    let layer = plan.layer(id);
    let cfg = &layer.config;
    let n = cfg.table_size;
    let table_ty = || {
        cfg.table
            .ok_or_else(|| Error::new(format!("layer `{}` has no table type", layer.name)))
    };
    let check_size = || {
        if n.is_power_of_two() && n >= 2 {
            Ok(())
        } else {
            Err(Error::new(format!(
                "layer `{}`: table_size {n} is not a power of two (at least 2)",
                layer.name
            )))
        }
    };
    match &layer.kind {
        LayerKind::Activation(a) if a.uses_table() => {
            check_size()?;
            let (lo, hi) = activation_range(a.name());
            let act = *a;
            let main = Table::new(move |x| act.apply(x), lo, hi, n, table_ty()?);
            Ok(Some(LayerTables { main, inv: None }))
        }
        LayerKind::Softmax if cfg.softmax != SoftmaxImpl::Argmax => {
            check_size()?;
            let stable = cfg.softmax == SoftmaxImpl::Stable;
            let ty = table_ty()?;
            let main = softmax_exp_table(stable, n, ty);
            let inv = softmax_inv_table(stable, plan.chan(id), n, ty);
            Ok(Some(LayerTables { main, inv: Some(inv) }))
        }
        _ => Ok(None),
    }
}

/// The exact type of the sum of `n` values of `t` (softmax's sum of exponentials): `⌈log2 n⌉` more
/// integer bits.
pub fn exact_sum_type(t: FixedType, n: usize) -> FixedType {
    let extra = (usize::BITS - n.saturating_sub(1).leading_zeros()) as i32;
    let mut sum = if t.signed {
        FixedType::fixed(t.width + extra as u32, t.int_bits + extra)
    } else {
        FixedType::ufixed(t.width + extra as u32, t.int_bits + extra)
    };
    sum.integer = false;
    sum
}

/// The activation parameters of layer `id`: `(suffix, value)`, in the order the layer function
/// takes them.
pub fn activation_params(kind: &LayerKind) -> Vec<(&'static str, f64)> {
    match kind {
        LayerKind::Activation(Activation::LeakyRelu { alpha }) => vec![("alpha", *alpha as f64)],
        LayerKind::Activation(Activation::Clip { min, max }) => vec![("lo", *min as f64), ("hi", *max as f64)],
        LayerKind::Activation(Activation::HardSigmoid { slope, offset }) => {
            vec![("slope", *slope as f64), ("offset", *offset as f64)]
        }
        LayerKind::Activation(Activation::Selu) => vec![("lambda", SELU_SCALE as f64)],
        _ => vec![],
    }
}

fn quantized(t: &Tensor, ty: FixedType) -> Vec<i128> {
    t.data.iter().map(|&v| ty.quantize_f64(v as f64)).collect()
}

/// Every constant of layer `id`.
pub fn layer_constants(plan: &Plan, id: LayerId) -> Result<Vec<Constant>> {
    let layer = plan.layer(id);
    let ident = plan.ident(id);
    let cfg = &layer.config;
    let mut out = vec![];
    let missing = |what: &str| Error::new(format!("layer `{}` has no {what} type", layer.name));
    let mut array = |suffix: &str, type_suffix: &str, ty: FixedType, raw: Vec<i128>, file: &str, doc: String| {
        out.push(Constant {
            name: format!("{ident}_{suffix}"),
            type_name: format!("{ident}_{type_suffix}"),
            ty,
            raw,
            scalar: false,
            file: format!("{ident}_{file}.h"),
            doc,
        });
    };
    match &layer.kind {
        LayerKind::Dense { kernel, bias } | LayerKind::Conv { kernel, bias, .. } => {
            let wt = cfg.weight.ok_or_else(|| missing("weight"))?;
            let bt = cfg.bias.ok_or_else(|| missing("bias"))?;
            let shape = kernel
                .shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(" x ");
            array(
                "w",
                "weight_t",
                wt,
                quantized(kernel, wt),
                "w",
                format!("kernel [{shape}], row-major"),
            );
            array(
                "b",
                "bias_t",
                bt,
                quantized(bias, bt),
                "b",
                format!("bias [{}]", bias.len()),
            );
        }
        LayerKind::BatchNorm { scale, bias } => {
            let wt = cfg.weight.ok_or_else(|| missing("weight"))?;
            let bt = cfg.bias.ok_or_else(|| missing("bias"))?;
            array(
                "w",
                "weight_t",
                wt,
                quantized(scale, wt),
                "w",
                format!("scale [{}] (γ/√(σ²+ε))", scale.len()),
            );
            array(
                "b",
                "bias_t",
                bt,
                quantized(bias, bt),
                "b",
                format!("bias [{}] (β − μ·scale)", bias.len()),
            );
        }
        LayerKind::Pool {
            op: PoolOp::Average, ..
        } => {
            let g = layer_geometry(plan.graph, id);
            let window = g.filt.0 * g.filt.1;
            let raw = (0..=window).map(|c| if c == 0 { 0 } else { reciprocal(c) }).collect();
            array(
                "recip",
                "recip_t",
                reciprocal_type(),
                raw,
                "recip",
                format!("1/count for count = 0 ..= {window} valid window positions (entry 0 unused)"),
            );
        }
        LayerKind::GlobalPool { op: PoolOp::Average } => {
            let positions = plan.positions(layer.inputs[0]);
            array(
                "recip",
                "recip_t",
                reciprocal_type(),
                vec![reciprocal(positions)],
                "recip",
                format!("1/{positions}: one over the number of positions"),
            );
        }
        _ => {}
    }
    for (suffix, value) in activation_params(&layer.kind) {
        let (ty, raw) = param(value);
        out.push(Constant {
            name: format!("{ident}_{suffix}"),
            type_name: format!("{ident}_{suffix}_t"),
            ty,
            raw: vec![raw],
            scalar: true,
            file: format!("{ident}_params.h"),
            doc: format!("{suffix} = {value}"),
        });
    }
    if let Some(t) = tables(plan, id)? {
        let (main_suffix, main_doc) = match &layer.kind {
            LayerKind::Softmax => ("exp_table", format!("exp over [{}, {})", t.main.lo, t.main.hi)),
            LayerKind::Activation(a) => ("table", format!("{} over [{}, {})", a.name(), t.main.lo, t.main.hi)),
            _ => unreachable!("only activations and softmax have tables"),
        };
        out.push(Constant {
            name: format!("{ident}_{main_suffix}"),
            type_name: format!("{ident}_table_t"),
            ty: t.main.ty,
            raw: t.main.raw.clone(),
            scalar: false,
            file: format!("{ident}_table.h"),
            doc: format!("{main_doc}, {} entries, entry k at the middle of its bin", t.main.len()),
        });
        if let Some(inv) = t.inv {
            out.push(Constant {
                name: format!("{ident}_inv_table"),
                type_name: format!("{ident}_table_t"),
                ty: inv.ty,
                raw: inv.raw.clone(),
                scalar: false,
                file: format!("{ident}_table.h"),
                doc: format!(
                    "1/x over [{}, {}), {} entries, entry k at the middle of its bin",
                    inv.lo,
                    inv.hi,
                    inv.len()
                ),
            });
        }
    }
    Ok(out)
}
