//! The virtual board: an AXI DMA with PG021's register behaviour, a simulated DDR, and an IP between
//! the DMA's MM2S and S2MM channels, as a [`crate::zynq::Platform`].
//!
//! It stands in for a pynq-z2 or zcu102 so the Zynq backend's own code — register sequence, buffer
//! layout, cache maintenance, encoding, TLAST, error decoding, timeouts — runs unchanged on a host:
//!
//! - [`AxiDmaModel`] ([`dma`]): the DMA's register file in direct register mode, following PG021's
//!   statements (reset values, Halted/Idle, RS, soft reset, write-1-to-clear interrupt bits, the
//!   error bits and what halts a channel, the S2MM length readback, `C_SG_LENGTH_WIDTH`);
//! - [`Ddr`] ([`ddr`]): the memory the DMA reads and writes, whose buffers keep the CPU's view apart
//!   from the device's so a missing flush or invalidate shows;
//! - [`VirtualBoard`]: the two wired to an [`crate::ip::Ip`] — for `axi_stream` through the DMA's
//!   streams, for `axi_lite` and `axi_master` behind the IP's `s_axilite` control block
//!   ([`control`]) —, with [`VirtualBoard::platform`] for the backend,
//!   [`VirtualBoard::write_design`] for the `.bit`/`.hwh` it opens, one-shot [`Fault`]s, and
//!   [`Stats`].
//!
//! ```text
//!   CPU view ──sync_for_device──▶ DDR ──MM2S──▶ beats ─▶ IP (whole samples) ─▶ FIFO ──S2MM──▶ DDR
//!   CPU view ◀──sync_for_cpu───── DDR
//! ```

mod board;
pub mod control;
pub mod ddr;
mod design;
pub mod dma;

pub use board::{VirtualBoard, ZYNQ7000_DMA_BASE, ZYNQ7000_IP_BASE, ZYNQMP_DMA_BASE, ZYNQMP_IP_BASE};
pub use control::{lite_layout, LiteLayout};
pub use ddr::{Ddr, DdrBuffer, SyncCounts};
pub use design::{part, BIT_PREAMBLE};
pub use dma::{AxiDmaModel, BusError, Channel, DmaConfig, DmaCounts, DmaFault, DmaPorts};

/// How a [`VirtualBoard`] is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Physical base of the simulated DDR (default 0x1000_0000).
    pub ddr_base: u64,
    /// Its size in bytes (default 64 MiB; memory is only taken for what is written).
    pub ddr_size: u64,
    /// The DMA's `C_SG_LENGTH_WIDTH` (default 26, as the block design sets it; 8 to 26).
    pub sg_length_width: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ddr_base: ddr::DEFAULT_BASE,
            ddr_size: ddr::DEFAULT_SIZE,
            sg_length_width: 26,
        }
    }
}

/// A failure to inject into the board. Each applies once — to the next transfer on that channel, the
/// next output packet, or the next start — and the call after it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The channel's memory access decodes to nothing: `DMADecErr`, the channel halts.
    DecodeError(Channel),
    /// The memory answers with a slave error: `DMASlvErr`, the channel halts.
    SlaveError(Channel),
    /// The channel's transfer never completes (`Idle` never set) until a reset or RS = 0.
    Hang(Channel),
    /// The IP's next output packet ends early, with TLAST on its `words`-th beat (the rest of the
    /// packet is lost): no DMASR bit, the S2MM length reads back short.
    ShortPacket {
        /// Beats in the short packet (at least 1).
        words: usize,
    },
    /// `axi_lite` / `axi_master`: the next start never brings `ap_done`.
    IpHang,
}

/// What has happened on a [`VirtualBoard`] (for tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// MM2S transfers completed.
    pub mm2s_transfers: u64,
    /// S2MM transfers completed.
    pub s2mm_transfers: u64,
    /// Bytes MM2S transfers read.
    pub mm2s_bytes: u64,
    /// Bytes S2MM transfers wrote.
    pub s2mm_bytes: u64,
    /// DMA transfers that ended with an error bit.
    pub dma_errors: u64,
    /// DMA soft resets (including the one programming the PL makes).
    pub dma_resets: u64,
    /// DMA transfers at addresses not aligned to the memory-map width (unpredictable on hardware).
    pub unaligned_transfers: u64,
    /// DMA length writes ignored because the channel was busy.
    pub ignored_length_writes: u64,
    /// `sync_for_device` calls on DMA buffers.
    pub syncs_for_device: u64,
    /// `sync_for_cpu` calls on DMA buffers.
    pub syncs_for_cpu: u64,
    /// Bytes flushed by `sync_for_device`.
    pub bytes_synced_for_device: u64,
    /// Bytes invalidated by `sync_for_cpu`.
    pub bytes_synced_for_cpu: u64,
    /// Times the IP ran (stream invocations over whole samples, or starts that completed).
    pub ip_runs: u64,
    /// Samples the IP processed.
    pub samples: u64,
    /// Why IP runs failed (the IP's errors, `m_axi` addresses outside the DDR).
    pub ip_errors: Vec<String>,
    /// Times the PL was programmed.
    pub programs: u64,
    /// Register accesses outside a mapping or not 32-bit aligned.
    pub bad_register_accesses: u64,
    /// Output beats waiting on the stream for an S2MM transfer.
    pub stream_words_waiting: u64,
}

impl Stats {
    /// DMA transfers completed on both channels.
    pub fn transfers(&self) -> u64 {
        self.mm2s_transfers + self.s2mm_transfers
    }
}
