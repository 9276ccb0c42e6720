//! Vivado HLS / Vitis HLS C synthesis: `<top>_csynth.xml`, `<top>_csynth.rpt`, and the project
//! file `vivado_hls.app` that names the solutions.

use super::ascii_table::{self, Row, Table};
use super::{count, opt_count, opt_ns};
use crate::diag::{Error, Result};
use hls4ml_runtime::zynq::xml;
use serde::Serialize;

/// HLS resource counts, used or available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HlsResources {
    /// 18 Kb block RAMs.
    pub bram_18k: u64,
    /// DSP slices (`DSP48E` in Vivado HLS, `DSP` in Vitis HLS).
    pub dsp: u64,
    /// Flip-flops.
    pub ff: u64,
    /// Look-up tables.
    pub lut: u64,
    /// UltraRAMs; `None` when the report has no URAM column.
    pub uram: Option<u64>,
}

impl HlsResources {
    /// `(name, used, available)` for each resource, in the reports' order; `dsp_name` is the DSP
    /// column's name.
    pub fn rows(used: &Self, available: &Self, dsp_name: &str) -> Vec<(String, u64, u64)> {
        let mut rows = vec![
            ("BRAM_18K".to_string(), used.bram_18k, available.bram_18k),
            (dsp_name.to_string(), used.dsp, available.dsp),
            ("FF".to_string(), used.ff, available.ff),
            ("LUT".to_string(), used.lut, available.lut),
        ];
        if let (Some(u), Some(a)) = (used.uram, available.uram) {
            rows.push(("URAM".to_string(), u, a));
        }
        rows
    }
}

/// The C synthesis estimates of the top function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Csynth {
    /// The tool version (`2020.1`).
    pub version: Option<String>,
    /// The synthesized top function.
    pub top: Option<String>,
    /// The part, as HLS spells it (`xc7z020-clg400-1`).
    pub part: Option<String>,
    /// The product family (`zynq`).
    pub family: Option<String>,
    /// The target clock period, ns.
    pub target_clock_ns: f64,
    /// The clock uncertainty, ns.
    pub clock_uncertainty_ns: Option<f64>,
    /// The estimated clock period, ns.
    pub estimated_clock_ns: f64,
    /// Best-case latency, cycles; `None` when HLS could not bound it.
    pub best_latency: Option<u64>,
    /// Worst-case latency, cycles; `None` when HLS could not bound it.
    pub worst_latency: Option<u64>,
    /// Best-case latency, ns.
    pub best_latency_ns: Option<f64>,
    /// Worst-case latency, ns.
    pub worst_latency_ns: Option<f64>,
    /// Minimum initiation interval, cycles.
    pub interval_min: Option<u64>,
    /// Maximum initiation interval, cycles.
    pub interval_max: Option<u64>,
    /// The pipeline type of the top (`dataflow`, `none`, …).
    pub pipeline: Option<String>,
    /// The name of the DSP column: `DSP48E` (Vivado HLS) or `DSP` (Vitis HLS).
    pub dsp_name: String,
    /// Resources the design uses.
    pub used: HlsResources,
    /// Resources the part has.
    pub available: HlsResources,
}

/// Reads `<top>_csynth.xml`.
pub fn parse_csynth_xml(text: &str) -> Result<Csynth> {
    let root = xml::parse(text).map_err(|e| Error::new(e.to_string()))?;
    if root.local_name() != "profile" {
        return Err(Error::new(format!(
            "not a C synthesis report: the root element is `<{}>`, not `<profile>`",
            root.name
        )));
    }
    let req = |path: &str| -> Result<&str> {
        root.text_at(path)
            .ok_or_else(|| Error::new(format!("C synthesis report: element `{path}` is missing")))
    };
    let opt = |path: &str| root.text_at(path).filter(|s| !s.is_empty()).map(str::to_string);
    let unit = root.text_at("UserAssignments/unit").unwrap_or("ns");
    let in_ns = |path: &str, value: &str| -> Result<f64> {
        opt_ns(&format!("{value} {unit}"), path)?.ok_or_else(|| Error::new(format!("{path}: no value")))
    };
    let target_clock_ns = in_ns("TargetClockPeriod", req("UserAssignments/TargetClockPeriod")?)?;
    let clock_uncertainty_ns = match root.text_at("UserAssignments/ClockUncertainty") {
        Some(v) if !v.is_empty() => Some(in_ns("ClockUncertainty", v)?),
        _ => None,
    };
    let timing_unit = root
        .text_at("PerformanceEstimates/SummaryOfTimingAnalysis/unit")
        .unwrap_or(unit);
    let estimated = req("PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod")?;
    let estimated_clock_ns = opt_ns(&format!("{estimated} {timing_unit}"), "EstimatedClockPeriod")?
        .ok_or_else(|| Error::new("EstimatedClockPeriod: no value"))?;

    let lat = "PerformanceEstimates/SummaryOfOverallLatency";
    let cycles = |name: &str| -> Result<Option<u64>> { opt_count(req(&format!("{lat}/{name}"))?, name) };
    let real = |name: &str| -> Result<Option<f64>> {
        match root.text_at(&format!("{lat}/{name}")) {
            Some(v) => opt_ns(v, name),
            None => Ok(None),
        }
    };

    let (dsp_name, used) = resources(&root, "AreaEstimates/Resources")?;
    let (_, available) = resources(&root, "AreaEstimates/AvailableResources")?;
    Ok(Csynth {
        version: opt("ReportVersion/Version"),
        top: opt("UserAssignments/TopModelName"),
        part: opt("UserAssignments/Part"),
        family: opt("UserAssignments/ProductFamily"),
        target_clock_ns,
        clock_uncertainty_ns,
        estimated_clock_ns,
        best_latency: cycles("Best-caseLatency")?,
        worst_latency: cycles("Worst-caseLatency")?,
        best_latency_ns: real("Best-caseRealTimeLatency")?,
        worst_latency_ns: real("Worst-caseRealTimeLatency")?,
        interval_min: cycles("Interval-min")?,
        interval_max: cycles("Interval-max")?,
        pipeline: opt("PerformanceEstimates/PipelineType"),
        dsp_name,
        used,
        available,
    })
}

fn resources(root: &xml::Element, path: &str) -> Result<(String, HlsResources)> {
    let node = root
        .at(path)
        .ok_or_else(|| Error::new(format!("C synthesis report: element `{path}` is missing")))?;
    let get = |name: &str| -> Result<u64> {
        let v = node
            .text_at(name)
            .ok_or_else(|| Error::new(format!("C synthesis report: element `{path}/{name}` is missing")))?;
        count(v, &format!("{path}/{name}"))
    };
    let dsp_name = ["DSP48E", "DSP", "DSP48"]
        .into_iter()
        .find(|n| node.child(n).is_some())
        .ok_or_else(|| Error::new(format!("C synthesis report: `{path}` has no DSP count")))?;
    let uram = match node.text_at("URAM") {
        Some(v) => Some(count(v, &format!("{path}/URAM"))?),
        None => None,
    };
    Ok((
        dsp_name.to_string(),
        HlsResources {
            bram_18k: get("BRAM_18K")?,
            dsp: get(dsp_name)?,
            ff: get("FF")?,
            lut: get("LUT")?,
            uram,
        },
    ))
}

/// Reads `<top>_csynth.rpt`, the text form of the same estimates.
pub fn parse_csynth_rpt(text: &str) -> Result<Csynth> {
    let lines: Vec<&str> = text.lines().collect();
    let heading = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let top = lines.iter().find_map(|l| {
        let (_, rest) = l.split_once("Report for '")?;
        rest.split_once('\'').map(|(t, _)| t.to_string())
    });
    if top.is_none() && heading("Performance Estimates").is_none() {
        return Err(Error::new("not a C synthesis report: no `Report for '<top>'` title"));
    }
    let tables = ascii_table::tables(text);
    let after = |line: Option<usize>, what: &str| -> Result<Vec<&Table>> {
        let line = line.ok_or_else(|| Error::new(format!("C synthesis report: the `{what}` section is missing")))?;
        Ok(tables.iter().filter(|t| t.line() > line).collect())
    };

    // + Timing: | Clock | Target | Estimated | Uncertainty |
    let (timing, header) = after(heading("+ Timing"), "Timing")?
        .into_iter()
        .find_map(|t| {
            t.rows
                .iter()
                .find(|r| r.cells.iter().any(|c| c == "Estimated"))
                .map(|h| (t, h))
        })
        .ok_or_else(|| Error::new("C synthesis report: the clock table is missing"))?;
    timing.check_closed("C synthesis report: the clock table")?;
    let col = |names: &[&str]| Table::column(header, names);
    let (target_col, est_col) = col(&["Target"])
        .zip(col(&["Estimated"]))
        .ok_or_else(|| Error::new("C synthesis report: the clock table has no Target or Estimated column"))?;
    let clock = timing
        .rows
        .iter()
        .find(|r| r.line > header.line)
        .ok_or_else(|| Error::new("C synthesis report: the clock table has no clock row"))?;
    let ns = |row: &Row, i: usize, what: &str| -> Result<Option<f64>> { opt_ns(row.cell(i), what) };
    let target_clock_ns = ns(clock, target_col, "target clock")?
        .ok_or_else(|| Error::new("C synthesis report: no target clock period"))?;
    let estimated_clock_ns = ns(clock, est_col, "estimated clock")?
        .ok_or_else(|| Error::new("C synthesis report: no estimated clock period"))?;
    let clock_uncertainty_ns = match col(&["Uncertainty"]) {
        Some(i) => ns(clock, i, "clock uncertainty")?,
        None => None,
    };

    // + Latency: | Latency (cycles) | Latency (absolute) | Interval | Pipeline |, then min/max.
    let latency = after(heading("+ Latency"), "Latency")?
        .into_iter()
        .next()
        .ok_or_else(|| Error::new("C synthesis report: the latency table is missing"))?;
    latency.check_closed("C synthesis report: the latency table")?;
    let groups = latency.rows.first().map(|r| r.cells.join("|")).unwrap_or_default();
    if !(groups.contains("Latency (cycles)") && groups.contains("Interval")) {
        return Err(Error::new(
            "C synthesis report: the latency table does not start with `Latency (cycles)` … `Interval` columns",
        ));
    }
    let minmax = latency
        .rows
        .iter()
        .position(|r| r.cell(0) == "min")
        .ok_or_else(|| Error::new("C synthesis report: the latency table has no min/max header"))?;
    let row = latency
        .rows
        .get(minmax + 1)
        .filter(|r| r.cells.len() >= 6)
        .ok_or_else(|| Error::new("C synthesis report: the latency table has no row of values"))?;
    let cyc = |i: usize, what: &str| opt_count(row.cell(i), what);

    // == Utilization Estimates, * Summary: | Name | BRAM_18K | DSP48E | FF | LUT | URAM |
    let (util, header) = after(heading("Utilization Estimates"), "Utilization Estimates")?
        .into_iter()
        .find_map(|t| {
            let h = t.rows.first()?;
            (h.cell(0) == "Name" && h.cells.iter().any(|c| c == "BRAM_18K")).then_some((t, h))
        })
        .ok_or_else(|| Error::new("C synthesis report: the utilization summary table is missing"))?;
    util.check_closed("C synthesis report: the utilization summary table")?;
    let dsp_name = ["DSP48E", "DSP", "DSP48"]
        .into_iter()
        .find(|n| Table::column(header, &[n]).is_some())
        .ok_or_else(|| Error::new("C synthesis report: the utilization table has no DSP column"))?;
    let totals = |label: &str| -> Result<HlsResources> {
        let row = util.row(&[label]).ok_or_else(|| {
            Error::new(format!(
                "C synthesis report: the utilization table has no `{label}` row"
            ))
        })?;
        let get = |name: &str| -> Result<Option<u64>> {
            match Table::column(header, &[name]) {
                Some(i) => count(row.cell(i), &format!("{label} {name}")).map(Some),
                None => Ok(None),
            }
        };
        let need = |name: &str| -> Result<u64> {
            get(name)?.ok_or_else(|| {
                Error::new(format!(
                    "C synthesis report: the utilization table has no {name} column"
                ))
            })
        };
        Ok(HlsResources {
            bram_18k: need("BRAM_18K")?,
            dsp: need(dsp_name)?,
            ff: need("FF")?,
            lut: need("LUT")?,
            uram: get("URAM")?,
        })
    };

    let version = ascii_table::field(text, "Version")
        .and_then(|v| v.split_whitespace().next())
        .map(str::to_string);
    let text_field = |key: &str| {
        ascii_table::field(text, key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Ok(Csynth {
        version,
        top,
        part: text_field("Target device"),
        family: text_field("Product family"),
        target_clock_ns,
        clock_uncertainty_ns,
        estimated_clock_ns,
        best_latency: cyc(0, "best-case latency")?,
        worst_latency: cyc(1, "worst-case latency")?,
        best_latency_ns: opt_ns(row.cell(2), "best-case latency")?,
        worst_latency_ns: opt_ns(row.cell(3), "worst-case latency")?,
        interval_min: cyc(4, "minimum interval")?,
        interval_max: cyc(5, "maximum interval")?,
        pipeline: Some(row.cell(6).to_string()).filter(|s| !s.is_empty()),
        dsp_name: dsp_name.to_string(),
        used: totals("Total")?,
        available: totals("Available")?,
    })
}

/// What `vivado_hls.app` (Vitis HLS: `hls.app`) says about an HLS project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HlsApp {
    /// The project's name (`myproject_prj`).
    pub name: Option<String>,
    /// The top function set with `set_top`.
    pub top: Option<String>,
    /// The solutions, in order.
    pub solutions: Vec<String>,
}

/// Reads an HLS project file (`vivado_hls.app` or `hls.app`).
pub fn parse_hls_app(text: &str) -> Result<HlsApp> {
    let root = xml::parse(text).map_err(|e| Error::new(e.to_string()))?;
    if root.local_name() != "project" {
        return Err(Error::new(format!(
            "not an HLS project file: the root element is `<{}>`, not `<project>`",
            root.name
        )));
    }
    let solutions = root
        .child("solutions")
        .map(|s| {
            s.children_named("solution")
                .filter_map(|e| e.attr("name"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Ok(HlsApp {
        name: root.attr("name").map(str::to_string),
        top: root.attr("top").filter(|t| !t.is_empty()).map(str::to_string),
        solutions,
    })
}
