//! C/RTL co-simulation: `<top>_cosim.rpt`, one row per RTL language with the status and the
//! measured latency and initiation interval.

use super::ascii_table::{self, Table};
use super::{is_blank, opt_count, opt_number};
use crate::diag::{Error, Result};
use serde::Serialize;

/// How the co-simulation of one RTL language ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CosimStatus {
    /// The RTL's outputs matched the C testbench's.
    Pass,
    /// They did not (or the simulation failed).
    Fail,
    /// This language was not simulated (`NA`).
    NotRun,
}

impl CosimStatus {
    /// `Pass`, `Fail` or `NA`, as the report prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            CosimStatus::Pass => "Pass",
            CosimStatus::Fail => "Fail",
            CosimStatus::NotRun => "NA",
        }
    }
}

/// Minimum, average and maximum of a measurement in cycles; `None` where the report says `NA`
/// (an interval needs at least two transactions to be measured).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MinAvgMax {
    /// Minimum.
    pub min: Option<u64>,
    /// Average (not always whole).
    pub avg: Option<f64>,
    /// Maximum.
    pub max: Option<u64>,
}

/// One RTL language's co-simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CosimRun {
    /// `Verilog` or `VHDL`.
    pub rtl: String,
    /// Pass, fail or not run.
    pub status: CosimStatus,
    /// Latency, cycles.
    pub latency: MinAvgMax,
    /// Initiation interval, cycles.
    pub interval: MinAvgMax,
    /// Total execution time in cycles, when the report has that column (Vitis HLS).
    pub total_cycles: Option<u64>,
}

/// The co-simulation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cosim {
    /// The simulated top function.
    pub top: Option<String>,
    /// The part, as HLS spells it.
    pub part: Option<String>,
    /// One entry per RTL language row, simulated or not.
    pub runs: Vec<CosimRun>,
}

impl Cosim {
    /// The run that was simulated (the first row whose status is not `NA`).
    pub fn result(&self) -> Option<&CosimRun> {
        self.runs.iter().find(|r| r.status != CosimStatus::NotRun)
    }

    /// True when a run was simulated and every simulated run passed.
    pub fn passed(&self) -> bool {
        self.result().is_some() && self.runs.iter().all(|r| r.status != CosimStatus::Fail)
    }
}

/// Reads `<top>_cosim.rpt`.
pub fn parse_cosim_rpt(text: &str) -> Result<Cosim> {
    let tables = ascii_table::tables(text);
    let (table, header) = tables
        .iter()
        .find_map(|t| {
            let h = t
                .rows
                .iter()
                .find(|r| r.cells.iter().any(|c| c == "RTL") && r.cells.iter().any(|c| c == "Status"))?;
            Some((t, h))
        })
        .ok_or_else(|| Error::new("not a co-simulation report: no table with `RTL` and `Status` columns"))?;
    table.check_closed("co-simulation report: the RTL table")?;
    let rtl_col = Table::column(header, &["RTL"]).unwrap_or(0);
    let status_col = Table::column(header, &["Status"]).unwrap_or(1);
    let first = status_col + 1;
    if header.cells.len() < first + 6 {
        return Err(Error::new(
            "co-simulation report: the RTL table has fewer than six latency and interval columns",
        ));
    }
    let mut runs = Vec::new();
    for row in table.rows.iter().filter(|r| r.line > header.line) {
        let rtl = row.cell(rtl_col);
        if rtl.is_empty() {
            continue;
        }
        let what = |m: &str| format!("co-simulation {rtl} {m}");
        let status = match row.cell(status_col).to_ascii_lowercase().as_str() {
            "pass" => CosimStatus::Pass,
            "fail" => CosimStatus::Fail,
            s if is_blank(s) || s == "na" => CosimStatus::NotRun,
            other => {
                return Err(Error::new(format!(
                    "co-simulation report: {rtl} has status `{other}`, expected Pass, Fail or NA"
                )))
            }
        };
        let triple = |at: usize, name: &str| -> Result<MinAvgMax> {
            Ok(MinAvgMax {
                min: opt_count(row.cell(at), &what(&format!("{name} min")))?,
                avg: opt_number(row.cell(at + 1), &what(&format!("{name} avg")))?,
                max: opt_count(row.cell(at + 2), &what(&format!("{name} max")))?,
            })
        };
        if row.cells.len() < first + 6 {
            return Err(Error::new(format!(
                "co-simulation report: the {rtl} row has too few cells"
            )));
        }
        runs.push(CosimRun {
            rtl: rtl.to_string(),
            status,
            latency: triple(first, "latency")?,
            interval: triple(first + 3, "interval")?,
            total_cycles: match row.cells.get(first + 6) {
                Some(c) => opt_count(c, &what("total execution time"))?,
                None => None,
            },
        });
    }
    if runs.is_empty() {
        return Err(Error::new(
            "co-simulation report: the RTL table has no rows (the file may be truncated)",
        ));
    }
    let top = text.lines().find_map(|l| {
        let (_, rest) = l.split_once("Report for '")?;
        rest.split_once('\'').map(|(t, _)| t.to_string())
    });
    let part = ascii_table::field(text, "Target device")
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    Ok(Cosim { top, part, runs })
}
