//! Runs a kernel compiled for the widest vector unit the processor has.
//!
//! The kernels are plain safe loops written so that the compiler vectorizes them. On x86-64 they are
//! compiled twice: for the baseline (SSE2) and, inlined into a function compiled with AVX2 and FMA,
//! for processors that have them (detected once at run time). On other targets (armv7, aarch64)
//! the baseline build is the only one.

/// Whether the AVX2 build may run here.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn avx2() -> bool {
    #[cfg(test)]
    if PORTABLE.with(|p| p.get()) {
        return false;
    }
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

#[cfg(test)]
thread_local! {
    /// Tests set it to run the portable build on this thread.
    pub(crate) static PORTABLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `kernel`, inlined into an AVX2 + FMA function when the processor has them. Mark the closure
/// `#[inline(always)]` so that its loops are compiled inside the AVX2 function.
#[inline(always)]
pub(crate) fn dispatch<R>(kernel: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if avx2() {
        // SAFETY: the processor has AVX2 and FMA (checked just above); the kernel is safe code.
        return unsafe { with_avx2(kernel) };
    }
    kernel()
}

/// Calls `kernel` from a function compiled for AVX2 and FMA.
///
/// # Safety
/// The processor must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn with_avx2<R>(kernel: impl FnOnce() -> R) -> R {
    kernel()
}

/// `1.5 · 2⁵²`: integers `i` with `|i| < 2⁵¹` added to it land where the spacing of `f64`s is 1, so
/// the sum is exact and its bit pattern is this constant's plus `i`.
const MAGIC: f64 = 6_755_399_441_055_744.0;

/// `x as f64` for `|x| < 2⁵¹`, with integer vector instructions (AVX2 has no `i64 → f64`).
#[inline(always)]
pub(crate) fn i64_to_f64(x: i64) -> f64 {
    f64::from_bits(x.wrapping_add(MAGIC.to_bits() as i64) as u64) - MAGIC
}

/// `x as i64` for an integer `x` with `|x| < 2⁵¹` (AVX2 has no `f64 → i64`).
#[inline(always)]
pub(crate) fn f64_to_i64(x: f64) -> i64 {
    ((x + MAGIC).to_bits() as i64).wrapping_sub(MAGIC.to_bits() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_magic_conversions_are_exact_below_two_to_the_51() {
        let edge = (1i64 << 51) - 1;
        let mut v: Vec<i64> = vec![0, 1, -1, 2, -2, edge, -edge, -(1 << 51), 1 << 50, 12345, -987_654_321];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            v.push((seed as i64) >> (13 + seed % 50));
        }
        for x in v {
            assert_eq!(i64_to_f64(x), x as f64, "{x}");
            assert_eq!(f64_to_i64(x as f64), x, "{x}");
        }
    }
}
