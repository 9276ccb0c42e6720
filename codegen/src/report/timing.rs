//! Vivado `report_timing_summary` of the routed design: the Design Timing Summary line (worst and
//! total negative slack for setup, hold and pulse width) and whether the constraints are met.

use super::ascii_table;
use super::{is_blank, opt_count, opt_number};
use crate::diag::{Error, Result};
use serde::Serialize;

/// What the report concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimingVerdict {
    /// "All user specified timing constraints are met."
    Met,
    /// "Timing constraints are not met."
    NotMet,
    /// "There are no user specified timing constraints." (nothing was checked)
    NoConstraints,
}

/// The Design Timing Summary. Slacks are in ns; `None` where Vivado prints `NA` (no such paths).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    /// The design reported.
    pub design: Option<String>,
    /// The device as Vivado prints it.
    pub device: Option<String>,
    /// Worst negative (setup) slack.
    pub wns_ns: Option<f64>,
    /// Total negative (setup) slack.
    pub tns_ns: Option<f64>,
    /// Endpoints failing setup.
    pub tns_failing_endpoints: Option<u64>,
    /// Worst hold slack.
    pub whs_ns: Option<f64>,
    /// Total hold slack.
    pub ths_ns: Option<f64>,
    /// Endpoints failing hold.
    pub ths_failing_endpoints: Option<u64>,
    /// Worst pulse-width slack.
    pub wpws_ns: Option<f64>,
    /// Met, not met, or unconstrained.
    pub verdict: TimingVerdict,
}

impl Timing {
    /// True when Vivado says every constraint is met.
    pub fn met(&self) -> bool {
        self.verdict == TimingVerdict::Met
    }
}

/// Reads a `report_timing_summary` report (`*_timing_summary_routed.rpt`).
pub fn parse_timing_summary(text: &str) -> Result<Timing> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim().trim_start_matches('|').trim() == "Design Timing Summary")
        .ok_or_else(|| Error::new("not a timing summary: no `Design Timing Summary` section"))?;
    let head_at = (start + 1..lines.len())
        .find(|&i| lines[i].contains("WNS(ns)"))
        .ok_or_else(|| Error::new("timing summary: the Design Timing Summary has no `WNS(ns)` header"))?;
    // Column names are separated by two or more spaces; single spaces are inside names.
    let names: Vec<&str> = lines[head_at]
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let values_at = (head_at + 1..lines.len())
        .find(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.chars().all(|c| c == '-' || c.is_whitespace())
        })
        .ok_or_else(|| Error::new("timing summary: the Design Timing Summary has no values (truncated?)"))?;
    let values: Vec<&str> = lines[values_at].split_whitespace().collect();
    if values.len() != names.len() {
        return Err(Error::new(format!(
            "timing summary: the Design Timing Summary has {} values under {} column names (line {})",
            values.len(),
            names.len(),
            values_at + 1
        )));
    }
    let value = |name: &str| -> Result<&str> {
        names
            .iter()
            .position(|n| *n == name)
            .map(|i| values[i])
            .ok_or_else(|| Error::new(format!("timing summary: no `{name}` column")))
    };
    let ns = |name: &str| -> Result<Option<f64>> { opt_number(value(name)?, name) };
    let endpoints = |name: &str| -> Result<Option<u64>> {
        match names.iter().position(|n| *n == name) {
            Some(i) if !is_blank(values[i]) => opt_count(values[i], name),
            _ => Ok(None),
        }
    };
    let rest = lines[values_at + 1..].join("\n");
    let verdict = if rest.contains("All user specified timing constraints are met.") {
        TimingVerdict::Met
    } else if rest.contains("Timing constraints are not met.") {
        TimingVerdict::NotMet
    } else if rest.contains("There are no user specified timing constraints.") {
        TimingVerdict::NoConstraints
    } else {
        return Err(Error::new(
            "timing summary: no statement whether the timing constraints are met (the file may be truncated)",
        ));
    };
    let header = |key: &str| {
        ascii_table::field(text, key)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    Ok(Timing {
        design: header("Design"),
        device: header("Device"),
        wns_ns: ns("WNS(ns)")?,
        tns_ns: ns("TNS(ns)")?,
        tns_failing_endpoints: endpoints("TNS Failing Endpoints")?,
        whs_ns: ns("WHS(ns)")?,
        ths_ns: ns("THS(ns)")?,
        ths_failing_endpoints: endpoints("THS Failing Endpoints")?,
        wpws_ns: match names.contains(&"WPWS(ns)") {
            true => ns("WPWS(ns)")?,
            false => None,
        },
        verdict,
    })
}
