//! The hls4ml runtime: what runs on the board and in the user's binary.
//!
//! - [`fixed`]: Xilinx arbitrary-precision types ([`fixed::FixedType`], and [`fixed::ApFixed`] whose
//!   type is part of its Rust type) with the same bits as the genuine headers;
//! - [`emu`]: the bit-exact reference emulator (the layer kernels);
//! - [`bus`]: the layout of the data on the accelerator's bus;
//! - [`accel`]: the typed driver's engine ([`Accelerator`]) and the [`Backend`] trait, with the
//!   backends: [`emulator`] (the kernels on the host or the board's CPU), [`ip`] (the compiled C
//!   simulation of the AXI wrapper), [`zynq`] (pynq-z2, zcu102), [`alveo`] (XRT, loaded at run time);
//! - [`npy`]: the `.npy` reader and writer.
//!
//! It depends on no generator crate, so a board binary carries the driver and nothing else.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod accel;
pub mod alveo;
pub mod bus;
pub mod emu;
pub mod emulator;
pub mod error;
pub mod fixed;
pub mod ip;
pub mod npy;
pub mod typed;
#[cfg(feature = "virtual-board")]
pub mod virtual_board;
pub mod zynq;

pub use accel::{Accelerator, Backend, Family, Interface, Profile, Spec};
pub use error::{Error, ErrorKind, Result};
pub use fixed::{FixedType, Overflow, Quantization};
