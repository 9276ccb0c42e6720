//! The AXI DMA driver and the Zynq backend against a small fake board written here from PG021's
//! register description and HLS's `ap_ctrl_hs` protocol: one DMA (simple mode), one memory whose
//! device view changes only through cache maintenance, and an IP between them (or behind
//! `s_axilite` registers). The full register model lives in the virtual board; this fake follows the
//! documented behaviour for the cases the driver must handle, and logs every access so the tests can
//! check the order of the driver's steps.

use hls4ml_runtime::bus::{BusLayout, WordType};
use hls4ml_runtime::fixed::FixedType;
use hls4ml_runtime::zynq::bitstream::Bitstream;
use hls4ml_runtime::zynq::dma::{bits, regs, AxiDma};
use hls4ml_runtime::zynq::{self, DmaMemory, Platform, Registers};
use hls4ml_runtime::{Backend, ErrorKind, Family, Interface, Result, Spec};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// The fake board
// ---------------------------------------------------------------------------------------------

const DDR_BASE: u64 = 0x1000_0000;
const DDR_SIZE: usize = 1 << 20;
/// MM2S_DMACR / S2MM_DMACR after reset: RS 0, bit 1 (reserved) reads 1, IRQThreshold 1.
const DMACR_RESET: u32 = 0x0001_0002;

/// What the fake records.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    DmaWrite(usize, u32),
    IpWrite(usize, u32),
    SyncForDevice(u64, usize),
    SyncForCpu(u64, usize),
    Program(Vec<u8>),
    Alloc(usize),
}

/// A fault for the next transfer or start.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    /// The S2MM transfer never completes.
    Hang,
    /// The IP's output stream ends after this many bytes (TLAST early).
    ShortOutput(usize),
    /// The memory answers SLVERR to MM2S.
    Mm2sSlaveError,
    /// The S2MM channel halts without an error bit.
    SilentHalt,
    /// ap_done never comes.
    IpHang,
}

struct Channel {
    dmacr: u32,
    dmasr: u32,
    addr: u64,
    length: u32,
    busy: bool,
}

impl Channel {
    fn reset() -> Channel {
        Channel {
            dmacr: DMACR_RESET,
            dmasr: bits::HALTED,
            addr: 0,
            length: 0,
            busy: false,
        }
    }
    fn error(&mut self, bit: u32) {
        self.dmasr |= bit | bits::ERR_IRQ | bits::HALTED;
        self.dmasr &= !bits::IDLE;
        self.dmacr &= !bits::RS;
        self.busy = false;
    }
}

struct Board {
    ddr: Vec<u8>,
    next_free: usize,
    mm2s: Channel,
    s2mm: Channel,
    /// Reads of DMACR left before a soft reset finishes.
    reset_reads: u32,
    /// Output bytes of the IP not yet taken by S2MM, and where the packet (TLAST) ends.
    stream: Vec<u8>,
    /// The IP's `s_axilite` block.
    ip_regs: Vec<u32>,
    in_sample: usize,
    out_sample: usize,
    fault: Fault,
    log: Vec<Event>,
    reads: usize,
    locks: Vec<u64>,
    dma_base: u64,
    ip_base: u64,
    /// axi_lite register offsets.
    lite_in: usize,
    lite_out: usize,
}

/// The IP: output byte k of a sample is input byte k plus one.
fn ip(input: &[u8], in_sample: usize, out_sample: usize) -> Vec<u8> {
    input
        .chunks_exact(in_sample)
        .flat_map(|s| s[..out_sample].iter().map(|b| b.wrapping_add(1)))
        .collect()
}

impl Board {
    fn ddr_range(&self, addr: u64, len: usize) -> Option<std::ops::Range<usize>> {
        let start = addr.checked_sub(DDR_BASE)? as usize;
        (start + len <= self.ddr.len()).then_some(start..start + len)
    }

    fn dma_read(&mut self, offset: usize) -> u32 {
        self.reads += 1;
        match offset {
            regs::MM2S_DMACR | regs::S2MM_DMACR => {
                let ch = if offset == regs::MM2S_DMACR {
                    &self.mm2s
                } else {
                    &self.s2mm
                };
                let mut v = ch.dmacr;
                if self.reset_reads > 0 {
                    self.reset_reads -= 1;
                    v |= bits::RESET;
                }
                v
            }
            regs::MM2S_DMASR => self.mm2s.dmasr,
            regs::S2MM_DMASR => self.s2mm.dmasr,
            regs::MM2S_SA => self.mm2s.addr as u32,
            regs::MM2S_SA_MSB => (self.mm2s.addr >> 32) as u32,
            regs::S2MM_DA => self.s2mm.addr as u32,
            regs::S2MM_DA_MSB => (self.s2mm.addr >> 32) as u32,
            regs::MM2S_LENGTH => self.mm2s.length,
            regs::S2MM_LENGTH => self.s2mm.length,
            _ => 0,
        }
    }

    fn dma_write(&mut self, offset: usize, value: u32) {
        self.log.push(Event::DmaWrite(offset, value));
        let mm2s = offset < regs::S2MM_DMACR;
        match offset {
            regs::MM2S_DMACR | regs::S2MM_DMACR => {
                if value & bits::RESET != 0 {
                    self.mm2s = Channel::reset();
                    self.s2mm = Channel::reset();
                    self.stream.clear();
                    self.reset_reads = 2;
                    return;
                }
                let ch = if mm2s { &mut self.mm2s } else { &mut self.s2mm };
                ch.dmacr = (value & !bits::RESET) | 0b10;
                if value & bits::RS != 0 {
                    ch.dmasr &= !bits::HALTED;
                } else if !ch.busy {
                    ch.dmasr |= bits::HALTED;
                }
            }
            regs::MM2S_DMASR | regs::S2MM_DMASR => {
                let ch = if mm2s { &mut self.mm2s } else { &mut self.s2mm };
                ch.dmasr &= !(value & (bits::IOC_IRQ | bits::DLY_IRQ | bits::ERR_IRQ));
            }
            regs::MM2S_SA => self.mm2s.addr = (self.mm2s.addr & !0xFFFF_FFFF) | value as u64,
            regs::MM2S_SA_MSB => self.mm2s.addr = (self.mm2s.addr & 0xFFFF_FFFF) | (value as u64) << 32,
            regs::S2MM_DA => self.s2mm.addr = (self.s2mm.addr & !0xFFFF_FFFF) | value as u64,
            regs::S2MM_DA_MSB => self.s2mm.addr = (self.s2mm.addr & 0xFFFF_FFFF) | (value as u64) << 32,
            regs::MM2S_LENGTH | regs::S2MM_LENGTH => {
                let ch = if mm2s { &mut self.mm2s } else { &mut self.s2mm };
                // PG021: a length write while halted does nothing; length 0 is DMAIntErr.
                if ch.dmacr & bits::RS == 0 {
                    return;
                }
                ch.length = value;
                if value == 0 {
                    ch.error(bits::DMA_INT_ERR);
                    return;
                }
                ch.busy = true;
                ch.dmasr &= !bits::IDLE;
                if mm2s {
                    self.run_mm2s();
                }
                self.run_s2mm();
            }
            _ => {}
        }
    }

    fn run_mm2s(&mut self) {
        let len = self.mm2s.length as usize;
        if self.fault == Fault::Mm2sSlaveError {
            self.fault = Fault::None;
            self.mm2s.error(bits::DMA_SLV_ERR);
            return;
        }
        let Some(range) = self.ddr_range(self.mm2s.addr, len) else {
            self.mm2s.error(bits::DMA_DEC_ERR);
            return;
        };
        let mut out = ip(&self.ddr[range], self.in_sample, self.out_sample);
        if let Fault::ShortOutput(n) = self.fault {
            self.fault = Fault::None;
            out.truncate(n);
        }
        self.stream = out;
        self.mm2s.busy = false;
        self.mm2s.dmasr |= bits::IDLE | bits::IOC_IRQ;
    }

    fn run_s2mm(&mut self) {
        if !self.s2mm.busy || self.stream.is_empty() {
            return;
        }
        match self.fault {
            Fault::Hang => return,
            Fault::SilentHalt => {
                self.fault = Fault::None;
                self.s2mm.busy = false;
                self.s2mm.dmacr &= !bits::RS;
                self.s2mm.dmasr |= bits::HALTED;
                return;
            }
            _ => {}
        }
        let len = self.s2mm.length as usize;
        let packet = std::mem::take(&mut self.stream);
        if packet.len() > len {
            self.s2mm.error(bits::DMA_INT_ERR);
            return;
        }
        let Some(range) = self.ddr_range(self.s2mm.addr, packet.len()) else {
            self.s2mm.error(bits::DMA_DEC_ERR);
            return;
        };
        self.ddr[range].copy_from_slice(&packet);
        self.s2mm.length = packet.len() as u32;
        self.s2mm.busy = false;
        self.s2mm.dmasr |= bits::IDLE | bits::IOC_IRQ;
    }

    fn ip_read(&mut self, offset: usize) -> u32 {
        let v = self.ip_regs[offset / 4];
        if offset == 0 {
            // ap_done is clear-on-read.
            self.ip_regs[0] &= !0b10;
        }
        v
    }

    fn ip_write(&mut self, offset: usize, value: u32) {
        self.log.push(Event::IpWrite(offset, value));
        self.ip_regs[offset / 4] = value;
        if offset != 0 || value & 1 == 0 {
            return;
        }
        if self.fault == Fault::IpHang {
            self.fault = Fault::None;
            return;
        }
        if self.lite_in != 0 {
            let input: Vec<u8> = (0..self.in_sample / 4)
                .flat_map(|k| self.ip_regs[self.lite_in / 4 + k].to_le_bytes())
                .collect();
            let out = ip(&input, self.in_sample, self.out_sample);
            for (k, w) in out.chunks_exact(4).enumerate() {
                self.ip_regs[self.lite_out / 4 + k] = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            }
        } else {
            let r = |o: usize| self.ip_regs[o / 4] as u64;
            let (src, dst, n) = (r(0x10) | r(0x14) << 32, r(0x1c) | r(0x20) << 32, r(0x28) as usize);
            let (Some(i), Some(o)) = (
                self.ddr_range(src, n * self.in_sample),
                self.ddr_range(dst, n * self.out_sample),
            ) else {
                return; // A bad address: the core never finishes.
            };
            let out = ip(&self.ddr[i], self.in_sample, self.out_sample);
            self.ddr[o].copy_from_slice(&out);
        }
        self.ip_regs[0] = 0b110; // ap_done, ap_idle
    }
}

#[derive(Clone)]
struct Fake(Arc<Mutex<Board>>);

impl Fake {
    fn new(in_sample: usize, out_sample: usize) -> Fake {
        Fake(Arc::new(Mutex::new(Board {
            ddr: vec![0; DDR_SIZE],
            next_free: 0,
            mm2s: Channel::reset(),
            s2mm: Channel::reset(),
            reset_reads: 0,
            stream: Vec::new(),
            ip_regs: vec![0; 0x1_0000 / 4],
            in_sample,
            out_sample,
            fault: Fault::None,
            log: Vec::new(),
            reads: 0,
            locks: Vec::new(),
            dma_base: 0x4040_0000,
            ip_base: 0x43C0_0000,
            lite_in: 0,
            lite_out: 0,
        })))
    }
    fn board(&self) -> MutexGuard<'_, Board> {
        self.0.lock().unwrap()
    }
    fn dma_regs(&self) -> Box<dyn Registers> {
        Box::new(FakeRegs {
            fake: self.clone(),
            ip: false,
        })
    }
    fn platform(&self) -> Box<dyn Platform> {
        Box::new(FakePlatform(self.clone()))
    }
    fn log(&self) -> Vec<Event> {
        self.board().log.clone()
    }
    fn fault(&self, f: Fault) {
        self.board().fault = f;
    }
    fn put(&self, addr: u64, bytes: &[u8]) {
        let mut b = self.board();
        let r = b.ddr_range(addr, bytes.len()).unwrap();
        b.ddr[r].copy_from_slice(bytes);
    }
    fn get(&self, addr: u64, len: usize) -> Vec<u8> {
        let b = self.board();
        b.ddr[b.ddr_range(addr, len).unwrap()].to_vec()
    }
}

struct FakeRegs {
    fake: Fake,
    ip: bool,
}

impl Registers for FakeRegs {
    fn read32(&self, offset: usize) -> u32 {
        let mut b = self.fake.board();
        if self.ip {
            b.ip_read(offset)
        } else {
            b.dma_read(offset)
        }
    }
    fn write32(&self, offset: usize, value: u32) {
        let mut b = self.fake.board();
        if self.ip {
            b.ip_write(offset, value)
        } else {
            b.dma_write(offset, value)
        }
    }
    fn len(&self) -> usize {
        0x1_0000
    }
}

/// A DMA buffer: the CPU's view is its own copy; the device sees DDR, which changes only on
/// `sync_for_device`, and the CPU sees the device's writes only after `sync_for_cpu`.
struct FakeBuffer {
    fake: Fake,
    phys: u64,
    cpu: Vec<u8>,
}

impl DmaMemory for FakeBuffer {
    fn phys_addr(&self) -> u64 {
        self.phys
    }
    fn as_slice(&self) -> &[u8] {
        &self.cpu
    }
    fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.cpu
    }
    fn sync_for_device(&mut self, offset: usize, len: usize) -> Result<()> {
        self.fake
            .board()
            .log
            .push(Event::SyncForDevice(self.phys + offset as u64, len));
        self.fake
            .put(self.phys + offset as u64, &self.cpu[offset..offset + len]);
        Ok(())
    }
    fn sync_for_cpu(&mut self, offset: usize, len: usize) -> Result<()> {
        self.fake
            .board()
            .log
            .push(Event::SyncForCpu(self.phys + offset as u64, len));
        let bytes = self.fake.get(self.phys + offset as u64, len);
        self.cpu[offset..offset + len].copy_from_slice(&bytes);
        Ok(())
    }
}

struct FakePlatform(Fake);

struct FakeLock(Fake, u64);
impl Drop for FakeLock {
    fn drop(&mut self) {
        self.0.board().locks.retain(|&b| b != self.1);
    }
}

impl Platform for FakePlatform {
    fn describe(&self) -> String {
        "fake board".into()
    }
    fn program(&mut self, bin: &[u8]) -> Result<()> {
        self.0.board().log.push(Event::Program(bin.to_vec()));
        Ok(())
    }
    fn map_registers(&mut self, base: u64, len: usize) -> Result<Box<dyn Registers>> {
        let (dma, ipb) = {
            let b = self.0.board();
            (b.dma_base, b.ip_base)
        };
        assert!(len <= 0x1_0000);
        if base == dma || base == ipb {
            Ok(Box::new(FakeRegs {
                fake: self.0.clone(),
                ip: base == ipb,
            }))
        } else {
            Err(hls4ml_runtime::Error::new(
                ErrorKind::Hardware,
                format!("nothing at 0x{base:x}"),
            ))
        }
    }
    fn alloc_dma(&mut self, len: usize) -> Result<Box<dyn DmaMemory>> {
        let mut b = self.0.board();
        b.log.push(Event::Alloc(len));
        let phys = DDR_BASE + b.next_free as u64;
        b.next_free += len.div_ceil(64) * 64;
        assert!(b.next_free <= DDR_SIZE);
        Ok(Box::new(FakeBuffer {
            fake: self.0.clone(),
            phys,
            cpu: vec![0; len],
        }))
    }
    fn lock(&mut self, base: u64) -> Result<Box<dyn Send>> {
        let mut b = self.0.board();
        if b.locks.contains(&base) {
            return Err(hls4ml_runtime::Error::new(ErrorKind::Busy, "held"));
        }
        b.locks.push(base);
        Ok(Box::new(FakeLock(self.0.clone(), base)))
    }
}

fn position(log: &[Event], want: impl Fn(&Event) -> bool) -> usize {
    log.iter().position(want).expect("event not in the log")
}

fn last_position(log: &[Event], want: impl Fn(&Event) -> bool) -> usize {
    log.iter().rposition(want).expect("event not in the log")
}

fn counting(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
}

// ---------------------------------------------------------------------------------------------
// The DMA driver
// ---------------------------------------------------------------------------------------------

const SRC: u64 = DDR_BASE;
const DST: u64 = DDR_BASE + 0x8_0000;

#[test]
fn a_run_resets_then_starts_s2mm_before_mm2s_and_clears_ioc() {
    let fake = Fake::new(16, 4);
    let input = counting(4 * 16);
    fake.put(SRC, &input);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    dma.run(SRC, DST, 4, 16, 4).unwrap();
    assert_eq!(fake.get(DST, 16), ip(&input, 16, 4));

    let log = fake.log();
    let w = |off: usize| move |e: &Event| matches!(e, Event::DmaWrite(o, _) if *o == off);
    let reset = position(
        &log,
        |e| matches!(e, Event::DmaWrite(regs::MM2S_DMACR, v) if v & bits::RESET != 0),
    );
    assert_eq!(reset, 0, "the first access is the soft reset");
    let s2mm_len = position(&log, w(regs::S2MM_LENGTH));
    let mm2s_len = position(&log, w(regs::MM2S_LENGTH));
    assert!(s2mm_len < mm2s_len, "S2MM must be started before MM2S");
    assert!(position(&log, w(regs::S2MM_DA)) < s2mm_len && position(&log, w(regs::S2MM_DA_MSB)) < s2mm_len);
    assert!(position(&log, w(regs::MM2S_SA)) < mm2s_len && position(&log, w(regs::MM2S_SA_MSB)) < mm2s_len);
    assert!(log.contains(&Event::DmaWrite(regs::S2MM_DA, DST as u32)));
    assert!(log.contains(&Event::DmaWrite(regs::MM2S_LENGTH, 64)));
    assert!(log.contains(&Event::DmaWrite(regs::S2MM_LENGTH, 16)));
    // IOC_Irq cleared by writing 1 after completion, on both channels.
    for sr in [regs::MM2S_DMASR, regs::S2MM_DMASR] {
        let clear = last_position(
            &log,
            |e| matches!(e, Event::DmaWrite(o, v) if *o == sr && v & bits::IOC_IRQ != 0),
        );
        assert!(clear > mm2s_len);
    }
    let b = fake.board();
    assert_eq!(b.mm2s.dmasr & bits::IOC_IRQ, 0);
    assert_eq!(b.s2mm.dmasr & bits::IOC_IRQ, 0);
    assert_eq!(b.s2mm.dmasr & bits::HALTED, 0);
}

#[test]
fn a_second_run_on_a_healthy_dma_does_not_reset_it() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    dma.run(SRC, DST, 2, 16, 4).unwrap();
    dma.run(SRC, DST, 2, 16, 4).unwrap();
    let resets = fake
        .log()
        .iter()
        .filter(|e| matches!(e, Event::DmaWrite(regs::MM2S_DMACR, v) if v & bits::RESET != 0))
        .count();
    assert_eq!(resets, 1);
}

#[test]
fn a_decode_error_is_named_by_register_bit_and_address_and_the_next_run_works() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    let nowhere = 0x8000_0000u64;
    let e = dma.run(SRC, nowhere, 2, 16, 4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Dma);
    // Halted (bit 0), DMADecErr (bit 6) and Err_Irq (bit 14): 0x4041.
    assert!(
        e.message()
            .starts_with("S2MM_DMASR (0x34) = 0x00004041: DMADecErr (bit 6): the address 0x80000000 is not mapped"),
        "{e}"
    );
    fake.put(SRC, &counting(32));
    dma.run(SRC, DST, 2, 16, 4).unwrap();
    assert_eq!(fake.get(DST, 8), ip(&counting(32), 16, 4));
}

#[test]
fn slave_and_internal_errors_are_decoded_by_name() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    fake.fault(Fault::Mm2sSlaveError);
    let e = dma.run(SRC, DST, 1, 16, 4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Dma);
    assert!(e.message().starts_with("MM2S_DMASR (0x04) = 0x"), "{e}");
    assert!(e.message().contains("DMASlvErr (bit 5)"), "{e}");
    // The IP sends 8 bytes where S2MM was told 4: DMAIntErr.
    let e = dma.transfer(SRC, 32, DST, 4).unwrap_err();
    assert!(
        e.message().starts_with("S2MM_DMASR (0x34)") && e.message().contains("DMAIntErr (bit 4)"),
        "{e}"
    );
    assert!(e.message().contains("longer than the 4 bytes expected"), "{e}");
    dma.run(SRC, DST, 1, 16, 4).unwrap();
}

#[test]
fn a_short_packet_is_a_length_error_with_both_numbers() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    fake.fault(Fault::ShortOutput(8));
    let e = dma.run(SRC, DST, 4, 16, 4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Length);
    assert!(e.message().contains("reads 8 bytes received, expected 16"), "{e}");
    dma.run(SRC, DST, 4, 16, 4).unwrap();
}

#[test]
fn a_hung_transfer_times_out_naming_the_registers_resets_and_does_not_spin_a_core() {
    let fake = Fake::new(16, 4);
    let timeout = Duration::from_millis(300);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, timeout).unwrap();
    dma.run(SRC, DST, 1, 16, 4).unwrap();
    fake.fault(Fault::Hang);
    let (wall, cpu0) = (Instant::now(), thread_cpu_time());
    let e = dma.run(SRC, DST, 1, 16, 4).unwrap_err();
    let (wall, cpu) = (wall.elapsed(), thread_cpu_time() - cpu0);
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(wall >= timeout && wall < timeout * 5, "{wall:?}");
    assert!(cpu < wall / 2, "polling used {cpu:?} of CPU in {wall:?}");
    let m = e.message();
    assert!(m.contains("S2MM_DMASR (0x34) = 0x00000000 (running, not idle)"), "{m}");
    assert!(m.contains("MM2S_DMASR (0x04) = 0x00001002 (Idle, IOC_Irq)"), "{m}");
    assert!(m.contains("did not send all its output"), "{m}");
    // The DMA was reset after the timeout, so the next run works.
    let log = fake.log();
    let last_reset = last_position(
        &log,
        |e| matches!(e, Event::DmaWrite(regs::MM2S_DMACR, v) if v & bits::RESET != 0),
    );
    let last_len = last_position(&log, |e| matches!(e, Event::DmaWrite(regs::MM2S_LENGTH, _)));
    assert!(last_reset > last_len);
    fake.fault(Fault::None);
    dma.run(SRC, DST, 1, 16, 4).unwrap();
}

#[test]
fn a_channel_that_halts_without_an_error_bit_is_reported() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    fake.fault(Fault::SilentHalt);
    let e = dma.run(SRC, DST, 1, 16, 4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Dma);
    assert!(
        e.message().contains("S2MM_DMASR (0x34)") && e.message().contains("Halted (bit 0)"),
        "{e}"
    );
    dma.run(SRC, DST, 1, 16, 4).unwrap();
}

#[test]
fn length_zero_is_refused_before_any_register_is_touched() {
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 26, Duration::from_secs(1)).unwrap();
    for (n, i, o) in [(0, 16, 4), (3, 0, 4), (3, 16, 0)] {
        let e = dma.run(SRC, DST, n, i, o).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Argument);
    }
    assert_eq!(dma.transfer(SRC, 0, DST, 4).unwrap_err().kind(), ErrorKind::Argument);
    assert!(fake.log().is_empty());
    assert_eq!(fake.board().reads, 0);
}

#[test]
fn batches_longer_than_one_transfer_are_split_on_sample_boundaries() {
    // A 10-bit length register: at most 1023 bytes per transfer.
    let fake = Fake::new(16, 4);
    let mut dma = AxiDma::new(fake.dma_regs(), 10, Duration::from_secs(1)).unwrap();
    assert_eq!(dma.max_transfer(), 1023);
    let input = counting(100 * 16);
    fake.put(SRC, &input);
    dma.run(SRC, DST, 100, 16, 4).unwrap();
    assert_eq!(fake.get(DST, 400), ip(&input, 16, 4));
    let log = fake.log();
    let lengths = |reg: usize| -> Vec<u32> {
        log.iter()
            .filter_map(|e| match e {
                Event::DmaWrite(o, v) if *o == reg => Some(*v),
                _ => None,
            })
            .collect()
    };
    let mm2s = lengths(regs::MM2S_LENGTH);
    let s2mm = lengths(regs::S2MM_LENGTH);
    assert!(mm2s.iter().all(|&l| l <= 1023 && l % 16 == 0), "{mm2s:?}");
    assert_eq!(mm2s.iter().sum::<u32>(), 1600);
    assert_eq!(s2mm.iter().sum::<u32>(), 400);
    assert_eq!(mm2s.len(), s2mm.len());
    assert!(mm2s.len() >= 2);
    // Each piece starts where the previous ended.
    let sources = lengths(regs::MM2S_SA);
    for (k, s) in sources.iter().enumerate() {
        let before: u32 = mm2s[..k].iter().sum();
        assert_eq!(*s as u64, SRC + before as u64);
    }
    // A sample larger than one transfer cannot be sent.
    let e = dma.run(SRC, DST, 1, 2048, 4).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    assert!(e.message().contains("largest transfer of 1023 bytes"), "{e}");
}

#[test]
fn a_register_block_or_length_width_that_cannot_be_an_axi_dma_is_refused() {
    struct Small;
    impl Registers for Small {
        fn read32(&self, _: usize) -> u32 {
            unreachable!()
        }
        fn write32(&self, _: usize, _: u32) {
            unreachable!()
        }
        fn len(&self) -> usize {
            0x40
        }
    }
    let e = AxiDma::new(Box::new(Small), 26, Duration::from_secs(1)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    let fake = Fake::new(16, 4);
    for width in [0, 7, 27, 64] {
        let e = AxiDma::new(fake.dma_regs(), width, Duration::from_secs(1)).unwrap_err();
        assert!(e.message().contains("C_SG_LENGTH_WIDTH"), "{e}");
    }
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

// ---------------------------------------------------------------------------------------------
// The backend
// ---------------------------------------------------------------------------------------------

fn fresh_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-zynq-driver-{}", std::process::id()))
        .join(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec(family: Family, interface: Interface, ty: &str) -> Spec {
    let t = FixedType::parse(ty).unwrap();
    let min = if interface == Interface::AxiLite { 32 } else { 8 };
    Spec {
        name: "jet_tagger".into(),
        board: if family == Family::Zynq7000 {
            "pynq-z2"
        } else {
            "zcu102"
        }
        .into(),
        family,
        interface,
        input: BusLayout::new(WordType::Fixed(t), 16, min).unwrap(),
        output: BusLayout::new(WordType::Fixed(t), 5, min).unwrap(),
        clock_period_ns: 10.0,
    }
}

/// A `.hwh` for `spec` in the subset Vivado writes.
fn hwh_for(spec: &Spec, dma_width: u32) -> String {
    let (arch, ps, ps_type, clock, dma_base, ip_base) = match spec.family {
        Family::Zynq7000 => (
            "zynq",
            "processing_system7_0",
            "processing_system7",
            "PCW_FPGA0_PERIPHERAL_FREQMHZ",
            0x4040_0000u64,
            0x43C0_0000u64,
        ),
        _ => (
            "zynquplus",
            "zynq_ultra_ps_e_0",
            "zynq_ultra_ps_e",
            "PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ",
            0xA000_0000,
            0xA001_0000,
        ),
    };
    let reg = |name: &str, off: u64, bits: u64| {
        format!(
            "<REGISTER NAME=\"{name}\"><PROPERTY NAME=\"ADDRESS_OFFSET\" VALUE=\"0x{off:x}\"/>\
             <PROPERTY NAME=\"SIZE\" VALUE=\"{bits}\"/></REGISTER>"
        )
    };
    let (dma_range, dma_module, ip_range, ip_regs) = match spec.interface {
        Interface::AxiStream => (
            format!(
                "<MEMRANGE BASEVALUE=\"0x{dma_base:X}\" HIGHVALUE=\"0x{:X}\" INSTANCE=\"hier_0_axi_dma_0\" MEMTYPE=\"REGISTER\"/>",
                dma_base + 0xFFFF
            ),
            format!(
                "<MODULE FULLNAME=\"/hier_0/axi_dma_0\" INSTANCE=\"hier_0_axi_dma_0\" MODTYPE=\"axi_dma\" VLNV=\"xilinx.com:ip:axi_dma:7.1\">\
                 <PARAMETERS><PARAMETER NAME=\"C_INCLUDE_SG\" VALUE=\"0\"/><PARAMETER NAME=\"C_SG_LENGTH_WIDTH\" VALUE=\"26\"/>\
                 <PARAMETER NAME=\"C_M_AXI_MM2S_DATA_WIDTH\" VALUE=\"{m}\"/><PARAMETER NAME=\"C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"{dma_width}\"/>\
                 <PARAMETER NAME=\"C_M_AXI_S2MM_DATA_WIDTH\" VALUE=\"{m}\"/><PARAMETER NAME=\"C_S_AXIS_S2MM_TDATA_WIDTH\" VALUE=\"{dma_width}\"/>\
                 </PARAMETERS></MODULE>",
                m = dma_width.max(32)
            ),
            String::new(),
            String::new(),
        ),
        Interface::AxiLite => (
            String::new(),
            String::new(),
            format!(
                "<MEMRANGE BASEVALUE=\"0x{ip_base:X}\" HIGHVALUE=\"0x{:X}\" INSTANCE=\"hier_0_jet_tagger_axi_0\" MEMTYPE=\"REGISTER\"/>",
                ip_base + 0xFFFF
            ),
            [
                reg("CTRL", 0, 32),
                reg("in_r", 0x100, spec.input.values as u64 * spec.input.word_bits as u64),
                reg("out_r", 0x200, spec.output.values as u64 * spec.output.word_bits as u64),
            ]
            .concat(),
        ),
        Interface::AxiMaster => (
            String::new(),
            String::new(),
            format!(
                "<MEMRANGE BASEVALUE=\"0x{ip_base:X}\" HIGHVALUE=\"0x{:X}\" INSTANCE=\"hier_0_jet_tagger_axi_0\" MEMTYPE=\"REGISTER\"/>",
                ip_base + 0xFFFF
            ),
            [reg("CTRL", 0, 32), reg("in_r", 0x10, 64), reg("out_r", 0x1c, 64), reg("n", 0x28, 32)].concat(),
        ),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n<EDKSYSTEM EDWVERSION=\"1.2\">\
         <SYSTEMINFO ARCH=\"{arch}\" NAME=\"design_1\"/><MODULES>\
         <MODULE FULLNAME=\"/{ps}\" INSTANCE=\"{ps}\" MODTYPE=\"{ps_type}\"><PARAMETERS><PARAMETER NAME=\"{clock}\" VALUE=\"100\"/></PARAMETERS>\
         <MEMORYMAP>{dma_range}{ip_range}</MEMORYMAP></MODULE>{dma_module}\
         <MODULE FULLNAME=\"/hier_0/jet_tagger_axi_0\" INSTANCE=\"hier_0_jet_tagger_axi_0\" MODTYPE=\"jet_tagger_axi\" VLNV=\"xilinx.com:hls:jet_tagger_axi:1.0\">\
         <ADDRESSBLOCKS><ADDRESSBLOCK NAME=\"Reg\"><REGISTERS>{ip_regs}</REGISTERS></ADDRESSBLOCK></ADDRESSBLOCKS></MODULE>\
         </MODULES></EDKSYSTEM>\n"
    )
}

/// `<dir>/jet_tagger.bit` and `.hwh` for `spec`; returns the `.bit`'s path and its `.bin` form.
fn design(dir: &Path, spec: &Spec, dma_width: u32) -> (PathBuf, Vec<u8>) {
    let bit = Bitstream {
        design: "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1".into(),
        part: if spec.family == Family::Zynq7000 {
            "7z020clg400"
        } else {
            "xczu9eg-ffvb1156-2-e"
        }
        .into(),
        date: "2026/11/21".into(),
        time: "10:00:00".into(),
        data: vec![0xAA, 0x99, 0x55, 0x66, 0x20, 0x00, 0x00, 0x00],
    };
    let path = dir.join("jet_tagger.bit");
    std::fs::write(&path, bit.write()).unwrap();
    std::fs::write(dir.join("jet_tagger.hwh"), hwh_for(spec, dma_width)).unwrap();
    (path, vec![0x66, 0x55, 0x99, 0xAA, 0x00, 0x00, 0x00, 0x20])
}

#[test]
fn axi_stream_programs_checks_locks_and_moves_batches_through_flushed_buffers() {
    let dir = fresh_dir("stream");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, bin) = design(&dir, &spec, 16);
    let fake = Fake::new(spec.input.sample_bytes(), spec.output.sample_bytes());
    let mut backend = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
    assert_eq!(fake.log()[0], Event::Program(bin));
    assert_eq!(fake.board().locks, [0x4040_0000]);
    let d = backend.describe();
    assert!(
        d.contains("pynq-z2") && d.contains("Zynq-7000") && d.contains("0x40400000"),
        "{d}"
    );
    assert!(d.contains("100 MHz") && d.contains("fake board"), "{d}");

    for n in [3, 10, 2] {
        let input = counting(n * 32);
        let mut output = vec![0; n * 10];
        let moved = backend.run(&input, &mut output, n).unwrap();
        assert!(moved > Duration::ZERO);
        assert_eq!(output, ip(&input, 32, 10), "{n} samples");
    }
    let log = fake.log();
    // Buffers: one sample's at open, grown for the batches of 3 and 10, reused for the batch of 2.
    let allocs: Vec<usize> = log
        .iter()
        .filter_map(|e| match e {
            Event::Alloc(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(allocs, [32, 10, 96, 30, 320, 100]);
    // Flushed before MM2S starts, invalidated after, on every run.
    let starts: Vec<usize> = (0..log.len())
        .filter(|&i| matches!(log[i], Event::DmaWrite(regs::MM2S_LENGTH, _)))
        .collect();
    assert_eq!(starts.len(), 3);
    for &s in &starts {
        assert!(matches!(
            log[..s]
                .iter()
                .rev()
                .find(|e| matches!(e, Event::SyncForDevice(..) | Event::SyncForCpu(..))),
            Some(Event::SyncForDevice(..))
        ));
        assert!(matches!(
            log[s..]
                .iter()
                .find(|e| matches!(e, Event::SyncForDevice(..) | Event::SyncForCpu(..))),
            Some(Event::SyncForCpu(..))
        ));
    }
    // Dropping the backend releases the accelerator.
    drop(backend);
    assert!(fake.board().locks.is_empty());
}

#[test]
fn wrong_sizes_and_empty_batches_are_handled_before_the_hardware() {
    let dir = fresh_dir("stream-args");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 16);
    let fake = Fake::new(32, 10);
    let mut backend = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
    let before = fake.log().len();
    let e = backend.run(&[0; 31], &mut [0; 10], 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
    assert_eq!(backend.run(&[], &mut [], 0).unwrap(), Duration::ZERO);
    assert_eq!(fake.log().len(), before);
}

#[test]
fn a_dma_whose_stream_widths_differ_from_the_driver_is_refused_naming_both() {
    let dir = fresh_dir("widths");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 32);
    let fake = Fake::new(32, 10);
    let e = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    assert!(
        e.message().contains("C_M_AXIS_MM2S_TDATA_WIDTH = 32 bits") && e.message().contains("input words are 16 bits"),
        "{e}"
    );
    // Nothing was programmed or locked.
    assert!(fake.log().is_empty() && fake.board().locks.is_empty());
}

#[test]
fn a_missing_hwh_says_where_it_was_looked_for() {
    let dir = fresh_dir("no-hwh");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 16);
    std::fs::remove_file(dir.join("jet_tagger.hwh")).unwrap();
    let e = zynq::open(Fake::new(32, 10).platform(), &spec, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert!(
        e.message()
            .contains(&format!("looked for {}", dir.join("jet_tagger.hwh").display())),
        "{e}"
    );
    // Given explicitly, it is found wherever it is.
    std::fs::write(dir.join("design_1.hwh"), hwh_for(&spec, 16)).unwrap();
    let options = zynq::Options {
        hwh: Some(dir.join("design_1.hwh")),
        ..Default::default()
    };
    zynq::open(Fake::new(32, 10).platform(), &spec, &bit, options).unwrap();
}

#[test]
fn another_boards_bitstream_or_design_is_refused() {
    let dir = fresh_dir("other-board");
    let pynq = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let zcu = spec(Family::ZynqMp, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &zcu, 16);
    let e = zynq::open(Fake::new(32, 10).platform(), &pynq, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Bitstream);
    assert!(
        e.message().contains("xczu9eg") && e.message().contains("pynq-z2"),
        "{e}"
    );
    // The right bitstream with another board's .hwh.
    design(&dir, &pynq, 16);
    std::fs::write(dir.join("jet_tagger.hwh"), hwh_for(&zcu, 16)).unwrap();
    let e = zynq::open(Fake::new(32, 10).platform(), &pynq, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    assert!(e.message().contains("zynquplus"), "{e}");
}

#[test]
fn a_held_accelerator_is_busy() {
    let dir = fresh_dir("busy");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 16);
    let fake = Fake::new(32, 10);
    let first = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
    let e = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy);
    drop(first);
    zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
}

#[test]
fn a_dma_error_during_a_run_leaves_the_backend_usable() {
    let dir = fresh_dir("stream-error");
    let spec = spec(Family::Zynq7000, Interface::AxiStream, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 16);
    let fake = Fake::new(32, 10);
    let options = zynq::Options {
        timeout: Duration::from_millis(50),
        ..Default::default()
    };
    let mut backend = zynq::open(fake.platform(), &spec, &bit, options).unwrap();
    let input = counting(64);
    let mut output = vec![0; 20];
    for fault in [Fault::Hang, Fault::ShortOutput(10), Fault::Mm2sSlaveError] {
        fake.fault(fault);
        let e = backend.run(&input, &mut output, 2).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::Timeout | ErrorKind::Length | ErrorKind::Dma),
            "{e}"
        );
        fake.fault(Fault::None);
        backend.run(&input, &mut output, 2).unwrap();
        assert_eq!(output, ip(&input, 32, 10));
    }
}

#[test]
fn axi_lite_writes_each_sample_into_registers_and_waits_for_ap_done() {
    let dir = fresh_dir("lite");
    let spec = spec(Family::Zynq7000, Interface::AxiLite, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 0);
    let fake = Fake::new(spec.input.sample_bytes(), spec.output.sample_bytes());
    {
        let mut b = fake.board();
        b.lite_in = 0x100;
        b.lite_out = 0x200;
    }
    let options = zynq::Options {
        timeout: Duration::from_millis(50),
        ..Default::default()
    };
    let mut backend = zynq::open(fake.platform(), &spec, &bit, options).unwrap();
    assert_eq!(fake.board().locks, [0x43C0_0000]);
    let input = counting(3 * 64);
    let mut output = vec![0; 3 * 20];
    backend.run(&input, &mut output, 3).unwrap();
    assert_eq!(output, ip(&input, 64, 20));
    // Three starts, each after its sample's 16 register writes.
    let log = fake.log();
    let starts: Vec<usize> = (0..log.len()).filter(|&i| log[i] == Event::IpWrite(0, 1)).collect();
    assert_eq!(starts.len(), 3);
    assert_eq!(
        log.iter()
            .filter(|e| matches!(e, Event::IpWrite(o, _) if (0x100..0x140).contains(o)))
            .count(),
        48
    );

    fake.fault(Fault::IpHang);
    let e = backend.run(&input, &mut output, 3).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(
        e.message().contains("sample 0 of 3") && e.message().contains("ap_done (bit 1)"),
        "{e}"
    );
    output.fill(0);
    backend.run(&input, &mut output, 3).unwrap();
    assert_eq!(output, ip(&input, 64, 20));
}

#[test]
fn axi_lite_puts_a_64_bit_word_in_two_registers_low_half_first() {
    let dir = fresh_dir("lite64");
    let spec = spec(Family::Zynq7000, Interface::AxiLite, "ap_fixed<40,10>");
    assert_eq!(spec.input.word_bits, 64);
    let (bit, _) = design(&dir, &spec, 0);
    let fake = Fake::new(spec.input.sample_bytes(), spec.output.sample_bytes());
    {
        let mut b = fake.board();
        b.lite_in = 0x100;
        b.lite_out = 0x200;
    }
    let mut backend = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
    let mut input = vec![0u8; 128];
    input[..8].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
    let mut output = vec![0; 40];
    backend.run(&input, &mut output, 1).unwrap();
    let b = fake.board();
    assert_eq!((b.ip_regs[0x100 / 4], b.ip_regs[0x104 / 4]), (0x5566_7788, 0x1122_3344));
}

#[test]
fn axi_lite_refuses_a_register_map_of_another_size() {
    let dir = fresh_dir("lite-size");
    let spec = spec(Family::Zynq7000, Interface::AxiLite, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 0);
    let text = hwh_for(&spec, 0).replace("VALUE=\"512\"", "VALUE=\"480\"");
    std::fs::write(dir.join("jet_tagger.hwh"), text).unwrap();
    let e = zynq::open(Fake::new(64, 20).platform(), &spec, &bit, zynq::Options::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    assert!(
        e.message().contains("in_r") && e.message().contains("480 bits") && e.message().contains("512"),
        "{e}"
    );
}

#[test]
fn axi_master_gives_the_ip_the_buffers_physical_addresses_and_the_count() {
    let dir = fresh_dir("master");
    let spec = spec(Family::ZynqMp, Interface::AxiMaster, "ap_fixed<16,6>");
    let (bit, _) = design(&dir, &spec, 0);
    let fake = Fake::new(spec.input.sample_bytes(), spec.output.sample_bytes());
    {
        let mut b = fake.board();
        b.dma_base = 0xA000_0000;
        b.ip_base = 0xA001_0000;
    }
    let mut backend = zynq::open(fake.platform(), &spec, &bit, zynq::Options::default()).unwrap();
    assert!(
        backend.describe().contains("Zynq UltraScale+"),
        "{}",
        backend.describe()
    );
    let input = counting(4 * 32);
    let mut output = vec![0; 4 * 10];
    backend.run(&input, &mut output, 4).unwrap();
    assert_eq!(output, ip(&input, 32, 10));
    let log = fake.log();
    // The fake hands out memory in 64-byte steps: one sample's buffers at open (32 and 10 bytes),
    // then the batch's (128 and 40 bytes) at DDR_BASE + 128 and + 256.
    assert!(log.contains(&Event::IpWrite(0x10, (DDR_BASE + 128) as u32)));
    assert!(log.contains(&Event::IpWrite(0x14, 0)));
    assert!(log.contains(&Event::IpWrite(0x1c, (DDR_BASE + 256) as u32)));
    assert!(log.contains(&Event::IpWrite(0x20, 0)));
    assert!(log.contains(&Event::IpWrite(0x28, 4)));
    let start = position(&log, |e| *e == Event::IpWrite(0, 1));
    assert!(position(&log, |e| matches!(e, Event::SyncForDevice(..))) < start);
    assert!(last_position(&log, |e| matches!(e, Event::SyncForCpu(..))) > start);
}
