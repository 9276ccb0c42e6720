// Element-wise activations over streams (io_stream): one position (n_chan values) per stream
// element, each value through the per-value functions of nnet_activation.h.
#ifndef NNET_ACTIVATION_STREAM_H_
#define NNET_ACTIVATION_STREAM_H_

#include "hls_stream.h"
#include "nnet_activation.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T> void linear(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = linear_value<typename res_T::value_type>(in[c]);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T> void relu(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = relu_value<typename res_T::value_type>(in[c]);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T, class param_T>
void leaky_relu(hls::stream<data_T>& data, hls::stream<res_T>& res, const param_T& alpha) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = leaky_relu_value<typename res_T::value_type>(in[c], alpha);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T, class lo_T, class hi_T>
void clip(hls::stream<data_T>& data, hls::stream<res_T>& res, const lo_T& lo, const hi_T& hi) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = clip_value<typename res_T::value_type>(in[c], lo, hi);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T, class slope_T, class offset_T>
void hard_sigmoid(hls::stream<data_T>& data, hls::stream<res_T>& res, const slope_T& slope, const offset_T& offset) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = hard_sigmoid_value<typename res_T::value_type>(in[c], slope, offset);
        res.write(out);
    }
}

// Sigmoid, tanh, softsign: a table lookup.
template <class data_T, class res_T, typename CONFIG_T>
void table_activation(hls::stream<data_T>& data, hls::stream<res_T>& res,
                      const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = table_value<typename res_T::value_type, CONFIG_T>(in[c], table);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void softplus(hls::stream<data_T>& data, hls::stream<res_T>& res,
              const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = softplus_value<typename res_T::value_type, CONFIG_T>(in[c], table);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void elu(hls::stream<data_T>& data, hls::stream<res_T>& res, const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = elu_value<typename res_T::value_type, CONFIG_T>(in[c], table);
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T, class param_T>
void selu(hls::stream<data_T>& data, hls::stream<res_T>& res, const param_T& lambda,
          const typename CONFIG_T::table_t table[CONFIG_T::table_size]) {
    for (unsigned p = 0; p < CONFIG_T::n_positions; p++) {
#pragma HLS PIPELINE II=CONFIG_T::reuse_factor
        const data_T in = data.read();
        res_T out;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            out[c] = selu_value<typename res_T::value_type, CONFIG_T>(in[c], lambda, table);
        res.write(out);
    }
}

}  // namespace nnet

#endif
