//! Max and average pooling, windowed and global.
//!
//! Max: `y = Q_res(max of the valid window positions)`. Average: `a = 0`, `a = Q_acc(a + Q_acc(x))`
//! over the valid positions, `y = Q_res(a · Q_R(1/count))` with `R = ap_ufixed<24,1,AP_RND_CONV,AP_SAT>`;
//! `count` excludes padding unless `count_include_pad`.

use super::cast::{Cast, VCast};
use super::constants;
use super::model::{LayerKind, ModelError, PoolOp};
use super::plan::{dims, Ctx, Dim, Geom, Overflows, Word};
use super::tile::LANES;

/// A prepared pooling layer.
#[derive(Debug, Clone)]
pub(crate) struct PoolPlan {
    g: Geom,
    count_include_pad: bool,
    /// `Q_res(x)` (max).
    res: Cast,
    /// Average only: `Q_acc(x)`, `Q_acc(a + x)`, `Q_res(a · r)` and `r = Q_R(1/count)` by count.
    avg: Option<Avg>,
}

#[derive(Debug, Clone)]
struct Avg {
    input: Cast,
    sum: Cast,
    out: Cast,
    recip: Vec<i128>,
}

impl PoolPlan {
    pub fn build(ctx: &Ctx<'_>) -> Result<PoolPlan, ModelError> {
        let x = ctx.x();
        let out = &ctx.layer.shape;
        let (op, g, count_include_pad, accum) = match &ctx.layer.kind {
            LayerKind::Pool {
                op,
                pool,
                strides,
                padding,
                count_include_pad,
                accum,
            } => {
                let n = pool.len();
                let ds = dims(ctx, &x.shape, pool, strides, None, padding)?;
                if out.len() != n + 1 || out[n] != x.shape[n] {
                    return Err(ctx.err(format!(
                        "pooling of an input of shape {:?} cannot give {out:?}",
                        x.shape
                    )));
                }
                let g = Geom::new(ctx, &ds, x.shape[n], &out[..n])?;
                (*op, g, *count_include_pad, *accum)
            }
            LayerKind::GlobalPool { op, accum } => {
                let n = x.shape.len().saturating_sub(1);
                if n == 0 || n > 2 || out.iter().product::<usize>() != x.shape[n] {
                    return Err(ctx.err(format!(
                        "global pooling of an input of shape {:?} cannot give {out:?}",
                        x.shape
                    )));
                }
                let ds: Vec<Dim> = x.shape[..n]
                    .iter()
                    .map(|&len| Dim {
                        n: len,
                        k: len,
                        stride: 1,
                        dilation: 1,
                        pad: (0, 0),
                    })
                    .collect();
                let g = Geom::new(ctx, &ds, x.shape[n], &vec![1; n])?;
                (*op, g, false, *accum)
            }
            _ => unreachable!("not a pooling layer"),
        };
        let x_ty = ctx.x_ty();
        let res_ty = ctx.layer.result;
        let avg = match op {
            PoolOp::Max => None,
            PoolOp::Average => {
                let acc = accum.ok_or_else(|| ctx.err("an average pooling needs an accumulator type"))?;
                ctx.check_type("accumulator type", &acc)?;
                let sum_ty = acc.add_type(&acc);
                let r_ty = constants::reciprocal_type();
                let p_ty = acc.mul_type(&r_ty);
                ctx.check_type("the sum of two accumulators", &sum_ty)?;
                ctx.check_type("the product of the accumulator and 1/count", &p_ty)?;
                Some(Avg {
                    input: Cast::new(x_ty, acc),
                    sum: Cast::new(sum_ty, acc),
                    out: Cast::new(p_ty, res_ty),
                    recip: (0..=g.kh * g.kw).map(constants::reciprocal).collect(),
                })
            }
        };
        Ok(PoolPlan {
            g,
            count_include_pad,
            res: Cast::new(x_ty, res_ty),
            avg,
        })
    }

    /// Whether [`PoolPlan::run_tile`] applies: max pooling with a conversion of the slice form.
    pub fn tiles(&self) -> bool {
        self.avg.is_none() && VCast::new(&self.res).is_some()
    }

    /// Max pooling on a tile (`[feature][lane]`); only when [`PoolPlan::tiles`].
    pub fn run_tile(&self, x: &[i64], y: &mut [i64]) {
        let g = &self.g;
        let ch = g.c_in;
        for oy in 0..g.oh {
            let (ky0, ky1) = g.ky[oy];
            for ox in 0..g.ow {
                let (kx0, kx1) = g.kx[ox];
                let base = (oy * g.ow + ox) * ch;
                for k in 0..ch {
                    let yv = &mut y[(base + k) * LANES..(base + k + 1) * LANES];
                    // an empty window gives 0, as in `run`
                    yv.fill(if ky0 < ky1 && kx0 < kx1 { i64::MIN } else { 0 });
                    for ky in ky0..ky1 {
                        let iy = g.iy(oy, ky);
                        for kx in kx0..kx1 {
                            let i = (iy * g.iw + g.ix(ox, kx)) * ch + k;
                            for (d, &v) in yv.iter_mut().zip(&x[i * LANES..(i + 1) * LANES]) {
                                *d = (*d).max(v);
                            }
                        }
                    }
                }
            }
        }
        VCast::new(&self.res).expect("checked by tiles()").apply(y);
    }

    /// Computes the layer on one sample.
    pub fn run<W: Word>(&self, x: &[W], y: &mut [W], c: &mut Overflows) {
        let g = &self.g;
        let ch = g.c_in;
        for oy in 0..g.oh {
            let (ky0, ky1) = g.ky[oy];
            for ox in 0..g.ow {
                let (kx0, kx1) = g.kx[ox];
                let base = (oy * g.ow + ox) * ch;
                for k in 0..ch {
                    let window = (ky0..ky1).flat_map(|ky| {
                        let iy = g.iy(oy, ky);
                        (kx0..kx1).map(move |kx| x[(iy * g.iw + g.ix(ox, kx)) * ch + k].get())
                    });
                    let (v, o) = match &self.avg {
                        None => self.res.apply(window.max().unwrap_or(0)),
                        Some(avg) => {
                            let mut a = 0i128;
                            for v in window {
                                let (xa, o1) = avg.input.apply(v);
                                let (s, o2) = avg.sum.apply(a + xa);
                                a = s;
                                c.accum += o1 as u64 + o2 as u64;
                            }
                            let count = if self.count_include_pad {
                                g.kh * g.kw
                            } else {
                                (ky1 - ky0) * (kx1 - kx0)
                            };
                            avg.out.apply(a * avg.recip[count])
                        }
                    };
                    y[base + k] = W::put(v);
                    c.result += o as u64;
                }
            }
        }
    }
}
