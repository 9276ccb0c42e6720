// Batch normalization over streams: one position (n_chan values) per stream element; the
// arithmetic of nnet_batchnorm.h.
#ifndef NNET_BATCHNORM_STREAM_H_
#define NNET_BATCHNORM_STREAM_H_

#include "hls_stream.h"
#include "nnet_batchnorm.h"

namespace nnet {

// Batch normalization over streams.
template <class data_T, class res_T, typename CONFIG_T>
void batchnorm(hls::stream<data_T>& data, hls::stream<res_T>& res,
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_chan],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_chan]) {
#pragma HLS ARRAY_PARTITION variable=scale complete
#pragma HLS ARRAY_PARTITION variable=bias complete
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = in[c] * scale[c] + bias[c];
        res.write(out);
    }
}

}  // namespace nnet

#endif
