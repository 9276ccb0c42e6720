//! The Alveo backend: XRT's C API, loaded at run time.
