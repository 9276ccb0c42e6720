//! Vivado's hardware handoff (`.hwh`): which IP cores the block design holds, where the processor
//! sees their registers, their parameters (the DMA's stream widths) and the register maps HLS wrote
//! for its cores. The subset PYNQ reads, and nothing more.
//!
//! ```
//! use hls4ml_runtime::zynq::hwh::Hwh;
//! let hwh = Hwh::parse(r#"<EDKSYSTEM><SYSTEMINFO NAME="design_1" ARCH="zynq"/><MODULES>
//!   <MODULE FULLNAME="/processing_system7_0" INSTANCE="processing_system7_0" MODTYPE="processing_system7">
//!     <PARAMETERS><PARAMETER NAME="PCW_FPGA0_PERIPHERAL_FREQMHZ" VALUE="100"/></PARAMETERS>
//!     <MEMORYMAP><MEMRANGE INSTANCE="axi_dma_0" BASEVALUE="0x40400000" HIGHVALUE="0x4040FFFF"/></MEMORYMAP>
//!   </MODULE>
//!   <MODULE FULLNAME="/hier_0/axi_dma_0" INSTANCE="axi_dma_0" MODTYPE="axi_dma">
//!     <PARAMETERS><PARAMETER NAME="C_SG_LENGTH_WIDTH" VALUE="26"/></PARAMETERS>
//!   </MODULE>
//! </MODULES></EDKSYSTEM>"#).unwrap();
//! let dma = hwh.find_dma().unwrap();
//! assert_eq!((dma.base, dma.high), (0x4040_0000, 0x4040_FFFF));
//! assert_eq!(dma.param_u64("C_SG_LENGTH_WIDTH").unwrap(), Some(26));
//! assert_eq!(hwh.pl_clock_mhz(), Some(100.0));
//! ```

use super::xml::{self, Element};
use crate::error::{Error, ErrorKind, Result};
use std::path::Path;

/// The PS parameters that give the first PL clock's frequency in MHz (Zynq-7000, then MPSoC).
const PL_CLOCK_PARAMS: [&str; 4] = [
    "PCW_FPGA0_PERIPHERAL_FREQMHZ",
    "PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ",
    "PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ",
    "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ",
];

/// The processor cores' module types: their memory maps are what the CPU sees.
const PS_MODTYPES: [&str; 2] = ["processing_system7", "zynq_ultra_ps_e"];

/// One register an HLS core declares (`ADDRESSBLOCK/REGISTERS/REGISTER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    /// Its name (`CTRL`, `in_r`, `out_r`, `n`).
    pub name: String,
    /// Byte offset from the core's base.
    pub offset: u64,
    /// Size in bits (an array of registers is one entry of `32 × count` bits).
    pub size_bits: u64,
}

/// One `MODULE` of the design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Hierarchical name (`/hier_0/axi_dma_0`).
    pub fullname: String,
    /// Instance name (`hier_0_axi_dma_0`).
    pub instance: String,
    /// Module type (`axi_dma`, `jet_tagger_axi`).
    pub modtype: String,
    /// Vendor:library:name:version (`xilinx.com:ip:axi_dma:7.1`).
    pub vlnv: String,
    /// `PARAMETERS/PARAMETER` name–value pairs, in order.
    pub parameters: Vec<(String, String)>,
    /// The registers its address blocks declare (HLS cores).
    pub registers: Vec<Register>,
    /// The lowest address of its register block as the processor sees it; 0 when no processor
    /// memory range names the module (see [`Module::has_address`]).
    pub base: u64,
    /// The highest address of its register block (inclusive).
    pub high: u64,
    addressed: bool,
    memory_ranges: Vec<MemRange>,
}

/// A `MEMORYMAP/MEMRANGE` entry: a slave as one master sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MemRange {
    instance: String,
    base: u64,
    high: u64,
}

impl Module {
    /// A parameter's value as written.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A parameter's value as a number (hex `0x…` or decimal); an error when it is not one.
    pub fn param_u64(&self, name: &str) -> Result<Option<u64>> {
        match self.param(name) {
            None => Ok(None),
            Some(v) => number(v).map(Some).ok_or_else(|| {
                hardware(format!(
                    "{}: parameter {name} = {v:?} is not a number",
                    self.fullname_or_instance()
                ))
            }),
        }
    }

    /// A register by name.
    pub fn register(&self, name: &str) -> Option<&Register> {
        self.registers.iter().find(|r| r.name == name)
    }

    /// True when a processor's memory map gives the module an address ([`Module::base`]).
    pub fn has_address(&self) -> bool {
        self.addressed
    }

    /// The size of its register block in bytes (`high − base + 1`), 0 without an address.
    pub fn range(&self) -> u64 {
        if self.has_address() {
            self.high - self.base + 1
        } else {
            0
        }
    }

    fn fullname_or_instance(&self) -> &str {
        if self.fullname.is_empty() {
            &self.instance
        } else {
            &self.fullname
        }
    }

    fn name_is(&self, name: &str) -> bool {
        self.instance == name || self.fullname == name || self.fullname.trim_start_matches('/') == name
    }
}

/// A parsed `.hwh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hwh {
    /// Where it came from, for messages (`design_1.hwh`, or the path it was read from).
    pub source: String,
    /// `SYSTEMINFO` `NAME` (`design_1`).
    pub design: String,
    /// `SYSTEMINFO` `ARCH` (`zynq`, `zynquplus`).
    pub arch: String,
    /// `SYSTEMINFO` `DEVICE` (`7z020`, `xczu9eg`).
    pub device: String,
    /// `SYSTEMINFO` `BOARD`, when set.
    pub board: String,
    /// The modules, in document order.
    pub modules: Vec<Module>,
}

impl Hwh {
    /// Parses a `.hwh` document. Malformed XML, a root other than `EDKSYSTEM`, no `MODULES`, and
    /// addresses or register offsets that are not numbers are errors ([`ErrorKind::Hardware`]).
    pub fn parse(text: &str) -> Result<Hwh> {
        Hwh::parse_named(text, None)
    }

    /// Reads and parses a `.hwh` file; messages name the file.
    pub fn read(path: &Path) -> Result<Hwh> {
        let text = std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        let text = String::from_utf8_lossy(&text);
        Hwh::parse_named(&text, Some(path.display().to_string()))
    }

    fn parse_named(text: &str, source: Option<String>) -> Result<Hwh> {
        let label = source.clone().unwrap_or_else(|| "the .hwh".to_string());
        let root = xml::parse(text).map_err(|e| hardware(format!("{label}: {e}")))?;
        if root.local_name() != "EDKSYSTEM" {
            return Err(hardware(format!(
                "{label}: not a hardware handoff: the root element is <{}>, not <EDKSYSTEM>",
                root.name
            )));
        }
        let info = root.child("SYSTEMINFO");
        let info_attr = |name: &str| info.and_then(|i| i.attr(name)).unwrap_or("").to_string();
        let design = info_attr("NAME");
        let source = source.unwrap_or_else(|| {
            if design.is_empty() {
                label.clone()
            } else {
                format!("{design}.hwh")
            }
        });
        let modules_el = root
            .child("MODULES")
            .ok_or_else(|| hardware(format!("{source}: no <MODULES> element: the design lists no IP cores")))?;
        let mut modules = modules_el
            .children_named("MODULE")
            .map(|m| module(m, &source))
            .collect::<Result<Vec<Module>>>()?;
        assign_addresses(&mut modules);
        Ok(Hwh {
            source,
            design,
            arch: info_attr("ARCH"),
            device: info_attr("DEVICE"),
            board: info_attr("BOARD"),
            modules,
        })
    }

    /// The AXI DMA (`MODTYPE` `axi_dma`; `/hier_0/axi_dma_0` when there are several), with its
    /// address. Errors name what is there instead.
    pub fn find_dma(&self) -> Result<&Module> {
        let dmas: Vec<&Module> = self.modules.iter().filter(|m| m.modtype == "axi_dma").collect();
        let dma = match dmas.as_slice() {
            [] => {
                return Err(hardware(format!(
                    "no axi_dma in {}; modules present: {}",
                    self.source,
                    self.module_list()
                )))
            }
            [one] => *one,
            several => *several
                .iter()
                .find(|m| m.fullname == "/hier_0/axi_dma_0")
                .ok_or_else(|| {
                    hardware(format!(
                        "{} has {} axi_dma cores ({}) and none is /hier_0/axi_dma_0: which one feeds the \
                         accelerator is not clear",
                        self.source,
                        several.len(),
                        several
                            .iter()
                            .map(|m| m.fullname_or_instance())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?,
        };
        self.addressed(dma)
    }

    /// The HLS core `name` (`jet_tagger_axi`): by `MODTYPE`, or by a VLNV
    /// `xilinx.com:hls:<name>:*`, or by instance name. It need not have an address (an
    /// `ap_ctrl_none` stream core has none); see [`Module::has_address`].
    pub fn find_ip(&self, name: &str) -> Result<&Module> {
        let by_vlnv = |m: &&Module| {
            let mut parts = m.vlnv.split(':');
            parts.next() == Some("xilinx.com") && parts.next() == Some("hls") && parts.next() == Some(name)
        };
        self.modules
            .iter()
            .find(|m| m.modtype == name)
            .or_else(|| self.modules.iter().find(by_vlnv))
            .or_else(|| self.modules.iter().find(|m| m.name_is(name)))
            .ok_or_else(|| {
                hardware(format!(
                    "no {name} in {}; modules present: {} (is this the bitstream of another model?)",
                    self.source,
                    self.module_list()
                ))
            })
    }

    /// [`Hwh::find_ip`], and an error when the core has no address in the processor's memory map.
    pub fn find_ip_with_registers(&self, name: &str) -> Result<&Module> {
        let ip = self.find_ip(name)?;
        self.addressed(ip)
    }

    /// The first PL clock's frequency in MHz, from the processor's parameters.
    pub fn pl_clock_mhz(&self) -> Option<f64> {
        self.modules
            .iter()
            .filter(|m| PS_MODTYPES.contains(&m.modtype.as_str()))
            .chain(self.modules.iter())
            .find_map(|m| {
                PL_CLOCK_PARAMS
                    .iter()
                    .find_map(|p| m.param(p))
                    .and_then(|v| v.trim().parse::<f64>().ok())
            })
            .filter(|f| f.is_finite() && *f > 0.0)
    }

    fn addressed<'a>(&self, m: &'a Module) -> Result<&'a Module> {
        if m.has_address() {
            Ok(m)
        } else {
            Err(hardware(format!(
                "{} ({}) has no address in {}: no processor's MEMORYMAP has a MEMRANGE with INSTANCE=\"{}\"",
                m.fullname_or_instance(),
                m.modtype,
                self.source,
                m.instance
            )))
        }
    }

    fn module_list(&self) -> String {
        if self.modules.is_empty() {
            return "none".to_string();
        }
        self.modules
            .iter()
            .map(|m| format!("{} ({})", m.fullname_or_instance(), m.modtype))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads one `MODULE`.
fn module(m: &Element, source: &str) -> Result<Module> {
    let attr = |name: &str| m.attr(name).unwrap_or("").to_string();
    let (fullname, instance) = (attr("FULLNAME"), attr("INSTANCE"));
    let who = if fullname.is_empty() { &instance } else { &fullname };
    let parameters = m
        .child("PARAMETERS")
        .map(|ps| {
            ps.children_named("PARAMETER")
                .filter_map(|p| Some((p.attr("NAME")?.to_string(), p.attr("VALUE").unwrap_or("").to_string())))
                .collect()
        })
        .unwrap_or_default();
    let mut memory_ranges = Vec::new();
    for map in m.children_named("MEMORYMAP") {
        for r in map.children_named("MEMRANGE") {
            let (Some(inst), Some(base), Some(high)) = (r.attr("INSTANCE"), r.attr("BASEVALUE"), r.attr("HIGHVALUE"))
            else {
                continue;
            };
            let parse = |what: &str, v: &str| {
                number(v).ok_or_else(|| {
                    hardware(format!(
                        "{source}: {who}: the MEMRANGE of {inst} has {what} = {v:?}, which is not an address"
                    ))
                })
            };
            let (base, high) = (parse("BASEVALUE", base)?, parse("HIGHVALUE", high)?);
            if high < base {
                return Err(hardware(format!(
                    "{source}: {who}: the MEMRANGE of {inst} ends (0x{high:x}) below its base (0x{base:x})"
                )));
            }
            memory_ranges.push(MemRange {
                instance: inst.to_string(),
                base,
                high,
            });
        }
    }
    let mut registers = Vec::new();
    if let Some(blocks) = m.child("ADDRESSBLOCKS") {
        for block in blocks.children_named("ADDRESSBLOCK") {
            for regs in block.children_named("REGISTERS") {
                for r in regs.children_named("REGISTER") {
                    registers.push(register(r, source, who)?);
                }
            }
        }
    }
    Ok(Module {
        fullname,
        instance,
        modtype: attr("MODTYPE"),
        vlnv: attr("VLNV"),
        parameters,
        registers,
        base: 0,
        high: 0,
        addressed: false,
        memory_ranges,
    })
}

/// Reads one `REGISTER`: its `ADDRESS_OFFSET` and `SIZE` properties (directly inside it, or inside
/// a `PROPERTIES` element).
fn register(r: &Element, source: &str, who: &str) -> Result<Register> {
    let name = r.attr("NAME").unwrap_or("").to_string();
    let props = r.children_named("PROPERTY").chain(
        r.children_named("PROPERTIES")
            .flat_map(|p| p.children_named("PROPERTY")),
    );
    let (mut offset, mut size) = (None, None);
    for p in props {
        match p.attr("NAME") {
            Some("ADDRESS_OFFSET") => offset = p.attr("VALUE"),
            Some("SIZE") => size = p.attr("VALUE"),
            _ => {}
        }
    }
    let get = |what: &str, v: Option<&str>| -> Result<u64> {
        let v = v.ok_or_else(|| hardware(format!("{source}: {who}: register {name:?} has no {what} property")))?;
        number(v).ok_or_else(|| {
            hardware(format!(
                "{source}: {who}: register {name:?} has {what} = {v:?}, not a number"
            ))
        })
    };
    Ok(Register {
        offset: get("ADDRESS_OFFSET", offset)?,
        size_bits: get("SIZE", size)?,
        name,
    })
}

/// Gives each module the base and high address a processor's memory map lists for its instance
/// (a processor's map first, then any other master's).
fn assign_addresses(modules: &mut [Module]) {
    let ranges: Vec<(bool, MemRange)> = modules
        .iter()
        .flat_map(|m| {
            let is_ps = PS_MODTYPES.contains(&m.modtype.as_str());
            m.memory_ranges.iter().map(move |r| (is_ps, r.clone()))
        })
        .collect();
    for m in modules.iter_mut() {
        let of_m = |ps: bool| {
            ranges
                .iter()
                .find(|(is_ps, r)| *is_ps == ps && r.instance == m.instance)
        };
        if let Some((_, r)) = of_m(true).or_else(|| of_m(false)) {
            m.base = r.base;
            m.high = r.high;
            m.addressed = true;
        }
    }
}

/// A number as the `.hwh` writes it: `0x…` hex or decimal.
fn number(v: &str) -> Option<u64> {
    let v = v.trim();
    match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16).ok(),
        None => v.parse().ok(),
    }
}

fn hardware(message: String) -> Error {
    Error::new(ErrorKind::Hardware, message)
}
