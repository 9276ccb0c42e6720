//! The Zynq backend (pynq-z2, zcu102): programs the PL, finds the accelerator in the `.hwh`, maps
//! its registers, allocates DMA buffers and runs the transfers.
//!
//! Everything that touches the machine goes through a [`Platform`]: [`linux::Linux`] on a board
//! (FPGA manager, `/dev/mem` or UIO, `u-dma-buf`), or the virtual board on a host — so the register
//! sequence, buffer layout, encoding, timeouts and error decoding are the same code in both places.
//!
//! - [`bitstream`]: `.bit` → `.bin`;
//! - [`hwh`]: the hardware handoff (bases, widths, register maps), read with [`xml`];
//! - [`dma`]: the AXI DMA in simple mode;
//! - [`linux`]: the [`Platform`] of a board under Linux;
//! - [`open`] / [`ZynqBackend`]: all of it as a [`crate::Backend`].

use crate::error::Result;

/// A block of 32-bit registers (a mapping of an AXI-Lite slave). Accesses are volatile.
pub trait Registers: Send {
    /// Reads the register at byte `offset`.
    fn read32(&self, offset: usize) -> u32;
    /// Writes the register at byte `offset`.
    fn write32(&self, offset: usize, value: u32);
    /// Size of the block in bytes.
    fn len(&self) -> usize;
    /// True for an empty block.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Physically contiguous memory the PL reads and writes: a DMA buffer.
pub trait DmaMemory: Send {
    /// The physical (bus) address of the first byte.
    fn phys_addr(&self) -> u64;
    /// Its bytes, as the CPU sees them.
    fn as_slice(&self) -> &[u8];
    /// Its bytes, writable.
    fn as_mut_slice(&mut self) -> &mut [u8];
    /// Makes the CPU's writes to `offset..offset + len` visible to the device (flush).
    fn sync_for_device(&mut self, offset: usize, len: usize) -> Result<()>;
    /// Makes the device's writes to `offset..offset + len` visible to the CPU (invalidate).
    fn sync_for_cpu(&mut self, offset: usize, len: usize) -> Result<()>;
    /// Size in bytes.
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    /// True for an empty buffer.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the Zynq backend needs of the machine it runs on.
pub trait Platform: Send {
    /// A short description ("Linux: /dev/mem, /dev/udmabuf0", "virtual board").
    fn describe(&self) -> String;
    /// Loads a full bitstream (the `.bin` form: configuration data with each 32-bit word
    /// byte-swapped, as the FPGA manager takes it).
    fn program(&mut self, bin: &[u8]) -> Result<()>;
    /// Maps `len` bytes of registers at physical address `base`.
    fn map_registers(&mut self, base: u64, len: usize) -> Result<Box<dyn Registers>>;
    /// Allocates a DMA buffer of at least `len` bytes.
    fn alloc_dma(&mut self, len: usize) -> Result<Box<dyn DmaMemory>>;
    /// Takes exclusive hold of the accelerator at `base`; dropping the guard releases it. A second
    /// hold, from this process or another, fails with [`crate::ErrorKind::Busy`].
    fn lock(&mut self, base: u64) -> Result<Box<dyn Send>>;
}

pub mod backend;
pub mod bitstream;
pub mod dma;
pub mod hwh;
#[cfg(unix)]
pub mod linux;
pub mod xml;

pub use backend::{open, Options, ZynqBackend};
pub use bitstream::Bitstream;
pub use dma::AxiDma;
pub use hwh::Hwh;
#[cfg(unix)]
pub use linux::Linux;
