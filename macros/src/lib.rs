//! `hls4ml::accelerator!` (being written).
