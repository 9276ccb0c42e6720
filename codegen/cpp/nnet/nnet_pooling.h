// Pooling over arrays (io_parallel): max and average pooling over sliding windows (nnet_window.h),
// and global pooling over all positions.
//
//   max:      y = Q_res(the largest value of the window); padding never wins
//   average:  a = Q_acc(a + Q_acc(x)) over the window's valid positions in window order,
//             y = Q_res(a * R[count]), R[count] = 1/count in reciprocal_t, exact for powers of two;
//             count excludes the padding unless count_include_pad
//
// Configuration (CONFIG_T): the fields of nnet_window.h, plus
//   count_include_pad   average pooling divides by the whole window, padding included
//   reuse_factor        the initiation interval
//   accum_t, recip_t    average pooling's sum and reciprocals
// Average pooling takes the reciprocals R[0 .. filt_height * filt_width] (R[0] unused).
// Global pooling configuration: n_positions, n_chan, reuse_factor, accum_t, recip_t; its reciprocal
// is R[0] = 1/n_positions.
#ifndef NNET_POOLING_H_
#define NNET_POOLING_H_

#include "nnet_common.h"
#include "nnet_window.h"

namespace nnet {

// The largest valid value of channel c of a window (zero when no position is valid).
template <class data_T, class res_T, typename CONFIG_T>
res_T window_max(const data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                 const bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width], unsigned c) {
#pragma HLS INLINE
    data_T best = 0;
    bool any = false;
    for (unsigned k = 0; k < CONFIG_T::filt_height * CONFIG_T::filt_width; k++) {
        const data_T x = window[k * CONFIG_T::n_chan + c];
        if (valid[k] && (!any || x > best)) {
            best = x;
            any = true;
        }
    }
    return res_T(best);
}

// The average of channel c of a window.
template <class data_T, class res_T, typename CONFIG_T>
res_T window_average(const data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan],
                     const bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width], unsigned c,
                     const typename CONFIG_T::recip_t reciprocals[CONFIG_T::filt_height * CONFIG_T::filt_width + 1]) {
#pragma HLS INLINE
    typename CONFIG_T::accum_t acc = 0;
    unsigned count = 0;
    for (unsigned k = 0; k < CONFIG_T::filt_height * CONFIG_T::filt_width; k++) {
        if (valid[k]) {
            const typename CONFIG_T::accum_t x = window[k * CONFIG_T::n_chan + c];
            acc += x;
            count++;
        }
    }
    if (CONFIG_T::count_include_pad) count = CONFIG_T::filt_height * CONFIG_T::filt_width;
    return res_T(acc * reciprocals[count]);
}

// Max pooling over arrays; a 1-D layer has a configuration of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void max_pooling_2d(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                    res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
            data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
            bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
            window_from_array<data_T, CONFIG_T>(data, oy, ox, window, valid);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                res[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c] =
                    window_max<data_T, res_T, CONFIG_T>(window, valid, c);
            }
        }
    }
}

// Average pooling over arrays; a 1-D layer has a configuration of height 1.
template <class data_T, class res_T, typename CONFIG_T>
void average_pooling_2d(const data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                        res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan],
                        const typename CONFIG_T::recip_t reciprocals[CONFIG_T::filt_height * CONFIG_T::filt_width + 1]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned oy = 0; oy < CONFIG_T::out_height; oy++) {
        for (unsigned ox = 0; ox < CONFIG_T::out_width; ox++) {
            data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan];
            bool valid[CONFIG_T::filt_height * CONFIG_T::filt_width];
            window_from_array<data_T, CONFIG_T>(data, oy, ox, window, valid);
            for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
                res[(oy * CONFIG_T::out_width + ox) * CONFIG_T::n_chan + c] =
                    window_average<data_T, res_T, CONFIG_T>(window, valid, c, reciprocals);
            }
        }
    }
}

// Global max pooling over arrays: the largest value of each channel over all positions.
template <class data_T, class res_T, typename CONFIG_T>
void global_max_pooling(const data_T data[CONFIG_T::n_positions * CONFIG_T::n_chan], res_T res[CONFIG_T::n_chan]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        data_T best = data[c];
        for (unsigned p = 1; p < CONFIG_T::n_positions; p++) {
            if (data[p * CONFIG_T::n_chan + c] > best) best = data[p * CONFIG_T::n_chan + c];
        }
        res[c] = best;
    }
}

// Global average pooling over arrays: the mean of each channel over all positions.
template <class data_T, class res_T, typename CONFIG_T>
void global_average_pooling(const data_T data[CONFIG_T::n_positions * CONFIG_T::n_chan], res_T res[CONFIG_T::n_chan],
                            const typename CONFIG_T::recip_t reciprocal[1]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        typename CONFIG_T::accum_t acc = 0;
        for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
            const typename CONFIG_T::accum_t x = data[p * CONFIG_T::n_chan + c];
            acc += x;
        }
        res[c] = acc * reciprocal[0];
    }
}

}  // namespace nnet

#endif
