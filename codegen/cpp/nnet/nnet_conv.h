// Convolutions (Conv1D, Conv2D) over arrays (io_parallel): for each output position, the window of
// the input (zeros in the padding) times the kernel, with the matrix-vector kernel of nnet_dense.h.
// Products of padding zeros are zero, so they leave the sums as if they were skipped.
//
// The kernel is stored as Keras lays it out, [filt_height][filt_width][n_chan][n_filt] row-major:
// exactly the [n_in][n_out] matrix of the window (n_in = filt_height * filt_width * n_chan,
// n_out = n_filt) in the window order of nnet_window.h. A Conv1D is a Conv2D of height 1.
//
// Configuration (CONFIG_T): the fields of nnet_window.h, plus
//   n_filt                                       output channels
//   n_in, n_out                                  the kernel matrix: window size and n_filt
//   reuse_factor, n_mult, multiplier_limit, strategy, accum_t, weight_t, bias_t   as in nnet_dense.h
#ifndef NNET_CONV_H_
#define NNET_CONV_H_

#include "nnet_common.h"
#include "nnet_dense.h"
#include "nnet_window.h"

namespace nnet {

// Output position (oy, ox): gather its window, multiply, store its n_filt results.
template <class data_T, class res_T, typename CONFIG_T>
void conv_position(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                   res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out], unsigned oy, unsigned ox) {
#pragma HLS INLINE
    data_T window[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable=window complete
    bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
    window_from_array<data_T, CONFIG_T>(data, oy, ox, window, valid);
    res_T y[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=y complete
    dense_kernel<data_T, res_T, CONFIG_T>(window, y, weights, biases);
    for (unsigned f = 0; f < CONFIG_T::n_filt; f++) {
        res[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_filt + f] = y[f];
    }
}

// Latency strategy: every output position computed in parallel, pipelined at II = reuse_factor.
template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_latency(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                     res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                     const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                     const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable=weights complete
#pragma HLS ARRAY_PARTITION variable=biases complete
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
            conv_position<data_T, res_T, CONFIG_T>(data, res, weights, biases, oy, ox);
        }
    }
}

// Resource strategy: one output position after the other, each folded over reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_resource(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                      res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
                      const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                      const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
            conv_position<data_T, res_T, CONFIG_T>(data, res, weights, biases, oy, ox);
        }
    }
}

}  // namespace nnet

#endif
