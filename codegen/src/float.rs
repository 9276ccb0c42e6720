//! Float forward pass (being written).
