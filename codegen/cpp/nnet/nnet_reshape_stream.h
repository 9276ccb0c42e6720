// Layers that only move values, over streams (io_stream); the configuration of nnet_reshape.h.
// Also the stream plumbing of the top function: repacking positions and duplicating a stream that
// feeds several layers.
#ifndef NNET_RESHAPE_STREAM_H_
#define NNET_RESHAPE_STREAM_H_

#include "hls_stream.h"
#include "nnet_reshape.h"

namespace nnet {

// The same n values in the same order, regrouped from positions of in_chan values into positions of
// res_chan values (Flatten, Reshape; with equal sizes, a conversion position by position).
// Configuration: n_in, in_chan, res_chan.
template <class data_T, class res_T, typename CONFIG_T> void repack(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    data_T in;
    res_T out;
    unsigned ii = 0, io = 0;  // position of the next value in the current input and output element
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
#pragma HLS PIPELINE
        if (ii == 0) in = data.read();
        out[io] = in[ii];
        ii = ii + 1 == CONFIG_T::in_chan ? 0 : ii + 1;
        io = io + 1 == CONFIG_T::res_chan ? 0 : io + 1;
        if (io == 0) res.write(out);
    }
}

// Transpose over streams: the whole input is buffered, then written in the permuted order.
template <class data_T, class res_T, typename CONFIG_T> void transpose(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    typename data_T::value_type buffer[CONFIG_T::n_in];
    for (unsigned p = 0; p < CONFIG_T::n_in / CONFIG_T::in_chan; p++) {
#pragma HLS PIPELINE
        const data_T in = data.read();
        for (unsigned c = 0; c < CONFIG_T::in_chan; c++) buffer[p * CONFIG_T::in_chan + c] = in[c];
    }
    res_T out;
    unsigned io = 0;
    for (unsigned i0 = 0; i0 < CONFIG_T::out_dim0; i0++) {
        for (unsigned i1 = 0; i1 < CONFIG_T::out_dim1; i1++) {
            for (unsigned i2 = 0; i2 < CONFIG_T::out_dim2; i2++) {
                for (unsigned i3 = 0; i3 < CONFIG_T::out_dim3; i3++) {
#pragma HLS PIPELINE
                    out[io] = buffer[transpose_source<CONFIG_T>(i0, i1, i2, i3)];
                    io = io + 1 == CONFIG_T::res_chan ? 0 : io + 1;
                    if (io == 0) res.write(out);
                }
            }
        }
    }
}

// Zero padding over streams: zero positions around the input's positions.
template <class data_T, class res_T, typename CONFIG_T> void zero_pad(hls::stream<data_T>& data, hls::stream<res_T>& res) {
    for (unsigned y = 0; y < CONFIG_T::out_height; y++) {
        for (unsigned x = 0; x < CONFIG_T::out_width; x++) {
#pragma HLS PIPELINE
            const int iy = int(y) - int(CONFIG_T::pad_top);
            const int ix = int(x) - int(CONFIG_T::pad_left);
            const bool inside =
                iy >= 0 && iy < int(CONFIG_T::in_height) && ix >= 0 && ix < int(CONFIG_T::in_width);
            res_T out;
            if (inside) {
                const data_T in = data.read();
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = in[c];
            } else {
                for (unsigned c = 0; c < CONFIG_T::n_chan; c++) out[c] = 0;
            }
            res.write(out);
        }
    }
}

// A stream read by two layers: each element written to both copies. N: elements per inference.
template <class data_T, unsigned N> void clone_stream(hls::stream<data_T>& data, hls::stream<data_T>& first, hls::stream<data_T>& second) {
    for (unsigned i = 0; i < N; i++) {
#pragma HLS PIPELINE
        const data_T in = data.read();
        first.write(in);
        second.write(in);
    }
}

}  // namespace nnet

#endif
