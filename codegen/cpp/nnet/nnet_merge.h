// Layers that merge two tensors, over arrays (io_parallel).
//
//   add:     y = Q_res(a + b), the sum exact (a sum of more inputs is a chain of exact partial sums)
//   concat:  y = Q_res(x), the inputs placed one after the other along the axis
//
// Add configuration (CONFIG_T): n_in (values of each input), n_chan, n_positions, reuse_factor.
// Concatenate configuration: the tensors seen as [n_outer][block] with the axis inside the block:
//   n_outer              product of the dimensions before the axis
//   a_block, b_block     values of each input per outer index (its axis length times the inner size)
//   a_chan, b_chan, res_chan   values per position (the last dimension) of each input and the result
//   n_out                n_outer * (a_block + b_block)
#ifndef NNET_MERGE_H_
#define NNET_MERGE_H_

#include "nnet_common.h"

namespace nnet {

// Element-wise sum of two arrays.
template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void add(const input1_T a[CONFIG_T::n_in], const input2_T b[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = a[i] + b[i];
}

// Concatenation of two arrays along an axis.
template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void concatenate(const input1_T a[CONFIG_T::n_outer * CONFIG_T::a_block],
                 const input2_T b[CONFIG_T::n_outer * CONFIG_T::b_block], res_T res[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
        const unsigned base = o * (CONFIG_T::a_block + CONFIG_T::b_block);
        for (unsigned i = 0; i < CONFIG_T::a_block; i++) res[base + i] = a[o * CONFIG_T::a_block + i];
        for (unsigned i = 0; i < CONFIG_T::b_block; i++) res[base + CONFIG_T::a_block + i] = b[o * CONFIG_T::b_block + i];
    }
}

}  // namespace nnet

#endif
