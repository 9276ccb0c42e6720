// Arbitrary-precision fixed point ap_fixed<W,I,Q,O,N> / ap_ufixed<W,I,Q,O,N> for host C
// simulation. The implementation (shared with ap_int.h, which this header also provides, as the
// vendor headers do) lives in ap_common.h.
#ifndef HLS4ML_HOST_AP_FIXED_H
#define HLS4ML_HOST_AP_FIXED_H
#include "ap_common.h"
#endif
