//! The hls4ml runtime: what runs on the board and in the user's binary.
//!
//! It carries the description of Xilinx arbitrary-precision types ([`fixed::FixedType`]) and the
//! `.npy` reader and writer ([`npy`]) shared by the command line, the tests and board apps. It depends
//! on no generator crate, so a board binary carries the driver and nothing else.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod emu;
pub mod fixed;
pub mod npy;

pub use fixed::{FixedType, Overflow, Quantization};
