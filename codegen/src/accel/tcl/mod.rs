//! The Tcl of the accelerator: HLS (Vivado HLS or Vitis HLS), Vivado synthesis of the core, and the
//! board's design — a Zynq block design with its bitstream, or an Alveo kernel and its `v++` link.
//!
//! ```text
//! project.tcl        every setting the other scripts read: names, part, clock, bus widths, tool
//! build_prj.tcl      HLS: csim, synth, cosim, validation, export (IP or .xo), vsynth; key=value options
//! vivado_synth.tcl   Vivado synthesis of <P>_axi out of context → vivado_synth.rpt
//! design.tcl         Zynq: block design → design_1_wrapper.bit + design_1.hwh (jobs=N option)
//! link.tcl           Alveo: v++ --link of <P>_axi.xo for the card's platform → <P>.xclbin
//! connectivity.cfg   Alveo: the kernel's instance and the memory bank of its buffers
//! ```
//!
//! Decisions:
//! - `build_prj.tcl` takes hls4ml's `key=value` options `reset csim synth cosim validation export
//!   vsynth`; by default only `csim` and `synth` run. Steps that need the RTL (`cosim`, `export`,
//!   `vsynth`) find it from an earlier run, so `export=1` works on its own after a synthesis.
//! - `[hls] tool = "auto"` is resolved when the script runs: the running executable's name
//!   (`vivado_hls` / `vitis_hls`), else Vitis HLS's `XILINX_HLS` environment, else Vivado HLS; a
//!   fixed tool that is not the one running is an error, and `tool=` overrides the guess.
//! - Vitis HLS makes the Zynq IP with `-flow_target vivado` and the Alveo kernel with
//!   `-flow_target vitis` (`export_design -format xo`); Vivado HLS cannot package a kernel, so an
//!   Alveo project refuses it (at generation when the TOML names it, at run time under `auto`).
//! - `v++ --link` is started by `link.tcl` (any Tcl shell: `tclsh link.tcl`), with the platform of
//!   the TOML (overridable with `platform=`) and `connectivity.cfg` for the memory bank.
//! - The PL clock (Zynq) and the kernel clock (Alveo) are `1000 / clock_period` MHz, the clock HLS
//!   was given; the HLS clock uncertainty is hls4ml's 12.5%.
//!
//! `build_prj.tcl`, `vivado_synth.tcl` and `link.tcl` are the same for every project (real Tcl files
//! beside this module, read through `project.tcl`); `project.tcl`, `design.tcl` and
//! `connectivity.cfg` are written for the project's board and interface. Every script changes to its
//! own folder first, so it runs from anywhere, and stops with a Tcl `error` saying what to run when
//! what it needs is missing (the exported IP, the RTL, the kernel).

mod alveo;
mod project;
mod zynq;

use super::Accel;
use crate::config::{Family, Tool};
use crate::diag::{Error, Result};
use crate::files::Files;

/// `build_prj.tcl` without its stamp.
const BUILD_PRJ: &str = include_str!("build_prj.tcl");
/// `vivado_synth.tcl` without its stamp.
const VIVADO_SYNTH: &str = include_str!("vivado_synth.tcl");
/// `link.tcl` without its stamp.
const LINK: &str = include_str!("link.tcl");

/// The HLS project's folder, relative to the project folder: `<P>_prj`.
fn hls_project(accel: &Accel) -> String {
    format!("{}_prj", accel.name)
}

/// Adds the Tcl scripts (and, for Alveo, `connectivity.cfg`) of a project.
pub fn files(accel: &Accel, files: &mut Files) -> Result<()> {
    let family = accel.board().family;
    if family == Family::Alveo && accel.project.config.hls.tool == Tool::VivadoHls {
        return Err(Error::new(format!(
            "board {} is an Alveo card: its kernel (.xo) is packaged by Vitis HLS, and [hls] tool is \
             \"vivado_hls\"; use tool = \"vitis_hls\" or \"auto\"",
            accel.board().name
        )));
    }
    let stamp = stamp(accel);
    files.add("project.tcl", project::project_tcl(accel, &stamp));
    files.add("build_prj.tcl", format!("{stamp}\n{BUILD_PRJ}"));
    files.add("vivado_synth.tcl", format!("{stamp}\n{VIVADO_SYNTH}"));
    match family {
        Family::Zynq7000 | Family::ZynqMp => files.add("design.tcl", zynq::design_tcl(accel, &stamp)?),
        Family::Alveo => {
            files.add("link.tcl", format!("{stamp}\n{LINK}"));
            files.add("connectivity.cfg", alveo::connectivity_cfg(accel, &stamp)?);
        }
    }
    Ok(())
}

/// The first line of every generated script: the `@generated` stamp.
fn stamp(accel: &Accel) -> String {
    accel.project.stamp("#")
}

/// A Tcl word that stands for `s` exactly: bare when it holds only plain characters, otherwise
/// with every character Tcl would interpret escaped.
pub(crate) fn word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.:/%+,=@".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_string();
    }
    if s.is_empty() {
        return "{}".to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if plain(c) || c.is_alphanumeric() => out.push(c),
            c => {
                out.push('\\');
                out.push(c);
            }
        }
    }
    out
}

/// A number of ns or MHz as Tcl reads it: `10`, `3.33`, `333.333` (at most three decimals).
pub(crate) fn number(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// The PL (or kernel) clock in MHz for a clock period in ns: the clock HLS was told about.
pub(crate) fn clock_mhz(period_ns: f64) -> f64 {
    1000.0 / period_ns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_tcl_would_interpret_them() {
        assert_eq!(word("xc7z020clg400-1"), "xc7z020clg400-1");
        assert_eq!(word("tul.com.tw:pynq-z2:part0:1.0"), "tul.com.tw:pynq-z2:part0:1.0");
        assert_eq!(word("HBM[0]"), "HBM\\[0\\]");
        assert_eq!(word("a b$c\"d{e}"), "a\\ b\\$c\\\"d\\{e\\}");
        assert_eq!(word(""), "{}");
    }

    #[test]
    fn numbers_are_short_and_exact_to_the_nanosecond_fraction() {
        assert_eq!(number(10.0), "10");
        assert_eq!(number(3.33), "3.33");
        assert_eq!(number(clock_mhz(3.0)), "333.333");
        assert_eq!(number(clock_mhz(4.0)), "250");
    }
}
