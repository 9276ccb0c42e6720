//! Precision resolution (being written).
