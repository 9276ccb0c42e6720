// Conversions into fixed-point targets: every quantization and overflow mode, from doubles,
// floats, wider fixed-point values (signed and unsigned) and integers.
#ifndef AP_CONFORMANCE_CONVERT_H
#define AP_CONFORMANCE_CONVERT_H

#include <vector>

#include "conformance.h"

namespace conf {

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> struct fx_sel {
    typedef ap_fixed<W, I, Q, O> type;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O> struct fx_sel<W, I, false, Q, O> {
    typedef ap_ufixed<W, I, Q, O> type;
};

// Source values shared by all the modes of one target format (W, I, S).
template <int W, int I, bool S> struct ConvTarget {
    // Sources with 8 more fractional bits and 4 more integer bits than the target.
    typedef ap_fixed<W + 12, I + 4> SrcS;
    typedef ap_ufixed<W + 12, I + 4> SrcU;
    typedef ap_int<(W < 40 ? W + 3 : 40)> SrcI;

    // Sources whose range is not wider than the target's: the same format, fewer integer
    // bits, and the same integer bits with more fractional bits (overflow only through a
    // rounding carry or a sign change).
    typedef typename fx_sel<W, I, S, AP_TRN, AP_WRAP>::type Same;
    typedef ap_fixed<W + 2, I - 1> NarS;
    typedef ap_fixed<W + 3, I> EqS;
    typedef ap_ufixed<W + 3, I> EqU;

    std::vector<double> doubles;
    std::vector<SrcS> ss;
    std::vector<SrcU> us;
    std::vector<SrcI> is;
    std::vector<Same> same;
    std::vector<NarS> nars;
    std::vector<EqS> eqs;
    std::vector<EqU> equ;

    explicit ConvTarget(uint64_t seed) {
        Rng r(seed);
        const int F = W - I;
        const double lsb = pow2(-F);
        // Largest and smallest representable values (as exact as a double can be).
        const double maxv = (pow2(W - (S ? 1 : 0)) - 1) * lsb;
        const double minv = S ? -pow2(W - 1) * lsb : 0.0;
        const double d_edges[] = {0.0, -0.0, lsb, -lsb, lsb / 2, -lsb / 2, 3 * lsb / 2,
                                  -3 * lsb / 2, 5 * lsb / 2, -5 * lsb / 2, lsb / 4, -lsb / 4,
                                  3 * lsb / 4, -3 * lsb / 4, maxv, maxv + lsb / 2, maxv + lsb,
                                  maxv + lsb / 4, maxv + 3 * lsb / 4, minv, minv - lsb / 2,
                                  minv - lsb, minv + lsb / 2, minv - lsb / 4, 2 * maxv + 3 * lsb,
                                  1e300, -1e300, 1e-300, -1e-300, 1.0, -1.0, 0.5, -0.5};
        for (unsigned k = 0; k < sizeof d_edges / sizeof d_edges[0]; ++k)
            doubles.push_back(d_edges[k]);
        // Rounding ties (k + 1/2) LSB for random k inside the range, and random doubles spread
        // over the whole range and a little beyond.
        for (int k = 0; k < 6; ++k) {
            const int bits = W < 50 ? W : 50;
            double kk = (double)(r.next() >> (64 - bits));
            if (S) kk -= pow2(bits - 1);
            doubles.push_back((kk + 0.5) * lsb);
        }
        for (int k = 0; k < 10; ++k) doubles.push_back(rand_double(r, -F - 3, I + 3));

        // Fixed-point sources: random bits, and rounding ties on the target's LSB built from a
        // random value: the 8 extra fractional bits set to exactly half, just above, just below.
        for (int k = 0; k < 10; ++k) ss.push_back(rand_value<SrcS>(r));
        for (int k = 0; k < 9; ++k) ss.push_back(edge_value<SrcS>(k));
        const int pats[] = {0x80, 0x81, 0x7f, 0x00, 0x40, 0xc0};
        for (int k = 0; k < 6; ++k) {
            SrcS x = rand_value<SrcS>(r);
            for (int b = 0; b < 8; ++b) put(x, b, (pats[k] >> b) & 1);
            ss.push_back(x);
            SrcU y = rand_value<SrcU>(r);
            for (int b = 0; b < 8; ++b) put(y, b, (pats[k] >> b) & 1);
            us.push_back(y);
        }
        for (int k = 0; k < 5; ++k) us.push_back(rand_value<SrcU>(r));
        for (int k = 0; k < 4; ++k) us.push_back(edge_value<SrcU>(k + 2));
        for (int k = 0; k < 6; ++k) is.push_back(rand_value<SrcI>(r));
        for (int k = 0; k < 9; ++k) same.push_back(edge_value<Same>(k));
        for (int k = 0; k < 9; ++k) nars.push_back(edge_value<NarS>(k));
        for (int k = 0; k < 4; ++k) nars.push_back(rand_value<NarS>(r));
        for (int k = 0; k < 9; ++k) eqs.push_back(edge_value<EqS>(k));
        for (int k = 0; k < 6; ++k) eqs.push_back(rand_value<EqS>(r));
        for (int k = 0; k < 9; ++k) equ.push_back(edge_value<EqU>(k));
    }

    // The format with default modes, used to print results: converting to it from the same
    // format only copies bits, so one printing routine serves every mode.
    typedef typename fx_sel<W, I, S, AP_TRN, AP_WRAP>::type P;

    template <ap_q_mode Q, ap_o_mode O> void mode(bool all_sources) const {
        typedef typename fx_sel<W, I, S, Q, O>::type T;
        const std::string pre = std::string("conv ") + tname<P>() + " " + qname(Q) + " " +
                                oname(O) + " from ";
        std::vector<P> out;
        for (size_t k = 0; k < doubles.size(); ++k) {
            const T t = doubles[k];
            out.push_back(t);
        }
        for (size_t k = 0; k < ss.size(); ++k) {
            const T t = ss[k];
            out.push_back(t);
        }
        if (all_sources) {
            convert_all<T>(us, out);
            for (size_t k = 0; k < doubles.size(); k += 3) {
                const T t = (float)doubles[k];
                out.push_back(t);
            }
            for (size_t k = 0; k < is.size(); ++k) {
                const T t = is[k];
                out.push_back(t);
            }
            convert_all<T>(same, out);
            convert_all<T>(nars, out);
            convert_all<T>(eqs, out);
            convert_all<T>(equ, out);
        }
        print(pre, out, all_sources);
    }

    template <class T, class V> static void convert_all(const std::vector<V>& in, std::vector<P>& out) {
        for (size_t k = 0; k < in.size(); ++k) {
            const T t = in[k];
            out.push_back(t);
        }
    }
    template <class V>
    static void print_all(const std::string& pre, const std::vector<V>& in, const std::vector<P>& out,
                          size_t& j) {
        for (size_t k = 0; k < in.size(); ++k) emit(pre + name(in[k]), dump(out[j++]));
    }

    void print(const std::string& pre, const std::vector<P>& out, bool all_sources) const {
        size_t j = 0;
        for (size_t k = 0; k < doubles.size(); ++k)
            emit(pre + "double " + fmt_double(doubles[k]), dump(out[j++]));
        for (size_t k = 0; k < ss.size(); ++k) emit(pre + name(ss[k]), dump(out[j++]));
        if (all_sources) {
            print_all(pre, us, out, j);
            for (size_t k = 0; k < doubles.size(); k += 3)
                emit(pre + "float " + fmt_double((float)doubles[k]), dump(out[j++]));
            for (size_t k = 0; k < is.size(); ++k) emit(pre + name(is[k]), dump(out[j++]));
            print_all(pre, same, out, j);
            print_all(pre, nars, out, j);
            print_all(pre, eqs, out, j);
            print_all(pre, equ, out, j);
        }
    }

    // Every combination of quantization and overflow mode.
    void run_all() const {
        mode<AP_TRN, AP_WRAP>(true);
        mode<AP_TRN, AP_SAT>(false);
        mode<AP_TRN, AP_SAT_ZERO>(false);
        mode<AP_TRN, AP_SAT_SYM>(true);
        mode<AP_TRN_ZERO, AP_WRAP>(false);
        mode<AP_TRN_ZERO, AP_SAT>(false);
        mode<AP_TRN_ZERO, AP_SAT_ZERO>(false);
        mode<AP_TRN_ZERO, AP_SAT_SYM>(false);
        mode<AP_RND, AP_WRAP>(false);
        mode<AP_RND, AP_SAT>(true);
        mode<AP_RND, AP_SAT_ZERO>(false);
        mode<AP_RND, AP_SAT_SYM>(false);
        mode<AP_RND_ZERO, AP_WRAP>(false);
        mode<AP_RND_ZERO, AP_SAT>(false);
        mode<AP_RND_ZERO, AP_SAT_ZERO>(false);
        mode<AP_RND_ZERO, AP_SAT_SYM>(false);
        mode<AP_RND_MIN_INF, AP_WRAP>(false);
        mode<AP_RND_MIN_INF, AP_SAT>(false);
        mode<AP_RND_MIN_INF, AP_SAT_ZERO>(false);
        mode<AP_RND_MIN_INF, AP_SAT_SYM>(false);
        mode<AP_RND_INF, AP_WRAP>(false);
        mode<AP_RND_INF, AP_SAT>(false);
        mode<AP_RND_INF, AP_SAT_ZERO>(false);
        mode<AP_RND_INF, AP_SAT_SYM>(false);
        mode<AP_RND_CONV, AP_WRAP>(false);
        mode<AP_RND_CONV, AP_SAT>(false);
        mode<AP_RND_CONV, AP_SAT_ZERO>(false);
        mode<AP_RND_CONV, AP_SAT_SYM>(true);
    }

    // Two combinations: the default modes, and rounding with saturation.
    void run_few() const {
        mode<AP_TRN, AP_WRAP>(true);
        mode<AP_RND_CONV, AP_SAT_SYM>(true);
    }

    // Every quantization mode and every overflow mode, in fewer combinations.
    void run_some() const {
        mode<AP_TRN, AP_WRAP>(true);
        mode<AP_TRN_ZERO, AP_SAT>(false);
        mode<AP_RND, AP_SAT>(true);
        mode<AP_RND_ZERO, AP_SAT_SYM>(false);
        mode<AP_RND_MIN_INF, AP_SAT_ZERO>(false);
        mode<AP_RND_INF, AP_WRAP>(false);
        mode<AP_RND_CONV, AP_SAT_SYM>(true);
    }
};

template <int W, int I, bool S> void convert_all_modes(uint64_t seed) {
    ConvTarget<W, I, S>(seed).run_all();
}
template <int W, int I, bool S> void convert_few_modes(uint64_t seed) {
    ConvTarget<W, I, S>(seed).run_few();
}
template <int W, int I, bool S> void convert_some_modes(uint64_t seed) {
    ConvTarget<W, I, S>(seed).run_some();
}

}  // namespace conf

#endif
