//! Hand-computed cases for every layer kind, and Dense/Conv against a step-by-step reference written
//! with the fixed-point API on random types and weights.

use super::constants::{self, Table};
use super::*;
use crate::fixed::{FixedType, Overflow, Quantization};

fn ty(s: &str) -> FixedType {
    FixedType::parse(s).unwrap()
}

fn input(shape: Vec<usize>, t: &str) -> Layer {
    Layer {
        name: "x".into(),
        kind: LayerKind::Input,
        inputs: vec![],
        shape,
        result: ty(t),
    }
}

fn layer(kind: LayerKind, inputs: Vec<usize>, shape: Vec<usize>, t: &str) -> Layer {
    Layer {
        name: format!("l{}", inputs.iter().max().map_or(0, |m| m + 1)),
        kind,
        inputs,
        shape,
        result: ty(t),
    }
}

fn w(t: &str, v: &[f32]) -> Weights {
    Weights::quantize(ty(t), v)
}

fn model(layers: Vec<Layer>) -> Model {
    Model::new(layers).unwrap_or_else(|e| panic!("{e}"))
}

/// The outputs of a one-input model, and the last layer's overflow counts (from a trace, whose
/// values must agree with the plain prediction).
fn run(layers: Vec<Layer>, x: &[f64]) -> (Vec<f64>, Overflows) {
    let m = model(layers);
    let y = m.predict_f64(x);
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let t = m.predict_trace(&xf);
    let last = t.layers.last().unwrap();
    if xf.iter().zip(x).all(|(a, b)| *a as f64 == *b) {
        assert_eq!(last.values, y, "the trace computes the same values");
    }
    (y, last.overflows)
}

fn dense(weights: Weights, bias: Weights, accum: &str) -> LayerKind {
    LayerKind::Dense {
        weights,
        bias,
        accum: ty(accum),
    }
}

#[test]
fn dense_quantizes_each_product_into_the_accumulator() {
    // x = [0.75, -1.5]; w = [[7/16, 1], [1/2, -1/4]]; b = [1/16, -1/2]
    let layers = |acc: &str, res: &str| {
        vec![
            input(vec![2], "ap_fixed<8,4>"),
            layer(
                dense(
                    w("ap_fixed<8,4>", &[0.4375, 1.0, 0.5, -0.25]),
                    w("ap_fixed<8,4>", &[0.0625, -0.5]),
                    acc,
                ),
                vec![0],
                vec![2],
                res,
            ),
        ]
    };
    // 0.75·7/16 = 21/64 truncates to 5/16 in the accumulator: 1/16 + 5/16 − 3/4 = −3/8
    let (y, c) = run(layers("ap_fixed<8,4>", "ap_fixed<10,4>"), &[0.75, -1.5]);
    assert_eq!(y, vec![-0.375, 0.625]);
    assert_eq!(c, Overflows::default());
    // a wide accumulator keeps the exact sum 1/16 + 21/64 − 3/4 = −23/64
    let (y, _) = run(layers("ap_fixed<16,8>", "ap_fixed<10,4>"), &[0.75, -1.5]);
    assert_eq!(y, vec![-0.359375, 0.625]);
    // unsigned results: a negative value saturates to 0, or wraps
    let (y, c) = run(layers("ap_fixed<8,4>", "ap_ufixed<8,4,AP_TRN,AP_SAT>"), &[0.75, -1.5]);
    assert_eq!((y, c.result), (vec![0.0, 0.625], 1));
    let (y, _) = run(layers("ap_fixed<8,4>", "ap_ufixed<8,4>"), &[0.75, -1.5]);
    assert_eq!(y, vec![16.0 - 0.375, 0.625]);
    // negative integer bits: range [−1/8, 1/8 − 2^−10]
    let (y, c) = run(layers("ap_fixed<8,4>", "ap_fixed<8,-2,AP_TRN,AP_SAT>"), &[0.75, -1.5]);
    assert_eq!((y, c.result), (vec![-0.125, 0.1240234375], 2));
    let (y, _) = run(layers("ap_fixed<8,4>", "ap_fixed<8,-2>"), &[0.75, -1.5]);
    assert_eq!(y, vec![-0.125, -0.125], "0.625 = 640 LSBs wraps to −128");
}

#[test]
fn a_saturating_accumulator_adds_in_ascending_order() {
    let layers = |acc: &str| {
        vec![
            input(vec![3], "ap_fixed<8,4>"),
            layer(
                dense(w("ap_fixed<8,4>", &[3.0, 3.0, -3.0]), w("ap_fixed<8,4>", &[0.0]), acc),
                vec![0],
                vec![1],
                "ap_fixed<8,4>",
            ),
        ]
    };
    // 0 → 3 → 6 saturates to 3.875 → 0.875 (exactly one partial sum overflowed)
    let (y, c) = run(layers("ap_fixed<6,3,AP_TRN,AP_SAT>"), &[1.0, 1.0, 1.0]);
    assert_eq!((y, c), (vec![0.875], Overflows { result: 0, accum: 1 }));
    // wrapping: 0 → 3 → −2 → 3, the exact sum modulo 8, after two wraps
    let (y, c) = run(layers("ap_fixed<6,3>"), &[1.0, 1.0, 1.0]);
    assert_eq!((y, c), (vec![3.0], Overflows { result: 0, accum: 2 }));
}

#[test]
fn dense_runs_on_every_position() {
    let layers = vec![
        input(vec![2, 2], "ap_fixed<16,6>"),
        layer(
            dense(
                w("ap_fixed<16,6>", &[1.0, -1.0]),
                w("ap_fixed<16,6>", &[0.5]),
                "ap_fixed<32,12>",
            ),
            vec![0],
            vec![2, 1],
            "ap_fixed<16,6>",
        ),
    ];
    assert_eq!(run(layers, &[3.0, 1.0, -2.0, 0.25]).0, vec![2.5, -1.75]);
}

#[test]
fn conv1d_skips_padding_and_strides() {
    // x = [1, 2, 3, 4], kernel [1, 0.5, −1], padding (1, 1), stride 2
    let layers = vec![
        input(vec![4, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::Conv {
                kernel: vec![3],
                weights: w("ap_fixed<8,4>", &[1.0, 0.5, -1.0]),
                bias: w("ap_fixed<8,4>", &[0.25]),
                accum: ty("ap_fixed<16,8>"),
                strides: vec![2],
                dilation: vec![1],
                padding: vec![(1, 1)],
            },
            vec![0],
            vec![2, 1],
            "ap_fixed<8,4>",
        ),
    ];
    // [pad, 1, 2]·k = 0.5 − 2; [2, 3, 4]·k = 2 + 1.5 − 4; plus 0.25
    assert_eq!(run(layers, &[1.0, 2.0, 3.0, 4.0]).0, vec![-1.25, -0.25]);
}

#[test]
fn conv2d_channels_and_dilation() {
    // 3×3×2 input, 2×2 kernel dilated by 2 (a 3×3 span), 1 output channel, padding 1 on each side
    let x: Vec<f64> = (0..18).map(|v| v as f64 / 4.0).collect();
    let k: Vec<f32> = (0..8).map(|v| (v as f32 - 3.0) / 2.0).collect(); // [ky][kx][c_in][c_out]
    let layers = vec![
        input(vec![3, 3, 2], "ap_fixed<16,6>"),
        layer(
            LayerKind::Conv {
                kernel: vec![2, 2],
                weights: w("ap_fixed<16,6>", &k),
                bias: w("ap_fixed<16,6>", &[1.0]),
                accum: ty("ap_fixed<40,20>"),
                strides: vec![1, 1],
                dilation: vec![2, 2],
                padding: vec![(1, 1), (1, 1)],
            },
            vec![0],
            vec![3, 3, 1],
            "ap_fixed<24,12>",
        ),
    ];
    let (y, _) = run(layers, &x);
    let mut want = vec![];
    for oy in 0..3i32 {
        for ox in 0..3i32 {
            let mut a = 1.0;
            for ky in 0..2i32 {
                for kx in 0..2i32 {
                    let (iy, ix) = (oy + 2 * ky - 1, ox + 2 * kx - 1);
                    if (0..3).contains(&iy) && (0..3).contains(&ix) {
                        for c in 0..2 {
                            a += x[((iy * 3 + ix) * 2 + c) as usize] * k[((ky * 2 + kx) * 2 + c) as usize] as f64;
                        }
                    }
                }
            }
            want.push(a);
        }
    }
    assert_eq!(y, want);
}

#[test]
fn max_pooling_padding_never_wins() {
    let layers = vec![
        input(vec![3, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::Pool {
                op: PoolOp::Max,
                pool: vec![2],
                strides: vec![2],
                padding: vec![(1, 0)],
                count_include_pad: false,
                accum: None,
            },
            vec![0],
            vec![2, 1],
            "ap_fixed<8,4>",
        ),
    ];
    assert_eq!(run(layers, &[-1.0, -2.0, -3.0]).0, vec![-1.0, -2.0]);
}

#[test]
fn average_pooling_counts_valid_positions_unless_told() {
    let layers = |include: bool| {
        vec![
            input(vec![2, 2, 1], "ap_fixed<8,4>"),
            layer(
                LayerKind::Pool {
                    op: PoolOp::Average,
                    pool: vec![2, 2],
                    strides: vec![1, 1],
                    padding: vec![(0, 1), (0, 1)],
                    count_include_pad: include,
                    accum: Some(ty("ap_fixed<16,8>")),
                },
                vec![0],
                vec![2, 2, 1],
                "ap_fixed<16,8>",
            ),
        ]
    };
    let x = [1.0, 2.0, 3.0, 4.0];
    assert_eq!(run(layers(false), &x).0, vec![2.5, 3.0, 3.5, 4.0]);
    assert_eq!(run(layers(true), &x).0, vec![2.5, 1.5, 1.75, 1.0]);
}

#[test]
fn average_pooling_multiplies_by_the_quantized_reciprocal() {
    let layers = vec![
        input(vec![3, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::Pool {
                op: PoolOp::Average,
                pool: vec![3],
                strides: vec![3],
                padding: vec![(0, 0)],
                count_include_pad: false,
                accum: Some(ty("ap_fixed<8,4>")),
            },
            vec![0],
            vec![1, 1],
            "ap_fixed<40,2>",
        ),
    ];
    // 3 · round(2^23 / 3) / 2^23
    let r = constants::reciprocal(3) as f64 / 8388608.0;
    assert_eq!(r, 2796203.0 / 8388608.0);
    assert_eq!(run(layers, &[1.0, 1.0, 1.0]).0, vec![3.0 * r]);
}

#[test]
fn average_pooling_accumulates_in_its_accumulator() {
    // ap_fixed<6,3,AP_TRN,AP_SAT>: 3 + 3 saturates to 3.875 before 1/2 is applied
    let layers = vec![
        input(vec![2, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::Pool {
                op: PoolOp::Average,
                pool: vec![2],
                strides: vec![2],
                padding: vec![(0, 0)],
                count_include_pad: false,
                accum: Some(ty("ap_fixed<6,3,AP_TRN,AP_SAT>")),
            },
            vec![0],
            vec![1, 1],
            "ap_fixed<8,4>",
        ),
    ];
    let (y, c) = run(layers, &[3.0, 3.0]);
    assert_eq!((y, c.accum), (vec![1.9375], 1));
}

#[test]
fn global_pooling() {
    let global = |op, accum: Option<&str>| {
        vec![
            input(vec![2, 2], "ap_fixed<8,4>"),
            layer(
                LayerKind::GlobalPool {
                    op,
                    accum: accum.map(ty),
                },
                vec![0],
                vec![2],
                "ap_fixed<8,4>",
            ),
        ]
    };
    let x = [1.0, -1.0, 2.0, -3.0];
    assert_eq!(run(global(PoolOp::Max, None), &x).0, vec![2.0, -1.0]);
    assert_eq!(
        run(global(PoolOp::Average, Some("ap_fixed<10,5>")), &x).0,
        vec![1.5, -2.0]
    );
    // an average without an accumulator type is refused
    assert!(Model::new(global(PoolOp::Average, None)).is_err());
}

#[test]
fn batch_norm_rounds_once() {
    // x·s = 2.5 LSBs of the result, b = 0.5 LSB: one rounding of 3 LSBs gives 3 (rounding the
    // product first would give 3 + 0.5 → 4)
    let layers = vec![
        input(vec![1], "ap_fixed<8,4>"),
        layer(
            LayerKind::BatchNorm {
                scale: w("ap_fixed<8,4>", &[0.5]),
                bias: w("ap_fixed<16,6>", &[0.03125]),
            },
            vec![0],
            vec![1],
            "ap_fixed<8,4,AP_RND>",
        ),
    ];
    assert_eq!(run(layers, &[0.3125]).0, vec![0.1875]);
}

fn act(a: Activation, x_ty: &str, res: &str, x: &[f64]) -> (Vec<f64>, Overflows) {
    let n = x.len();
    run(
        vec![
            input(vec![n], x_ty),
            layer(LayerKind::Activation(a), vec![0], vec![n], res),
        ],
        x,
    )
}

#[test]
fn activations_without_tables() {
    let (y, c) = act(Activation::Relu, "ap_fixed<8,4>", "ap_ufixed<8,4>", &[-1.0, 0.5]);
    assert_eq!((y, c.result), (vec![0.0, 0.5], 0));
    let (y, c) = act(
        Activation::Linear,
        "ap_fixed<8,4>",
        "ap_fixed<8,2,AP_TRN,AP_SAT>",
        &[3.5, -0.25],
    );
    assert_eq!((y, c.result), (vec![1.984375, -0.25], 1));
    // α = 0.1 → round(0.1 · 2^17) / 2^17 in ap_fixed<18,1,AP_RND_CONV,AP_SAT>
    let alpha = Param::new(0.1);
    assert_eq!(alpha.raw, 13107);
    let (y, _) = act(
        Activation::LeakyRelu { alpha },
        "ap_fixed<8,4>",
        "ap_fixed<16,6>",
        &[-2.0, 1.5],
    );
    assert_eq!(y, vec![-205.0 / 1024.0, 1.5]); // −2 · 13107/2^17 = −204.8 LSBs, truncated
    let clip = Activation::Clip {
        lo: Param::new(0.0),
        hi: Param::new(6.0),
    };
    assert_eq!(
        act(clip, "ap_fixed<8,4>", "ap_fixed<8,4>", &[7.0, -1.0, 3.0]).0,
        vec![6.0, 0.0, 3.0]
    );
    let hs = Activation::HardSigmoid {
        slope: Param::new(0.2),
        offset: Param::new(0.5),
    };
    // 1 · 26214/2^17 + 0.5 = 0.6999969… → 716 LSBs of 2^−10
    let (y, _) = act(hs, "ap_fixed<8,4>", "ap_fixed<16,6>", &[1.0, 5.0, -5.0]);
    assert_eq!(y, vec![716.0 / 1024.0, 1.0, 0.0]);
}

fn table(f: fn(f64) -> f64, lo: f64, hi: f64) -> Table {
    Table::new(f, lo, hi, 1024, FixedType::fixed(18, 8))
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[test]
fn table_activations_index_their_tables() {
    let x_ty = ty("ap_fixed<16,6>");
    let res = ty("ap_fixed<16,6>");
    let lookup = |t: &Table, v: f64| res.cast_from(t.raw[t.index(x_ty.quantize_f64(v), &x_ty)], &t.ty);
    let as_f64 = |raw: i128| res.to_f64(raw);

    let t = table(sigmoid, -8.0, 8.0);
    let xs = [-20.0, -8.0, -0.001, 0.0, 0.5, 7.999, 20.0];
    let (y, _) = act(Activation::Lookup(t.clone()), "ap_fixed<16,6>", "ap_fixed<16,6>", &xs);
    let want: Vec<f64> = xs.iter().map(|&v| as_f64(lookup(&t, v))).collect();
    assert_eq!(y, want);
    assert_eq!(y[0], as_f64(res.cast_from(t.raw[0], &t.ty)));
    assert_eq!(y[6], as_f64(res.cast_from(t.raw[1023], &t.ty)));
    assert!((y[3] - 0.5).abs() < 0.005);

    // softplus: the input itself from 8 up
    let t = table(|v| v.exp().ln_1p(), -8.0, 8.0);
    let (y, _) = act(
        Activation::Softplus(t.clone()),
        "ap_fixed<16,6>",
        "ap_fixed<16,6>",
        &[8.0, 9.5, 7.5],
    );
    assert_eq!(y[..2], [8.0, 9.5]);
    assert_eq!(y[2], as_f64(lookup(&t, 7.5)));

    // elu: the input above 0, the table at and below 0
    let t = table(|v| v.exp_m1(), -8.0, 0.0);
    let (y, _) = act(
        Activation::Elu(t.clone()),
        "ap_fixed<16,6>",
        "ap_fixed<16,6>",
        &[0.5, 0.0, -1.0],
    );
    assert_eq!(y, vec![0.5, as_f64(lookup(&t, 0.0)), as_f64(lookup(&t, -1.0))]);
    assert_eq!(lookup(&t, 0.0), res.cast_from(t.raw[1023], &t.ty));

    // selu: x · Q_P(λ) above 0
    let scale = Param::new(1.0507);
    let t = table(|v| 1.0507 * 1.6733 * v.exp_m1(), -8.0, 0.0);
    let (y, _) = act(
        Activation::Selu {
            table: t.clone(),
            scale,
        },
        "ap_fixed<16,6>",
        "ap_fixed<24,6>",
        &[1.0, -1.0],
    );
    assert_eq!(y[0], scale.ty.to_f64(scale.raw));
    assert_eq!(y[1], t.ty.to_f64(t.raw[t.index(x_ty.quantize_f64(-1.0), &x_ty)]));
}

fn softmax(s: Softmax, res: &str, x: &[f64]) -> (Vec<f64>, Overflows) {
    let n = x.len();
    run(
        vec![
            input(vec![n], "ap_fixed<16,6>"),
            layer(LayerKind::Softmax(s), vec![0], vec![n], res),
        ],
        x,
    )
}

#[test]
fn stable_softmax_follows_the_tables() {
    let tt = ty("ap_fixed<18,8,AP_RND,AP_SAT>");
    let exp = constants::softmax_exp_table(true, 1024, tt);
    let inv = constants::softmax_inv_table(true, 3, 1024, tt);
    let s = Softmax::Stable {
        exp: exp.clone(),
        inv: inv.clone(),
    };
    let res = ty("ap_ufixed<16,0,AP_RND,AP_SAT>");
    let (y, _) = softmax(s.clone(), "ap_ufixed<16,0,AP_RND,AP_SAT>", &[1.0, 1.0, -1.0]);
    // by hand: d = [0, 0, −2]; e = E[1023], E[1023], E[idx(−2)]; r = R[idx(Σe)]
    let d_ty = FixedType::fixed(17, 7);
    let e: Vec<i128> = [0.0, 0.0, -2.0]
        .iter()
        .map(|&d| exp.raw[exp.index(d_ty.quantize_f64(d), &d_ty)])
        .collect();
    let sum: i128 = e.iter().sum();
    let r = inv.raw[inv.index(sum, &FixedType::fixed(28, 18))]; // the exp table's 10 fractional bits
    let p_ty = tt.mul_type(&tt);
    let want: Vec<f64> = e.iter().map(|&e| res.to_f64(res.cast_from(e * r, &p_ty))).collect();
    assert_eq!(y, want);
    let float = [1.0f64, 1.0, -1.0].map(f64::exp);
    let total: f64 = float.iter().sum();
    for (a, b) in y.iter().zip(float) {
        assert!((a - b / total).abs() < 0.01, "{y:?}");
    }
    // the maximum is subtracted: shifting every input changes nothing
    assert_eq!(softmax(s, "ap_ufixed<16,0,AP_RND,AP_SAT>", &[21.0, 21.0, 19.0]).0, y);
}

#[test]
fn latency_softmax_uses_the_inputs_themselves() {
    let tt = ty("ap_fixed<18,8,AP_RND,AP_SAT>");
    let exp = constants::softmax_exp_table(false, 1024, tt);
    let inv = constants::softmax_inv_table(false, 2, 1024, tt);
    let (y, _) = softmax(
        Softmax::Latency {
            exp: exp.clone(),
            inv: inv.clone(),
        },
        "ap_fixed<16,6>",
        &[0.0, 0.0],
    );
    let x_ty = ty("ap_fixed<16,6>");
    let e = exp.raw[exp.index(0, &x_ty)];
    let r = inv.raw[inv.index(2 * e, &tt)];
    let res = ty("ap_fixed<16,6>");
    let v = res.to_f64(res.cast_from(e * r, &tt.mul_type(&tt)));
    assert_eq!(y, vec![v, v]);
}

#[test]
fn argmax_softmax_marks_the_first_largest() {
    let x = [0.5, 2.0, 2.0, -1.0];
    assert_eq!(
        softmax(Softmax::Argmax, "ap_fixed<8,4>", &x).0,
        vec![0.0, 1.0, 0.0, 0.0]
    );
    // 1 does not fit ap_ufixed<8,0>: it saturates (and counts), or wraps to 0
    let (y, c) = softmax(Softmax::Argmax, "ap_ufixed<8,0,AP_TRN,AP_SAT>", &x);
    assert_eq!((y, c.result), (vec![0.0, 255.0 / 256.0, 0.0, 0.0], 1));
    assert_eq!(softmax(Softmax::Argmax, "ap_ufixed<8,0>", &x).0, vec![0.0; 4]);
}

#[test]
fn data_movement_layers() {
    let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let t = vec![
        input(vec![2, 3], "ap_fixed<8,4>"),
        layer(
            LayerKind::Transpose { perm: vec![1, 0] },
            vec![0],
            vec![3, 2],
            "ap_fixed<8,4>",
        ),
    ];
    assert_eq!(run(t, &x).0, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    let r = vec![
        input(vec![2, 3], "ap_fixed<8,4>"),
        layer(LayerKind::Reshape, vec![0], vec![6], "ap_fixed<8,4>"),
    ];
    assert_eq!(run(r, &x).0, x.to_vec());
    let p1 = vec![
        input(vec![2, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::ZeroPad { padding: vec![(1, 2)] },
            vec![0],
            vec![5, 1],
            "ap_fixed<8,4>",
        ),
    ];
    assert_eq!(run(p1, &[-1.0, 2.0]).0, vec![0.0, -1.0, 2.0, 0.0, 0.0]);
    let p2 = vec![
        input(vec![1, 2, 1], "ap_fixed<8,4>"),
        layer(
            LayerKind::ZeroPad {
                padding: vec![(1, 0), (0, 1)],
            },
            vec![0],
            vec![2, 3, 1],
            "ap_fixed<8,4>",
        ),
    ];
    assert_eq!(run(p2, &[1.0, 2.0]).0, vec![0.0, 0.0, 0.0, 1.0, 2.0, 0.0]);
}

#[test]
fn add_and_concatenate_several_inputs() {
    // three branches of different types from one input
    let layers = vec![
        input(vec![2, 1], "ap_fixed<16,6>"),
        layer(
            LayerKind::Activation(Activation::Linear),
            vec![0],
            vec![2, 1],
            "ap_fixed<8,4>",
        ),
        layer(
            LayerKind::Activation(Activation::Linear),
            vec![0],
            vec![2, 1],
            "ap_fixed<8,2>",
        ),
        layer(
            LayerKind::Activation(Activation::Linear),
            vec![0],
            vec![2, 1],
            "ap_fixed<6,6>",
        ),
        layer(LayerKind::Add, vec![1, 2, 3], vec![2, 1], "ap_fixed<16,6>"),
        layer(LayerKind::Concat { axis: 1 }, vec![4, 1], vec![2, 2], "ap_fixed<16,6>"),
        layer(LayerKind::Concat { axis: 0 }, vec![5, 5], vec![4, 2], "ap_fixed<16,6>"),
    ];
    let m = model(layers);
    // 1.3 → 1331/1024 (<16,6>) → 1.25 (<8,4>), 83/64 (<8,2>), 1 (<6,6>);
    // −0.7 → −717/1024 → −0.75, −45/64, −1
    let y = m.predict_f64(&[1.3, -0.7]);
    let (a0, a1) = (1.25 + 83.0 / 64.0 + 1.0, -0.75 - 45.0 / 64.0 - 1.0);
    assert_eq!(y, vec![a0, 1.25, a1, -0.75, a0, 1.25, a1, -0.75]);
}

#[test]
fn inputs_are_quantized_and_counted() {
    let layers = |t: &str| {
        vec![
            input(vec![3], t),
            layer(
                LayerKind::Activation(Activation::Linear),
                vec![0],
                vec![3],
                "ap_fixed<16,8>",
            ),
        ]
    };
    let m = model(layers("ap_fixed<8,4,AP_RND,AP_SAT>"));
    // −0.48 LSB rounds to 0; NaN reads as +2^1024 and saturates
    let t = m.predict_trace(&[100.0, -0.03, f32::NAN]);
    assert_eq!(t.layers[0].values, vec![7.9375, 0.0, 7.9375]);
    assert_eq!(t.layers[0].overflows.result, 2);
    assert_eq!(
        m.predict_f64(&[7.97, 7.96, -8.01]),
        vec![7.9375, 7.9375, -8.0],
        "rounding can saturate"
    );
    // a fixed-point bus: x = Q_in(bus), the outputs converted into the output bus type
    let bus = ty("ap_fixed<16,6>");
    let raw = [1024 + 64 + 8, -2048, 0]; // 1.0703125 rounds to 1.0625 in the input type
    let out = m.predict_fixed(&raw, bus, ty("ap_fixed<12,4>"));
    assert_eq!(out, vec![256 + 16, -512, 0]);
    // the i64 fast path of the input conversion gives the bits of quantize_f64
    let mut s = 0x2545f4914f6cdd1du64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for q in [Quantization::Trn, Quantization::Rnd, Quantization::RndConv] {
        for t in [
            "ap_fixed<8,4>",
            "ap_ufixed<10,2>",
            "ap_fixed<16,-3>",
            "ap_fixed<53,20>",
            "ap_fixed<24,30>",
        ] {
            let t = ty(t).with_modes(q, Overflow::Sat);
            let qz = Quantizer::new(t);
            for _ in 0..20_000 {
                let bits = next();
                let v = match bits % 3 {
                    0 => f32::from_bits(bits as u32 >> (bits % 7)) as f64,
                    1 => (bits as i64 as f64) * (-(((bits >> 20) % 80) as f64)).exp2(),
                    _ => ((bits % 4096) as f64 - 2048.0) / 256.0 + [0.0, 1e-30, -1e-30][(bits % 5 % 3) as usize],
                };
                assert_eq!(qz.get(v).0, t.quantize_f64(v), "{t} {v:e}");
            }
        }
    }
}

#[test]
fn wide_types_run_in_i128() {
    // 100-bit result and accumulator: the generic path with i128 buffers
    let layers = vec![
        input(vec![2], "ap_fixed<40,20>"),
        layer(
            dense(
                w("ap_fixed<40,20>", &[1.5, -0.25]),
                w("ap_fixed<40,20>", &[0.125]),
                "ap_fixed<100,50>",
            ),
            vec![0],
            vec![1],
            "ap_fixed<100,50>",
        ),
    ];
    let (y, _) = run(layers, &[300000.5, 2.0]);
    assert_eq!(y, vec![300000.5 * 1.5 - 0.5 + 0.125]);
}

#[test]
fn bad_descriptions_are_refused() {
    let ok = || {
        vec![
            input(vec![2], "ap_fixed<8,4>"),
            layer(
                dense(
                    w("ap_fixed<8,4>", &[1.0, 2.0]),
                    w("ap_fixed<8,4>", &[0.0]),
                    "ap_fixed<16,8>",
                ),
                vec![0],
                vec![1],
                "ap_fixed<8,4>",
            ),
        ]
    };
    assert!(Model::new(ok()).is_ok());
    let mut l = ok();
    l.swap(0, 1);
    assert!(Model::new(l).unwrap_err().message.contains("input"));
    let mut l = ok();
    l[1].inputs = vec![1];
    assert!(Model::new(l).is_err());
    let mut l = ok();
    l[1].shape = vec![2];
    let e = Model::new(l).unwrap_err();
    assert_eq!(e.layer.as_deref(), Some("l1"));
    let mut l = ok();
    l[1].result = ty("ap_fixed<200,10>");
    assert!(Model::new(l).unwrap_err().to_string().contains("128"));
    assert!(Model::new(vec![]).is_err());
}

#[test]
fn batches_threads_and_workspaces_agree() {
    let layers = vec![
        input(vec![2], "ap_fixed<16,6>"),
        layer(
            dense(
                w("ap_fixed<16,6>", &[0.3, -0.7, 1.1, 0.2]),
                w("ap_fixed<16,6>", &[0.1, -0.1]),
                "ap_fixed<16,6>",
            ),
            vec![0],
            vec![2],
            "ap_fixed<16,6>",
        ),
    ];
    let m = model(layers);
    let x: Vec<f32> = (0..200).map(|i| (i as f32 * 0.37).sin() * 4.0).collect();
    let y = m.predict(&x);
    assert_eq!(m.predict_parallel(&x, 3), y);
    let mut ws = m.workspace();
    let mut out = vec![0f32; 200];
    for _ in 0..2 {
        m.predict_into(&mut ws, &x, &mut out);
        assert_eq!(out, y);
    }
    let single: Vec<f32> = x.chunks(2).flat_map(|s| m.predict(s)).collect();
    assert_eq!(single, y);
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Dense and Conv against a step-by-step reference written with the fixed-point API, on random
/// shapes, types (every mode, narrow and wide) and weights: every implementation path (exact sum
/// in `f64` and `i64`, modular, stepwise, generic; on tiles: `i16`, `i32`, `f64`, `i64` lanes and
/// lane by lane, in the AVX2 and the portable builds) must give the reference's bits and counts.
#[test]
fn dense_and_conv_match_the_reference_on_random_types() {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut paths = std::collections::BTreeMap::new();
    let mut tiles = std::collections::BTreeMap::new();
    let modes: Vec<(Quantization, Overflow)> = Quantization::ALL
        .iter()
        .flat_map(|&q| Overflow::ALL.iter().map(move |&o| (q, o)))
        .collect();
    for case in 0..1500 {
        // widths: 0 narrow, 1 medium (products beyond 2^53), 2 wide (beyond 64 bits)
        let rand_ty = |rng: &mut Rng, class: u32, modes_ok: bool| {
            let width = match class {
                0 => 2 + rng.below(18) as u32,
                1 => 26 + rng.below(5) as u32,
                _ => 20 + rng.below(60) as u32,
            };
            let mut t = FixedType::fixed(width, rng.below(14) as i32 - 4);
            t.signed = rng.below(4) != 0;
            if modes_ok {
                let (q, o) = modes[rng.below(modes.len() as u64) as usize];
                t = t.with_modes(q, o);
            }
            t
        };
        let class = [2, 0, 1, 0, 0][case % 5];
        let x_ty = rand_ty(&mut rng, class, false);
        let w_ty = rand_ty(&mut rng, class, true);
        let b_ty = rand_ty(&mut rng, 0, true);
        let acc = match case % 4 {
            0 => rand_ty(&mut rng, class, true),
            // hls4ml-like: narrow, truncating, wrapping
            1 => FixedType::fixed(10 + rng.below(20) as u32, rng.below(10) as i32),
            // wide enough for the exact sum
            2 => FixedType::fixed(x_ty.width + w_ty.width + 12, x_ty.int_bits + w_ty.int_bits + 8),
            _ => rand_ty(&mut rng, 0, true),
        };
        let res = rand_ty(&mut rng, if case % 7 == 0 { 2 } else { 0 }, true);
        let conv = case % 3;
        let in_shape = match conv {
            0 => vec![1 + rng.below(9) as usize],
            1 => vec![3 + rng.below(6) as usize, 1 + rng.below(3) as usize],
            _ => {
                let n = 3 + rng.below(3) as usize;
                vec![n, n + 1, 1 + rng.below(2) as usize]
            }
        };
        let c_out = 1 + rng.below(3) as usize;
        let c_in = *in_shape.last().unwrap();
        let dims = in_shape.len() - 1;
        let kernel: Vec<usize> = (0..dims).map(|_| 1 + rng.below(3) as usize).collect();
        let strides: Vec<usize> = (0..dims).map(|_| 1 + rng.below(2) as usize).collect();
        let dilation: Vec<usize> = (0..dims).map(|_| 1 + rng.below(2) as usize).collect();
        let padding: Vec<(usize, usize)> = (0..dims)
            .map(|_| (rng.below(2) as usize, rng.below(3) as usize))
            .collect();
        let mut spatial_out = vec![];
        let mut fits = true;
        for d in 0..dims {
            let span = dilation[d] * (kernel[d] - 1) + 1;
            let padded = in_shape[d] + padding[d].0 + padding[d].1;
            if padded < span {
                fits = false;
                break;
            }
            spatial_out.push((padded - span) / strides[d] + 1);
        }
        if !fits {
            continue;
        }
        let k_len = kernel.iter().product::<usize>() * c_in * c_out;
        let real = |n: usize, scale: f64, rng: &mut Rng| -> Vec<f32> {
            (0..n)
                .map(|_| ((rng.below(2001) as f64 - 1000.0) / 1000.0 * scale) as f32)
                .collect()
        };
        let wscale = w_ty.max_value().abs().max(1.0) * 1.2;
        let weights = Weights::quantize(w_ty, &real(k_len, wscale, &mut rng));
        let bias = Weights::quantize(b_ty, &real(c_out, b_ty.max_value() * 1.2, &mut rng));
        let (kind, shape) = if conv == 0 {
            let n_in = in_shape[0];
            let weights = Weights::quantize(w_ty, &real(n_in * c_out, wscale, &mut rng));
            (
                LayerKind::Dense {
                    weights,
                    bias: bias.clone(),
                    accum: acc,
                },
                vec![c_out],
            )
        } else {
            let mut shape = spatial_out.clone();
            shape.push(c_out);
            (
                LayerKind::Conv {
                    kernel: kernel.clone(),
                    weights: weights.clone(),
                    bias: bias.clone(),
                    accum: acc,
                    strides: strides.clone(),
                    dilation: dilation.clone(),
                    padding: padding.clone(),
                },
                shape,
            )
        };
        let layers = vec![
            Layer {
                name: "x".into(),
                kind: LayerKind::Input,
                inputs: vec![],
                shape: in_shape.clone(),
                result: x_ty,
            },
            Layer {
                name: "mac".into(),
                kind: kind.clone(),
                inputs: vec![0],
                shape: shape.clone(),
                result: res,
            },
        ];
        let m = match Model::new(layers) {
            Ok(m) => m,
            Err(e) => {
                assert!(e.message.contains("128"), "{e}");
                continue;
            }
        };
        let n_x: usize = in_shape.iter().product();
        // more than a tile: a whole tile and a partial one
        let samples = 19;
        let x_real: Vec<f64> = (0..n_x * samples)
            .map(|_| (rng.below(2001) as f64 - 1000.0) / 1000.0 * x_ty.max_value().abs().max(1.0) * 1.1)
            .collect();
        // the reference, sample by sample
        let expect = |xs: &[f64]| {
            let mut y = vec![];
            let mut c = Overflows::default();
            for sample in xs.chunks(n_x) {
                let xr: Vec<i128> = sample.iter().map(|&v| x_ty.quantize_f64(v)).collect();
                let (r, o) = reference(&kind, &in_shape, &shape, &xr, x_ty, acc, res);
                y.extend(r.iter().map(|&r| res.to_f64(r)));
                c.result = c.result.saturating_add(o.result);
                c.accum = c.accum.saturating_add(o.accum);
            }
            (y, c)
        };
        let what = format!("case {case}: {kind:?} x {x_ty} acc {acc} res {res}");
        if let super::plan::Plan::Mac(p) = &m.plans[1] {
            *paths.entry(p.paths()).or_insert(0) += 1;
        }
        let kernel = m.tile_kernels().get(1).cloned().unwrap_or_else(|| "none".into());
        *tiles.entry(kernel).or_insert(0) += 1;
        let want = expect(&x_real).0;
        assert_eq!(m.predict_f64(&x_real), want, "{what}");
        assert_eq!(portable(|| m.predict_f64(&x_real)), want, "{what} (portable build)");
        assert_eq!(m.predict_generic(&x_real), want, "{what} (i128)");
        // the trace (counting) path: the reference's values and counts
        let x32: Vec<f32> = x_real.iter().map(|&v| v as f32).collect();
        let x32_64: Vec<f64> = x32.iter().map(|&v| v as f64).collect();
        let t = m.predict_trace(&x32);
        let (want, counts) = expect(&x32_64);
        assert_eq!(t.layers[1].values, want, "{what}");
        let judged = |n: u64| n < u64::MAX / 2;
        if judged(counts.result) {
            assert_eq!(t.layers[1].overflows.result, counts.result, "{what}");
        }
        if judged(counts.accum) {
            assert_eq!(t.layers[1].overflows.accum, counts.accum, "{what}");
        }
    }
    println!("implementations used: {paths:?}");
    println!("tile kernels used: {tiles:?}");
    for kernel in ["tile i16", "tile i32", "tile f64", "tile i64", "lanes", "none"] {
        let n = tiles.get(kernel).copied().unwrap_or(0);
        assert!(n >= 5, "{kernel}: {n} cases ({tiles:?})");
    }
    // every implementation was exercised
    for path in [
        "exact f64",
        "exact i64",
        "modular i16",
        "modular i32",
        "stepwise",
        "generic",
    ] {
        let n: usize = paths.iter().filter(|(k, _)| k.contains(path)).map(|(_, n)| n).sum();
        assert!(n >= 5, "{path}: {n} cases ({paths:?})");
    }
}

/// Whether converting `raw` of type `from` into `to` leaves `to`'s range (the value rounded with
/// `to`'s quantization in a type wide enough to hold it, then compared); `None` when no type of
/// 126 bits holds every rounded value of `from` at `to`'s scale.
fn overflows(raw: i128, from: &FixedType, to: &FixedType) -> Option<bool> {
    let int = from.int_bits + 2;
    if int + to.frac_bits() > 126 {
        return None;
    }
    let wide = FixedType::fixed((int + to.frac_bits()).max(1) as u32, int).with_modes(to.quantization, Overflow::Wrap);
    let q = wide.cast_from(raw, from);
    let sym = to.overflow == Overflow::SatSym && to.signed;
    Some(q > to.max_raw() || q < to.min_raw() || (sym && raw < 0 && q == to.min_raw()))
}

/// `docs/semantics.md`'s Dense/Conv, written directly with the fixed-point API.
fn reference(
    kind: &LayerKind,
    in_shape: &[usize],
    out_shape: &[usize],
    x: &[i128],
    x_ty: FixedType,
    acc: FixedType,
    res: FixedType,
) -> (Vec<i128>, Overflows) {
    let mut c = Overflows::default();
    let conv = |a: i128, from: &FixedType, to: &FixedType, count: &mut u64| {
        // u64::MAX marks a count the reference cannot judge
        *count = match overflows(a, from, to) {
            Some(o) if *count != u64::MAX => *count + o as u64,
            _ => u64::MAX,
        };
        to.cast_from(a, from)
    };
    let (weights, bias, kernel, strides, dilation, padding) = match kind {
        LayerKind::Dense { weights, bias, .. } => (weights, bias, vec![], vec![], vec![], vec![]),
        LayerKind::Conv {
            weights,
            bias,
            kernel,
            strides,
            dilation,
            padding,
            ..
        } => (
            weights,
            bias,
            kernel.clone(),
            strides.clone(),
            dilation.clone(),
            padding.clone(),
        ),
        _ => unreachable!(),
    };
    let p_ty = x_ty.mul_type(&weights.ty);
    let s_ty = acc.add_type(&acc);
    let c_out = *out_shape.last().unwrap();
    let c_in = *in_shape.last().unwrap();
    let mut y = vec![];
    let mut out_index = vec![0usize; out_shape.len() - 1];
    let positions: usize = out_shape[..out_shape.len() - 1].iter().product();
    for _ in 0..positions.max(1) {
        for co in 0..c_out {
            let mut a = conv(bias.raw[co], &bias.ty, &acc, &mut c.accum);
            // kernel positions in row-major order
            let taps: usize = kernel.iter().product();
            for t in 0..taps.max(1) {
                let mut k_index = vec![0usize; kernel.len()];
                let mut rem = t;
                for d in (0..kernel.len()).rev() {
                    k_index[d] = rem % kernel[d];
                    rem /= kernel[d];
                }
                let mut inside = true;
                let mut pos = 0usize;
                for d in 0..kernel.len() {
                    let i = (out_index[d] * strides[d] + k_index[d] * dilation[d]) as isize - padding[d].0 as isize;
                    if i < 0 || i as usize >= in_shape[d] {
                        inside = false;
                    }
                    pos = pos * in_shape[d] + i.max(0) as usize;
                }
                if !inside {
                    continue;
                }
                for ci in 0..c_in {
                    let xv = x[pos * c_in + ci];
                    let wv = weights.raw[(t * c_in + ci) * c_out + co];
                    let p = x_ty.mul_raw(xv, &weights.ty, wv);
                    let pa = conv(p, &p_ty, &acc, &mut c.accum);
                    a = conv(acc.add_raw(a, &acc, pa), &s_ty, &acc, &mut c.accum);
                }
            }
            y.push(conv(a, &acc, &res, &mut c.result));
        }
        for d in (0..out_index.len()).rev() {
            out_index[d] += 1;
            if out_index[d] < out_shape[d] {
                break;
            }
            out_index[d] = 0;
        }
    }
    (y, c)
}

/// Runs `f` with the portable (non-AVX2) kernels on this thread.
fn portable<R>(f: impl FnOnce() -> R) -> R {
    super::simd::PORTABLE.with(|p| p.set(true));
    let r = f();
    super::simd::PORTABLE.with(|p| p.set(false));
    r
}

/// The output conversions of the batched engine give `to_f32` and `to_f64`'s bits.
#[test]
fn output_conversions_match_the_reference() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let modes: Vec<(Quantization, Overflow)> = Quantization::ALL
        .iter()
        .flat_map(|&q| Overflow::ALL.iter().map(move |&o| (q, o)))
        .collect();
    for _ in 0..5000 {
        let (q, o) = modes[rng.below(modes.len() as u64) as usize];
        let t = FixedType {
            signed: rng.below(2) == 0,
            ..FixedType::fixed(1 + rng.below(70) as u32, rng.below(300) as i32 - 150)
        }
        .with_modes(q, o);
        let to = ToFloat::new(t);
        for _ in 0..20 {
            let bits = ((rng.below(u64::MAX) as u128) << 64) | rng.below(u64::MAX) as u128;
            let raw = t.wrap_raw(bits as i128 >> rng.below(128));
            assert_eq!(to.f32(raw).to_bits(), t.to_f32(raw).to_bits(), "{t}: {raw}");
            assert_eq!(to.f64(raw).to_bits(), t.to_f64(raw).to_bits(), "{t}: {raw}");
        }
        for raw in [t.min_raw(), t.max_raw(), 0, 1] {
            let raw = t.wrap_raw(raw);
            assert_eq!(to.f32(raw).to_bits(), t.to_f32(raw).to_bits(), "{t}: {raw}");
        }
    }
}

/// Builds random networks layer by layer: every layer kind, random types (every mode), narrow
/// wrapping accumulators, saturating results at the edges of their range.
struct NetBuilder {
    rng: Rng,
    layers: Vec<Layer>,
    modes: Vec<(Quantization, Overflow)>,
}

impl NetBuilder {
    fn last(&self) -> &Layer {
        self.layers.last().unwrap()
    }

    /// A random type of `lo..=hi` bits, signed or not, any modes.
    fn ty(&mut self, lo: u32, hi: u32) -> FixedType {
        let (q, o) = self.modes[self.rng.below(self.modes.len() as u64) as usize];
        FixedType {
            signed: self.rng.below(4) != 0,
            ..FixedType::fixed(
                lo + self.rng.below((hi - lo + 1) as u64) as u32,
                self.rng.below(10) as i32 - 2,
            )
        }
        .with_modes(q, o)
    }

    /// A result type: mostly narrow, often saturating.
    fn result(&mut self) -> FixedType {
        let t = self.ty(4, 18);
        if self.rng.below(2) == 0 {
            t.with_modes(t.quantization, Overflow::Sat)
        } else {
            t
        }
    }

    fn weights(&mut self, t: FixedType, n: usize) -> Weights {
        let scale = t.max_value().abs().max(t.min_value().abs()).max(0.01) * 1.2;
        let v: Vec<f32> = (0..n)
            .map(|_| ((self.rng.below(2001) as f64 - 1000.0) / 1000.0 * scale) as f32)
            .collect();
        Weights::quantize(t, &v)
    }

    fn push(&mut self, kind: LayerKind, inputs: Vec<usize>, shape: Vec<usize>, result: FixedType) {
        let name = format!("l{}", self.layers.len());
        self.layers.push(Layer {
            name,
            kind,
            inputs,
            shape,
            result,
        });
    }

    /// An accumulator for products of `x` and `w`: wrapping within 16 or 32 bits, exact, or random.
    fn accum(&mut self, x: FixedType, w: FixedType) -> FixedType {
        let f = x.frac_bits() + w.frac_bits();
        let q = if self.rng.below(2) == 0 {
            Quantization::Trn
        } else {
            Quantization::Rnd
        };
        match self.rng.below(4) {
            0 => {
                let width = 8 + self.rng.below(9) as u32;
                let frac = f - self.rng.below(12) as i32;
                FixedType::fixed(width, width as i32 - frac).with_modes(q, Overflow::Wrap)
            }
            1 => {
                let width = 17 + self.rng.below(16) as u32;
                let frac = f - self.rng.below(8) as i32;
                FixedType::fixed(width, width as i32 - frac).with_modes(q, Overflow::Wrap)
            }
            2 => FixedType::fixed(x.width + w.width + 12, x.int_bits + w.int_bits + 10),
            _ => self.ty(6, 30),
        }
    }

    /// A Dense or Conv layer on the last layer.
    fn mac(&mut self) {
        let x = self.last().clone();
        let id = self.layers.len() - 1;
        let w_ty = self.ty(3, 16);
        let b_ty = self.ty(3, 16);
        let acc = self.accum(x.result, w_ty);
        let res = self.result();
        let c_out = 1 + self.rng.below(6) as usize;
        let c_in = *x.shape.last().unwrap();
        let bias = self.weights(b_ty, c_out);
        if x.shape.len() == 1 {
            let weights = self.weights(w_ty, c_in * c_out);
            let kind = LayerKind::Dense {
                weights,
                bias,
                accum: acc,
            };
            self.push(kind, vec![id], vec![c_out], res);
            return;
        }
        let dims = x.shape.len() - 1;
        loop {
            let kernel: Vec<usize> = (0..dims).map(|_| 1 + self.rng.below(3) as usize).collect();
            let strides: Vec<usize> = (0..dims).map(|_| 1 + self.rng.below(2) as usize).collect();
            let dilation: Vec<usize> = (0..dims).map(|_| 1 + self.rng.below(2) as usize).collect();
            let padding: Vec<(usize, usize)> = (0..dims)
                .map(|_| (self.rng.below(2) as usize, self.rng.below(2) as usize))
                .collect();
            let mut out = vec![];
            for d in 0..dims {
                let span = dilation[d] * (kernel[d] - 1) + 1;
                let padded = x.shape[d] + padding[d].0 + padding[d].1;
                if padded < span {
                    break;
                }
                out.push((padded - span) / strides[d] + 1);
            }
            if out.len() < dims {
                continue;
            }
            out.push(c_out);
            let taps: usize = kernel.iter().product();
            let weights = self.weights(w_ty, taps * c_in * c_out);
            let kind = LayerKind::Conv {
                kernel,
                weights,
                bias,
                accum: acc,
                strides,
                dilation,
                padding,
            };
            self.push(kind, vec![id], out, res);
            return;
        }
    }

    /// An element-wise or data-moving layer on the last layer.
    fn other(&mut self) {
        let x = self.last().clone();
        let id = self.layers.len() - 1;
        let shape = x.shape.clone();
        let spatial = shape.len() > 1;
        let ch = *shape.last().unwrap();
        let tt = FixedType::fixed(18, 8).with_modes(Quantization::Rnd, Overflow::Sat);
        let res = self.result();
        match self.rng.below(12) {
            0 | 1 => self.push(LayerKind::Activation(Activation::Relu), vec![id], shape, res),
            2 => self.push(LayerKind::Activation(Activation::Linear), vec![id], shape, res),
            3 => {
                let a = match self.rng.below(4) {
                    0 => Activation::LeakyRelu { alpha: Param::new(0.3) },
                    1 => Activation::Clip {
                        lo: Param::new(-1.0),
                        hi: Param::new(6.0),
                    },
                    2 => Activation::HardSigmoid {
                        slope: Param::new(0.2),
                        offset: Param::new(0.5),
                    },
                    _ => Activation::Lookup(Table::new(sigmoid, -8.0, 8.0, 1024, tt)),
                };
                self.push(LayerKind::Activation(a), vec![id], shape, res);
            }
            4 => {
                let s_ty = self.ty(4, 16);
                let b_ty = self.ty(4, 16);
                let kind = LayerKind::BatchNorm {
                    scale: self.weights(s_ty, ch),
                    bias: self.weights(b_ty, ch),
                };
                self.push(kind, vec![id], shape, res);
            }
            5 if spatial => {
                let dims = shape.len() - 1;
                let pool: Vec<usize> = (0..dims)
                    .map(|d| (1 + self.rng.below(2) as usize).min(shape[d]))
                    .collect();
                let out: Vec<usize> = (0..dims).map(|d| shape[d] / pool[d]).chain([ch]).collect();
                let op = if self.rng.below(2) == 0 {
                    PoolOp::Max
                } else {
                    PoolOp::Average
                };
                let accum = Some(self.ty(10, 24));
                let kind = LayerKind::Pool {
                    op,
                    pool: pool.clone(),
                    strides: pool,
                    padding: vec![(0, 0); dims],
                    count_include_pad: false,
                    accum,
                };
                self.push(kind, vec![id], out, res);
            }
            6 if spatial => {
                let dims = shape.len() - 1;
                let padding: Vec<(usize, usize)> = (0..dims)
                    .map(|_| (self.rng.below(2) as usize, self.rng.below(2) as usize))
                    .collect();
                let out: Vec<usize> = (0..dims)
                    .map(|d| shape[d] + padding[d].0 + padding[d].1)
                    .chain([ch])
                    .collect();
                self.push(LayerKind::ZeroPad { padding }, vec![id], out, res);
            }
            7 if shape.len() == 3 => {
                let out = vec![shape[1], shape[0], shape[2]];
                self.push(LayerKind::Transpose { perm: vec![1, 0, 2] }, vec![id], out, res);
            }
            8 => {
                // a branch and a join: Add, or Concatenate along the channels
                let add = self.rng.below(2) == 0;
                self.push(
                    LayerKind::Activation(Activation::Relu),
                    vec![id],
                    shape.clone(),
                    x.result,
                );
                let r2 = self.result();
                let b = self.layers.len() - 1;
                if add {
                    self.push(LayerKind::Add, vec![id, b], shape, r2);
                } else {
                    let mut out = shape.clone();
                    *out.last_mut().unwrap() *= 2;
                    let axis = out.len() - 1;
                    self.push(LayerKind::Concat { axis }, vec![id, b], out, r2);
                }
            }
            9 if spatial => {
                let n = shape.iter().product();
                self.push(LayerKind::Reshape, vec![id], vec![n], res);
            }
            10 if spatial => {
                let op = if self.rng.below(2) == 0 {
                    PoolOp::Max
                } else {
                    PoolOp::Average
                };
                let accum = Some(self.ty(12, 24));
                self.push(LayerKind::GlobalPool { op, accum }, vec![id], vec![ch], res);
            }
            _ => self.mac(),
        }
    }

    /// A softmax over the last axis.
    fn softmax(&mut self) {
        let x = self.last().clone();
        let n = *x.shape.last().unwrap();
        let tt = FixedType::fixed(18, 8).with_modes(Quantization::Rnd, Overflow::Sat);
        let s = match self.rng.below(3) {
            0 => Softmax::Stable {
                exp: constants::softmax_exp_table(true, 1024, tt),
                inv: constants::softmax_inv_table(true, n, 1024, tt),
            },
            1 => Softmax::Latency {
                exp: constants::softmax_exp_table(false, 1024, tt),
                inv: constants::softmax_inv_table(false, n, 1024, tt),
            },
            _ => Softmax::Argmax,
        };
        let res = FixedType::ufixed(16, 1).with_modes(Quantization::Rnd, Overflow::Sat);
        self.push(LayerKind::Softmax(s), vec![self.layers.len() - 1], x.shape, res);
    }
}

/// Random networks of every layer kind: the batched engine (AVX2 and portable builds) gives the
/// bits of the per-sample path and of the generic `i128` kernels, with batches that fill tiles
/// partly and wholly, inputs beyond the input type's range, and fixed-point buses.
#[test]
fn tiles_match_the_per_sample_path_on_random_networks() {
    let modes: Vec<(Quantization, Overflow)> = Quantization::ALL
        .iter()
        .flat_map(|&q| Overflow::ALL.iter().map(move |&o| (q, o)))
        .collect();
    let mut kernels = std::collections::BTreeMap::new();
    for case in 0..300u64 {
        let mut b = NetBuilder {
            rng: Rng(0x51ed_270b_27b1_9f3d ^ (case * 0x9e37_79b9)),
            layers: vec![],
            modes: modes.clone(),
        };
        let shape = match case % 3 {
            0 => vec![1 + b.rng.below(20) as usize],
            1 => vec![3 + b.rng.below(8) as usize, 1 + b.rng.below(4) as usize],
            _ => vec![
                3 + b.rng.below(4) as usize,
                3 + b.rng.below(4) as usize,
                1 + b.rng.below(3) as usize,
            ],
        };
        let x_ty = b.ty(4, 16);
        b.push(LayerKind::Input, vec![], shape, x_ty);
        b.mac();
        for _ in 0..1 + b.rng.below(5) {
            b.other();
        }
        if b.last().shape.len() > 1 {
            let n = b.last().size();
            let r = b.result();
            let id = b.layers.len() - 1;
            b.push(LayerKind::Reshape, vec![id], vec![n], r);
        }
        b.mac();
        if case % 2 == 0 {
            b.softmax();
        }
        let layers = b.layers.clone();
        let m = match Model::new(layers) {
            Ok(m) => m,
            Err(e) => panic!("case {case}: {e}"),
        };
        for k in m.tile_kernels() {
            *kernels.entry(k).or_insert(0) += 1;
        }
        let n_in = m.input_size();
        let samples = [1, 16, 37][case as usize % 3];
        // inputs within the input type's range (every other case), or beyond it
        let (lo, hi) = (x_ty.min_value(), x_ty.max_value());
        let wide = case % 2 == 1;
        let mut x: Vec<f64> = (0..samples * n_in)
            .map(|_| {
                let u = b.rng.below(2001) as f64 / 2000.0;
                if wide {
                    (lo - 1.0) * 1.5 + u * (hi - lo + 2.0) * 1.5
                } else {
                    lo + u * (hi - lo)
                }
            })
            .collect();
        // the edges of the input type; and values that are not numbers
        x[0] = hi;
        if x.len() > 3 {
            x[1] = lo;
            if case % 6 == 5 {
                x[2] = f64::NAN;
                x[3] = f64::NEG_INFINITY;
            }
        }
        let what = format!("case {case}: {:?}", m.tile_kernels());
        let want = m.predict_generic(&x);
        assert_eq!(m.predict_f64(&x), want, "{what}");
        assert_eq!(portable(|| m.predict_f64(&x)), want, "{what} (portable build)");
        let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        assert_eq!(m.predict(&x32), m.predict_reference(&x32), "{what} (f32)");
        // a fixed-point bus in and out
        let bus = FixedType::fixed(24, 10).with_modes(Quantization::Rnd, Overflow::Sat);
        let raw: Vec<i128> = x.iter().map(|&v| bus.quantize_f64(v)).collect();
        let fixed = m.predict_fixed(&raw, bus, bus);
        let via_f64: Vec<f64> = raw.iter().map(|&r| bus.to_f64(r)).collect();
        let want_fixed: Vec<i128> = m
            .predict_generic(&via_f64)
            .iter()
            .map(|&v| bus.quantize_f64(v))
            .collect();
        assert_eq!(fixed, want_fixed, "{what} (fixed bus)");
    }
    println!("tile kernels: {kernels:?}");
    for k in [
        "tile i16", "tile i32", "tile f64", "relu", "map", "own", "whole", "lanes",
    ] {
        let n = kernels.get(k).copied().unwrap_or(0);
        assert!(n >= 5, "{k}: {n} layers ({kernels:?})");
    }
}

/// Threads split the batch in whole tiles; any number of them gives the same bits.
#[test]
fn threads_give_the_same_bits() {
    let layers = vec![
        input(vec![3], "ap_fixed<16,6>"),
        layer(
            dense(
                w("ap_fixed<16,6>", &[0.3, -0.7, 1.1, 0.2, -1.5, 0.9]),
                w("ap_fixed<16,6>", &[0.1, -0.1]),
                "ap_fixed<16,6>",
            ),
            vec![0],
            vec![2],
            "ap_fixed<16,6>",
        ),
    ];
    let m = model(layers);
    let x: Vec<f32> = (0..3 * 1999).map(|i| (i as f32 * 0.37).sin() * 40.0).collect();
    let want = m.predict_reference(&x);
    for threads in [0, 1, 2, 3, 7] {
        assert_eq!(m.predict_parallel(&x, threads), want, "{threads} threads");
    }
    assert_eq!(m.predict_threaded(&x), want);
    assert!(default_threads() >= 1);
}

/// A lookup table the exact index computation cannot serve (an input range that is not a power of
/// two wide, far beyond any input, or a lower end off the grid) is refused with an error naming
/// the layer, never run into an overflow.
#[test]
fn tables_beyond_the_index_arithmetic_are_refused() {
    let tt = ty("ap_fixed<18,8>");
    let lookup = |lo: f64, hi: f64| {
        let mut table = Table::new(sigmoid, -8.0, 8.0, 64, tt);
        (table.lo, table.hi) = (lo, hi);
        Model::new(vec![
            input(vec![1], "ap_fixed<16,6>"),
            layer(
                LayerKind::Activation(Activation::Lookup(table)),
                vec![0],
                vec![1],
                "ap_fixed<16,6>",
            ),
        ])
    };
    for (lo, hi) in [
        (-1e300, 8.0),
        (-8.0, f64::INFINITY),
        (8.0, -8.0),
        (-8.001, 7.999),
        (-(2f64.powi(300)), 0.0),
    ] {
        let e = lookup(lo, hi).expect_err("refused");
        assert_eq!(e.layer.as_deref(), Some("l1"), "{e}");
        assert!(e.message.contains("lookup table"), "{e}");
    }
    // a well-formed table in an unusual place runs
    let m = lookup(-32.0, 0.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.predict(&[0.5, -40.0, -1.0]).len(), 3);
    // softmax tables too
    let mut exp = constants::softmax_exp_table(true, 1024, tt);
    exp.lo = -1e300;
    let inv = constants::softmax_inv_table(true, 3, 1024, tt);
    let e = Model::new(vec![
        input(vec![3], "ap_fixed<16,6>"),
        layer(
            LayerKind::Softmax(Softmax::Stable { exp, inv }),
            vec![0],
            vec![3],
            "ap_fixed<16,6>",
        ),
    ])
    .expect_err("refused");
    assert!(e.message.contains("softmax exp table"), "{e}");
}
