// Layers that only move values, over arrays (io_parallel): each value converted with
// y = Q_res(x) (the identity when the types agree).
//
//   reshape (Flatten, Reshape)  the same values in the same row-major order: nnet::convert_array
//   transpose                   the axes permuted
//   zero_pad                    the input inside a border of zeros
//
// Transpose configuration (CONFIG_T), the tensors seen with four axes (leading axes of size 1):
//   n_in                        values
//   out_dim0 .. out_dim3        the output's dimensions
//   in_stride0 .. in_stride3    for output axis k, the stride in the input of the axis it comes from
//   in_chan, res_chan           values per position of the input and the output (io_stream)
// Zero padding configuration, 1-D layers having height 1:
//   in_height, in_width, n_chan, pad_top, pad_bottom, pad_left, pad_right, out_height, out_width
#ifndef NNET_RESHAPE_H_
#define NNET_RESHAPE_H_

#include "nnet_common.h"

namespace nnet {

// The input index of each output value of a transpose, in output order.
template <typename CONFIG_T> unsigned transpose_source(unsigned i0, unsigned i1, unsigned i2, unsigned i3) {
#pragma HLS INLINE
    return i0 * CONFIG_T::in_stride0 + i1 * CONFIG_T::in_stride1 + i2 * CONFIG_T::in_stride2 +
           i3 * CONFIG_T::in_stride3;
}

// Transpose over arrays.
template <class data_T, class res_T, typename CONFIG_T>
void transpose(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    unsigned o = 0;
    for (unsigned i0 = 0; i0 < CONFIG_T::out_dim0; i0++) {
        for (unsigned i1 = 0; i1 < CONFIG_T::out_dim1; i1++) {
            for (unsigned i2 = 0; i2 < CONFIG_T::out_dim2; i2++) {
                for (unsigned i3 = 0; i3 < CONFIG_T::out_dim3; i3++) {
                    res[o] = data[transpose_source<CONFIG_T>(i0, i1, i2, i3)];
                    o++;
                }
            }
        }
    }
}

// Zero padding over arrays.
template <class data_T, class res_T, typename CONFIG_T>
void zero_pad(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
              res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned y = 0; y < CONFIG_T::out_height; y++) {
        for (unsigned x = 0; x < CONFIG_T::out_width; x++) {
            const int iy = int(y) - int(CONFIG_T::pad_top);
            const int ix = int(x) - int(CONFIG_T::pad_left);
            const bool inside =
                iy >= 0 && iy < int(CONFIG_T::in_height) && ix >= 0 && ix < int(CONFIG_T::in_width);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                const unsigned o = (y * CONFIG_T::out_width + x) * CONFIG_T::n_chan + c;
                if (inside) {
                    res[o] = data[(unsigned(iy) * CONFIG_T::in_width + unsigned(ix)) * CONFIG_T::n_chan + c];
                } else {
                    res[o] = 0;
                }
            }
        }
    }
}

}  // namespace nnet

#endif
