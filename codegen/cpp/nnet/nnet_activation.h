// Element-wise activations over arrays (io_parallel), and the per-value functions the stream
// versions share.
//
//   linear        y = Q_res(x)
//   relu          y = Q_res(x > 0 ? x : 0)
//   leaky_relu    y = Q_res(x > 0 ? x : x * alpha)
//   clip          y = Q_res(min(max(x, lo), hi))                (relu6, ReLU(max_value))
//   hard_sigmoid  y = Q_res(min(max(x * slope + offset, 0), 1)) (the product and sum exact)
//   table         y = Q_res(T[index(x)])                       (sigmoid, tanh, softsign)
//   softplus      y = Q_res(x) for x >= table_hi, the table below
//   elu           y = Q_res(x) for x > 0, the table for x <= 0
//   selu          y = Q_res(x * lambda) for x > 0, the table for x <= 0
// Parameters (alpha, lo, hi, slope, offset, lambda) and tables are constants of their own types,
// passed in by the caller. The table index is that of nnet::table_index.
//
// Configuration (CONFIG_T): n_in (all values), n_chan, n_positions (n_in / n_chan), reuse_factor;
// table activations also table_size, table_lo, table_hi, index_shift and table_t.
#ifndef NNET_ACTIVATION_H_
#define NNET_ACTIVATION_H_

#include "nnet_common.h"

namespace nnet {

// ---- One value -------------------------------------------------------------------------------

template <class res_T, class data_T> res_T linear_value(const data_T& x) {
#pragma HLS INLINE
    return res_T(x);
}

template <class res_T, class data_T> res_T relu_value(const data_T& x) {
#pragma HLS INLINE
    if (x > 0) return res_T(x);
    return res_T(0);
}

template <class res_T, class data_T, class param_T> res_T leaky_relu_value(const data_T& x, const param_T& alpha) {
#pragma HLS INLINE
    if (x > 0) return res_T(x);
    return res_T(x * alpha);
}

template <class res_T, class data_T, class lo_T, class hi_T>
res_T clip_value(const data_T& x, const lo_T& lo, const hi_T& hi) {
#pragma HLS INLINE
    if (x < lo) return res_T(lo);
    if (x > hi) return res_T(hi);
    return res_T(x);
}

template <class res_T, class data_T, class slope_T, class offset_T>
res_T hard_sigmoid_value(const data_T& x, const slope_T& slope, const offset_T& offset) {
#pragma HLS INLINE
    if (x * slope + offset < 0) return res_T(0);
    if (x * slope + offset > 1) return res_T(1);
    return res_T(x * slope + offset);
}

template <class res_T, typename CONFIG_T, class data_T>
res_T table_value(const data_T& x, const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS INLINE
    const unsigned k = table_index(x, CONFIG_T::table_lo, CONFIG_T::table_hi, CONFIG_T::table_size,
                                   CONFIG_T::index_shift);
    return res_T(table[k]);
}

template <class res_T, typename CONFIG_T, class data_T>
res_T softplus_value(const data_T& x, const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS INLINE
    if (x >= int(CONFIG_T::table_hi)) return res_T(x);
    return table_value<res_T, CONFIG_T>(x, table);
}

template <class res_T, typename CONFIG_T, class data_T>
res_T elu_value(const data_T& x, const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS INLINE
    if (x > 0) return res_T(x);
    return table_value<res_T, CONFIG_T>(x, table);
}

template <class res_T, typename CONFIG_T, class data_T, class param_T>
res_T selu_value(const data_T& x, const param_T& lambda, const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS INLINE
    if (x > 0) return res_T(x * lambda);
    return table_value<res_T, CONFIG_T>(x, table);
}

// ---- Whole arrays ----------------------------------------------------------------------------

template <class data_T, class res_T, typename CONFIG_T>
void linear(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = linear_value<res_T>(data[i]);
}

template <class data_T, class res_T, typename CONFIG_T>
void relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = relu_value<res_T>(data[i]);
}

template <class data_T, class res_T, typename CONFIG_T, class param_T>
void leaky_relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in], const param_T& alpha) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = leaky_relu_value<res_T>(data[i], alpha);
}

template <class data_T, class res_T, typename CONFIG_T, class lo_T, class hi_T>
void clip(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in], const lo_T& lo, const hi_T& hi) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = clip_value<res_T>(data[i], lo, hi);
}

template <class data_T, class res_T, typename CONFIG_T, class slope_T, class offset_T>
void hard_sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in], const slope_T& slope,
                  const offset_T& offset) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = hard_sigmoid_value<res_T>(data[i], slope, offset);
}

// Sigmoid, tanh, softsign: a table lookup.
template <class data_T, class res_T, typename CONFIG_T>
void table_activation(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                      const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = table_value<res_T, CONFIG_T>(data[i], table);
}

template <class data_T, class res_T, typename CONFIG_T>
void softplus(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
              const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = softplus_value<res_T, CONFIG_T>(data[i], table);
}

template <class data_T, class res_T, typename CONFIG_T>
void elu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
         const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = elu_value<res_T, CONFIG_T>(data[i], table);
}

template <class data_T, class res_T, typename CONFIG_T, class param_T>
void selu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in], const param_T& lambda,
          const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = selu_value<res_T, CONFIG_T>(data[i], lambda, table);
}

}  // namespace nnet

#endif
