//! `hls4ml-bench`: times this project's side of the benchmark against hls4ml for one model+board
//! TOML, and prints what it measured as one JSON object on stdout.
//!
//! ```text
//! hls4ml-bench info    MODEL.toml
//! hls4ml-bench convert MODEL.toml PROJECT_DIR
//! hls4ml-bench csim    MODEL.toml PROJECT_DIR INPUT OUTPUT
//! hls4ml-bench emulate MODEL.toml INPUT OUTPUT [--threads N] [--repeat N]
//! hls4ml-bench all     MODEL.toml PROJECT_DIR INPUT [--threads N]
//! hls4ml-bench measure RESULT.json -- COMMAND [ARGS…]
//! ```
//!
//! - `info`: the model's sizes: weights, multiply-accumulates per sample, input and output shapes.
//! - `convert`: our convert + compile: `Project::load`, `generate`, writing the project, and
//!   compiling its C simulation (`CSim::compile`), each step timed.
//! - `csim`: runs the compiled C simulation of `convert` over every sample of INPUT into OUTPUT.
//! - `emulate`: builds the bit-exact emulator and runs it over every sample on all cores (or
//!   `--threads N`); with `--repeat N`, N times, the median time reported and every run checked to
//!   give the same bits.
//! - `all`: the three in one process, and a check that the C simulation and the emulator give the
//!   same bits.
//! - `measure`: runs COMMAND and writes its wall time, exit code and peak resident memory
//!   (`ru_maxrss` of `wait4`, its waited-for children included) to RESULT.json; exits with its code.
//!   A process started by a large one inherits that one's high-water mark when it `exec`s (Linux
//!   keeps the larger of the two), so steps are started from this small process, not from Python.
//!
//! INPUT holds samples back to back, channels last: a `.npy` array of shape `(samples, …)` or raw
//! little-endian `f32` values (any other extension); OUTPUT is written the same way (`.npy` of shape
//! `(samples, outputs)`, or raw `f32`). `bench/bench.py` runs each step as its own process to
//! measure its peak memory.

use hls4ml_codegen::csim::{CSim, Headers};
use hls4ml_codegen::ir::{Graph, LayerKind};
use hls4ml_codegen::Project;
use hls4ml_runtime::npy;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  hls4ml-bench info    MODEL.toml
  hls4ml-bench convert MODEL.toml PROJECT_DIR
  hls4ml-bench csim    MODEL.toml PROJECT_DIR INPUT OUTPUT
  hls4ml-bench emulate MODEL.toml INPUT OUTPUT [--threads N] [--repeat N]
  hls4ml-bench all     MODEL.toml PROJECT_DIR INPUT [--threads N]
  hls4ml-bench measure RESULT.json -- COMMAND [ARGS...]
INPUT/OUTPUT: .npy, or raw little-endian f32 values (any other extension)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "measure") {
        return match measure(&args[1..]) {
            Ok(code) => ExitCode::from(code),
            Err(Failure::Usage(m)) => {
                eprintln!("error: {m}\n{USAGE}");
                ExitCode::from(2)
            }
            Err(Failure::Failed(m)) => {
                eprintln!("{m}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(m)) => {
            eprintln!("error: {m}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(m)) => {
            eprintln!("{m}");
            ExitCode::FAILURE
        }
    }
}

/// Why a command did not run.
#[derive(Debug)]
enum Failure {
    /// The command line is wrong.
    Usage(String),
    /// The command ran and failed (message ready to print).
    Failed(String),
}

impl From<hls4ml_codegen::Error> for Failure {
    fn from(e: hls4ml_codegen::Error) -> Self {
        Failure::Failed(e.render())
    }
}

type Res<T> = Result<T, Failure>;

fn failed(m: impl Into<String>) -> Failure {
    Failure::Failed(format!("error: {}", m.into()))
}

fn run(args: &[String]) -> Res<Json> {
    let (command, rest) = args
        .split_first()
        .ok_or_else(|| Failure::Usage("no command given".into()))?;
    let Options {
        positional,
        threads,
        repeat,
    } = options(rest)?;
    let want = |n: usize| -> Res<()> {
        if positional.len() == n {
            Ok(())
        } else {
            Err(Failure::Usage(format!(
                "`{command}` takes {n} arguments, {} given",
                positional.len()
            )))
        }
    };
    let path = |i: usize| PathBuf::from(&positional[i]);
    match command.as_str() {
        "info" => {
            want(1)?;
            let (project, load_s) = load(&path(0))?;
            let mut j = info(&project);
            j.num("load_s", load_s);
            Ok(j)
        }
        "convert" => {
            want(2)?;
            convert(&path(0), &path(1)).map(|c| c.json)
        }
        "csim" => {
            want(4)?;
            csim(&path(0), &path(1), &path(2), &path(3))
        }
        "emulate" => {
            want(3)?;
            emulate(&path(0), &path(1), &path(2), threads, repeat)
        }
        "all" => {
            want(3)?;
            all(&path(0), &path(1), &path(2), threads)
        }
        "-h" | "--help" | "help" => Err(Failure::Usage("help".into())),
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}

/// The command line after the command.
struct Options {
    positional: Vec<String>,
    /// `--threads N`.
    threads: Option<usize>,
    /// `--repeat N` (1 by default).
    repeat: usize,
}

/// Splits the positional arguments from `--threads N` and `--repeat N`.
fn options(args: &[String]) -> Res<Options> {
    let mut o = Options {
        positional: vec![],
        threads: None,
        repeat: 1,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--threads" || a == "--repeat" {
            let v = it.next().ok_or_else(|| Failure::Usage(format!("{a} needs a number")))?;
            let n: usize = v
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| Failure::Usage(format!("{a} takes a positive number, not `{v}`")))?;
            if a == "--threads" {
                o.threads = Some(n);
            } else {
                o.repeat = n;
            }
        } else if a.starts_with("--") {
            return Err(Failure::Usage(format!("unknown option `{a}`")));
        } else {
            o.positional.push(a.clone());
        }
    }
    Ok(o)
}

fn load(toml: &Path) -> Res<(Project, f64)> {
    let start = Instant::now();
    let project = Project::load(toml)?;
    Ok((project, start.elapsed().as_secs_f64()))
}

/// Multiply-accumulates per sample: Dense `n_in·n_out` per position, Conv `k·c_in·c_out` per output
/// position.
pub fn macs_per_sample(graph: &Graph) -> u64 {
    graph
        .layers
        .iter()
        .map(|l| {
            let positions: usize = l.shape[..l.shape.len().saturating_sub(1)].iter().product();
            match &l.kind {
                LayerKind::Dense { kernel, .. } | LayerKind::Conv { kernel, .. } => (kernel.len() * positions) as u64,
                _ => 0,
            }
        })
        .sum()
}

fn info(project: &Project) -> Json {
    let g = &project.graph;
    let mut j = Json::object();
    j.str("model", project.name());
    j.int("weights", g.parameter_count() as u64);
    j.int("macs_per_sample", macs_per_sample(g));
    j.ints("input_shape", g.input_shape());
    j.ints("output_shape", g.output_shape());
    j.int("inputs_per_sample", g.input().output_size() as u64);
    j.int("outputs_per_sample", g.output().output_size() as u64);
    j.int("layers", g.layers.len() as u64);
    j.str("output_layer", &g.output().name);
    j.str("output_kind", g.output().kind.class_name());
    j
}

/// What `convert` produced: the loaded project, its compiled C simulation and the timings.
struct Converted {
    project: Project,
    sim: CSim,
    json: Json,
}

/// Our convert + compile: the TOML and model loaded, the project generated and written, and its C
/// simulation compiled.
fn convert(toml: &Path, dir: &Path) -> Res<Converted> {
    let total = Instant::now();
    let (project, load_s) = load(toml)?;
    let start = Instant::now();
    let (files, _warnings) = hls4ml_codegen::generate(&project)?;
    let generate_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let stats = files.write_to(dir)?;
    let write_s = start.elapsed().as_secs_f64();
    let headers = Headers::from_env();
    let start = Instant::now();
    let sim = CSim::compile(&project, dir, &headers)?;
    let compile_s = start.elapsed().as_secs_f64();
    let total_s = total.elapsed().as_secs_f64();
    let mut json = info(&project);
    json.str("step", "convert");
    json.num("load_s", load_s);
    json.num("generate_s", generate_s);
    json.num("write_s", write_s);
    json.num("compile_s", compile_s);
    json.num("total_s", total_s);
    json.int("files", files.len() as u64);
    json.int("files_written", stats.written as u64);
    json.int("bytes", files.iter().map(|(_, c)| c.len() as u64).sum());
    json.str("headers", &headers.describe());
    json.str("runner", &sim.runner().display().to_string());
    Ok(Converted { project, sim, json })
}

/// Runs the C simulation compiled by `convert` (`PROJECT_DIR/csim/<model>_csim IN.f32 OUT.f32`).
fn csim(toml: &Path, dir: &Path, input: &Path, output: &Path) -> Res<Json> {
    let (project, load_s) = load(toml)?;
    let runner = dir.join("csim").join(format!("{}_csim", project.name()));
    if !runner.is_file() {
        return Err(failed(format!(
            "{} does not exist: run `hls4ml-bench convert {} {}` first",
            runner.display(),
            toml.display(),
            dir.display()
        )));
    }
    let (n_in, n_out) = (
        project.graph.input().output_size(),
        project.graph.output().output_size(),
    );
    // The runner reads raw f32 values; a .npy is unpacked next to it first (not timed).
    let raw_in = if is_npy(input) {
        let x = read_input(input, n_in)?;
        let tmp = dir.join("csim").join(format!("bench-in-{}.f32", std::process::id()));
        write_raw(&tmp, &x)?;
        Some(tmp)
    } else {
        None
    };
    let raw_out = if is_npy(output) {
        dir.join("csim").join(format!("bench-out-{}.f32", std::process::id()))
    } else {
        output.to_path_buf()
    };
    let feed = raw_in.as_deref().unwrap_or(input);
    let values = std::fs::metadata(feed)
        .map_err(|e| failed(format!("cannot read {}: {e}", feed.display())))?
        .len()
        / 4;
    if values % n_in as u64 != 0 {
        return Err(failed(format!(
            "{} holds {values} values, not a whole number of {n_in}-value samples",
            input.display()
        )));
    }
    let samples = values / n_in as u64;
    let start = Instant::now();
    let run = std::process::Command::new(&runner).arg(feed).arg(&raw_out).output();
    let seconds = start.elapsed().as_secs_f64();
    if let Some(tmp) = &raw_in {
        let _ = std::fs::remove_file(tmp);
    }
    let run = run.map_err(|e| failed(format!("cannot run {}: {e}", runner.display())))?;
    if !run.status.success() {
        return Err(failed(format!(
            "the C simulation {} failed ({}): {}",
            runner.display(),
            run.status,
            String::from_utf8_lossy(&run.stderr).trim()
        )));
    }
    if is_npy(output) {
        let y = read_raw(&raw_out)?;
        let _ = std::fs::remove_file(&raw_out);
        write_output(output, &y, n_out)?;
    }
    let mut j = Json::object();
    j.str("step", "csim");
    j.num("load_s", load_s);
    j.int("samples", samples);
    j.num("seconds", seconds);
    j.num("samples_per_s", samples as f64 / seconds.max(1e-9));
    j.int("macs_per_sample", macs_per_sample(&project.graph));
    Ok(j)
}

/// The number of threads the emulator runs on: all the cores unless told.
fn threads_or_all(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Builds the emulator of a loaded project.
fn emulator(project: &Project) -> Res<(hls4ml_runtime::emu::Model, f64)> {
    let start = Instant::now();
    let model = hls4ml_codegen::emulate::model(&project.graph)
        .map_err(|e| failed(format!("the emulator cannot run this model: {e}")))?;
    Ok((model, start.elapsed().as_secs_f64()))
}

/// Runs the emulator over `x` on `threads` threads: the runtime's fastest entry (whole tiles of
/// samples through the batched kernels, one workspace per thread).
fn emulate_batch(model: &hls4ml_runtime::emu::Model, x: &[f32], threads: usize) -> Vec<f32> {
    model.predict_parallel(x, threads)
}

fn emulate(toml: &Path, input: &Path, output: &Path, threads: Option<usize>, repeat: usize) -> Res<Json> {
    let (project, load_s) = load(toml)?;
    let (model, build_s) = emulator(&project)?;
    let x = read_input(input, model.input_size())?;
    let threads = threads_or_all(threads);
    let mut times = vec![];
    let mut y = vec![];
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let again = emulate_batch(&model, &x, threads);
        times.push(start.elapsed().as_secs_f64());
        if !y.is_empty() && !same_bits(&y, &again) {
            return Err(failed(
                "two runs of the emulator on the same inputs gave different outputs",
            ));
        }
        y = again;
    }
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    write_output(output, &y, model.output_size())?;
    let samples = (x.len() / model.input_size()) as u64;
    let mut j = Json::object();
    j.str("step", "emulate");
    j.num("load_s", load_s);
    j.num("build_s", build_s);
    j.int("threads", threads as u64);
    j.int("repeat", times.len() as u64);
    j.int("samples", samples);
    j.num("seconds", seconds);
    j.num("fastest_s", times[0]);
    j.num("samples_per_s", samples as f64 / seconds.max(1e-9));
    j.int("macs_per_sample", macs_per_sample(&project.graph));
    Ok(j)
}

/// The three steps in one process, and the check that the C simulation and the emulator agree bit
/// for bit.
fn all(toml: &Path, dir: &Path, input: &Path, threads: Option<usize>) -> Res<Json> {
    let Converted { project, sim, json } = convert(toml, dir)?;
    let n_in = project.graph.input().output_size();
    let x = read_input(input, n_in)?;
    let samples = (x.len() / n_in) as u64;
    let start = Instant::now();
    let y_csim = sim.predict(&x)?;
    let csim_s = start.elapsed().as_secs_f64();
    let (model, build_s) = emulator(&project)?;
    let threads = threads_or_all(threads);
    let start = Instant::now();
    let y_emu = emulate_batch(&model, &x, threads);
    let emu_s = start.elapsed().as_secs_f64();
    let differ = y_csim
        .iter()
        .zip(&y_emu)
        .filter(|(a, b)| a.to_bits() != b.to_bits())
        .count()
        + y_csim.len().abs_diff(y_emu.len());
    let mut j = json;
    j.str("step", "all");
    j.int("samples", samples);
    j.num("csim_s", csim_s);
    j.num("csim_samples_per_s", samples as f64 / csim_s.max(1e-9));
    j.num("emulator_build_s", build_s);
    j.int("threads", threads as u64);
    j.num("emulator_s", emu_s);
    j.num("emulator_samples_per_s", samples as f64 / emu_s.max(1e-9));
    j.int("outputs", y_csim.len() as u64);
    j.int("outputs_differing", differ as u64);
    j.bool("bit_exact", differ == 0);
    if differ != 0 {
        let mut m = format!("error: the C simulation and the emulator differ in {differ} outputs\n{j}");
        if let Some(i) = (0..y_csim.len().min(y_emu.len())).find(|&i| y_csim[i].to_bits() != y_emu[i].to_bits()) {
            let _ = write!(
                m,
                "\nfirst: output {i}: C simulation {} emulator {}",
                y_csim[i], y_emu[i]
            );
        }
        return Err(Failure::Failed(m));
    }
    Ok(j)
}

/// `measure RESULT.json -- COMMAND [ARGS…]`: runs the command, writes its wall time, exit code and
/// peak resident memory to RESULT.json, and returns its exit code (128 + the signal if one ended it).
fn measure(args: &[String]) -> Res<u8> {
    let (result, command) = match args {
        [result, dashes, command @ ..] if dashes == "--" && !command.is_empty() => (PathBuf::from(result), command),
        _ => return Err(Failure::Usage("measure takes RESULT.json -- COMMAND [ARGS...]".into())),
    };
    let start = Instant::now();
    let child = std::process::Command::new(&command[0])
        .args(&command[1..])
        .spawn()
        .map_err(|e| failed(format!("cannot run `{}`: {e}", command[0])))?;
    let (code, peak_kib) = wait_peak(child)?;
    let mut j = Json::object();
    j.int("exit_code", code as u64);
    j.num("wall_s", start.elapsed().as_secs_f64());
    j.int("peak_kib", peak_kib);
    std::fs::write(&result, format!("{j}\n")).map_err(|e| failed(format!("cannot write {}: {e}", result.display())))?;
    Ok(code)
}

/// Waits for `child`; returns its exit code and its peak resident memory in KiB.
#[cfg(target_os = "linux")]
fn wait_peak(child: std::process::Child) -> Res<(u8, u64)> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our child, not yet waited for (`child` is never waited on through std);
        // `status` and `usage` are valid for writes.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(failed(format!("wait4: {e}")));
        }
    }
    drop(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status) as u8
    } else {
        128u8.wrapping_add(libc::WTERMSIG(status) as u8)
    };
    // Linux reports ru_maxrss in KiB.
    Ok((code, usage.ru_maxrss.max(0) as u64))
}

/// Waits for `child`; the peak memory is not measured on this system (reported as 0).
#[cfg(not(target_os = "linux"))]
fn wait_peak(mut child: std::process::Child) -> Res<(u8, u64)> {
    let status = child.wait().map_err(|e| failed(format!("wait: {e}")))?;
    Ok((status.code().unwrap_or(1) as u8, 0))
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn is_npy(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "npy")
}

/// Reads raw little-endian `f32` values, a block at a time (the file is not held twice in memory).
fn read_raw(path: &Path) -> Res<Vec<f32>> {
    use std::io::Read;
    let cannot = |e: std::io::Error| failed(format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len() as usize;
    if !len.is_multiple_of(4) {
        return Err(failed(format!(
            "{} is {len} bytes long, not a whole number of f32 values",
            path.display()
        )));
    }
    let mut values = Vec::with_capacity(len / 4);
    let mut block = vec![0u8; 1 << 20];
    let mut filled = 0;
    loop {
        let n = file.read(&mut block[filled..]).map_err(cannot)?;
        filled += n;
        let whole = filled - filled % 4;
        values.extend(
            block[..whole]
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        block.copy_within(whole..filled, 0);
        filled -= whole;
        if n == 0 {
            break;
        }
    }
    if filled != 0 || values.len() != len / 4 {
        return Err(failed(format!("{} changed while it was read", path.display())));
    }
    Ok(values)
}

fn write_raw(path: &Path, v: &[f32]) -> Res<()> {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| failed(format!("cannot write {}: {e}", path.display())))
}

/// Reads the samples of INPUT and checks they are whole samples of `n_in` values.
fn read_input(path: &Path, n_in: usize) -> Res<Vec<f32>> {
    let data = if is_npy(path) {
        let a = npy::read_f32(path).map_err(|e| failed(format!("{}: {e}", path.display())))?;
        if a.shape.len() < 2 || a.data.len() / a.shape[0].max(1) != n_in {
            return Err(failed(format!(
                "{} has shape {:?}; the model takes samples of {n_in} values",
                path.display(),
                a.shape
            )));
        }
        a.data
    } else {
        read_raw(path)?
    };
    if data.is_empty() || data.len() % n_in != 0 {
        return Err(failed(format!(
            "{} holds {} values, not a whole number (≥ 1) of {n_in}-value samples",
            path.display(),
            data.len()
        )));
    }
    Ok(data)
}

fn write_output(path: &Path, y: &[f32], n_out: usize) -> Res<()> {
    if is_npy(path) {
        npy::write_f32(path, &[y.len() / n_out, n_out], y).map_err(|e| failed(format!("{}: {e}", path.display())))
    } else {
        write_raw(path, y)
    }
}

/// A JSON object built field by field (numbers, strings, booleans, arrays of integers).
struct Json {
    fields: Vec<(String, String)>,
}

impl Json {
    fn object() -> Json {
        Json { fields: vec![] }
    }

    fn set(&mut self, key: &str, value: String) {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some(f) => f.1 = value,
            None => self.fields.push((key.to_string(), value)),
        }
    }

    fn num(&mut self, key: &str, v: f64) {
        self.set(key, if v.is_finite() { format!("{v}") } else { "null".into() });
    }

    fn int(&mut self, key: &str, v: u64) {
        self.set(key, v.to_string());
    }

    fn ints(&mut self, key: &str, v: &[usize]) {
        let items: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        self.set(key, format!("[{}]", items.join(", ")));
    }

    fn bool(&mut self, key: &str, v: bool) {
        self.set(key, v.to_string());
    }

    fn str(&mut self, key: &str, v: &str) {
        self.set(key, quote(v));
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let items: Vec<String> = self.fields.iter().map(|(k, v)| format!("{}: {v}", quote(k))).collect();
        write!(f, "{{{}}}", items.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_quotes_and_escapes() {
        let mut j = Json::object();
        j.str("a", "x\"y\\z\n");
        j.int("b", 3);
        j.num("c", 0.5);
        j.num("d", f64::NAN);
        j.ints("e", &[1, 2]);
        j.bool("f", true);
        j.int("b", 4);
        assert_eq!(
            j.to_string(),
            r#"{"a": "x\"y\\z\n", "b": 4, "c": 0.5, "d": null, "e": [1, 2], "f": true}"#
        );
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        let args = |s: &[&str]| s.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        for bad in [
            &[][..],
            &["frobnicate"],
            &["info"],
            &["emulate", "a", "b", "c", "--threads", "0"],
            &["emulate", "a", "b", "c", "--repeat"],
            &["emulate", "a", "b", "c", "--fast"],
        ] {
            assert!(matches!(run(&args(bad)), Err(Failure::Usage(_))), "{bad:?}");
        }
        assert!(matches!(
            run(&args(&["info", "/nonexistent/model.toml"])),
            Err(Failure::Failed(_))
        ));
    }

    /// Counted by hand: Conv1D (10, 4) → (8, 2) with a kernel of 3 is 8 positions × 3·4·2; Flatten 16
    /// → Dense 5 is 16·5; the ReLU multiplies nothing.
    #[test]
    fn raw_files_round_trip_across_blocks() {
        let dir = std::env::temp_dir().join(format!("hls4ml-bench-raw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.f32");
        // more than one 1 MiB block, values that are not all alike
        let v: Vec<f32> = (0..300_001).map(|i| (i as f32 * 0.37).sin() * 1e3).collect();
        write_raw(&path, &v).unwrap();
        assert!(same_bits(&read_raw(&path).unwrap(), &v));
        std::fs::write(&path, [0u8; 7]).unwrap();
        assert!(matches!(read_raw(&path), Err(Failure::Failed(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn macs_count_dense_and_conv_positions() {
        use hls4ml_codegen::ir::{Activation, GraphBuilder, Tensor};
        let t = |shape: Vec<usize>| Tensor::new(shape.clone(), vec![0.5; shape.iter().product()]).unwrap();
        let mut g = GraphBuilder::new("x", vec![10, 4]);
        let conv = LayerKind::Conv {
            kernel: t(vec![3, 4, 2]),
            bias: t(vec![2]),
            strides: vec![1],
            dilation: vec![1],
            padding: vec![(0, 0)],
        };
        let c = g.add("conv", conv, vec![0]).unwrap();
        let r = g.add("relu", LayerKind::Activation(Activation::Relu), vec![c]).unwrap();
        let f = g.add("flatten", LayerKind::Flatten, vec![r]).unwrap();
        let dense = LayerKind::Dense {
            kernel: t(vec![16, 5]),
            bias: t(vec![5]),
        };
        g.add("dense", dense, vec![f]).unwrap();
        let graph = g.finish().unwrap();
        assert_eq!(graph.layers[1].shape, vec![8, 2]);
        assert_eq!(macs_per_sample(&graph), 8 * 3 * 4 * 2 + 16 * 5);
    }

    /// `measure` reports the exit code of the command, and a peak that covers a 64 MiB buffer
    /// (`dd` holds one block of `bs` bytes in memory).
    #[cfg(target_os = "linux")]
    #[test]
    fn measure_reports_the_exit_code_and_the_peak_memory() {
        let dir = std::env::temp_dir().join(format!("hls4ml-bench-measure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let result = dir.join("r.json");
        let args = |s: &[&str]| s.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        let r = result.display().to_string();
        assert!(matches!(measure(&args(&[&r, "--", "sh", "-c", "exit 3"])), Ok(3)));
        assert!(std::fs::read_to_string(&result).unwrap().contains(r#""exit_code": 3"#));
        let dd = measure(&args(&[
            &r,
            "--",
            "dd",
            "if=/dev/zero",
            "of=/dev/null",
            "bs=64M",
            "count=1",
            "status=none",
        ]));
        match dd {
            Ok(0) => {
                let text = std::fs::read_to_string(&result).unwrap();
                let peak: u64 = text
                    .split(r#""peak_kib": "#)
                    .nth(1)
                    .and_then(|t| t.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok())
                    .unwrap_or_else(|| panic!("no peak in {text}"));
                assert!(
                    (64 * 1024..200 * 1024).contains(&peak),
                    "peak {peak} KiB for a 64 MiB buffer"
                );
            }
            _ => eprintln!("SKIPPED: the 64 MiB peak check (dd did not run here)"),
        }
        assert!(matches!(measure(&args(&[&r, "sh"])), Err(Failure::Usage(_))));
        assert!(matches!(
            measure(&args(&[&r, "--", "/nonexistent/program"])),
            Err(Failure::Failed(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
