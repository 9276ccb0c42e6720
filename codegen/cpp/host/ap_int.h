// Arbitrary-precision integers ap_int<W> / ap_uint<W> for host C simulation.
// The implementation (shared with ap_fixed.h, which this header also provides, as the vendor
// headers do) lives in ap_common.h.
#ifndef HLS4ML_HOST_AP_INT_H
#define HLS4ML_HOST_AP_INT_H
#include "ap_common.h"
#endif
