// AXI4-Stream side-channel structures for host C simulation:
//   ap_axis<D, U, TI, TD>  (signed data), ap_axiu<D, U, TI, TD> (unsigned data), and
//   hls::axis<T, WUser, WId, WDest> (data of any type T).
// Fields: data, keep and strb (one bit per data byte), user (U bits), last (1 bit),
// id (TI bits) and dest (TD bits). A side channel of width 0 is still present as a 1-bit field
// (always available to read and write, ignored by whatever consumes the stream).
#ifndef HLS4ML_HOST_AP_AXI_SDATA_H
#define HLS4ML_HOST_AP_AXI_SDATA_H

#include <stddef.h>

// Found on the include path, not beside this file: when the genuine Xilinx ap_* headers come first on
// it, the side channels are made of their ap_int.
#include <ap_int.h>

namespace ap_detail {
// Width of a side-channel field: at least one bit.
template <int W> struct side_width { enum { value = W > 0 ? W : 1 }; };
// Bit width of a data type: W for ap types, 8 * sizeof for the others.
template <class T> struct data_width { enum { value = 8 * (int)sizeof(T) }; };
template <int W> struct data_width<ap_int<W> > { enum { value = W }; };
template <int W> struct data_width<ap_uint<W> > { enum { value = W }; };
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct data_width<ap_fixed<W, I, Q, O, N> > {
    enum { value = W };
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N> struct data_width<ap_ufixed<W, I, Q, O, N> > {
    enum { value = W };
};
}  // namespace ap_detail

template <int D, int U, int TI, int TD> struct ap_axis {
    ap_int<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<ap_detail::side_width<U>::value> user;
    ap_uint<1> last;
    ap_uint<ap_detail::side_width<TI>::value> id;
    ap_uint<ap_detail::side_width<TD>::value> dest;
};

template <int D, int U, int TI, int TD> struct ap_axiu {
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<ap_detail::side_width<U>::value> user;
    ap_uint<1> last;
    ap_uint<ap_detail::side_width<TI>::value> id;
    ap_uint<ap_detail::side_width<TD>::value> dest;
};

namespace hls {
template <typename T, size_t WUser = 0, size_t WId = 0, size_t WDest = 0> struct axis {
    enum { bytes = (ap_detail::data_width<T>::value + 7) / 8 };
    T data;
    ap_uint<bytes> keep;
    ap_uint<bytes> strb;
    ap_uint<ap_detail::side_width<(int)WUser>::value> user;
    ap_uint<1> last;
    ap_uint<ap_detail::side_width<(int)WId>::value> id;
    ap_uint<ap_detail::side_width<(int)WDest>::value> dest;
};
}  // namespace hls

#endif  // HLS4ML_HOST_AP_AXI_SDATA_H
