// Sliding windows over streams (io_stream): a line buffer holding the last span_height rows of the
// padded input, from which each output position's window is gathered as soon as it is complete.
// Configuration fields and window layout as in nnet_window.h.
#ifndef NNET_WINDOW_STREAM_H_
#define NNET_WINDOW_STREAM_H_

#include "hls_stream.h"
#include "nnet_window.h"

namespace nnet {

// True when padded-input position (py, px), just received, completes the window of an output
// position; that position is then (oy, ox). Positions arrive in row-major order.
template <typename CONFIG_T> bool window_complete(unsigned py, unsigned px, unsigned& oy, unsigned& ox) {
#pragma HLS INLINE
    if (py + 1 < CONFIG_T::span_height || px + 1 < CONFIG_T::span_width) return false;
    const unsigned dy = py + 1 - CONFIG_T::span_height;
    const unsigned dx = px + 1 - CONFIG_T::span_width;
    if (dy % CONFIG_T::stride_height != 0 || dx % CONFIG_T::stride_width != 0) return false;
    oy = dy / CONFIG_T::stride_height;
    ox = dx / CONFIG_T::stride_width;
    return oy < CONFIG_T::out_height && ox < CONFIG_T::out_width;
}

// The window of output position (oy, ox), gathered from a line buffer that holds the last
// span_height rows of the padded input, row py at index py % span_height (io_stream).
template <class data_T, typename CONFIG_T>
void window_from_lines(const data_T lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan],
                       unsigned oy, unsigned ox,
                       data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                       bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width]) {
#pragma HLS INLINE
    for (unsigned ky = 0; ky < CONFIG_T::filt_height; ky++) {
        for (unsigned kx = 0; kx < CONFIG_T::filt_width; kx++) {
            const unsigned py = oy * CONFIG_T::stride_height + ky * CONFIG_T::dilation_height;
            const unsigned px = ox * CONFIG_T::stride_width + kx * CONFIG_T::dilation_width;
            const unsigned k = ky * CONFIG_T::filt_width + kx;
            valid[k] = row_inside<CONFIG_T>(int(py)) && column_inside<CONFIG_T>(int(px));
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                window[k * CONFIG_T::n_chan + c] = lines[py % CONFIG_T::span_height][px * CONFIG_T::n_chan + c];
            }
        }
    }
}

// Stores padded-input position (py, px) into the line buffer: the next stream element when the
// position lies inside the input, zeros in the padding.
template <class data_T, typename CONFIG_T>
void line_buffer_push(hls::stream<data_T>& data,
                      typename data_T::value_type lines[CONFIG_T::span_height][CONFIG_T::padded_width * CONFIG_T::n_chan],
                      unsigned py, unsigned px) {
#pragma HLS INLINE
    const bool inside = row_inside<CONFIG_T>(int(py)) && column_inside<CONFIG_T>(int(px));
    data_T in;
    if (inside) {
        in = data.read();
    } else {
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) in[c] = 0;
    }
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
#pragma HLS UNROLL
        lines[py % CONFIG_T::span_height][px * CONFIG_T::n_chan + c] = in[c];
    }
}

}  // namespace nnet

#endif
