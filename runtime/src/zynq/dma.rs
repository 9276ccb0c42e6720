//! The AXI DMA (AMD PG021) in simple, direct-register mode: one MM2S transfer from memory into the
//! IP's input stream and one S2MM transfer from its output stream into memory per batch (or per
//! piece of a batch too long for one transfer).
//!
//! Per channel: set RS, write the address (low and high words), write the length — which starts the
//! transfer —, poll DMASR until Idle or IOC_Irq (or an error bit), clear IOC_Irq by writing 1. S2MM
//! starts before MM2S so no output is dropped; afterwards `S2MM_LENGTH` holds the bytes received.
//! Every error leaves the DMA reset, so the next call works.
//!
//! ```no_run
//! use hls4ml_runtime::zynq::{dma::AxiDma, linux::Linux, Platform};
//! use std::time::Duration;
//! let mut board = Linux::new();
//! let regs = board.map_registers(0x4040_0000, 0x1_0000)?;
//! let mut dma = AxiDma::new(regs, 26, Duration::from_secs(1))?;
//! let (input, output) = (board.alloc_dma(64)?, board.alloc_dma(20)?);
//! // 1 sample of 64 input bytes in, 20 output bytes back.
//! dma.run(input.phys_addr(), output.phys_addr(), 1, 64, 20)?;
//! # Ok::<(), hls4ml_runtime::Error>(())
//! ```

use super::Registers;
use crate::error::{Error, ErrorKind, Result};
use std::time::{Duration, Instant};

/// Register offsets (PG021, "Direct Register Mode Register Address Map").
pub mod regs {
    /// MM2S DMA control register.
    pub const MM2S_DMACR: usize = 0x00;
    /// MM2S DMA status register.
    pub const MM2S_DMASR: usize = 0x04;
    /// MM2S source address, low 32 bits.
    pub const MM2S_SA: usize = 0x18;
    /// MM2S source address, high 32 bits.
    pub const MM2S_SA_MSB: usize = 0x1C;
    /// MM2S transfer length in bytes; writing it starts the transfer.
    pub const MM2S_LENGTH: usize = 0x28;
    /// S2MM DMA control register.
    pub const S2MM_DMACR: usize = 0x30;
    /// S2MM DMA status register.
    pub const S2MM_DMASR: usize = 0x34;
    /// S2MM destination address, low 32 bits.
    pub const S2MM_DA: usize = 0x48;
    /// S2MM destination address, high 32 bits.
    pub const S2MM_DA_MSB: usize = 0x4C;
    /// S2MM buffer length in bytes; after completion, the bytes received.
    pub const S2MM_LENGTH: usize = 0x58;
}

/// DMACR and DMASR bits.
pub mod bits {
    /// DMACR: run/stop.
    pub const RS: u32 = 1 << 0;
    /// DMACR: soft reset of the whole core (both channels); reads 1 until the reset is done.
    pub const RESET: u32 = 1 << 2;
    /// DMASR: the channel is halted.
    pub const HALTED: u32 = 1 << 0;
    /// DMASR: the transfer is done (direct register mode).
    pub const IDLE: u32 = 1 << 1;
    /// DMASR: the core was built with scatter-gather.
    pub const SG_INCLD: u32 = 1 << 3;
    /// DMASR: internal error (length 0, or an S2MM packet longer than the length).
    pub const DMA_INT_ERR: u32 = 1 << 4;
    /// DMASR: the memory answered SLVERR.
    pub const DMA_SLV_ERR: u32 = 1 << 5;
    /// DMASR: the address decodes to nothing (DECERR).
    pub const DMA_DEC_ERR: u32 = 1 << 6;
    /// DMASR: scatter-gather internal error.
    pub const SG_INT_ERR: u32 = 1 << 8;
    /// DMASR: scatter-gather slave error.
    pub const SG_SLV_ERR: u32 = 1 << 9;
    /// DMASR: scatter-gather decode error.
    pub const SG_DEC_ERR: u32 = 1 << 10;
    /// DMASR: interrupt on complete (write 1 to clear).
    pub const IOC_IRQ: u32 = 1 << 12;
    /// DMASR: interrupt on delay (write 1 to clear).
    pub const DLY_IRQ: u32 = 1 << 13;
    /// DMASR: interrupt on error (write 1 to clear).
    pub const ERR_IRQ: u32 = 1 << 14;
    /// Every error bit.
    pub const ERRORS: u32 = DMA_INT_ERR | DMA_SLV_ERR | DMA_DEC_ERR | SG_INT_ERR | SG_SLV_ERR | SG_DEC_ERR;
    /// DMACR: reserved, always reads 1.
    pub const DMACR_RESERVED_ONE: u32 = 1 << 1;
    /// DMACR: keyhole (fixed-address) transfers.
    pub const KEYHOLE: u32 = 1 << 3;
    /// DMACR: cyclic buffer descriptors (scatter-gather only).
    pub const CYCLIC_BD: u32 = 1 << 4;
    /// DMACR: interrupt on complete enable.
    pub const IOC_IRQ_EN: u32 = 1 << 12;
    /// DMACR: delay interrupt enable.
    pub const DLY_IRQ_EN: u32 = 1 << 13;
    /// DMACR: error interrupt enable.
    pub const ERR_IRQ_EN: u32 = 1 << 14;
    /// DMACR: interrupt threshold (bits 16–23).
    pub const IRQ_THRESHOLD: u32 = 0xff << 16;
    /// DMACR: interrupt delay timeout (bits 24–31).
    pub const IRQ_DELAY: u32 = 0xff << 24;
    /// DMASR: the write-1-to-clear bits.
    pub const W1C: u32 = IOC_IRQ | DLY_IRQ | ERR_IRQ;
    /// DMASR: the error bits of direct register mode.
    pub const DMA_ERRORS: u32 = DMA_INT_ERR | DMA_SLV_ERR | DMA_DEC_ERR;
}

/// The bytes of register space the driver touches.
const REGISTER_SPAN: usize = regs::S2MM_LENGTH + 4;

/// PG021's range of `c_sg_length_width` (the width of the length registers).
const LENGTH_WIDTHS: std::ops::RangeInclusive<u32> = 8..=26;

/// One of the two channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Memory to stream: memory → the IP's input.
    Mm2s,
    /// Stream to memory: the IP's output → memory.
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

    fn dmacr(self) -> usize {
        match self {
            Channel::Mm2s => regs::MM2S_DMACR,
            Channel::S2mm => regs::S2MM_DMACR,
        }
    }

    fn dmasr(self) -> usize {
        match self {
            Channel::Mm2s => regs::MM2S_DMASR,
            Channel::S2mm => regs::S2MM_DMASR,
        }
    }
}

/// One transfer under way: what a channel was asked to do, for messages.
#[derive(Debug, Clone, Copy)]
struct Job {
    channel: Channel,
    addr: u64,
    len: usize,
}

/// An AXI DMA in direct-register mode (see the module documentation).
pub struct AxiDma {
    regs: Box<dyn Registers>,
    max_transfer: usize,
    timeout: Duration,
    /// False until a reset has brought the core into a known state, and again after an error.
    ready: bool,
}

impl std::fmt::Debug for AxiDma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AxiDma")
            .field("max_transfer", &self.max_transfer)
            .field("timeout", &self.timeout)
            .field("ready", &self.ready)
            .finish()
    }
}

impl AxiDma {
    /// The DMA whose registers are `regs`, built with `c_sg_length_width = length_width` (one
    /// transfer is at most `2^length_width − 1` bytes); each transfer must finish within `timeout`.
    /// Touches no register: the first [`AxiDma::run`] resets the core.
    pub fn new(regs: Box<dyn Registers>, length_width: u32, timeout: Duration) -> Result<AxiDma> {
        if regs.len() < REGISTER_SPAN {
            return Err(Error::new(
                ErrorKind::Hardware,
                format!(
                    "the AXI DMA's register block is {} bytes; its registers span 0x{REGISTER_SPAN:x} bytes",
                    regs.len()
                ),
            ));
        }
        if !LENGTH_WIDTHS.contains(&length_width) {
            return Err(Error::new(
                ErrorKind::Hardware,
                format!(
                    "the AXI DMA's C_SG_LENGTH_WIDTH is {length_width}; PG021 allows {} to {}",
                    LENGTH_WIDTHS.start(),
                    LENGTH_WIDTHS.end()
                ),
            ));
        }
        Ok(AxiDma {
            regs,
            max_transfer: (1usize << length_width) - 1,
            timeout,
            ready: false,
        })
    }

    /// The largest transfer in bytes (`2^c_sg_length_width − 1`).
    pub fn max_transfer(&self) -> usize {
        self.max_transfer
    }

    /// The registers.
    pub fn registers(&self) -> &dyn Registers {
        self.regs.as_ref()
    }

    /// Soft-resets the core (both channels), waits for the reset to finish and sets both channels
    /// running.
    pub fn reset(&mut self) -> Result<()> {
        self.ready = false;
        self.regs.write32(regs::MM2S_DMACR, bits::RESET);
        let start = Instant::now();
        let mut backoff = Backoff::default();
        loop {
            let (mm2s, s2mm) = (self.regs.read32(regs::MM2S_DMACR), self.regs.read32(regs::S2MM_DMACR));
            if (mm2s | s2mm) & bits::RESET == 0 {
                break;
            }
            if start.elapsed() > self.timeout {
                return Err(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "the AXI DMA's soft reset did not finish within {:?}: MM2S_DMACR (0x00) = 0x{mm2s:08x}, \
                         S2MM_DMACR (0x30) = 0x{s2mm:08x} (Reset, bit 2, stays set)",
                        self.timeout
                    ),
                ));
            }
            backoff.wait();
        }
        // S2MM first, as for the transfers.
        self.set_running(Channel::S2mm);
        self.set_running(Channel::Mm2s);
        self.ready = true;
        Ok(())
    }

    /// Runs `n` samples: `n × in_sample` bytes from physical address `input` into the IP and
    /// `n × out_sample` bytes from the IP to `output`, in as many transfers as the length registers
    /// need (each a whole number of samples). Checks that the IP sent exactly the expected bytes.
    pub fn run(&mut self, input: u64, output: u64, n: usize, in_sample: usize, out_sample: usize) -> Result<()> {
        let (in_total, out_total) = match (n.checked_mul(in_sample), n.checked_mul(out_sample)) {
            (Some(i), Some(o)) if i > 0 && o > 0 => (i, o),
            _ => {
                return Err(Error::new(
                    ErrorKind::Argument,
                    format!(
                        "a DMA run of {n} samples of {in_sample} bytes in and {out_sample} bytes out: the AXI \
                         DMA refuses transfers of length 0"
                    ),
                ))
            }
        };
        let per_chunk = self.samples_per_transfer(in_sample, out_sample)?;
        let mut done = 0;
        while done < n {
            let k = per_chunk.min(n - done);
            let (src, dst) = (input + (done * in_sample) as u64, output + (done * out_sample) as u64);
            let (src_len, dst_len) = (k * in_sample, k * out_sample);
            let got = self.transfer(src, src_len, dst, dst_len)?;
            if got != dst_len {
                let whole = if n > k {
                    format!(" (samples {done}..{} of {n})", done + k)
                } else {
                    String::new()
                };
                return Err(Error::new(
                    ErrorKind::Length,
                    format!(
                        "S2MM_LENGTH (0x58) reads {got} bytes received, expected {dst_len}{whole}: the IP's output \
                         stream ended early (TLAST after {got} of {dst_len} bytes) — it does not produce \
                         {out_sample} bytes per sample, or the bitstream is not this model's"
                    ),
                ));
            }
            done += k;
        }
        debug_assert_eq!((done * in_sample, done * out_sample), (in_total, out_total));
        Ok(())
    }

    /// Samples per transfer: as many as both length registers take, rounded down so every piece
    /// starts on a 64-byte boundary of both buffers (the DMA without realignment engine needs
    /// aligned addresses).
    fn samples_per_transfer(&self, in_sample: usize, out_sample: usize) -> Result<usize> {
        let most = (self.max_transfer / in_sample).min(self.max_transfer / out_sample);
        if most == 0 {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "one sample ({in_sample} bytes in, {out_sample} out) exceeds the AXI DMA's largest transfer of \
                     {} bytes (C_SG_LENGTH_WIDTH {}): rebuild the design with a wider length register",
                    self.max_transfer,
                    self.max_transfer.count_ones()
                ),
            ));
        }
        let step = |bytes: usize| 64 / gcd(64, bytes);
        let multiple = lcm(step(in_sample), step(out_sample));
        Ok(if most >= multiple {
            most / multiple * multiple
        } else {
            most
        })
    }

    /// One S2MM and one MM2S transfer (S2MM started first); returns the bytes S2MM received.
    pub fn transfer(&mut self, src: u64, src_len: usize, dst: u64, dst_len: usize) -> Result<usize> {
        for (what, len) in [("MM2S", src_len), ("S2MM", dst_len)] {
            if len == 0 || len > self.max_transfer {
                return Err(Error::new(
                    ErrorKind::Argument,
                    format!(
                        "an {what} transfer of {len} bytes: the AXI DMA takes 1 to {} bytes per transfer",
                        self.max_transfer
                    ),
                ));
            }
        }
        self.ensure_running()?;
        let jobs = [
            Job {
                channel: Channel::S2mm,
                addr: dst,
                len: dst_len,
            },
            Job {
                channel: Channel::Mm2s,
                addr: src,
                len: src_len,
            },
        ];
        for job in &jobs {
            self.start(job);
        }
        match self.wait(&jobs) {
            Ok(()) => {
                for job in &jobs {
                    self.regs.write32(job.channel.dmasr(), bits::IOC_IRQ | bits::ERR_IRQ);
                }
                Ok(self.regs.read32(regs::S2MM_LENGTH) as usize)
            }
            Err(e) => {
                // Leave the core reset, so the next call starts clean.
                match self.reset() {
                    Ok(()) => Err(e),
                    Err(r) => Err(e.context(format!("(resetting the DMA failed too: {r})"))),
                }
            }
        }
    }

    /// Resets the core when it is not in a state to start a transfer: never reset yet, or a channel
    /// halted, in error, or still busy.
    fn ensure_running(&mut self) -> Result<()> {
        if self.ready {
            let mm2s = self.regs.read32(regs::MM2S_DMASR);
            let s2mm = self.regs.read32(regs::S2MM_DMASR);
            let rs = self.regs.read32(regs::MM2S_DMACR) & self.regs.read32(regs::S2MM_DMACR) & bits::RS;
            let fine = |sr: u32| sr & (bits::HALTED | bits::ERRORS) == 0;
            if rs != 0 && fine(mm2s) && fine(s2mm) {
                return Ok(());
            }
        }
        self.reset()
    }

    /// Sets RS, keeping the rest of DMACR (the interrupt threshold and enables).
    fn set_running(&self, channel: Channel) {
        let cr = self.regs.read32(channel.dmacr());
        self.regs.write32(channel.dmacr(), (cr | bits::RS) & !bits::RESET);
    }

    fn start(&self, job: &Job) {
        let (addr, msb, length) = match job.channel {
            Channel::Mm2s => (regs::MM2S_SA, regs::MM2S_SA_MSB, regs::MM2S_LENGTH),
            Channel::S2mm => (regs::S2MM_DA, regs::S2MM_DA_MSB, regs::S2MM_LENGTH),
        };
        let sr = job.channel.dmasr();
        // Clear completion and error interrupts left from before, then RS, address, length.
        self.regs.write32(sr, bits::IOC_IRQ | bits::DLY_IRQ | bits::ERR_IRQ);
        self.set_running(job.channel);
        self.regs.write32(addr, job.addr as u32);
        self.regs.write32(msb, (job.addr >> 32) as u32);
        self.regs.write32(length, job.len as u32);
    }

    /// Polls both channels until both are done; an error bit, a halt or the timeout is an error.
    fn wait(&self, jobs: &[Job]) -> Result<()> {
        let start = Instant::now();
        let mut backoff = Backoff::default();
        let mut halted_since: Option<Instant> = None;
        loop {
            let mut all_done = true;
            let mut halted = false;
            for job in jobs {
                let sr = self.regs.read32(job.channel.dmasr());
                if sr & bits::ERRORS != 0 {
                    return Err(Error::new(ErrorKind::Dma, self.decode_error(job, sr)));
                }
                let done = sr & (bits::IDLE | bits::IOC_IRQ) != 0;
                if !done && sr & bits::HALTED != 0 {
                    halted = true;
                }
                all_done &= done;
            }
            if all_done {
                return Ok(());
            }
            // PG021: Halted may lag RS by a few cycles; a halt that lasts is an error.
            if halted {
                let since = *halted_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(10).min(self.timeout) {
                    let job = jobs
                        .iter()
                        .find(|j| self.regs.read32(j.channel.dmasr()) & bits::HALTED != 0)
                        .unwrap_or(&jobs[0]);
                    let sr = self.regs.read32(job.channel.dmasr());
                    return Err(Error::new(
                        ErrorKind::Dma,
                        format!(
                            "{}_DMASR (0x{:02x}) = 0x{sr:08x}: Halted (bit 0) while a transfer of {} bytes should run \
                             ({}); {}_DMACR (0x{:02x}) = 0x{:08x}",
                            job.channel.name(),
                            job.channel.dmasr(),
                            job.len,
                            describe_status(sr),
                            job.channel.name(),
                            job.channel.dmacr(),
                            self.regs.read32(job.channel.dmacr())
                        ),
                    ));
                }
            } else {
                halted_since = None;
            }
            if start.elapsed() > self.timeout {
                return Err(Error::new(ErrorKind::Timeout, self.describe_timeout(jobs)));
            }
            backoff.wait();
        }
    }

    /// "S2MM_DMASR (0x34) = 0x00010041: DMADecErr (bit 6): the address 0x… is not mapped".
    fn decode_error(&self, job: &Job, sr: u32) -> String {
        let (name, off) = (job.channel.name(), job.channel.dmasr());
        let end = job.addr + job.len as u64;
        let reasons: Vec<String> = [
            (
                bits::DMA_INT_ERR,
                "DMAIntErr (bit 4)",
                match job.channel {
                    Channel::S2mm => format!(
                        "the IP's output packet is longer than the {} bytes expected (no TLAST by then), or the \
                         length was refused",
                        job.len
                    ),
                    Channel::Mm2s => format!("the DMA refused the transfer of {} bytes", job.len),
                },
            ),
            (
                bits::DMA_SLV_ERR,
                "DMASlvErr (bit 5)",
                format!(
                    "the memory at 0x{:x}..0x{end:x} answered SLVERR (is the PL's port into DDR enabled?)",
                    job.addr
                ),
            ),
            (
                bits::DMA_DEC_ERR,
                "DMADecErr (bit 6)",
                format!("the address 0x{:x} is not mapped (nothing answers at 0x{:x}..0x{end:x})", job.addr, job.addr),
            ),
            (
                bits::SG_INT_ERR,
                "SGIntErr (bit 8)",
                "scatter-gather internal error: the core was built with scatter-gather; this driver needs \
                 c_include_sg = 0"
                    .to_string(),
            ),
            (
                bits::SG_SLV_ERR,
                "SGSlvErr (bit 9)",
                "scatter-gather slave error: the core was built with scatter-gather; this driver needs c_include_sg = 0"
                    .to_string(),
            ),
            (
                bits::SG_DEC_ERR,
                "SGDecErr (bit 10)",
                "scatter-gather decode error: the core was built with scatter-gather; this driver needs \
                 c_include_sg = 0"
                    .to_string(),
            ),
        ]
        .into_iter()
        .filter(|(bit, _, _)| sr & bit != 0)
        .map(|(_, bit_name, why)| format!("{bit_name}: {why}"))
        .collect();
        format!("{name}_DMASR (0x{off:02x}) = 0x{sr:08x}: {}", reasons.join("; "))
    }

    fn describe_timeout(&self, jobs: &[Job]) -> String {
        let mut parts = Vec::new();
        let mut stuck = Vec::new();
        for job in jobs {
            let (name, off) = (job.channel.name(), job.channel.dmasr());
            let sr = self.regs.read32(off);
            if sr & (bits::IDLE | bits::IOC_IRQ) == 0 {
                stuck.push(job.channel);
            }
            parts.push(format!(
                "{name}_DMASR (0x{off:02x}) = 0x{sr:08x} ({}) for {} bytes at 0x{:x}",
                describe_status(sr),
                job.len,
                job.addr
            ));
        }
        let hint = match stuck.as_slice() {
            [Channel::S2mm] => "the IP took all its input but did not send all its output (or no TLAST)",
            [Channel::Mm2s] => "the IP did not take all its input",
            _ => "the IP took none of its input and sent no output: is it clocked, out of reset, this model's?",
        };
        format!(
            "the DMA transfer did not complete within {:?}: {}; {hint}",
            self.timeout,
            parts.join(", ")
        )
    }
}

/// The names of the set status bits ("Idle, IOC_Irq"), or "running" when none is.
pub fn describe_status(sr: u32) -> String {
    const NAMES: [(u32, &str); 12] = [
        (bits::HALTED, "Halted"),
        (bits::IDLE, "Idle"),
        (bits::SG_INCLD, "SGIncld"),
        (bits::DMA_INT_ERR, "DMAIntErr"),
        (bits::DMA_SLV_ERR, "DMASlvErr"),
        (bits::DMA_DEC_ERR, "DMADecErr"),
        (bits::SG_INT_ERR, "SGIntErr"),
        (bits::SG_SLV_ERR, "SGSlvErr"),
        (bits::SG_DEC_ERR, "SGDecErr"),
        (bits::IOC_IRQ, "IOC_Irq"),
        (bits::DLY_IRQ, "Dly_Irq"),
        (bits::ERR_IRQ, "Err_Irq"),
    ];
    let set: Vec<&str> = NAMES.iter().filter(|(b, _)| sr & b != 0).map(|&(_, n)| n).collect();
    if set.is_empty() {
        "running, not idle".to_string()
    } else {
        set.join(", ")
    }
}

/// Polling that starts fast and backs off, so a long wait does not hold a core at 100 %.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    polls: u32,
}

impl Backoff {
    /// Waits a little before the next poll: spins first, then yields, then sleeps up to 1 ms.
    pub(crate) fn wait(&mut self) {
        self.polls = self.polls.saturating_add(1);
        match self.polls {
            0..=64 => std::hint::spin_loop(),
            65..=256 => std::thread::yield_now(),
            n => {
                let micros = 10u64 << ((n - 257) / 16).min(7);
                std::thread::sleep(Duration::from_micros(micros.min(1000)));
            }
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn lcm(a: usize, b: usize) -> usize {
    a / gcd(a, b) * b
}
