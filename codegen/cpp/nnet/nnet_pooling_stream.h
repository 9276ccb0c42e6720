// Pooling over streams (io_stream): the line-buffer walk of nnet_window_stream.h with the window
// reductions of nnet_pooling.h; global pooling keeps one running value per channel.
#ifndef NNET_POOLING_STREAM_H_
#define NNET_POOLING_STREAM_H_

#include "hls_stream.h"
#include "nnet_common.h"
#include "nnet_pooling.h"
#include "nnet_window_stream.h"

namespace nnet {

// Max pooling over streams; a 1-D layer has a configuration of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void max_pooling_2d(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    typedef typename data_T::value_type in_t;
    in_t lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    for (unsigned py = 0; py < CONFIG_T::padded_height; py++) {
        for (unsigned px = 0; px < CONFIG_T::padded_width; px++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
            line_buffer_push<data_T, CONFIG_T>(data, lines, py, px);
            unsigned oy = 0, ox = 0;
            if (!window_complete<CONFIG_T>(py, px, oy, ox)) continue;
            in_t window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
            bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
            window_from_lines<in_t, CONFIG_T>(lines, oy, ox, window, valid);
            res_T out;
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                out[c] = window_max<in_t, typename res_T::value_type, CONFIG_T>(window, valid, c);
            }
            res.write(out);
        }
    }
}

// Average pooling over streams; a 1-D layer has a configuration of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void average_pooling_2d(hls::stream<data_T>& data, hls::stream<res_T>& res,
                        const typename CONFIG_T::recip_t reciprocals[CONFIG_T::filt_height * CONFIG_T::filt_width + 1]) {
    typedef typename data_T::value_type in_t;
    in_t lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=lines complete dim=1
    for (unsigned py = 0; py < CONFIG_T::padded_height; py++) {
        for (unsigned px = 0; px < CONFIG_T::padded_width; px++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
            line_buffer_push<data_T, CONFIG_T>(data, lines, py, px);
            unsigned oy = 0, ox = 0;
            if (!window_complete<CONFIG_T>(py, px, oy, ox)) continue;
            in_t window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
            bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
            window_from_lines<in_t, CONFIG_T>(lines, oy, ox, window, valid);
            res_T out;
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                out[c] = window_average<in_t, typename res_T::value_type, CONFIG_T>(window, valid, c,
                                                                                             reciprocals);
            }
            res.write(out);
        }
    }
}

// Global max pooling over streams.
template <class data_T, class res_T, typename CONFIG_T>
void global_max_pooling(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    typedef typename data_T::value_type in_t;
    in_t best[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=best complete
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
            if (p == 0 || in[c] > best[c]) best[c] = in[c];
        }
    }
    res_T out;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = best[c];
    res.write(out);
}

// Global average pooling over streams.
template <class data_T, class res_T, typename CONFIG_T>
void global_average_pooling(hls::stream<data_T>& data, hls::stream<res_T>& res, const typename CONFIG_T::recip_t reciprocal[1]) {
    typename CONFIG_T::accum_t acc[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=acc complete
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) acc[c] = 0;
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
            const typename CONFIG_T::accum_t x = in[c];
            acc[c] += x;
        }
    }
    res_T out;
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = acc[c] * reciprocal[0];
    res.write(out);
}

}  // namespace nnet

#endif
