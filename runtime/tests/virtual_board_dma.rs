//! The virtual board's AXI DMA register model against AMD PG021 (AXI DMA v7.1), direct register mode:
//! one test per statement of the guide, each quoting it. The registers are driven by hand, word by
//! word, through the board's `Platform` as a driver would; the IP between MM2S and S2MM is written
//! here (each output word is its input word plus one), so every number checked comes from the test.
//!
//! Register offsets and bits are spelled out here from PG021's register tables, not taken from the
//! model.

use hls4ml_runtime::accel::{Family, Interface, Spec};
use hls4ml_runtime::bus::{BusLayout, WordType};
use hls4ml_runtime::fixed::FixedType;
use hls4ml_runtime::ip::{Beat, Ip};
use hls4ml_runtime::virtual_board::{
    AxiDmaModel, BusError, Channel, DmaConfig, DmaPorts, Fault, Options, VirtualBoard,
};
use hls4ml_runtime::zynq::{DmaMemory, Platform, Registers};
use hls4ml_runtime::{ErrorKind, Result};
use std::collections::VecDeque;

// PG021 "Register Space", direct register mode.
const MM2S_DMACR: usize = 0x00;
const MM2S_DMASR: usize = 0x04;
const MM2S_SA: usize = 0x18;
const MM2S_SA_MSB: usize = 0x1c;
const MM2S_LENGTH: usize = 0x28;
const S2MM_DMACR: usize = 0x30;
const S2MM_DMASR: usize = 0x34;
const S2MM_DA: usize = 0x48;
const S2MM_DA_MSB: usize = 0x4c;
const S2MM_LENGTH: usize = 0x58;

// DMACR bits.
const RS: u32 = 1 << 0;
const RESET: u32 = 1 << 2;
const IOC_IRQ_EN: u32 = 1 << 12;
const ERR_IRQ_EN: u32 = 1 << 14;
// DMASR bits.
const HALTED: u32 = 1 << 0;
const IDLE: u32 = 1 << 1;
const SG_INCLD: u32 = 1 << 3;
const DMA_INT_ERR: u32 = 1 << 4;
const DMA_SLV_ERR: u32 = 1 << 5;
const DMA_DEC_ERR: u32 = 1 << 6;
const IOC_IRQ: u32 = 1 << 12;
const ERR_IRQ: u32 = 1 << 14;

/// Values per sample, in and out.
const VALUES: usize = 4;
/// Bytes per word (16-bit words: `ap_fixed<16,6>` on the bus).
const WORD: usize = 2;
const SAMPLE: usize = VALUES * WORD;

/// The IP: each output word is its input word plus one (wrapping in 16 bits), one output word per
/// input word; the last output word of a sample carries TLAST when any input word of it did (the
/// wrapper's rule).
struct PlusOne;

impl Ip for PlusOne {
    fn interface(&self) -> Interface {
        Interface::AxiStream
    }

    fn stream(&mut self, input: &[Beat], output: &mut Vec<Beat>) -> Result<()> {
        assert_eq!(input.len() % VALUES, 0, "the board must feed whole samples");
        for sample in input.chunks(VALUES) {
            let last = sample.iter().any(|b| b.last);
            for (i, b) in sample.iter().enumerate() {
                output.push(Beat {
                    data: (b.data + 1) & 0xffff,
                    last: last && i + 1 == VALUES,
                });
            }
        }
        Ok(())
    }

    fn lite(&mut self, _: &[u64], _: &mut [u64]) -> Result<()> {
        unreachable!("an axi_stream IP")
    }

    fn master(&mut self, _: &[u8], _: &mut [u8], _: usize) -> Result<()> {
        unreachable!("an axi_stream IP")
    }
}

fn spec() -> Spec {
    let bus = BusLayout::new(WordType::Fixed(FixedType::fixed(16, 6)), VALUES, 8).unwrap();
    Spec {
        name: "toy".into(),
        board: "pynq-z2".into(),
        family: Family::Zynq7000,
        interface: Interface::AxiStream,
        input: bus,
        output: bus,
        clock_period_ns: 10.0,
    }
}

/// A board, its DMA's registers, and an input and an output buffer of 4 samples each.
struct Rig {
    board: VirtualBoard,
    regs: Box<dyn Registers>,
    input: Box<dyn DmaMemory>,
    output: Box<dyn DmaMemory>,
    _platform: Box<dyn Platform>,
}

fn rig_with(options: Options) -> Rig {
    let board = VirtualBoard::with_options(spec(), Box::new(PlusOne), options).unwrap();
    let mut platform = board.platform();
    let regs = platform.map_registers(0x4040_0000, 0x1_0000).unwrap();
    let input = platform.alloc_dma(4 * SAMPLE).unwrap();
    let output = platform.alloc_dma(4 * SAMPLE).unwrap();
    Rig {
        board,
        regs,
        input,
        output,
        _platform: platform,
    }
}

fn rig() -> Rig {
    rig_with(Options::default())
}

impl Rig {
    fn r(&self, offset: usize) -> u32 {
        self.regs.read32(offset)
    }

    fn w(&self, offset: usize, value: u32) {
        self.regs.write32(offset, value)
    }

    /// Writes `words` into the input buffer and flushes them to the device.
    fn load(&mut self, words: &[u16]) {
        for (i, w) in words.iter().enumerate() {
            self.input.as_mut_slice()[i * 2..i * 2 + 2].copy_from_slice(&w.to_le_bytes());
        }
        self.input.sync_for_device(0, words.len() * 2).unwrap();
    }

    /// The output buffer's words as the CPU sees them after an invalidate.
    fn unload(&mut self, words: usize) -> Vec<u16> {
        self.output.sync_for_cpu(0, words * 2).unwrap();
        let b = self.output.as_slice();
        (0..words)
            .map(|i| u16::from_le_bytes([b[2 * i], b[2 * i + 1]]))
            .collect()
    }

    /// RS = 1 on both channels, addresses set to the two buffers.
    fn run_both(&self) {
        self.w(S2MM_DMACR, RS);
        self.w(MM2S_DMACR, RS);
        self.w(S2MM_DA, self.output.phys_addr() as u32);
        self.w(MM2S_SA, self.input.phys_addr() as u32);
    }

    /// A whole transfer of `samples` samples: S2MM started first, then MM2S.
    fn transfer(&mut self, samples: usize) {
        let words: Vec<u16> = (0..(samples * VALUES) as u16).map(|i| 100 + i).collect();
        self.load(&words);
        self.run_both();
        self.w(S2MM_LENGTH, (samples * SAMPLE) as u32);
        self.w(MM2S_LENGTH, (samples * SAMPLE) as u32);
    }
}

/// PG021 register tables, "Default Value" columns: MM2S_DMACR / S2MM_DMACR read 0x0001_0002 (RS 0,
/// bit 1 "Reserved, 1, RO: always read as 1", Reset 0, IRQThreshold 01h, IRQDelay 00h); MM2S_DMASR /
/// S2MM_DMASR read 0x0001_0001 (Halted 1, Idle 0, SGIncld = C_INCLUDE_SG = 0, error and interrupt bits
/// 0, IRQThresholdSts 01h); the address and length registers read 0.
#[test]
fn registers_read_their_reset_values() {
    let rig = rig();
    for (name, offset, value) in [
        ("MM2S_DMACR", MM2S_DMACR, 0x0001_0002),
        ("MM2S_DMASR", MM2S_DMASR, 0x0001_0001),
        ("MM2S_SA", MM2S_SA, 0),
        ("MM2S_SA_MSB", MM2S_SA_MSB, 0),
        ("MM2S_LENGTH", MM2S_LENGTH, 0),
        ("S2MM_DMACR", S2MM_DMACR, 0x0001_0002),
        ("S2MM_DMASR", S2MM_DMASR, 0x0001_0001),
        ("S2MM_DA", S2MM_DA, 0),
        ("S2MM_DA_MSB", S2MM_DA_MSB, 0),
        ("S2MM_LENGTH", S2MM_LENGTH, 0),
    ] {
        assert_eq!(rig.r(offset), value, "{name} after reset");
    }
    assert_eq!(rig.r(MM2S_DMASR) & SG_INCLD, 0, "direct register mode: no SG engine");
}

/// PG021 DMACR.RS: "1 = Run – Start DMA operations. The halted bit in the DMA Status register
/// deasserts to 0 when the DMA engine begins operations"; DMASR.Idle: "For Direct Register Mode when
/// IDLE indicates the current transfer has completed. Note: This bit is 0 when channel is halted
/// (DMASR.Halted=1). This bit is also 0 prior to initial transfer"; RS = 0: "The halted bit in the
/// DMA Status register asserts to 1 when the DMA engine is halted".
#[test]
fn halted_and_idle_follow_reset_run_and_transfer() {
    let mut rig = rig();
    for sr in [MM2S_DMASR, S2MM_DMASR] {
        assert_eq!(rig.r(sr) & (HALTED | IDLE), HALTED, "after reset: Halted 1, Idle 0");
    }
    rig.w(MM2S_DMACR, RS);
    rig.w(S2MM_DMACR, RS);
    for sr in [MM2S_DMASR, S2MM_DMASR] {
        assert_eq!(
            rig.r(sr) & (HALTED | IDLE),
            0,
            "running, before the first transfer: Halted 0, Idle 0"
        );
    }
    rig.transfer(2);
    for sr in [MM2S_DMASR, S2MM_DMASR] {
        assert_eq!(
            rig.r(sr) & (HALTED | IDLE),
            IDLE,
            "after the transfer: Halted 0, Idle 1"
        );
    }
    assert_eq!(rig.unload(8), [101, 102, 103, 104, 105, 106, 107, 108]);
    rig.w(MM2S_DMACR, 0);
    assert_eq!(rig.r(MM2S_DMASR) & (HALTED | IDLE), HALTED, "RS = 0: Halted 1, Idle 0");
    assert_eq!(
        rig.r(S2MM_DMASR) & (HALTED | IDLE),
        IDLE,
        "the other channel still runs"
    );
}

/// PG021 DMASR.Halted: "When halted (RS = 0 and Halted = 1) ... For Direct Register Mode, writing to
/// the LENGTH register has no effect on DMA operations."
#[test]
fn a_length_write_while_halted_does_nothing() {
    let mut rig = rig();
    rig.load(&[1, 2, 3, 4]);
    rig.w(MM2S_SA, rig.input.phys_addr() as u32);
    rig.w(S2MM_DA, rig.output.phys_addr() as u32);
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(rig.r(MM2S_DMASR), 0x0001_0001, "MM2S: still halted, no IOC, no error");
    assert_eq!(rig.r(S2MM_DMASR), 0x0001_0001, "S2MM: still halted, no IOC, no error");
    let stats = rig.board.stats();
    assert_eq!((stats.mm2s_transfers, stats.mm2s_bytes, stats.ip_runs), (0, 0, 0));
    // Starting the channels afterwards does not replay the lost writes either.
    rig.w(MM2S_DMACR, RS);
    rig.w(S2MM_DMACR, RS);
    assert_eq!(rig.r(MM2S_DMASR) & (IDLE | IOC_IRQ), 0);
    assert_eq!(rig.board.stats().ip_runs, 0);
}

/// PG021 DMASR.IOC_Irq: "Interrupt on Complete. When set to 1 for Direct Register Mode, it indicates
/// that the transfer is completed ... Writing a 1 to this bit will clear it"; writing 0 has no effect.
/// Err_Irq is cleared the same way.
#[test]
fn ioc_is_set_on_completion_and_cleared_by_writing_one() {
    let mut rig = rig();
    rig.run_both();
    assert_eq!(rig.r(MM2S_DMASR) & IOC_IRQ, 0, "no IOC before a transfer");
    rig.transfer(1);
    for sr in [MM2S_DMASR, S2MM_DMASR] {
        assert_eq!(rig.r(sr) & IOC_IRQ, IOC_IRQ, "IOC set on completion");
        rig.w(sr, 0);
        assert_eq!(rig.r(sr) & IOC_IRQ, IOC_IRQ, "writing 0 leaves IOC set");
        rig.w(sr, IOC_IRQ);
        assert_eq!(rig.r(sr) & IOC_IRQ, 0, "writing 1 clears IOC");
        assert_eq!(rig.r(sr) & IDLE, IDLE, "clearing IOC leaves Idle");
    }
    // Err_Irq: write 1 to clear as well; the error bit itself stays.
    rig.w(MM2S_LENGTH, 0);
    assert_eq!(rig.r(MM2S_DMASR) & (ERR_IRQ | DMA_INT_ERR), ERR_IRQ | DMA_INT_ERR);
    rig.w(MM2S_DMASR, 0);
    assert_eq!(rig.r(MM2S_DMASR) & ERR_IRQ, ERR_IRQ, "writing 0 leaves Err_Irq set");
    rig.w(MM2S_DMASR, ERR_IRQ);
    assert_eq!(
        rig.r(MM2S_DMASR) & (ERR_IRQ | DMA_INT_ERR),
        DMA_INT_ERR,
        "Err_Irq cleared, DMAIntErr stays"
    );
}

/// PG021 DMASR.DMADecErr: "DMA Decode Error. This error occurs if the address request points to an
/// invalid address. This error condition causes the AXI DMA to halt gracefully. The DMACR.RS bit is
/// set to 0, and when the engine has completely shut down, the DMASR.Halted bit is set to 1."
#[test]
fn a_decode_error_for_an_unmapped_address_halts_the_channel() {
    let rig = rig();
    rig.run_both();
    // Below the simulated DDR (0x1000_0000..0x1400_0000).
    rig.w(MM2S_SA, 0x0800_0000);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    let sr = rig.r(MM2S_DMASR);
    assert_eq!(
        sr & (DMA_DEC_ERR | ERR_IRQ | HALTED | IDLE | IOC_IRQ),
        DMA_DEC_ERR | ERR_IRQ | HALTED
    );
    assert_eq!(rig.r(MM2S_DMACR) & RS, 0, "RS cleared by the error");
    // Halted: the next length write has no effect, even with a good address and RS written again.
    rig.w(MM2S_DMACR, RS);
    rig.w(MM2S_SA, rig.input.phys_addr() as u32);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(
        rig.r(MM2S_DMASR) & (HALTED | IOC_IRQ),
        HALTED,
        "an errored channel runs again only after a reset"
    );
    assert_eq!(rig.board.stats().ip_runs, 0);

    // S2MM: the error comes when the data is written past the end of the DDR.
    let mut rig = crate::rig();
    rig.load(&[1, 2, 3, 4]);
    rig.run_both();
    rig.w(S2MM_DA, 0x1400_0000 - 4);
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(rig.r(MM2S_DMASR) & (IOC_IRQ | HALTED), IOC_IRQ, "MM2S completed");
    let sr = rig.r(S2MM_DMASR);
    assert_eq!(
        sr & (DMA_DEC_ERR | ERR_IRQ | HALTED | IOC_IRQ),
        DMA_DEC_ERR | ERR_IRQ | HALTED
    );
    assert_eq!(rig.r(S2MM_DMACR) & RS, 0);
}

/// PG021 DMASR.DMAIntErr: "Internal error occurs if the buffer length ... is set to 0. This error
/// condition causes the AXI DMA to halt gracefully." (REFERENCE.md §6: "Length 0 is an error.")
#[test]
fn length_zero_is_an_internal_error() {
    let rig = rig();
    rig.run_both();
    rig.w(MM2S_LENGTH, 0);
    rig.w(S2MM_LENGTH, 0);
    for (sr, cr) in [(MM2S_DMASR, MM2S_DMACR), (S2MM_DMASR, S2MM_DMACR)] {
        assert_eq!(
            rig.r(sr) & (DMA_INT_ERR | ERR_IRQ | HALTED | IDLE),
            DMA_INT_ERR | ERR_IRQ | HALTED
        );
        assert_eq!(rig.r(cr) & RS, 0);
    }
    assert_eq!(rig.board.stats().dma_errors, 2);
}

/// PG021 S2MM_LENGTH: "At the completion of the S2MM transfer, the number of actual bytes written on
/// the S2MM AXI4 interface is updated to the S2MM_LENGTH register." A packet ending early with TLAST
/// is a normal completion: no error bit (REFERENCE.md §6).
#[test]
fn a_short_packet_completes_with_the_bytes_received() {
    let mut rig = rig();
    rig.board.inject(Fault::ShortPacket { words: 3 }).unwrap();
    rig.transfer(2);
    let sr = rig.r(S2MM_DMASR);
    assert_eq!(sr & (IDLE | IOC_IRQ | HALTED), IDLE | IOC_IRQ, "completed");
    assert_eq!(
        sr & (DMA_INT_ERR | DMA_SLV_ERR | DMA_DEC_ERR | ERR_IRQ),
        0,
        "no error bit"
    );
    assert_eq!(rig.r(S2MM_LENGTH), 3 * WORD as u32, "three words received");
    assert_eq!(rig.unload(3), [101, 102, 103]);
    assert_eq!(
        rig.board.stats().stream_words_waiting,
        0,
        "the rest of the packet is lost"
    );

    // One-shot: the next transfer is whole.
    rig.w(S2MM_DMASR, IOC_IRQ);
    rig.w(MM2S_DMASR, IOC_IRQ);
    rig.w(S2MM_LENGTH, (2 * SAMPLE) as u32);
    rig.w(MM2S_LENGTH, (2 * SAMPLE) as u32);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | IOC_IRQ | ERR_IRQ), IDLE | IOC_IRQ);
    assert_eq!(rig.r(S2MM_LENGTH), 2 * SAMPLE as u32);
    assert_eq!(rig.unload(8), [101, 102, 103, 104, 105, 106, 107, 108]);
}

/// PG021 S2MM_DMASR.DMAIntErr: "When Scatter Gather is disabled, this error is flagged if ... the
/// incoming packet is bigger than what is specified in the DMA length register."
#[test]
fn a_packet_longer_than_the_length_is_an_internal_error() {
    let mut rig = rig();
    rig.load(&[1, 2, 3, 4, 5, 6, 7, 8]);
    rig.run_both();
    // Room for one sample; the packet is two (TLAST on the last word of the second).
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    rig.w(MM2S_LENGTH, (2 * SAMPLE) as u32);
    let sr = rig.r(S2MM_DMASR);
    assert_eq!(
        sr & (DMA_INT_ERR | ERR_IRQ | HALTED | IOC_IRQ),
        DMA_INT_ERR | ERR_IRQ | HALTED
    );
    assert_eq!(rig.r(S2MM_DMACR) & RS, 0);
    assert_eq!(
        rig.r(MM2S_DMASR) & (IOC_IRQ | ERR_IRQ),
        IOC_IRQ,
        "MM2S itself completed"
    );

    // An odd length that cuts a word: the word does not fit either.
    let mut rig = crate::rig();
    rig.load(&[1, 2, 3, 4]);
    rig.run_both();
    rig.w(S2MM_LENGTH, (SAMPLE - 1) as u32);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(rig.r(S2MM_DMASR) & (DMA_INT_ERR | HALTED), DMA_INT_ERR | HALTED);
}

/// PG021 DMACR.Reset: "Setting either MM2S_DMACR.Reset = 1 or S2MM_DMACR.Reset = 1 resets the entire
/// AXI DMA engine. After completion of a soft reset, all registers and bits are in the Reset State";
/// the bit reads "0 = Reset not in progress" once the reset is done.
#[test]
fn soft_reset_restores_the_reset_values_of_both_channels() {
    let mut rig = rig();
    rig.transfer(1);
    rig.w(MM2S_DMACR, RS | IOC_IRQ_EN | ERR_IRQ_EN);
    rig.w(MM2S_LENGTH, 0); // DMAIntErr on MM2S
    assert_ne!(rig.r(MM2S_DMASR) & DMA_INT_ERR, 0);
    assert_ne!(rig.r(S2MM_DMASR) & IOC_IRQ, 0);
    // Reset through the *other* channel's register.
    rig.w(S2MM_DMACR, RESET);
    for (name, offset, value) in [
        ("MM2S_DMACR", MM2S_DMACR, 0x0001_0002),
        ("MM2S_DMASR", MM2S_DMASR, 0x0001_0001),
        ("MM2S_SA", MM2S_SA, 0),
        ("MM2S_LENGTH", MM2S_LENGTH, 0),
        ("S2MM_DMACR", S2MM_DMACR, 0x0001_0002),
        ("S2MM_DMASR", S2MM_DMASR, 0x0001_0001),
        ("S2MM_DA", S2MM_DA, 0),
        ("S2MM_LENGTH", S2MM_LENGTH, 0),
    ] {
        assert_eq!(rig.r(offset), value, "{name} after a soft reset");
    }
    // And the channels work again.
    rig.transfer(1);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | ERR_IRQ), IDLE);
    assert_eq!(rig.unload(4), [101, 102, 103, 104]);
}

/// PG021 access types: DMASR bits other than IOC_Irq, Dly_Irq and Err_Irq are "RO"; DMACR bit 1 is
/// "Reserved, RO: always read as 1", bits 11:5 and 15 "Reserved, RO: read as zeros"; the LENGTH
/// registers' bits above the length field are "Reserved, RO: always read as zeros"; with 32-bit
/// addresses the _MSB registers do not exist (read 0).
#[test]
fn read_only_bits_ignore_writes() {
    let rig = rig();
    rig.w(MM2S_DMASR, 0xffff_ffff);
    assert_eq!(
        rig.r(MM2S_DMASR),
        0x0001_0001,
        "Halted, IRQThresholdSts and SGIncld are read-only"
    );
    rig.w(MM2S_DMACR, !RESET);
    assert_eq!(
        rig.r(MM2S_DMACR),
        0xffff_701b,
        "reserved bits 11:5 and 15 read 0, bit 1 reads 1"
    );
    rig.w(MM2S_DMACR, 0);
    assert_eq!(rig.r(MM2S_DMACR) & 0b10, 0b10, "bit 1 stays 1");
    rig.w(S2MM_DMACR, 0);
    rig.w(S2MM_LENGTH, 0xffff_ffff);
    assert_eq!(
        rig.r(S2MM_LENGTH),
        0x03ff_ffff,
        "C_SG_LENGTH_WIDTH = 26: bits 31:26 read 0"
    );
    rig.w(MM2S_SA_MSB, 0x1234_5678);
    rig.w(S2MM_DA_MSB, 0x1234_5678);
    assert_eq!(
        (rig.r(MM2S_SA_MSB), rig.r(S2MM_DA_MSB)),
        (0, 0),
        "no MSB registers on 32-bit addresses"
    );
    // An errored channel: writing everything but the W1C bits leaves the error and its interrupt.
    rig.w(MM2S_DMACR, RS);
    rig.w(MM2S_LENGTH, 0);
    let before = rig.r(MM2S_DMASR);
    rig.w(MM2S_DMASR, !(IOC_IRQ | (1 << 13) | ERR_IRQ));
    assert_eq!(rig.r(MM2S_DMASR), before, "DMAIntErr, Halted are read-only");
    assert_eq!(rig.board.stats().bad_register_accesses, 0);
}

/// PG021 LENGTH registers: "Width of Length field determined by Buffer Length Register Width
/// parameter. Minimum width is 8 bits (7 to 0) and maximum width is 26 bits (25 to 0)": a transfer
/// of 2^W bytes or more cannot be written (a length of 2^W reads as 0: DMAIntErr).
#[test]
fn the_length_registers_hold_c_sg_length_width_bits() {
    let options = Options {
        sg_length_width: 14,
        ..Options::default()
    };
    let rig = rig_with(options);
    rig.w(MM2S_LENGTH, 0xffff);
    assert_eq!(rig.r(MM2S_LENGTH), 0x3fff);
    rig.run_both();
    rig.w(MM2S_LENGTH, 1 << 14);
    assert_eq!(rig.r(MM2S_DMASR) & (DMA_INT_ERR | HALTED), DMA_INT_ERR | HALTED);
    for width in [7, 27] {
        let options = Options {
            sg_length_width: width,
            ..Options::default()
        };
        let err = VirtualBoard::with_options(spec(), Box::new(PlusOne), options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Argument);
        assert!(err.to_string().contains("C_SG_LENGTH_WIDTH"), "{err}");
    }
}

/// PG021 DMASR.DMASlvErr: the error occurs when the slave read from the Memory Map interface answers
/// with a Slave Error, and "this error condition causes the AXI DMA to halt gracefully". Injected
/// once; after a reset the next transfer works.
#[test]
fn a_slave_error_halts_the_channel_once() {
    let mut rig = rig();
    rig.board.inject(Fault::SlaveError(Channel::Mm2s)).unwrap();
    rig.transfer(1);
    assert_eq!(
        rig.r(MM2S_DMASR) & (DMA_SLV_ERR | ERR_IRQ | HALTED | IOC_IRQ),
        DMA_SLV_ERR | ERR_IRQ | HALTED
    );
    assert_eq!(
        rig.r(S2MM_DMASR) & (IDLE | HALTED),
        0,
        "S2MM waits for a packet that never comes"
    );
    rig.w(MM2S_DMACR, RESET);
    rig.transfer(1);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | ERR_IRQ), IDLE);
    assert_eq!(rig.unload(4), [101, 102, 103, 104]);

    let mut rig = crate::rig();
    rig.board.inject(Fault::SlaveError(Channel::S2mm)).unwrap();
    rig.board.inject(Fault::DecodeError(Channel::Mm2s)).unwrap();
    rig.transfer(1);
    assert_eq!(rig.r(MM2S_DMASR) & (DMA_DEC_ERR | HALTED), DMA_DEC_ERR | HALTED);
    rig.w(MM2S_DMACR, RESET);
    rig.transfer(1);
    assert_eq!(
        rig.r(S2MM_DMASR) & (DMA_SLV_ERR | HALTED),
        DMA_SLV_ERR | HALTED,
        "S2MM's turn"
    );
}

/// A transfer that never completes: Idle never comes, nothing else changes; PG021 RS = 0 flushes it
/// ("pending commands/transfers are flushed"), a soft reset too, and the next transfer works.
#[test]
fn a_hung_transfer_never_sets_idle() {
    let mut rig = rig();
    rig.board.inject(Fault::Hang(Channel::S2mm)).unwrap();
    rig.transfer(1);
    for _ in 0..100 {
        assert_eq!(rig.r(S2MM_DMASR) & (IDLE | HALTED | IOC_IRQ | ERR_IRQ), 0);
    }
    // A second length write to a busy channel is ignored.
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    assert_eq!(rig.board.stats().ignored_length_writes, 1);
    rig.w(S2MM_DMACR, 0);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | HALTED), HALTED, "RS = 0 halts it");
    rig.w(S2MM_DMACR, RESET);
    rig.transfer(1);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | ERR_IRQ), IDLE);
    assert_eq!(rig.unload(4), [101, 102, 103, 104]);
}

/// REFERENCE.md §4: a batch sent as one transfer has TLAST on its final beat only, and only the last
/// output word ends the receive transfer. A sample split across two MM2S transfers waits for its
/// rest (the IP reads whole samples); each transfer's TLAST ends an output packet, and what S2MM has
/// not taken waits on the stream for the next S2MM transfer.
#[test]
fn samples_are_whole_across_transfers_and_tlast_ends_the_packet() {
    let mut rig = rig();
    rig.load(&[10, 20, 30, 40, 50, 60, 70, 80]);
    rig.run_both();
    rig.w(S2MM_LENGTH, (4 * SAMPLE) as u32);
    // 4 bytes: two words of the first sample, TLAST on the second.
    rig.w(MM2S_LENGTH, 4);
    assert_eq!(rig.board.stats().ip_runs, 0, "no whole sample yet");
    assert_eq!(rig.r(S2MM_DMASR) & IDLE, 0);
    // The rest: words 3 and 4 of sample 1 and all of sample 2.
    rig.w(MM2S_DMASR, IOC_IRQ);
    rig.w(MM2S_SA, rig.input.phys_addr() as u32 + 4);
    rig.w(MM2S_LENGTH, 12);
    let stats = rig.board.stats();
    assert_eq!(
        (stats.samples, stats.mm2s_transfers, stats.unaligned_transfers),
        (2, 2, 0)
    );
    // Sample 1 carried a TLAST (on its second word): its output ends the packet after 4 words.
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | ERR_IRQ), IDLE);
    assert_eq!(rig.r(S2MM_LENGTH), SAMPLE as u32);
    assert_eq!(rig.unload(4), [11, 21, 31, 41]);
    assert_eq!(rig.board.stats().stream_words_waiting, 4, "sample 2's packet waits");
    rig.w(S2MM_DMASR, IOC_IRQ);
    rig.w(S2MM_DA, rig.output.phys_addr() as u32 + SAMPLE as u32);
    rig.w(S2MM_LENGTH, (4 * SAMPLE) as u32);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | IOC_IRQ), IDLE | IOC_IRQ);
    assert_eq!(rig.r(S2MM_LENGTH), SAMPLE as u32);
    assert_eq!(rig.unload(8), [11, 21, 31, 41, 51, 61, 71, 81]);
}

/// PG022 (the DataMover inside the DMA), "Unaligned Transfers": "Performing unaligned transfers when
/// DRE is disabled gives unpredictable results" — the block design builds the DMA without DRE, so the
/// model makes it visible: the data comes from the aligned address below, and the board counts it.
#[test]
fn unaligned_addresses_without_dre_give_wrong_data() {
    let mut rig = rig();
    rig.load(&[10, 20, 30, 40, 50, 60, 70, 80]);
    rig.run_both();
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    rig.w(MM2S_SA, rig.input.phys_addr() as u32 + 2);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(rig.r(S2MM_DMASR) & (IDLE | ERR_IRQ), IDLE);
    assert_eq!(rig.unload(4), [11, 21, 31, 41], "not [21, 31, 41, 51]");
    assert_eq!(rig.board.stats().unaligned_transfers, 1);
}

/// The device reads a buffer as of its last `sync_for_device`, the CPU sees the device's writes only
/// after `sync_for_cpu` (a Zynq-7000's HP ports are not coherent, REFERENCE.md §7).
#[test]
fn missing_cache_maintenance_shows() {
    let mut rig = rig();
    // Written but not flushed: the device reads zeros.
    rig.input.as_mut_slice()[..SAMPLE].copy_from_slice(&[5, 0, 6, 0, 7, 0, 8, 0]);
    rig.run_both();
    rig.w(S2MM_LENGTH, SAMPLE as u32);
    rig.w(MM2S_LENGTH, SAMPLE as u32);
    assert_eq!(rig.r(S2MM_DMASR) & IDLE, IDLE);
    // Not invalidated: the CPU still sees its own (zero) bytes.
    assert_eq!(&rig.output.as_slice()[..SAMPLE], &[0; SAMPLE]);
    assert_eq!(rig.unload(4), [1, 1, 1, 1], "the device computed on stale zeros");
    let stats = rig.board.stats();
    assert_eq!((stats.syncs_for_device, stats.syncs_for_cpu), (0, 1));
    assert_eq!((stats.mm2s_bytes, stats.s2mm_bytes), (SAMPLE as u64, SAMPLE as u64));
}

/// A loopback on the model alone: MM2S's stream goes straight to S2MM, memory is a vector.
struct Loopback {
    base: u64,
    memory: Vec<u8>,
    stream: VecDeque<Beat>,
    slave_error: bool,
}

impl DmaPorts for Loopback {
    fn read_memory(&mut self, addr: u64, buf: &mut [u8]) -> std::result::Result<(), BusError> {
        if self.slave_error {
            return Err(BusError::Slave);
        }
        let at = addr.checked_sub(self.base).ok_or(BusError::Decode)? as usize;
        let src = self.memory.get(at..at + buf.len()).ok_or(BusError::Decode)?;
        buf.copy_from_slice(src);
        Ok(())
    }

    fn write_memory(&mut self, addr: u64, data: &[u8]) -> std::result::Result<(), BusError> {
        let at = addr.checked_sub(self.base).ok_or(BusError::Decode)? as usize;
        let dst = self.memory.get_mut(at..at + data.len()).ok_or(BusError::Decode)?;
        dst.copy_from_slice(data);
        Ok(())
    }

    fn send(&mut self, beats: &[Beat]) {
        self.stream.extend(beats);
    }

    fn receive(&mut self) -> Option<Beat> {
        self.stream.pop_front()
    }

    fn reset(&mut self) {
        self.stream.clear();
    }
}

/// PG021 DMACR.IOC_IrqEn / Err_IrqEn: "When set to 1, allows DMASR.IOC_Irq [Err_Irq] to generate an
/// interrupt out"; with 64-bit addresses (C_ADDR_WIDTH > 32) the _MSB registers hold the upper half.
/// The model on its own, over a loopback and 64-bit words.
#[test]
fn the_model_alone_interrupts_and_uses_the_msb_registers() {
    let mut config = DmaConfig::new(64, 64);
    config.addr_width = 64;
    let mut dma = AxiDmaModel::new(config).unwrap();
    let base = 0x8_0000_0000u64;
    let mut ports = Loopback {
        base,
        memory: (0..64u8).collect(),
        stream: VecDeque::new(),
        slave_error: false,
    };
    dma.write(MM2S_DMACR, RS | IOC_IRQ_EN, &mut ports);
    dma.write(S2MM_DMACR, RS | ERR_IRQ_EN, &mut ports);
    dma.write(MM2S_SA, 0, &mut ports);
    dma.write(MM2S_SA_MSB, 8, &mut ports);
    dma.write(S2MM_DA, 32, &mut ports);
    dma.write(S2MM_DA_MSB, 8, &mut ports);
    assert_eq!(dma.read(MM2S_SA_MSB, &mut ports), 8);
    dma.write(S2MM_LENGTH, 32, &mut ports);
    dma.write(MM2S_LENGTH, 16, &mut ports);
    assert_eq!(&ports.memory[32..48], &(0..16u8).collect::<Vec<_>>()[..]);
    assert_eq!(dma.read(S2MM_LENGTH, &mut ports), 16, "two 64-bit beats received");
    assert!(dma.interrupt(Channel::Mm2s), "IOC with IOC_IrqEn");
    assert!(!dma.interrupt(Channel::S2mm), "IOC without IOC_IrqEn");
    dma.write(MM2S_DMASR, IOC_IRQ, &mut ports);
    assert!(!dma.interrupt(Channel::Mm2s), "cleared");
    // A slave error on the next read: Err_Irq without Err_IrqEn on MM2S raises nothing.
    ports.slave_error = true;
    dma.write(MM2S_LENGTH, 8, &mut ports);
    assert_eq!(
        dma.read(MM2S_DMASR, &mut ports) & (DMA_SLV_ERR | HALTED),
        DMA_SLV_ERR | HALTED
    );
    assert!(!dma.interrupt(Channel::Mm2s));
    // An S2MM decode error with Err_IrqEn raises the interrupt.
    dma.write(S2MM_DA_MSB, 0, &mut ports);
    dma.write(S2MM_DMASR, IOC_IRQ, &mut ports);
    dma.write(S2MM_LENGTH, 8, &mut ports);
    ports.stream.push_back(Beat { data: 1, last: true });
    assert_eq!(dma.read(S2MM_DMASR, &mut ports) & DMA_DEC_ERR, DMA_DEC_ERR);
    assert!(dma.interrupt(Channel::S2mm));
    let counts = dma.counts();
    assert_eq!((counts.mm2s_transfers, counts.s2mm_transfers, counts.errors), (1, 1, 2));
}
