//! The boards hls4ml targets, and custom boards of a known family.

/// The device family of a board: what processor sits next to the PL and how data reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Zynq-7000: `processing_system7`, Cortex-A9 (armv7), data through `S_AXI_HP0`.
    Zynq7000,
    /// Zynq UltraScale+ MPSoC: `zynq_ultra_ps_e`, Cortex-A53 (aarch64), data through `S_AXI_HPC0_FPD`.
    ZynqMp,
    /// Alveo data-center card: an x86 host over PCIe with XRT; the kernel linked by `v++`.
    Alveo,
}

impl Family {
    /// The TOML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Zynq7000 => "zynq7000",
            Family::ZynqMp => "zynqmp",
            Family::Alveo => "alveo",
        }
    }

    /// All families, for messages.
    pub const ALL: [Family; 3] = [Family::Zynq7000, Family::ZynqMp, Family::Alveo];

    /// The processor's IP in the Vivado catalog (`vendor:library:name`; the version is the one the
    /// Vivado at hand has), for the Zynq families.
    pub fn processor_ip(self) -> Option<&'static str> {
        match self {
            Family::Zynq7000 => Some("xilinx.com:ip:processing_system7"),
            Family::ZynqMp => Some("xilinx.com:ip:zynq_ultra_ps_e"),
            Family::Alveo => None,
        }
    }

    /// The processor's slave port the accelerator's data goes through into DDR: `S_AXI_HP0`
    /// (Zynq-7000, not cache-coherent) or `S_AXI_HPC0_FPD` (Zynq UltraScale+, coherent).
    pub fn data_port(self) -> Option<&'static str> {
        match self {
            Family::Zynq7000 => Some("S_AXI_HP0"),
            Family::ZynqMp => Some("S_AXI_HPC0_FPD"),
            Family::Alveo => None,
        }
    }

    /// The processor's master port that reaches the PL's control registers: `M_AXI_GP0` or
    /// `M_AXI_HPM0_FPD`.
    pub fn control_port(self) -> Option<&'static str> {
        match self {
            Family::Zynq7000 => Some("M_AXI_GP0"),
            Family::ZynqMp => Some("M_AXI_HPM0_FPD"),
            Family::Alveo => None,
        }
    }

    /// The processor's first PL clock output: `FCLK_CLK0` or `pl_clk0`.
    pub fn pl_clock_pin(self) -> Option<&'static str> {
        match self {
            Family::Zynq7000 => Some("FCLK_CLK0"),
            Family::ZynqMp => Some("pl_clk0"),
            Family::Alveo => None,
        }
    }

    /// The processor's PL reset output (active low): `FCLK_RESET0_N` or `pl_resetn0`.
    pub fn pl_reset_pin(self) -> Option<&'static str> {
        match self {
            Family::Zynq7000 => Some("FCLK_RESET0_N"),
            Family::ZynqMp => Some("pl_resetn0"),
            Family::Alveo => None,
        }
    }
}

/// A board: its part and how the design is put together on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// `pynq-z2`, `zcu102`, `alveo-u50`, … or a custom name.
    pub name: String,
    /// The device family.
    pub family: Family,
    /// The FPGA part as Vivado projects spell it, e.g. `xc7z020clg400-1`.
    pub part: String,
    /// Vivado board part (Zynq boards), e.g. `tul.com.tw:pynq-z2:part0:1.0`.
    pub board_part: Option<String>,
    /// Alveo shell platform, e.g. `xilinx_u50_gen3x16_xdma_201920_3`.
    pub platform: Option<String>,
    /// True for the six boards the crate knows; false for a custom board from the TOML.
    pub known: bool,
}

impl Board {
    /// The memory an Alveo kernel's buffers live in, as `v++ --link` names it: `HBM[0]` on the
    /// HBM cards (U50, U280, and custom cards whose part is an HBM device: `xcu50`, `xcu55`,
    /// `xcu280`), `DDR[0]` on the others (U200, U250). `None` for Zynq boards.
    pub fn memory_bank(&self) -> Option<&'static str> {
        if self.family != Family::Alveo {
            return None;
        }
        let part = self.part.to_ascii_lowercase();
        let hbm = ["xcu50", "xcu55", "xcu280"].iter().any(|p| part.starts_with(p));
        Some(if hbm { "HBM[0]" } else { "DDR[0]" })
    }
}

/// A board the crate knows.
struct KnownBoard {
    name: &'static str,
    family: Family,
    part: &'static str,
    board_part: Option<&'static str>,
    platform: Option<&'static str>,
}

const KNOWN: &[KnownBoard] = &[
    KnownBoard {
        name: "pynq-z2",
        family: Family::Zynq7000,
        part: "xc7z020clg400-1",
        board_part: Some("tul.com.tw:pynq-z2:part0:1.0"),
        platform: None,
    },
    KnownBoard {
        name: "zcu102",
        family: Family::ZynqMp,
        part: "xczu9eg-ffvb1156-2-e",
        board_part: Some("xilinx.com:zcu102:part0:3.3"),
        platform: None,
    },
    KnownBoard {
        name: "alveo-u50",
        family: Family::Alveo,
        part: "xcu50-fsvh2104-2-e",
        board_part: None,
        platform: Some("xilinx_u50_gen3x16_xdma_201920_3"),
    },
    KnownBoard {
        name: "alveo-u200",
        family: Family::Alveo,
        part: "xcu200-fsgd2104-2-e",
        board_part: None,
        platform: Some("xilinx_u200_xdma_201830_2"),
    },
    KnownBoard {
        name: "alveo-u250",
        family: Family::Alveo,
        part: "xcu250-figd2104-2L-e",
        board_part: None,
        platform: Some("xilinx_u250_xdma_201830_2"),
    },
    KnownBoard {
        name: "alveo-u280",
        family: Family::Alveo,
        part: "xcu280-fsvh2892-2L-e",
        board_part: None,
        platform: Some("xilinx_u280_xdma_201920_3"),
    },
];

/// The names of the boards the crate knows.
pub fn known_names() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().map(|b| b.name)
}

/// A board the crate knows, by name.
pub fn known(name: &str) -> Option<Board> {
    KNOWN.iter().find(|b| b.name == name).map(|b| Board {
        name: b.name.to_string(),
        family: b.family,
        part: b.part.to_string(),
        board_part: b.board_part.map(str::to_string),
        platform: b.platform.map(str::to_string),
        known: true,
    })
}

/// Parts are spelled `xc7z020clg400-1` in Vivado projects and `xc7z020-clg400-1` in HLS reports:
/// compare them with the dash before the package removed, case-insensitively.
pub fn same_part(a: &str, b: &str) -> bool {
    normalize_part(a) == normalize_part(b)
}

fn normalize_part(p: &str) -> String {
    // Removing every dash is enough: real part names never differ only by where a dash stands.
    p.trim().to_ascii_lowercase().replace('-', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_a_part_compare_equal() {
        assert!(same_part("xc7z020clg400-1", "xc7z020-clg400-1"));
        assert!(same_part("xczu9eg-ffvb1156-2-e", "xczu9egffvb1156-2-e"));
        assert!(!same_part("xc7z020clg400-1", "xc7z010clg400-1"));
        assert!(!same_part("xc7z020clg400-1", "xc7z020clg400-2"));
    }

    #[test]
    fn six_boards_are_known() {
        assert_eq!(known_names().count(), 6);
        assert_eq!(known("zcu102").unwrap().family, Family::ZynqMp);
        assert!(known("pynq-z1").is_none());
    }

    #[test]
    fn alveo_buffers_go_to_the_cards_own_memory() {
        let bank = |name: &str| known(name).unwrap().memory_bank();
        assert_eq!(bank("alveo-u50"), Some("HBM[0]"));
        assert_eq!(bank("alveo-u280"), Some("HBM[0]"));
        assert_eq!(bank("alveo-u200"), Some("DDR[0]"));
        assert_eq!(bank("alveo-u250"), Some("DDR[0]"));
        assert_eq!(bank("pynq-z2"), None);
        assert_eq!(Family::ZynqMp.data_port(), Some("S_AXI_HPC0_FPD"));
        assert_eq!(Family::Alveo.processor_ip(), None);
    }
}
