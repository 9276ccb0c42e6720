// Softmax over the last axis (n_chan values per position), over arrays (io_parallel).
//
//   stable:   m = max x;  e[i] = E[index(x[i] - m)] (E: exp over [exp_lo, exp_hi));
//             s = sum e (exact, in sum_t);  r = R[index(s)] (R: 1/x over [inv_lo, inv_hi));
//             y[i] = Q_res(e[i] * r)
//   latency:  the same without subtracting the maximum
//   argmax:   y[i] = 1 for the first largest x[i], 0 elsewhere
// The table index is that of nnet::table_index.
//
// Configuration (CONFIG_T): n_in (all values), n_chan, n_positions, reuse_factor,
// exp_table_size, exp_lo, exp_hi, exp_index_shift, inv_table_size, inv_lo, inv_hi, inv_index_shift,
// exp_table_t, inv_table_t, sum_t.
#ifndef NNET_SOFTMAX_H_
#define NNET_SOFTMAX_H_

#include "nnet_common.h"

namespace nnet {

// The exponentials of one position's values looked up, their sum, and the outputs.
template <class res_T, typename CONFIG_T>
void softmax_normalize(const typename CONFIG_T::exp_table_t e[CONFIG_T::n_chan], res_T y[CONFIG_T::n_chan],
                       const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS INLINE
    typename CONFIG_T::sum_t sum = 0;
    for (unsigned i = 0; i < CONFIG_T::n_chan; i++) sum += e[i];
    const unsigned k =
        table_index(sum, CONFIG_T::inv_lo, CONFIG_T::inv_hi, CONFIG_T::inv_table_size, CONFIG_T::inv_index_shift);
    const typename CONFIG_T::inv_table_t r = inv_table[k];
    for (unsigned i = 0; i < CONFIG_T::n_chan; i++) y[i] = e[i] * r;
}

// Stable softmax of one position.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_stable_vector(const data_T x[CONFIG_T::n_chan], res_T y[CONFIG_T::n_chan],
                           const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                           const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS INLINE
    data_T m = x[0];
    for (unsigned i = 1; i < CONFIG_T::n_chan; i++) {
        if (x[i] > m) m = x[i];
    }
    typename CONFIG_T::exp_table_t e[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=e complete
    for (unsigned i = 0; i < CONFIG_T::n_chan; i++) {
        e[i] = exp_table[table_index(x[i] - m, CONFIG_T::exp_lo, CONFIG_T::exp_hi, CONFIG_T::exp_table_size,
                                     CONFIG_T::exp_index_shift)];
    }
    softmax_normalize<res_T, CONFIG_T>(e, y, inv_table);
}

// Latency softmax of one position.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_latency_vector(const data_T x[CONFIG_T::n_chan], res_T y[CONFIG_T::n_chan],
                            const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                            const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS INLINE
    typename CONFIG_T::exp_table_t e[CONFIG_T::n_chan];
#pragma HLS ARRAY_PARTITION variable=e complete
    for (unsigned i = 0; i < CONFIG_T::n_chan; i++) {
        e[i] = exp_table[table_index(x[i], CONFIG_T::exp_lo, CONFIG_T::exp_hi, CONFIG_T::exp_table_size,
                                     CONFIG_T::exp_index_shift)];
    }
    softmax_normalize<res_T, CONFIG_T>(e, y, inv_table);
}

// Argmax of one position: a one-hot of the first largest value.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax_vector(const data_T x[CONFIG_T::n_chan], res_T y[CONFIG_T::n_chan]) {
#pragma HLS INLINE
    unsigned best = 0;
    for (unsigned i = 1; i < CONFIG_T::n_chan; i++) {
        if (x[i] > x[best]) best = i;
    }
    for (unsigned i = 0; i < CONFIG_T::n_chan; i++) y[i] = res_T(i == best ? 1 : 0);
}

// Stable softmax over arrays, position by position.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_stable(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                    const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                    const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        data_T x[CONFIG_T::n_chan];
        res_T y[CONFIG_T::n_chan];
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) x[i] = data[p * CONFIG_T::n_chan + i];
        softmax_stable_vector<data_T, res_T, CONFIG_T>(x, y, exp_table, inv_table);
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) res[p * CONFIG_T::n_chan + i] = y[i];
    }
}

// Latency softmax over arrays, position by position.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_latency(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                     const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                     const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        data_T x[CONFIG_T::n_chan];
        res_T y[CONFIG_T::n_chan];
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) x[i] = data[p * CONFIG_T::n_chan + i];
        softmax_latency_vector<data_T, res_T, CONFIG_T>(x, y, exp_table, inv_table);
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) res[p * CONFIG_T::n_chan + i] = y[i];
    }
}

// Argmax over arrays, position by position.
template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        data_T x[CONFIG_T::n_chan];
        res_T y[CONFIG_T::n_chan];
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) x[i] = data[p * CONFIG_T::n_chan + i];
        softmax_argmax_vector<data_T, res_T, CONFIG_T>(x, y);
        for (unsigned i = 0; i < CONFIG_T::n_chan; i++) res[p * CONFIG_T::n_chan + i] = y[i];
    }
}

}  // namespace nnet

#endif
