//! The virtual board as a `Platform`: register blocks at the boards' addresses, locks, programming,
//! the `.bit`/`.hwh` it writes (read back here by hand, per REFERENCE.md §7 and the `.hwh` subset the
//! Zynq backend reads), DDR buffers with separate CPU and device views, the `axi_lite` and
//! `axi_master` control blocks (HLS `ap_ctrl_hs`), one-shot faults and the statistics.
//!
//! The IP is written here: output word `j` is input word `j` plus one.

use hls4ml_runtime::accel::{Family, Interface, Spec};
use hls4ml_runtime::bus::{BusLayout, WordType};
use hls4ml_runtime::fixed::FixedType;
use hls4ml_runtime::ip::{Beat, Ip};
use hls4ml_runtime::virtual_board::{Channel, Ddr, Fault, Options, VirtualBoard};
use hls4ml_runtime::{ErrorKind, Result};
use std::path::PathBuf;

/// Output word `j` = input word `j` (0 past the input's end) + 1, in the output's word width.
struct PlusOne {
    interface: Interface,
    input: BusLayout,
    output: BusLayout,
}

impl PlusOne {
    fn word(&self, inputs: &[u64], j: usize) -> u64 {
        let w = inputs.get(j).copied().unwrap_or(0).wrapping_add(1);
        if self.output.word_bits == 64 {
            w
        } else {
            w & ((1u64 << self.output.word_bits) - 1)
        }
    }
}

impl Ip for PlusOne {
    fn interface(&self) -> Interface {
        self.interface
    }

    fn stream(&mut self, input: &[Beat], output: &mut Vec<Beat>) -> Result<()> {
        for sample in input.chunks(self.input.values) {
            let words: Vec<u64> = sample.iter().map(|b| b.data).collect();
            let last = sample.iter().any(|b| b.last);
            for j in 0..self.output.values {
                output.push(Beat {
                    data: self.word(&words, j),
                    last: last && j + 1 == self.output.values,
                });
            }
        }
        Ok(())
    }

    fn lite(&mut self, input: &[u64], output: &mut [u64]) -> Result<()> {
        assert_eq!((input.len(), output.len()), (self.input.values, self.output.values));
        for (j, o) in output.iter_mut().enumerate() {
            *o = self.word(input, j);
        }
        Ok(())
    }

    fn master(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<()> {
        for s in 0..n {
            let words: Vec<u64> = (0..self.input.values)
                .map(|j| self.input.read_word(input, s * self.input.values + j))
                .collect();
            for j in 0..self.output.values {
                self.output
                    .write_word(output, s * self.output.values + j, self.word(&words, j));
            }
        }
        Ok(())
    }
}

fn fixed16(values: usize, min_bits: u32) -> BusLayout {
    BusLayout::new(WordType::Fixed(FixedType::fixed(16, 6)), values, min_bits).unwrap()
}

fn spec(family: Family, interface: Interface, input: BusLayout, output: BusLayout) -> Spec {
    Spec {
        name: "toy".into(),
        board: if family == Family::Zynq7000 {
            "pynq-z2"
        } else {
            "zcu102"
        }
        .into(),
        family,
        interface,
        input,
        output,
        clock_period_ns: 10.0,
    }
}

fn board_for(spec: Spec) -> VirtualBoard {
    let ip = PlusOne {
        interface: spec.interface,
        input: spec.input,
        output: spec.output,
    };
    VirtualBoard::new(spec, Box::new(ip))
}

fn board(family: Family, interface: Interface) -> VirtualBoard {
    let min = if interface == Interface::AxiLite { 32 } else { 8 };
    board_for(spec(family, interface, fixed16(4, min), fixed16(4, min)))
}

/// A fresh folder under the system's temporary directory.
fn fresh_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-virtual-board-{}", std::process::id()))
        .join(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn register_blocks_sit_at_the_boards_addresses() {
    for (family, interface, good, other) in [
        (Family::Zynq7000, Interface::AxiStream, 0x4040_0000, 0x43c0_0000),
        (Family::Zynq7000, Interface::AxiLite, 0x43c0_0000, 0x4040_0000),
        (Family::Zynq7000, Interface::AxiMaster, 0x43c0_0000, 0x4040_0000),
        (Family::ZynqMp, Interface::AxiStream, 0xa000_0000, 0xa001_0000),
        (Family::ZynqMp, Interface::AxiLite, 0xa001_0000, 0xa000_0000),
        (Family::ZynqMp, Interface::AxiMaster, 0xa001_0000, 0xa000_0000),
    ] {
        let board = board(family, interface);
        let mut p = board.platform();
        assert!(p.describe().contains("virtual board"), "{}", p.describe());
        let regs = p.map_registers(good, 0x1_0000).unwrap();
        assert_eq!(regs.len(), 0x1_0000);
        for (base, len) in [(other, 0x1_0000), (good + 0x1000, 0x1000), (good, 0), (good, 0x1_0001)] {
            let err = p.map_registers(base, len).err().unwrap();
            assert!(
                matches!(err.kind(), ErrorKind::Hardware | ErrorKind::Argument),
                "{family:?} {interface:?} {base:#x}+{len:#x}: {err}"
            );
            assert!(err.to_string().contains(&format!("{base:#x}")), "{err}");
        }
    }
    // Accesses outside the mapping or off 32-bit alignment are counted, not performed.
    let board = board(Family::Zynq7000, Interface::AxiStream);
    let regs = board.platform().map_registers(0x4040_0000, 0x100).unwrap();
    assert_eq!(regs.read32(0x100), 0);
    regs.write32(0x02, 1);
    assert_eq!(regs.read32(0x00), 0x0001_0002);
    assert_eq!(board.stats().bad_register_accesses, 2);
}

#[test]
fn a_second_lock_is_busy_until_the_first_is_dropped() {
    let board = board(Family::Zynq7000, Interface::AxiStream);
    let mut first = board.platform();
    let mut second = board.clone().platform();
    let guard = first.lock(0x4040_0000).unwrap();
    let err = second.lock(0x4040_0000).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Busy, "{err}");
    let err = first.lock(0x4040_0000).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Busy, "from the same platform too: {err}");
    let other = second.lock(0x43c0_0000).unwrap();
    drop(guard);
    let again = second.lock(0x4040_0000).unwrap();
    drop((other, again));
}

/// A `.bit` read by hand per REFERENCE.md §7: the preamble, keys a–d (2-byte big-endian length,
/// NUL-terminated string), key e (4-byte big-endian length, data).
struct BitFile {
    fields: Vec<(u8, String)>,
    data: Vec<u8>,
}

fn read_bit(bytes: &[u8]) -> BitFile {
    assert_eq!(
        &bytes[..13],
        &[0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01]
    );
    let mut at = 13;
    let mut fields = Vec::new();
    for key in [b'a', b'b', b'c', b'd'] {
        assert_eq!(bytes[at], key, "key {} at {at}", key as char);
        let len = u16::from_be_bytes([bytes[at + 1], bytes[at + 2]]) as usize;
        let text = &bytes[at + 3..at + 3 + len];
        assert_eq!(text.last(), Some(&0), "NUL-terminated");
        fields.push((key, String::from_utf8(text[..len - 1].to_vec()).unwrap()));
        at += 3 + len;
    }
    assert_eq!(bytes[at], b'e');
    let len = u32::from_be_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), at + 5 + len, "the data runs to the end of the file");
    BitFile {
        fields,
        data: bytes[at + 5..].to_vec(),
    }
}

/// The `.bin`: the data with each 32-bit word byte-swapped.
fn swap_words(data: &[u8]) -> Vec<u8> {
    data.chunks(4)
        .flat_map(|w| w.iter().rev().copied().collect::<Vec<_>>())
        .collect()
}

#[test]
fn the_bit_file_has_the_header_of_reference_7() {
    for (family, part) in [
        (Family::Zynq7000, "xc7z020clg400"),
        (Family::ZynqMp, "xczu9eg-ffvb1156-2-e"),
    ] {
        let board = board(family, Interface::AxiStream);
        let dir = fresh_dir(&format!("bit-{family:?}"));
        let (bit, hwh) = board.write_design(&dir).unwrap();
        assert_eq!((bit.clone(), hwh), (dir.join("toy.bit"), dir.join("toy.hwh")));
        let file = read_bit(&std::fs::read(&bit).unwrap());
        assert!(file.fields[0].1.starts_with("design_1_wrapper"), "{:?}", file.fields[0]);
        assert_eq!(file.fields[1].1, part);
        let date: Vec<u32> = file.fields[2].1.split('/').map(|x| x.parse().unwrap()).collect();
        assert!(date.len() == 3 && date[0] >= 2024 && (1..=12).contains(&date[1]) && (1..=31).contains(&date[2]));
        let time: Vec<u32> = file.fields[3].1.split(':').map(|x| x.parse().unwrap()).collect();
        assert!(
            time.len() == 3 && time[0] < 24 && time[1] < 60 && time[2] < 60,
            "{:?}",
            file.fields[3]
        );
        assert_eq!(file.data.len() % 4, 0);
        assert!(
            file.data.windows(4).any(|w| w == [0xaa, 0x99, 0x55, 0x66]),
            "the sync word"
        );
    }
}

#[test]
fn programming_takes_the_bin_of_the_boards_design() {
    let board = board(Family::Zynq7000, Interface::AxiStream);
    let mut p = board.platform();
    for (bad, what) in [
        (vec![], "empty"),
        (vec![1, 2, 3], "whole number of 32-bit words"),
        (
            vec![
                0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01, 0x61, 0, 0,
            ],
            ".bit",
        ),
    ] {
        let err = p.program(&bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Bitstream);
        assert!(err.to_string().contains(what), "{err}");
    }
    assert_eq!(board.programmed(), None);
    // Before a design is written, any .bin is taken.
    p.program(&[0x66, 0x55, 0x99, 0xaa]).unwrap();
    let dir = fresh_dir("program");
    let (bit, _) = board.write_design(&dir).unwrap();
    let bin = swap_words(&read_bit(&std::fs::read(bit).unwrap()).data);
    assert!(
        bin.windows(4).any(|w| w == [0x66, 0x55, 0x99, 0xaa]),
        "the sync word, byte-swapped"
    );
    let mut wrong = bin.clone();
    wrong[100] ^= 1;
    let err = p.program(&wrong).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Bitstream);
    assert!(err.to_string().contains("byte 100"), "{err}");
    let err = p
        .program(&read_bit(&std::fs::read(dir.join("toy.bit")).unwrap()).data)
        .unwrap_err();
    assert!(
        err.to_string().contains("differ"),
        "the data without the byte swap: {err}"
    );
    // Programming resets the PL.
    let regs = p.map_registers(0x4040_0000, 0x1_0000).unwrap();
    regs.write32(0x00, 1);
    assert_eq!(regs.read32(0x04) & 1, 0, "running");
    p.program(&bin).unwrap();
    assert_eq!(regs.read32(0x04), 0x0001_0001, "halted again after programming");
    assert_eq!(board.programmed(), Some(bin));
    assert_eq!(board.stats().programs, 2);
}

/// Tags of an XML text are balanced (a small check, enough for files written line by line).
fn assert_balanced(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').unwrap() + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap();
        if let Some(name) = name.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(name), "closing {name}");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

/// The `<REGISTER>` lines of a `.hwh`: (name, offset, size in bits).
fn registers(hwh: &str) -> Vec<(String, u64, u64)> {
    let attr = |line: &str, key: &str| -> String {
        let at = line.find(key).unwrap() + key.len();
        line[at..].split('"').nth(1).unwrap().to_string()
    };
    hwh.lines()
        .filter(|l| l.trim_start().starts_with("<REGISTER "))
        .map(|l| {
            let offset = attr(l, "\"ADDRESS_OFFSET\" VALUE=");
            let offset = u64::from_str_radix(offset.trim_start_matches("0x"), 16).unwrap();
            let size = attr(l, "\"SIZE\" VALUE=").parse().unwrap();
            (attr(l, "REGISTER NAME="), offset, size)
        })
        .collect()
}

#[test]
fn the_hwh_describes_the_board() {
    // axi_stream on pynq-z2, 16-bit words: the DMA with stream widths 16 and memory widths 32.
    let dir = fresh_dir("hwh-stream");
    let (_, hwh) = board(Family::Zynq7000, Interface::AxiStream)
        .write_design(&dir)
        .unwrap();
    let text = std::fs::read_to_string(hwh).unwrap();
    assert_balanced(&text);
    for needle in [
        r#"MODTYPE="processing_system7""#,
        r#"<PARAMETER NAME="PCW_FPGA0_PERIPHERAL_FREQMHZ" VALUE="100"/>"#,
        r#"BASEVALUE="0x40400000""#,
        r#"HIGHVALUE="0x4040FFFF""#,
        r#"INSTANCE="hier_0_axi_dma_0""#,
        r#"FULLNAME="/hier_0/axi_dma_0""#,
        r#"MODTYPE="axi_dma" VLNV="xilinx.com:ip:axi_dma:7.1""#,
        r#"<PARAMETER NAME="C_INCLUDE_SG" VALUE="0"/>"#,
        r#"<PARAMETER NAME="C_SG_LENGTH_WIDTH" VALUE="26"/>"#,
        r#"<PARAMETER NAME="C_M_AXIS_MM2S_TDATA_WIDTH" VALUE="16"/>"#,
        r#"<PARAMETER NAME="C_S_AXIS_S2MM_TDATA_WIDTH" VALUE="16"/>"#,
        r#"<PARAMETER NAME="C_M_AXI_MM2S_DATA_WIDTH" VALUE="32"/>"#,
        r#"<PARAMETER NAME="C_M_AXI_S2MM_DATA_WIDTH" VALUE="32"/>"#,
        r#"MODTYPE="toy_axi" VLNV="xilinx.com:hls:toy_axi:1.0""#,
        r#"ARCH="zynq""#,
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert!(
        !text.contains("ADDRESSBLOCKS") && !text.contains("0x43C00000"),
        "ap_ctrl_none: no registers"
    );

    // 64-bit words in, 8-bit out on zcu102.
    let wide = BusLayout::new(WordType::Double, 3, 8).unwrap();
    let narrow = BusLayout::new(WordType::Fixed(FixedType::fixed(6, 2)), 2, 8).unwrap();
    let dir = fresh_dir("hwh-zcu102");
    let (_, hwh) = board_for(spec(Family::ZynqMp, Interface::AxiStream, wide, narrow))
        .write_design(&dir)
        .unwrap();
    let text = std::fs::read_to_string(hwh).unwrap();
    assert_balanced(&text);
    for needle in [
        r#"MODTYPE="zynq_ultra_ps_e""#,
        r#"<PARAMETER NAME="PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ" VALUE="100"/>"#,
        r#"MASTERBUSINTERFACE="M_AXI_HPM0_FPD""#,
        r#"BASEVALUE="0xA0000000""#,
        r#"<PARAMETER NAME="C_M_AXIS_MM2S_TDATA_WIDTH" VALUE="64"/>"#,
        r#"<PARAMETER NAME="C_M_AXI_MM2S_DATA_WIDTH" VALUE="64"/>"#,
        r#"<PARAMETER NAME="C_S_AXIS_S2MM_TDATA_WIDTH" VALUE="8"/>"#,
        r#"<PARAMETER NAME="C_M_AXI_S2MM_DATA_WIDTH" VALUE="32"/>"#,
        r#"ARCH="zynquplus""#,
        r#"DEVICE="xczu9eg" NAME="design_1" PACKAGE="ffvb1156" SPEEDGRADE="-2""#,
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }

    // axi_lite with the dimensions of the .hwh example (16 words in, 5 out, 32 bits): in_r at 0x40
    // (512 bits), out_r at 0x80 (160 bits) — where HLS put them there.
    let dir = fresh_dir("hwh-lite");
    let (_, hwh) = board_for(spec(
        Family::Zynq7000,
        Interface::AxiLite,
        fixed16(16, 32),
        fixed16(5, 32),
    ))
    .write_design(&dir)
    .unwrap();
    let text = std::fs::read_to_string(hwh).unwrap();
    assert_balanced(&text);
    assert!(text.contains(r#"BASEVALUE="0x43C00000""#) && text.contains(r#"SLAVEBUSINTERFACE="s_axi_control""#));
    assert!(!text.contains("axi_dma"), "no DMA on axi_lite");
    let expected = [("CTRL", 0x00, 32), ("in_r", 0x40, 512), ("out_r", 0x80, 160)];
    let expected: Vec<(String, u64, u64)> = expected.iter().map(|&(n, o, s)| (n.to_string(), o, s)).collect();
    assert_eq!(registers(&text), expected);

    // axi_master: the pinned offsets of hls4ml_codegen::accel::master_regs.
    let dir = fresh_dir("hwh-master");
    let (_, hwh) = board(Family::ZynqMp, Interface::AxiMaster).write_design(&dir).unwrap();
    let text = std::fs::read_to_string(hwh).unwrap();
    assert_balanced(&text);
    assert!(text.contains(r#"BASEVALUE="0xA0010000""#), "{text}");
    let expected = [
        ("CTRL", 0x00, 32),
        ("in_r", 0x10, 64),
        ("out_r", 0x1c, 64),
        ("n", 0x28, 32),
    ];
    let expected: Vec<(String, u64, u64)> = expected.iter().map(|&(n, o, s)| (n.to_string(), o, s)).collect();
    assert_eq!(registers(&text), expected);

    // Alveo has no .bit/.hwh.
    let alveo = board(Family::Alveo, Interface::AxiMaster);
    assert_eq!(alveo.write_design(&dir).unwrap_err().kind(), ErrorKind::Argument);
}

#[test]
fn ddr_buffers_keep_the_cpu_and_device_views_apart() {
    let board = board(Family::Zynq7000, Interface::AxiStream);
    let mut p = board.platform();
    let ddr = board.ddr();
    assert_eq!((ddr.base(), ddr.size()), (0x1000_0000, 64 << 20));
    let mut a = p.alloc_dma(10).unwrap();
    let b = p.alloc_dma(1).unwrap();
    for buf in [&a, &b] {
        assert_eq!(buf.phys_addr() % 64, 0, "64-byte aligned");
        assert!(ddr.contains(buf.phys_addr(), buf.len() as u64));
    }
    assert!(b.phys_addr() >= a.phys_addr() + 10, "no overlap");
    assert_eq!((a.len(), b.len()), (10, 1));

    a.as_mut_slice().copy_from_slice(b"0123456789");
    let mut device = [0u8; 10];
    ddr.read(a.phys_addr(), &mut device).unwrap();
    assert_eq!(device, [0; 10], "not flushed: the device sees nothing");
    a.sync_for_device(2, 3).unwrap();
    ddr.read(a.phys_addr(), &mut device).unwrap();
    assert_eq!(
        device,
        [0, 0, b'2', b'3', b'4', 0, 0, 0, 0, 0],
        "only the flushed range"
    );
    ddr.write(a.phys_addr(), b"abcdefghij").unwrap();
    assert_eq!(
        a.as_slice(),
        b"0123456789",
        "not invalidated: the CPU sees its own bytes"
    );
    a.sync_for_cpu(5, 5).unwrap();
    assert_eq!(a.as_slice(), b"01234fghij");
    let stats = board.stats();
    assert_eq!(
        (
            stats.syncs_for_device,
            stats.syncs_for_cpu,
            stats.bytes_synced_for_device,
            stats.bytes_synced_for_cpu
        ),
        (1, 1, 3, 5)
    );

    for err in [
        a.sync_for_device(8, 3).unwrap_err(),
        a.sync_for_cpu(usize::MAX, 2).unwrap_err(),
        p.alloc_dma(0).err().unwrap(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Argument, "{err}");
    }
    let err = p.alloc_dma(64 << 20).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("left"), "{err}");
    assert!(
        ddr.read(0x1400_0000 - 2, &mut [0; 4]).is_err(),
        "past the end of the DDR"
    );

    // A DDR elsewhere and smaller.
    let options = Options {
        ddr_base: 0x2000_0000,
        ddr_size: 4096,
        ..Options::default()
    };
    let small = VirtualBoard::with_options(
        spec(Family::Zynq7000, Interface::AxiStream, fixed16(4, 8), fixed16(4, 8)),
        Box::new(PlusOne {
            interface: Interface::AxiStream,
            input: fixed16(4, 8),
            output: fixed16(4, 8),
        }),
        options,
    )
    .unwrap();
    let mut p = small.platform();
    assert_eq!(p.alloc_dma(4000).unwrap().phys_addr(), 0x2000_0000);
    assert_eq!(p.alloc_dma(100).err().unwrap().kind(), ErrorKind::Io);
    for (base, size) in [(0x4040_0000 - 0x1000, 0x2000), (0x1000, 0)] {
        let options = Options {
            ddr_base: base,
            ddr_size: size,
            ..Options::default()
        };
        let ip = PlusOne {
            interface: Interface::AxiStream,
            input: fixed16(4, 8),
            output: fixed16(4, 8),
        };
        let spec = spec(Family::Zynq7000, Interface::AxiStream, fixed16(4, 8), fixed16(4, 8));
        assert!(VirtualBoard::with_options(spec, Box::new(ip), options).is_err());
    }
    assert!(Ddr::new(0x1000_0001, 10).is_err(), "unaligned base");
}

const CTRL: usize = 0x00;
const AP_START: u32 = 1;
const AP_DONE: u32 = 1 << 1;
const AP_IDLE: u32 = 1 << 2;
const AP_READY: u32 = 1 << 3;

#[test]
fn axi_lite_runs_one_sample_per_start() {
    let board = board_for(spec(
        Family::Zynq7000,
        Interface::AxiLite,
        fixed16(16, 32),
        fixed16(5, 32),
    ));
    let regs = board.platform().map_registers(0x43c0_0000, 0x1_0000).unwrap();
    assert_eq!(regs.read32(CTRL), AP_IDLE, "after reset: idle");
    for j in 0..16 {
        regs.write32(0x40 + 4 * j, 1000 + j as u32);
    }
    regs.write32(0x80, 7); // out_r is the IP's: the processor's write has no effect
    regs.write32(0x08, 1); // IER: ap_done
    regs.write32(CTRL, AP_START);
    assert_eq!(regs.read32(CTRL), AP_DONE | AP_IDLE | AP_READY, "done; ap_start taken");
    assert_eq!(
        regs.read32(CTRL),
        AP_IDLE,
        "ap_done and ap_ready are cleared by the read"
    );
    let out: Vec<u32> = (0..5).map(|j| regs.read32(0x80 + 4 * j)).collect();
    assert_eq!(out, [1001, 1002, 1003, 1004, 1005]);
    assert_eq!(regs.read32(0x40 + 4 * 15), 1015, "in_r reads back");
    assert_eq!(regs.read32(0x0c), 1, "ISR: ap_done");
    regs.write32(0x0c, 1);
    assert_eq!(regs.read32(0x0c), 0, "ISR toggles on write");
    let stats = board.stats();
    assert_eq!((stats.ip_runs, stats.samples), (1, 1));

    // 64-bit words take two registers, low half first: 2 words in at 0x10, 2 out at 0x20.
    let wide = BusLayout::new(WordType::Double, 2, 32).unwrap();
    let board = board_for(spec(Family::ZynqMp, Interface::AxiLite, wide, wide));
    let regs = board.platform().map_registers(0xa001_0000, 0x1_0000).unwrap();
    let words = [0x1234_5678_9abc_def0u64, u64::MAX];
    for (j, w) in words.iter().enumerate() {
        regs.write32(0x10 + 8 * j, *w as u32);
        regs.write32(0x14 + 8 * j, (*w >> 32) as u32);
    }
    regs.write32(CTRL, AP_START);
    assert_eq!(regs.read32(CTRL) & AP_DONE, AP_DONE);
    let read = |j: usize| regs.read32(0x20 + 8 * j) as u64 | (regs.read32(0x24 + 8 * j) as u64) << 32;
    assert_eq!([read(0), read(1)], [0x1234_5678_9abc_def1, 0]);
}

#[test]
fn axi_master_reads_and_writes_the_ddr() {
    let board = board(Family::Zynq7000, Interface::AxiMaster);
    let mut p = board.platform();
    let regs = p.map_registers(0x43c0_0000, 0x1_0000).unwrap();
    let mut input = p.alloc_dma(3 * 8).unwrap();
    let mut output = p.alloc_dma(3 * 8).unwrap();
    for i in 0..12u16 {
        input.as_mut_slice()[2 * i as usize..2 * i as usize + 2].copy_from_slice(&(500 + i).to_le_bytes());
    }
    input.sync_for_device(0, 24).unwrap();
    let start = |n: u32, in_addr: u64, out_addr: u64| {
        regs.write32(0x10, in_addr as u32);
        regs.write32(0x14, (in_addr >> 32) as u32);
        regs.write32(0x1c, out_addr as u32);
        regs.write32(0x20, (out_addr >> 32) as u32);
        regs.write32(0x28, n);
        regs.write32(CTRL, AP_START);
    };
    start(3, input.phys_addr(), output.phys_addr());
    assert_eq!(regs.read32(CTRL) & (AP_DONE | AP_IDLE), AP_DONE | AP_IDLE);
    output.sync_for_cpu(0, 24).unwrap();
    let out: Vec<u16> = output
        .as_slice()
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    assert_eq!(out, (501..513).collect::<Vec<u16>>());
    assert_eq!(regs.read32(0x28), 3, "n reads back");
    assert_eq!(board.stats().samples, 3);

    // An input address outside the DDR: the m_axi read fails, ap_done never comes.
    start(1, 0x100, output.phys_addr());
    for _ in 0..100 {
        assert_eq!(regs.read32(CTRL) & (AP_DONE | AP_IDLE), 0);
    }
    let errors = board.stats().ip_errors;
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("0x100") && errors[0].contains("outside the DDR"),
        "{errors:?}"
    );
    // The next start works.
    start(1, input.phys_addr(), output.phys_addr());
    assert_eq!(regs.read32(CTRL) & AP_DONE, AP_DONE);
}

#[test]
fn faults_apply_once() {
    // IpHang: the next start never completes, the one after does.
    let board = board(Family::Zynq7000, Interface::AxiLite);
    let regs = board.platform().map_registers(0x43c0_0000, 0x1_0000).unwrap();
    board.inject(Fault::IpHang).unwrap();
    regs.write32(CTRL, AP_START);
    for _ in 0..100 {
        assert_eq!(regs.read32(CTRL) & (AP_DONE | AP_IDLE), 0);
    }
    regs.write32(CTRL, AP_START);
    assert_eq!(regs.read32(CTRL) & AP_DONE, AP_DONE);

    // Faults that do not fit the board are refused.
    for fault in [
        Fault::DecodeError(Channel::Mm2s),
        Fault::SlaveError(Channel::S2mm),
        Fault::Hang(Channel::Mm2s),
        Fault::ShortPacket { words: 2 },
    ] {
        assert_eq!(
            board.inject(fault).unwrap_err().kind(),
            ErrorKind::Argument,
            "{fault:?}"
        );
    }
    let stream = self::board(Family::Zynq7000, Interface::AxiStream);
    for fault in [Fault::IpHang, Fault::ShortPacket { words: 0 }] {
        assert_eq!(
            stream.inject(fault).unwrap_err().kind(),
            ErrorKind::Argument,
            "{fault:?}"
        );
    }
}

#[test]
fn a_spec_the_board_cannot_build_fails_at_first_use() {
    let odd = BusLayout {
        word: WordType::Fixed(FixedType::fixed(24, 6)),
        word_bits: 24,
        values: 2,
    };
    let s = spec(Family::Zynq7000, Interface::AxiStream, odd, odd);
    let board = board_for(s.clone());
    let mut p = board.platform();
    let err = p.map_registers(0x4040_0000, 0x1_0000).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Hardware);
    assert!(err.to_string().contains("C_M_AXIS_MM2S_TDATA_WIDTH = 24"), "{err}");
    assert_eq!(p.program(&[0; 4]).unwrap_err().kind(), ErrorKind::Hardware);
    let ip = PlusOne {
        interface: Interface::AxiStream,
        input: odd,
        output: odd,
    };
    assert!(VirtualBoard::with_options(s, Box::new(ip), Options::default()).is_err());
}
