// Dense layers over streams (io_stream): each stream element is one position's n_in inputs, and
// the layer writes one element of n_out outputs per position. Same arithmetic as nnet_dense.h.
#ifndef NNET_DENSE_STREAM_H_
#define NNET_DENSE_STREAM_H_

#include "hls_stream.h"
#include "nnet_common.h"
#include "nnet_dense.h"

namespace nnet {

// One position: read it, run the kernel, write the result.
template <class data_T, class res_T, typename CONFIG_T>
void dense_stream_position(hls::stream<data_T>& data, hls::stream<res_T>& res,
                           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
    data_T x = data.read();
    res_T y;
    dense_kernel<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(x.data, y.data, weights,
                                                                                   biases);
    res.write(y);
}

// Dense layer over streams, latency strategy: a new position every reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(hls::stream<data_T>& data, hls::stream<res_T>& res,
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS ARRAY_PARTITION variable=weights complete
#pragma HLS ARRAY_PARTITION variable=biases complete
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        dense_stream_position<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    }
}

// Dense layer over streams, resource strategy: each position folded over reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(hls::stream<data_T>& data, hls::stream<res_T>& res,
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        dense_stream_position<data_T, res_T, CONFIG_T>(data, res, weights, biases);
    }
}

}  // namespace nnet

#endif
