// Convolutions (Conv1D, Conv2D) over streams (io_stream). The input arrives one position (n_chan
// values) per stream element in row-major order; a line buffer keeps the last span_height rows of
// the padded input, and as soon as a position completes the window of an output position, that
// window is multiplied by the kernel (nnet_dense.h) and the n_filt results are written out. The
// arithmetic is that of nnet_conv.h; the configuration is the same.
#ifndef NNET_CONV_STREAM_H_
#define NNET_CONV_STREAM_H_

#include "hls_stream.h"
#include "nnet_common.h"
#include "nnet_dense.h"
#include "nnet_window_stream.h"

namespace nnet {

// Padded position (py, px): store it, and compute the output position it completes, if any.
template <class data_T, class res_T, typename CONFIG_T>
void conv_stream_position(
    hls::stream<data_T>& data, hls::stream<res_T>& res,
    typename data_T::value_type lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan],
    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out], unsigned py, unsigned px) {
#pragma HLS INLINE
    typedef typename data_T::value_type in_t;
    line_buffer_push<data_T, CONFIG_T>(data, lines, py, px);
    unsigned oy = 0, ox = 0;
    if (window_complete<CONFIG_T>(py, px, oy, ox)) {
        in_t window[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable=window complete
        bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
        window_from_lines<in_t, CONFIG_T>(lines, oy, ox, window, valid);
        res_T out;
        dense_kernel<in_t, typename res_T::value_type, CONFIG_T>(window, out.data, weights, biases);
        res.write(out);
    }
}

// Latency strategy: one padded input position per reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_latency(hls::stream<data_T>& data, hls::stream<res_T>& res,
                     const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                     const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS ARRAY_PARTITION variable=weights complete
#pragma HLS ARRAY_PARTITION variable=biases complete
    typename data_T::value_type lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    for (unsigned py = 0; py < CONFIG_T::padded_height; py++) {
        for (unsigned px = 0; px < CONFIG_T::padded_width; px++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
            conv_stream_position<data_T, res_T, CONFIG_T>(data, res, lines, weights, biases, py, px);
        }
    }
}

// Resource strategy: each output position folded over reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_resource(hls::stream<data_T>& data, hls::stream<res_T>& res,
                      const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                      const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    typename data_T::value_type lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    for (unsigned py = 0; py < CONFIG_T::padded_height; py++) {
        for (unsigned px = 0; px < CONFIG_T::padded_width; px++) {
            conv_stream_position<data_T, res_T, CONFIG_T>(data, res, lines, weights, biases, py, px);
        }
    }
}

}  // namespace nnet

#endif
