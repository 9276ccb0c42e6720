// Bit and range selection (read and write, reversed ranges), shifts of fixed-point values,
// conversions from doubles into integers, text output (to_string(10) and streams).
#include <sstream>

#include "ops.h"

namespace {
using namespace conf;

template <class T> void bits(uint64_t seed, int n) {
    Rng r(seed);
    const int w = tinfo<T>::w;
    const std::vector<T> xs = operands<T>(r, n);
    for (int k = 0; k < n; ++k) {
        const T x = xs[k];
        const std::string d = name(x);
        // Read single bits and ranges (hi >= lo and reversed), as an unsigned of the full width.
        const int i = r.below(w);
        emit("bit " + d + " [" + fmt_ll(i) + "]", dump((bool)x[i]));
        int hi = r.below(w), lo = r.below(w);
        if (k % 3 != 0 && hi < lo) {
            const int t = hi;
            hi = lo;
            lo = t;
        }
        const std::string dr = d + " (" + fmt_ll(hi) + "," + fmt_ll(lo) + ")";
        const ap_uint<tinfo<T>::w> rv = x.range(hi, lo);
        emit("range " + dr, dump(rv));
        emit("range.to_uint64 " + dr, fmt_ull(x.range(hi, lo).to_uint64()));
        emit("paren " + dr, dump(ap_uint<tinfo<T>::w>(x(hi, lo))));
        emit("range() " + d, dump(ap_uint<tinfo<T>::w>(x.range())));
        emit("length " + d, fmt_ll(x.length()));
        // Writes.
        T y = x;
        y[i] = !(bool)x[i];
        emit("setbit " + d + " [" + fmt_ll(i) + "]", dump(y));
        y = x;
        const long long v = (long long)r.next();
        y.range(hi, lo) = v;
        emit("setrange " + dr + " = ll " + fmt_ll(v), dump(y));
        y = x;
        const ap_int<20> v20 = (long long)r.next();
        y.range(hi, lo) = v20;
        emit("setrange " + dr + " = " + name(v20), dump(y));
        y = x;
        const ap_uint<70> v70 = rand_value<ap_uint<70> >(r);
        y.range(hi, lo) = v70;
        emit("setrange " + dr + " = " + name(v70), dump(y));
        y = x;
        y.range(hi, lo) = x.range(lo, hi);
        emit("setrange " + dr + " = reversed", dump(y));
        y = x;
        y(hi, lo) = -1;
        emit("setparen " + dr + " = -1", dump(y));
    }
}

// Shifts of fixed-point values keep the type and move the raw bits.
template <class T> void fixed_shifts(uint64_t seed, int n) {
    Rng r(seed);
    const int w = tinfo<T>::w;
    const std::vector<T> xs = operands<T>(r, n);
    for (int k = 0; k < n; ++k) {
        const T x = xs[k];
        const int sh = r.below(w + 1);
        const std::string d = name(x) + " by " + fmt_ll(sh);
        emit("shl " + d, dump(x << sh));
        emit("shr " + d, dump(x >> sh));
        emit("shl-u " + d, dump(x << (unsigned)sh));
        emit("shr-ap " + d, dump(x >> ap_uint<8>(sh)));
        emit("shl-apint " + d, dump(x << ap_int<8>(sh)));
        T y = x;
        y <<= sh;
        emit("<<= " + d, dump(y));
        y = x;
        y >>= sh;
        emit(">>= " + d, dump(y));
    }
}

// Integers from doubles (truncation towards zero, then wrap) and from fixed point.
template <class T> void int_from(uint64_t seed, int n) {
    Rng r(seed);
    for (int k = 0; k < n; ++k) {
        const double d = k < 6 ? (k - 3) * 1.75 : rand_double(r, -4, tinfo<T>::w + 12);
        const T t = d;
        emit("from double " + tname<T>() + " " + fmt_double(d), dump(t));
        const ap_fixed<60, 30> f = rand_value<ap_fixed<60, 30> >(r);
        const T u = f;
        emit("from " + name(f) + " to " + tname<T>(), dump(u));
        T v;
        v = f;
        emit("assign " + name(f) + " to " + tname<T>(), dump(v));
    }
}

// Text: to_string(10) and stream output of integers; stream output of fixed point (which goes
// through double with the stream's precision).
template <class T> void text_int(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<T> xs = operands<T>(r, n);
    for (int k = 0; k < n; ++k) {
        std::ostringstream os;
        os << xs[k];
        emit("text " + name(xs[k]), xs[k].to_string(10) + " " + os.str());
    }
}
// (Stream output of fixed-point values wider than 32 bits is left out: the reference library
// then formats them its own way, which can differ from the double's in the last digit.)
template <class T> void text_fixed(uint64_t seed, int n) {
    Rng r(seed);
    const std::vector<T> xs = operands<T>(r, n);
    for (int k = 0; k < n; ++k) {
        std::ostringstream os;
        if (tinfo<T>::w <= 32) {
            os << " " << xs[k] << " ";
            os.precision(17);
            os << xs[k];
        }
        emit("text " + name(xs[k]), xs[k].to_string(10) + os.str());
    }
}

// Values from bit and range references.
template <class T> void from_refs(uint64_t seed, int n) {
    Rng r(seed);
    const int w = tinfo<T>::w;
    const std::vector<T> xs = operands<T>(r, n);
    for (int k = 0; k < n; ++k) {
        const T x = xs[k];
        int hi = r.below(w), lo = r.below(w);
        if (hi < lo) {
            const int t = hi;
            hi = lo;
            lo = t;
        }
        const std::string d = name(x) + " (" + fmt_ll(hi) + "," + fmt_ll(lo) + ")";
        const ap_fixed<24, 12> f = x.range(hi, lo);
        emit("fixed from range " + d, dump(f));
        const ap_int<12> i = x.range(hi, lo);
        emit("int from range " + d, dump(i));
        const ap_ufixed<6, 2> b = x[lo];
        emit("fixed from bit " + d, dump(b));
        const ap_uint<1> ub = x[hi];
        emit("uint from bit " + d, dump(ub));
        T y = x;
        const ap_fixed<10, 4> src = rand_value<ap_fixed<10, 4> >(r);
        y.range(hi, lo) = src;
        emit("setrange " + d + " = " + name(src), dump(y));
    }
}
}  // namespace

void suite_bits_misc() {
    bits<ap_int<1> >(3001, 10);
    bits<ap_uint<8> >(3002, 30);
    bits<ap_int<8> >(3003, 30);
    bits<ap_int<32> >(3004, 30);
    bits<ap_uint<63> >(3005, 30);
    bits<ap_int<64> >(3006, 30);
    bits<ap_uint<65> >(3007, 30);
    bits<ap_int<128> >(3008, 30);
    bits<ap_fixed<8, 3> >(3009, 30);
    bits<ap_ufixed<16, 6> >(3010, 30);
    bits<ap_fixed<64, 32> >(3011, 30);
    bits<ap_fixed<100, -5> >(3012, 30);
    bits<ap_ufixed<128, 64> >(3013, 30);

    fixed_shifts<ap_fixed<8, 3> >(3101, 30);
    fixed_shifts<ap_ufixed<16, 6> >(3102, 30);
    fixed_shifts<ap_fixed<33, 1> >(3103, 30);
    fixed_shifts<ap_fixed<64, 32> >(3104, 30);
    fixed_shifts<ap_fixed<65, 33, AP_RND, AP_SAT> >(3105, 30);
    fixed_shifts<ap_ufixed<128, 64> >(3106, 30);

    int_from<ap_int<8> >(3201, 30);
    int_from<ap_uint<8> >(3202, 30);
    int_from<ap_int<32> >(3203, 30);
    int_from<ap_int<64> >(3204, 30);
    int_from<ap_uint<64> >(3205, 30);
    int_from<ap_int<65> >(3206, 30);
    int_from<ap_int<128> >(3207, 30);

    text_int<ap_int<8> >(3301, 20);
    text_int<ap_uint<32> >(3302, 20);
    text_int<ap_int<64> >(3303, 20);
    text_int<ap_uint<100> >(3304, 20);
    text_int<ap_int<128> >(3305, 20);
    text_fixed<ap_fixed<8, 3> >(3306, 30);
    text_fixed<ap_ufixed<16, 16> >(3307, 20);
    text_fixed<ap_fixed<32, 16> >(3308, 30);
    text_fixed<ap_fixed<64, 32> >(3309, 30);
    text_fixed<ap_fixed<128, 64> >(3310, 20);

    from_refs<ap_int<16> >(3401, 20);
    from_refs<ap_uint<70> >(3402, 20);
    from_refs<ap_fixed<20, 8> >(3403, 20);
}
