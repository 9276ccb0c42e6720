// Batch normalization, folded to y = Q_res(x * scale + bias) per channel (the last axis): the product
// and the sum exact, one quantization into the result type.
//
// Configuration (CONFIG_T): n_in (all values), n_chan, n_positions (n_in / n_chan), reuse_factor,
// scale_t, bias_t.
#ifndef NNET_BATCHNORM_H_
#define NNET_BATCHNORM_H_

#include "nnet_common.h"

namespace nnet {

// Batch normalization over arrays.
template <class data_T, class res_T, typename CONFIG_T>
void batchnorm(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_chan],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_chan]) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
#pragma HLS ARRAY_PARTITION variable=scale complete
#pragma HLS ARRAY_PARTITION variable=bias complete
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        const unsigned c = i % CONFIG_T::n_chan;
        res[i] = data[i] * scale[c] + bias[c];
    }
}

}  // namespace nnet

#endif
