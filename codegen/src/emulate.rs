//! The IR with its resolved precisions, turned into the runtime's bit-exact emulator
//! ([`hls4ml_runtime::emu::Model`]): every constant quantized here, once, as `docs/semantics.md`
//! says (`w = Q_w(weight as f64)`, `b = Q_b(bias as f64)`, parameters, tables, reciprocals).

use crate::ir::{self, Graph, LayerKind, PoolOp, SoftmaxImpl};
use hls4ml_runtime::emu::{self, constants, Param, Weights};
use hls4ml_runtime::FixedType;

/// Builds the emulator of `graph`, whose layer configurations must be resolved (as
/// [`crate::Project`] leaves them).
///
/// ```no_run
/// let project = hls4ml_codegen::Project::load("models/jet_tagger/jet_tagger.toml")?;
/// let model = hls4ml_codegen::emulate::model(&project.graph).expect("supported types");
/// let y = model.predict(&[0.0; 16]);
/// assert_eq!(y.len(), 5);
/// # Ok::<(), hls4ml_codegen::Error>(())
/// ```
///
/// # Errors
/// When a type does not fit the reference arithmetic (raw values, and the exact products and sums of
/// a layer, must fit 128 bits).
pub fn model(graph: &Graph) -> Result<emu::Model, emu::ModelError> {
    let layers = graph
        .layers
        .iter()
        .map(|l| {
            let kind = kind(l).map_err(|m| emu::ModelError {
                layer: Some(l.name.clone()),
                message: m,
            })?;
            Ok(emu::Layer {
                name: l.name.clone(),
                kind,
                inputs: l.inputs.clone(),
                shape: l.shape.clone(),
                result: l.config.result,
            })
        })
        .collect::<Result<Vec<_>, emu::ModelError>>()?;
    emu::Model::new(layers)
}

fn required(t: Option<FixedType>, what: &str) -> Result<FixedType, String> {
    t.ok_or_else(|| format!("the layer has no resolved {what} type"))
}

fn quantize(t: Option<FixedType>, what: &str, data: &ir::Tensor) -> Result<Weights, String> {
    let ty = required(t, what)?;
    ty.check_raw().map_err(|e| format!("{what} type: {e}"))?;
    Ok(Weights::quantize(ty, &data.data))
}

fn kind(l: &ir::Layer) -> Result<emu::LayerKind, String> {
    let cfg = &l.config;
    let table_ty = || -> Result<FixedType, String> {
        let t = required(cfg.table, "table")?;
        t.check_raw().map_err(|e| format!("table type: {e}"))?;
        Ok(t)
    };
    let pool_op = |op: &PoolOp| match op {
        PoolOp::Max => emu::PoolOp::Max,
        PoolOp::Average => emu::PoolOp::Average,
    };
    Ok(match &l.kind {
        LayerKind::Input => emu::LayerKind::Input,
        LayerKind::Dense { kernel, bias } => emu::LayerKind::Dense {
            weights: quantize(cfg.weight, "weight", kernel)?,
            bias: quantize(cfg.bias, "bias", bias)?,
            accum: required(cfg.accum, "accumulator")?,
        },
        LayerKind::Conv {
            kernel,
            bias,
            strides,
            dilation,
            padding,
        } => emu::LayerKind::Conv {
            kernel: kernel.shape[..kernel.shape.len() - 2].to_vec(),
            weights: quantize(cfg.weight, "weight", kernel)?,
            bias: quantize(cfg.bias, "bias", bias)?,
            accum: required(cfg.accum, "accumulator")?,
            strides: strides.clone(),
            dilation: dilation.clone(),
            padding: padding.clone(),
        },
        LayerKind::Pool {
            op,
            pool,
            strides,
            padding,
            count_include_pad,
        } => emu::LayerKind::Pool {
            op: pool_op(op),
            pool: pool.clone(),
            strides: strides.clone(),
            padding: padding.clone(),
            count_include_pad: *count_include_pad,
            accum: cfg.accum,
        },
        LayerKind::GlobalPool { op } => emu::LayerKind::GlobalPool {
            op: pool_op(op),
            accum: cfg.accum,
        },
        LayerKind::BatchNorm { scale, bias } => emu::LayerKind::BatchNorm {
            scale: quantize(cfg.weight, "weight (scale)", scale)?,
            bias: quantize(cfg.bias, "bias", bias)?,
        },
        LayerKind::Activation(a) => emu::LayerKind::Activation(activation(a, cfg.table_size, table_ty)?),
        LayerKind::Softmax => {
            let n = *l.shape.last().unwrap_or(&1);
            emu::LayerKind::Softmax(match cfg.softmax {
                SoftmaxImpl::Argmax => emu::Softmax::Argmax,
                SoftmaxImpl::Stable => emu::Softmax::Stable {
                    exp: constants::softmax_exp_table(true, cfg.table_size, table_ty()?),
                    inv: constants::softmax_inv_table(true, n, cfg.table_size, table_ty()?),
                },
                SoftmaxImpl::Latency => emu::Softmax::Latency {
                    exp: constants::softmax_exp_table(false, cfg.table_size, table_ty()?),
                    inv: constants::softmax_inv_table(false, n, cfg.table_size, table_ty()?),
                },
            })
        }
        LayerKind::Flatten | LayerKind::Reshape { .. } => emu::LayerKind::Reshape,
        LayerKind::Transpose { perm } => emu::LayerKind::Transpose { perm: perm.clone() },
        LayerKind::ZeroPad { padding } => emu::LayerKind::ZeroPad {
            padding: padding.clone(),
        },
        LayerKind::Add => emu::LayerKind::Add,
        LayerKind::Concat { axis } => emu::LayerKind::Concat { axis: *axis },
    })
}

fn activation(
    a: &ir::Activation,
    table_size: usize,
    table_ty: impl Fn() -> Result<FixedType, String>,
) -> Result<emu::Activation, String> {
    use ir::Activation as A;
    let table = |f: &dyn Fn(f64) -> f64| -> Result<constants::Table, String> {
        let (lo, hi) = constants::activation_range(a.name());
        Ok(constants::Table::new(f, lo, hi, table_size, table_ty()?))
    };
    let f = |x: f64| a.apply(x);
    Ok(match *a {
        A::Linear => emu::Activation::Linear,
        A::Relu => emu::Activation::Relu,
        A::LeakyRelu { alpha } => emu::Activation::LeakyRelu {
            alpha: Param::new(alpha as f64),
        },
        A::Clip { min, max } => emu::Activation::Clip {
            lo: Param::new(min as f64),
            hi: Param::new(max as f64),
        },
        A::HardSigmoid { slope, offset } => emu::Activation::HardSigmoid {
            slope: Param::new(slope as f64),
            offset: Param::new(offset as f64),
        },
        A::Sigmoid | A::Tanh | A::Softsign => emu::Activation::Lookup(table(&f)?),
        A::Softplus => emu::Activation::Softplus(table(&f)?),
        A::Elu { .. } => emu::Activation::Elu(table(&f)?),
        A::Selu => emu::Activation::Selu {
            table: table(&f)?,
            scale: Param::new(ir::SELU_SCALE as f64),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Activation, GraphBuilder, LayerConfig, Tensor};

    /// Deterministic weights in [−0.5, 0.5).
    fn tensor(shape: Vec<usize>, seed: u32) -> Tensor {
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|i| ((i as u32).wrapping_mul(2654435761u32).wrapping_add(seed * 40503) % 1000) as f32 / 1000.0 - 0.5)
            .collect();
        Tensor::new(shape, data).unwrap()
    }

    /// Every layer kind, converted and run with generous types, tracks the float reference.
    #[test]
    fn every_layer_kind_converts_and_tracks_the_float_model() {
        let mut g = GraphBuilder::new("x", vec![6, 6, 2]);
        let conv = LayerKind::Conv {
            kernel: tensor(vec![3, 3, 2, 4], 1),
            bias: tensor(vec![4], 2),
            strides: vec![1, 1],
            dilation: vec![1, 1],
            padding: vec![(1, 1), (1, 1)],
        };
        let mut last = g.add("conv", conv, vec![0]).unwrap();
        let bn = LayerKind::BatchNorm {
            scale: tensor(vec![4], 3),
            bias: tensor(vec![4], 4),
        };
        last = g.add("bn", bn, vec![last]).unwrap();
        let activations = [
            Activation::Relu,
            Activation::LeakyRelu { alpha: 0.1 },
            Activation::Elu { alpha: 1.0 },
            Activation::Selu,
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Softplus,
            Activation::Softsign,
            Activation::HardSigmoid {
                slope: 0.2,
                offset: 0.5,
            },
            Activation::Clip { min: 0.0, max: 6.0 },
            Activation::Linear,
        ];
        for (i, a) in activations.iter().enumerate() {
            last = g.add(format!("act{i}"), LayerKind::Activation(*a), vec![last]).unwrap();
        }
        let pool = |op| LayerKind::Pool {
            op,
            pool: vec![2, 2],
            strides: vec![2, 2],
            padding: vec![(0, 1), (0, 1)],
            count_include_pad: false,
        };
        let max = g.add("max", pool(PoolOp::Max), vec![last]).unwrap();
        let avg = g.add("avg", pool(PoolOp::Average), vec![last]).unwrap();
        let add = g.add("add", LayerKind::Add, vec![max, avg]).unwrap();
        let cat = g.add("cat", LayerKind::Concat { axis: 2 }, vec![add, max]).unwrap();
        let pad = g
            .add(
                "pad",
                LayerKind::ZeroPad {
                    padding: vec![(1, 0), (0, 1)],
                },
                vec![cat],
            )
            .unwrap();
        let t = g
            .add("t", LayerKind::Transpose { perm: vec![1, 0, 2] }, vec![pad])
            .unwrap();
        let gap = g
            .add("gap", LayerKind::GlobalPool { op: PoolOp::Average }, vec![t])
            .unwrap();
        let gmp = g
            .add("gmp", LayerKind::GlobalPool { op: PoolOp::Max }, vec![t])
            .unwrap();
        let both = g.add("both", LayerKind::Concat { axis: 0 }, vec![gap, gmp]).unwrap();
        let r = g
            .add("r", LayerKind::Reshape { shape: vec![2, 8] }, vec![both])
            .unwrap();
        let f = g.add("f", LayerKind::Flatten, vec![r]).unwrap();
        let dense = LayerKind::Dense {
            kernel: tensor(vec![16, 5], 5),
            bias: tensor(vec![5], 6),
        };
        let d = g.add("dense", dense, vec![f]).unwrap();
        g.add("softmax", LayerKind::Softmax, vec![d]).unwrap();
        let mut graph = g.finish().unwrap();
        for l in &mut graph.layers {
            let weighted = matches!(
                l.kind,
                LayerKind::Dense { .. } | LayerKind::Conv { .. } | LayerKind::BatchNorm { .. }
            );
            let averages = matches!(
                l.kind,
                LayerKind::Pool {
                    op: PoolOp::Average,
                    ..
                } | LayerKind::GlobalPool { op: PoolOp::Average }
            );
            l.config = LayerConfig {
                result: FixedType::fixed(24, 8),
                weight: weighted.then_some(FixedType::fixed(20, 2)),
                bias: weighted.then_some(FixedType::fixed(20, 2)),
                accum: (weighted || averages).then_some(FixedType::fixed(48, 16)),
                table: Some(FixedType::fixed(18, 8)),
                ..LayerConfig::default()
            };
        }
        let m = model(&graph).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.layers().len(), graph.layers.len());
        let x: Vec<f32> = (0..72 * 4).map(|i| ((i * 37 % 101) as f32 - 50.0) / 20.0).collect();
        let trace = m.predict_trace(&x);
        for (s, sample) in x.chunks(72).enumerate() {
            let float = crate::float::forward_all(&graph, sample);
            for ((l, t), f) in graph.layers.iter().zip(&trace.layers).zip(&float) {
                let n = f.len();
                let fixed = &t.values[s * n..(s + 1) * n];
                let err = fixed
                    .iter()
                    .zip(f)
                    .map(|(a, b)| (a - *b as f64).abs())
                    .fold(0.0, f64::max);
                assert!(err < 0.05, "layer {} ({}): error {err}", l.name, l.kind.class_name());
            }
        }
        let y = m.predict(&x);
        for row in y.chunks(5) {
            let sum: f32 = row.iter().sum();
            assert!((sum - 1.0).abs() < 0.01, "softmax sums to {sum}");
        }
    }
}
