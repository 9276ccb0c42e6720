//! Conformance of the host arbitrary-precision headers (`codegen/cpp/host`) with the reference
//! Xilinx headers shipped in the hls4ml wheel.
//!
//! The C++ program in `tests/ap_conformance/` is compiled twice, once against each set of
//! headers, and both builds must print exactly the same lines (one line per case: operation,
//! operands and the result's type, raw bits and value). A small dense network written like
//! generated code is compared the same way, and its compile times are reported. A third test
//! compiles a file touching all the host headers (including `hls_stream.h` and
//! `ap_axi_sdata.h`) with `-Wall -Wextra -Werror` and runs its checks.
//!
//! The reference headers come from `AP_TYPES_INCLUDE`, or else from `.ci/fetch-ap-types.sh`
//! (which downloads the wheel into a cache outside the repository). When neither works the
//! comparison tests print `SKIPPED: ...` and pass, except with `CI=true`, where they fail.
//! Build outputs go under Cargo's temporary target directory.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Translation units of the conformance program (compiled in parallel, then linked).
const SUITE_SOURCES: &[&str] = &[
    "main.cpp",
    "convert_a.cpp",
    "convert_b.cpp",
    "convert_c.cpp",
    "fixed_arith.cpp",
    "int_arith.cpp",
    "bits_misc.cpp",
];

/// The comparison must cover at least this many cases.
const MIN_CASES: usize = 10_000;

/// How many differing lines to show when the outputs differ.
const SHOWN_DIFFERENCES: usize = 20;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    crate_dir()
        .parent()
        .expect("the codegen crate lives in the workspace")
        .to_path_buf()
}

fn host_include() -> PathBuf {
    crate_dir().join("cpp").join("host")
}

fn suite_dir() -> PathBuf {
    crate_dir().join("tests").join("ap_conformance")
}

fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("ap_conformance")
        .join(name);
    fs::create_dir_all(&dir).expect("create the build directory");
    dir
}

fn running_in_ci() -> bool {
    env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Prints the skip notice and returns, or fails under CI.
fn skip(reason: &str) {
    if running_in_ci() {
        panic!("CI=true, so this test may not be skipped: {reason}");
    }
    println!("SKIPPED: {reason}");
}

fn have_gxx() -> bool {
    Command::new("g++")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The include directory of the reference headers, looked up once per test process.
fn reference_include() -> Result<PathBuf, String> {
    static REFERENCE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    REFERENCE.get_or_init(find_reference_include).clone()
}

/// `AP_TYPES_INCLUDE`, or else the directory printed by the fetch script.
fn find_reference_include() -> Result<PathBuf, String> {
    if let Ok(dir) = env::var("AP_TYPES_INCLUDE") {
        if !dir.is_empty() {
            let dir = PathBuf::from(dir);
            return if dir.join("ap_fixed.h").is_file() {
                Ok(dir)
            } else {
                Err(format!("AP_TYPES_INCLUDE={} has no ap_fixed.h", dir.display()))
            };
        }
    }
    let script = repo_root().join(".ci").join("fetch-ap-types.sh");
    let out = Command::new("bash")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if dir.join("ap_fixed.h").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "{} printed {}, which has no ap_fixed.h",
            script.display(),
            dir.display()
        ))
    }
}

/// The reference include directory, or `None` after printing the skip notice.
fn reference_or_skip() -> Option<PathBuf> {
    if !have_gxx() {
        skip("g++ is not installed");
        return None;
    }
    match reference_include() {
        Ok(dir) => Some(dir),
        Err(e) => {
            skip(&format!("reference ap_types headers unavailable: {e}"));
            None
        }
    }
}

fn tail(bytes: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(bytes);
    if s.len() <= max {
        return s.into_owned();
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    format!("...{}", &s[start..])
}

fn describe_failure(what: &str, out: &Output) -> String {
    format!(
        "{what} failed ({})\n--- stderr ---\n{}\n--- stdout ---\n{}",
        out.status,
        tail(&out.stderr, 6000),
        tail(&out.stdout, 2000)
    )
}

/// One g++ invocation to run.
struct Job {
    label: String,
    cmd: Command,
}

/// Runs the jobs with at most `parallel` of them at once; panics on the first failure.
fn run_jobs(jobs: Vec<Job>, parallel: usize) {
    let mut pending = jobs.into_iter();
    let mut running: Vec<(String, Child)> = Vec::new();
    loop {
        while running.len() < parallel.max(1) {
            match pending.next() {
                Some(mut job) => {
                    let child = job
                        .cmd
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap_or_else(|e| panic!("cannot start {}: {e}", job.label));
                    running.push((job.label, child));
                }
                None => break,
            }
        }
        if running.is_empty() {
            return;
        }
        // Wait for the oldest job (jobs are of similar length; simple and deterministic).
        let (label, child) = running.remove(0);
        let out = child.wait_with_output().unwrap_or_else(|e| panic!("{label}: {e}"));
        if !out.status.success() {
            for (_, mut other) in running {
                let _ = other.kill();
                let _ = other.wait();
            }
            panic!("{}", describe_failure(&label, &out));
        }
    }
}

fn parallelism() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn compile_object(include: &Path, source: &Path, object: &Path, defines: &[&str]) -> Command {
    let mut cmd = Command::new("g++");
    cmd.args(["-std=c++11", "-O0", "-w"])
        .args(defines.iter().map(|d| format!("-D{d}")))
        .arg("-I")
        .arg(include)
        .arg("-I")
        .arg(suite_dir())
        .arg("-c")
        .arg(source)
        .arg("-o")
        .arg(object);
    cmd
}

fn link(objects: &[PathBuf], exe: &Path) {
    let out = Command::new("g++")
        .args(objects)
        .arg("-o")
        .arg(exe)
        .output()
        .expect("run the linker");
    if !out.status.success() {
        panic!("{}", describe_failure(&format!("linking {}", exe.display()), &out));
    }
}

/// Runs a built program and returns its standard output (stderr is ignored: the reference
/// library prints warnings there).
fn run_program(exe: &Path) -> String {
    let out = Command::new(exe)
        .stdin(Stdio::null())
        .output()
        .expect("run the test program");
    if !out.status.success() {
        panic!("{}", describe_failure(&exe.display().to_string(), &out));
    }
    String::from_utf8(out.stdout).expect("the program prints UTF-8")
}

/// Compares two outputs line by line; returns a report of the differences (empty if none).
fn compare_outputs(host: &str, reference: &str) -> String {
    let h: Vec<&str> = host.lines().collect();
    let r: Vec<&str> = reference.lines().collect();
    let mut report = String::new();
    let mut count = 0usize;
    for i in 0..h.len().max(r.len()) {
        let (a, b) = (h.get(i).copied(), r.get(i).copied());
        if a == b {
            continue;
        }
        count += 1;
        if count <= SHOWN_DIFFERENCES {
            report.push_str(&format!(
                "line {}:\n  host:      {}\n  reference: {}\n",
                i + 1,
                a.unwrap_or("<missing>"),
                b.unwrap_or("<missing>")
            ));
        }
    }
    if count > 0 {
        report.insert_str(
            0,
            &format!(
                "{count} differing line(s) (host {} lines, reference {} lines); first ones:\n",
                h.len(),
                r.len()
            ),
        );
    }
    report
}

#[test]
fn host_headers_match_reference_headers() {
    let Some(reference) = reference_or_skip() else {
        return;
    };
    let host = host_include();
    // The host headers twice: with the compiler's 128-bit integers, and with the portable path that
    // 32-bit targets (a Zynq-7000's ARM) take.
    let builds: [(&str, PathBuf, &[&str]); 3] = [
        ("host", host.clone(), &[]),
        ("host-no-int128", host.clone(), &["HLS4ML_AP_NO_INT128"]),
        ("reference", reference.clone(), &[]),
    ];
    let started = Instant::now();
    let mut jobs = Vec::new();
    let mut objects: Vec<Vec<PathBuf>> = Vec::new();
    for (name, include, defines) in &builds {
        let dir = out_dir(name);
        let mut objs = Vec::new();
        for src in SUITE_SOURCES {
            let object = dir.join(Path::new(src).with_extension("o"));
            jobs.push(Job {
                label: format!("compiling {src} against the {name} headers"),
                cmd: compile_object(include, &suite_dir().join(src), &object, defines),
            });
            objs.push(object);
        }
        objects.push(objs);
    }
    // The reference compiles are the slow ones: start them first.
    jobs.sort_by_key(|j| !j.label.ends_with("reference headers"));
    run_jobs(jobs, parallelism());
    let mut outputs = Vec::new();
    for ((name, _, _), objs) in builds.iter().zip(&objects) {
        let exe = out_dir(name).join("conformance");
        link(objs, &exe);
        outputs.push(run_program(&exe));
    }
    let cases = outputs[2].lines().count();
    println!(
        "ap conformance: {cases} cases, built and run in {:.1} s (reference headers: {})",
        started.elapsed().as_secs_f64(),
        reference.display()
    );
    for (host, what) in [(&outputs[0], ""), (&outputs[1], " (without 128-bit integers)")] {
        let report = compare_outputs(host, &outputs[2]);
        assert!(
            report.is_empty(),
            "host headers{what} differ from the reference headers\n{report}"
        );
    }
    assert!(
        cases >= MIN_CASES,
        "only {cases} cases ran, at least {MIN_CASES} expected"
    );
}

/// Compiles `dense_net.cpp` against the given headers; returns the executable and the time.
fn build_dense_net(name: &str, include: &Path) -> (PathBuf, Duration) {
    let exe = out_dir(name).join("dense_net");
    let started = Instant::now();
    let out = Command::new("g++")
        .args(["-std=c++11", "-O0", "-Wno-unknown-pragmas"])
        .arg("-I")
        .arg(include)
        .arg(suite_dir().join("dense_net.cpp"))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run g++");
    let elapsed = started.elapsed();
    if !out.status.success() {
        panic!(
            "{}",
            describe_failure(&format!("compiling dense_net.cpp ({name})"), &out)
        );
    }
    (exe, elapsed)
}

#[test]
fn dense_network_matches_reference_headers() {
    let Some(reference) = reference_or_skip() else {
        return;
    };
    let (host_exe, host_time) = build_dense_net("host", &host_include());
    let (ref_exe, ref_time) = build_dense_net("reference", &reference);
    let host_out = run_program(&host_exe);
    let ref_out = run_program(&ref_exe);
    println!(
        "dense network compile time: host headers {:.2} s, reference headers {:.2} s",
        host_time.as_secs_f64(),
        ref_time.as_secs_f64()
    );
    let report = compare_outputs(&host_out, &ref_out);
    assert!(report.is_empty(), "dense network outputs differ\n{report}");
    assert!(ref_out.lines().count() == 40, "unexpected output:\n{ref_out}");
}

#[test]
fn host_headers_compile_with_all_warnings_and_behave() {
    if !have_gxx() {
        skip("g++ is not installed");
        return;
    }
    let exe = out_dir("check").join("host_headers_check");
    let out = Command::new("g++")
        .args(["-std=c++11", "-Wall", "-Wextra", "-Werror"])
        .arg("-I")
        .arg(host_include())
        .arg(suite_dir().join("host_headers_check.cpp"))
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("run g++");
    assert!(
        out.status.success(),
        "{}",
        describe_failure("compiling host_headers_check.cpp", &out)
    );
    let run = Command::new(&exe)
        .stdin(Stdio::null())
        .output()
        .expect("run the check program");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{}", describe_failure("host_headers_check", &run));
    assert!(
        stdout.contains("host headers check: OK"),
        "unexpected output:\n{stdout}"
    );
    // Reading an empty stream must warn, naming the stream, rather than hang.
    assert!(
        stderr.contains("hls::stream 'layer_out' is read while empty"),
        "missing empty-read warning on stderr:\n{stderr}"
    );
}
