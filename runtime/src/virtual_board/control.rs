//! The IP's `s_axilite` control block (bundle `control`) for `axi_lite` and `axi_master`, as Vivado
//! HLS builds it for the block-level protocol `ap_ctrl_hs`:
//!
//! | offset | register |
//! |---|---|
//! | 0x00 | CTRL: bit 0 `ap_start` (R/W, cleared when the IP takes the start), bit 1 `ap_done` (read-only, cleared by the read), bit 2 `ap_idle` (read-only), bit 3 `ap_ready` (read-only, cleared by the read), bit 7 `auto_restart` (R/W) |
//! | 0x04 | GIE: bit 0 global interrupt enable |
//! | 0x08 | IER: bit 0 `ap_done`, bit 1 `ap_ready` interrupt enables |
//! | 0x0c | ISR: bit 0 `ap_done`, bit 1 `ap_ready` interrupt status (toggle on write) |
//!
//! then the arguments: for `axi_lite`, the `in_r` and `out_r` arrays, one 32-bit register per 32 bits
//! of word (a 64-bit word takes two, low half first), each array in a block of a power-of-two size
//! aligned to that size after the four control registers ([`lite_layout`]); for `axi_master`, the
//! pinned offsets `in_r` 0x10/0x14, `out_r` 0x1c/0x20 (64-bit addresses, low word first) and `n` 0x28.
//!
//! A start runs the IP at once: `ap_done`, `ap_idle` and `ap_ready` are set by the time the next
//! register read happens. A run that cannot complete (the IP failed, an `m_axi` address outside
//! the DDR, an injected hang) leaves `ap_idle` and `ap_done` at 0; the next `ap_start` abandons it and
//! starts afresh.

use crate::accel::{Interface, Spec};
use crate::ip::Ip;
use crate::virtual_board::ddr::Ddr;

/// `CTRL` register offset.
pub const CTRL: usize = 0x00;
/// `GIE` register offset.
pub const GIE: usize = 0x04;
/// `IER` register offset.
pub const IER: usize = 0x08;
/// `ISR` register offset.
pub const ISR: usize = 0x0c;
/// `CTRL` bit 0.
pub const AP_START: u32 = 1 << 0;
/// `CTRL` bit 1.
pub const AP_DONE: u32 = 1 << 1;
/// `CTRL` bit 2.
pub const AP_IDLE: u32 = 1 << 2;
/// `CTRL` bit 3.
pub const AP_READY: u32 = 1 << 3;
/// `CTRL` bit 7.
pub const AUTO_RESTART: u32 = 1 << 7;

/// `axi_master`: the input buffer's address (low word; high word at +4).
pub const MASTER_IN: usize = 0x10;
/// `axi_master`: the output buffer's address (low word; high word at +4).
pub const MASTER_OUT: usize = 0x1c;
/// `axi_master`: the number of samples.
pub const MASTER_N: usize = 0x28;
/// `axi_master`: bits of the control block's address.
pub const MASTER_ADDR_WIDTH: u32 = 6;

/// Where the `axi_lite` wrapper's `in_r` and `out_r` arrays sit in its control block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiteLayout {
    /// Offset of `in_r`'s first register.
    pub in_offset: usize,
    /// Bytes of `in_r`'s registers (4 per 32 bits of word).
    pub in_bytes: usize,
    /// Offset of `out_r`'s first register.
    pub out_offset: usize,
    /// Bytes of `out_r`'s registers.
    pub out_bytes: usize,
    /// Bits of the control block's address (`C_S_AXI_CONTROL_ADDR_WIDTH`).
    pub addr_width: u32,
}

/// Bytes of registers one word of `bus` takes: a 32-bit register per 32 bits, at least one.
fn register_bytes(word_bits: u32) -> usize {
    (word_bits as usize).div_ceil(32) * 4
}

/// The `axi_lite` control block of `spec`: after the control registers (0x00–0x0f), `in_r` then
/// `out_r`, each in a block of the next power of two of its size, aligned to that size.
pub fn lite_layout(spec: &Spec) -> LiteLayout {
    let place = |cursor: usize, bytes: usize| {
        let block = bytes.max(4).next_power_of_two();
        let offset = cursor.div_ceil(block) * block;
        (offset, offset + block)
    };
    let in_bytes = spec.input.values * register_bytes(spec.input.word_bits);
    let out_bytes = spec.output.values * register_bytes(spec.output.word_bits);
    let (in_offset, cursor) = place(0x10, in_bytes);
    let (out_offset, end) = place(cursor, out_bytes);
    LiteLayout {
        in_offset,
        in_bytes,
        out_offset,
        out_bytes,
        addr_width: usize::BITS - (end - 1).leading_zeros(),
    }
}

/// Counts a control block reports to the board.
#[derive(Debug, Default)]
pub(crate) struct RunLog {
    /// Starts that completed.
    pub runs: u64,
    /// Samples they ran.
    pub samples: u64,
    /// Why runs did not complete.
    pub errors: Vec<String>,
}

/// The control block's state.
#[derive(Debug)]
pub(crate) struct ControlBlock {
    interface: Interface,
    lite: LiteLayout,
    /// The argument registers, by word (offset / 4), up to the block's end.
    args: Vec<u32>,
    start: bool,
    done: bool,
    idle: bool,
    ready: bool,
    auto_restart: bool,
    gie: u32,
    ier: u32,
    isr: u32,
    /// The next start hangs.
    pub hang_armed: bool,
}

impl ControlBlock {
    /// The control block of `spec`'s IP, after reset.
    pub fn new(spec: &Spec) -> ControlBlock {
        let lite = lite_layout(spec);
        let words = match spec.interface {
            Interface::AxiLite => (1usize << lite.addr_width) / 4,
            _ => (1usize << MASTER_ADDR_WIDTH) / 4,
        };
        ControlBlock {
            interface: spec.interface,
            lite,
            args: vec![0; words],
            start: false,
            done: false,
            idle: true,
            ready: false,
            auto_restart: false,
            gie: 0,
            ier: 0,
            isr: 0,
            hang_armed: false,
        }
    }

    /// Back to the reset state (the PL was programmed again); an armed hang stays armed.
    pub fn reset(&mut self, spec: &Spec) {
        let hang = self.hang_armed;
        *self = ControlBlock::new(spec);
        self.hang_armed = hang;
    }

    fn is_arg(&self, offset: usize) -> bool {
        match self.interface {
            Interface::AxiLite => {
                let l = &self.lite;
                (l.in_offset..l.in_offset + l.in_bytes).contains(&offset)
                    || (l.out_offset..l.out_offset + l.out_bytes).contains(&offset)
            }
            _ => matches!(offset, MASTER_IN | 0x14 | MASTER_OUT | 0x20 | MASTER_N),
        }
    }

    /// Reads the register at `offset` (clear-on-read bits are cleared).
    pub fn read(&mut self, offset: usize) -> u32 {
        match offset {
            CTRL => {
                let value = (self.start as u32)
                    | (self.done as u32) << 1
                    | (self.idle as u32) << 2
                    | (self.ready as u32) << 3
                    | (self.auto_restart as u32) << 7;
                self.done = false;
                self.ready = false;
                value
            }
            GIE => self.gie,
            IER => self.ier,
            ISR => self.isr,
            _ if self.is_arg(offset) => self.args[offset / 4],
            _ => 0,
        }
    }

    /// Writes the register at `offset`; `ap_start` runs the IP.
    pub fn write(&mut self, offset: usize, value: u32, spec: &Spec, ip: &mut dyn Ip, ddr: &Ddr, log: &mut RunLog) {
        match offset {
            CTRL => {
                self.auto_restart = value & AUTO_RESTART != 0;
                if value & AP_START != 0 {
                    self.run(spec, ip, ddr, log);
                }
            }
            GIE => self.gie = value & 1,
            IER => self.ier = value & 3,
            ISR => self.isr ^= value & 3,
            _ if self.is_arg(offset) => {
                let l = &self.lite;
                let output = self.interface == Interface::AxiLite
                    && (l.out_offset..l.out_offset + l.out_bytes).contains(&offset);
                // The IP writes `out_r`; the processor's writes there have no effect.
                if !output {
                    self.args[offset / 4] = value;
                }
            }
            _ => {}
        }
    }

    fn word(&self, offset: usize, word_bits: u32) -> u64 {
        let lo = self.args[offset / 4] as u64;
        let word = if word_bits > 32 {
            lo | (self.args[offset / 4 + 1] as u64) << 32
        } else {
            lo
        };
        if word_bits >= 64 {
            word
        } else {
            word & ((1u64 << word_bits) - 1)
        }
    }

    fn run(&mut self, spec: &Spec, ip: &mut dyn Ip, ddr: &Ddr, log: &mut RunLog) {
        // The IP takes the start at once (ap_start drops), and is busy until it completes.
        self.start = false;
        self.idle = false;
        self.done = false;
        if std::mem::take(&mut self.hang_armed) {
            return;
        }
        let result = match self.interface {
            Interface::AxiLite => self.run_lite(spec, ip),
            Interface::AxiMaster => self.run_master(spec, ip, ddr),
            Interface::AxiStream => Err("the IP has no control registers (ap_ctrl_none)".to_string()),
        };
        match result {
            Ok(samples) => {
                self.done = true;
                self.idle = true;
                self.ready = true;
                self.isr |= self.ier & 3;
                log.runs += 1;
                log.samples += samples;
            }
            Err(why) => log.errors.push(why),
        }
    }

    fn run_lite(&mut self, spec: &Spec, ip: &mut dyn Ip) -> Result<u64, String> {
        let (bin, bout) = (spec.input, spec.output);
        let (step_in, step_out) = (register_bytes(bin.word_bits), register_bytes(bout.word_bits));
        let input: Vec<u64> = (0..bin.values)
            .map(|j| self.word(self.lite.in_offset + j * step_in, bin.word_bits))
            .collect();
        let mut output = vec![0u64; bout.values];
        ip.lite(&input, &mut output)
            .map_err(|e| format!("the IP failed on a start: {e}"))?;
        for (j, &w) in output.iter().enumerate() {
            let at = (self.lite.out_offset + j * step_out) / 4;
            self.args[at] = w as u32;
            if bout.word_bits > 32 {
                self.args[at + 1] = (w >> 32) as u32;
            }
        }
        Ok(1)
    }

    fn run_master(&mut self, spec: &Spec, ip: &mut dyn Ip, ddr: &Ddr) -> Result<u64, String> {
        let addr = |lo: usize| self.args[lo / 4] as u64 | (self.args[lo / 4 + 1] as u64) << 32;
        let (in_addr, out_addr) = (addr(MASTER_IN), addr(MASTER_OUT));
        let n = self.args[MASTER_N / 4] as usize;
        let in_len = n * spec.input.sample_bytes();
        let out_len = n * spec.output.sample_bytes();
        for (name, at, len) in [("in", in_addr, in_len), ("out", out_addr, out_len)] {
            if !ddr.contains(at, len as u64) {
                // The m_axi master gets DECERR: the HLS IP has no way to report it and never finishes.
                return Err(format!(
                    "m_axi `{name}`: {len} bytes at {at:#x} are outside the DDR ({:#x}, {} bytes); the run never completes",
                    ddr.base(),
                    ddr.size()
                ));
            }
        }
        let mut input = vec![0u8; in_len];
        ddr.read(in_addr, &mut input).map_err(|e| e.to_string())?;
        let mut output = vec![0u8; out_len];
        ip.master(&input, &mut output, n)
            .map_err(|e| format!("the IP failed on a start with n = {n}: {e}"))?;
        ddr.write(out_addr, &output).map_err(|e| e.to_string())?;
        Ok(n as u64)
    }
}
