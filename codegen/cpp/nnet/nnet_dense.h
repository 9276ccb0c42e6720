// Dense (fully connected) layers, and the matrix-vector kernel that convolutions share.
//
//   for j: acc = Q_acc(b[j]); for i ascending: acc = Q_acc(acc + Q_acc(x[i] * w[i][j])); y[j] = Q_res(acc)
//
// The weights are stored row-major as [n_in][n_out]: w[i][j] at index i * n_out + j.
//
// Configuration (CONFIG_T):
//   n_in, n_out          inputs and outputs of one position
//   n_positions          positions the layer is applied to (1 for a flat input)
//   reuse_factor         cycles each multiplier is reused
//   n_mult               multiplications per cycle of the resource kernel: n_in * n_out / reuse_factor
//   multiplier_limit     multipliers the latency kernel may use: ceil(n_in * n_out / reuse_factor)
//   strategy             nnet::latency or nnet::resource
//   accum_t, weight_t, bias_t
#ifndef NNET_DENSE_H_
#define NNET_DENSE_H_

#include "nnet_common.h"

namespace nnet {

// Latency kernel: every multiplication in parallel; the caller pipelines it at II = reuse_factor.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency_kernel(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                          const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                          const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
#pragma HLS ALLOCATION instances=mul limit=CONFIG_T::multiplier_limit operation
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=acc complete

    // Each sum starts from its bias.
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        acc[j] = biases[j];
    }

    // Products in the accumulator type, added in ascending input order.
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS UNROLL
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
            typename CONFIG_T::accum_t product = data[i] * weights[i * CONFIG_T::n_out + j];
            acc[j] += product;
        }
    }

    // The sums converted to the result type.
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        res[j] = acc[j];
    }
}

// Resource kernel: the n_in * n_out products, taken in row-major weight order, are folded over
// reuse_factor cycles of n_mult multiplications each. Cycle r reads the weights
// [r * n_mult, (r + 1) * n_mult): one word of the weight array reshaped by n_mult. For each output,
// its products still arrive in ascending input order.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource_kernel(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS ARRAY_RESHAPE variable=weights cyclic factor=CONFIG_T::n_mult
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        acc[j] = biases[j];
    }

    for (unsigned r = 0; r < CONFIG_T::reuse_factor; r++) {
#pragma HLS PIPELINE II=1
        for (unsigned m = 0; m < CONFIG_T::n_mult; m++) {
#pragma HLS UNROLL
            const unsigned k = r * CONFIG_T::n_mult + m;
            const unsigned i = k / CONFIG_T::n_out;
            const unsigned j = k % CONFIG_T::n_out;
            typename CONFIG_T::accum_t product = data[i] * weights[k];
            acc[j] += product;
        }
    }

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
#pragma HLS UNROLL
        res[j] = acc[j];
    }
}

// One matrix-vector product with the layer's strategy.
template <class data_T, class res_T, typename CONFIG_T>
void dense_kernel(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out], strategy_tag<latency>) {
#pragma HLS INLINE
    dense_latency_kernel<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}
template <class data_T, class res_T, typename CONFIG_T>
void dense_kernel(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out], strategy_tag<resource>) {
#pragma HLS INLINE
    dense_resource_kernel<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}
template <class data_T, class res_T, typename CONFIG_T>
void dense_kernel(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                  const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                  const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS INLINE
    dense_kernel<data_T, res_T, CONFIG_T>(data, res, weights, biases, strategy_tag<CONFIG_T::strategy>());
}

// The kernel on position p of an array of positions: copies the position in and its result out.
template <class data_T, class res_T, typename CONFIG_T>
void dense_position(const data_T data[CONFIG_T::n_positions * CONFIG_T::n_in],
                    res_T res[CONFIG_T::n_positions * CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out], unsigned p) {
#pragma HLS INLINE
    data_T x[CONFIG_T::n_in];
#pragma HLS ARRAY_PARTITION variable=x complete
    res_T y[CONFIG_T::n_out];
#pragma HLS ARRAY_PARTITION variable=y complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) x[i] = data[p * CONFIG_T::n_in + i];
    dense_kernel<data_T, res_T, CONFIG_T>(x, y, weights, biases);
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) res[p * CONFIG_T::n_out + j] = y[j];
}

// Dense layer, latency strategy: the whole layer pipelined at II = reuse_factor.
template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(const data_T data[CONFIG_T::n_positions * CONFIG_T::n_in],
                   res_T res[CONFIG_T::n_positions * CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable=weights complete
#pragma HLS ARRAY_PARTITION variable=biases complete
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        dense_position<data_T, res_T, CONFIG_T>(data, res, weights, biases, p);
    }
}

// Dense layer, resource strategy: one position after the other, each folded over reuse_factor cycles.
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(const data_T data[CONFIG_T::n_positions * CONFIG_T::n_in],
                    res_T res[CONFIG_T::n_positions * CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
        dense_position<data_T, res_T, CONFIG_T>(data, res, weights, biases, p);
    }
}

}  // namespace nnet

#endif
