//! `hls4ml inspect`: the layer table.

use crate::args::{Args, CliError};
use hls4ml_codegen::config::BusType;
use std::fmt::Write;

/// Prints the project summary and the layer table.
pub fn run(args: &Args) -> Result<(), CliError> {
    let p = args.project()?;
    print!("{}", render(&p));
    Ok(())
}

fn opt(t: Option<hls4ml_runtime::FixedType>) -> String {
    t.map_or_else(|| "-".to_string(), |t| t.to_string())
}

/// The text `inspect` prints.
pub fn render(p: &hls4ml_codegen::Project) -> String {
    let c = &p.config;
    let b = &c.board;
    let mut out = String::new();
    let bus = |t: &BusType| t.to_string();
    let _ = writeln!(
        out,
        "model      {} ({})",
        c.model.name,
        c.model.source.files()[0].display()
    );
    let _ = writeln!(
        out,
        "board      {} ({}, part {}), {} interface, {} in / {} out, {} ns clock",
        b.board.name,
        b.board.family.as_str(),
        b.board.part,
        b.interface.as_str(),
        bus(&b.input_type),
        bus(&b.output_type),
        b.clock_period
    );
    let precision = c
        .hls
        .precision
        .map_or_else(|| "default (accuracy-keeping)".to_string(), |t| t.to_string());
    let _ = writeln!(out, "precision  {precision}");
    let g = &p.graph;
    let _ = writeln!(
        out,
        "input      {:?}   output {:?}\n",
        g.input_shape(),
        g.output_shape()
    );
    let headers = [
        "layer", "type", "output", "result", "weight", "bias", "accum", "table", "reuse", "strategy", "params", "mults",
    ];
    let mut rows: Vec<[String; 12]> = vec![];
    let mut total_mults = 0;
    for (id, l) in g.layers.iter().enumerate() {
        let mults = g.multiplications(id);
        total_mults += mults;
        let cfg = &l.config;
        rows.push([
            l.name.clone(),
            l.kind.class_name().to_string(),
            format!("{:?}", l.shape),
            cfg.result.to_string(),
            opt(cfg.weight),
            opt(cfg.bias),
            opt(cfg.accum),
            cfg.table
                .map_or_else(|| "-".into(), |t| format!("{t}×{}", cfg.table_size)),
            cfg.reuse_factor.to_string(),
            format!("{:?}", cfg.strategy).to_lowercase(),
            l.kind.parameter_count().to_string(),
            mults.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
            + "\n"
    };
    out.push_str(&line(headers.to_vec()));
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    let _ = writeln!(
        out,
        "\n{} layers, {} parameters, {} multiplications per inference",
        g.layers.len(),
        g.parameter_count(),
        total_mults
    );
    out
}
