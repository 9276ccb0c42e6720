//! The bit-exact reference emulator: the model's layers computed in fixed point exactly as the
//! firmware computes them (`docs/semantics.md`), with no C++ involved.

pub mod constants;
