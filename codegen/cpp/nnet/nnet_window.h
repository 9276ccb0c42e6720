// Sliding windows over channels-last 2-D inputs, shared by convolutions and pooling. A 1-D layer is
// a 2-D layer of height 1.
//
// Configuration (CONFIG_T):
//   in_height, in_width, n_chan               the input
//   filt_height, filt_width                   the window (kernel or pool size)
//   stride_height, stride_width, dilation_height, dilation_width
//   pad_top, pad_bottom, pad_left, pad_right  zero padding around the input
//   span_height, span_width                   extent of a dilated window: dilation * (filt - 1) + 1
//   padded_height, padded_width               the input with its padding
//   out_height, out_width                     the output positions
//
// A window holds filt_height * filt_width positions of n_chan values each, in the order
// (row ascending, column ascending, channel ascending): the row-major order of the kernel's
// [filt_height][filt_width][n_chan] inputs. Positions that fall in the padding hold zero and are
// marked invalid.
#ifndef NNET_WINDOW_H_
#define NNET_WINDOW_H_

#include "nnet_common.h"

namespace nnet {

// Whether padded-input row py (or column px) lies inside the input.
template <typename CONFIG_T> bool row_inside(int py) {
    return py >= int(CONFIG_T::pad_top) && py < int(CONFIG_T::pad_top + CONFIG_T::in_height);
}
template <typename CONFIG_T> bool column_inside(int px) {
    return px >= int(CONFIG_T::pad_left) && px < int(CONFIG_T::pad_left + CONFIG_T::in_width);
}

// The window of output position (oy, ox), gathered from the whole input array (io_parallel).
template <class data_T, typename CONFIG_T>
void window_from_array(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan], unsigned oy,
                       unsigned ox, data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                       bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width]) {
#pragma HLS INLINE
    for (unsigned ky = 0; ky < CONFIG_T::filt_height; ky++) {
        for (unsigned kx = 0; kx < CONFIG_T::filt_width; kx++) {
            // The position in padded coordinates, then in the input.
            const int py = int(oy * CONFIG_T::stride_height + ky * CONFIG_T::dilation_height);
            const int px = int(ox * CONFIG_T::stride_width + kx * CONFIG_T::dilation_width);
            const bool inside = row_inside<CONFIG_T>(py) && column_inside<CONFIG_T>(px);
            const unsigned k = ky * CONFIG_T::filt_width + kx;
            valid[k] = inside;
            const int iy = py - int(CONFIG_T::pad_top);
            const int ix = px - int(CONFIG_T::pad_left);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                window[k * CONFIG_T::n_chan + c] =
                    inside ? data[(unsigned(iy) * CONFIG_T::in_width + unsigned(ix)) * CONFIG_T::n_chan + c] : data_T(0);
            }
        }
    }
}

}  // namespace nnet

#endif
