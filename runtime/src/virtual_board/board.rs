//! [`VirtualBoard`]: the DMA, the DDR, the IP and the control block wired together, and the
//! [`Platform`] the Zynq backend drives them through.

use super::control::{ControlBlock, RunLog};
use super::ddr::{Ddr, SyncCounts};
use super::design::{self, Design, BIT_PREAMBLE, BLOCK_SIZE};
use super::dma::{AxiDmaModel, BusError, DmaConfig, DmaCounts, DmaFault, DmaPorts};
use super::{Fault, Options, Stats};
use crate::accel::{Family, Interface, Spec};
use crate::error::{Error, ErrorKind, Result};
use crate::ip::{Beat, Ip};
use crate::zynq::{DmaMemory, Platform, Registers};
use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The AXI DMA's register block on a Zynq-7000 board.
pub const ZYNQ7000_DMA_BASE: u64 = 0x4040_0000;
/// The IP's control block on a Zynq-7000 board.
pub const ZYNQ7000_IP_BASE: u64 = 0x43c0_0000;
/// The AXI DMA's register block on a Zynq UltraScale+ board.
pub const ZYNQMP_DMA_BASE: u64 = 0xa000_0000;
/// The IP's control block on a Zynq UltraScale+ board.
pub const ZYNQMP_IP_BASE: u64 = 0xa001_0000;

/// The stream between the DMA and the IP.
#[derive(Debug, Default)]
struct Stream {
    /// MM2S beats that do not yet make a whole sample.
    pending: Vec<Beat>,
    /// The IP's output, waiting for S2MM.
    fifo: VecDeque<Beat>,
    /// An armed short packet: the next output packet ends after this many beats.
    short_armed: Option<usize>,
    /// The packet being cut short: beats still to keep (`Some(0)`: dropping the rest).
    cutting: Option<usize>,
    /// IP runs and samples.
    runs: u64,
    samples: u64,
}

impl Stream {
    fn push_output(&mut self, beats: Vec<Beat>) {
        for mut beat in beats {
            if self.cutting.is_none() {
                self.cutting = self.short_armed.take();
            }
            match self.cutting {
                None => self.fifo.push_back(beat),
                Some(0) => {
                    // Dropping what the short packet did not carry, up to the packet's own end.
                    if beat.last {
                        self.cutting = None;
                    }
                }
                Some(left) => {
                    let ends = beat.last;
                    if left == 1 {
                        beat.last = true;
                        self.cutting = if ends { None } else { Some(0) };
                    } else {
                        self.cutting = if ends { None } else { Some(left - 1) };
                    }
                    self.fifo.push_back(beat);
                }
            }
        }
    }
}

/// The board's state, behind one lock.
struct State {
    spec: Spec,
    ip: Box<dyn Ip>,
    ddr: Ddr,
    dma: AxiDmaModel,
    control: ControlBlock,
    stream: Stream,
    log: RunLog,
    dma_base: u64,
    ip_base: u64,
    /// Why the board cannot run (set by a lenient [`VirtualBoard::new`]).
    broken: Option<String>,
    programmed: Option<Vec<u8>>,
    programs: u64,
    expected_bin: Option<Vec<u8>>,
    bad_accesses: u64,
    locks: HashSet<u64>,
}

/// The DMA's data side on this board: the DDR and the stream through the IP.
struct Ports<'a> {
    spec: &'a Spec,
    ip: &'a mut dyn Ip,
    ddr: &'a Ddr,
    stream: &'a mut Stream,
    log: &'a mut RunLog,
}

impl DmaPorts for Ports<'_> {
    fn read_memory(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), BusError> {
        self.ddr.read(addr, buf).map_err(|_| BusError::Decode)
    }

    fn write_memory(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        self.ddr.write(addr, data).map_err(|_| BusError::Decode)
    }

    fn send(&mut self, beats: &[Beat]) {
        let values = self.spec.input.values;
        self.stream.pending.extend_from_slice(beats);
        if values == 0 {
            self.stream.pending.clear();
            return;
        }
        // The wrapper reads whole samples, whatever TLAST says; a partial one waits for the rest.
        let whole = self.stream.pending.len() / values * values;
        if whole == 0 {
            return;
        }
        let input: Vec<Beat> = self.stream.pending.drain(..whole).collect();
        let mut output = Vec::with_capacity(whole / values * self.spec.output.values);
        match self.ip.stream(&input, &mut output) {
            Ok(()) => {
                self.stream.runs += 1;
                self.stream.samples += (whole / values) as u64;
                self.stream.push_output(output);
            }
            Err(e) => self
                .log
                .errors
                .push(format!("the IP failed on {} samples: {e}", whole / values)),
        }
    }

    fn receive(&mut self) -> Option<Beat> {
        self.stream.fifo.pop_front()
    }

    fn reset(&mut self) {
        self.stream.pending.clear();
        self.stream.fifo.clear();
        self.stream.cutting = None;
    }
}

impl State {
    fn dma_access<T>(&mut self, f: impl FnOnce(&mut AxiDmaModel, &mut Ports) -> T) -> T {
        let State {
            spec,
            ip,
            ddr,
            dma,
            stream,
            log,
            ..
        } = self;
        let mut ports = Ports {
            spec,
            ip: ip.as_mut(),
            ddr,
            stream,
            log,
        };
        f(dma, &mut ports)
    }

    /// The error of a board that cannot run.
    fn check(&self) -> Result<()> {
        match &self.broken {
            Some(why) => Err(Error::new(ErrorKind::Hardware, why.clone())),
            None => Ok(()),
        }
    }

    /// Everything in the PL back to its reset state (after programming); armed faults stay armed.
    fn reset_pl(&mut self) {
        self.dma_access(|dma, ports| dma.soft_reset(ports));
        let spec = self.spec.clone();
        self.control.reset(&spec);
    }
}

/// A simulated Zynq board running one accelerator: an AXI DMA ([`AxiDmaModel`]) between a simulated
/// DDR ([`Ddr`]) and the IP for `axi_stream`, or the IP's control block for `axi_lite` and
/// `axi_master`. Cloning gives another handle on the same board.
#[derive(Clone)]
pub struct VirtualBoard {
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for VirtualBoard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.lock();
        f.debug_struct("VirtualBoard")
            .field("spec", &s.spec)
            .field("dma_base", &s.dma_base)
            .field("ip_base", &s.ip_base)
            .field("ddr", &s.ddr)
            .finish()
    }
}

/// The DMA's parameters for `spec`, as the block design sets them.
fn dma_config(spec: &Spec, length_width: u32) -> DmaConfig {
    let mut config = DmaConfig::new(spec.input.word_bits, spec.output.word_bits);
    config.length_width = length_width;
    config.addr_width = if spec.family == Family::Zynq7000 { 32 } else { 64 };
    config
}

impl VirtualBoard {
    /// A board running `ip`, an implementation of `spec`, with the default [`Options`]. A `spec`
    /// the board cannot be built for (bus words other than 8, 16, 32 or 64 bits) gives a board whose
    /// platform refuses to program or map anything, saying why; [`VirtualBoard::with_options`]
    /// returns that error at once.
    pub fn new(spec: Spec, ip: Box<dyn Ip>) -> VirtualBoard {
        VirtualBoard::build(spec, ip, Options::default(), true)
            .unwrap_or_else(|e| unreachable!("a board built leniently has no error: {e}"))
    }

    /// A board running `ip`, an implementation of `spec`, built as `options` say.
    pub fn with_options(spec: Spec, ip: Box<dyn Ip>, options: Options) -> Result<VirtualBoard> {
        VirtualBoard::build(spec, ip, options, false)
    }

    fn build(spec: Spec, ip: Box<dyn Ip>, options: Options, lenient: bool) -> Result<VirtualBoard> {
        let mut broken = None;
        let dma = match AxiDmaModel::new(dma_config(&spec, options.sg_length_width)) {
            Ok(dma) => dma,
            Err(e) => {
                let e = e.context("the virtual board's AXI DMA");
                if !lenient {
                    return Err(e);
                }
                broken = Some(e.message().to_string());
                AxiDmaModel::new(DmaConfig::new(32, 32))?
            }
        };
        let ddr = Ddr::new(options.ddr_base, options.ddr_size)?;
        let (dma_base, ip_base) = match spec.family {
            Family::Zynq7000 => (ZYNQ7000_DMA_BASE, ZYNQ7000_IP_BASE),
            _ => (ZYNQMP_DMA_BASE, ZYNQMP_IP_BASE),
        };
        let ddr_end = options.ddr_base + options.ddr_size;
        for base in [dma_base, ip_base] {
            if base < ddr_end && options.ddr_base < base + BLOCK_SIZE {
                return Err(Error::new(
                    ErrorKind::Argument,
                    format!(
                        "the simulated DDR ({:#x}, {} bytes) overlaps the register block at {base:#x}",
                        options.ddr_base, options.ddr_size
                    ),
                ));
            }
        }
        let control = ControlBlock::new(&spec);
        Ok(VirtualBoard {
            state: Arc::new(Mutex::new(State {
                spec,
                ip,
                ddr,
                dma,
                control,
                stream: Stream::default(),
                log: RunLog::default(),
                dma_base,
                ip_base,
                broken,
                programmed: None,
                programs: 0,
                expected_bin: None,
                bad_accesses: 0,
                locks: HashSet::new(),
            })),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The accelerator's description.
    pub fn spec(&self) -> Spec {
        self.lock().spec.clone()
    }

    /// The physical base of the AXI DMA's registers.
    pub fn dma_base(&self) -> u64 {
        self.lock().dma_base
    }

    /// The physical base of the IP's control registers.
    pub fn ip_base(&self) -> u64 {
        self.lock().ip_base
    }

    /// The simulated DDR (a handle on the same memory).
    pub fn ddr(&self) -> Ddr {
        self.lock().ddr.clone()
    }

    /// A [`Platform`] on this board, for the Zynq backend.
    pub fn platform(&self) -> Box<dyn Platform> {
        Box::new(VirtualPlatform { board: self.clone() })
    }

    /// The `.bin` the board was last programmed with.
    pub fn programmed(&self) -> Option<Vec<u8>> {
        self.lock().programmed.clone()
    }

    /// Makes the next transfer or run fail as `fault` says (once; the call after it works).
    pub fn inject(&self, fault: Fault) -> Result<()> {
        let mut s = self.lock();
        let interface = s.spec.interface;
        let need = |wanted: bool, what: &str| {
            if wanted {
                Ok(())
            } else {
                Err(Error::new(
                    ErrorKind::Argument,
                    format!("{what} cannot be injected into an {} board", interface.as_str()),
                ))
            }
        };
        let stream = interface == Interface::AxiStream;
        let (channel, dma_fault) = match fault {
            Fault::DecodeError(c) => (c, DmaFault::Decode),
            Fault::SlaveError(c) => (c, DmaFault::Slave),
            Fault::Hang(c) => (c, DmaFault::Hang),
            Fault::ShortPacket { words } => {
                need(stream, "a short packet (the IP has no output stream)")?;
                if words == 0 {
                    return Err(Error::new(
                        ErrorKind::Argument,
                        "a short packet of 0 words: TLAST rides on a beat, so a packet has at least one",
                    ));
                }
                s.stream.short_armed = Some(words);
                return Ok(());
            }
            Fault::IpHang => {
                need(!stream, "an IP hang (the axi_stream IP has no ap_done)")?;
                s.control.hang_armed = true;
                return Ok(());
            }
        };
        need(stream, "a DMA fault (the board has no DMA)")?;
        s.dma.arm_fault(channel, dma_fault);
        Ok(())
    }

    /// What has happened on the board so far.
    pub fn stats(&self) -> Stats {
        let s = self.lock();
        let DmaCounts {
            mm2s_transfers,
            s2mm_transfers,
            mm2s_bytes,
            s2mm_bytes,
            errors,
            unaligned,
            ignored_length_writes,
            resets,
        } = s.dma.counts();
        let SyncCounts {
            for_device,
            for_cpu,
            bytes_for_device,
            bytes_for_cpu,
        } = s.ddr.syncs();
        Stats {
            mm2s_transfers,
            s2mm_transfers,
            mm2s_bytes,
            s2mm_bytes,
            dma_errors: errors,
            dma_resets: resets,
            unaligned_transfers: unaligned,
            ignored_length_writes,
            syncs_for_device: for_device,
            syncs_for_cpu: for_cpu,
            bytes_synced_for_device: bytes_for_device,
            bytes_synced_for_cpu: bytes_for_cpu,
            ip_runs: s.stream.runs + s.log.runs,
            samples: s.stream.samples + s.log.samples,
            ip_errors: s.log.errors.clone(),
            programs: s.programs,
            bad_register_accesses: s.bad_accesses,
            stream_words_waiting: s.stream.fifo.len() as u64,
        }
    }

    /// Writes `<dir>/<P>.bit` and `<dir>/<P>.hwh` describing this board (Vivado's outputs for it);
    /// from then on the board accepts only that bitstream's `.bin`.
    pub fn write_design(&self, dir: &Path) -> Result<(PathBuf, PathBuf)> {
        let mut s = self.lock();
        let design = Design {
            spec: &s.spec,
            dma_base: s.dma_base,
            ip_base: s.ip_base,
            dma: *s.dma.config(),
        };
        let (bit, hwh, bin) = design::write(&design, dir)?;
        s.expected_bin = Some(bin);
        Ok((bit, hwh))
    }
}

/// The board as the Zynq backend's [`Platform`].
struct VirtualPlatform {
    board: VirtualBoard,
}

impl Platform for VirtualPlatform {
    fn describe(&self) -> String {
        let s = self.board.lock();
        let at = match s.spec.interface {
            Interface::AxiStream => format!("AXI DMA at {:#x}", s.dma_base),
            _ => format!("{} control at {:#x}", s.spec.ip_name(), s.ip_base),
        };
        format!(
            "virtual board ({}): {at}, DDR at {:#x} ({} MiB)",
            s.spec.board,
            s.ddr.base(),
            s.ddr.size() >> 20
        )
    }

    fn program(&mut self, bin: &[u8]) -> Result<()> {
        let mut s = self.board.lock();
        s.check()?;
        if bin.is_empty() {
            return Err(Error::new(
                ErrorKind::Bitstream,
                "programming the PL with an empty .bin",
            ));
        }
        if bin.starts_with(&BIT_PREAMBLE) {
            return Err(Error::new(
                ErrorKind::Bitstream,
                "programming the PL with a .bit (it starts with the .bit header); the FPGA manager takes the .bin",
            ));
        }
        if bin.len() % 4 != 0 {
            return Err(Error::new(
                ErrorKind::Bitstream,
                format!(
                    "programming the PL with a .bin of {} bytes, not a whole number of 32-bit words",
                    bin.len()
                ),
            ));
        }
        if let Some(expected) = &s.expected_bin {
            if bin != expected.as_slice() {
                let at = bin
                    .iter()
                    .zip(expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(bin.len().min(expected.len()));
                return Err(Error::new(
                    ErrorKind::Bitstream,
                    format!(
                        "the .bin ({} bytes) is not the board's design ({} bytes): they differ from byte {at}",
                        bin.len(),
                        expected.len()
                    ),
                ));
            }
        }
        s.programmed = Some(bin.to_vec());
        s.programs += 1;
        s.reset_pl();
        Ok(())
    }

    fn map_registers(&mut self, base: u64, len: usize) -> Result<Box<dyn Registers>> {
        let s = self.board.lock();
        s.check()?;
        if len == 0 || len as u64 > BLOCK_SIZE {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("mapping {len} bytes of registers at {base:#x}: a block is 1 to {BLOCK_SIZE} bytes"),
            ));
        }
        let stream = s.spec.interface == Interface::AxiStream;
        let target = if stream && base == s.dma_base {
            Target::Dma
        } else if !stream && base == s.ip_base {
            Target::Control
        } else {
            let there = if stream {
                format!("the AXI DMA at {:#x}", s.dma_base)
            } else {
                format!("{}'s control registers at {:#x}", s.spec.ip_name(), s.ip_base)
            };
            return Err(Error::new(
                ErrorKind::Hardware,
                format!("nothing is mapped at {base:#x} on the virtual board (it has {there})"),
            ));
        };
        Ok(Box::new(BoardRegisters {
            board: self.board.clone(),
            target,
            len,
        }))
    }

    fn alloc_dma(&mut self, len: usize) -> Result<Box<dyn DmaMemory>> {
        let ddr = self.board.ddr();
        Ok(Box::new(ddr.alloc(len)?))
    }

    fn lock(&mut self, base: u64) -> Result<Box<dyn Send>> {
        let mut s = self.board.lock();
        if !s.locks.insert(base) {
            return Err(Error::new(
                ErrorKind::Busy,
                format!("the accelerator at {base:#x} on the virtual board is already held by another driver"),
            ));
        }
        Ok(Box::new(LockGuard {
            board: self.board.clone(),
            base,
        }))
    }
}

/// Holds a board's accelerator; dropping it releases the hold.
struct LockGuard {
    board: VirtualBoard,
    base: u64,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.board.lock().locks.remove(&self.base);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Dma,
    Control,
}

/// A mapping of one register block.
struct BoardRegisters {
    board: VirtualBoard,
    target: Target,
    len: usize,
}

impl BoardRegisters {
    fn valid(&self, offset: usize) -> bool {
        offset % 4 == 0 && offset.checked_add(4).is_some_and(|end| end <= self.len)
    }
}

impl Registers for BoardRegisters {
    fn read32(&self, offset: usize) -> u32 {
        let mut s = self.board.lock();
        if !self.valid(offset) {
            s.bad_accesses += 1;
            return 0;
        }
        match self.target {
            Target::Dma => s.dma_access(|dma, ports| dma.read(offset, ports)),
            Target::Control => s.control.read(offset),
        }
    }

    fn write32(&self, offset: usize, value: u32) {
        let mut s = self.board.lock();
        if !self.valid(offset) {
            s.bad_accesses += 1;
            return;
        }
        match self.target {
            Target::Dma => s.dma_access(|dma, ports| dma.write(offset, value, ports)),
            Target::Control => {
                let State {
                    spec,
                    ip,
                    ddr,
                    control,
                    log,
                    ..
                } = &mut *s;
                control.write(offset, value, spec, ip.as_mut(), ddr, log);
            }
        }
    }

    fn len(&self) -> usize {
        self.len
    }
}
