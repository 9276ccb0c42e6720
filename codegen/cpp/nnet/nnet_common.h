// The HLS layer library of hls4ml for Rust: what every layer shares.
//
// Numbers follow docs/semantics.md of the generator: every conversion into a type is an assignment
// (its quantization and overflow modes), every intermediate sum or product is exact unless it is
// stored into an accumulator, and accumulations run in ascending input order for each output, so
// io_parallel and io_stream, latency and resource all compute the same bits.
//
// Sizes and types of a layer come from its configuration struct (parameters.h), a template
// parameter of every function here.
#ifndef NNET_COMMON_H_
#define NNET_COMMON_H_

#include "ap_fixed.h"
#include "ap_int.h"

namespace nnet {

// How a layer lays out its multiplications.
enum strategy_t {
    latency,  // fully unrolled, pipelined at II = reuse_factor
    resource  // multiplications folded over reuse_factor cycles
};

// The strategy as a type: overloads taking it are chosen at compile time, so only the chosen
// implementation is instantiated.
template <strategy_t S> struct strategy_tag {};

// The channels of one position of a tensor: the element of a layer's hls::stream in io_stream.
template <class T, unsigned N> struct pack {
    typedef T value_type;
    enum { size = N };
    T data[N];

    T& operator[](unsigned i) { return data[i]; }
    const T& operator[](unsigned i) const { return data[i]; }
};

// The entry of a lookup table over [lo, hi) with `size` entries for the value x:
//   x < lo -> 0,  x >= hi -> size - 1,  otherwise floor((x - lo) * size / (hi - lo)),
// with size / (hi - lo) = 2^shift. `x - lo` and its product with 2^shift are exact, and the
// conversion to an integer truncates towards zero, which is the floor of a non-negative value.
template <class data_T> unsigned table_index(const data_T& x, int lo, int hi, unsigned size, int shift) {
#pragma HLS INLINE
    if (x < lo) return 0;
    if (x >= hi) return size - 1;
    if (shift >= 0) return ((x - lo) * (1u << shift)).to_uint();
    return (x - lo).to_uint() >> -shift;
}

// Element-wise conversion of an array into another type: flatten, reshape, and the copies the top
// function needs.
template <class data_T, class res_T, unsigned N> void convert_array(const data_T data[N], res_T res[N]) {
#pragma HLS INLINE
    for (unsigned i = 0; i < N; i++) {
#pragma HLS UNROLL
        res[i] = data[i];
    }
}

#ifndef __SYNTHESIS__
// C simulation only: sets each value of a constant array from its raw bits (value = bits * 2^-F,
// the low `width` bits kept). Thousands of literal conversions take seconds to compile; these arrays
// of integers take none. Synthesis initializes the same arrays with their literals.
template <class T, unsigned N> bool load_bits(T (&values)[N], const long long (&bits)[N]) {
    for (unsigned i = 0; i < N; i++) values[i].range(T::width - 1, 0) = bits[i];
    return true;
}
#endif

}  // namespace nnet

#endif
