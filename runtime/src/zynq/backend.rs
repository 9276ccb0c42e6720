//! [`ZynqBackend`]: the accelerator on a Zynq board (or the virtual board), for each interface.
//!
//! [`open`] reads the bitstream and the `.hwh` beside it, checks the hardware against the
//! generated driver's [`Spec`], takes the accelerator's lock, programs the PL and maps the
//! registers; [`Backend::run`] then moves batches:
//!
//! - `axi_stream`: the packed words go into a DMA buffer, are flushed to memory, sent by the AXI
//!   DMA's MM2S channel while S2MM receives the outputs, which are invalidated and copied out;
//! - `axi_lite`: per sample, the words go into the IP's `in_r` registers (32 bits each, a 64-bit
//!   word low half first), `ap_start`, wait for `ap_done`, read `out_r`;
//! - `axi_master`: the IP reads and writes the DMA buffers itself, given their physical addresses.
//!
//! Cache maintenance is done on both families (Zynq-7000's HP ports are not coherent; on
//! UltraScale+ it costs little).
//!
//! ```no_run
//! use hls4ml_runtime::zynq::{self, linux::Linux};
//! # fn spec() -> hls4ml_runtime::Spec { unimplemented!() }
//! let backend = zynq::open(Box::new(Linux::new()), &spec(), "hls4ml_nn.bit".as_ref(), zynq::Options::default())?;
//! let accel = hls4ml_runtime::Accelerator::new(spec(), Box::new(backend));
//! # Ok::<(), hls4ml_runtime::Error>(())
//! ```

use super::bitstream::Bitstream;
use super::dma::{AxiDma, Backoff};
use super::hwh::{Hwh, Module};
use super::{DmaMemory, Platform, Registers};
use crate::accel::{Backend, Family, Interface, Spec};
use crate::error::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How [`open`] and the runs behave.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// How long one DMA transfer or one IP start may take (default 1 s).
    pub timeout: Duration,
    /// The `.hwh` to read; by default the file beside the bitstream with the same stem.
    pub hwh: Option<PathBuf>,
    /// Whether to load the bitstream (default true); false when the PL already holds it.
    pub program: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(1),
            hwh: None,
            program: true,
        }
    }
}

/// `s_axilite` control register bits of an HLS core (`ap_ctrl_hs`).
mod ctrl {
    /// Start (written 1; HLS clears it when the core takes it).
    pub const AP_START: u32 = 1 << 0;
    /// Done (clear on read).
    pub const AP_DONE: u32 = 1 << 1;
    /// Idle.
    pub const AP_IDLE: u32 = 1 << 2;
}

/// The default `s_axilite` offsets of the `axi_master` wrapper (`in_r`, `out_r`, `n`), used when the
/// `.hwh` does not list the registers.
const MASTER_DEFAULTS: (usize, usize, usize) = (0x10, 0x1c, 0x28);

/// The accelerator on a Zynq board, as a [`Backend`].
pub struct ZynqBackend {
    spec: Spec,
    engine: Engine,
    input: Option<Box<dyn DmaMemory>>,
    output: Option<Box<dyn DmaMemory>>,
    platform: Box<dyn Platform>,
    timeout: Duration,
    summary: String,
    // Dropped last: the accelerator stays held until everything else is gone.
    _lock: Box<dyn Send>,
}

impl std::fmt::Debug for ZynqBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZynqBackend")
            .field("describe", &self.describe())
            .finish()
    }
}

/// What drives the IP, per interface.
enum Engine {
    Stream(AxiDma),
    Lite {
        regs: Box<dyn Registers>,
        ctrl: usize,
        input: usize,
        output: usize,
    },
    Master {
        regs: Box<dyn Registers>,
        ctrl: usize,
        input: (usize, usize),
        output: (usize, usize),
        n: usize,
    },
}

/// Opens the accelerator of `spec` on `platform`: reads `bitstream` (`.bit`, or `.bin`) and its
/// `.hwh`, checks them against `spec` (family, IP, DMA stream widths, register map), locks the
/// accelerator, programs the PL (unless [`Options::program`] is false) and maps its registers.
pub fn open(mut platform: Box<dyn Platform>, spec: &Spec, bitstream: &Path, options: Options) -> Result<ZynqBackend> {
    let family = family_name(spec.family)?;
    if spec.input.values == 0 || spec.output.values == 0 {
        return Err(Error::new(
            ErrorKind::Argument,
            format!(
                "an accelerator of {} inputs and {} outputs per sample: both must be at least 1",
                spec.input.values, spec.output.values
            ),
        ));
    }
    let bit = Bitstream::read(bitstream)?;
    check_part(&bit, spec, bitstream)?;
    let hwh_path = options.hwh.clone().unwrap_or_else(|| bitstream.with_extension("hwh"));
    if !hwh_path.is_file() {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "no hardware handoff for {}: looked for {} (Vivado writes it as design_1.hwh under \
                 <project>/project_1.srcs/sources_1/bd/design_1/hw_handoff/; copy it beside the bitstream \
                 with the same stem)",
                bitstream.display(),
                hwh_path.display()
            ),
        ));
    }
    let hwh = Hwh::read(&hwh_path)?;
    check_arch(&hwh, spec)?;
    let ip_name = spec.ip_name();
    let ip = hwh.find_ip(&ip_name)?;

    let (plan, base) = match spec.interface {
        Interface::AxiStream => {
            let dma = hwh.find_dma()?;
            let width = check_dma(&hwh, dma, spec)?;
            (Plan::Stream { dma, width }, dma.base)
        }
        Interface::AxiLite => {
            let ip = hwh.find_ip_with_registers(&ip_name)?;
            (Plan::Lite(ip), ip.base)
        }
        Interface::AxiMaster => {
            let ip = hwh.find_ip_with_registers(&ip_name)?;
            (Plan::Master(ip), ip.base)
        }
    };

    let lock = platform.lock(base)?;
    if options.program {
        platform.program(&bit.to_bin())?;
    }
    let engine = match plan {
        Plan::Stream { dma, width } => {
            let regs = platform.map_registers(dma.base, block_len(&hwh, dma)?)?;
            Engine::Stream(AxiDma::new(regs, width, options.timeout)?)
        }
        Plan::Lite(ip) => lite_engine(&hwh, ip, spec, &mut *platform)?,
        Plan::Master(ip) => master_engine(&hwh, ip, &mut *platform)?,
    };

    let clock = hwh
        .pl_clock_mhz()
        .map(|f| format!(", PL clock {f} MHz"))
        .unwrap_or_default();
    let path = match &engine {
        Engine::Stream(_) => {
            let dma = hwh.find_dma()?;
            format!("AXI DMA {} at 0x{:08x}, {}", dma.fullname, dma.base, ip.fullname)
        }
        _ => format!("{} at 0x{:08x}", ip.fullname, base),
    };
    let summary = format!(
        "{} ({family}) via {}: {path}{clock}",
        spec.board,
        spec.interface.as_str()
    );
    let mut backend = ZynqBackend {
        spec: spec.clone(),
        engine,
        input: None,
        output: None,
        platform,
        timeout: options.timeout,
        summary,
        _lock: lock,
    };
    // Buffers for one sample now, so missing DMA memory shows at open; larger batches grow them.
    if !matches!(backend.engine, Engine::Lite { .. }) {
        backend.buffers(spec.input.sample_bytes(), spec.output.sample_bytes())?;
    }
    Ok(backend)
}

/// What [`open`] found in the `.hwh`, before touching the hardware.
enum Plan<'a> {
    Stream { dma: &'a Module, width: u32 },
    Lite(&'a Module),
    Master(&'a Module),
}

impl Backend for ZynqBackend {
    fn describe(&self) -> String {
        format!("{}; {}", self.summary, self.platform.describe())
    }

    fn run(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let (in_sample, out_sample) = (self.spec.input.sample_bytes(), self.spec.output.sample_bytes());
        let sizes = (n.checked_mul(in_sample), n.checked_mul(out_sample));
        if sizes != (Some(input.len()), Some(output.len())) {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{n} samples need {in_sample} × {n} input and {out_sample} × {n} output bytes; got {} and {}",
                    input.len(),
                    output.len()
                ),
            ));
        }
        if n == 0 {
            return Ok(Duration::ZERO);
        }
        match &self.engine {
            Engine::Stream(_) => self.run_stream(input, output, n),
            Engine::Lite { .. } => self.run_lite(input, output, n),
            Engine::Master { .. } => self.run_master(input, output, n),
        }
    }
}

impl ZynqBackend {
    /// Makes the DMA buffers at least `in_len` and `out_len` bytes (allocated once, grown when a
    /// larger batch comes).
    fn buffers(&mut self, in_len: usize, out_len: usize) -> Result<()> {
        if self.input.as_ref().is_none_or(|b| b.len() < in_len) {
            self.input = None;
            self.input = Some(self.platform.alloc_dma(in_len)?);
        }
        if self.output.as_ref().is_none_or(|b| b.len() < out_len) {
            self.output = None;
            self.output = Some(self.platform.alloc_dma(out_len)?);
        }
        Ok(())
    }

    /// Copies `input` into the input buffer and flushes it.
    fn stage_input(&mut self, input: &[u8]) -> Result<(u64, u64)> {
        let (Some(inb), Some(outb)) = (self.input.as_mut(), self.output.as_ref()) else {
            unreachable!("buffers() allocates both");
        };
        inb.as_mut_slice()[..input.len()].copy_from_slice(input);
        inb.sync_for_device(0, input.len())?;
        Ok((inb.phys_addr(), outb.phys_addr()))
    }

    /// Invalidates the output buffer and copies it out.
    fn collect_output(&mut self, output: &mut [u8]) -> Result<()> {
        let Some(outb) = self.output.as_mut() else {
            unreachable!("buffers() allocates both");
        };
        outb.sync_for_cpu(0, output.len())?;
        output.copy_from_slice(&outb.as_slice()[..output.len()]);
        Ok(())
    }

    fn run_stream(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        self.buffers(input.len(), output.len())?;
        let start = Instant::now();
        let (src, dst) = self.stage_input(input)?;
        let (in_sample, out_sample) = (self.spec.input.sample_bytes(), self.spec.output.sample_bytes());
        let Engine::Stream(dma) = &mut self.engine else {
            unreachable!("run_stream is called for axi_stream");
        };
        dma.run(src, dst, n, in_sample, out_sample)?;
        self.collect_output(output)?;
        Ok(start.elapsed())
    }

    fn run_lite(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let Engine::Lite {
            regs,
            ctrl,
            input: in_off,
            output: out_off,
        } = &self.engine
        else {
            unreachable!("run_lite is called for axi_lite");
        };
        let (in_sample, out_sample) = (self.spec.input.sample_bytes(), self.spec.output.sample_bytes());
        let mut moving = Duration::ZERO;
        for (i, (x, y)) in input
            .chunks_exact(in_sample)
            .zip(output.chunks_exact_mut(out_sample))
            .enumerate()
        {
            let t = Instant::now();
            for (k, word) in x.chunks_exact(4).enumerate() {
                regs.write32(in_off + 4 * k, u32::from_le_bytes([word[0], word[1], word[2], word[3]]));
            }
            moving += t.elapsed();
            start_and_wait(regs.as_ref(), *ctrl, self.timeout).map_err(|e| e.context(format!("sample {i} of {n}")))?;
            let t = Instant::now();
            for (k, word) in y.chunks_exact_mut(4).enumerate() {
                word.copy_from_slice(&regs.read32(out_off + 4 * k).to_le_bytes());
            }
            moving += t.elapsed();
        }
        Ok(moving)
    }

    fn run_master(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let count = u32::try_from(n).map_err(|_| {
            Error::new(
                ErrorKind::Argument,
                format!("{n} samples in one run: the IP's n register is 32 bits"),
            )
        })?;
        self.buffers(input.len(), output.len())?;
        let t = Instant::now();
        let (src, dst) = self.stage_input(input)?;
        let mut moving = t.elapsed();
        let Engine::Master {
            regs,
            ctrl,
            input: (in_lo, in_hi),
            output: (out_lo, out_hi),
            n: n_off,
        } = &self.engine
        else {
            unreachable!("run_master is called for axi_master");
        };
        regs.write32(*in_lo, src as u32);
        regs.write32(*in_hi, (src >> 32) as u32);
        regs.write32(*out_lo, dst as u32);
        regs.write32(*out_hi, (dst >> 32) as u32);
        regs.write32(*n_off, count);
        start_and_wait(regs.as_ref(), *ctrl, self.timeout)?;
        let t = Instant::now();
        self.collect_output(output)?;
        moving += t.elapsed();
        Ok(moving)
    }
}

/// Starts an HLS core (`ap_start`) and polls `ap_done` until it comes or `timeout` passes.
fn start_and_wait(regs: &dyn Registers, ctrl: usize, timeout: Duration) -> Result<()> {
    // ap_done is clear-on-read: a read now drops one left from an earlier, timed-out start.
    let _ = regs.read32(ctrl);
    regs.write32(ctrl, ctrl::AP_START);
    let start = Instant::now();
    let mut backoff = Backoff::default();
    loop {
        let value = regs.read32(ctrl);
        if value & ctrl::AP_DONE != 0 {
            return Ok(());
        }
        if start.elapsed() > timeout {
            let state = if value & ctrl::AP_IDLE != 0 {
                "ap_idle is set: the core never started"
            } else if value & ctrl::AP_START != 0 {
                "ap_start is still set: the core did not take the start"
            } else {
                "the core is running"
            };
            return Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "CTRL (0x{ctrl:02x}) = 0x{value:08x}: ap_done (bit 1) did not come within {timeout:?}; {state}"
                ),
            ));
        }
        backoff.wait();
    }
}

fn lite_engine(hwh: &Hwh, ip: &Module, spec: &Spec, platform: &mut dyn Platform) -> Result<Engine> {
    let len = block_len(hwh, ip)?;
    let ctrl = ip.register("CTRL").map(|r| r.offset).unwrap_or(0);
    let mut offsets = [0usize; 2];
    for (slot, (name, bus, what)) in offsets
        .iter_mut()
        .zip([("in_r", &spec.input, "input"), ("out_r", &spec.output, "output")])
    {
        let reg = ip.register(name).ok_or_else(|| {
            hardware(format!(
                "{} in {} has no register {name} (registers: {}): it was not built with interface = \"axi_lite\"",
                ip.fullname,
                hwh.source,
                register_list(ip)
            ))
        })?;
        if bus.word_bits < 32 || bus.word_bits % 32 != 0 {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "the {what} words are {} bits; on axi_lite every word fills whole 32-bit registers",
                    bus.word_bits
                ),
            ));
        }
        let need_bits = bus.values as u64 * bus.word_bits as u64;
        if reg.size_bits != need_bits {
            return Err(hardware(format!(
                "{name} of {} is {} bits in {}, but the driver's {what} is {} words of {} bits = {need_bits} bits: \
                 the bitstream and the driver come from different models or bus types",
                ip.fullname, reg.size_bits, hwh.source, bus.values, bus.word_bits
            )));
        }
        *slot = check_offset(ip, hwh, name, reg.offset, need_bits.div_ceil(8), len)?;
    }
    let ctrl = check_offset(ip, hwh, "CTRL", ctrl, 4, len)?;
    let regs = platform.map_registers(ip.base, len)?;
    Ok(Engine::Lite {
        regs,
        ctrl,
        input: offsets[0],
        output: offsets[1],
    })
}

fn master_engine(hwh: &Hwh, ip: &Module, platform: &mut dyn Platform) -> Result<Engine> {
    let len = block_len(hwh, ip)?;
    let ctrl = ip.register("CTRL").map(|r| r.offset).unwrap_or(0);
    let (d_in, d_out, d_n) = MASTER_DEFAULTS;
    // A 64-bit pointer register, or (Vitis HLS) its halves `<name>_1` and `<name>_2`.
    let pointer = |name: &str, default: usize| -> Result<(usize, usize)> {
        let (lo, hi) = match (ip.register(name), ip.register(&format!("{name}_1"))) {
            (Some(r), _) => (r.offset, r.offset + 4),
            (None, Some(r1)) => {
                let hi = ip
                    .register(&format!("{name}_2"))
                    .map(|r| r.offset)
                    .unwrap_or(r1.offset + 4);
                (r1.offset, hi)
            }
            (None, None) if ip.registers.is_empty() => (default as u64, default as u64 + 4),
            (None, None) => {
                return Err(hardware(format!(
                    "{} in {} has no register {name} (registers: {}): it was not built with interface = \
                     \"axi_master\"",
                    ip.fullname,
                    hwh.source,
                    register_list(ip)
                )))
            }
        };
        Ok((
            check_offset(ip, hwh, name, lo, 4, len)?,
            check_offset(ip, hwh, name, hi, 4, len)?,
        ))
    };
    let input = pointer("in_r", d_in)?;
    let output = pointer("out_r", d_out)?;
    let n = match ip.register("n") {
        Some(r) => r.offset,
        None if ip.registers.is_empty() => d_n as u64,
        None => {
            return Err(hardware(format!(
                "{} in {} has no register n (registers: {})",
                ip.fullname,
                hwh.source,
                register_list(ip)
            )))
        }
    };
    let n = check_offset(ip, hwh, "n", n, 4, len)?;
    let ctrl = check_offset(ip, hwh, "CTRL", ctrl, 4, len)?;
    let regs = platform.map_registers(ip.base, len)?;
    Ok(Engine::Master {
        regs,
        ctrl,
        input,
        output,
        n,
    })
}

/// Checks the DMA against the driver: simple mode, stream widths equal to the bus words, memory
/// widths of at least 32 bits. Returns `c_sg_length_width`.
fn check_dma(hwh: &Hwh, dma: &Module, spec: &Spec) -> Result<u32> {
    let param = |name: &str| -> Result<u64> {
        dma.param_u64(name)?.ok_or_else(|| {
            hardware(format!(
                "{} in {} has no parameter {name}: its widths cannot be checked against the driver",
                dma.fullname, hwh.source
            ))
        })
    };
    if dma.param_u64("C_INCLUDE_SG")?.unwrap_or(0) != 0 {
        return Err(hardware(format!(
            "{} in {} was built with scatter-gather (C_INCLUDE_SG = 1); the driver needs simple mode (c_include_sg = 0)",
            dma.fullname, hwh.source
        )));
    }
    for (name, bus, what) in [
        ("C_M_AXIS_MM2S_TDATA_WIDTH", &spec.input, "input"),
        ("C_S_AXIS_S2MM_TDATA_WIDTH", &spec.output, "output"),
    ] {
        let bits = param(name)?;
        if bits != bus.word_bits as u64 {
            return Err(hardware(format!(
                "{} in {}: {name} = {bits} bits, but the driver's {what} words are {} bits: the bitstream and the \
                 driver come from different bus types",
                dma.fullname, hwh.source, bus.word_bits
            )));
        }
    }
    for name in ["C_M_AXI_MM2S_DATA_WIDTH", "C_M_AXI_S2MM_DATA_WIDTH"] {
        let bits = param(name)?;
        if bits < 32 {
            return Err(hardware(format!(
                "{} in {}: {name} = {bits} bits; the AXI DMA's memory side is at least 32 bits wide",
                dma.fullname, hwh.source
            )));
        }
    }
    // PG021's default width of the length registers is 14 bits.
    let width = dma.param_u64("C_SG_LENGTH_WIDTH")?.unwrap_or(14);
    u32::try_from(width).map_err(|_| hardware(format!("{}: C_SG_LENGTH_WIDTH = {width}", dma.fullname)))
}

/// The register block's size as a mapping length.
fn block_len(hwh: &Hwh, m: &Module) -> Result<usize> {
    usize::try_from(m.range()).map_err(|_| {
        hardware(format!(
            "{} in {} spans 0x{:x} bytes: more than this machine can map",
            m.fullname,
            hwh.source,
            m.range()
        ))
    })
}

/// A register offset from the `.hwh` that lies inside the mapped block (`len` bytes), 4-aligned.
fn check_offset(ip: &Module, hwh: &Hwh, name: &str, offset: u64, bytes: u64, len: usize) -> Result<usize> {
    if offset % 4 != 0 || offset.saturating_add(bytes) > len as u64 {
        return Err(hardware(format!(
            "{name} of {} at offset 0x{offset:x} ({bytes} bytes) in {} lies outside its 0x{len:x}-byte register \
             block or is not 32-bit aligned",
            ip.fullname, hwh.source
        )));
    }
    Ok(offset as usize)
}

fn register_list(ip: &Module) -> String {
    if ip.registers.is_empty() {
        return "none".to_string();
    }
    ip.registers
        .iter()
        .map(|r| format!("{} at 0x{:x}", r.name, r.offset))
        .collect::<Vec<_>>()
        .join(", ")
}

fn family_name(family: Family) -> Result<&'static str> {
    match family {
        Family::Zynq7000 => Ok("Zynq-7000"),
        Family::ZynqMp => Ok("Zynq UltraScale+"),
        Family::Alveo => Err(Error::new(
            ErrorKind::Argument,
            "the Zynq backend drives Zynq boards; an Alveo card is driven through XRT (the Alveo backend)",
        )),
    }
}

/// The bitstream's part (when its header names one) must be of the board's family.
fn check_part(bit: &Bitstream, spec: &Spec, path: &Path) -> Result<()> {
    let part = bit.part.to_ascii_lowercase();
    let (fits, family) = match spec.family {
        Family::Zynq7000 => (part.contains("7z"), "Zynq-7000 (7z…)"),
        _ => (part.contains("zu"), "Zynq UltraScale+ (zu…)"),
    };
    if part.is_empty() || fits {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Bitstream,
        format!(
            "{} is for part {}, but board {} is a {family}: it is another board's bitstream",
            path.display(),
            bit.part,
            spec.board
        ),
    ))
}

/// The `.hwh`'s architecture (when it names one) must be the board's family.
fn check_arch(hwh: &Hwh, spec: &Spec) -> Result<()> {
    let want = match spec.family {
        Family::Zynq7000 => "zynq",
        _ => "zynquplus",
    };
    if hwh.arch.is_empty() || hwh.arch.eq_ignore_ascii_case(want) {
        return Ok(());
    }
    Err(hardware(format!(
        "{} describes a design for ARCH=\"{}\", but board {} needs \"{want}\"",
        hwh.source, hwh.arch, spec.board
    )))
}

fn hardware(message: String) -> Error {
    Error::new(ErrorKind::Hardware, message)
}
