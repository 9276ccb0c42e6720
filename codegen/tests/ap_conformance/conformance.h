// Conformance suite for the host ap_int / ap_fixed headers.
//
// The same sources are compiled twice, once against codegen/cpp/host and once against the
// reference headers, and the two programs must print identical output. Every line is one case:
// a description of the operation and its operands (raw bits in hex), then the result's type
// (width, integer bits, signedness), raw bits and value as a double.
//
// Operands come from a deterministic PRNG plus edge values (zero, +-1 LSB, extremes, rounding
// ties), and are built bit by bit so that the description does not depend on conversions.
#ifndef AP_CONFORMANCE_H
#define AP_CONFORMANCE_H

#include <ap_fixed.h>
#include <ap_int.h>
#include <stdint.h>
#include <stdio.h>
#include <string>

namespace conf {

// ---- output ---------------------------------------------------------------------------------
extern unsigned long long g_cases;

inline void emit(const std::string& desc, const std::string& result) {
    ++g_cases;
    fputs(desc.c_str(), stdout);
    fputs(" => ", stdout);
    fputs(result.c_str(), stdout);
    fputc('\n', stdout);
}

inline std::string fmt_double(double d) {
    char buf[64];
    snprintf(buf, sizeof buf, "%a", d);
    return buf;
}
inline std::string fmt_ll(long long v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return buf;
}
inline std::string fmt_ull(unsigned long long v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", v);
    return buf;
}

// ---- type description -----------------------------------------------------------------------
template <class T> struct tinfo;
template <int W> struct tinfo<ap_int<W> > { enum { w = W, i = W, s = 1, fixed = 0 }; };
template <int W> struct tinfo<ap_uint<W> > { enum { w = W, i = W, s = 0, fixed = 0 }; };
template <int W, bool S> struct tinfo<ap_int_base<W, S> > { enum { w = W, i = W, s = S, fixed = 0 }; };
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct tinfo<ap_fixed<W, I, Q, O, N> > {
    enum { w = W, i = I, s = 1, fixed = 1 };
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct tinfo<ap_ufixed<W, I, Q, O, N> > {
    enum { w = W, i = I, s = 0, fixed = 1 };
};
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
struct tinfo<ap_fixed_base<W, I, S, Q, O, N> > {
    enum { w = W, i = I, s = S, fixed = 1 };
};

// C integer operands, described like ap_int / ap_uint of their width.
#define CONF_CINT_INFO(T)                                                                 \
    template <> struct tinfo<T> {                                                         \
        enum { w = 8 * sizeof(T), i = 8 * sizeof(T), s = (T)-1 < (T)0, fixed = 0 };      \
    };
CONF_CINT_INFO(char)
CONF_CINT_INFO(short)
CONF_CINT_INFO(int)
CONF_CINT_INFO(unsigned)
CONF_CINT_INFO(long long)
CONF_CINT_INFO(unsigned long long)
#undef CONF_CINT_INFO
template <> struct tinfo<bool> { enum { w = 1, i = 1, s = 0, fixed = 0 }; };

// Raw bits, most significant first, as hex (read bit by bit through operator[]).
template <class T> std::string hexbits(const T& x) {
    T c = x;
    const int w = tinfo<T>::w;
    std::string s;
    for (int top = ((w + 3) / 4) * 4 - 1; top >= 0; top -= 4) {
        int d = 0;
        for (int k = 0; k < 4; ++k) {
            const int b = top - k;
            d = 2 * d + ((b < w && (bool)c[b]) ? 1 : 0);
        }
        s += "0123456789abcdef"[d];
    }
    return s;
}

template <class T> std::string tname() {
    char buf[64];
    if (tinfo<T>::fixed)
        snprintf(buf, sizeof buf, "%s<%d,%d>", tinfo<T>::s ? "fx" : "ufx", (int)tinfo<T>::w,
                 (int)tinfo<T>::i);
    else
        snprintf(buf, sizeof buf, "%s<%d>", tinfo<T>::s ? "int" : "uint", (int)tinfo<T>::w);
    return buf;
}

// Full description of a value: type, raw bits and (for fixed point) its double value.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string dump(const ap_fixed_base<W, I, S, Q, O, N>& x) {
    typedef ap_fixed_base<W, I, S, Q, O, N> T;
    return tname<T>() + ":" + hexbits<T>(x) + "=" + fmt_double(x.to_double());
}
template <int W, bool S> std::string dump(const ap_int_base<W, S>& x) {
    typedef ap_int_base<W, S> T;
    return tname<T>() + ":" + hexbits<T>(x) + "=" + fmt_double(x.to_double());
}
inline std::string dump(bool b) { return b ? "true" : "false"; }

// Short operand description (no double) for case names.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::string name(const ap_fixed_base<W, I, S, Q, O, N>& x) {
    typedef ap_fixed_base<W, I, S, Q, O, N> T;
    return tname<T>() + ":" + hexbits<T>(x);
}
template <int W, bool S> std::string name(const ap_int_base<W, S>& x) {
    typedef ap_int_base<W, S> T;
    return tname<T>() + ":" + hexbits<T>(x);
}

inline const char* qname(ap_q_mode q) {
    switch (q) {
        case AP_RND: return "RND";
        case AP_RND_ZERO: return "RND_ZERO";
        case AP_RND_MIN_INF: return "RND_MIN_INF";
        case AP_RND_INF: return "RND_INF";
        case AP_RND_CONV: return "RND_CONV";
        case AP_TRN: return "TRN";
        case AP_TRN_ZERO: return "TRN_ZERO";
        default: return "?";
    }
}
inline const char* oname(ap_o_mode o) {
    switch (o) {
        case AP_SAT: return "SAT";
        case AP_SAT_ZERO: return "SAT_ZERO";
        case AP_SAT_SYM: return "SAT_SYM";
        case AP_WRAP: return "WRAP";
        default: return "?";
    }
}

// ---- deterministic random numbers (splitmix64) ----------------------------------------------
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int n) { return (int)(next() % (uint64_t)n); }
    bool coin() { return next() & 1; }
};

// Sets bit b of x (works for every ap type through its bit reference).
template <class T> void put(T& x, int b, bool v) { x[b] = v; }

// Edge values, selected by index: 0, 1 LSB, -1 LSB (all ones), max, min, max-1, min+1,
// the sign bit alone or a single bit in the middle.
template <class T> T edge_value(int which) {
    const int w = tinfo<T>::w;
    T x = 0;
    switch (which % 9) {
        case 0: break;
        case 1: put(x, 0, true); break;
        case 2: for (int b = 0; b < w; ++b) put(x, b, true); break;
        case 3: for (int b = 0; b < w - 1; ++b) put(x, b, true); if (!tinfo<T>::s) put(x, w - 1, true); break;
        case 4: if (tinfo<T>::s) put(x, w - 1, true); break;
        case 5: for (int b = 1; b < w - 1; ++b) put(x, b, true); if (!tinfo<T>::s && w > 1) put(x, w - 1, true); break;
        case 6: if (tinfo<T>::s) put(x, w - 1, true); put(x, 0, true); break;
        case 7: put(x, w - 1, true); break;
        default: put(x, w / 2, true); break;
    }
    return x;
}

// A random value: full random bits, or a value with few significant bits (small magnitude,
// either sign), or an edge value.
template <class T> T rand_value(Rng& r) {
    const int w = tinfo<T>::w;
    const int kind = r.below(8);
    if (kind == 0) return edge_value<T>(r.below(9));
    T x = 0;
    if (kind <= 3) {
        for (int b = 0; b < w; b += 64) {
            uint64_t bits = r.next();
            for (int k = 0; k < 64 && b + k < w; ++k) put(x, b + k, (bits >> k) & 1);
        }
        return x;
    }
    const int k = r.below(w + 1);
    const bool neg = r.coin();
    uint64_t bits = r.next();
    for (int b = 0; b < w; ++b) {
        if (b % 64 == 0 && b) bits = r.next();
        put(x, b, b < k ? ((bits >> (b % 64)) & 1) != 0 : neg);
    }
    return x;
}

// A random double: random mantissa with up to 53 bits, scaled around [2^lo_exp, 2^hi_exp].
inline double rand_double(Rng& r, int lo_exp, int hi_exp) {
    const int bits = 1 + r.below(53);
    uint64_t m = r.next() >> (64 - bits);
    if (m == 0) m = 1;
    int e = lo_exp + r.below(hi_exp - lo_exp + 1) - bits;
    double d = (double)m;
    while (e > 0) { d *= 2; --e; }
    while (e < 0) { d /= 2; ++e; }
    return r.coin() ? -d : d;
}

inline double pow2(int e) {
    double d = 1;
    while (e > 0) { d *= 2; --e; }
    while (e < 0) { d /= 2; ++e; }
    return d;
}

}  // namespace conf

void suite_convert_a();
void suite_convert_b();
void suite_convert_c();
void suite_fixed_arith();
void suite_int_arith();
void suite_bits_misc();

#endif
