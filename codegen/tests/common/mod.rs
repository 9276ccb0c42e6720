//! Shared by the integration tests: where the reference models are, and the skip rule.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/` beside the repository (tests read the reference models from there).
/// Returns `None` (after printing why) when it is absent; under `CI=true` its absence fails the test.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    if dir.join("models").is_dir() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared/models is missing, and CI=true: the reference models are required");
    }
    eprintln!("SKIPPED: ../shared/models is absent (tests that need the reference models did not run)");
    None
}

/// `../shared/models/<name>`, or `None` as [`shared_dir`] says.
pub fn shared_model(name: &str) -> Option<PathBuf> {
    shared_dir().map(|d| d.join("models").join(name))
}

/// The repository's own `models/` folder (always present).
pub fn repo_models() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models")
}

/// Max abs difference between two equally long slices.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "lengths differ");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// How many mutants a mutation loop runs per seed file: `default`, or `HLS4ML_FUZZ_CASES` when set
/// (`.ci/run` sets a larger number).
pub fn fuzz_cases(default: u64) -> u64 {
    std::env::var("HLS4ML_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A fresh, empty folder `<temp>/hls4ml-<suite>-<pid>/<label>` for one test case.
pub fn fresh_dir(suite: &str, label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-{suite}-{}", std::process::id()))
        .join(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Deterministic pseudo-random numbers (xorshift64*) for the mutation loops and random models.
pub struct Rng(pub u64);

impl Rng {
    /// A generator for `seed` (any value; the state is never zero).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number in `[-1, 1)`.
    pub fn uniform(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }

    /// `n` numbers in `[-1, 1)`.
    pub fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.uniform()).collect()
    }
}

/// The genuine Xilinx `ap_*` headers named by `AP_TYPES_INCLUDE` (`scripts/test.sh` fetches them
/// from the hls4ml wheel). `None` when it is not set, after saying so; under `CI=true` that fails.
pub fn xilinx_headers() -> Option<PathBuf> {
    match std::env::var_os("AP_TYPES_INCLUDE").map(PathBuf::from) {
        Some(dir) if dir.join("ap_fixed.h").is_file() => Some(dir),
        other => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("AP_TYPES_INCLUDE ({other:?}) does not name the Xilinx ap_* headers, and CI=true");
            }
            eprintln!("SKIPPED: AP_TYPES_INCLUDE is not set: nothing is compiled against the Xilinx headers");
            None
        }
    }
}

/// Removes a scratch folder (and its parent, the folder of this test run, once empty), unless
/// `HLS4ML_KEEP_FIRMWARE` is set.
pub fn discard(dir: &std::path::Path) {
    if std::env::var_os("HLS4ML_KEEP_FIRMWARE").is_some() {
        return;
    }
    let _ = std::fs::remove_dir_all(dir);
    if let Some(parent) = dir.parent() {
        let _ = std::fs::remove_dir(parent);
    }
}

/// Compile jobs running now, over every test of one test binary: no more than there are cores
/// (at most 4), so tests running side by side do not thrash.
static RUNNING: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static FINISHED: std::sync::Condvar = std::sync::Condvar::new();

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).min(4)
}

/// Runs `work` once a core is free.
pub fn on_a_free_core<R>(work: impl FnOnce() -> R) -> R {
    {
        let mut running = RUNNING.lock().unwrap();
        while *running >= cores() {
            running = FINISHED.wait(running).unwrap();
        }
        *running += 1;
    }
    let result = work();
    *RUNNING.lock().unwrap() -= 1;
    FINISHED.notify_one();
    result
}

/// Runs `jobs` on as many threads as there are cores; returns the results in the jobs' order.
/// Wrap the work in [`on_a_free_core`] (whole jobs, or the costly steps inside them — not both,
/// which would wait on itself) to keep tests running side by side from thrashing.
pub fn parallel<T: Send, R: Send>(jobs: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let queue: Vec<Mutex<Option<T>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let results: Vec<Mutex<Option<R>>> = queue.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..cores() {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(slot) = queue.get(i) else { break };
                let job = slot.lock().unwrap().take().expect("each job taken once");
                *results[i].lock().unwrap() = Some(work(job));
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap().expect("every job ran"))
        .collect()
}

/// Runs `g++ args` in `cwd`; the error holds the command line and the compiler's messages.
pub fn gxx<S: AsRef<std::ffi::OsStr>>(args: &[S], cwd: &std::path::Path) -> Result<(), String> {
    let out = std::process::Command::new("g++")
        .args(args)
        .current_dir(cwd)
        .output()
        .map_err(|e| format!("cannot run g++: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let line: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
    Err(format!(
        "g++ {} failed:\n{}",
        line.join(" "),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// The `[model]` source lines for a reference model folder: Keras 2 JSON + H5, a `.keras` file, or
/// ONNX.
pub fn model_source(dir: &std::path::Path, name: &str) -> String {
    let p = |f: String| dir.join(f).display().to_string();
    if dir.join(format!("{name}.json")).exists() {
        format!(
            "keras = '{}'\nweights = '{}'",
            p(format!("{name}.json")),
            p(format!("{name}_weights.h5"))
        )
    } else if dir.join(format!("{name}.keras")).exists() {
        format!("keras = '{}'", p(format!("{name}.keras")))
    } else {
        format!("onnx = '{}'", p(format!("{name}.onnx")))
    }
}

/// A project (model name `m`, on a pynq-z2) for a reference model folder, with extra TOML
/// (`[hls]`, `[layers.…]`) text; `suite` names the scratch TOML path.
pub fn reference_project(suite: &str, dir: &std::path::Path, name: &str, extra: &str) -> hls4ml_codegen::Project {
    let text = format!(
        "[model]\nname = \"m\"\n{}\n[board]\nname = \"pynq-z2\"\n{extra}",
        model_source(dir, name)
    );
    let path = std::env::temp_dir().join(format!("hls4ml-{suite}-{name}.toml"));
    hls4ml_codegen::Project::parse(&path, &text).unwrap_or_else(|e| panic!("{name}: {}\n{text}", e.render()))
}
