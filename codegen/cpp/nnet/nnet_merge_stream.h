// Layers that merge two tensors, over streams (io_stream); the arithmetic and configuration of
// nnet_merge.h.
#ifndef NNET_MERGE_STREAM_H_
#define NNET_MERGE_STREAM_H_

#include "hls_stream.h"
#include "nnet_merge.h"

namespace nnet {

// Element-wise sum of two streams, position by position.
template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void add(hls::stream<input1_T>& a, hls::stream<input2_T>& b, hls::stream<res_T>& res) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const input1_T x = a.read();
        const input2_T y = b.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = x[c] + y[c];
        res.write(out);
    }
}

// Concatenation of two streams along an axis: for each outer index, a's block then b's block,
// value by value, repacked into positions of res_chan values. Along the last axis this joins the
// channels of each position; along an outer axis it passes whole positions through.
template <class input1_T, class input2_T, class res_T, typename CONFIG_T>
void concatenate(hls::stream<input1_T>& a, hls::stream<input2_T>& b, hls::stream<res_T>& res) {
    input1_T x;
    input2_T y;
    res_T out;
    unsigned ia = 0, ib = 0, io = 0;  // values taken from a and b, values placed in the current output
    for (unsigned o = 0; o < CONFIG_T::n_outer; o++) {
        for (unsigned i = 0; i < CONFIG_T::a_block; i++) {
#pragma HLS PIPELINE
            if (ia == 0) x = a.read();
            out[io] = x[ia];
            ia = ia + 1 == CONFIG_T::a_chan ? 0 : ia + 1;
            io = io + 1 == CONFIG_T::res_chan ? 0 : io + 1;
            if (io == 0) res.write(out);
        }
        for (unsigned i = 0; i < CONFIG_T::b_block; i++) {
#pragma HLS PIPELINE
            if (ib == 0) y = b.read();
            out[io] = y[ib];
            ib = ib + 1 == CONFIG_T::b_chan ? 0 : ib + 1;
            io = io + 1 == CONFIG_T::res_chan ? 0 : io + 1;
            if (io == 0) res.write(out);
        }
    }
}

}  // namespace nnet

#endif
