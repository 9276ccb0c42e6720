//! The virtual board's "design": the `.bit` and `.hwh` files a Vivado build would leave for it, so
//! the Zynq backend can open it exactly as it opens a real one.
//!
//! The `.bit` is a header (13-byte preamble, then fields `a` design name, `b` part, `c` date,
//! `d` time — each a 2-byte big-endian length and a NUL-terminated string — and `e`, a 4-byte
//! big-endian length followed by the configuration data). Its data is a stand-in (the words that
//! open a real configuration stream — dummy words, bus-width detection, sync word — then words
//! derived from the design), not a configuration of any device. The `.hwh` describes the board's
//! modules, address map, DMA parameters and the IP's registers.

use crate::accel::{Family, Interface, Spec};
use crate::error::{Error, ErrorKind, Result};
use crate::virtual_board::control::{lite_layout, MASTER_ADDR_WIDTH, MASTER_IN, MASTER_N, MASTER_OUT};
use crate::virtual_board::dma::DmaConfig;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The 13 bytes every `.bit` file starts with.
pub const BIT_PREAMBLE: [u8; 13] = [
    0x00, 0x09, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x0f, 0xf0, 0x00, 0x00, 0x01,
];

/// Size of each register block in the address map (64 KiB).
pub const BLOCK_SIZE: u64 = 0x1_0000;

/// What the files describe.
pub(crate) struct Design<'a> {
    pub spec: &'a Spec,
    pub dma_base: u64,
    pub ip_base: u64,
    pub dma: DmaConfig,
}

/// The device part written into the `.bit` header.
pub fn part(family: Family) -> Option<&'static str> {
    match family {
        Family::Zynq7000 => Some("xc7z020clg400"),
        Family::ZynqMp => Some("xczu9eg-ffvb1156-2-e"),
        Family::Alveo => None,
    }
}

/// A calendar date and time (UTC).
struct Stamp {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: usize,
}

impl Stamp {
    fn now() -> Stamp {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar, eras of 400 years).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Stamp {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem / 60 % 60) as u32,
            second: (rem % 60) as u32,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as usize,
        }
    }

    fn hwh(&self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {} {:2} {:02}:{:02}:{:02} {}",
            DAYS[self.weekday],
            MONTHS[self.month as usize - 1],
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.year
        )
    }
}

/// The configuration data of the design (big-endian 32-bit words, as in a `.bit`).
pub(crate) fn bit_data(design: &Design) -> Vec<u8> {
    let mut words: Vec<u32> = vec![0xffff_ffff; 8];
    // Bus-width detection pattern, two dummy words, the sync word, then NOOPs.
    words.extend([0x0000_00bb, 0x1122_0044, 0xffff_ffff, 0xffff_ffff, 0xaa99_5566]);
    words.extend([0x2000_0000; 4]);
    // Words that depend on the design (FNV-1a over its description), so two designs differ.
    let description = format!(
        "{}|{}|{}|{:?}|{:?}|{:#x}|{:#x}",
        design.spec.name,
        design.spec.board,
        design.spec.interface.as_str(),
        design.spec.input,
        design.spec.output,
        design.dma_base,
        design.ip_base
    );
    let mut h: u32 = 0x811c_9dc5;
    for _ in 0..64 {
        for b in description.bytes() {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        words.push(h);
    }
    words.extend([0x2000_0000; 4]);
    words.iter().flat_map(|w| w.to_be_bytes()).collect()
}

/// The `.bin` of configuration data: each 32-bit word byte-swapped.
pub(crate) fn bin_of(data: &[u8]) -> Vec<u8> {
    data.chunks(4)
        .flat_map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            w.reverse();
            w
        })
        .collect()
}

fn bit_field(out: &mut Vec<u8>, key: u8, text: &str) {
    out.push(key);
    out.extend(((text.len() + 1) as u16).to_be_bytes());
    out.extend(text.as_bytes());
    out.push(0);
}

fn bit_file(design: &Design, part: &str, stamp: &Stamp) -> Vec<u8> {
    let data = bit_data(design);
    let mut out = BIT_PREAMBLE.to_vec();
    bit_field(&mut out, b'a', "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1");
    bit_field(&mut out, b'b', part);
    bit_field(
        &mut out,
        b'c',
        &format!("{:04}/{:02}/{:02}", stamp.year, stamp.month, stamp.day),
    );
    bit_field(
        &mut out,
        b'd',
        &format!("{:02}:{:02}:{:02}", stamp.hour, stamp.minute, stamp.second),
    );
    out.push(b'e');
    out.extend((data.len() as u32).to_be_bytes());
    out.extend(data);
    out
}

/// `s` with the XML special characters escaped, for an attribute value.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn mhz(period_ns: f64) -> String {
    let f = 1000.0 / period_ns;
    if (f - f.round()).abs() < 1e-9 {
        format!("{}", f.round() as u64)
    } else {
        format!("{f:.6}")
    }
}

fn hwh_file(design: &Design, stamp: &Stamp) -> Result<String> {
    let spec = design.spec;
    let ip = spec.ip_name();
    let ip_instance = format!("hier_0_{ip}_0");
    let dma_instance = "hier_0_axi_dma_0";
    let (arch, device, package, speed, board, ps_instance, ps_type, ps_vlnv, clock_param, master) = match spec.family {
        Family::Zynq7000 => (
            "zynq",
            "7z020",
            "clg400",
            "-1",
            "tul.com.tw:pynq-z2:part0:1.0",
            "processing_system7_0",
            "processing_system7",
            "xilinx.com:ip:processing_system7:5.5",
            "PCW_FPGA0_PERIPHERAL_FREQMHZ",
            "M_AXI_GP0",
        ),
        Family::ZynqMp => (
            "zynquplus",
            "xczu9eg",
            "ffvb1156",
            "-2",
            "xilinx.com:zcu102:part0:3.3",
            "zynq_ultra_ps_e_0",
            "zynq_ultra_ps_e",
            "xilinx.com:ip:zynq_ultra_ps_e:3.3",
            "PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ",
            "M_AXI_HPM0_FPD",
        ),
        Family::Alveo => {
            return Err(Error::new(
                ErrorKind::Argument,
                "the virtual board is a Zynq board; an Alveo design has no .hwh",
            ))
        }
    };
    let stream = spec.interface == Interface::AxiStream;
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8" standalone="no" ?>"#);
    let _ = writeln!(
        s,
        r#"<EDKSYSTEM EDWVERSION="1.2" TIMESTAMP="{}" VIVADOVERSION="2020.1">"#,
        stamp.hwh()
    );
    let _ = writeln!(
        s,
        r#"  <SYSTEMINFO ARCH="{arch}" BOARD="{board}" DEVICE="{device}" NAME="design_1" PACKAGE="{package}" SPEEDGRADE="{speed}"/>"#
    );
    s.push_str("  <MODULES>\n");
    // The processing system: its clock, and the address map of its master port.
    let _ = writeln!(
        s,
        r#"    <MODULE FULLNAME="/{ps_instance}" INSTANCE="{ps_instance}" IPTYPE="PERIPHERAL" MODTYPE="{ps_type}" VLNV="{ps_vlnv}">"#
    );
    let _ = writeln!(
        s,
        "      <PARAMETERS>\n        <PARAMETER NAME=\"{clock_param}\" VALUE=\"{}\"/>\n      </PARAMETERS>",
        mhz(spec.clock_period_ns)
    );
    s.push_str("      <MEMORYMAP>\n");
    let range = |s: &mut String, instance: &str, base: u64, basename: &str, highname: &str, slave: &str| {
        let _ = writeln!(
            s,
            r#"        <MEMRANGE ADDRESSBLOCK="Reg" BASENAME="{basename}" BASEVALUE="{base:#010X}" HIGHNAME="{highname}" HIGHVALUE="{:#010X}" INSTANCE="{}" IS_DATA="TRUE" IS_INSTRUCTION="TRUE" MASTERBUSINTERFACE="{master}" MEMTYPE="REGISTER" SLAVEBUSINTERFACE="{slave}"/>"#,
            base + BLOCK_SIZE - 1,
            xml(instance)
        );
    };
    if stream {
        range(
            &mut s,
            dma_instance,
            design.dma_base,
            "C_BASEADDR",
            "C_HIGHADDR",
            "S_AXI_LITE",
        );
    } else {
        range(
            &mut s,
            &ip_instance,
            design.ip_base,
            "C_S_AXI_CONTROL_BASEADDR",
            "C_S_AXI_CONTROL_HIGHADDR",
            "s_axi_control",
        );
    }
    s.push_str("      </MEMORYMAP>\n    </MODULE>\n");
    if stream {
        let d = &design.dma;
        let _ = writeln!(
            s,
            r#"    <MODULE FULLNAME="/hier_0/axi_dma_0" INSTANCE="{dma_instance}" IPTYPE="PERIPHERAL" MODTYPE="axi_dma" VLNV="xilinx.com:ip:axi_dma:7.1">"#
        );
        s.push_str("      <PARAMETERS>\n");
        for (name, value) in [
            ("C_INCLUDE_SG", 0),
            ("C_SG_LENGTH_WIDTH", d.length_width),
            ("C_ADDR_WIDTH", d.addr_width),
            ("C_M_AXI_MM2S_DATA_WIDTH", d.mm2s_memory_bits),
            ("C_M_AXIS_MM2S_TDATA_WIDTH", d.mm2s_stream_bits),
            ("C_M_AXI_S2MM_DATA_WIDTH", d.s2mm_memory_bits),
            ("C_S_AXIS_S2MM_TDATA_WIDTH", d.s2mm_stream_bits),
            ("C_INCLUDE_MM2S_DRE", 0),
            ("C_INCLUDE_S2MM_DRE", 0),
        ] {
            let _ = writeln!(s, r#"        <PARAMETER NAME="{name}" VALUE="{value}"/>"#);
        }
        s.push_str("      </PARAMETERS>\n    </MODULE>\n");
    }
    let _ = writeln!(
        s,
        r#"    <MODULE FULLNAME="/hier_0/{ip}_0" INSTANCE="{ip_instance}" IPTYPE="PERIPHERAL" MODTYPE="{ip}" VLNV="xilinx.com:hls:{ip}:1.0">"#,
        ip = xml(&ip),
        ip_instance = xml(&ip_instance)
    );
    if !stream {
        let mut registers: Vec<(&str, usize, usize)> = vec![("CTRL", 0, 32)];
        let addr_width = match spec.interface {
            Interface::AxiLite => {
                let l = lite_layout(spec);
                registers.push(("in_r", l.in_offset, l.in_bytes * 8));
                registers.push(("out_r", l.out_offset, l.out_bytes * 8));
                l.addr_width
            }
            _ => {
                registers.push(("in_r", MASTER_IN, 64));
                registers.push(("out_r", MASTER_OUT, 64));
                registers.push(("n", MASTER_N, 32));
                MASTER_ADDR_WIDTH
            }
        };
        let _ = writeln!(
            s,
            "      <PARAMETERS>\n        <PARAMETER NAME=\"C_S_AXI_CONTROL_ADDR_WIDTH\" VALUE=\"{addr_width}\"/>\n      </PARAMETERS>"
        );
        let _ = writeln!(
            s,
            "      <ADDRESSBLOCKS>\n        <ADDRESSBLOCK ACCESS=\"read-write\" INTERFACE=\"s_axi_control\" NAME=\"Reg\" RANGE=\"{BLOCK_SIZE}\" USAGE=\"register\">\n          <REGISTERS>"
        );
        for (name, offset, size) in registers {
            let _ = writeln!(
                s,
                r#"            <REGISTER NAME="{name}"><PROPERTY NAME="ADDRESS_OFFSET" VALUE="{offset:#04x}"/><PROPERTY NAME="SIZE" VALUE="{size}"/></REGISTER>"#
            );
        }
        s.push_str("          </REGISTERS>\n        </ADDRESSBLOCK>\n      </ADDRESSBLOCKS>\n");
    }
    s.push_str("    </MODULE>\n  </MODULES>\n</EDKSYSTEM>\n");
    Ok(s)
}

/// Writes `<dir>/<P>.bit` and `<dir>/<P>.hwh`; returns their paths and the `.bin` the board expects
/// to be programmed with.
pub(crate) fn write(design: &Design, dir: &Path) -> Result<(PathBuf, PathBuf, Vec<u8>)> {
    let Some(part) = part(design.spec.family) else {
        return Err(Error::new(
            ErrorKind::Argument,
            "the virtual board is a Zynq board; an Alveo design has no .bit/.hwh",
        ));
    };
    let stamp = Stamp::now();
    let hwh = hwh_file(design, &stamp)?;
    let bit = bit_file(design, part, &stamp);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let bit_path = dir.join(format!("{}.bit", design.spec.name));
    let hwh_path = dir.join(format!("{}.hwh", design.spec.name));
    std::fs::write(&bit_path, &bit).map_err(|e| Error::io(format!("writing {}", bit_path.display()), e))?;
    std::fs::write(&hwh_path, hwh).map_err(|e| Error::io(format!("writing {}", hwh_path.display()), e))?;
    Ok((bit_path, hwh_path, bin_of(&bit_data(design))))
}
