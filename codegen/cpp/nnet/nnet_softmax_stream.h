// Softmax over streams (io_stream): each stream element is one position's n_chan values; the
// arithmetic of nnet_softmax.h.
#ifndef NNET_SOFTMAX_STREAM_H_
#define NNET_SOFTMAX_STREAM_H_

#include "hls_stream.h"
#include "nnet_softmax.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void softmax_stable(hls::stream<data_T>& data, hls::stream<res_T>& res,
                    const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                    const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        softmax_stable_vector<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(in.data, out.data,
                                                                                                 exp_table, inv_table);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_latency(hls::stream<data_T>& data, hls::stream<res_T>& res,
                     const typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size],
                     const typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        softmax_latency_vector<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(in.data, out.data,
                                                                                                  exp_table, inv_table);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        softmax_argmax_vector<typename data_T::value_type, typename res_T::value_type, CONFIG_T>(in.data, out.data);
        res.write(out);
    }
}

}  // namespace nnet

#endif
