//! The files the Zynq backend reads: `.bit` (and `.bin`) bitstreams and the `.hwh` hardware handoff.
//! The `.bit` here is assembled byte by byte from the format's description, not by the writer under
//! test; Debian's `bootgen` cross-checks the `.bin` conversion when it is installed.

use hls4ml_runtime::zynq::bitstream::{Bitstream, PREAMBLE};
use hls4ml_runtime::zynq::hwh::Hwh;
use hls4ml_runtime::ErrorKind;
use std::path::PathBuf;

fn fresh_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-zynq-files-{}", std::process::id()))
        .join(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Configuration data as a `.bit` holds it: dummy words, the sync word 0xAA995566, a NOOP, then
/// some counting bytes.
fn config_data() -> Vec<u8> {
    let mut d = vec![0xFF; 16];
    d.extend_from_slice(&[0x00, 0x00, 0x00, 0xBB, 0x11, 0x22, 0x00, 0x44]);
    d.extend_from_slice(&[0xAA, 0x99, 0x55, 0x66, 0x20, 0x00, 0x00, 0x00]);
    d.extend(0u8..32);
    d
}

/// A `.bit`, byte by byte: preamble, fields a–d (2-byte big-endian length, text, NUL), field e
/// (4-byte big-endian length, data).
fn hand_made_bit() -> Vec<u8> {
    let mut b = vec![
        0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01,
    ];
    for (key, text) in [
        (b'a', "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1"),
        (b'b', "7z020clg400"),
        (b'c', "2026/11/21"),
        (b'd', "10:00:00"),
    ] {
        b.push(key);
        let len = text.len() as u16 + 1;
        b.push((len >> 8) as u8);
        b.push(len as u8);
        b.extend_from_slice(text.as_bytes());
        b.push(0);
    }
    let data = config_data();
    b.push(b'e');
    b.extend_from_slice(&(data.len() as u32).to_be_bytes());
    b.extend_from_slice(&data);
    b
}

#[test]
fn a_hand_made_bit_parses_into_its_fields_and_writes_back_identically() {
    let bytes = hand_made_bit();
    let bit = Bitstream::parse(&bytes).unwrap();
    assert_eq!(bit.design, "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1");
    assert_eq!(bit.design_name(), "design_1_wrapper");
    assert_eq!(bit.part, "7z020clg400");
    assert_eq!(bit.date, "2026/11/21");
    assert_eq!(bit.time, "10:00:00");
    assert_eq!(bit.data, config_data());
    assert_eq!(bit.write(), bytes);
    assert_eq!(&bytes[..13], &PREAMBLE);
}

#[test]
fn the_bin_form_swaps_the_bytes_of_every_32_bit_word() {
    let bin = Bitstream::parse(&hand_made_bit()).unwrap().to_bin();
    assert_eq!(bin.len(), config_data().len());
    assert_eq!(&bin[..4], &[0xFF; 4]);
    assert_eq!(&bin[16..20], &[0xBB, 0x00, 0x00, 0x00]);
    assert_eq!(&bin[20..24], &[0x44, 0x00, 0x22, 0x11]);
    // The sync word 0xAA995566 as the FPGA manager reads it, and the NOOP 0x20000000.
    assert_eq!(&bin[24..28], &[0x66, 0x55, 0x99, 0xAA]);
    assert_eq!(&bin[28..32], &[0x00, 0x00, 0x00, 0x20]);
    assert_eq!(&bin[32..36], &[3, 2, 1, 0]);
    assert_eq!(&bin[60..64], &[31, 30, 29, 28]);
}

#[test]
fn the_bin_form_agrees_with_bootgen() {
    let found = std::process::Command::new("bootgen").arg("-help").output().is_ok();
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("bootgen (Debian's xilinx-bootgen) is missing, and CI=true");
        }
        eprintln!("SKIPPED: bootgen is not installed (apt install xilinx-bootgen)");
        return;
    }
    let dir = fresh_dir("bootgen");
    std::fs::write(dir.join("design.bit"), hand_made_bit()).unwrap();
    std::fs::write(dir.join("design.bif"), "all:\n{\n  design.bit\n}\n").unwrap();
    let out = std::process::Command::new("bootgen")
        .args([
            "-image",
            "design.bif",
            "-arch",
            "zynq",
            "-process_bitstream",
            "bin",
            "-w",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let theirs = std::fs::read(dir.join("design.bit.bin")).unwrap();
    let ours = Bitstream::read(&dir.join("design.bit")).unwrap().to_bin();
    // bootgen pads the data to 32 bytes with (byte-swapped) NOOP words.
    assert_eq!(&theirs[..ours.len()], &ours[..]);
    for pad in theirs[ours.len()..].chunks(4) {
        assert_eq!(pad, [0x00, 0x00, 0x00, 0x20]);
    }
}

#[test]
fn a_bin_file_is_taken_as_it_is() {
    let dir = fresh_dir("bin");
    let bin = Bitstream::parse(&hand_made_bit()).unwrap().to_bin();
    let path = dir.join("design.bin");
    std::fs::write(&path, &bin).unwrap();
    assert_eq!(Bitstream::read(&path).unwrap().to_bin(), bin);
    // Not whole words: refused.
    std::fs::write(&path, &bin[..bin.len() - 1]).unwrap();
    assert_eq!(Bitstream::read(&path).unwrap_err().kind(), ErrorKind::Bitstream);
    // A .bit without the header is not taken as raw data.
    let bad = dir.join("design.bit");
    std::fs::write(&bad, &bin).unwrap();
    let e = Bitstream::read(&bad).unwrap_err();
    assert!(
        e.message().contains("not a .bit file") && e.message().contains("design.bit"),
        "{e}"
    );
    let e = Bitstream::read(&dir.join("absent.bit")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("absent.bit"), "{e}");
}

#[test]
fn every_truncation_of_a_bit_is_an_error_naming_an_offset() {
    let bytes = hand_made_bit();
    for len in 0..bytes.len() {
        let e = Bitstream::parse(&bytes[..len]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Bitstream, "{len}: {e}");
        let m = e.message();
        assert!(
            m.contains("offset") || m.contains("too short"),
            "truncated to {len}: {m}"
        );
    }
}

#[test]
fn corrupt_headers_say_where_and_what_was_expected() {
    let good = hand_made_bit();
    let a_len_at = 14; // key a at 13, its length at 14..16
    let e_at = good.len() - config_data().len() - 5;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            {
                let mut b = good.clone();
                b[3] = 0;
                b
            },
            "expected the preamble",
        ),
        (
            {
                let mut b = good.clone();
                b[a_len_at] = 0xFF;
                b
            },
            "field a (design name) at offset 13 says",
        ),
        (
            {
                let mut b = good.clone();
                b[13] = b'x';
                b
            },
            "offset 13 holds byte 0x78, expected a field key",
        ),
        (
            {
                let mut b = good.clone();
                b[e_at + 1] = 0x7F;
                b
            },
            "field e (the data)",
        ),
        (
            {
                let mut b = good.clone();
                b.extend_from_slice(&[0, 0, 0, 0]);
                b
            },
            "follow the end of the data",
        ),
        (
            {
                // The NUL ending field a replaced.
                let mut b = good.clone();
                let len = u16::from_be_bytes([b[14], b[15]]) as usize;
                b[16 + len - 1] = b'!';
                b
            },
            "is not NUL",
        ),
        (
            {
                // Data of 3 bytes: not whole words.
                let mut b = good[..e_at].to_vec();
                b.extend_from_slice(&[b'e', 0, 0, 0, 3, 1, 2, 3]);
                b
            },
            "32-bit configuration words",
        ),
        (
            {
                // Field e straight after the preamble.
                let mut b = PREAMBLE.to_vec();
                b.extend_from_slice(&[b'e', 0, 0, 0, 4, 1, 2, 3, 4]);
                b
            },
            "comes before field a",
        ),
    ];
    for (bytes, want) in cases {
        let e = Bitstream::parse(&bytes).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Bitstream);
        assert!(e.message().contains(want), "wanted {want:?} in: {e}");
    }
}

#[test]
fn random_corruption_never_panics() {
    let good = hand_made_bit();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    for _ in 0..5000 {
        let mut b = good.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() % b.len() as u64) as usize;
            b[i] = next() as u8;
        }
        let cut = (next() % (b.len() as u64 + 1)) as usize;
        b.truncate(cut.max(b.len() / 2));
        if let Err(e) = Bitstream::parse(&b) {
            assert_eq!(e.kind(), ErrorKind::Bitstream);
            errors += 1;
        }
    }
    assert!(errors > 1000, "only {errors} mutants were refused");
}

/// The `.hwh` of a pynq-z2 axi_stream design of `jet_tagger`, as Vivado writes it.
const PYNQ_HWH: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<EDKSYSTEM EDWVERSION="1.2" TIMESTAMP="Sat Nov 21 10:00:00 2026" VIVADOVERSION="2020.1">
  <SYSTEMINFO ARCH="zynq" BOARD="tul.com.tw:pynq-z2:part0:1.0" DEVICE="7z020" NAME="design_1" PACKAGE="clg400" SPEEDGRADE="-1"/>
  <MODULES>
    <MODULE FULLNAME="/processing_system7_0" INSTANCE="processing_system7_0" IPTYPE="PERIPHERAL" MODTYPE="processing_system7" VLNV="xilinx.com:ip:processing_system7:5.5">
      <PARAMETERS>
        <PARAMETER NAME="PCW_FPGA0_PERIPHERAL_FREQMHZ" VALUE="100"/>
      </PARAMETERS>
      <MEMORYMAP>
        <MEMRANGE ADDRESSBLOCK="Reg" BASENAME="C_BASEADDR" BASEVALUE="0x40400000" HIGHNAME="C_HIGHADDR" HIGHVALUE="0x4040FFFF" INSTANCE="hier_0_axi_dma_0" IS_DATA="TRUE" IS_INSTRUCTION="TRUE" MASTERBUSINTERFACE="M_AXI_GP0" MEMTYPE="REGISTER" SLAVEBUSINTERFACE="S_AXI_LITE"/>
        <MEMRANGE ADDRESSBLOCK="Reg" BASENAME="C_S_AXI_CONTROL_BASEADDR" BASEVALUE="0x43C00000" HIGHNAME="C_S_AXI_CONTROL_HIGHADDR" HIGHVALUE="0x43C0FFFF" INSTANCE="hier_0_jet_tagger_axi_0" IS_DATA="TRUE" IS_INSTRUCTION="TRUE" MASTERBUSINTERFACE="M_AXI_GP0" MEMTYPE="REGISTER" SLAVEBUSINTERFACE="s_axi_control"/>
      </MEMORYMAP>
    </MODULE>
    <MODULE FULLNAME="/hier_0/axi_dma_0" INSTANCE="hier_0_axi_dma_0" IPTYPE="PERIPHERAL" MODTYPE="axi_dma" VLNV="xilinx.com:ip:axi_dma:7.1">
      <PARAMETERS>
        <PARAMETER NAME="C_INCLUDE_SG" VALUE="0"/>
        <PARAMETER NAME="C_SG_LENGTH_WIDTH" VALUE="26"/>
        <PARAMETER NAME="C_M_AXI_MM2S_DATA_WIDTH" VALUE="32"/>
        <PARAMETER NAME="C_M_AXIS_MM2S_TDATA_WIDTH" VALUE="32"/>
        <PARAMETER NAME="C_M_AXI_S2MM_DATA_WIDTH" VALUE="32"/>
        <PARAMETER NAME="C_S_AXIS_S2MM_TDATA_WIDTH" VALUE="32"/>
      </PARAMETERS>
    </MODULE>
    <MODULE FULLNAME="/hier_0/jet_tagger_axi_0" INSTANCE="hier_0_jet_tagger_axi_0" IPTYPE="PERIPHERAL" MODTYPE="jet_tagger_axi" VLNV="xilinx.com:hls:jet_tagger_axi:1.0">
      <PARAMETERS>
        <PARAMETER NAME="C_S_AXI_CONTROL_ADDR_WIDTH" VALUE="7"/>
      </PARAMETERS>
      <ADDRESSBLOCKS>
        <ADDRESSBLOCK ACCESS="read-write" INTERFACE="s_axi_control" NAME="Reg" RANGE="65536" USAGE="register">
          <REGISTERS>
            <REGISTER NAME="CTRL"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="0x00"/><PROPERTY NAME="SIZE" VALUE="32"/></REGISTER>
            <REGISTER NAME="in_r"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="0x40"/><PROPERTY NAME="SIZE" VALUE="512"/></REGISTER>
            <REGISTER NAME="out_r"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="0x80"/><PROPERTY NAME="SIZE" VALUE="160"/></REGISTER>
          </REGISTERS>
        </ADDRESSBLOCK>
      </ADDRESSBLOCKS>
    </MODULE>
  </MODULES>
</EDKSYSTEM>
"#;

/// A zcu102 axi_master design: decimal values, the MPSoC's clock parameter, no DMA.
const ZCU102_HWH: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<EDKSYSTEM EDWVERSION="1.2" VIVADOVERSION="2020.1">
  <SYSTEMINFO ARCH="zynquplus" DEVICE="xczu9eg" NAME="design_1" PACKAGE="ffvb1156" SPEEDGRADE="-2"/>
  <MODULES>
    <MODULE FULLNAME="/zynq_ultra_ps_e_0" INSTANCE="zynq_ultra_ps_e_0" MODTYPE="zynq_ultra_ps_e" VLNV="xilinx.com:ip:zynq_ultra_ps_e:3.3">
      <PARAMETERS>
        <PARAMETER NAME="PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ" VALUE="99.999001"/>
      </PARAMETERS>
      <MEMORYMAP>
        <MEMRANGE BASEVALUE="2684420096" HIGHVALUE="2684485631" INSTANCE="hier_0_jet_tagger_axi_0" MASTERBUSINTERFACE="M_AXI_HPM0_FPD" MEMTYPE="REGISTER"/>
      </MEMORYMAP>
    </MODULE>
    <MODULE FULLNAME="/hier_0/jet_tagger_axi_0" INSTANCE="hier_0_jet_tagger_axi_0" MODTYPE="jet_tagger_axi" VLNV="xilinx.com:hls:jet_tagger_axi:1.0">
      <ADDRESSBLOCKS>
        <ADDRESSBLOCK INTERFACE="s_axi_control" NAME="Reg">
          <REGISTERS>
            <REGISTER NAME="CTRL"><PROPERTIES><PROPERTY NAME="ADDRESS_OFFSET" VALUE="0"/><PROPERTY NAME="SIZE" VALUE="32"/></PROPERTIES></REGISTER>
            <REGISTER NAME="in_r"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="16"/><PROPERTY NAME="SIZE" VALUE="64"/></REGISTER>
            <REGISTER NAME="out_r"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="28"/><PROPERTY NAME="SIZE" VALUE="64"/></REGISTER>
            <REGISTER NAME="n"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="40"/><PROPERTY NAME="SIZE" VALUE="32"/></REGISTER>
          </REGISTERS>
        </ADDRESSBLOCK>
      </ADDRESSBLOCKS>
    </MODULE>
  </MODULES>
</EDKSYSTEM>
"#;

#[test]
fn the_pynq_hwh_gives_the_dma_and_ip_bases_widths_registers_and_clock() {
    let hwh = Hwh::parse(PYNQ_HWH).unwrap();
    assert_eq!(
        (hwh.design.as_str(), hwh.arch.as_str(), hwh.device.as_str()),
        ("design_1", "zynq", "7z020")
    );
    let dma = hwh.find_dma().unwrap();
    assert_eq!(dma.fullname, "/hier_0/axi_dma_0");
    assert_eq!((dma.base, dma.high, dma.range()), (0x4040_0000, 0x4040_FFFF, 0x1_0000));
    for p in [
        "C_M_AXI_MM2S_DATA_WIDTH",
        "C_M_AXIS_MM2S_TDATA_WIDTH",
        "C_M_AXI_S2MM_DATA_WIDTH",
        "C_S_AXIS_S2MM_TDATA_WIDTH",
    ] {
        assert_eq!(dma.param_u64(p).unwrap(), Some(32), "{p}");
    }
    assert_eq!(dma.param_u64("C_SG_LENGTH_WIDTH").unwrap(), Some(26));
    assert_eq!(dma.param("C_INCLUDE_SG"), Some("0"));
    let ip = hwh.find_ip("jet_tagger_axi").unwrap();
    assert_eq!((ip.base, ip.high), (0x43C0_0000, 0x43C0_FFFF));
    let regs: Vec<(&str, u64, u64)> = ip
        .registers
        .iter()
        .map(|r| (r.name.as_str(), r.offset, r.size_bits))
        .collect();
    assert_eq!(regs, [("CTRL", 0, 32), ("in_r", 0x40, 512), ("out_r", 0x80, 160)]);
    assert_eq!(ip.register("out_r").unwrap().offset, 0x80);
    assert_eq!(hwh.pl_clock_mhz(), Some(100.0));
}

#[test]
fn the_zcu102_hwh_reads_decimal_values_nested_properties_and_the_mpsoc_clock() {
    let hwh = Hwh::parse(ZCU102_HWH).unwrap();
    assert_eq!(hwh.arch, "zynquplus");
    let ip = hwh.find_ip_with_registers("jet_tagger_axi").unwrap();
    assert_eq!((ip.base, ip.high), (0xA001_0000, 0xA001_FFFF));
    let offsets: Vec<u64> = ip.registers.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [0x00, 0x10, 0x1c, 0x28]);
    assert_eq!(hwh.pl_clock_mhz(), Some(99.999001));
    let e = hwh.find_dma().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    assert!(
        e.message()
            .starts_with("no axi_dma in design_1.hwh; modules present: /zynq_ultra_ps_e_0 (zynq_ultra_ps_e), /hier_0/jet_tagger_axi_0 (jet_tagger_axi)"),
        "{e}"
    );
}

#[test]
fn the_ip_is_found_by_vlnv_when_its_module_type_differs() {
    let text = PYNQ_HWH.replace("MODTYPE=\"jet_tagger_axi\"", "MODTYPE=\"something_else\"");
    let hwh = Hwh::parse(&text).unwrap();
    assert_eq!(hwh.find_ip("jet_tagger_axi").unwrap().base, 0x43C0_0000);
}

#[test]
fn missing_pieces_are_errors_that_say_what_is_there() {
    let hwh = Hwh::parse(PYNQ_HWH).unwrap();
    let e = hwh.find_ip("other_model_axi").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Hardware);
    assert!(e.message().contains("no other_model_axi in design_1.hwh"), "{e}");
    assert!(e.message().contains("/hier_0/axi_dma_0 (axi_dma)"), "{e}");

    // The DMA without an address in the processor's memory map.
    let text = PYNQ_HWH.replace(
        "INSTANCE=\"hier_0_axi_dma_0\" IS_DATA",
        "INSTANCE=\"elsewhere\" IS_DATA",
    );
    let e = Hwh::parse(&text).unwrap().find_dma().unwrap_err();
    assert!(
        e.message().contains("has no address") && e.message().contains("hier_0_axi_dma_0"),
        "{e}"
    );

    // Two DMAs, neither in hier_0.
    let text = PYNQ_HWH.replace("/hier_0/axi_dma_0", "/axi_dma_a").replacen(
        "<MODULE FULLNAME=\"/axi_dma_a\"",
        "<MODULE FULLNAME=\"/axi_dma_b\" INSTANCE=\"b\" MODTYPE=\"axi_dma\"/>\n<MODULE FULLNAME=\"/axi_dma_a\"",
        1,
    );
    let e = Hwh::parse(&text).unwrap().find_dma().unwrap_err();
    assert!(e.message().contains("2 axi_dma cores"), "{e}");

    for (text, want) in [
        (PYNQ_HWH.replace("0x4040FFFF", "0x4040ZZZZ"), "not an address"),
        (PYNQ_HWH.replace("VALUE=\"0x80\"", "VALUE=\"eighty\""), "not a number"),
        (
            PYNQ_HWH.replace("<PROPERTY NAME=\"SIZE\" VALUE=\"160\"/>", ""),
            "has no SIZE",
        ),
        (PYNQ_HWH.replace("</MODULES>", ""), "malformed XML at line"),
        (PYNQ_HWH.replace("EDKSYSTEM", "SOMETHING"), "not a hardware handoff"),
        ("<EDKSYSTEM/>".to_string(), "no <MODULES>"),
        (String::new(), "no root element"),
    ] {
        let e = Hwh::parse(&text).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Hardware);
        assert!(e.message().contains(want), "wanted {want:?} in: {e}");
    }
}

#[test]
fn a_hwh_file_read_from_disk_is_named_in_messages() {
    let dir = fresh_dir("hwh");
    let path = dir.join("jet_tagger.hwh");
    std::fs::write(&path, PYNQ_HWH.replace("MODTYPE=\"axi_dma\"", "MODTYPE=\"axi_fifo\"")).unwrap();
    let e = Hwh::read(&path).unwrap().find_dma().unwrap_err();
    assert!(e.message().contains("jet_tagger.hwh"), "{e}");
    let e = Hwh::read(&dir.join("absent.hwh")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("absent.hwh"), "{e}");
}
