//! `hls4ml predict`: run a model over an `.npy` of inputs.

use crate::args::{Args, CliError};
use hls4ml_runtime::npy;

/// Runs the chosen engine over every sample and writes the outputs.
pub fn run(args: &Args) -> Result<(), CliError> {
    let input = args.require("input")?;
    let output = args.require("output")?;
    let engine = args.get("engine").unwrap_or("emulator");
    if !["emulator", "csim", "float"].contains(&engine) {
        return Err(CliError::Usage(format!(
            "unknown engine `{engine}`; available: emulator, csim, float"
        )));
    }
    let p = args.project()?;
    let g = &p.graph;
    let x = npy::read_f32(input).map_err(|e| CliError::Failed(format!("error: {e}")))?;
    let n_in = g.input().output_size();
    let sample_shape = &x.shape[1.min(x.shape.len())..];
    if x.shape.len() < 2
        || (sample_shape != g.input_shape() && sample_shape.iter().product::<usize>() != n_in)
        || x.row_len() != n_in
    {
        return Err(CliError::Failed(format!(
            "error: {input} has shape {:?}; the model takes (samples, {}) arrays",
            x.shape,
            g.input_shape()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let fail = |e: hls4ml_codegen::Error| CliError::Failed(e.render());
    // The C simulation runs from the written project: convert first (only changed files are
    // written), then compile the runner against the headers found (ours, or Xilinx's).
    let csim = if engine == "csim" {
        let (files, warnings) = hls4ml_codegen::generate(&p).map_err(fail)?;
        for w in &warnings {
            eprint!("{}", w.render());
        }
        let dir = &p.config.hls.output_dir;
        files.write_to(dir).map_err(fail)?;
        let headers = hls4ml_codegen::csim::Headers::from_env();
        let sim = hls4ml_codegen::csim::CSim::compile(&p, dir, &headers).map_err(fail)?;
        eprintln!(
            "csim: compiled {} against {} in {:.1} s",
            sim.runner().display(),
            headers.describe(),
            sim.compile_seconds
        );
        Some(sim)
    } else {
        None
    };
    let start = std::time::Instant::now();
    let (y, trace) = match (engine, &csim) {
        ("float", _) => (hls4ml_codegen::float::forward_batch(g, &x.data), None),
        (_, Some(sim)) => {
            let y = sim.predict(&x.data).map_err(fail)?;
            // The emulator computes the same bits; its trace counts the overflows.
            let model = hls4ml_codegen::emulate::model(g).map_err(|e| CliError::Failed(format!("error: {e}")))?;
            (y, Some(model))
        }
        _ => {
            let model = hls4ml_codegen::emulate::model(g).map_err(|e| CliError::Failed(format!("error: {e}")))?;
            // Tiles of samples through the batched kernels, on every core. The trace also counts
            // overflows; it runs the per-sample kernels in a second pass, after the timing.
            let y = model.predict_threaded(&x.data);
            (y, Some(model))
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let n_out = g.output().output_size();
    let rows = x.rows();
    npy::write_f32(output, &[rows, n_out], &y).map_err(|e| CliError::Failed(format!("error: {e}")))?;
    eprintln!(
        "{engine}: {rows} samples in {secs:.3} s ({:.0} samples/s) → {output}",
        rows as f64 / secs.max(1e-9)
    );
    if let Some(model) = &trace {
        let t = model.predict_trace(&x.data);
        let overflowing: Vec<_> = t
            .layers
            .iter()
            .filter(|l| l.overflows.result + l.overflows.accum > 0)
            .collect();
        if overflowing.is_empty() {
            println!("overflows: none (every value fitted its type)");
        } else {
            println!("overflows (values that did not fit their type, over {rows} samples):");
            for l in overflowing {
                println!(
                    "  {:<24} {:>10} results ({}), {:>10} accumulations",
                    l.name, l.overflows.result, l.ty, l.overflows.accum
                );
            }
        }
        if let Some(dir) = args.get("trace") {
            write_trace(dir, g, &x.data, &t)?;
            println!("trace: every layer's emulated and float outputs written to {dir}/");
        }
    } else if args.get("trace").is_some() {
        return Err(CliError::Usage("--trace goes with --engine emulator or csim".into()));
    }
    if let Some(reference) = args.get("reference") {
        let r = npy::read_f32(reference).map_err(|e| CliError::Failed(format!("error: {e}")))?;
        if r.data.len() != y.len() {
            return Err(CliError::Failed(format!(
                "error: reference {reference} has shape {:?}; the outputs are ({rows}, {n_out})",
                r.shape
            )));
        }
        let acc = accuracy(&y, &r.data, n_out);
        println!(
            "against {reference}: max abs error {:.3e}, mean abs error {:.3e}, argmax agreement {:.2}% ({} of {rows})",
            acc.max_abs,
            acc.mean_abs,
            100.0 * acc.agree as f64 / rows as f64,
            acc.agree
        );
    }
    Ok(())
}

/// Errors and argmax agreement of outputs against a reference.
pub struct Accuracy {
    /// Largest absolute difference.
    pub max_abs: f64,
    /// Mean absolute difference.
    pub mean_abs: f64,
    /// Samples whose largest output is at the same index.
    pub agree: usize,
}

/// Compares `y` with `reference`, both `samples × n_out`.
pub fn accuracy(y: &[f32], reference: &[f32], n_out: usize) -> Accuracy {
    let diffs = y.iter().zip(reference).map(|(a, b)| (a - b).abs() as f64);
    let (max_abs, sum) = diffs.fold((0f64, 0f64), |(m, s), d| (m.max(d), s + d));
    let argmax = |v: &[f32]| {
        v.iter()
            .enumerate()
            .fold(0, |best, (i, &x)| if x > v[best] { i } else { best })
    };
    let agree = y
        .chunks(n_out)
        .zip(reference.chunks(n_out))
        .filter(|(a, b)| argmax(a) == argmax(b))
        .count();
    Accuracy {
        max_abs,
        mean_abs: sum / y.len().max(1) as f64,
        agree,
    }
}

/// Writes `<layer>_emulated.npy` and `<layer>_float.npy` for every layer (hls4ml's `trace`): the
/// place to look for the layer whose precision is too small.
fn write_trace(
    dir: &str,
    g: &hls4ml_codegen::ir::Graph,
    x: &[f32],
    t: &hls4ml_runtime::emu::Trace,
) -> Result<(), CliError> {
    let fail = |e: String| CliError::Failed(format!("error: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create {dir}: {e}")))?;
    let n_in = g.input().output_size();
    let per_sample: Vec<Vec<Vec<f32>>> = x
        .chunks(n_in)
        .map(|s| hls4ml_codegen::float::forward_all(g, s))
        .collect();
    for (id, layer) in t.layers.iter().enumerate() {
        let mut shape = vec![t.samples];
        shape.extend(&layer.shape);
        let path = format!("{dir}/{}_emulated.npy", layer.name);
        npy::write_f64(&path, &shape, &layer.values).map_err(|e| fail(e.message))?;
        let float: Vec<f32> = per_sample.iter().flat_map(|s| s[id].iter().copied()).collect();
        if float.len() == layer.values.len() {
            let path = format!("{dir}/{}_float.npy", layer.name);
            npy::write_f32(&path, &shape, &float).map_err(|e| fail(e.message))?;
        }
    }
    Ok(())
}
