//! The HLS layer library (`codegen/cpp/nnet/`), embedded in the generator and copied into every
//! project's `firmware/nnet/`.

/// `(file name, text)` of every header of the library.
pub const FILES: &[(&str, &str)] = &[
    ("nnet_common.h", include_str!("../../cpp/nnet/nnet_common.h")),
    ("nnet_dense.h", include_str!("../../cpp/nnet/nnet_dense.h")),
    (
        "nnet_dense_stream.h",
        include_str!("../../cpp/nnet/nnet_dense_stream.h"),
    ),
    ("nnet_window.h", include_str!("../../cpp/nnet/nnet_window.h")),
    (
        "nnet_window_stream.h",
        include_str!("../../cpp/nnet/nnet_window_stream.h"),
    ),
    ("nnet_conv.h", include_str!("../../cpp/nnet/nnet_conv.h")),
    ("nnet_conv_stream.h", include_str!("../../cpp/nnet/nnet_conv_stream.h")),
    ("nnet_pooling.h", include_str!("../../cpp/nnet/nnet_pooling.h")),
    (
        "nnet_pooling_stream.h",
        include_str!("../../cpp/nnet/nnet_pooling_stream.h"),
    ),
    ("nnet_batchnorm.h", include_str!("../../cpp/nnet/nnet_batchnorm.h")),
    (
        "nnet_batchnorm_stream.h",
        include_str!("../../cpp/nnet/nnet_batchnorm_stream.h"),
    ),
    ("nnet_activation.h", include_str!("../../cpp/nnet/nnet_activation.h")),
    (
        "nnet_activation_stream.h",
        include_str!("../../cpp/nnet/nnet_activation_stream.h"),
    ),
    ("nnet_softmax.h", include_str!("../../cpp/nnet/nnet_softmax.h")),
    (
        "nnet_softmax_stream.h",
        include_str!("../../cpp/nnet/nnet_softmax_stream.h"),
    ),
    ("nnet_merge.h", include_str!("../../cpp/nnet/nnet_merge.h")),
    (
        "nnet_merge_stream.h",
        include_str!("../../cpp/nnet/nnet_merge_stream.h"),
    ),
    ("nnet_reshape.h", include_str!("../../cpp/nnet/nnet_reshape.h")),
    (
        "nnet_reshape_stream.h",
        include_str!("../../cpp/nnet/nnet_reshape_stream.h"),
    ),
];
