//! Reads the reports Vivado HLS and Vivado leave in a project folder — C synthesis, co-simulation,
//! Vivado synthesis of the core, implementation utilization and routed timing — into one typed
//! [`Report`], shown as a table ([`Report::table`]) or JSON ([`Report::to_json`]) by
//! `hls4ml report`.
//!
//! Where they are, for a project folder `D`, model `P` and top function `T` (`P_axi`):
//!
//! ```text
//! D/P_prj/vivado_hls.app                                   solutions and top (hls.app for Vitis HLS)
//! D/P_prj/solution1/syn/report/T_csynth.xml, T_csynth.rpt  C synthesis
//! D/P_prj/solution1/sim/report/T_cosim.rpt                 C/RTL co-simulation
//! D/vivado_synth.rpt                                       Vivado synthesis of the core
//! D/util.rpt                                               implementation, report_utilization -hierarchical
//! D/P_vivado_accelerator/project_1.runs/impl_1/
//!     design_1_wrapper_utilization_placed.rpt              implementation utilization
//!     design_1_wrapper_timing_summary_routed.rpt           routed timing (WNS, TNS, WHS, THS)
//! ```
//!
//! A report that is absent is listed in [`Report::missing`]; one that is present but cannot be read
//! is an error naming the file. Each format also has a parser of text (`parse_*`).
//!
//! ```no_run
//! use std::path::Path;
//! let report = hls4ml_codegen::report::collect(Path::new("hls4ml_prj_pynq"), "jet_tagger", "jet_tagger_axi")?;
//! if let Some(c) = &report.csynth {
//!     println!("worst-case latency: {:?} cycles", c.worst_latency);
//! }
//! print!("{}", report.table());
//! # Ok::<(), hls4ml_codegen::Error>(())
//! ```

mod ascii_table;
mod cosim;
mod csynth;
mod render;
mod timing;
mod utilization;

pub use cosim::{parse_cosim_rpt, Cosim, CosimRun, CosimStatus, MinAvgMax};
pub use csynth::{parse_csynth_rpt, parse_csynth_xml, parse_hls_app, Csynth, HlsApp, HlsResources};
pub use timing::{parse_timing_summary, Timing, TimingVerdict};
pub use utilization::{parse_utilization_rpt, HierarchyRow, Usage, Utilization};

use crate::config::board::same_part;
use crate::diag::{Error, Result};
use serde::{Serialize, Serializer};
use std::path::{Path, PathBuf};

/// The kinds of report, in flow order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Vivado HLS C synthesis (`<top>_csynth.xml` / `.rpt`).
    Csynth,
    /// C/RTL co-simulation (`<top>_cosim.rpt`).
    Cosim,
    /// Vivado synthesis of the exported core (`vivado_synth.rpt`).
    VivadoSynth,
    /// Utilization after placement and routing of the whole design (`util.rpt` and/or the run's
    /// `*_utilization_placed.rpt`).
    Implementation,
    /// The routed design's timing summary.
    Timing,
}

impl Section {
    /// All sections, in flow order.
    pub const ALL: [Section; 5] = [
        Section::Csynth,
        Section::Cosim,
        Section::VivadoSynth,
        Section::Implementation,
        Section::Timing,
    ];

    /// The section's title, as the table prints it.
    pub fn title(self) -> &'static str {
        match self {
            Section::Csynth => "C synthesis",
            Section::Cosim => "Co-simulation",
            Section::VivadoSynth => "Vivado synthesis",
            Section::Implementation => "Implementation",
            Section::Timing => "Timing",
        }
    }
}

/// A report that was read, and from where (relative to the project folder).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// What it reports.
    pub section: Section,
    /// The file.
    #[serde(serialize_with = "path_text")]
    pub path: PathBuf,
}

/// A report that was not found; any one of `paths` (relative to the project folder) would do.
/// The first is where this project's flow writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    /// What it would report.
    pub section: Section,
    /// Where it was looked for.
    #[serde(serialize_with = "paths_text")]
    pub paths: Vec<PathBuf>,
}

/// Implementation utilization: the flat report of the implementation run and the hierarchical one
/// the block-design script writes; at least one is present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implementation {
    /// `design_1_wrapper_utilization_placed.rpt`: used, available and percentages.
    pub placed: Option<Utilization>,
    /// `util.rpt` (`report_utilization -hierarchical`): used, per instance.
    pub hierarchical: Option<Utilization>,
}

/// Everything found in a project folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The model name `P`.
    pub name: String,
    /// The HLS top function looked for (`P_axi`).
    pub top: String,
    /// C synthesis estimates.
    pub csynth: Option<Csynth>,
    /// Co-simulation results.
    pub cosim: Option<Cosim>,
    /// Vivado synthesis of the core.
    pub vivado_synth: Option<Utilization>,
    /// Implementation utilization.
    pub implementation: Option<Implementation>,
    /// Routed timing.
    pub timing: Option<Timing>,
    /// The files read.
    pub read: Vec<Source>,
    /// The reports not found.
    pub missing: Vec<Missing>,
}

impl Report {
    /// A plain-text table of every section found, then the list of missing reports: what
    /// `hls4ml report` prints.
    pub fn table(&self) -> String {
        render::table(self)
    }

    /// The whole report as JSON (`hls4ml report --json`); absent sections are `null`.
    pub fn to_json(&self) -> serde_json::Value {
        // Every field is a string, number, bool, or a struct or list of those: this cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Where a section was read from, relative to the project folder.
    pub fn source(&self, section: Section) -> Option<&Path> {
        self.read
            .iter()
            .find(|s| s.section == section)
            .map(|s| s.path.as_path())
    }

    /// The parts (or devices) the reports name that are not `part`, each with its section and the
    /// spelling found. Both spellings of a part name (`xc7z020clg400-1`, `xc7z020-clg400-1`),
    /// Vivado's device name without `xc` (`7z020clg400-1`) and the timing report's device without
    /// speed grade (`7z020-clg400`) count as the same part.
    pub fn other_parts(&self, part: &str) -> Vec<(Section, String)> {
        let squeeze = |p: &str| p.trim().to_ascii_lowercase().replace('-', "");
        let expected = squeeze(part);
        let same = |found: &str| {
            let found = squeeze(found);
            let with_xc = format!("xc{found}");
            same_part(&found, part)
                || same_part(&with_xc, part)
                || (!found.is_empty() && (expected.starts_with(&found) || expected.starts_with(&with_xc)))
        };
        let mut found: Vec<(Section, Option<&String>)> = vec![
            (Section::Csynth, self.csynth.as_ref().and_then(|c| c.part.as_ref())),
            (Section::Cosim, self.cosim.as_ref().and_then(|c| c.part.as_ref())),
            (
                Section::VivadoSynth,
                self.vivado_synth.as_ref().and_then(|u| u.device.as_ref()),
            ),
        ];
        if let Some(i) = &self.implementation {
            for u in [&i.placed, &i.hierarchical].into_iter().flatten() {
                found.push((Section::Implementation, u.device.as_ref()));
            }
        }
        found.push((Section::Timing, self.timing.as_ref().and_then(|t| t.device.as_ref())));
        found
            .into_iter()
            .filter_map(|(s, p)| p.filter(|p| !same(p)).map(|p| (s, p.clone())))
            .collect()
    }
}

/// Reads every report that exists in the project folder `project_dir` of model `name` with HLS top
/// function `top` (`<name>_axi` for this project's accelerator; `name` itself and the top named in
/// `vivado_hls.app` are accepted too, as hls4ml lays them out). Absent reports are listed in
/// [`Report::missing`]; every report that exists but cannot be parsed is an error naming its file.
pub fn collect(project_dir: &Path, name: &str, top: &str) -> Result<Report> {
    if !project_dir.is_dir() {
        return Err(Error::in_file(project_dir, "the project folder does not exist")
            .help("write the project and run the vendor tools first (`hls4ml build`)"));
    }
    let mut c = Collector {
        dir: project_dir,
        read: Vec::new(),
        missing: Vec::new(),
        errors: Vec::new(),
    };
    let hls = PathBuf::from(format!("{name}_prj"));

    // The HLS project file names the solutions and the top HLS synthesized.
    let mut app = None;
    for file in ["vivado_hls.app", "hls.app"] {
        let rel = hls.join(file);
        if let Some(text) = c.text(&rel) {
            match parse_hls_app(&text) {
                Ok(a) => app = Some(a),
                Err(e) => c.errors.push((e.with_file(project_dir.join(&rel)), Section::Csynth)),
            }
            break;
        }
    }
    let solution = app
        .as_ref()
        .and_then(|a| a.solutions.iter().find(|s| project_dir.join(&hls).join(s).is_dir()))
        .cloned()
        .unwrap_or_else(|| "solution1".to_string());
    let mut tops: Vec<String> = vec![top.to_string()];
    for t in app
        .as_ref()
        .and_then(|a| a.top.clone())
        .into_iter()
        .chain([name.to_string()])
    {
        if !t.is_empty() && !tops.contains(&t) {
            tops.push(t);
        }
    }
    let syn = hls.join(&solution).join("syn/report");
    let sim = hls.join(&solution).join("sim/report");

    // C synthesis: the XML first (it is the machine-readable one), else the text report.
    let xml_named: Vec<PathBuf> = tops
        .iter()
        .map(|t| syn.join(format!("{t}_csynth.xml")))
        .chain([syn.join("csynth.xml")])
        .collect();
    let rpt_named: Vec<PathBuf> = tops
        .iter()
        .map(|t| syn.join(format!("{t}_csynth.rpt")))
        .chain([syn.join("csynth.rpt")])
        .collect();
    let csynth = c
        .first_named(Section::Csynth, &xml_named, parse_csynth_xml)
        .or_else(|| c.first_named(Section::Csynth, &rpt_named, parse_csynth_rpt))
        .or_else(|| c.largest_other(&syn, "_csynth.xml", parse_csynth_xml))
        .or_else(|| c.largest_other(&syn, "_csynth.rpt", parse_csynth_rpt));
    if csynth.is_none() && !c.failed(Section::Csynth) {
        c.missing(Section::Csynth, vec![xml_named[0].clone(), rpt_named[0].clone()]);
    }

    let cosim_named: Vec<PathBuf> = tops.iter().map(|t| sim.join(format!("{t}_cosim.rpt"))).collect();
    let cosim = c.first_named(Section::Cosim, &cosim_named, parse_cosim_rpt);
    if cosim.is_none() && !c.failed(Section::Cosim) {
        c.missing(Section::Cosim, vec![cosim_named[0].clone()]);
    }

    let vivado_synth_path = PathBuf::from("vivado_synth.rpt");
    let vivado_synth = c.one(Section::VivadoSynth, &vivado_synth_path, parse_utilization_rpt);
    if vivado_synth.is_none() && !c.failed(Section::VivadoSynth) {
        c.missing(Section::VivadoSynth, vec![vivado_synth_path]);
    }

    let impl_dir = PathBuf::from(format!("{name}_vivado_accelerator/project_1.runs/impl_1"));
    let util_path = PathBuf::from("util.rpt");
    let placed_path = impl_dir.join("design_1_wrapper_utilization_placed.rpt");
    let hierarchical = c.one(Section::Implementation, &util_path, parse_utilization_rpt);
    let placed = c.one(Section::Implementation, &placed_path, parse_utilization_rpt);
    let implementation =
        (placed.is_some() || hierarchical.is_some()).then_some(Implementation { placed, hierarchical });
    if implementation.is_none() && !c.failed(Section::Implementation) {
        c.missing(Section::Implementation, vec![util_path, placed_path]);
    }

    let timing_path = impl_dir.join("design_1_wrapper_timing_summary_routed.rpt");
    let timing = c.one(Section::Timing, &timing_path, parse_timing_summary);
    if timing.is_none() && !c.failed(Section::Timing) {
        c.missing(Section::Timing, vec![timing_path]);
    }

    if let Some(e) = Error::combine(c.errors.drain(..).map(|(e, _)| e)) {
        return Err(e);
    }
    Ok(Report {
        name: name.to_string(),
        top: top.to_string(),
        csynth,
        cosim,
        vivado_synth,
        implementation,
        timing,
        read: c.read,
        missing: c.missing,
    })
}

/// What [`collect`] has found so far.
struct Collector<'a> {
    dir: &'a Path,
    read: Vec<Source>,
    missing: Vec<Missing>,
    errors: Vec<(Error, Section)>,
}

impl Collector<'_> {
    /// A file's text, when it exists (lossily decoded: reports are ASCII, but a host name or a
    /// path in a header may not be UTF-8).
    fn text(&self, rel: &Path) -> Option<String> {
        let path = self.dir.join(rel);
        if !path.is_file() {
            return None;
        }
        match std::fs::read(&path) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => None,
        }
    }

    /// Parses the first of `candidates` that exists.
    fn first_named<T>(&mut self, section: Section, candidates: &[PathBuf], parse: fn(&str) -> Result<T>) -> Option<T> {
        let rel = candidates.iter().find(|p| self.dir.join(p).is_file())?;
        self.parse_file(section, rel, parse)
    }

    /// Parses `rel` if it exists.
    fn one<T>(&mut self, section: Section, rel: &Path, parse: fn(&str) -> Result<T>) -> Option<T> {
        if !self.dir.join(rel).is_file() {
            return None;
        }
        self.parse_file(section, rel, parse)
    }

    fn parse_file<T>(&mut self, section: Section, rel: &Path, parse: fn(&str) -> Result<T>) -> Option<T> {
        let Some(text) = self.text(rel) else {
            self.errors.push((
                Error::in_file(self.dir.join(rel), "the report exists but cannot be read"),
                section,
            ));
            return None;
        };
        match parse(&text) {
            Ok(v) => {
                self.read.push(Source {
                    section,
                    path: rel.to_path_buf(),
                });
                Some(v)
            }
            Err(e) => {
                self.errors.push((e.with_file(self.dir.join(rel)), section));
                None
            }
        }
    }

    /// When no report has the expected name, the C synthesis report of the top among the others in
    /// the folder (HLS writes one per module): the top's estimates include every module's, so it is
    /// the one with the most LUTs. Sub-module reports that do not parse are passed over.
    fn largest_other(&mut self, folder: &Path, suffix: &str, parse: fn(&str) -> Result<Csynth>) -> Option<Csynth> {
        if self.failed(Section::Csynth) {
            return None;
        }
        let entries = std::fs::read_dir(self.dir.join(folder)).ok()?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(suffix))
            .collect();
        names.sort();
        let best = names
            .into_iter()
            .filter_map(|n| {
                let rel = folder.join(&n);
                let c = parse(&self.text(&rel)?).ok()?;
                Some((rel, c))
            })
            .max_by_key(|(_, c)| c.used.lut)?;
        self.read.push(Source {
            section: Section::Csynth,
            path: best.0,
        });
        Some(best.1)
    }

    fn missing(&mut self, section: Section, paths: Vec<PathBuf>) {
        self.missing.push(Missing { section, paths });
    }

    fn failed(&self, section: Section) -> bool {
        self.errors.iter().any(|(_, s)| *s == section)
    }
}

fn path_text<S: Serializer>(p: &Path, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

fn paths_text<S: Serializer>(p: &[PathBuf], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(p.iter().map(|p| p.to_string_lossy()))
}

// Values as the reports print them.

/// Whether a cell says "no value": HLS prints `undef` or `?` for latencies it cannot bound, and the
/// tables print `NA` or `-` for what does not apply.
fn is_blank(s: &str) -> bool {
    matches!(s.trim(), "" | "-" | "NA" | "N/A" | "undef" | "?")
}

/// A count (cycles, resources).
fn count(s: &str, what: &str) -> Result<u64> {
    s.trim()
        .parse()
        .map_err(|_| Error::new(format!("{what}: `{}` is not a whole number", s.trim())))
}

/// A count, or `None` when the report says there is none.
fn opt_count(s: &str, what: &str) -> Result<Option<u64>> {
    if is_blank(s) {
        Ok(None)
    } else {
        count(s, what).map(Some)
    }
}

/// A decimal number.
fn number(s: &str, what: &str) -> Result<f64> {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if !v.is_nan() => Ok(v),
        _ => Err(Error::new(format!("{what}: `{t}` is not a number"))),
    }
}

/// A decimal number, or `None` when the report says there is none.
fn opt_number(s: &str, what: &str) -> Result<Option<f64>> {
    if is_blank(s) {
        Ok(None)
    } else {
        number(s, what).map(Some)
    }
}

/// A duration in nanoseconds from `5.00 ns`, `0.500 us`, `1.2 ms`, `3 s` or a bare number (ns).
fn opt_ns(s: &str, what: &str) -> Result<Option<f64>> {
    let t = s.trim();
    if is_blank(t) {
        return Ok(None);
    }
    let (value, scale) = [("ns", 1.0), ("us", 1e3), ("ms", 1e6), ("ps", 1e-3), ("s", 1e9)]
        .iter()
        .find_map(|(unit, scale)| t.strip_suffix(unit).map(|v| (v, *scale)))
        .unwrap_or((t, 1.0));
    number(value, what).map(|v| Some(v * scale))
}
