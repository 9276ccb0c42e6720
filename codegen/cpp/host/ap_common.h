// Host-only implementation of the arbitrary-precision integer and fixed-point types
// (ap_int<W>, ap_uint<W>, ap_fixed<W,I,Q,O,N>, ap_ufixed<W,I,Q,O,N>) used by HLS C++ code.
//
// This is an independent implementation of the documented semantics (AMD UG1399, "Arbitrary
// Precision Data Types"): width/signedness of full-precision results, quantization and overflow
// modes on assignment, bit and range selection. It only serves C simulation on a machine without
// the vendor tools, so it is written for clarity and short compile times, not for synthesis.
//
// Design
//   * Every value is stored as an array of 64-bit limbs (little-endian, two's complement),
//     `ap_detail::nlimbs<W>::value` of them. The array is kept *normalized*: the bits above W in
//     the top limb are a copy of the sign bit for signed types and zero for unsigned types. Thanks
//     to that, the limb array read as a (64*N)-bit two's complement number is the exact value.
//   * ap_fixed values are the same integer scaled by 2^-(W-I).
//   * All arithmetic is done exactly in a buffer wide enough for the full-precision result (its
//     width is a compile-time constant, so the buffers live on the stack), then normalized.
//   * The algorithms on limb arrays are plain (non-template) inline functions taking runtime
//     lengths, so a translation unit compiles them once whatever widths it uses. Results of at
//     most 64 bits take a shortcut on native 64-bit integers.
//
// Agreement with the vendor library
//   The conformance suite (codegen/tests/ap_conformance) compares these headers with the vendor
//   headers bit for bit. Where the vendor library departs from exact arithmetic in a way that is
//   systematic, these headers do the same (each place says so):
//     * a C integer divided by (or modulo) an ap value gets the result type of the operation with
//       the operands swapped;
//     * integers of mixed signedness are divided as unsigned numbers when the unsigned operand is
//       wider (as C does for int / unsigned); fixed-point quotients wrap at the operand width;
//     * AP_SAT_SYM never yields the most negative value (except for 1-bit types);
//     * integer compound assignments (+= ...) with a fixed-point right operand use its integer
//       part; a range of an ap_int assigned from an ap_fixed takes its integer part, a range of
//       an ap_fixed takes its raw bits;
//     * -x of an ap_int has the type of 0 - x with 0 an ap_uint<1>;
//     * to_double() of an integer wider than 64 bits converts its low 64 bits; converting a
//       fixed-point value wider than 64 bits to bool tests its low 64 raw bits; xor_reduce() of a
//       signed value of at most 64 bits counts the copies of the sign up to bit 63;
//     * an ap_int assigned a negative double above -0.5 becomes 1.
//   Not reproduced (the vendor results are inconsistent there; these headers give exact values):
//     * comparing a negative signed value with an unsigned one when the unsigned operand, aligned
//       on the other's binary point, has 32 bits or more and is not narrower (the vendor library
//       then compares two unsigned C integers, e.g. -1 > 5u, and even a == b with a > b);
//     * a few wide (> 64-bit) divisions and remainders: fixed point divided by an all-ones
//       unsigned value, a negative value modulo an unsigned divisor wider than 64 bits;
//     * conversions to C integers of negative ap_fixed values without integer bits (I <= 0),
//       which the vendor library rounds differently depending on the conversion used;
//     * stream output (<<) of ap_fixed wider than 32 bits, which the vendor library formats
//       itself: these headers print the double value;
//     * to_string() in radix 2, 8 or 16 (radix 10 is exact and identical).
//   Not implemented: AP_WRAP with saturation bits (N > 0) and AP_WRAP_SM (rejected at compile
//   time), strings in radices other than 10 for ap_fixed (decimal strings go through strtod).
//
// This header is included by ap_int.h and ap_fixed.h (each of which gives access to both families,
// as the vendor headers do); it is not meant to be included directly.
#ifndef HLS4ML_HOST_AP_COMMON_H
#define HLS4ML_HOST_AP_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <iosfwd>
#include <string>

// ------------------------------------------------------------------------------------------------
// Public enums (same names and order as documented).
// ------------------------------------------------------------------------------------------------

// Quantization modes: what happens to bits below the least significant bit of the target.
enum ap_q_mode {
    AP_RND,          // round half towards plus infinity
    AP_RND_ZERO,     // round half towards zero
    AP_RND_MIN_INF,  // round half towards minus infinity
    AP_RND_INF,      // round half away from zero
    AP_RND_CONV,     // round half to even (convergent)
    AP_TRN,          // truncate towards minus infinity (default)
    AP_TRN_ZERO      // truncate towards zero
};

// Overflow modes: what happens when the value does not fit the target's integer bits.
enum ap_o_mode {
    AP_SAT,       // saturate to the minimum / maximum value
    AP_SAT_ZERO,  // set to zero
    AP_SAT_SYM,   // saturate symmetrically: +max or -max (0 for unsigned)
    AP_WRAP,      // keep the low W bits (default)
    AP_WRAP_SM    // sign-magnitude wrap (not supported by these headers)
};

template <int W, bool S> class ap_int_base;
template <int W> class ap_int;
template <int W> class ap_uint;
template <int W, int I, bool S = true, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_fixed_base;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> class ap_fixed;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> class ap_ufixed;
template <int W, bool S> class ap_bit_ref;
template <int W, bool S> class ap_range_ref;

namespace ap_detail {

typedef uint64_t limb;
typedef int64_t slimb;

// Double-limb arithmetic: with the compiler's 128-bit integers where it has them (64-bit targets),
// else from 32-bit halves (32-bit ARM, e.g. a Zynq-7000's Cortex-A9). HLS4ML_AP_NO_INT128 forces
// the portable path.
#if defined(__SIZEOF_INT128__) && !defined(HLS4ML_AP_NO_INT128)
#define HLS4ML_AP_INT128 1
__extension__ typedef unsigned __int128 ulimb2;
#endif

// hi:lo = a * b + c + d (never overflows 128 bits).
inline limb mul_add_add(limb a, limb b, limb c, limb d, limb* lo) {
#ifdef HLS4ML_AP_INT128
    const ulimb2 t = (ulimb2)a * b + c + d;
    *lo = (limb)t;
    return (limb)(t >> 64);
#else
    const limb a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    const limb p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const limb mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    limb l = (mid << 32) | (p00 & 0xffffffffu);
    limb h = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    l += c;
    h += l < c;
    l += d;
    h += l < d;
    *lo = l;
    return h;
#endif
}

// ------------------------------------------------------------------------------------------------
// Small compile-time helpers (C++11 has no if-constexpr / std::max as constexpr in all libraries).
// ------------------------------------------------------------------------------------------------

template <bool C, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { typedef T type; };

template <int A, int B> struct cmax { enum { value = A > B ? A : B }; };
template <int A, int B> struct cmin { enum { value = A < B ? A : B }; };

// Number of 64-bit limbs that hold W bits (W >= 1).
template <int W> struct nlimbs { enum { value = (W + 63) / 64 }; };

// ------------------------------------------------------------------------------------------------
// Algorithms on limb arrays. Lengths are in limbs; "normalized" is defined at the top of the file.
// ------------------------------------------------------------------------------------------------

// True when the normalized value is negative (only possible for signed types).
inline bool is_neg(const limb* v, int n, bool s) { return s && (slimb)v[n - 1] < 0; }

// Re-establish the normalization invariant for a W-bit value held in n limbs.
inline void normalize(limb* v, int n, int w, bool s) {
    const int top_bits = w - 64 * (n - 1);  // bits of the value in the top limb, 1..64
    if (top_bits < 64) {
        const limb mask = (limb(1) << top_bits) - 1;
        limb t = v[n - 1];
        if (s && ((t >> (top_bits - 1)) & 1))
            t |= ~mask;
        else
            t &= mask;
        v[n - 1] = t;
    }
}

// d[0..dn) = the value of the normalized s[0..sn) (of signedness ss), sign/zero extended or cut.
inline void extend(limb* d, int dn, const limb* s, int sn, bool ss) {
    const limb fill = is_neg(s, sn, ss) ? ~limb(0) : limb(0);
    for (int i = 0; i < dn; ++i) d[i] = i < sn ? s[i] : fill;
}

inline void set_zero(limb* d, int n) {
    for (int i = 0; i < n; ++i) d[i] = 0;
}

inline bool is_zero(const limb* v, int n) {
    for (int i = 0; i < n; ++i)
        if (v[i]) return false;
    return true;
}

// Sets a normalized W-bit value from a native integer.
inline void from_i64(limb* d, int n, int w, bool s, slimb x) {
    d[0] = (limb)x;
    for (int i = 1; i < n; ++i) d[i] = x < 0 ? ~limb(0) : 0;
    normalize(d, n, w, s);
}
inline void from_u64(limb* d, int n, int w, bool s, limb x) {
    d[0] = x;
    for (int i = 1; i < n; ++i) d[i] = 0;
    normalize(d, n, w, s);
}

// d = a + b (mod 2^(64n)); d may alias a or b.
inline void add_n(limb* d, const limb* a, const limb* b, int n) {
    limb carry = 0;
    for (int i = 0; i < n; ++i) {
        const limb x = a[i], y = b[i];
        const limb t = x + y;
        const limb c1 = t < x;
        d[i] = t + carry;
        carry = c1 | (d[i] < t);
    }
}

// d = a - b (mod 2^(64n)); d may alias a or b.
inline void sub_n(limb* d, const limb* a, const limb* b, int n) {
    limb borrow = 0;
    for (int i = 0; i < n; ++i) {
        const limb x = a[i], y = b[i];
        const limb t = x - y;
        const limb b1 = x < y;
        d[i] = t - borrow;
        borrow = b1 | (t < borrow);
    }
}

// d = -a (mod 2^(64n)); d may alias a.
inline void neg_n(limb* d, const limb* a, int n) {
    limb carry = 1;
    for (int i = 0; i < n; ++i) {
        const limb t = ~a[i] + carry;
        carry = carry && t == 0;
        d[i] = t;
    }
}

// d += 1 (mod 2^(64n)).
inline void inc_n(limb* d, int n) {
    for (int i = 0; i < n; ++i)
        if (++d[i] != 0) break;
}

// d = a * b (mod 2^(64n)). Two's complement makes this right for signed operands too, provided
// both were sign-extended to n limbs. d must not alias a or b.
inline void mul_n(limb* d, const limb* a, const limb* b, int n) {
    set_zero(d, n);
    for (int i = 0; i < n; ++i) {
        if (a[i] == 0) continue;
        limb carry = 0;
        for (int j = 0; i + j < n; ++j) {
            limb lo;
            carry = mul_add_add(a[i], b[j], d[i + j], carry, &lo);
            d[i + j] = lo;
        }
    }
}

// d = a << sh (sh >= 0), bits beyond 64n dropped; d may alias a.
inline void shl_n(limb* d, const limb* a, int n, int sh) {
    const int ws = sh / 64, bs = sh % 64;
    for (int i = n - 1; i >= 0; --i) {
        const int j = i - ws;
        limb x = j >= 0 ? a[j] << bs : 0;
        if (bs && j - 1 >= 0) x |= a[j - 1] >> (64 - bs);
        d[i] = x;
    }
}

// d = a >> sh (sh >= 0), arithmetic (copies of the top bit come in) when `arith`; d may alias a.
inline void shr_n(limb* d, const limb* a, int n, int sh, bool arith) {
    const limb fill = (arith && (slimb)a[n - 1] < 0) ? ~limb(0) : 0;
    const int ws = sh / 64, bs = sh % 64;
    for (int i = 0; i < n; ++i) {
        const int j = i + ws;
        const limb lo = j < n ? a[j] : fill;
        const limb hi = j + 1 < n ? a[j + 1] : fill;
        d[i] = bs ? (lo >> bs) | (hi << (64 - bs)) : lo;
    }
}

// Three-way comparison of two n-limb numbers, as signed two's complement or as unsigned.
inline int cmp_n(const limb* a, const limb* b, int n, bool sgn) {
    if (sgn) {
        const slimb x = (slimb)a[n - 1], y = (slimb)b[n - 1];
        if (x != y) return x < y ? -1 : 1;
    } else if (a[n - 1] != b[n - 1]) {
        return a[n - 1] < b[n - 1] ? -1 : 1;
    }
    for (int i = n - 2; i >= 0; --i)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

inline bool get_bit(const limb* v, int pos) { return (v[pos / 64] >> (pos % 64)) & 1; }
inline void put_bit(limb* v, int pos, bool b) {
    const limb m = limb(1) << (pos % 64);
    if (b)
        v[pos / 64] |= m;
    else
        v[pos / 64] &= ~m;
}

// Index of the highest set bit, -1 for zero.
inline int top_bit(const limb* v, int n) {
    for (int i = n - 1; i >= 0; --i)
        if (v[i]) return 64 * i + 63 - __builtin_clzll(v[i]);
    return -1;
}

// True when every bit of v at position >= pos equals b (v is n limbs; pos may exceed 64n).
inline bool bits_from_equal(const limb* v, int n, int pos, bool b) {
    if (pos >= 64 * n) return true;
    const limb want = b ? ~limb(0) : 0;
    int i = pos / 64;
    const limb m = ~limb(0) << (pos % 64);
    if ((v[i] & m) != (want & m)) return false;
    for (++i; i < n; ++i)
        if (v[i] != want) return false;
    return true;
}

// True when any bit of v at a position < pos is set (pos <= 64n).
inline bool any_below(const limb* v, int pos) {
    int i = 0;
    for (; 64 * (i + 1) <= pos; ++i)
        if (v[i]) return true;
    if (pos % 64) return (v[i] & ((limb(1) << (pos % 64)) - 1)) != 0;
    return false;
}

// Unsigned division of n-limb numbers: q = a / b, r = a % b. b must be non-zero.
// q and r must not alias a or b.
inline void udivrem_n(limb* q, limb* r, const limb* a, const limb* b, int n) {
    if (n == 1) {
        q[0] = a[0] / b[0];
        r[0] = a[0] % b[0];
        return;
    }
#ifdef HLS4ML_AP_INT128
    if (n == 2) {
        const ulimb2 x = ((ulimb2)a[1] << 64) | a[0], y = ((ulimb2)b[1] << 64) | b[0];
        const ulimb2 qq = x / y, rr = x % y;
        q[0] = (limb)qq, q[1] = (limb)(qq >> 64);
        r[0] = (limb)rr, r[1] = (limb)(rr >> 64);
        return;
    }
#endif
    // Wider: restoring shift-and-subtract, one quotient bit per step (rarely used).
    set_zero(q, n);
    set_zero(r, n);
    for (int bit = top_bit(a, n); bit >= 0; --bit) {
        shl_n(r, r, n, 1);
        r[0] |= (limb)get_bit(a, bit);
        if (cmp_n(r, b, n, false) >= 0) {
            sub_n(r, r, b, n);
            put_bit(q, bit, true);
        }
    }
}

// Signed (two's complement, n limbs) division truncating towards zero, as in C:
// q = a / b, r = a % b (r has the sign of a). scratch: 2n limbs. A zero divisor gives q = r = 0.
inline void sdivrem_n(limb* q, limb* r, const limb* a, const limb* b, int n, limb* scratch) {
    if (is_zero(b, n)) {
        set_zero(q, n);
        set_zero(r, n);
        return;
    }
    limb* ma = scratch;
    limb* mb = scratch + n;
    const bool na = (slimb)a[n - 1] < 0, nb = (slimb)b[n - 1] < 0;
    if (na)
        neg_n(ma, a, n);
    else
        extend(ma, n, a, n, false);
    if (nb)
        neg_n(mb, b, n);
    else
        extend(mb, n, b, n, false);
    udivrem_n(q, r, ma, mb, n);
    if (na != nb) neg_n(q, q, n);
    if (na) neg_n(r, r, n);
}

// ------------------------------------------------------------------------------------------------
// Quantization and overflow: the one routine behind every assignment to an ap_fixed, and behind
// conversions from floating point.
//
// The source is the normalized two's complement integer src[0..sn) of signedness ss, scaled by
// 2^-sf. The target is a dw-bit integer of signedness ds scaled by 2^-df, written normalized to
// dst[0..nlimbs(dw)). tmp is scratch of at least sn + nlimbs(dw) + 2 limbs.
//
// Mathematically: T = floor(src * 2^(df - sf)) (exact), then T += 1 when the quantization mode
// asks for it given the dropped bits, then if T does not fit the target range the overflow mode
// decides the result. Shift distances beyond what can matter are clamped so that the scratch
// buffer stays small (a double's exponent can ask for a shift of a thousand bits).
// ------------------------------------------------------------------------------------------------
inline void quantize(limb* dst, int dw, bool ds, int df, int q, int o, const limb* src, int sn,
                     bool ss, int sf, limb* tmp) {
    const int dn = (dw + 63) / 64;
    const int tn = sn + dn + 2;
    const bool neg = is_neg(src, sn, ss);
    extend(tmp, tn, src, sn, ss);
    int d = sf - df;  // > 0: bits to drop; < 0: bits to append
    bool inc = false;
    if (d > 0) {
        // Past 64*sn+1 dropped bits the truncated value is 0 or -1 and the dropped part is
        // "below half" (positive) or "above half" (negative) whatever the exact distance.
        if (d > 64 * sn + 1) d = 64 * sn + 1;
        const bool qb = get_bit(tmp, d - 1);  // first dropped bit (weight: half an LSB)
        const bool r = any_below(tmp, d - 1);  // any further dropped bit set
        shr_n(tmp, tmp, tn, d, true);
        const bool lsb = tmp[0] & 1;
        switch (q) {
            case AP_RND: inc = qb; break;
            case AP_RND_ZERO: inc = qb && (neg || r); break;
            case AP_RND_MIN_INF: inc = qb && r; break;
            case AP_RND_INF: inc = qb && (!neg || r); break;
            case AP_RND_CONV: inc = qb && (lsb || r); break;
            case AP_TRN_ZERO: inc = neg && (qb || r); break;
            default: break;  // AP_TRN
        }
        if (inc) inc_n(tmp, tn);
    } else if (d < 0) {
        // Shifting a non-zero value left by dw bits or more always overflows and leaves the low
        // dw bits zero, so any larger shift behaves the same.
        int k = -d;
        if (k > dw) k = dw;
        shl_n(tmp, tmp, tn, k);
    }
    // tmp now holds the exact (rounded) value as a signed tn-limb number.
    const bool tneg = (slimb)tmp[tn - 1] < 0;
    const bool fits = ds ? bits_from_equal(tmp, tn, dw - 1, tneg)
                         : (!tneg && bits_from_equal(tmp, tn, dw, false));
    if (fits || o == AP_WRAP || o == AP_WRAP_SM) {
        for (int i = 0; i < dn; ++i) dst[i] = tmp[i];
        normalize(dst, dn, dw, ds);
        // Symmetric saturation excludes the most negative value (except for 1-bit types, whose
        // only negative value is kept).
        if (o == AP_SAT_SYM && ds && dw >= 2 && tneg && get_bit(dst, dw - 1) &&
            !any_below(dst, dw - 1))
            inc_n(dst, dn);
        return;
    }
    // Saturating modes.
    if (o == AP_SAT_ZERO || (tneg && !ds)) {
        set_zero(dst, dn);
        return;
    }
    if (tneg) {
        // Negative overflow of a signed target: the minimum (AP_SAT) or minus the maximum.
        set_zero(dst, dn);
        put_bit(dst, dw - 1, true);
        normalize(dst, dn, dw, true);
        if (o == AP_SAT_SYM && dw >= 2) inc_n(dst, dn);
        return;
    }
    // Positive overflow: the maximum, all ones below the sign bit (signed) or everywhere.
    for (int i = 0; i < dn; ++i) dst[i] = ~limb(0);
    normalize(dst, dn, ds ? dw - 1 : dw, false);  // (a width of 0 in the top limb is fine here)
}

// Decomposes a double into an integer mantissa and a binary exponent: x = m * 2^e exactly.
// Infinities are mapped to a huge power of two with the right sign, NaN to zero.
inline void split_double(double x, slimb& m, int& e) {
    uint64_t b;
    __builtin_memcpy(&b, &x, sizeof b);
    const bool neg = b >> 63;
    const int ex = (int)((b >> 52) & 0x7ff);
    uint64_t frac = b & ((uint64_t(1) << 52) - 1);
    if (ex == 0x7ff) {
        m = frac ? 0 : (neg ? -1 : 1);
        e = frac ? 0 : 4096;
        return;
    }
    if (ex == 0) {
        e = -1074;  // subnormal (or zero)
    } else {
        frac |= uint64_t(1) << 52;
        e = ex - 1075;
    }
    m = neg ? -(slimb)frac : (slimb)frac;
}

// Converts the normalized value v[0..n) of signedness s, scaled by 2^-frac, to the nearest double
// (ties to even). scratch: n limbs.
inline double to_double(const limb* v, int n, bool s, int frac, limb* scratch) {
    const bool neg = is_neg(v, n, s);
    if (neg)
        neg_n(scratch, v, n);
    else
        extend(scratch, n, v, n, false);
    const int tb = top_bit(scratch, n);
    if (tb < 0) return 0.0;
    double r;
    if (tb < 64) {
        r = (double)scratch[0];
    } else {
        // Keep the top 64 bits; fold everything below into a sticky bit so that the hardware
        // conversion rounds exactly as if all bits were present.
        const int lo = tb - 63;
        limb top = (scratch[lo / 64] >> (lo % 64));
        if (lo % 64) top |= scratch[lo / 64 + 1] << (64 - lo % 64);
        if (any_below(scratch, lo)) top |= 1;
        r = __builtin_ldexp((double)top, lo);
    }
    r = __builtin_ldexp(r, -frac);
    return neg ? -r : r;
}

// ------------------------------------------------------------------------------------------------
// Operand traits: every type that may appear beside an ap type in an expression, described as a
// fixed-point format (W, I, S). C integer types behave as ap_int of their own width.
// ------------------------------------------------------------------------------------------------
template <class T> struct traits {
    enum { ok = 0, is_ap = 0, is_fixed = 0, w = 1, i = 1, s = 0 };
    typedef ap_int_base<1, false> canon;  // never used
};

#define AP_DETAIL_CINT_TRAITS(T, W, S)                                  \
    template <> struct traits<T> {                                      \
        enum { ok = 1, is_ap = 0, is_fixed = 0, w = W, i = W, s = S }; \
        typedef ap_int_base<W, S> canon;                                \
    };
AP_DETAIL_CINT_TRAITS(bool, 1, false)
AP_DETAIL_CINT_TRAITS(char, 8, ((char)-1 < 0))
AP_DETAIL_CINT_TRAITS(signed char, 8, true)
AP_DETAIL_CINT_TRAITS(unsigned char, 8, false)
AP_DETAIL_CINT_TRAITS(short, 8 * sizeof(short), true)
AP_DETAIL_CINT_TRAITS(unsigned short, 8 * sizeof(short), false)
AP_DETAIL_CINT_TRAITS(int, 8 * sizeof(int), true)
AP_DETAIL_CINT_TRAITS(unsigned int, 8 * sizeof(int), false)
AP_DETAIL_CINT_TRAITS(long, 8 * sizeof(long), true)
AP_DETAIL_CINT_TRAITS(unsigned long, 8 * sizeof(long), false)
AP_DETAIL_CINT_TRAITS(long long, 8 * sizeof(long long), true)
AP_DETAIL_CINT_TRAITS(unsigned long long, 8 * sizeof(long long), false)
#undef AP_DETAIL_CINT_TRAITS

template <int W, bool S> struct traits<ap_int_base<W, S> > {
    enum { ok = 1, is_ap = 1, is_fixed = 0, w = W, i = W, s = S };
    typedef ap_int_base<W, S> canon;
};
template <int W> struct traits<ap_int<W> > : traits<ap_int_base<W, true> > {};
template <int W> struct traits<ap_uint<W> > : traits<ap_int_base<W, false> > {};
template <int W, bool S> struct traits<ap_range_ref<W, S> > : traits<ap_int_base<W, false> > {};
template <int W, bool S> struct traits<ap_bit_ref<W, S> > : traits<ap_int_base<1, false> > {};

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct traits<ap_fixed_base<W, I, S, Q, O, N> > {
    enum { ok = 1, is_ap = 1, is_fixed = 1, w = W, i = I, s = S };
    typedef ap_fixed_base<W, I, S, Q, O, N> canon;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct traits<ap_fixed<W, I, Q, O, N> > : traits<ap_fixed_base<W, I, true, Q, O, N> > {};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct traits<ap_ufixed<W, I, Q, O, N> > : traits<ap_fixed_base<W, I, false, Q, O, N> > {};

// The result type of an operation: an ap_int_base when both operands are integers, otherwise an
// ap_fixed_base with the default modes.
template <int W, int I, bool S, bool FIXED> struct make_type {
    typedef ap_fixed_base<W, I, S, AP_TRN, AP_WRAP, 0> type;
};
template <int W, int I, bool S> struct make_type<W, I, S, false> { typedef ap_int_base<W, S> type; };

// Full-precision result formats of the binary operators (an integer is a fixed-point number with
// I == W). An unsigned operand mixed with a signed one needs one more integer bit to stay exact.
template <class A, class B> struct binop {
    typedef traits<A> TA;
    typedef traits<B> TB;
    enum {
        ok = TA::ok && TB::ok && (TA::is_ap || TB::is_ap),
        fixed = TA::is_fixed || TB::is_fixed,
        int_only = ok && !fixed,
        ap_left = ok && TA::is_ap,           // left operand is an ap type
        int_only_ap_left = int_only && TA::is_ap,
        c_left = ok && !TA::is_ap,           // left operand is a C integer
        W1 = TA::w, I1 = TA::i, S1 = TA::s, F1 = W1 - I1,
        W2 = TB::w, I2 = TB::i, S2 = TB::s, F2 = W2 - I2,
        F = cmax<F1, F2>::value,
        IA = I1 + (S2 && !S1), IB = I2 + (S1 && !S2),
        plus_i = cmax<IA, IB>::value + 1,
        plus_w = plus_i + F,
        plus_s = S1 || S2,
        mult_w = W1 + W2, mult_i = I1 + I2, mult_s = S1 || S2,
        div_w = W1 + cmax<F2, 0>::value + S2, div_i = I1 + F2 + S2, div_s = S1 || S2,
        // integer-only operators
        mod_w = cmin<W1, W2 + (S1 && !S2)>::value,
        logic_w = cmax<W1 + (S2 && !S1), W2 + (S1 && !S2)>::value, logic_s = S1 || S2,
        // comparison: a signed format holding both values exactly
        cmp_w = cmax<IA, IB>::value + 1 + F
    };
    typedef typename make_type<plus_w, plus_i, plus_s, fixed>::type plus;
    typedef typename make_type<plus_w, plus_i, true, fixed>::type minus;
    typedef typename make_type<mult_w, mult_i, mult_s, fixed>::type mult;
    typedef typename make_type<div_w, div_i, div_s, fixed>::type div;
    typedef ap_int_base<mod_w, S1> mod;
    typedef ap_int_base<logic_w, logic_s> logic;
};

// Writes the value of the normalized src (sn limbs, signedness ss) shifted left by sh bits into the
// n-limb buffer d, as an exact signed number.
inline void load_shifted(limb* d, int n, const limb* src, int sn, bool ss, int sh) {
    extend(d, n, src, sn, ss);
    if (sh) shl_n(d, d, n, sh);
}

// An integer operand (C integer, ap_int, ap_uint, bit or range reference): usable as a shift
// distance.
template <class T> struct is_int_operand { enum { value = traits<T>::ok && !traits<T>::is_fixed }; };

// The C integer type an ap_int_base converts to implicitly.
template <bool S> struct select_c_int { typedef long long type; };
template <> struct select_c_int<false> { typedef unsigned long long type; };

// The right operand of a compound assignment into an X (see AP_DETAIL_COMPOUND): unchanged, except
// that a fixed-point operand assigned into an integer contributes its integer part.
template <class X, class T>
inline typename enable_if<!(traits<X>::is_fixed == 0 && traits<T>::is_fixed), const T&>::type
compound_operand(const T& y) {
    return y;
}
template <class X, class T>
inline typename enable_if<traits<X>::is_fixed == 0 && traits<T>::is_fixed,
                          ap_int_base<cmax<traits<T>::i, 1>::value, traits<T>::s> >::type
compound_operand(const T& y) {
    const typename traits<T>::canon& c = y;
    return c.to_ap_int_base();
}

// Shift distance given by a C integer or an ap integer (negative: shift the other way),
// clamped to +-2^30: any larger distance already shifts every bit out.
template <class T> long long shift_distance(const T& x);

// Decimal text to double (used for ap_fixed string constructors).
inline double parse_double(const char* s) { return strtod(s, 0); }

}  // namespace ap_detail


// ------------------------------------------------------------------------------------------------
// Bit and range references: the proxies returned by x[i], x.bit(i), x.range(hi, lo) and x(hi, lo)
// of an ap_int or ap_fixed of W bits and signedness S. They address its limbs directly (raw bits,
// also for ap_fixed) and restore its normalization after every write.
// ------------------------------------------------------------------------------------------------
template <int W, bool S> class ap_bit_ref {
   public:
    ap_bit_ref(ap_detail::limb* v, int pos) : v_(v), pos_(pos) {}
    operator bool() const { return ap_detail::get_bit(v_, pos_); }
    bool to_bool() const { return ap_detail::get_bit(v_, pos_); }
    bool get() const { return to_bool(); }
    int length() const { return 1; }
    bool operator~() const { return !to_bool(); }
    bool operator!() const { return !to_bool(); }

    ap_bit_ref& operator=(bool b) {
        ap_detail::put_bit(v_, pos_, b);
        ap_detail::normalize(v_, ap_detail::nlimbs<W>::value, W, S);
        return *this;
    }
    // An integer assigned to a bit sets it when non-zero.
    ap_bit_ref& operator=(int x) { return *this = x != 0; }
    ap_bit_ref& operator=(unsigned x) { return *this = x != 0; }
    ap_bit_ref& operator=(long x) { return *this = x != 0; }
    ap_bit_ref& operator=(unsigned long x) { return *this = x != 0; }
    ap_bit_ref& operator=(long long x) { return *this = x != 0; }
    ap_bit_ref& operator=(unsigned long long x) { return *this = x != 0; }
    ap_bit_ref& operator=(const ap_bit_ref& o) { return *this = o.to_bool(); }
    template <int W2, bool S2> ap_bit_ref& operator=(const ap_bit_ref<W2, S2>& o) {
        return *this = o.to_bool();
    }
    template <int W2, bool S2> ap_bit_ref& operator=(const ap_int_base<W2, S2>& o) {
        return *this = o.to_bool();
    }

   private:
    ap_detail::limb* v_;
    int pos_;
};

template <int W, bool S> class ap_range_ref {
   public:
    // in_fixed: the referenced object is an ap_fixed (this changes what assigning an ap_fixed
    // to the range means, see below).
    ap_range_ref(ap_detail::limb* v, int hi, int lo, bool in_fixed = false)
        : v_(v), hi_(hi), lo_(lo), in_fixed_(in_fixed) {}

    // The selected bits as an unsigned W-bit value (in reverse order when hi < lo).
    ap_int_base<W, false> get() const;
    // Replaces the selected bits by the low bits of val (sign-extended if val is narrower).
    template <int W2, bool S2> void set(const ap_int_base<W2, S2>& val);

    int length() const { return (hi_ >= lo_ ? hi_ - lo_ : lo_ - hi_) + 1; }
    operator unsigned long long() const { return to_uint64(); }
    int to_int() const { return get().to_int(); }
    unsigned to_uint() const { return get().to_uint(); }
    long to_long() const { return get().to_long(); }
    unsigned long to_ulong() const { return get().to_ulong(); }
    long long to_int64() const { return get().to_int64(); }
    unsigned long long to_uint64() const { return get().to_uint64(); }
    bool and_reduce() const;
    bool or_reduce() const { return get().to_bool(); }
    bool xor_reduce() const { return get().xor_reduce(); }

    ap_range_ref& operator=(const ap_range_ref& o) {
        set(o.get());
        return *this;
    }
    template <int W2, bool S2> ap_range_ref& operator=(const ap_range_ref<W2, S2>& o) {
        set(o.get());
        return *this;
    }
    template <int W2, bool S2> ap_range_ref& operator=(const ap_int_base<W2, S2>& o) {
        set(o);
        return *this;
    }
    // An ap_fixed contributes its raw bits to a range of an ap_fixed, and its integer part
    // (truncated towards zero) to a range of an ap_int, as in the vendor library.
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
    ap_range_ref& operator=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o);
    template <int W2, bool S2> ap_range_ref& operator=(const ap_bit_ref<W2, S2>& o);
    ap_range_ref& operator=(bool x) { return set_i(x); }
    ap_range_ref& operator=(char x) { return set_i(x); }
    ap_range_ref& operator=(signed char x) { return set_i(x); }
    ap_range_ref& operator=(unsigned char x) { return set_i(x); }
    ap_range_ref& operator=(short x) { return set_i(x); }
    ap_range_ref& operator=(unsigned short x) { return set_i(x); }
    ap_range_ref& operator=(int x) { return set_i(x); }
    ap_range_ref& operator=(unsigned x) { return set_i(x); }
    ap_range_ref& operator=(long x) { return set_i(x); }
    ap_range_ref& operator=(unsigned long x) { return set_i(x); }
    ap_range_ref& operator=(long long x) { return set_i(x); }
    ap_range_ref& operator=(unsigned long long x) { return set_i(x); }

   private:
    template <class T> ap_range_ref& set_i(T x);
    ap_detail::limb* v_;
    int hi_, lo_;
    bool in_fixed_;
};

// ------------------------------------------------------------------------------------------------
// Constructors from C scalars, shared by the four class templates through this macro.
// INIT(x) is how the class stores a long long / unsigned long long / double.
// ------------------------------------------------------------------------------------------------
#define AP_DETAIL_SCALAR_CTORS(CLASS, SETI, SETU, SETD)     \
    CLASS(bool x) { SETU((unsigned long long)x); }           \
    CLASS(char x) { SETI((long long)x); }                    \
    CLASS(signed char x) { SETI((long long)x); }             \
    CLASS(unsigned char x) { SETU((unsigned long long)x); }  \
    CLASS(short x) { SETI((long long)x); }                   \
    CLASS(unsigned short x) { SETU((unsigned long long)x); } \
    CLASS(int x) { SETI((long long)x); }                     \
    CLASS(unsigned int x) { SETU((unsigned long long)x); }   \
    CLASS(long x) { SETI((long long)x); }                    \
    CLASS(unsigned long x) { SETU((unsigned long long)x); }  \
    CLASS(long long x) { SETI(x); }                          \
    CLASS(unsigned long long x) { SETU(x); }                 \
    CLASS(float x) { SETD((double)x); }                      \
    CLASS(double x) { SETD(x); }

// The same constructors in a derived class, forwarded to its base.
#define AP_DETAIL_FORWARD_CTORS(CLASS)                                                      \
    CLASS(bool x) : Base(x) {}                                                              \
    CLASS(char x) : Base(x) {}                                                              \
    CLASS(signed char x) : Base(x) {}                                                       \
    CLASS(unsigned char x) : Base(x) {}                                                     \
    CLASS(short x) : Base(x) {}                                                             \
    CLASS(unsigned short x) : Base(x) {}                                                    \
    CLASS(int x) : Base(x) {}                                                               \
    CLASS(unsigned int x) : Base(x) {}                                                      \
    CLASS(long x) : Base(x) {}                                                              \
    CLASS(unsigned long x) : Base(x) {}                                                     \
    CLASS(long long x) : Base(x) {}                                                         \
    CLASS(unsigned long long x) : Base(x) {}                                                \
    CLASS(float x) : Base(x) {}                                                             \
    CLASS(double x) : Base(x) {}                                                            \
    CLASS(const char* str) : Base(str) {}                                                   \
    CLASS(const char* str, signed char radix) : Base(str, radix) {}                         \
    template <int W2, bool S2> CLASS(const ap_int_base<W2, S2>& o) : Base(o) {}             \
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>                  \
    CLASS(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) : Base(o) {}                      \
    template <int W2, bool S2> CLASS(const ap_range_ref<W2, S2>& o) : Base(o) {}            \
    template <int W2, bool S2> CLASS(const ap_bit_ref<W2, S2>& o) : Base(o) {}

// Compound assignments shared by ap_int_base and ap_fixed_base: x op= y is x = x op y, the
// full-precision result being converted back to the type of x. When x is an integer and y is
// fixed point, y is first truncated (towards zero) to its integer part, as the vendor library
// does.
#define AP_DETAIL_COMPOUND(CLASS, OP)                                                           \
    template <class T>                                                                         \
    typename ap_detail::enable_if<ap_detail::traits<T>::ok, CLASS&>::type operator OP##=(      \
        const T& y) {                                                                          \
        *this = *this OP ap_detail::compound_operand<CLASS>(y);                                \
        return *this;                                                                          \
    }

// ------------------------------------------------------------------------------------------------
// ap_int_base<W, S>: W-bit two's complement (S) or unsigned (!S) integer.
// ------------------------------------------------------------------------------------------------
template <int W, bool S> class ap_int_base {
    static_assert(W >= 1, "ap_int needs at least one bit");

   public:
    enum { NL = ap_detail::nlimbs<W>::value, F = 0 };
    static const int width = W;
    static const bool sign_flag = S;

    ap_detail::limb bits_[NL];  // normalized value (see the top of this file)

    ap_int_base() { ap_detail::set_zero(bits_, NL); }
    template <int W2, bool S2> ap_int_base(const ap_int_base<W2, S2>& o) {
        ap_detail::extend(bits_, NL, o.bits_, ap_int_base<W2, S2>::NL, S2);
        ap_detail::normalize(bits_, NL, W, S);
    }
    // From fixed point: the integer part, truncated towards zero, then wrapped to W bits.
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
    ap_int_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
        const int SN = ap_fixed_base<W2, I2, S2, Q2, O2, N2>::NL;
        ap_detail::limb tmp[SN + NL + 2];
        ap_detail::quantize(bits_, W, S, 0, AP_TRN_ZERO, AP_WRAP, o.bits_, SN, S2, W2 - I2, tmp);
    }
    template <int W2, bool S2> ap_int_base(const ap_range_ref<W2, S2>& r) { *this = r.get(); }
    template <int W2, bool S2> ap_int_base(const ap_bit_ref<W2, S2>& b) {
        set_u64((unsigned long long)b.to_bool());
    }
    AP_DETAIL_SCALAR_CTORS(ap_int_base, set_i64, set_u64, set_double)
    ap_int_base(const char* str) { set_string(str, 0); }
    ap_int_base(const char* str, signed char radix) { set_string(str, radix); }

    // -- raw setters used by the constructors -------------------------------------------------
    void set_i64(long long x) { ap_detail::from_i64(bits_, NL, W, S, x); }
    void set_u64(unsigned long long x) { ap_detail::from_u64(bits_, NL, W, S, x); }
    // A floating point value is truncated towards zero and wrapped to W bits. (One exception,
    // kept for agreement with the vendor library: a negative value above -0.5 gives 1.)
    void set_double(double x) {
        if (x < 0 && x > -0.5) {
            set_u64(1);
            return;
        }
        ap_detail::slimb m;
        int e;
        ap_detail::split_double(x, m, e);
        ap_detail::limb src[1] = {(ap_detail::limb)m};
        ap_detail::limb tmp[1 + NL + 2];
        ap_detail::quantize(bits_, W, S, 0, AP_TRN_ZERO, AP_WRAP, src, 1, true, -e, tmp);
    }
    // Digits in the given radix (2, 8, 10 or 16; 0: from a 0b / 0o / 0x prefix, else 10),
    // optionally signed, wrapped to W bits.
    void set_string(const char* str, int radix);

    // -- conversions ---------------------------------------------------------------------------
    int to_int() const { return (int)bits_[0]; }
    unsigned to_uint() const { return (unsigned)bits_[0]; }
    long to_long() const { return (long)bits_[0]; }
    unsigned long to_ulong() const { return (unsigned long)bits_[0]; }
    long long to_int64() const { return (long long)bits_[0]; }
    unsigned long long to_uint64() const { return (unsigned long long)bits_[0]; }
    bool to_bool() const { return !ap_detail::is_zero(bits_, NL); }
    // Nearest double. As in the vendor library, an integer wider than 64 bits converts only its
    // low 64 bits (read with the signedness of the type).
    double to_double() const {
        if (W > 64) return S ? (double)(ap_detail::slimb)bits_[0] : (double)bits_[0];
        ap_detail::limb scratch[NL];
        return ap_detail::to_double(bits_, NL, S, 0, scratch);
    }
    float to_float() const { return (float)to_double(); }
    // Implicit conversion to a 64-bit C integer of the same signedness (wider values are cut).
    operator typename ap_detail::select_c_int<S>::type() const {
        return (typename ap_detail::select_c_int<S>::type)bits_[0];
    }

    // -- bit access ----------------------------------------------------------------------------
    int length() const { return W; }
    ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(bits_, i); }
    bool operator[](int i) const { return ap_detail::get_bit(bits_, i); }
    template <int W2, bool S2> ap_bit_ref<W, S> operator[](const ap_int_base<W2, S2>& i) {
        return (*this)[i.to_int()];
    }
    template <int W2, bool S2> bool operator[](const ap_int_base<W2, S2>& i) const {
        return (*this)[i.to_int()];
    }
    ap_bit_ref<W, S> bit(int i) { return ap_bit_ref<W, S>(bits_, i); }
    bool bit(int i) const { return ap_detail::get_bit(bits_, i); }
    bool get_bit(int i) const { return ap_detail::get_bit(bits_, i); }
    void set_bit(int i, bool b) { ap_bit_ref<W, S>(bits_, i) = b; }
    void set(int i) { set_bit(i, true); }
    void clear(int i) { set_bit(i, false); }
    void invert(int i) { set_bit(i, !get_bit(i)); }
    // Range selection; on a const object the reference must only be read.
    ap_range_ref<W, S> range(int hi, int lo) const {
        return ap_range_ref<W, S>(const_cast<ap_detail::limb*>(bits_), hi, lo);
    }
    ap_range_ref<W, S> range() const { return range(W - 1, 0); }
    ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }

    // -- reductions and queries ----------------------------------------------------------------
    bool and_reduce() const {
        ap_int_base<W, false> u(*this);
        return (~u).iszero();
    }
    bool or_reduce() const { return to_bool(); }
    // Parity of the bits. As in the vendor library, a signed value of at most 64 bits counts
    // the copies of its sign bit up to bit 63 as well.
    bool xor_reduce() const {
        if (S && W <= 64) return __builtin_parityll(bits_[0]);
        ap_int_base<W, false> u(*this);
        ap_detail::limb x = 0;
        for (int i = 0; i < NL; ++i) x ^= u.bits_[i];
        return __builtin_parityll(x);
    }
    bool nand_reduce() const { return !and_reduce(); }
    bool nor_reduce() const { return !or_reduce(); }
    bool xnor_reduce() const { return !xor_reduce(); }
    bool iszero() const { return !to_bool(); }
    bool is_zero() const { return !to_bool(); }
    bool sign() const { return ap_detail::is_neg(bits_, NL, S); }
    int countLeadingZeros() const {
        ap_int_base<W, false> u(*this);
        return W - 1 - ap_detail::top_bit(u.bits_, NL);
    }
    void reverse() {
        ap_int_base r;
        for (int i = 0; i < W; ++i) ap_detail::put_bit(r.bits_, W - 1 - i, get_bit(i));
        ap_detail::normalize(r.bits_, NL, W, S);
        *this = r;
    }
    // Radix 10: exact decimal. Radix 2, 8, 16: a prefix (0b, 0o, 0x) and the magnitude, with a
    // leading '-' when negative (formats other than radix 10 are not meant to match byte for byte
    // any other implementation).
    std::string to_string(int radix = 2, bool sign = S) const;

    // -- unary operators -----------------------------------------------------------------------
    ap_int_base operator+() const { return *this; }
    // The result has the type of 0 - x with 0 an ap_uint<1> (W + 1 bits, 3 for a 1-bit ap_int).
    typename ap_detail::binop<ap_int_base<1, false>, ap_int_base>::minus operator-() const {
        typedef typename ap_detail::binop<ap_int_base<1, false>, ap_int_base>::minus R;
        R r(*this);
        ap_detail::neg_n(r.bits_, r.bits_, R::NL);
        ap_detail::normalize(r.bits_, R::NL, R::width, true);
        return r;
    }
    ap_int_base operator~() const {
        ap_int_base r;
        for (int i = 0; i < NL; ++i) r.bits_[i] = ~bits_[i];
        ap_detail::normalize(r.bits_, NL, W, S);
        return r;
    }
    bool operator!() const { return !to_bool(); }

    // -- increment / decrement (wrap) ----------------------------------------------------------
    ap_int_base& operator++() {
        ap_detail::inc_n(bits_, NL);
        ap_detail::normalize(bits_, NL, W, S);
        return *this;
    }
    ap_int_base& operator--() {
        for (int i = 0; i < NL; ++i)
            if (bits_[i]-- != 0) break;
        ap_detail::normalize(bits_, NL, W, S);
        return *this;
    }
    ap_int_base operator++(int) {
        ap_int_base old(*this);
        ++*this;
        return old;
    }
    ap_int_base operator--(int) {
        ap_int_base old(*this);
        --*this;
        return old;
    }

    // -- compound assignments ------------------------------------------------------------------
    AP_DETAIL_COMPOUND(ap_int_base, +)
    AP_DETAIL_COMPOUND(ap_int_base, -)
    AP_DETAIL_COMPOUND(ap_int_base, *)
    AP_DETAIL_COMPOUND(ap_int_base, /)
    AP_DETAIL_COMPOUND(ap_int_base, %)
    AP_DETAIL_COMPOUND(ap_int_base, &)
    AP_DETAIL_COMPOUND(ap_int_base, |)
    AP_DETAIL_COMPOUND(ap_int_base, ^)
    template <class T>
    typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_int_base&>::type operator<<=(
        const T& sh) {
        shift_left(ap_detail::shift_distance(sh));
        return *this;
    }
    template <class T>
    typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_int_base&>::type operator>>=(
        const T& sh) {
        shift_right(ap_detail::shift_distance(sh));
        return *this;
    }

    // -- shifts in place on the W bits (a negative distance shifts the other way) --------------
    void shift_left(long long sh) {
        if (sh < 0) return shift_right(-sh);
        if (sh >= W) {
            ap_detail::set_zero(bits_, NL);
            return;
        }
        ap_detail::shl_n(bits_, bits_, NL, (int)sh);
        ap_detail::normalize(bits_, NL, W, S);
    }
    void shift_right(long long sh) {
        if (sh < 0) return shift_left(-sh);
        if (sh > 64 * NL) sh = 64 * NL;
        ap_detail::shr_n(bits_, bits_, NL, (int)sh, S);
    }
};

// ------------------------------------------------------------------------------------------------
// ap_fixed_base<W, I, S, Q, O, N>: W-bit integer (two's complement if S) scaled by 2^-(W-I).
// Construction from any other value applies quantization Q and overflow O of this type.
// ------------------------------------------------------------------------------------------------
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> class ap_fixed_base {
    static_assert(W >= 1, "ap_fixed needs at least one bit");
    static_assert(O != AP_WRAP_SM, "AP_WRAP_SM is not supported by the host headers");
    static_assert(O != AP_WRAP || N == 0, "AP_WRAP with saturation bits (N > 0) is not supported by the host headers");

   public:
    enum { NL = ap_detail::nlimbs<W>::value, F = W - I };
    static const int width = W;
    static const int iwidth = I;
    static const ap_q_mode qmode = Q;
    static const ap_o_mode omode = O;
    static const bool sign_flag = S;

    ap_detail::limb bits_[NL];  // normalized raw bits: the value times 2^F

    ap_fixed_base() { ap_detail::set_zero(bits_, NL); }
    template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
    ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
        assign_raw<ap_fixed_base<W2, I2, S2, Q2, O2, N2>::NL>(o.bits_, S2, W2 - I2);
    }
    template <int W2, bool S2> ap_fixed_base(const ap_int_base<W2, S2>& o) {
        assign_raw<ap_int_base<W2, S2>::NL>(o.bits_, S2, 0);
    }
    template <int W2, bool S2> ap_fixed_base(const ap_range_ref<W2, S2>& r) {
        const ap_int_base<W2, false> v = r.get();
        assign_raw<ap_int_base<W2, false>::NL>(v.bits_, false, 0);
    }
    template <int W2, bool S2> ap_fixed_base(const ap_bit_ref<W2, S2>& b) {
        set_u64((unsigned long long)b.to_bool());
    }
    AP_DETAIL_SCALAR_CTORS(ap_fixed_base, set_i64, set_u64, set_double)
    // A decimal string (as accepted by strtod), converted through double.
    ap_fixed_base(const char* str) { set_double(ap_detail::parse_double(str)); }
    ap_fixed_base(const char* str, signed char radix) {
        (void)radix;
        set_double(ap_detail::parse_double(str));
    }

    // Quantizes and saturates the value src * 2^-sf (SN limbs, normalized, signedness ss) into
    // this format.
    template <int SN> void assign_raw(const ap_detail::limb* src, bool ss, int sf) {
        if (SN == 1 && NL == 1 && fast_assign(src[0], ss, sf)) return;
        ap_detail::limb tmp[SN + NL + 2];
        ap_detail::quantize(bits_, W, S, F, Q, O, src, SN, ss, sf, tmp);
    }
    void set_i64(long long x) {
        const ap_detail::limb src[1] = {(ap_detail::limb)x};
        assign_raw<1>(src, true, 0);
    }
    void set_u64(unsigned long long x) {
        const ap_detail::limb src[2] = {(ap_detail::limb)x, 0};
        if ((long long)x >= 0)
            assign_raw<1>(src, true, 0);
        else
            assign_raw<2>(src, false, 0);
    }
    void set_double(double x) {
        ap_detail::slimb m;
        int e;
        ap_detail::split_double(x, m, e);
        const ap_detail::limb src[1] = {(ap_detail::limb)m};
        assign_raw<1>(src, true, -e);
    }

    // -- conversions ---------------------------------------------------------------------------
    double to_double() const {
        ap_detail::limb scratch[NL];
        return ap_detail::to_double(bits_, NL, S, F, scratch);
    }
    float to_float() const { return (float)to_double(); }
    // The integer part: truncated towards zero (c_native) or towards minus infinity.
    ap_int_base<ap_detail::cmax<I, 1>::value, S> to_ap_int_base(bool c_native = true) const {
        typedef ap_int_base<ap_detail::cmax<I, 1>::value, S> R;
        R r;
        ap_detail::limb tmp[NL + R::NL + 2];
        ap_detail::quantize(r.bits_, R::width, S, 0, c_native ? AP_TRN_ZERO : AP_TRN, AP_WRAP,
                            bits_, NL, S, F, tmp);
        return r;
    }
    int to_int() const { return (int)int64_part(); }
    unsigned to_uint() const { return (unsigned)int64_part(); }
    long to_long() const { return (long)int64_part(); }
    unsigned long to_ulong() const { return (unsigned long)int64_part(); }
    long long to_int64() const { return (long long)int64_part(); }
    unsigned long long to_uint64() const { return (unsigned long long)int64_part(); }
    bool to_bool() const { return !ap_detail::is_zero(bits_, NL); }

    // Implicit conversions to every C arithmetic type (integers: truncation towards zero).
    operator long double() const { return (long double)to_double(); }
    operator double() const { return to_double(); }
    operator float() const { return to_float(); }
    // (For more than 64 bits only the low 64 raw bits are tested, as in the vendor library.)
    operator bool() const { return W > 64 ? bits_[0] != 0 : to_bool(); }
    operator char() const { return (char)to_int(); }
    operator signed char() const { return (signed char)to_int(); }
    operator unsigned char() const { return (unsigned char)to_uint(); }
    operator short() const { return (short)to_int(); }
    operator unsigned short() const { return (unsigned short)to_uint(); }
    operator int() const { return to_int(); }
    operator unsigned int() const { return to_uint(); }
    operator long() const { return to_long(); }
    operator unsigned long() const { return to_ulong(); }
    operator long long() const { return to_int64(); }
    operator unsigned long long() const { return to_uint64(); }

    // -- bit access (on the raw bits) ----------------------------------------------------------
    int length() const { return W; }
    ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(bits_, i); }
    bool operator[](int i) const { return ap_detail::get_bit(bits_, i); }
    template <int W2, bool S2> ap_bit_ref<W, S> operator[](const ap_int_base<W2, S2>& i) {
        return (*this)[i.to_int()];
    }
    template <int W2, bool S2> bool operator[](const ap_int_base<W2, S2>& i) const {
        return (*this)[i.to_int()];
    }
    ap_bit_ref<W, S> bit(int i) { return ap_bit_ref<W, S>(bits_, i); }
    bool bit(int i) const { return ap_detail::get_bit(bits_, i); }
    bool get_bit(int i) const { return ap_detail::get_bit(bits_, i); }
    void set_bit(int i, bool b) { ap_bit_ref<W, S>(bits_, i) = b; }
    ap_range_ref<W, S> range(int hi, int lo) const {
        return ap_range_ref<W, S>(const_cast<ap_detail::limb*>(bits_), hi, lo, true);
    }
    ap_range_ref<W, S> range() const { return range(W - 1, 0); }
    ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }
    bool iszero() const { return !to_bool(); }
    bool is_zero() const { return !to_bool(); }
    bool sign() const { return ap_detail::is_neg(bits_, NL, S); }
    // Radix 10: the exact decimal value. Other radices: see ap_int_base::to_string.
    std::string to_string(int radix = 10, bool sign = S) const;

    // -- unary operators -----------------------------------------------------------------------
    ap_fixed_base operator+() const { return *this; }
    ap_fixed_base<W + 1, I + 1, true> operator-() const {
        typedef ap_fixed_base<W + 1, I + 1, true> R;
        R r;
        ap_detail::extend(r.bits_, R::NL, bits_, NL, S);
        ap_detail::neg_n(r.bits_, r.bits_, R::NL);
        ap_detail::normalize(r.bits_, R::NL, W + 1, true);
        return r;
    }
    ap_fixed_base operator~() const {
        ap_fixed_base r;
        for (int i = 0; i < NL; ++i) r.bits_[i] = ~bits_[i];
        ap_detail::normalize(r.bits_, NL, W, S);
        return r;
    }
    bool operator!() const { return !to_bool(); }

    // -- increment / decrement by one (with this type's quantization and overflow) -------------
    ap_fixed_base& operator++();
    ap_fixed_base& operator--();
    ap_fixed_base operator++(int) {
        ap_fixed_base old(*this);
        ++*this;
        return old;
    }
    ap_fixed_base operator--(int) {
        ap_fixed_base old(*this);
        --*this;
        return old;
    }

    // -- compound assignments ------------------------------------------------------------------
    AP_DETAIL_COMPOUND(ap_fixed_base, +)
    AP_DETAIL_COMPOUND(ap_fixed_base, -)
    AP_DETAIL_COMPOUND(ap_fixed_base, *)
    AP_DETAIL_COMPOUND(ap_fixed_base, /)
    template <class T>
    typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_fixed_base&>::type operator<<=(
        const T& sh) {
        shift_left(ap_detail::shift_distance(sh));
        return *this;
    }
    template <class T>
    typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_fixed_base&>::type operator>>=(
        const T& sh) {
        shift_right(ap_detail::shift_distance(sh));
        return *this;
    }

    // -- raw shifts in place (a negative distance shifts the other way) ------------------------
    void shift_left(long long sh) {
        if (sh < 0) return shift_right(-sh);
        if (sh >= W) {
            ap_detail::set_zero(bits_, NL);
            return;
        }
        ap_detail::shl_n(bits_, bits_, NL, (int)sh);
        ap_detail::normalize(bits_, NL, W, S);
    }
    void shift_right(long long sh) {
        if (sh < 0) return shift_left(-sh);
        if (sh > 64 * NL) sh = 64 * NL;
        ap_detail::shr_n(bits_, bits_, NL, (int)sh, S);
    }

   private:
    // The integer part truncated towards zero, wrapped to 64 bits.
    ap_detail::limb int64_part() const {
        if (NL == 1 && F >= 0 && F < 64) {
            const ap_detail::limb v = bits_[0];
            const int f = F < 64 ? F : 0;  // (keeps the shift count in range)
            // magnitude shifted right, then the sign restored (unsigned arithmetic: no overflow)
            return S && (ap_detail::slimb)v < 0 ? ap_detail::limb(0) - ((ap_detail::limb(0) - v) >> f)
                                                : v >> f;
        }
        ap_detail::limb r[1];
        ap_detail::limb tmp[NL + 1 + 2];
        ap_detail::quantize(r, 64, true, 0, AP_TRN_ZERO, AP_WRAP, bits_, NL, S, F, tmp);
        return r[0];
    }

    // Shortcut of quantize() when source and target fit one limb and the shift is small;
    // returns false when the general routine is needed.
    bool fast_assign(ap_detail::limb src, bool ss, int sf) {
        typedef ap_detail::slimb slimb;
        typedef ap_detail::limb limb;
        if (!ss && (slimb)src < 0) return false;  // a 64-bit unsigned source
        if (W > 62) return false;
        const int d = sf - F;
        slimb v = (slimb)src;
        if (d > 0) {
            if (d > 62) return false;
            const slimb t = v >> d;  // floor
            const limb dropped = (limb)v & ((limb(1) << d) - 1);
            const limb half = limb(1) << (d - 1);
            const bool qb = (dropped & half) != 0, r = (dropped & (half - 1)) != 0, neg = v < 0;
            bool inc = false;
            switch (Q) {
                case AP_RND: inc = qb; break;
                case AP_RND_ZERO: inc = qb && (neg || r); break;
                case AP_RND_MIN_INF: inc = qb && r; break;
                case AP_RND_INF: inc = qb && (!neg || r); break;
                case AP_RND_CONV: inc = qb && ((t & 1) || r); break;
                case AP_TRN_ZERO: inc = neg && (qb || r); break;
                default: break;
            }
            v = t + inc;
        } else if (d < 0) {
            // The shifted value must stay exact in 63 bits.
            if (-d > 62) return false;
            const slimb lim = (slimb)1 << (62 + d);
            if (v >= lim || v < -lim) return false;
            v = (slimb)((limb)v << -d);
        }
        const int wm = W > 62 ? 1 : W;  // (keeps the shift counts below in range)
        const slimb maxv = S ? ((slimb)1 << (wm - 1)) - 1 : ((slimb)1 << wm) - 1;
        const slimb minv = S ? -((slimb)1 << (wm - 1)) : 0;
        if (v > maxv || v < minv) {
            switch (O) {
                case AP_SAT: v = v < 0 ? minv : maxv; break;
                case AP_SAT_ZERO: v = 0; break;
                case AP_SAT_SYM: v = v < 0 ? (S ? minv : 0) : maxv; break;
                default: break;  // wrap: normalize below keeps the low W bits
            }
        }
        // Symmetric saturation excludes the most negative value (not for 1-bit types).
        if (O == AP_SAT_SYM && S && W >= 2 && v == minv) v = minv + 1;
        bits_[0] = (limb)v;
        ap_detail::normalize(bits_, NL, W, S);
        return true;
    }
};

// ------------------------------------------------------------------------------------------------
// The user-facing class templates: thin wrappers that fix the signedness.
// ------------------------------------------------------------------------------------------------
template <int W> class ap_int : public ap_int_base<W, true> {
    typedef ap_int_base<W, true> Base;

   public:
    ap_int() {}
    AP_DETAIL_FORWARD_CTORS(ap_int)
};

template <int W> class ap_uint : public ap_int_base<W, false> {
    typedef ap_int_base<W, false> Base;

   public:
    ap_uint() {}
    AP_DETAIL_FORWARD_CTORS(ap_uint)
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
class ap_fixed : public ap_fixed_base<W, I, true, Q, O, N> {
    typedef ap_fixed_base<W, I, true, Q, O, N> Base;

   public:
    ap_fixed() {}
    AP_DETAIL_FORWARD_CTORS(ap_fixed)
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
class ap_ufixed : public ap_fixed_base<W, I, false, Q, O, N> {
    typedef ap_fixed_base<W, I, false, Q, O, N> Base;

   public:
    ap_ufixed() {}
    AP_DETAIL_FORWARD_CTORS(ap_ufixed)
};

#undef AP_DETAIL_SCALAR_CTORS
#undef AP_DETAIL_FORWARD_CTORS
#undef AP_DETAIL_COMPOUND
// ------------------------------------------------------------------------------------------------
// Exact arithmetic kernels. A, B and R are ap_int_base / ap_fixed_base types; R is the
// full-precision result format (see ap_detail::binop), so nothing is lost before the final
// normalization. One-limb results use native 64-bit arithmetic.
// ------------------------------------------------------------------------------------------------
namespace ap_detail {

// Zeroes every bit at position >= w (0 <= w <= 64n).
inline void mask_bits(limb* v, int n, int w) {
    for (int i = 0; i < n; ++i) {
        if (64 * i >= w)
            v[i] = 0;
        else if (64 * (i + 1) > w)
            v[i] &= (limb(1) << (w - 64 * i)) - 1;
    }
}

// Bit pos of a normalized value, positions past its limbs being copies of the sign.
inline bool bit_ext(const limb* v, int n, bool s, int pos) {
    return pos < 64 * n ? get_bit(v, pos) : is_neg(v, n, s);
}

template <class R, class A, class B> inline void add_sub(R& r, const A& a, const B& b, bool sub) {
    const int sa = (R::F - A::F) & 1023, sb = (R::F - B::F) & 1023;
    if (R::NL == 1) {
        const limb x = a.bits_[0] << (sa & 63), y = b.bits_[0] << (sb & 63);
        r.bits_[0] = sub ? x - y : x + y;
    } else {
        limb t[R::NL];
        load_shifted(r.bits_, R::NL, a.bits_, A::NL, A::sign_flag, sa);
        load_shifted(t, R::NL, b.bits_, B::NL, B::sign_flag, sb);
        if (sub)
            sub_n(r.bits_, r.bits_, t, R::NL);
        else
            add_n(r.bits_, r.bits_, t, R::NL);
    }
    normalize(r.bits_, R::NL, R::width, R::sign_flag);
}

template <class R, class A, class B> inline void mul(R& r, const A& a, const B& b) {
    if (R::NL == 1) {
        r.bits_[0] = a.bits_[0] * b.bits_[0];
    } else {
        limb x[R::NL], y[R::NL];
        extend(x, R::NL, a.bits_, A::NL, A::sign_flag);
        extend(y, R::NL, b.bits_, B::NL, B::sign_flag);
        mul_n(r.bits_, x, y, R::NL);
    }
    normalize(r.bits_, R::NL, R::width, R::sign_flag);
}

// Division and remainder follow the vendor library closely, including where it departs from
// exact arithmetic:
//   * The operands are taken as K = max(Wa' + (b signed && a unsigned), Wb + (a signed && b
//     unsigned)) bit numbers, where Wa' is a's width after scaling by 2^F(b) (fixed point keeps
//     the dividend's fractional bits). A fixed-point quotient that does not fit K bits
//     (min / -1) wraps; an integer quotient does not.
//   * Integers of mixed signedness are divided as unsigned K-bit numbers when the unsigned
//     operand is wider than the signed one (like C's int / unsigned); the remainder is unsigned
//     when the dividend is unsigned or the unsigned divisor is wider.
//   * Otherwise (and always for fixed point) the division is signed, truncating towards zero.
// Division by zero gives 0 (the vendor library traps).
template <class A, class B, bool INT_ONLY> struct div_plan {
    enum {
        SA = A::sign_flag,
        SB = B::sign_flag,
        SH = B::F > 0 ? B::F : 0,
        K = cmax<A::width + SH + (SB && !SA), B::width + (SA && !SB)>::value,
        KN = nlimbs<K + 1>::value,  // one spare bit so that unsigned K-bit values stay positive
        mixed = INT_ONLY && SA != SB,
        wu = SA ? B::width : A::width,  // width of the unsigned operand
        ws = SA ? A::width : B::width,  // width of the signed operand
        unsigned_div = mixed && wu > ws,
        unsigned_mod = mixed && (!SA || B::width > A::width)
    };
};

// Loads a and b as K-bit numbers into KN-limb buffers: exact signed values, or (as_unsigned)
// their K-bit two's complement patterns read as unsigned.
template <class P, class A, class B>
inline void div_operands(limb* x, limb* y, const A& a, const B& b, bool as_unsigned) {
    load_shifted(x, P::KN, a.bits_, A::NL, A::sign_flag, P::SH);
    extend(y, P::KN, b.bits_, B::NL, B::sign_flag);
    if (as_unsigned) {
        mask_bits(x, P::KN, P::K);
        mask_bits(y, P::KN, P::K);
    }
}

// Wraps the KN-limb signed result v to K bits (sign-extending when `sgn`), then stores it in r.
template <class P, class R> inline void div_store(R& r, limb* v, bool sgn, bool wrap) {
    if (!wrap) {
        extend(r.bits_, R::NL, v, P::KN, sgn);
        normalize(r.bits_, R::NL, R::width, R::sign_flag);
        return;
    }
    mask_bits(v, P::KN, P::K);
    if (sgn && get_bit(v, P::K - 1)) {
        // sign-extend from bit K-1
        limb ones[P::KN];
        for (int i = 0; i < P::KN; ++i) ones[i] = ~limb(0);
        mask_bits(ones, P::KN, P::K);
        for (int i = 0; i < P::KN; ++i) v[i] |= ~ones[i];
    }
    for (int i = 0; i < R::NL; ++i) r.bits_[i] = i < P::KN ? v[i] : (sgn && (slimb)v[P::KN - 1] < 0 ? ~limb(0) : 0);
    normalize(r.bits_, R::NL, R::width, R::sign_flag);
}

template <bool INT_ONLY, class R, class A, class B>
inline void div(R& r, const A& a, const B& b) {
    typedef div_plan<A, B, INT_ONLY> P;
    limb x[P::KN], y[P::KN], q[P::KN], rem[P::KN], scratch[2 * P::KN];
    div_operands<P>(x, y, a, b, P::unsigned_div);
    sdivrem_n(q, rem, x, y, P::KN, scratch);
    div_store<P>(r, q, !P::unsigned_div, !INT_ONLY || P::unsigned_div);
}

template <bool INT_ONLY, class R, class A, class B>
inline void mod(R& r, const A& a, const B& b) {
    typedef div_plan<A, B, INT_ONLY> P;
    limb x[P::KN], y[P::KN], q[P::KN], rem[P::KN], scratch[2 * P::KN];
    div_operands<P>(x, y, a, b, P::unsigned_mod);
    sdivrem_n(q, rem, x, y, P::KN, scratch);
    div_store<P>(r, rem, !P::unsigned_mod, P::unsigned_mod);
}

// Bitwise operators (integers only): both operands extended to the result width.
template <class R, class A, class B> inline void logic(R& r, const A& a, const B& b, char op) {
    limb y[R::NL];
    extend(r.bits_, R::NL, a.bits_, A::NL, A::sign_flag);
    extend(y, R::NL, b.bits_, B::NL, B::sign_flag);
    for (int i = 0; i < R::NL; ++i) {
        if (op == '&')
            r.bits_[i] &= y[i];
        else if (op == '|')
            r.bits_[i] |= y[i];
        else
            r.bits_[i] ^= y[i];
    }
    normalize(r.bits_, R::NL, R::width, R::sign_flag);
}

// Three-way comparison of the exact values.
template <class A, class B> inline int compare(const A& a, const B& b) {
    enum {
        F = cmax<A::F, B::F>::value,
        CN = nlimbs<binop<A, B>::cmp_w>::value,
        SA = (F - A::F) & 1023,
        SB = (F - B::F) & 1023
    };
    if (CN == 1) {
        const slimb x = (slimb)(a.bits_[0] << (SA & 63)), y = (slimb)(b.bits_[0] << (SB & 63));
        return (x > y) - (x < y);
    }
    limb x[CN], y[CN];
    load_shifted(x, CN, a.bits_, A::NL, A::sign_flag, SA);
    load_shifted(y, CN, b.bits_, B::NL, B::sign_flag, SB);
    return cmp_n(x, y, CN, true);
}

template <class T> long long shift_distance(const T& x) {
    typedef typename traits<T>::canon C;
    const C& c = x;
    const bool neg = is_neg(c.bits_, C::NL, C::sign_flag);
    if (bits_from_equal(c.bits_, C::NL, 31, neg)) return (long long)(slimb)c.bits_[0];
    return neg ? -(1LL << 30) : (1LL << 30);
}

// v = v * m + a on n limbs (mod 2^(64n)).
inline void mul_small_add(limb* v, int n, limb m, limb a) {
    limb carry = a;
    for (int i = 0; i < n; ++i) {
        limb lo;
        carry = mul_add_add(v[i], m, carry, 0, &lo);
        v[i] = lo;
    }
}

// v = v / d on n limbs (unsigned), returns the remainder.
inline limb divmod_small(limb* v, int n, limb d) {
#ifdef HLS4ML_AP_INT128
    ulimb2 rem = 0;
    for (int i = n - 1; i >= 0; --i) {
        const ulimb2 cur = (rem << 64) | v[i];
        v[i] = (limb)(cur / d);
        rem = cur % d;
    }
    return (limb)rem;
#else
    // Long division one bit at a time; rem < d throughout (a carry out of bit 63 means >= d).
    limb rem = 0;
    for (int i = n - 1; i >= 0; --i) {
        limb q = 0;
        for (int b = 63; b >= 0; --b) {
            const bool carry = (rem >> 63) != 0;
            rem = (rem << 1) | ((v[i] >> b) & 1);
            q <<= 1;
            if (carry || rem >= d) {
                rem -= d;
                q |= 1;
            }
        }
        v[i] = q;
    }
    return rem;
#endif
}

inline char digit_char(int d) { return (char)(d < 10 ? '0' + d : 'a' + d - 10); }

// Text of the unsigned fixed-point magnitude m (n limbs, destroyed) with frac >= 0 fractional
// bits, in radix 2, 8, 10 or 16. scratch: n limbs.
inline std::string magnitude_text(limb* m, int n, int frac, int radix, limb* scratch) {
    // Fractional part (kept in scratch), integer part left in m.
    extend(scratch, n, m, n, false);
    mask_bits(scratch, n, frac);
    shr_n(m, m, n, frac, false);
    std::string ip;
    do {
        ip += digit_char((int)divmod_small(m, n, (limb)radix));
    } while (!is_zero(m, n));
    std::string s(ip.rbegin(), ip.rend());
    if (!is_zero(scratch, n)) {
        s += '.';
        // Each step multiplies the fraction by the radix; the digit is what crosses the point.
        // The buffer has at least 4 spare bits above `frac`.
        while (!is_zero(scratch, n)) {
            mul_small_add(scratch, n, (limb)radix, 0);
            limb d[1] = {0};
            for (int k = 0; k < 4; ++k)
                if (get_bit(scratch, frac + k)) d[0] |= limb(1) << k;
            mask_bits(scratch, n, frac);
            s += digit_char((int)d[0]);
        }
    }
    return s;
}

inline const char* radix_prefix(int radix) {
    return radix == 2 ? "0b" : radix == 8 ? "0o" : radix == 16 ? "0x" : "";
}

}  // namespace ap_detail

// ------------------------------------------------------------------------------------------------
// Binary operators between ap types, and between an ap type and a C integer (which behaves as an
// ap_int of its own width). The result has the full-precision type given by ap_detail::binop.
// ------------------------------------------------------------------------------------------------
#define AP_DETAIL_BINARY(OP, KIND, COND, BODY)                                                  \
    template <class A, class B>                                                                \
    inline typename ap_detail::enable_if<ap_detail::binop<A, B>::COND,                         \
                                         typename ap_detail::binop<A, B>::KIND>::type          \
    operator OP(const A& a, const B& b) {                                                      \
        typedef typename ap_detail::binop<A, B>::KIND R;                                       \
        const typename ap_detail::traits<A>::canon& ca = a;                                    \
        const typename ap_detail::traits<B>::canon& cb = b;                                    \
        R r;                                                                                   \
        BODY;                                                                                  \
        return r;                                                                              \
    }
AP_DETAIL_BINARY(+, plus, ok, ap_detail::add_sub(r, ca, cb, false))
AP_DETAIL_BINARY(-, minus, ok, ap_detail::add_sub(r, ca, cb, true))
AP_DETAIL_BINARY(*, mult, ok, ap_detail::mul(r, ca, cb))
AP_DETAIL_BINARY(/, div, ap_left, (ap_detail::div<ap_detail::binop<A, B>::int_only>(r, ca, cb)))
AP_DETAIL_BINARY(%, mod, int_only_ap_left, (ap_detail::mod<true>(r, ca, cb)))
AP_DETAIL_BINARY(&, logic, int_only, ap_detail::logic(r, ca, cb, '&'))
AP_DETAIL_BINARY(|, logic, int_only, ap_detail::logic(r, ca, cb, '|'))
AP_DETAIL_BINARY(^, logic, int_only, ap_detail::logic(r, ca, cb, '^'))
#undef AP_DETAIL_BINARY

// A C integer divided by an ap value: the result has the type of the operation with the operands
// swapped (ap / C integer), and the exact quotient or remainder is wrapped into it (this is how
// the vendor library defines these two operators).
template <class A, class B>
inline typename ap_detail::enable_if<ap_detail::binop<A, B>::c_left,
                                     typename ap_detail::binop<B, A>::div>::type
operator/(const A& a, const B& b) {
    const typename ap_detail::traits<A>::canon ca(a);
    const typename ap_detail::traits<B>::canon& cb = b;
    typename ap_detail::binop<A, B>::div exact;
    ap_detail::div<ap_detail::binop<A, B>::int_only>(exact, ca, cb);
    return typename ap_detail::binop<B, A>::div(exact);
}
template <class A, class B>
inline typename ap_detail::enable_if<ap_detail::binop<A, B>::c_left && ap_detail::binop<A, B>::int_only,
                                     typename ap_detail::binop<B, A>::mod>::type
operator%(const A& a, const B& b) {
    const typename ap_detail::traits<A>::canon ca(a);
    const typename ap_detail::traits<B>::canon& cb = b;
    typename ap_detail::binop<A, B>::mod exact;
    ap_detail::mod<true>(exact, ca, cb);
    return typename ap_detail::binop<B, A>::mod(exact);
}

#define AP_DETAIL_COMPARE(OP)                                                                   \
    template <class A, class B>                                                                \
    inline typename ap_detail::enable_if<ap_detail::binop<A, B>::ok, bool>::type operator OP( \
        const A& a, const B& b) {                                                              \
        const typename ap_detail::traits<A>::canon& ca = a;                                    \
        const typename ap_detail::traits<B>::canon& cb = b;                                    \
        return ap_detail::compare(ca, cb) OP 0;                                                \
    }                                                                                          \
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>                           \
    inline bool operator OP(const ap_fixed_base<W, I, S, Q, O, N>& a, double d) {              \
        return a.to_double() OP d;                                                             \
    }                                                                                          \
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>                           \
    inline bool operator OP(double d, const ap_fixed_base<W, I, S, Q, O, N>& a) {              \
        return d OP a.to_double();                                                             \
    }                                                                                          \
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>                           \
    inline bool operator OP(const ap_fixed_base<W, I, S, Q, O, N>& a, float d) {               \
        return a.to_double() OP(double) d;                                                     \
    }                                                                                          \
    template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>                           \
    inline bool operator OP(float d, const ap_fixed_base<W, I, S, Q, O, N>& a) {               \
        return (double)d OP a.to_double();                                                     \
    }
AP_DETAIL_COMPARE(==)
AP_DETAIL_COMPARE(!=)
AP_DETAIL_COMPARE(<)
AP_DETAIL_COMPARE(<=)
AP_DETAIL_COMPARE(>)
AP_DETAIL_COMPARE(>=)
#undef AP_DETAIL_COMPARE

// Shifts keep the type of the shifted operand (bits move out); the distance is a C or ap integer.
template <int W, bool S, class T>
inline typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_int_base<W, S> >::type
operator<<(const ap_int_base<W, S>& x, const T& sh) {
    ap_int_base<W, S> r(x);
    r.shift_left(ap_detail::shift_distance(sh));
    return r;
}
template <int W, bool S, class T>
inline typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value, ap_int_base<W, S> >::type
operator>>(const ap_int_base<W, S>& x, const T& sh) {
    ap_int_base<W, S> r(x);
    r.shift_right(ap_detail::shift_distance(sh));
    return r;
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, class T>
inline typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value,
                                     ap_fixed_base<W, I, S, Q, O, N> >::type
operator<<(const ap_fixed_base<W, I, S, Q, O, N>& x, const T& sh) {
    ap_fixed_base<W, I, S, Q, O, N> r(x);
    r.shift_left(ap_detail::shift_distance(sh));
    return r;
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N, class T>
inline typename ap_detail::enable_if<ap_detail::is_int_operand<T>::value,
                                     ap_fixed_base<W, I, S, Q, O, N> >::type
operator>>(const ap_fixed_base<W, I, S, Q, O, N>& x, const T& sh) {
    ap_fixed_base<W, I, S, Q, O, N> r(x);
    r.shift_right(ap_detail::shift_distance(sh));
    return r;
}

// ------------------------------------------------------------------------------------------------
// Out-of-class member definitions.
// ------------------------------------------------------------------------------------------------
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_fixed_base<W, I, S, Q, O, N>& ap_fixed_base<W, I, S, Q, O, N>::operator++() {
    *this = *this + ap_int_base<1, false>(1);
    return *this;
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_fixed_base<W, I, S, Q, O, N>& ap_fixed_base<W, I, S, Q, O, N>::operator--() {
    *this = *this - ap_int_base<1, false>(1);
    return *this;
}

template <int W, bool S> ap_int_base<W, false> ap_range_ref<W, S>::get() const {
    typedef ap_int_base<W, false> R;
    R r;
    if (hi_ >= lo_) {
        ap_detail::shr_n(r.bits_, v_, R::NL, lo_, false);
        ap_detail::mask_bits(r.bits_, R::NL, hi_ - lo_ + 1);
    } else {
        for (int k = 0; k <= lo_ - hi_; ++k)
            ap_detail::put_bit(r.bits_, k, ap_detail::get_bit(v_, lo_ - k));
    }
    return r;
}

template <int W, bool S>
template <int W2, bool S2>
void ap_range_ref<W, S>::set(const ap_int_base<W2, S2>& val) {
    enum { NL = ap_detail::nlimbs<W>::value, NL2 = ap_int_base<W2, S2>::NL };
    if (hi_ >= lo_) {
        ap_detail::limb t[NL], m[NL];
        ap_detail::extend(t, NL, val.bits_, NL2, S2);
        ap_detail::shl_n(t, t, NL, lo_);
        // m: ones on positions lo..hi
        for (int i = 0; i < NL; ++i) m[i] = ~ap_detail::limb(0);
        ap_detail::mask_bits(m, NL, hi_ + 1);
        ap_detail::shr_n(m, m, NL, lo_, false);
        ap_detail::shl_n(m, m, NL, lo_);
        for (int i = 0; i < NL; ++i) v_[i] = (v_[i] & ~m[i]) | (t[i] & m[i]);
    } else {
        for (int k = 0; k <= lo_ - hi_; ++k)
            ap_detail::put_bit(v_, lo_ - k, ap_detail::bit_ext(val.bits_, NL2, S2, k));
    }
    ap_detail::normalize(v_, NL, W, S);
}

template <int W, bool S> template <class T> ap_range_ref<W, S>& ap_range_ref<W, S>::set_i(T x) {
    set(typename ap_detail::traits<T>::canon(x));
    return *this;
}

template <int W, bool S>
template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_fixed_base<W2, I2, S2, Q2, O2, N2>& o) {
    if (in_fixed_) {
        ap_int_base<W2, S2> raw;
        for (int i = 0; i < ap_int_base<W2, S2>::NL; ++i) raw.bits_[i] = o.bits_[i];
        set(raw);
    } else {
        set(o.to_ap_int_base());
    }
    return *this;
}

template <int W, bool S>
template <int W2, bool S2>
ap_range_ref<W, S>& ap_range_ref<W, S>::operator=(const ap_bit_ref<W2, S2>& o) {
    set(ap_int_base<1, false>(o.to_bool()));
    return *this;
}

template <int W, bool S> bool ap_range_ref<W, S>::and_reduce() const {
    const ap_int_base<W, false> v = get();
    for (int k = 0; k < length(); ++k)
        if (!v.get_bit(k)) return false;
    return true;
}

template <int W, bool S> void ap_int_base<W, S>::set_string(const char* str, int radix) {
    ap_detail::set_zero(bits_, NL);
    while (*str == ' ' || *str == '\t') ++str;
    bool neg = false;
    if (*str == '-' || *str == '+') neg = *str++ == '-';
    if (str[0] == '0' && str[1]) {
        const char p = (char)(str[1] | 0x20);
        const int pr = p == 'x' ? 16 : p == 'b' ? 2 : p == 'o' ? 8 : 0;
        if (pr && (radix == 0 || radix == pr)) {
            radix = pr;
            str += 2;
        }
    }
    if (radix == 0) radix = 10;
    for (; *str; ++str) {
        const char c = *str;
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            d = (c | 0x20) - 'a' + 10;
        else if (c == '_' || c == '\'')
            continue;
        else
            break;
        if (d >= radix) break;
        ap_detail::mul_small_add(bits_, NL, (ap_detail::limb)radix, (ap_detail::limb)d);
    }
    if (neg) ap_detail::neg_n(bits_, bits_, NL);
    ap_detail::normalize(bits_, NL, W, S);
}

template <int W, bool S> std::string ap_int_base<W, S>::to_string(int radix, bool sign) const {
    if (radix != 2 && radix != 8 && radix != 16) radix = 10;
    ap_detail::limb m[NL + 1], scratch[NL + 1];
    const bool neg = sign && ap_detail::is_neg(bits_, NL, S);
    ap_detail::extend(m, NL + 1, bits_, NL, S);
    if (neg)
        ap_detail::neg_n(m, m, NL + 1);
    else
        ap_detail::mask_bits(m, NL + 1, W);
    return std::string(neg ? "-" : "") + ap_detail::radix_prefix(radix) +
           ap_detail::magnitude_text(m, NL + 1, 0, radix, scratch);
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string ap_fixed_base<W, I, S, Q, O, N>::to_string(int radix, bool sign) const {
    if (radix != 2 && radix != 8 && radix != 16) radix = 10;
    enum { SH = F < 0 ? -F : 0, TN = ap_detail::nlimbs<W + SH + 6>::value };
    ap_detail::limb m[TN], scratch[TN];
    const bool neg = sign && ap_detail::is_neg(bits_, NL, S);
    ap_detail::extend(m, TN, bits_, NL, S);
    if (neg)
        ap_detail::neg_n(m, m, TN);
    else
        ap_detail::mask_bits(m, TN, W);
    ap_detail::shl_n(m, m, TN, SH);
    return std::string(neg ? "-" : "") + ap_detail::radix_prefix(radix) +
           ap_detail::magnitude_text(m, TN, F > 0 ? F : 0, radix, scratch);
}

// ------------------------------------------------------------------------------------------------
// Stream output: integers in decimal, fixed point as its double value (honouring the stream's
// precision). <ostream> must be included by the user, as for any other stream output.
// ------------------------------------------------------------------------------------------------
template <class Ch, class Tr, int W, bool S>
std::basic_ostream<Ch, Tr>& operator<<(std::basic_ostream<Ch, Tr>& os, const ap_int_base<W, S>& x) {
    return os << x.to_string(10).c_str();
}
template <class Ch, class Tr, int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::basic_ostream<Ch, Tr>& operator<<(std::basic_ostream<Ch, Tr>& os,
                                       const ap_fixed_base<W, I, S, Q, O, N>& x) {
    return os << x.to_double();
}

#endif  // HLS4ML_HOST_AP_COMMON_H
