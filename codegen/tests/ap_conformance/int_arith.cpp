// Integer operators: + - * / % & | ^ with mixed widths and signedness, comparisons, compound
// assignments, unary operators, shifts, and operations with C integers on either side.
#include "ops.h"

namespace {
using namespace conf;

template <class A, class B> void pair_ops(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<A> as = operands<A>(r, n);
    const std::vector<B> bs = operands<B>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        const B b = bs[k < 9 ? (k * 4) % 9 : k];
        const std::string d = name(a) + " , " + name(b);
        emit("add " + d, dump(a + b));
        emit("sub " + d, dump(a - b));
        emit("mul " + d, dump(a * b));
        const bool mod_ok = !mod_unreliable(a, b);
        if (b != 0) {
            emit("div " + d, dump(a / b));
            if (mod_ok) emit("mod " + d, dump(a % b));
        }
        emit("and " + d, dump(a & b));
        emit("or " + d, dump(a | b));
        emit("xor " + d, dump(a ^ b));
        if (!cmp_unreliable(a, b)) emit("cmp " + d, compare_all(a, b));
        A c = a;
        c += b;
        emit("+= " + d, dump(c));
        c = a;
        c -= b;
        emit("-= " + d, dump(c));
        c = a;
        c *= b;
        emit("*= " + d, dump(c));
        if (b != 0) {
            c = a;
            c /= b;
            emit("/= " + d, dump(c));
            if (mod_ok) {
                c = a;
                c %= b;
                emit("%= " + d, dump(c));
            }
        }
        c = a;
        c &= b;
        emit("&= " + d, dump(c));
        c = a;
        c |= b;
        emit("|= " + d, dump(c));
        c = a;
        c ^= b;
        emit("^= " + d, dump(c));
    }
}

template <class A, class C> void c_ops(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<A> as = operands<A>(r, n);
    const std::vector<C> cs = c_operands<C>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        const C c = cs[(k * 5) % n];
        const std::string d = name(a) + " , " + c_name(c);
        emit("add " + d, dump(a + c));
        emit("radd " + d, dump(c + a));
        emit("sub " + d, dump(a - c));
        emit("rsub " + d, dump(c - a));
        emit("mul " + d, dump(a * c));
        if (c != 0) {
            emit("div " + d, dump(a / c));
            emit("mod " + d, dump(a % c));
        }
        if (a != 0) {
            emit("rdiv " + d, dump(c / a));
            if (!mod_unreliable(c, a)) emit("rmod " + d, dump(c % a));
        }
        emit("and " + d, dump(a & c));
        emit("ror " + d, dump(c | a));
        emit("xor " + d, dump(a ^ c));
        if (!cmp_unreliable(a, c)) {
            emit("cmp " + d, compare_all(a, c));
            emit("rcmp " + d, compare_all(c, a));
        }
        A x = a;
        x += c;
        emit("+= " + d, dump(x));
        x = a;
        x -= c;
        emit("-= " + d, dump(x));
        x = a;
        x *= c;
        emit("*= " + d, dump(x));
        x = a;
        x = c;
        emit("= " + d, dump(x));
    }
}

// Unary operators, shifts, increment and decrement, conversions to C types.
template <class A> void unary(uint64_t seed, int n) {
    Rng r(seed);
    const int w = tinfo<A>::w;
    const std::vector<A> as = operands<A>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        const std::string d = name(a);
        emit("neg " + d, dump(-a));
        emit("inv " + d, dump(~a));
        emit("not " + d, dump(!a));
        A x = a;
        emit("post++ " + d, dump(x++));
        emit("after++ " + d, dump(x));
        x = a;
        emit("pre-- " + d, dump(--x));
        emit("to_int " + d, fmt_ll(a.to_int()));
        emit("to_uint " + d, fmt_ull(a.to_uint()));
        emit("to_int64 " + d, fmt_ll(a.to_int64()));
        emit("to_uint64 " + d, fmt_ull(a.to_uint64()));
        emit("to_double " + d, fmt_double(a.to_double()));
        emit("reduce " + d, std::string(a.and_reduce() ? "A" : "a") + (a.or_reduce() ? "O" : "o") +
                                (a.xor_reduce() ? "X" : "x"));
        const long long ll = a;
        emit("implicit " + d, fmt_ll(ll) + (a ? " T" : " F"));
        // Shift distances inside the width, plus a few beyond.
        const int sh = r.below(w + 1);
        const std::string ds = d + " by " + fmt_ll(sh);
        emit("shl " + ds, dump(a << sh));
        emit("shr " + ds, dump(a >> sh));
        emit("shl-u " + ds, dump(a << (unsigned)sh));
        emit("shr-ap " + ds, dump(a >> ap_uint<8>(sh)));
        emit("shl-neg " + ds, dump(a << -sh));
        x = a;
        x <<= sh;
        emit("<<= " + ds, dump(x));
        x = a;
        x >>= sh;
        emit(">>= " + ds, dump(x));
    }
}
}  // namespace

void suite_int_arith() {
    pair_ops<ap_int<1>, ap_uint<1> >(2001, 20);
    pair_ops<ap_int<7>, ap_uint<9> >(2002, 40);
    pair_ops<ap_uint<9>, ap_int<7> >(2003, 40);
    pair_ops<ap_int<8>, ap_int<8> >(2004, 40);
    pair_ops<ap_uint<8>, ap_uint<8> >(2005, 40);
    pair_ops<ap_int<31>, ap_uint<32> >(2006, 40);
    pair_ops<ap_int<32>, ap_int<32> >(2007, 40);
    pair_ops<ap_uint<33>, ap_int<33> >(2008, 40);
    pair_ops<ap_int<63>, ap_uint<64> >(2009, 40);
    pair_ops<ap_int<64>, ap_int<64> >(2010, 40);
    pair_ops<ap_uint<64>, ap_uint<64> >(2011, 40);
    pair_ops<ap_int<65>, ap_uint<65> >(2012, 40);
    pair_ops<ap_int<100>, ap_int<7> >(2013, 40);
    pair_ops<ap_uint<128>, ap_int<128> >(2014, 40);
    pair_ops<ap_int<128>, ap_uint<1> >(2015, 40);
    pair_ops<ap_int<9>, ap_uint<7> >(2016, 40);
    pair_ops<ap_uint<5>, ap_int<40> >(2017, 40);
    pair_ops<ap_int<128>, ap_int<64> >(2018, 40);

    c_ops<ap_int<7>, int>(2101, 30);
    c_ops<ap_int<7>, unsigned>(2102, 30);
    c_ops<ap_int<7>, char>(2103, 20);
    c_ops<ap_int<7>, bool>(2104, 10);
    c_ops<ap_uint<9>, int>(2105, 30);
    c_ops<ap_uint<9>, long long>(2106, 30);
    c_ops<ap_int<32>, int>(2107, 30);
    c_ops<ap_int<32>, unsigned>(2108, 30);
    c_ops<ap_uint<32>, int>(2109, 30);
    c_ops<ap_int<64>, long long>(2110, 30);
    c_ops<ap_uint<64>, unsigned long long>(2111, 30);
    c_ops<ap_int<65>, int>(2112, 30);
    c_ops<ap_uint<128>, long long>(2113, 30);
    c_ops<ap_int<128>, unsigned long long>(2114, 30);

    unary<ap_int<1> >(2201, 10);
    unary<ap_uint<1> >(2202, 10);
    unary<ap_int<8> >(2203, 30);
    unary<ap_uint<8> >(2204, 30);
    unary<ap_int<32> >(2205, 30);
    unary<ap_uint<32> >(2206, 30);
    unary<ap_int<63> >(2207, 30);
    unary<ap_int<64> >(2208, 30);
    unary<ap_uint<64> >(2209, 30);
    unary<ap_int<65> >(2210, 30);
    unary<ap_uint<100> >(2211, 30);
    unary<ap_int<128> >(2212, 30);
    unary<ap_uint<128> >(2213, 30);
}
