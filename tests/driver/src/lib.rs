//! The jet tagger as an accelerator of every interface and several bus types, each a typed driver
//! made by `hls4ml::accelerator!` from a TOML of `accelerators/` and built by `hls4ml::build`.

hls4ml::accelerator!("accelerators/jet_stream_float.toml");
hls4ml::accelerator!("accelerators/jet_stream_fixed.toml");
hls4ml::accelerator!("accelerators/jet_lite_float.toml");
hls4ml::accelerator!("accelerators/jet_lite_fixed.toml");
hls4ml::accelerator!("accelerators/jet_master_double.toml");
hls4ml::accelerator!("accelerators/jet_master_fixed.toml");
hls4ml::accelerator!("accelerators/jet_alveo.toml");
