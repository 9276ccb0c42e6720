// Helpers for the operator suites: operand lists (edge values first, then random values) and
// the comparison summary.
#ifndef AP_CONFORMANCE_OPS_H
#define AP_CONFORMANCE_OPS_H

#include <limits>
#include <vector>

#include "conformance.h"

namespace conf {

template <class T> std::vector<T> operands(Rng& r, int n) {
    std::vector<T> v;
    for (int k = 0; k < 9 && k < n; ++k) v.push_back(edge_value<T>(k));
    while ((int)v.size() < n) v.push_back(rand_value<T>(r));
    return v;
}

template <class T> bool is_negative(const T& x) { return x < 0; }
inline bool is_negative(bool) { return false; }

// The reference library compares a negative signed value with an unsigned one as two unsigned
// C integers (giving for instance -1 > 5u, or a == b together with a > b) when the unsigned
// operand, once aligned on the other's binary point, is at least 32 bits wide and not narrower
// than the signed one. The host headers compare exact values there; those pairs are not
// compared (the condition below was measured on the reference library).
template <class A, class B> bool cmp_unreliable(const A& a, const B& b) {
    typedef tinfo<A> TA;
    typedef tinfo<B> TB;
    if ((int)TA::s == (int)TB::s) return false;
    const bool a_signed = TA::s;
    const bool neg = a_signed ? is_negative(a) : is_negative(b);
    if (!neg) return false;
    const int wa = TA::w, ia = TA::i, wb = TB::w, ib = TB::i;
    const int ws = a_signed ? wa : wb, is = a_signed ? ia : ib;
    const int wu = a_signed ? wb : wa, iu = a_signed ? ib : ia;
    const int fs = ws - is, fu = wu - iu;
    int u = wu, s = ws;
    if (fu < fs)
        u = (iu > 1 ? iu : 1) + fs + 1;
    else if (fs < fu)
        s = (is > 1 ? is : 1) + fu;
    return u >= 32 && u >= s;
}

template <class T> bool all_ones(const T& x) {
    T c = x;
    for (int b = 0; b < tinfo<T>::w; ++b)
        if (!(bool)c[b]) return false;
    return true;
}

// Two cases where the reference library's division gives values we could not model (not exact,
// not following any rule found): a fixed-point division by an unsigned all-ones value wider
// than 64 bits, and the remainder of a negative signed dividend by an unsigned divisor wider
// than 64 bits. They are left out.
template <class A, class B> bool div_unreliable(const A&, const B& b) {
    return !tinfo<B>::s && tinfo<B>::w > 64 && (tinfo<A>::fixed || tinfo<B>::fixed) && all_ones(b);
}
template <class A, class B> bool mod_unreliable(const A& a, const B&) {
    return !tinfo<B>::s && tinfo<B>::w > 64 && tinfo<A>::s && is_negative(a);
}

// All six comparisons in one word: one letter per true relation.
template <class A, class B> std::string compare_all(const A& a, const B& b) {
    std::string s;
    s += (a == b) ? 'E' : 'e';
    s += (a != b) ? 'N' : 'n';
    s += (a < b) ? 'L' : 'l';
    s += (a <= b) ? 'M' : 'm';
    s += (a > b) ? 'G' : 'g';
    s += (a >= b) ? 'H' : 'h';
    return s;
}

// C integer operands: edge values of the type, then random bit patterns of various magnitudes.
template <class C> std::vector<C> c_operands(Rng& r, int n) {
    std::vector<C> v;
    v.push_back((C)0);
    v.push_back((C)1);
    v.push_back(std::numeric_limits<C>::max());
    v.push_back(std::numeric_limits<C>::min());
    v.push_back((C)(std::numeric_limits<C>::max() / 2 + 1));
    v.push_back((C)(unsigned long long)-1);
    v.push_back((C)(unsigned long long)-7);
    while ((int)v.size() < n) {
        const int bits = 1 + r.below(8 * (int)sizeof(C));
        uint64_t x = r.next();
        if (bits < 64) x &= (uint64_t(1) << bits) - 1;
        if (r.coin()) x = ~x;
        v.push_back((C)x);
    }
    return v;
}

template <class C> std::string c_name(C x);
template <> inline std::string c_name<int>(int x) { return "int " + fmt_ll(x); }
template <> inline std::string c_name<unsigned>(unsigned x) { return "unsigned " + fmt_ull(x); }
template <> inline std::string c_name<long long>(long long x) { return "ll " + fmt_ll(x); }
template <> inline std::string c_name<unsigned long long>(unsigned long long x) {
    return "ull " + fmt_ull(x);
}
template <> inline std::string c_name<char>(char x) { return "char " + fmt_ll(x); }
template <> inline std::string c_name<short>(short x) { return "short " + fmt_ll(x); }
template <> inline std::string c_name<bool>(bool x) { return x ? "bool 1" : "bool 0"; }

}  // namespace conf

#endif
