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
