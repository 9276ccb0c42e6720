//! The register file of an AXI DMA v7.1 (AMD PG021) in direct register ("simple") mode, without
//! scatter/gather, and the transfers it runs.
//!
//! What the model follows, statement by statement (PG021, "Register Space", direct register mode):
//!
//! - reset values: `DMACR` = `0x0001_0002` (RS 0, the reserved bit 1 always reads 1, IRQThreshold 1),
//!   `DMASR` = `0x0001_0001` (Halted 1, Idle 0, SGIncld 0, IRQThresholdSts 1), addresses and lengths 0;
//! - `DMACR.RS` = 1 starts the channel (`Halted` drops to 0); `Idle` stays 0 until the first transfer
//!   has completed, and reads 0 whenever the channel is halted; RS = 0 stops the channel (`Halted` 1);
//! - writing the `LENGTH` register starts a transfer, only while the channel runs: "when halted
//!   (RS = 0 and Halted = 1) writing to the LENGTH register has no effect";
//! - `Idle` = 1 and `IOC_Irq` = 1 when a transfer completes; `IOC_Irq`, `Dly_Irq` and `Err_Irq` are
//!   cleared by writing 1 to them, writing 0 leaves them; every other `DMASR` bit is read-only;
//! - `DMAIntErr` for a length of 0, and on S2MM for a packet longer than the length; `DMASlvErr` for
//!   a slave error on the memory side; `DMADecErr` for an address that decodes to nothing. An error
//!   sets `Err_Irq`, clears `DMACR.RS` and halts the channel ("halts gracefully"); the error bits stay
//!   until a reset, and the channel does not run again before one (PG021 documents `DMAIntErr` for a
//!   length of 0 for buffer descriptors; the direct-register LENGTH text only says a non-zero write
//!   starts a transfer — the model treats a 0 as the error, as REFERENCE.md §6 states it);
//! - after an S2MM transfer, `S2MM_LENGTH` reads back the bytes actually received (a packet that
//!   ends early with TLAST sets no error bit);
//! - the `LENGTH` registers hold `C_SG_LENGTH_WIDTH` bits (8 to 26); the bits above read 0;
//! - `DMACR.Reset` (either channel's) resets the whole core: both channels return to the reset values
//!   (the model completes the reset at once, so the bit reads 0 again immediately);
//! - the `_MSB` address registers exist only with an address width over 32 bits;
//! - without the Data Realignment Engine (as the block design builds it), unaligned addresses "give
//!   unpredictable results" (PG022): the model drops the address's low bits, so the data arrives
//!   shifted, and counts the transfer in [`DmaCounts::unaligned`].
//!
//! Transfers complete synchronously: an MM2S transfer inside the length write that starts it, an
//! S2MM transfer as soon as its packet is on the stream (inside the register access that delivers it).

use crate::ip::Beat;

/// PG021's register offsets and bits, shared with the driver.
pub use crate::zynq::dma::{bits, regs as reg};

/// `DMACR` after reset.
pub const DMACR_RESET: u32 = 0x0001_0002;
/// `DMASR` after reset.
pub const DMASR_RESET: u32 = 0x0001_0001;

/// The `DMACR` bits software can write (RS, Reset, Keyhole, Cyclic BD, the three interrupt enables,
/// IRQThreshold and IRQDelay); the rest are read-only.
const DMACR_WRITABLE: u32 = bits::RS
    | bits::RESET
    | bits::KEYHOLE
    | bits::CYCLIC_BD
    | bits::IOC_IRQ_EN
    | bits::DLY_IRQ_EN
    | bits::ERR_IRQ_EN
    | bits::IRQ_THRESHOLD
    | bits::IRQ_DELAY;

/// `DMASR` bits 23:16 (IRQThresholdSts) as they read in direct register mode.
const DMASR_THRESHOLD_STS: u32 = 0x0001_0000;

/// One of the DMA's two channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Memory-map to stream: reads memory, feeds the IP.
    Mm2s,
    /// Stream to memory-map: takes the IP's output, writes memory.
    S2mm,
}

impl Channel {
    /// `MM2S` or `S2MM`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Mm2s => "MM2S",
            Channel::S2mm => "S2MM",
        }
    }
}

/// A failed AXI4 memory access, as the DMA's memory-mapped master sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusError {
    /// `SLVERR`: the slave answered with an error.
    Slave,
    /// `DECERR`: the address decodes to no slave.
    Decode,
}

/// A one-shot failure of a channel's next transfer. A memory fault strikes where the channel
/// touches memory: an MM2S transfer at its start, an S2MM transfer when the first beat arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaFault {
    /// The memory answers `DECERR`.
    Decode,
    /// The memory answers `SLVERR`.
    Slave,
    /// The transfer never completes (`Idle` never set) until a reset or RS = 0.
    Hang,
}

/// What the DMA's data side is connected to: the memory behind its AXI4 masters and the AXI4-Stream
/// ends (`M_AXIS_MM2S` towards the IP, `S_AXIS_S2MM` from it).
pub trait DmaPorts {
    /// Reads `buf.len()` bytes of memory at `addr`.
    fn read_memory(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), BusError>;
    /// Writes `data` to memory at `addr`.
    fn write_memory(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError>;
    /// MM2S: the beats of one transfer go out on the stream (TLAST on the last one).
    fn send(&mut self, beats: &[Beat]);
    /// S2MM: the next beat waiting on the stream, taken; `None` when nothing waits.
    fn receive(&mut self) -> Option<Beat>;
    /// The core was reset: the stream side drops what the reset flushes.
    fn reset(&mut self) {}
}

/// How the DMA was built (its IP parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmaConfig {
    /// `C_SG_LENGTH_WIDTH`: bits of the length registers (8 to 26).
    pub length_width: u32,
    /// `C_M_AXIS_MM2S_TDATA_WIDTH` (8, 16, 32 or 64).
    pub mm2s_stream_bits: u32,
    /// `C_S_AXIS_S2MM_TDATA_WIDTH` (8, 16, 32 or 64).
    pub s2mm_stream_bits: u32,
    /// `C_M_AXI_MM2S_DATA_WIDTH` (32 or more): the alignment unaligned addresses are measured against.
    pub mm2s_memory_bits: u32,
    /// `C_M_AXI_S2MM_DATA_WIDTH` (32 or more).
    pub s2mm_memory_bits: u32,
    /// `C_ADDR_WIDTH` (32 to 64): over 32, the `_MSB` address registers exist.
    pub addr_width: u32,
}

impl DmaConfig {
    /// A DMA with `C_SG_LENGTH_WIDTH` = 26, 32-bit addresses, and memory widths of
    /// max(32, stream width).
    pub fn new(mm2s_stream_bits: u32, s2mm_stream_bits: u32) -> DmaConfig {
        DmaConfig {
            length_width: 26,
            mm2s_stream_bits,
            s2mm_stream_bits,
            mm2s_memory_bits: mm2s_stream_bits.max(32),
            s2mm_memory_bits: s2mm_stream_bits.max(32),
            addr_width: 32,
        }
    }

    /// Checks the parameters are ones the core (and the model) accepts.
    pub fn check(&self) -> crate::Result<()> {
        use crate::error::{Error, ErrorKind};
        let bad = |what: String| Err(Error::new(ErrorKind::Argument, what));
        if !(8..=26).contains(&self.length_width) {
            return bad(format!(
                "C_SG_LENGTH_WIDTH = {} (PG021 allows 8 to 26 bits)",
                self.length_width
            ));
        }
        for (name, b) in [
            ("C_M_AXIS_MM2S_TDATA_WIDTH", self.mm2s_stream_bits),
            ("C_S_AXIS_S2MM_TDATA_WIDTH", self.s2mm_stream_bits),
        ] {
            if !matches!(b, 8 | 16 | 32 | 64) {
                return bad(format!("{name} = {b} (the model carries 8, 16, 32 or 64-bit beats)"));
            }
        }
        for (name, b) in [
            ("C_M_AXI_MM2S_DATA_WIDTH", self.mm2s_memory_bits),
            ("C_M_AXI_S2MM_DATA_WIDTH", self.s2mm_memory_bits),
        ] {
            if !b.is_power_of_two() || !(32..=1024).contains(&b) {
                return bad(format!("{name} = {b} (PG021 allows 32, 64, … 1024 bits)"));
            }
        }
        if !(32..=64).contains(&self.addr_width) {
            return bad(format!("C_ADDR_WIDTH = {} (32 to 64 bits)", self.addr_width));
        }
        Ok(())
    }

    fn length_mask(&self) -> u32 {
        ((1u64 << self.length_width) - 1) as u32
    }
}

/// What the DMA has done since it was made (a reset does not clear these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DmaCounts {
    /// MM2S transfers completed.
    pub mm2s_transfers: u64,
    /// S2MM transfers completed.
    pub s2mm_transfers: u64,
    /// Bytes read by MM2S transfers that completed.
    pub mm2s_bytes: u64,
    /// Bytes written by S2MM transfers (completed or not).
    pub s2mm_bytes: u64,
    /// Transfers that ended with an error bit.
    pub errors: u64,
    /// Transfers started at an address not aligned to the memory-map width.
    pub unaligned: u64,
    /// Length writes ignored because the channel was busy with a transfer.
    pub ignored_length_writes: u64,
    /// Soft resets.
    pub resets: u64,
}

/// Where a channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// Halted (RS = 0, or stopped by an error).
    Halted,
    /// Running, no transfer in progress: `Idle` reads `idle`.
    Ready { idle: bool },
    /// An S2MM transfer waiting for (more of) its packet, `received` bytes in.
    Receiving { received: u32 },
    /// A transfer that never completes.
    Hung,
}

#[derive(Debug, Clone)]
struct ChannelState {
    dmacr: u32,
    /// The sticky `DMASR` bits: errors and interrupts.
    flags: u32,
    run: Run,
    addr_lo: u32,
    addr_hi: u32,
    length: u32,
    fault: Option<DmaFault>,
}

impl ChannelState {
    fn reset(fault: Option<DmaFault>) -> ChannelState {
        ChannelState {
            dmacr: DMACR_RESET,
            flags: 0,
            run: Run::Halted,
            addr_lo: 0,
            addr_hi: 0,
            length: 0,
            fault,
        }
    }

    fn dmasr(&self) -> u32 {
        let state = match self.run {
            Run::Halted => bits::HALTED,
            Run::Ready { idle: true } => bits::IDLE,
            _ => 0,
        };
        state | self.flags | DMASR_THRESHOLD_STS
    }

    fn addr(&self) -> u64 {
        (self.addr_hi as u64) << 32 | self.addr_lo as u64
    }

    /// Ends the current transfer with `bit` (PG021: the error halts the channel gracefully, RS is
    /// cleared, `Err_Irq` is set).
    fn fail(&mut self, bit: u32, counts: &mut DmaCounts) {
        self.flags |= bit | bits::ERR_IRQ;
        self.dmacr &= !bits::RS;
        self.run = Run::Halted;
        counts.errors += 1;
    }

    fn complete(&mut self) {
        self.flags |= bits::IOC_IRQ;
        self.run = Run::Ready { idle: true };
    }
}

fn bus_error_bit(e: BusError) -> u32 {
    match e {
        BusError::Slave => bits::DMA_SLV_ERR,
        BusError::Decode => bits::DMA_DEC_ERR,
    }
}

/// An AXI DMA in direct register mode: its registers, as [`read`](AxiDmaModel::read) and
/// [`write`](AxiDmaModel::write) at byte offsets, and the transfers they start over [`DmaPorts`].
#[derive(Debug, Clone)]
pub struct AxiDmaModel {
    config: DmaConfig,
    mm2s: ChannelState,
    s2mm: ChannelState,
    counts: DmaCounts,
}

impl AxiDmaModel {
    /// A DMA built with `config`, in its reset state.
    pub fn new(config: DmaConfig) -> crate::Result<AxiDmaModel> {
        config.check()?;
        Ok(AxiDmaModel {
            config,
            mm2s: ChannelState::reset(None),
            s2mm: ChannelState::reset(None),
            counts: DmaCounts::default(),
        })
    }

    /// Its parameters.
    pub fn config(&self) -> &DmaConfig {
        &self.config
    }

    /// What it has done.
    pub fn counts(&self) -> DmaCounts {
        self.counts
    }

    /// Makes `channel`'s next transfer fail as `fault` says (once; a reset keeps it armed).
    pub fn arm_fault(&mut self, channel: Channel, fault: DmaFault) {
        self.channel_mut(channel).fault = Some(fault);
    }

    /// True while `channel`'s interrupt output is asserted (an interrupt bit set and enabled).
    pub fn interrupt(&self, channel: Channel) -> bool {
        let ch = self.channel(channel);
        (ch.flags & bits::IOC_IRQ != 0 && ch.dmacr & bits::IOC_IRQ_EN != 0)
            || (ch.flags & bits::ERR_IRQ != 0 && ch.dmacr & bits::ERR_IRQ_EN != 0)
    }

    /// The soft reset (`DMACR.Reset`): both channels return to their reset values, the stream side
    /// drops what it holds; armed faults stay armed.
    pub fn soft_reset(&mut self, ports: &mut dyn DmaPorts) {
        self.mm2s = ChannelState::reset(self.mm2s.fault);
        self.s2mm = ChannelState::reset(self.s2mm.fault);
        self.counts.resets += 1;
        ports.reset();
    }

    /// Reads the register at byte `offset` (0 for offsets with no register in direct register mode).
    pub fn read(&mut self, offset: usize, ports: &mut dyn DmaPorts) -> u32 {
        // A status read is where a driver waits: let a waiting S2MM transfer take what arrived.
        self.pump(ports);
        let mask = self.msb_mask();
        match offset {
            reg::MM2S_DMACR => self.mm2s.dmacr,
            reg::MM2S_DMASR => self.mm2s.dmasr(),
            reg::MM2S_SA => self.mm2s.addr_lo,
            reg::MM2S_SA_MSB => self.mm2s.addr_hi & mask,
            reg::MM2S_LENGTH => self.mm2s.length,
            reg::S2MM_DMACR => self.s2mm.dmacr,
            reg::S2MM_DMASR => self.s2mm.dmasr(),
            reg::S2MM_DA => self.s2mm.addr_lo,
            reg::S2MM_DA_MSB => self.s2mm.addr_hi & mask,
            reg::S2MM_LENGTH => self.s2mm.length,
            _ => 0,
        }
    }

    /// Writes the register at byte `offset` (ignored for offsets with no register, and for read-only
    /// bits); may start, stop or complete transfers.
    pub fn write(&mut self, offset: usize, value: u32, ports: &mut dyn DmaPorts) {
        let mask = self.msb_mask();
        match offset {
            reg::MM2S_DMACR => self.write_dmacr(Channel::Mm2s, value, ports),
            reg::S2MM_DMACR => self.write_dmacr(Channel::S2mm, value, ports),
            reg::MM2S_DMASR => self.mm2s.flags &= !(value & bits::W1C),
            reg::S2MM_DMASR => self.s2mm.flags &= !(value & bits::W1C),
            reg::MM2S_SA => self.mm2s.addr_lo = value,
            reg::S2MM_DA => self.s2mm.addr_lo = value,
            reg::MM2S_SA_MSB => self.mm2s.addr_hi = value & mask,
            reg::S2MM_DA_MSB => self.s2mm.addr_hi = value & mask,
            reg::MM2S_LENGTH => self.write_length(Channel::Mm2s, value, ports),
            reg::S2MM_LENGTH => self.write_length(Channel::S2mm, value, ports),
            _ => {}
        }
        self.pump(ports);
    }

    /// Lets a waiting S2MM transfer take the beats that have arrived on its stream.
    pub fn pump(&mut self, ports: &mut dyn DmaPorts) {
        let width = (self.config.s2mm_stream_bits / 8) as usize;
        let align = (self.config.s2mm_memory_bits / 8) as u64;
        let ch = &mut self.s2mm;
        while let Run::Receiving { received } = ch.run {
            let Some(beat) = ports.receive() else { break };
            // An armed memory fault strikes when there is data to write.
            let fault = match ch.fault {
                Some(DmaFault::Decode) => Some(BusError::Decode),
                Some(DmaFault::Slave) => Some(BusError::Slave),
                _ => None,
            };
            if let Some(e) = fault {
                ch.fault = None;
                ch.fail(bus_error_bit(e), &mut self.counts);
                break;
            }
            let room = (ch.length - received) as usize;
            let n = width.min(room);
            let base = ch.addr() & !(align - 1);
            let bytes = beat.data.to_le_bytes();
            if let Err(e) = ports.write_memory(base + received as u64, &bytes[..n]) {
                ch.fail(bus_error_bit(e), &mut self.counts);
                break;
            }
            self.counts.s2mm_bytes += n as u64;
            let received = received + n as u32;
            if n < width {
                // The beat does not fit: the packet is longer than the length.
                ch.fail(bits::DMA_INT_ERR, &mut self.counts);
            } else if beat.last {
                ch.length = received;
                ch.complete();
                self.counts.s2mm_transfers += 1;
            } else if received == ch.length {
                // The buffer is full and the packet goes on: longer than the length.
                ch.fail(bits::DMA_INT_ERR, &mut self.counts);
            } else {
                ch.run = Run::Receiving { received };
            }
        }
    }

    fn channel(&self, channel: Channel) -> &ChannelState {
        match channel {
            Channel::Mm2s => &self.mm2s,
            Channel::S2mm => &self.s2mm,
        }
    }

    fn channel_mut(&mut self, channel: Channel) -> &mut ChannelState {
        match channel {
            Channel::Mm2s => &mut self.mm2s,
            Channel::S2mm => &mut self.s2mm,
        }
    }

    fn msb_mask(&self) -> u32 {
        match self.config.addr_width {
            32 => 0,
            64 => u32::MAX,
            w => ((1u64 << (w - 32)) - 1) as u32,
        }
    }

    fn write_dmacr(&mut self, channel: Channel, value: u32, ports: &mut dyn DmaPorts) {
        if value & bits::RESET != 0 {
            self.soft_reset(ports);
            return;
        }
        let ch = self.channel_mut(channel);
        let dmacr = (value & DMACR_WRITABLE) | bits::DMACR_RESERVED_ONE;
        ch.dmacr = dmacr;
        if dmacr & bits::RS == 0 {
            // Stop: whatever is in progress is flushed, the channel halts.
            ch.run = Run::Halted;
        } else if ch.run == Run::Halted && ch.flags & bits::DMA_ERRORS == 0 {
            // Run: Halted drops; Idle stays 0 until a transfer completes.
            ch.run = Run::Ready { idle: false };
        }
    }

    fn write_length(&mut self, channel: Channel, value: u32, ports: &mut dyn DmaPorts) {
        let length = value & self.config.length_mask();
        let (ch, counts) = match channel {
            Channel::Mm2s => (&mut self.mm2s, &mut self.counts),
            Channel::S2mm => (&mut self.s2mm, &mut self.counts),
        };
        match ch.run {
            Run::Halted => {
                // PG021: while halted, a length write has no effect on DMA operations.
                ch.length = length;
                return;
            }
            Run::Receiving { .. } | Run::Hung => {
                counts.ignored_length_writes += 1;
                return;
            }
            Run::Ready { .. } => {}
        }
        ch.length = length;
        ch.run = Run::Ready { idle: false };
        if ch.fault == Some(DmaFault::Hang) {
            ch.fault = None;
            ch.run = Run::Hung;
            return;
        }
        if length == 0 {
            ch.fail(bits::DMA_INT_ERR, counts);
            return;
        }
        match channel {
            Channel::Mm2s => {
                let fault = match self.mm2s.fault.take() {
                    Some(DmaFault::Decode) => Some(BusError::Decode),
                    Some(DmaFault::Slave) => Some(BusError::Slave),
                    _ => None,
                };
                self.run_mm2s(fault, ports)
            }
            Channel::S2mm => {
                let align = (self.config.s2mm_memory_bits / 8) as u64;
                if self.s2mm.addr() % align != 0 {
                    self.counts.unaligned += 1;
                }
                self.s2mm.run = Run::Receiving { received: 0 };
            }
        }
    }

    fn run_mm2s(&mut self, fault: Option<BusError>, ports: &mut dyn DmaPorts) {
        let ch = &mut self.mm2s;
        if let Some(e) = fault {
            ch.fail(bus_error_bit(e), &mut self.counts);
            return;
        }
        let align = (self.config.mm2s_memory_bits / 8) as u64;
        let addr = ch.addr();
        if addr % align != 0 {
            self.counts.unaligned += 1;
        }
        let mut data = vec![0u8; ch.length as usize];
        if let Err(e) = ports.read_memory(addr & !(align - 1), &mut data) {
            ch.fail(bus_error_bit(e), &mut self.counts);
            return;
        }
        let width = (self.config.mm2s_stream_bits / 8) as usize;
        let count = data.len().div_ceil(width);
        let beats: Vec<Beat> = data
            .chunks(width)
            .enumerate()
            .map(|(i, chunk)| {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                Beat {
                    data: u64::from_le_bytes(word),
                    last: i + 1 == count,
                }
            })
            .collect();
        ports.send(&beats);
        ch.complete();
        self.counts.mm2s_transfers += 1;
        self.counts.mm2s_bytes += data.len() as u64;
    }
}
