//! The plain-text table `hls4ml report` prints.

use super::{Cosim, Csynth, HlsResources, Report, Section, Timing, TimingVerdict, Usage, Utilization};
use std::fmt::Write;

pub(super) fn table(r: &Report) -> String {
    let mut out = format!("Reports of {} (top {})\n", r.name, r.top);
    if let Some(c) = &r.csynth {
        heading(&mut out, r, Section::Csynth);
        csynth(&mut out, c);
    }
    if let Some(c) = &r.cosim {
        heading(&mut out, r, Section::Cosim);
        cosim(&mut out, c);
    }
    if let Some(u) = &r.vivado_synth {
        heading(&mut out, r, Section::VivadoSynth);
        utilization(&mut out, u, &r.top);
    }
    if let Some(i) = &r.implementation {
        heading(&mut out, r, Section::Implementation);
        for u in [&i.placed, &i.hierarchical].into_iter().flatten() {
            utilization(&mut out, u, &r.top);
        }
    }
    if let Some(t) = &r.timing {
        heading(&mut out, r, Section::Timing);
        timing(&mut out, t);
    }
    if !r.missing.is_empty() {
        out.push_str("\nMissing reports (paths relative to the project folder):\n");
        let rows = r
            .missing
            .iter()
            .map(|m| {
                let paths: Vec<String> = m.paths.iter().map(|p| p.display().to_string()).collect();
                vec![m.section.title().to_string(), paths.join(" or ")]
            })
            .collect();
        out.push_str(&grid(rows, 1));
    }
    out
}

fn heading(out: &mut String, r: &Report, section: Section) {
    let files: Vec<String> = r
        .read
        .iter()
        .filter(|s| s.section == section)
        .map(|s| s.path.display().to_string())
        .collect();
    let _ = writeln!(out, "\n{} ({})", section.title(), files.join(", "));
}

fn ns(v: f64) -> String {
    format!("{v:.3} ns")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn csynth(out: &mut String, c: &Csynth) {
    let mut about = Vec::new();
    if let Some(v) = &c.version {
        about.push(format!("HLS {v}"));
    }
    if let Some(p) = &c.part {
        about.push(format!("part {p}"));
    }
    if let Some(t) = &c.top {
        about.push(format!("top {t}"));
    }
    if !about.is_empty() {
        let _ = writeln!(out, "  {}", about.join(", "));
    }
    let mut clock = format!(
        "target {}, estimated {}",
        ns(c.target_clock_ns),
        ns(c.estimated_clock_ns)
    );
    if let Some(u) = c.clock_uncertainty_ns {
        let _ = write!(clock, ", uncertainty {}", ns(u));
    }
    let latency = |cycles: Option<u64>, time: Option<f64>| match (cycles, time) {
        (Some(n), Some(t)) => format!("{n} cycles ({})", ns(t)),
        (Some(n), None) => format!("{n} cycles"),
        _ => "unknown".to_string(),
    };
    let mut rows = vec![
        vec!["clock".to_string(), clock],
        vec![
            "latency".to_string(),
            format!(
                "best {}, worst {}",
                latency(c.best_latency, c.best_latency_ns),
                latency(c.worst_latency, c.worst_latency_ns)
            ),
        ],
        vec![
            "interval".to_string(),
            format!("min {}, max {} cycles", opt(c.interval_min), opt(c.interval_max)),
        ],
    ];
    if let Some(p) = &c.pipeline {
        rows.push(vec!["pipeline".to_string(), p.clone()]);
    }
    out.push_str(&grid(rows, 1));
    let mut rows = vec![vec![
        "resource".into(),
        "used".into(),
        "available".into(),
        "util".into(),
    ]];
    for (name, used, available) in HlsResources::rows(&c.used, &c.available, &c.dsp_name) {
        rows.push(vec![
            name,
            used.to_string(),
            available.to_string(),
            percent(used as f64, available as f64),
        ]);
    }
    out.push_str(&grid(rows, 1));
}

fn percent(used: f64, available: f64) -> String {
    if available > 0.0 {
        format!("{:.2}%", 100.0 * used / available)
    } else {
        "-".to_string()
    }
}

fn cosim(out: &mut String, c: &Cosim) {
    let mut rows = vec![[
        "RTL",
        "status",
        "latency min",
        "avg",
        "max",
        "interval min",
        "avg",
        "max",
    ]
    .map(String::from)
    .to_vec()];
    for run in &c.runs {
        rows.push(vec![
            run.rtl.clone(),
            run.status.as_str().to_string(),
            opt(run.latency.min),
            opt(run.latency.avg),
            opt(run.latency.max),
            opt(run.interval.min),
            opt(run.interval.avg),
            opt(run.interval.max),
        ]);
    }
    out.push_str(&grid(rows, 1));
}

fn utilization(out: &mut String, u: &Utilization, top: &str) {
    let about: Vec<String> = [
        u.design.as_ref().map(|d| format!("design {d}")),
        u.device.as_ref().map(|d| format!("device {d}")),
        u.state.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let kind = if u.hierarchy.is_empty() { "" } else { "hierarchical; " };
    let _ = writeln!(out, "  {kind}{}", about.join(", "));
    if !u.hierarchy.is_empty() {
        let mut head = vec!["instance", "LUT", "FF", "RAMB36", "RAMB18"];
        let with_uram = u.hierarchy.iter().any(|r| r.uram.is_some());
        if with_uram {
            head.push("URAM");
        }
        head.push("DSP");
        let mut rows = vec![head.into_iter().map(String::from).collect::<Vec<_>>()];
        for (i, row) in u.hierarchy.iter().enumerate() {
            // The design's totals and the accelerator core's own rows.
            if i > 0 && !row.instance.starts_with(top) && !row.module.contains(top) {
                continue;
            }
            let mut cells = vec![
                format!("{}{}", if i == 0 { "" } else { "  " }, row.instance),
                row.lut.to_string(),
                row.ff.to_string(),
                row.ramb36.to_string(),
                row.ramb18.to_string(),
            ];
            if with_uram {
                cells.push(opt(row.uram));
            }
            cells.push(row.dsp.to_string());
            rows.push(cells);
        }
        out.push_str(&grid(rows, 1));
        return;
    }
    let mut rows = vec![vec![
        "resource".into(),
        "used".into(),
        "available".into(),
        "util".into(),
    ]];
    let line = |name: &str, used: String, u: Option<String>, p: Option<f64>| {
        vec![
            name.to_string(),
            used,
            u.unwrap_or_else(|| "-".into()),
            p.map_or("-".into(), |p| format!("{p:.2}%")),
        ]
    };
    let int = |name: &str, x: &Usage<u64>| {
        line(
            name,
            x.used.to_string(),
            x.available.map(|a| a.to_string()),
            x.util_percent,
        )
    };
    rows.push(int("LUT", &u.lut));
    rows.push(int("FF", &u.ff));
    rows.push(line(
        "BRAM tile",
        u.bram_tile.used.to_string(),
        u.bram_tile.available.map(|a| a.to_string()),
        u.bram_tile.util_percent,
    ));
    for (name, x) in [("  RAMB36", &u.ramb36), ("  RAMB18", &u.ramb18), ("URAM", &u.uram)] {
        if let Some(x) = x {
            rows.push(int(name, x));
        }
    }
    rows.push(int("DSP", &u.dsp));
    out.push_str(&grid(rows, 1));
}

fn timing(out: &mut String, t: &Timing) {
    let slack = |v: Option<f64>| v.map_or_else(|| "NA".to_string(), ns);
    let mut rows = vec![
        vec![
            "setup".to_string(),
            format!("WNS {}, TNS {}", slack(t.wns_ns), slack(t.tns_ns)),
        ],
        vec![
            "hold".to_string(),
            format!("WHS {}, THS {}", slack(t.whs_ns), slack(t.ths_ns)),
        ],
    ];
    if let Some(w) = t.wpws_ns {
        rows.push(vec!["pulse width".to_string(), format!("WPWS {}", ns(w))]);
    }
    let verdict = match t.verdict {
        TimingVerdict::Met => "all constraints met".to_string(),
        TimingVerdict::NotMet => format!(
            "constraints NOT met ({} setup, {} hold endpoints failing)",
            opt(t.tns_failing_endpoints),
            opt(t.ths_failing_endpoints)
        ),
        TimingVerdict::NoConstraints => "no timing constraints".to_string(),
    };
    rows.push(vec!["verdict".to_string(), verdict]);
    out.push_str(&grid(rows, 1));
}

/// Aligned columns, two spaces apart and indented by two: the first `left` columns flush left,
/// the others flush right (numbers).
fn grid(rows: Vec<Vec<String>>, left: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let w = widths[c];
            if c < left || c + 1 == row.len() && row.len() == 2 {
                let _ = write!(line, "  {cell:<w$}");
            } else {
                let _ = write!(line, "  {cell:>w$}");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
