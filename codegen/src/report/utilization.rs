//! Vivado `report_utilization`: the flat report (`vivado_synth.rpt`,
//! `*_utilization_placed.rpt`: used, available and percentage per site type) and the hierarchical
//! one (`util.rpt`, from `-hierarchical`: used per instance).

use super::ascii_table::{self, Row, Table};
use super::{count, is_blank, number};
use crate::diag::{Error, Result};
use serde::Serialize;

/// How much of one resource is used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Usage<T> {
    /// Used.
    pub used: T,
    /// What the device has (the hierarchical report does not say).
    pub available: Option<T>,
    /// Used / available, in percent, as Vivado printed it (`<0.01` reads as 0.01).
    pub util_percent: Option<f64>,
}

impl<T> Usage<T> {
    fn used(used: T) -> Self {
        Usage {
            used,
            available: None,
            util_percent: None,
        }
    }
}

/// One instance of the hierarchical report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HierarchyRow {
    /// Instance name (`design_1_i`, `myproject_axi_0`).
    pub instance: String,
    /// Module name (`(top)` for the design itself).
    pub module: String,
    /// Nesting level; the design is 0.
    pub depth: usize,
    /// Total LUTs.
    pub lut: u64,
    /// Flip-flops.
    pub ff: u64,
    /// RAMB36 blocks.
    pub ramb36: u64,
    /// RAMB18 blocks.
    pub ramb18: u64,
    /// UltraRAMs, when the device has a URAM column.
    pub uram: Option<u64>,
    /// DSP blocks.
    pub dsp: u64,
}

/// A Vivado utilization report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utilization {
    /// The design (top module) reported.
    pub design: Option<String>,
    /// The device as Vivado prints it (`7z020clg400-1`: without `xc`).
    pub device: Option<String>,
    /// `Synthesized`, `Routed`, ….
    pub state: Option<String>,
    /// LUTs (`Slice LUTs` / `CLB LUTs`).
    pub lut: Usage<u64>,
    /// Flip-flops (`Slice Registers` / `CLB Registers`).
    pub ff: Usage<u64>,
    /// Block RAM tiles (one RAMB36 or two RAMB18 each; halves occur).
    pub bram_tile: Usage<f64>,
    /// RAMB36 blocks, when reported.
    pub ramb36: Option<Usage<u64>>,
    /// RAMB18 blocks, when reported.
    pub ramb18: Option<Usage<u64>>,
    /// UltraRAMs; `None` when the device has none (no URAM row).
    pub uram: Option<Usage<u64>>,
    /// DSP slices.
    pub dsp: Usage<u64>,
    /// Per-instance rows of a hierarchical report, in order (empty for a flat report).
    pub hierarchy: Vec<HierarchyRow>,
}

impl Utilization {
    /// The hierarchical row of an instance, by name.
    pub fn instance(&self, name: &str) -> Option<&HierarchyRow> {
        self.hierarchy.iter().find(|r| r.instance == name)
    }
}

/// Reads a `report_utilization` report, flat or hierarchical.
pub fn parse_utilization_rpt(text: &str) -> Result<Utilization> {
    let tables = ascii_table::tables(text);
    let header = |key: &str| {
        ascii_table::field(text, key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (design, device, state) = (header("Design"), header("Device"), header("Design State"));

    let hierarchical = tables.iter().find_map(|t| {
        let h = t
            .rows
            .iter()
            .find(|r| r.cell(0) == "Instance" && r.cell(1) == "Module")?;
        Some((t, h))
    });
    if let Some((table, head)) = hierarchical {
        let hierarchy = hierarchy_rows(table, head)?;
        let top = hierarchy
            .first()
            .ok_or_else(|| Error::new("utilization report: the hierarchy table has no rows"))?;
        return Ok(Utilization {
            design,
            device,
            state,
            lut: Usage::used(top.lut),
            ff: Usage::used(top.ff),
            bram_tile: Usage::used(top.ramb36 as f64 + top.ramb18 as f64 / 2.0),
            ramb36: Some(Usage::used(top.ramb36)),
            ramb18: Some(Usage::used(top.ramb18)),
            uram: top.uram.map(Usage::used),
            dsp: Usage::used(top.dsp),
            hierarchy,
        });
    }

    // Flat: `| Site Type | Used | Fixed | (Prohibited) | Available | Util% |` tables.
    let site_tables: Vec<(&Table, &Row)> = tables
        .iter()
        .filter_map(|t| {
            let h = t.rows.first()?;
            (h.cell(0) == "Site Type" && h.cells.iter().any(|c| c == "Used")).then_some((t, h))
        })
        .collect();
    if site_tables.is_empty() {
        return Err(Error::new(
            "not a Vivado utilization report: no `Site Type` table and no `Utilization by Hierarchy` table",
        ));
    }
    let find = |labels: &[&str]| -> Option<(&Table, &Row, &Row)> {
        site_tables.iter().find_map(|(t, h)| t.row(labels).map(|r| (*t, *h, r)))
    };
    let usage_u64 = |labels: &[&str], what: &str| -> Result<Option<Usage<u64>>> {
        let Some((t, h, r)) = find(labels) else {
            return Ok(None);
        };
        t.check_closed(&format!("utilization report: the table of `{what}`"))?;
        let (used, available, util) = cells(h, r, what)?;
        Ok(Some(Usage {
            used: count(used, what)?,
            available: if is_blank(available) {
                None
            } else {
                Some(count(available, what)?)
            },
            util_percent: percent(util, what)?,
        }))
    };
    let need = |u: Option<Usage<u64>>, what: &str| {
        u.ok_or_else(|| {
            Error::new(format!(
                "utilization report: no `{what}` row (the file may be truncated)"
            ))
        })
    };
    let bram_tile = {
        let what = "Block RAM Tile";
        let (t, h, r) = find(&[what]).ok_or_else(|| {
            Error::new(format!(
                "utilization report: no `{what}` row (the file may be truncated)"
            ))
        })?;
        t.check_closed(&format!("utilization report: the table of `{what}`"))?;
        let (used, available, util) = cells(h, r, what)?;
        Usage {
            used: number(used, what)?,
            available: if is_blank(available) {
                None
            } else {
                Some(number(available, what)?)
            },
            util_percent: percent(util, what)?,
        }
    };
    Ok(Utilization {
        design,
        device,
        state,
        lut: need(usage_u64(&["Slice LUTs", "CLB LUTs"], "Slice LUTs")?, "Slice LUTs")?,
        ff: need(
            usage_u64(&["Slice Registers", "CLB Registers"], "Slice Registers")?,
            "Slice Registers",
        )?,
        bram_tile,
        ramb36: usage_u64(&["RAMB36/FIFO"], "RAMB36/FIFO")?,
        ramb18: usage_u64(&["RAMB18"], "RAMB18")?,
        uram: usage_u64(&["URAM"], "URAM")?,
        dsp: need(usage_u64(&["DSPs"], "DSPs")?, "DSPs")?,
        hierarchy: Vec::new(),
    })
}

/// The Used, Available and Util% cells of a site-type row.
fn cells<'a>(header: &Row, row: &'a Row, what: &str) -> Result<(&'a str, &'a str, &'a str)> {
    let col = |name: &str| {
        Table::column(header, &[name]).ok_or_else(|| {
            Error::new(format!(
                "utilization report: the table of `{what}` has no `{name}` column"
            ))
        })
    };
    let (u, a, p) = (col("Used")?, col("Available")?, col("Util%")?);
    if row.cells.len() < header.cells.len() {
        return Err(Error::new(format!(
            "utilization report: the `{what}` row has too few cells"
        )));
    }
    Ok((row.cell(u), row.cell(a), row.cell(p)))
}

fn percent(s: &str, what: &str) -> Result<Option<f64>> {
    if is_blank(s) {
        return Ok(None);
    }
    number(s.trim().trim_start_matches('<'), &format!("{what} Util%")).map(Some)
}

fn hierarchy_rows(table: &Table, head: &Row) -> Result<Vec<HierarchyRow>> {
    table.check_closed("utilization report: the hierarchy table")?;
    let col = |names: &[&str], what: &str| {
        Table::column(head, names).ok_or_else(|| {
            Error::new(format!(
                "utilization report: the hierarchy table has no `{what}` column"
            ))
        })
    };
    let lut = col(&["Total LUTs"], "Total LUTs")?;
    let ff = col(&["FFs"], "FFs")?;
    let ramb36 = col(&["RAMB36"], "RAMB36")?;
    let ramb18 = col(&["RAMB18"], "RAMB18")?;
    let dsp = col(&["DSP48 Blocks", "DSP Blocks", "DSPs"], "DSP Blocks")?;
    let uram = Table::column(head, &["URAM"]);
    let mut rows = Vec::new();
    for r in table.rows.iter().filter(|r| r.line > head.line) {
        let instance = r.cell(0);
        if instance.is_empty() {
            continue;
        }
        if r.cells.len() < head.cells.len() {
            return Err(Error::new(format!(
                "utilization report: the row of `{instance}` has too few cells"
            )));
        }
        let n = |i: usize, what: &str| count(r.cell(i), &format!("{instance} {what}"));
        rows.push(HierarchyRow {
            instance: instance.to_string(),
            module: r.cell(1).to_string(),
            depth: r.indent.saturating_sub(1) / 2,
            lut: n(lut, "Total LUTs")?,
            ff: n(ff, "FFs")?,
            ramb36: n(ramb36, "RAMB36")?,
            ramb18: n(ramb18, "RAMB18")?,
            uram: uram.map(|i| n(i, "URAM")).transpose()?,
            dsp: n(dsp, "DSP Blocks")?,
        });
    }
    Ok(rows)
}
