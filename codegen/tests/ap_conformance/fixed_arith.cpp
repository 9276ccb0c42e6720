// Fixed-point operators: + - * / (full-precision result types, mixed signedness and widths,
// fixed with ap_int), comparisons, compound assignments into the left operand's type (with its
// quantization and overflow modes), operations with C integers on either side, and comparisons
// with doubles.
#include "ops.h"

namespace {
using namespace conf;

template <class A, class B> void pair_ops(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<A> as = operands<A>(r, n);
    const std::vector<B> bs = operands<B>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        // Pair every edge value of a with every edge value of b once, then random pairs.
        const B b = bs[k < 9 ? (k * 4) % 9 : k];
        const std::string d = name(a) + " , " + name(b);
        emit("add " + d, dump(a + b));
        emit("sub " + d, dump(a - b));
        emit("rsub " + d, dump(b - a));
        emit("mul " + d, dump(a * b));
        const bool divide = b != 0 && !div_unreliable(a, b);
        if (divide) emit("div " + d, dump(a / b));
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
        // (An integer left operand divides by the integer part of b.)
        if (divide && (tinfo<A>::fixed || ap_int<130>(b) != 0)) {
            c = a;
            c /= b;
            emit("/= " + d, dump(c));
        }
    }
}

// One C integer type with an ap operand, on both sides.
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
        if (c != 0) emit("div " + d, dump(a / c));
        if (a != 0) emit("rdiv " + d, dump(c / a));
        if (!cmp_unreliable(a, c)) {
            emit("cmp " + d, compare_all(a, c));
            emit("rcmp " + d, compare_all(c, a));
        }
        A x = a;
        x += c;
        emit("+= " + d, dump(x));
        x = a;
        x *= c;
        emit("*= " + d, dump(x));
    }
}

// Comparisons with doubles near and far from the value.
template <class A> void double_cmp(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<A> as = operands<A>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        const double v = a.to_double();
        const double ds[] = {v, v + v * 1e-17, v - 1e-300, -v, rand_double(r, -8, 8)};
        for (int j = 0; j < 5; ++j) {
            const std::string d = name(a) + " , double " + fmt_double(ds[j]);
            emit("cmp " + d, compare_all(a, ds[j]));
            emit("rcmp " + d, compare_all(ds[j], a));
        }
    }
}

struct with_inc_dec {};
struct without_inc_dec {};  // (the reference library cannot instantiate them when I > W)

template <class A> void inc_dec(const A& a, const std::string& d, with_inc_dec) {
    A x = a;
    emit("post++ " + d, dump(x++));
    emit("after++ " + d, dump(x));
    x = a;
    emit("pre-- " + d, dump(--x));
}
template <class A> void inc_dec(const A&, const std::string&, without_inc_dec) {}

// Unary operators, increment and decrement, and conversions to C types.
template <class A, class tag> void unary(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<A> as = operands<A>(r, n);
    for (int k = 0; k < n; ++k) {
        const A a = as[k];
        const std::string d = name(a);
        emit("neg " + d, dump(-a));
        emit("not " + d, dump(!a));
        inc_dec(a, d, tag());
        // The reference library's integer part of a negative value without integer bits (I <= 0)
        // is inconsistent across conversions; those are left out.
        if (tinfo<A>::i <= 0 && a < 0) continue;
        emit("to_int " + d, fmt_ll(a.to_int()));
        emit("to_uint " + d, fmt_ull(a.to_uint()));
        emit("to_int64 " + d, fmt_ll(a.to_int64()));
        emit("to_uint64 " + d, fmt_ull(a.to_uint64()));
        emit("to_float " + d, fmt_double(a.to_float()));
        const int i = a;
        const long long ll = a;
        const double dd = a;
        const bool bb = a;
        emit("implicit " + d, fmt_ll(i) + " " + fmt_ll(ll) + " " + fmt_double(dd) + (bb ? " T" : " F"));
        const ap_int<40> ai = a;
        emit("to ap_int<40> " + d, dump(ai));
    }
}
}  // namespace

void suite_fixed_arith() {
    pair_ops<ap_fixed<8, 3>, ap_fixed<8, 3> >(1001, 60);
    pair_ops<ap_fixed<8, 3>, ap_ufixed<10, 6> >(1002, 40);
    pair_ops<ap_ufixed<7, 2>, ap_ufixed<10, 6> >(1004, 40);
    pair_ops<ap_fixed<8, -2>, ap_fixed<8, 10> >(1006, 40);
    pair_ops<ap_fixed<1, 1>, ap_ufixed<1, 1> >(1007, 20);
    pair_ops<ap_fixed<32, 16>, ap_ufixed<32, 32> >(1008, 40);
    pair_ops<ap_fixed<33, 1>, ap_fixed<31, 15> >(1009, 40);
    pair_ops<ap_fixed<64, 32>, ap_fixed<64, 32> >(1010, 40);
    pair_ops<ap_ufixed<64, 64>, ap_fixed<63, 31> >(1011, 40);
    pair_ops<ap_fixed<65, 33>, ap_ufixed<65, 0> >(1012, 40);
    pair_ops<ap_fixed<128, 64>, ap_fixed<128, 64> >(1013, 40);
    pair_ops<ap_ufixed<128, 128>, ap_fixed<100, -5> >(1014, 40);
    pair_ops<ap_fixed<16, 6>, ap_int<8> >(1016, 40);
    pair_ops<ap_int<7>, ap_ufixed<10, 6> >(1017, 40);
    pair_ops<ap_fixed<48, 20, AP_RND, AP_SAT>, ap_fixed<24, 12> >(1021, 40);
    pair_ops<ap_ufixed<12, 4, AP_RND_CONV, AP_SAT_SYM>, ap_fixed<16, 8> >(1022, 40);
    pair_ops<ap_fixed<6, 3, AP_RND_INF, AP_SAT_ZERO>, ap_fixed<9, 2> >(1024, 40);

    c_ops<ap_fixed<8, 3>, int>(1101, 30);
    c_ops<ap_fixed<8, 3>, unsigned>(1102, 30);
    c_ops<ap_fixed<8, 3>, long long>(1103, 30);
    c_ops<ap_fixed<8, 3>, unsigned long long>(1104, 30);
    c_ops<ap_fixed<8, 3>, char>(1105, 20);
    c_ops<ap_fixed<8, 3>, bool>(1107, 10);
    c_ops<ap_ufixed<10, 6>, int>(1108, 30);
    c_ops<ap_fixed<64, 32>, long long>(1111, 30);
    c_ops<ap_fixed<128, 64>, int>(1112, 30);
    c_ops<ap_fixed<16, 6, AP_RND, AP_SAT>, int>(1114, 30);

    double_cmp<ap_fixed<8, 3> >(1201, 30);
    double_cmp<ap_ufixed<10, 6> >(1202, 30);
    double_cmp<ap_fixed<64, 32> >(1203, 30);
    double_cmp<ap_fixed<100, -5> >(1204, 30);

    unary<ap_fixed<8, 3>, with_inc_dec>(1301, 30);
    unary<ap_ufixed<10, 6>, with_inc_dec>(1302, 30);
    unary<ap_fixed<1, 1>, with_inc_dec>(1303, 10);
    unary<ap_fixed<20, 24>, without_inc_dec>(1304, 30);
    unary<ap_fixed<64, 32>, with_inc_dec>(1305, 30);
    unary<ap_fixed<100, -5>, with_inc_dec>(1306, 30);
    unary<ap_ufixed<128, 64>, with_inc_dec>(1307, 30);
    unary<ap_fixed<8, 3, AP_TRN, AP_SAT_SYM>, with_inc_dec>(1309, 30);
}
