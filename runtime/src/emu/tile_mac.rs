//! Dense and Conv over a tile of [`LANES`] samples: the same arithmetic as [`MacPlan`]'s exact paths,
//! with the samples side by side so that one weight serves a whole vector of samples.
//!
//! The tile holds feature `k` of lane (sample) `l` at `k·LANES + l`. For each output position and
//! each block of `CB` output channels, `CB × LANES` accumulators stay in registers while the
//! receptive field streams by: per input value, one vector load of `LANES` samples and `CB` vector
//! multiply-accumulates against broadcast weights. The arithmetic, chosen per layer:
//! * **`i16` lanes, modular** (hls4ml's `ap_fixed<16,6>` everywhere): the accumulator wraps within
//!   16 bits, so only each rounded product modulo 2¹⁶ matters: the 32-bit product, rounded and
//!   shifted, truncated to 16 bits, summed in 16-bit lanes;
//! * **`i32` lanes, modular**: a wrapping accumulator of up to 32 bits, products of up to 31 bits;
//! * **`f64` lanes, exact**: no `Q_acc` can change a value and every partial sum is an integer
//!   below 2⁵³, so `f64` sums are exact in any order (fused multiply-adds where available);
//! * **`i64` lanes, exact**: the same with sums up to 2⁶².
//!
//! Layers none of these fits run sample by sample on [`MacPlan`]'s other paths.

use super::cast::VCast;
use super::mac::MacPlan;
use super::simd;
use super::tile::{Scratch, LANES};

/// A Dense or Conv layer prepared for tiles.
#[derive(Debug, Clone)]
pub(crate) struct MacTile {
    /// Output positions and channels.
    positions: usize,
    c_out: usize,
    /// Receptive field length (`kh·kw·c_in`).
    k: usize,
    /// Per output position, its runs of contiguous input features: `runs[starts[p]..starts[p+1]]`,
    /// each `(first input feature, first receptive-field index, length)`.
    starts: Vec<usize>,
    runs: Vec<(usize, usize, usize)>,
    arith: Arith,
    /// From the accumulator (as `i64`) into the result type.
    res: VCast,
}

/// The weights, laid out `[block][k][CB]` (channels padded with zeros to a whole block), the
/// biases `[block·CB]`, and the arithmetic's parameters.
#[derive(Debug, Clone)]
enum Arith {
    Mod16 {
        w: Vec<i16>,
        b: Vec<i16>,
        cb: usize,
        shift: u32,
        half: i32,
        width: u32,
        signed: bool,
    },
    Mod32 {
        w: Vec<i32>,
        b: Vec<i32>,
        cb: usize,
        shift: u32,
        half: i32,
        width: u32,
        signed: bool,
    },
    F64 {
        w: Vec<f64>,
        b: Vec<f64>,
        cb: usize,
        /// Inputs and sums below 2⁵¹: converted with [`simd::i64_to_f64`] and [`simd::f64_to_i64`].
        small: bool,
    },
    I64 {
        w: Vec<i64>,
        b: Vec<i64>,
        cb: usize,
    },
}

/// The largest block of output channels, at most `max`, that `c_out` fills at least once.
fn block(max: usize, c_out: usize) -> usize {
    [4, 2, 1].into_iter().find(|&b| b <= max && b <= c_out).unwrap_or(1)
}

/// `[c_out][k]` weights into `[block][k][cb]`, padded with zeros.
fn blocked<T: Copy + Default>(w: &[T], c_out: usize, k: usize, cb: usize) -> Vec<T> {
    let blocks = c_out.div_ceil(cb);
    let mut out = vec![T::default(); blocks * k * cb];
    for co in 0..c_out {
        let (b, j) = (co / cb, co % cb);
        for i in 0..k {
            out[(b * k + i) * cb + j] = w[co * k + i];
        }
    }
    out
}

/// Biases padded with zeros to whole blocks.
fn padded<T: Copy + Default>(b: &[T], cb: usize) -> Vec<T> {
    let mut out = b.to_vec();
    out.resize(b.len().div_ceil(cb) * cb, T::default());
    out
}

impl MacTile {
    /// The tile form of `p`, when one of the tile arithmetics is exact for it.
    pub fn build(p: &MacPlan) -> Option<MacTile> {
        let g = &p.g;
        let c_out = p.c_out;
        let k = g.kh * g.kw * g.c_in;
        let (arith, res) = if let Some(m) = p.modular.as_ref().filter(|m| m.width <= 16 && m.w16.is_some()) {
            let w16 = m.w16.as_ref()?;
            let cb = block(4, c_out);
            let arith = Arith::Mod16 {
                w: blocked(w16, c_out, k, cb),
                b: padded(&m.b.iter().map(|&v| v as i16).collect::<Vec<_>>(), cb),
                cb,
                shift: m.shift,
                half: m.half,
                width: m.width,
                signed: m.signed,
            };
            (arith, VCast::new(&p.res)?)
        } else if let Some((e, (wf, bf))) = p.exact.as_ref().and_then(|e| e.wf.as_ref().map(|f| (e, f))) {
            let cb = block(2, c_out);
            // |x| < 2^51 and every sum (a value of the signed exact type) too
            let below = |t: &crate::FixedType| t.min_raw() > -(1 << 51) && t.max_raw() < 1 << 51;
            let small = below(&p.x_ty) && below(&e.res.from);
            let arith = Arith::F64 {
                w: blocked(wf, c_out, k, cb),
                b: padded(bf, cb),
                cb,
                small,
            };
            (arith, VCast::new(&e.res)?)
        } else if let Some(m) = &p.modular {
            let cb = block(4, c_out);
            let arith = Arith::Mod32 {
                w: blocked(&m.w, c_out, k, cb),
                b: padded(&m.b, cb),
                cb,
                shift: m.shift,
                half: m.half,
                width: m.width,
                signed: m.signed,
            };
            (arith, VCast::new(&p.res)?)
        } else if let Some(e) = &p.exact {
            let cb = block(2, c_out);
            let arith = Arith::I64 {
                w: blocked(&e.w, c_out, k, cb),
                b: padded(&e.b, cb),
                cb,
            };
            (arith, VCast::new(&e.res)?)
        } else {
            return None;
        };
        // The receptive field of each output position, in runs of contiguous features.
        let mut starts = vec![0];
        let mut runs: Vec<(usize, usize, usize)> = vec![];
        for oy in 0..g.oh {
            let (ky0, ky1) = g.ky[oy];
            for ox in 0..g.ow {
                let (kx0, kx1) = g.kx[ox];
                let first = runs.len();
                for ky in ky0..ky1 {
                    let iy = g.iy(oy, ky);
                    for kx in kx0..kx1 {
                        let xo = (iy * g.iw + g.ix(ox, kx)) * g.c_in;
                        let wo = (ky * g.kw + kx) * g.c_in;
                        let extend = runs.len() > first;
                        match runs.last_mut() {
                            Some(r) if extend && r.0 + r.2 == xo && r.1 + r.2 == wo => r.2 += g.c_in,
                            _ => runs.push((xo, wo, g.c_in)),
                        }
                    }
                }
                starts.push(runs.len());
            }
        }
        Some(MacTile {
            positions: g.oh * g.ow,
            c_out,
            k,
            starts,
            runs,
            arith,
            res,
        })
    }

    /// A short name of the arithmetic, for tests.
    #[cfg(test)]
    pub fn name(&self) -> &'static str {
        match self.arith {
            Arith::Mod16 { .. } => "tile i16",
            Arith::Mod32 { .. } => "tile i32",
            Arith::F64 { .. } => "tile f64",
            Arith::I64 { .. } => "tile i64",
        }
    }

    /// Computes the layer on a tile: `x` holds the input features, `y` receives the outputs.
    pub fn run(&self, x: &[i64], y: &mut [i64], s: &mut Scratch) {
        let (lanes, c_out) = (LANES, self.c_out);
        // Each kernel leaves `[position][padded channels][lane]` accumulators; this copies the real
        // channels out, through `fin`.
        fn copy_out<A: Copy>(acc: &[A], y: &mut [i64], c_out: usize, cpad: usize, fin: impl Fn(A) -> i64) {
            simd::dispatch(
                #[inline(always)]
                || {
                    for (ya, aa) in y.chunks_exact_mut(c_out * LANES).zip(acc.chunks_exact(cpad * LANES)) {
                        for (d, &v) in ya.iter_mut().zip(&aa[..c_out * LANES]) {
                            *d = fin(v);
                        }
                    }
                },
            )
        }
        // The accumulator wrapped into its `width` bits, as an `i64`.
        fn wrap<A: Into<i64> + Copy>(acc: &[A], y: &mut [i64], c_out: usize, cpad: usize, width: u32, signed: bool) {
            let sh = 64 - width;
            match (signed, width) {
                (true, 16 | 32) if width == 8 * std::mem::size_of::<A>() as u32 => {
                    copy_out(acc, y, c_out, cpad, |a| a.into())
                }
                (true, _) => copy_out(acc, y, c_out, cpad, |a| a.into().wrapping_shl(sh).wrapping_shr(sh)),
                (false, _) => copy_out(acc, y, c_out, cpad, |a| {
                    ((a.into() as u64).wrapping_shl(sh) >> sh) as i64
                }),
            }
        }
        // The input values in the kernel's type.
        fn narrow<'a, X: Copy + Default>(v: &'a mut Vec<X>, x: &[i64], f: impl Fn(i64) -> X) -> &'a mut [X] {
            let xs = fill(v, x.len());
            simd::dispatch(
                #[inline(always)]
                || {
                    for (d, &v) in xs.iter_mut().zip(x) {
                        *d = f(v);
                    }
                },
            );
            xs
        }
        match &self.arith {
            Arith::Mod16 {
                w,
                b,
                cb,
                shift,
                half,
                width,
                signed,
            } => {
                let xs = narrow(&mut s.x16, x, |v| v as i16);
                let acc = fill(&mut s.a16, self.positions * b.len() * lanes);
                #[cfg(target_arch = "x86_64")]
                if simd::avx2() {
                    // SAFETY: the processor has AVX2 and FMA.
                    unsafe { avx2::mod16(self, *cb, xs, w, b, acc, *shift, *half != 0) };
                } else {
                    self.kernel(Mod16 { s: *shift, half: *half }, *cb, xs, w, b, acc);
                }
                #[cfg(not(target_arch = "x86_64"))]
                self.kernel(Mod16 { s: *shift, half: *half }, *cb, xs, w, b, acc);
                wrap(acc, y, c_out, b.len(), *width, *signed);
            }
            Arith::Mod32 {
                w,
                b,
                cb,
                shift,
                half,
                width,
                signed,
            } => {
                let xs = narrow(&mut s.x32, x, |v| v as i32);
                let acc = fill(&mut s.a32, self.positions * b.len() * lanes);
                let m = Mod32 { s: *shift, half: *half };
                #[cfg(target_arch = "x86_64")]
                if simd::avx2() {
                    // SAFETY: the processor has AVX2 and FMA.
                    unsafe { avx2::mod32(self, *cb, xs, w, b, acc, m.s, m.half) };
                } else {
                    self.kernel(m, *cb, xs, w, b, acc);
                }
                #[cfg(not(target_arch = "x86_64"))]
                self.kernel(m, *cb, xs, w, b, acc);
                wrap(acc, y, c_out, b.len(), *width, *signed);
            }
            Arith::F64 { w, b, cb, small } => {
                let xs = if *small {
                    narrow(&mut s.xf, x, simd::i64_to_f64)
                } else {
                    narrow(&mut s.xf, x, |v| v as f64)
                };
                let acc = fill(&mut s.af, self.positions * b.len() * lanes);
                #[cfg(target_arch = "x86_64")]
                if simd::avx2() {
                    // SAFETY: the processor has AVX2 and FMA.
                    unsafe { avx2::f64(self, *cb, xs, w, b, acc) };
                } else {
                    self.kernel(F64, *cb, xs, w, b, acc);
                }
                #[cfg(not(target_arch = "x86_64"))]
                self.kernel(F64, *cb, xs, w, b, acc);
                // integers below 2^53: exact
                if *small {
                    copy_out(acc, y, c_out, b.len(), simd::f64_to_i64);
                } else {
                    copy_out(acc, y, c_out, b.len(), |a| a as i64);
                }
            }
            Arith::I64 { w, b, cb } => {
                let acc = fill(&mut s.a64, self.positions * b.len() * lanes);
                self.kernel(I64, *cb, x, w, b, acc);
                copy_out(acc, y, c_out, b.len(), |a| a);
            }
        }
        self.res.apply(y);
    }

    /// Runs `core` with the block size `cb` (the portable kernels; compiled for AVX2 too, where the
    /// compiler vectorizes them as it can).
    #[inline(always)]
    fn kernel<R: Mac>(&self, r: R, cb: usize, x: &[R::X], w: &[R::X], b: &[R::A], acc: &mut [R::A]) {
        simd::dispatch(
            #[inline(always)]
            || match cb {
                4 => self.core::<R, 4>(r, x, w, b, acc),
                2 => self.core::<R, 2>(r, x, w, b, acc),
                _ => self.core::<R, 1>(r, x, w, b, acc),
            },
        )
    }

    /// The multiply-accumulate loops: for each output position and block of `CB` channels,
    /// `CB × LANES` accumulators over the receptive field.
    #[inline(always)]
    fn core<R: Mac, const CB: usize>(&self, r: R, x: &[R::X], w: &[R::X], b: &[R::A], acc: &mut [R::A]) {
        let k = self.k;
        let blocks = b.len() / CB;
        let mut out = acc.chunks_exact_mut(CB * LANES);
        for p in 0..self.positions {
            let runs = &self.runs[self.starts[p]..self.starts[p + 1]];
            for (wb, bb) in w.chunks_exact(k * CB).zip(b.chunks_exact(CB)).take(blocks) {
                let mut a = [[R::A::default(); LANES]; CB];
                for (aj, &bj) in a.iter_mut().zip(bb) {
                    *aj = [bj; LANES];
                }
                for &(xo, wo, len) in runs {
                    let xs = &x[xo * LANES..(xo + len) * LANES];
                    let ws = &wb[wo * CB..(wo + len) * CB];
                    for (xv, wv) in xs.chunks_exact(LANES).zip(ws.chunks_exact(CB)) {
                        // fixed lengths, so that the loops unroll and the accumulators stay in
                        // registers
                        let xv: &[R::X; LANES] = xv.try_into().expect("a whole vector");
                        let wv: &[R::X; CB] = wv.try_into().expect("a whole block");
                        #[allow(clippy::needless_range_loop)]
                        for j in 0..CB {
                            for l in 0..LANES {
                                a[j][l] = r.mac(a[j][l], xv[l], wv[j]);
                            }
                        }
                    }
                }
                let o = out.next().expect("room for every block");
                for (oj, aj) in o.chunks_exact_mut(LANES).zip(&a) {
                    oj.copy_from_slice(aj);
                }
            }
        }
    }
}

/// `n` elements of a scratch vector (grown on first use).
fn fill<T: Copy + Default>(v: &mut Vec<T>, n: usize) -> &mut [T] {
    if v.len() < n {
        v.resize(n, T::default());
    }
    &mut v[..n]
}

/// One multiply-accumulate of an arithmetic: `a ⊕ term(x·w)`.
trait Mac: Copy {
    /// Input and weight values.
    type X: Copy + Default;
    /// Accumulators.
    type A: Copy + Default;
    fn mac(self, a: Self::A, x: Self::X, w: Self::X) -> Self::A;
}

/// Modulo 2¹⁶: `a + ((x·w + half) >> s)` with 16-bit inputs, the 32-bit product rounded and
/// shifted, and only its low 16 bits kept.
#[derive(Clone, Copy)]
struct Mod16 {
    s: u32,
    half: i32,
}

impl Mac for Mod16 {
    type X = i16;
    type A = i16;

    #[inline(always)]
    fn mac(self, a: i16, x: i16, w: i16) -> i16 {
        // |x·w| ≤ 2³⁰ and half ≤ 2²⁹: no overflow
        a.wrapping_add(((x as i32 * w as i32 + self.half) >> self.s) as i16)
    }
}

/// Modulo 2³²: `a + ((x·w + half) >> s)`, the product and `half` within 31 bits.
#[derive(Clone, Copy)]
struct Mod32 {
    s: u32,
    half: i32,
}

impl Mac for Mod32 {
    type X = i32;
    type A = i32;

    #[inline(always)]
    fn mac(self, a: i32, x: i32, w: i32) -> i32 {
        a.wrapping_add(x.wrapping_mul(w).wrapping_add(self.half).wrapping_shr(self.s))
    }
}

/// Exact integer sums in `f64` (products and sums of integers below 2⁵³: exact).
#[derive(Clone, Copy)]
struct F64;

impl Mac for F64 {
    type X = f64;
    type A = f64;

    #[inline(always)]
    fn mac(self, a: f64, x: f64, w: f64) -> f64 {
        x * w + a
    }
}

/// Exact integer sums in `i64`.
#[derive(Clone, Copy)]
struct I64;

impl Mac for I64 {
    type X = i64;
    type A = i64;

    #[inline(always)]
    fn mac(self, a: i64, x: i64, w: i64) -> i64 {
        a.wrapping_add(x.wrapping_mul(w))
    }
}

/// The AVX2 kernels: the loops of [`MacTile::core`] written with vector intrinsics, so that the
/// `CB` accumulators of `LANES` samples are registers whatever the compiler's heuristics decide.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{MacTile, LANES};
    use std::arch::x86_64::*;

    /// One arithmetic on vectors of `LANES` samples.
    trait VMac: Copy {
        /// Input, weight and accumulator values.
        type X: Copy;
        /// `LANES` accumulators.
        type V: Copy;
        /// A bias in every lane.
        ///
        /// # Safety
        /// AVX2 and FMA are available.
        unsafe fn splat(self, b: Self::X) -> Self::V;
        /// `LANES` input values.
        ///
        /// # Safety
        /// AVX2 and FMA are available.
        unsafe fn load(self, x: &[Self::X; LANES]) -> Self::V;
        /// `a ⊕ x·w` in every lane.
        ///
        /// # Safety
        /// AVX2 and FMA are available.
        unsafe fn mac(self, a: Self::V, x: Self::V, w: Self::X) -> Self::V;
        /// The accumulators into `out`.
        ///
        /// # Safety
        /// AVX2 and FMA are available.
        unsafe fn store(self, a: Self::V, out: &mut [Self::X; LANES]);
    }

    /// [`super::Mod16`]: `a + ((x·w + half) >> s)` modulo 2¹⁶ from the low and high halves of the
    /// 32-bit product. `SHAPE`: 0 truncating, `s ≤ 16`; 1 rounding, `1 ≤ s ≤ 16`; 2 truncating,
    /// `s ≥ 17`; 3 rounding, `s ≥ 17`.
    #[derive(Clone, Copy)]
    struct Mod16<const SHAPE: u8> {
        /// Shift counts: `s`, `16 − s`, `s − 1` (`SHAPE` 0, 1); `s − 16`, `s − 17` (2, 3).
        c0: __m128i,
        c1: __m128i,
        c2: __m128i,
        one: __m256i,
    }

    impl<const SHAPE: u8> Mod16<SHAPE> {
        /// # Safety
        /// AVX2 is available.
        #[inline(always)]
        unsafe fn new(s: u32) -> Self {
            let s = s as i32;
            // SAFETY: the caller guarantees AVX2.
            unsafe {
                let c = |v: i32| _mm_cvtsi32_si128(v.max(0));
                if SHAPE < 2 {
                    Mod16 {
                        c0: c(s),
                        c1: c(16 - s),
                        c2: c(s - 1),
                        one: _mm256_set1_epi16(1),
                    }
                } else {
                    Mod16 {
                        c0: c(s - 16),
                        c1: c(0),
                        c2: c(s - 17),
                        one: _mm256_set1_epi16(1),
                    }
                }
            }
        }
    }

    impl<const SHAPE: u8> VMac for Mod16<SHAPE> {
        type X = i16;
        type V = __m256i;

        #[inline(always)]
        unsafe fn splat(self, b: i16) -> __m256i {
            // SAFETY: the caller guarantees AVX2.
            unsafe { _mm256_set1_epi16(b) }
        }

        #[inline(always)]
        unsafe fn load(self, x: &[i16; LANES]) -> __m256i {
            // SAFETY: 16 values, 32 bytes; unaligned load.
            unsafe { _mm256_loadu_si256(x.as_ptr() as *const __m256i) }
        }

        #[inline(always)]
        unsafe fn mac(self, a: __m256i, x: __m256i, w: i16) -> __m256i {
            // SAFETY: the caller guarantees AVX2.
            unsafe {
                let w = _mm256_set1_epi16(w);
                let hi = _mm256_mulhi_epi16(x, w);
                let term = match SHAPE {
                    0 | 1 => {
                        let lo = _mm256_mullo_epi16(x, w);
                        // bits s … s+15 of the product (shifts by 16 give 0)
                        let t = _mm256_or_si256(_mm256_srl_epi16(lo, self.c0), _mm256_sll_epi16(hi, self.c1));
                        if SHAPE == 1 {
                            // plus bit s−1: rounding half up
                            _mm256_add_epi16(t, _mm256_and_si256(_mm256_srl_epi16(lo, self.c2), self.one))
                        } else {
                            t
                        }
                    }
                    _ => {
                        let t = _mm256_sra_epi16(hi, self.c0);
                        if SHAPE == 3 {
                            _mm256_add_epi16(t, _mm256_and_si256(_mm256_srl_epi16(hi, self.c2), self.one))
                        } else {
                            t
                        }
                    }
                };
                _mm256_add_epi16(a, term)
            }
        }

        #[inline(always)]
        unsafe fn store(self, a: __m256i, out: &mut [i16; LANES]) {
            // SAFETY: 16 values, 32 bytes; unaligned store.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr() as *mut __m256i, a) }
        }
    }

    /// [`super::Mod32`]: `a + ((x·w + half) >> s)` in 32-bit lanes, two vectors of 8.
    #[derive(Clone, Copy)]
    struct Mod32 {
        s: __m128i,
        half: __m256i,
    }

    impl VMac for Mod32 {
        type X = i32;
        type V = [__m256i; 2];

        #[inline(always)]
        unsafe fn splat(self, b: i32) -> [__m256i; 2] {
            // SAFETY: the caller guarantees AVX2.
            unsafe { [_mm256_set1_epi32(b); 2] }
        }

        #[inline(always)]
        unsafe fn load(self, x: &[i32; LANES]) -> [__m256i; 2] {
            // SAFETY: 16 values, 64 bytes; unaligned loads.
            unsafe {
                let p = x.as_ptr() as *const __m256i;
                [_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1))]
            }
        }

        #[inline(always)]
        unsafe fn mac(self, a: [__m256i; 2], x: [__m256i; 2], w: i32) -> [__m256i; 2] {
            // SAFETY: the caller guarantees AVX2.
            unsafe {
                let w = _mm256_set1_epi32(w);
                let term = |x| _mm256_sra_epi32(_mm256_add_epi32(_mm256_mullo_epi32(x, w), self.half), self.s);
                [_mm256_add_epi32(a[0], term(x[0])), _mm256_add_epi32(a[1], term(x[1]))]
            }
        }

        #[inline(always)]
        unsafe fn store(self, a: [__m256i; 2], out: &mut [i32; LANES]) {
            // SAFETY: 16 values, 64 bytes; unaligned stores.
            unsafe {
                let p = out.as_mut_ptr() as *mut __m256i;
                _mm256_storeu_si256(p, a[0]);
                _mm256_storeu_si256(p.add(1), a[1]);
            }
        }
    }

    /// [`super::F64`] with fused multiply-adds (exact: every value is an integer below 2⁵³).
    #[derive(Clone, Copy)]
    struct F64;

    impl VMac for F64 {
        type X = f64;
        type V = [__m256d; 4];

        #[inline(always)]
        unsafe fn splat(self, b: f64) -> [__m256d; 4] {
            // SAFETY: the caller guarantees AVX2.
            unsafe { [_mm256_set1_pd(b); 4] }
        }

        #[inline(always)]
        unsafe fn load(self, x: &[f64; LANES]) -> [__m256d; 4] {
            // SAFETY: 16 values, 128 bytes; unaligned loads.
            unsafe {
                let p = x.as_ptr();
                [
                    _mm256_loadu_pd(p),
                    _mm256_loadu_pd(p.add(4)),
                    _mm256_loadu_pd(p.add(8)),
                    _mm256_loadu_pd(p.add(12)),
                ]
            }
        }

        #[inline(always)]
        unsafe fn mac(self, a: [__m256d; 4], x: [__m256d; 4], w: f64) -> [__m256d; 4] {
            // SAFETY: the caller guarantees AVX2 and FMA.
            unsafe {
                let w = _mm256_set1_pd(w);
                [
                    _mm256_fmadd_pd(x[0], w, a[0]),
                    _mm256_fmadd_pd(x[1], w, a[1]),
                    _mm256_fmadd_pd(x[2], w, a[2]),
                    _mm256_fmadd_pd(x[3], w, a[3]),
                ]
            }
        }

        #[inline(always)]
        unsafe fn store(self, a: [__m256d; 4], out: &mut [f64; LANES]) {
            // SAFETY: 16 values, 128 bytes; unaligned stores.
            unsafe {
                let p = out.as_mut_ptr();
                for (q, v) in a.iter().enumerate() {
                    _mm256_storeu_pd(p.add(4 * q), *v);
                }
            }
        }
    }

    /// The loops of [`MacTile::core`] over vectors.
    ///
    /// # Safety
    /// AVX2 and FMA are available.
    #[inline(always)]
    unsafe fn skeleton<V: VMac, const CB: usize>(
        t: &MacTile,
        v: V,
        x: &[V::X],
        w: &[V::X],
        b: &[V::X],
        acc: &mut [V::X],
    ) {
        let blocks = b.len() / CB;
        let mut out = acc.chunks_exact_mut(CB * LANES);
        for p in 0..t.positions {
            let runs = &t.runs[t.starts[p]..t.starts[p + 1]];
            for (wb, bb) in w.chunks_exact(t.k * CB).zip(b.chunks_exact(CB)).take(blocks) {
                // SAFETY (every block below): the caller guarantees AVX2 and FMA.
                let mut a: [V::V; CB] = std::array::from_fn(|j| unsafe { v.splat(bb[j]) });
                for &(xo, wo, len) in runs {
                    let xs = &x[xo * LANES..(xo + len) * LANES];
                    let ws = &wb[wo * CB..(wo + len) * CB];
                    for (xv, wv) in xs.chunks_exact(LANES).zip(ws.chunks_exact(CB)) {
                        let xv = unsafe { v.load(xv.try_into().expect("a whole vector")) };
                        for (aj, &wj) in a.iter_mut().zip(wv) {
                            *aj = unsafe { v.mac(*aj, xv, wj) };
                        }
                    }
                }
                let o = out.next().expect("room for every block");
                for (oj, aj) in o.chunks_exact_mut(LANES).zip(a) {
                    unsafe { v.store(aj, oj.try_into().expect("a whole vector")) };
                }
            }
        }
    }

    /// [`skeleton`] with the block size `cb`.
    ///
    /// # Safety
    /// AVX2 and FMA are available.
    #[inline(always)]
    unsafe fn blocked<V: VMac>(t: &MacTile, v: V, cb: usize, x: &[V::X], w: &[V::X], b: &[V::X], acc: &mut [V::X]) {
        // SAFETY: the caller guarantees AVX2 and FMA.
        unsafe {
            match cb {
                4 => skeleton::<V, 4>(t, v, x, w, b, acc),
                2 => skeleton::<V, 2>(t, v, x, w, b, acc),
                _ => skeleton::<V, 1>(t, v, x, w, b, acc),
            }
        }
    }

    /// The modular 16-bit arithmetic.
    ///
    /// # Safety
    /// AVX2 and FMA are available.
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn mod16(
        t: &MacTile,
        cb: usize,
        x: &[i16],
        w: &[i16],
        b: &[i16],
        acc: &mut [i16],
        s: u32,
        round: bool,
    ) {
        // SAFETY: this function is compiled for AVX2 and FMA, which the caller guarantees.
        unsafe {
            match (s <= 16, round && s > 0) {
                (true, false) => blocked(t, Mod16::<0>::new(s), cb, x, w, b, acc),
                (true, true) => blocked(t, Mod16::<1>::new(s), cb, x, w, b, acc),
                (false, false) => blocked(t, Mod16::<2>::new(s), cb, x, w, b, acc),
                (false, true) => blocked(t, Mod16::<3>::new(s), cb, x, w, b, acc),
            }
        }
    }

    /// The modular 32-bit arithmetic.
    ///
    /// # Safety
    /// AVX2 and FMA are available.
    #[target_feature(enable = "avx2,fma")]
    #[allow(clippy::too_many_arguments)]
    pub(super) unsafe fn mod32(
        t: &MacTile,
        cb: usize,
        x: &[i32],
        w: &[i32],
        b: &[i32],
        acc: &mut [i32],
        s: u32,
        half: i32,
    ) {
        // SAFETY: this function is compiled for AVX2 and FMA, which the caller guarantees.
        unsafe {
            let m = Mod32::new(s, half);
            blocked(t, m, cb, x, w, b, acc)
        }
    }

    impl Mod32 {
        /// # Safety
        /// AVX2 is available.
        #[inline(always)]
        unsafe fn new(s: u32, half: i32) -> Mod32 {
            // SAFETY: the caller guarantees AVX2.
            unsafe {
                Mod32 {
                    s: _mm_cvtsi32_si128(s as i32),
                    half: _mm256_set1_epi32(half),
                }
            }
        }
    }

    /// The exact `f64` arithmetic.
    ///
    /// # Safety
    /// AVX2 and FMA are available.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn f64(t: &MacTile, cb: usize, x: &[f64], w: &[f64], b: &[f64], acc: &mut [f64]) {
        // SAFETY: this function is compiled for AVX2 and FMA, which the caller guarantees.
        unsafe { blocked(t, F64, cb, x, w, b, acc) }
    }
}
