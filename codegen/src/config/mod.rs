//! The model+board TOML (being written).
