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
