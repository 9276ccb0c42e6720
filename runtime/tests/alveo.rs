//! The Alveo backend against a real XRT library without a card (Debian's `libxrt1`, installed by
//! `scripts/setup-xrt.sh`): opening a card is an error the caller gets, never a dead process.
//!
//! XRT aborts the process (`std::terminate`) when `XILINX_XRT` does not point to an installation, so
//! every case runs in a child process — this test binary run again with `--exact <test>` and
//! `HLS4ML_ALVEO_CASE` set — and the parent asserts the child exited normally and printed the
//! expected error. An abort shows as a failed child, not as a dead test harness.
//!
//! Without `libxrt_coreutil.so.2` those tests print `SKIPPED:` and pass, except under `CI=true`,
//! where they fail.
//!
//! The batch path (buffers, syncs, kernel arguments, runs, timeouts, the error of each XRT call)
//! needs a card; it runs against `alveo/fake_xrt.c`, a stand-in for `libxrt_coreutil.so.2` with
//! XRT's C signatures, compiled with the host's C compiler into an installation folder and loaded
//! through `XILINX_XRT`. Its card memory is apart from the host's mapping of a buffer, its kernel
//! runs only on buffers in the arguments' memory groups, and it logs every call.

use hls4ml_runtime::alveo::{self, Options};
use hls4ml_runtime::bus::{BusLayout, WordType};
use hls4ml_runtime::{Backend, ErrorKind, Family, Interface, Spec};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The variable that makes the test binary run one case instead of spawning it.
const CASE: &str = "HLS4ML_ALVEO_CASE";

fn spec() -> Spec {
    Spec {
        name: "jet_tagger".into(),
        board: "alveo-u50".into(),
        family: Family::Alveo,
        interface: Interface::AxiMaster,
        input: BusLayout::new(WordType::Float, 16, 8).unwrap(),
        output: BusLayout::new(WordType::Float, 5, 8).unwrap(),
        clock_period_ns: 3.33,
    }
}

/// A fresh folder for one case.
fn scratch(label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-alveo-{}", std::process::id()))
        .join(label);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A file XRT would take for an xclbin at first sight: the `xclbin2` magic, then zeros.
fn xclbin(dir: &Path) -> PathBuf {
    let path = dir.join("jet_tagger.xclbin");
    let mut bytes = b"xclbin2\0".to_vec();
    bytes.resize(512, 0);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Says a test did not run, on the process's stderr itself: the test harness captures
/// `eprintln!`, and would hide the message of a passing test.
fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}

/// The folder holding XRT's libraries, found where the dynamic loader finds
/// `libxrt_coreutil.so.2`; `None` (after printing why) when it is not installed.
fn xrt_lib_dir() -> Option<PathBuf> {
    // SAFETY: loading XRT's library runs only its own initialisers; no XRT function is called.
    let library = match unsafe { libloading::Library::new("libxrt_coreutil.so.2") } {
        Ok(l) => l,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("libxrt_coreutil.so.2 cannot be loaded ({e}), and CI=true: run scripts/setup-xrt.sh first");
            }
            skipped(&format!(
                "libxrt_coreutil.so.2 cannot be loaded ({e}); scripts/setup-xrt.sh installs it"
            ));
            return None;
        }
    };
    // SAFETY: only the symbol's address is used, never called.
    let symbol = unsafe { library.get::<*const std::ffi::c_void>(b"xrtDeviceOpen\0") }.expect("xrtDeviceOpen");
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr reads the address and fills `info`; the library stays loaded meanwhile.
    let found = unsafe { libc::dladdr(*symbol, &mut info) };
    assert!(
        found != 0 && !info.dli_fname.is_null(),
        "dladdr found no file for xrtDeviceOpen"
    );
    // SAFETY: dladdr returned a NUL-terminated path owned by the loader.
    let file = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    let file = PathBuf::from(file.to_str().unwrap());
    let dir = std::fs::canonicalize(&file).unwrap().parent().unwrap().to_path_buf();
    assert!(
        dir.join("libxrt_core.so.2").exists(),
        "{} has no libxrt_core.so.2 beside {}",
        dir.display(),
        file.display()
    );
    Some(dir)
}

/// An XRT installation as XRT looks for it: a folder whose `lib/` holds `libxrt_core.so.2` — the
/// layout scripts/setup-xrt.sh makes for Debian's libxrt1 (a `lib` link to its library folder).
fn installation(lib_dir: &Path, label: &str) -> PathBuf {
    let home = scratch(label);
    std::os::unix::fs::symlink(lib_dir, home.join("lib")).unwrap();
    home
}

/// Runs test `name` of this binary again, as case `case`, with `env` applied to the command.
fn child(name: &str, case: &str, env: impl FnOnce(&mut Command)) -> Output {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CASE, case);
    env(&mut command);
    command.output().expect("the test binary runs again")
}

/// Asserts the child exited normally (status 0) and printed `expected`.
fn assert_reported(output: &Output, expected: &[&str]) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the child process did not exit normally ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
    for e in expected {
        assert!(
            stdout.contains(e),
            "expected {e:?} in the child's output:\n{stdout}\n--- stderr\n{stderr}"
        );
    }
}

/// In a child: opens the card as `open` would be called by a program, and prints the outcome.
fn run_case(label: &str) {
    let dir = scratch(&format!("child-{label}"));
    let path = xclbin(&dir);
    for attempt in 1..=2 {
        match alveo::open(&spec(), &path, Options::default()) {
            Ok(_) => println!("attempt {attempt}: opened"),
            Err(e) => println!("attempt {attempt}: error {:?}: {e}", e.kind()),
        }
    }
    println!("{label}: returned normally");
}

/// The case this process runs, when it is a child.
fn case() -> Option<String> {
    std::env::var(CASE).ok()
}

#[test]
fn without_xilinx_xrt_open_says_the_environment_is_not_set_up() {
    if let Some(label) = case() {
        return run_case(&label);
    }
    if xrt_lib_dir().is_none() {
        return;
    }
    let out = child(
        "without_xilinx_xrt_open_says_the_environment_is_not_set_up",
        "unset",
        |c| {
            c.env_remove("XILINX_XRT");
        },
    );
    assert_reported(
        &out,
        &[
            "attempt 1: error Xrt: XRT's environment is not set up (XILINX_XRT is not set",
            "source /opt/xilinx/xrt/setup.sh",
            "attempt 2: error Xrt: XRT's environment is not set up",
            "unset: returned normally",
        ],
    );
}

#[test]
fn with_xilinx_xrt_set_to_an_installation_open_reports_no_card() {
    if let Some(label) = case() {
        return run_case(&label);
    }
    let Some(lib) = xrt_lib_dir() else { return };
    let home = installation(&lib, "installation");
    let out = child(
        "with_xilinx_xrt_set_to_an_installation_open_reports_no_card",
        "installed",
        |c| {
            c.env("XILINX_XRT", &home);
        },
    );
    // XRT itself answers here: xrtDeviceOpen returns NULL, the first time with errno set (ENOENT
    // from Debian's libxrt1; a second attempt in the same process leaves errno 0).
    assert_reported(
        &out,
        &[
            "attempt 1: error Xrt: no Alveo card found: xrtDeviceOpen(0) returned NULL: ",
            "attempt 2: error Xrt: no Alveo card found: xrtDeviceOpen(0) returned NULL: ",
            "installed: returned normally",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().find(|l| l.contains("attempt 1: ")).unwrap();
    assert!(first.contains("(os error "), "no errno text from XRT: {first}");
}

#[test]
fn with_xilinx_xrt_set_to_a_folder_that_is_no_installation_open_refuses_before_xrt_aborts() {
    if let Some(label) = case() {
        return run_case(&label);
    }
    if xrt_lib_dir().is_none() {
        return;
    }
    let empty = scratch("not-an-installation");
    let file = empty.join("a-file");
    std::fs::write(&file, b"").unwrap();
    let name = "with_xilinx_xrt_set_to_a_folder_that_is_no_installation_open_refuses_before_xrt_aborts";
    let out = child(name, "empty", |c| {
        c.env("XILINX_XRT", &empty);
    });
    assert_reported(
        &out,
        &[
            &format!(
                "attempt 1: error Xrt: XILINX_XRT={} is not an XRT installation",
                empty.display()
            ),
            "holds no libxrt_core.so.2",
            "empty: returned normally",
        ],
    );
    let out = child(name, "file", |c| {
        c.env("XILINX_XRT", &file);
    });
    assert_reported(
        &out,
        &[
            &format!("attempt 1: error Xrt: XILINX_XRT={} is not a folder", file.display()),
            "file: returned normally",
        ],
    );
}

/// The control: calling XRT directly the way `open` would without its check does kill the
/// process, so the checks above are what keeps it alive (and a child's abort is seen as one).
#[test]
fn xrt_itself_aborts_the_process_when_its_environment_is_not_set_up() {
    if case().is_some() {
        // SAFETY: the signature of xrtDeviceOpen in xrt_device.h; this call is expected to abort.
        unsafe {
            let library = libloading::Library::new("libxrt_coreutil.so.2").unwrap();
            let open = library
                .get::<unsafe extern "C" fn(std::ffi::c_uint) -> *mut std::ffi::c_void>(b"xrtDeviceOpen\0")
                .unwrap();
            let device = open(0);
            println!("xrtDeviceOpen returned {device:?}");
        }
        return;
    }
    let Some(lib) = xrt_lib_dir() else { return };
    let name = "xrt_itself_aborts_the_process_when_its_environment_is_not_set_up";
    let empty = scratch("control-empty");
    for (label, value) in [("unset", None), ("empty", Some(empty.as_path()))] {
        let out = child(name, label, |c| match value {
            None => {
                c.env_remove("XILINX_XRT");
            }
            Some(v) => {
                c.env("XILINX_XRT", v);
            }
        });
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGABRT),
            "{label}: XRT did not abort ({}); stdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("xrtDeviceOpen returned"),
            "{label}"
        );
    }
    // With an installation, the same direct call returns (NULL, no card) and the child lives.
    let home = installation(&lib, "control-installation");
    let out = child(name, "installed", |c| {
        c.env("XILINX_XRT", &home);
    });
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("xrtDeviceOpen returned 0x0"));
}

// --- The batch path, against the stand-in XRT -----------------------------------------------------

/// An installation folder holding `alveo/fake_xrt.c` compiled as `lib/libxrt_coreutil.so.2` (and
/// an empty `lib/libxrt_core.so.2`, what the backend's environment check looks for); `None`
/// (after printing why) without a C compiler, a failure under `CI=true`.
fn fake_installation(label: &str) -> Option<PathBuf> {
    let home = scratch(label);
    let lib = home.join("lib");
    std::fs::create_dir_all(&lib).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/alveo/fake_xrt.c");
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&compiler)
        .args(["-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o"])
        .arg(lib.join("libxrt_coreutil.so.2"))
        .arg(&source)
        .output();
    match output {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "{compiler} failed on {}:\n{}",
            source.display(),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("no C compiler ({compiler}: {e}), and CI=true");
            }
            skipped(&format!(
                "no C compiler ({compiler}: {e}); the Alveo batch tests did not run"
            ));
            return None;
        }
    }
    std::fs::write(lib.join("libxrt_core.so.2"), b"").unwrap();
    Some(home)
}

/// Runs case `case` of test `name` in a child whose XRT is the stand-in; returns the child's
/// output and the stand-in's call log.
fn with_fake_xrt(name: &str, case: &str) -> Option<(Output, String)> {
    let home = fake_installation(&format!("fake-{case}"))?;
    let log = home.join("calls.log");
    let out = child(name, case, |c| {
        c.env("XILINX_XRT", &home).env("FAKE_XRT_LOG", &log);
    });
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    Some((out, calls))
}

/// Word `i` of a packed buffer of 32-bit little-endian words.
fn word(bytes: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap())
}

/// `n` samples of 16 input words, all different.
fn batch(n: usize, seed: u32) -> Vec<u8> {
    (0..n as u32 * 16)
        .flat_map(|k| k.wrapping_mul(2_654_435_761).wrapping_add(seed).to_le_bytes())
        .collect()
}

/// What the stand-in's kernel computes (see fake_xrt.c), written out independently here:
/// `out[s][j] = (sum of in[s][*]) * (j + 1) + s`, modulo 2^32.
fn expected(input: &[u8], n: usize) -> Vec<u32> {
    let mut out = Vec::new();
    for s in 0..n {
        let sum = (0..16).fold(0u32, |a, i| a.wrapping_add(word(input, s * 16 + i)));
        out.extend((0..5u32).map(|j| sum.wrapping_mul(j + 1).wrapping_add(s as u32)));
    }
    out
}

/// The lines of the call log that start with `prefix`.
fn calls<'a>(log: &'a str, prefix: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn batches_move_through_buffers_in_the_kernels_memory_groups_and_come_back_right() {
    if case().is_some() {
        let dir = scratch("child-batches");
        let mut backend = alveo::open(&spec(), &xclbin(&dir), Options::default()).unwrap();
        assert!(
            backend.describe().contains("jet_tagger_axi on Alveo card 0"),
            "{}",
            backend.describe()
        );
        for (round, n) in [3usize, 1, 1000, 2].into_iter().enumerate() {
            let input = batch(n, round as u32);
            let mut output = vec![0u8; n * 5 * 4];
            let moved = backend.run(&input, &mut output, n).unwrap();
            let got: Vec<u32> = (0..n * 5).map(|i| word(&output, i)).collect();
            assert_eq!(got, expected(&input, n), "batch of {n}");
            assert!(moved > Duration::ZERO, "no time spent moving data for {n} samples");
        }
        assert_eq!(backend.run(&[], &mut [], 0).unwrap(), Duration::ZERO);
        let e = backend.run(&[0; 60], &mut [0; 20], 1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Argument, "{e}");
        println!("batches: checked");
        return;
    }
    let name = "batches_move_through_buffers_in_the_kernels_memory_groups_and_come_back_right";
    let Some((out, log)) = with_fake_xrt(name, "batches") else {
        return;
    };
    assert_reported(&out, &["batches: checked"]);
    // The kernel's groups (3 for `in`, 5 for `out`), page-sized buffers, grown once for 1000
    // samples (64000 and 20000 bytes) and reused for the batch of 2 after it.
    assert_eq!(
        calls(&log, "xrtBOAlloc"),
        [
            "xrtBOAlloc 4096 flags 0 group 3",
            "xrtBOAlloc 4096 flags 0 group 5",
            "xrtBOAlloc 65536 flags 0 group 3",
            "xrtBOAlloc 20480 flags 0 group 5",
        ],
        "{log}"
    );
    // Each batch syncs exactly its bytes: in before the run, out after it.
    assert_eq!(
        calls(&log, "xrtBOSync"),
        [
            "xrtBOSync to-device 192 at 0",
            "xrtBOSync from-device 60 at 0",
            "xrtBOSync to-device 64 at 0",
            "xrtBOSync from-device 20 at 0",
            "xrtBOSync to-device 64000 at 0",
            "xrtBOSync from-device 20000 at 0",
            "xrtBOSync to-device 128 at 0",
            "xrtBOSync from-device 40 at 0",
        ],
        "{log}"
    );
    assert_eq!(
        calls(&log, "xrtRunStart"),
        [
            "xrtRunStart n 3",
            "xrtRunStart n 1",
            "xrtRunStart n 1000",
            "xrtRunStart n 2"
        ]
    );
    assert_eq!(
        calls(&log, "xrtRunWaitFor"),
        vec!["xrtRunWaitFor 10000"; 4],
        "the default timeout is 10 s"
    );
    assert_eq!(calls(&log, "xrtPLKernelOpen"), ["xrtPLKernelOpen jet_tagger_axi"]);
    assert_eq!(
        calls(&log, "xrtDeviceClose"),
        ["xrtDeviceClose; objects still open: 0"],
        "{log}"
    );
}

#[test]
fn a_run_that_does_not_finish_times_out_and_keeps_its_buffers_until_it_ends() {
    if case().is_some() {
        std::env::set_var("FAKE_XRT_HANG", "1");
        let dir = scratch("child-hang");
        let options = Options {
            timeout: Duration::from_millis(50),
            ..Options::default()
        };
        let mut backend = alveo::open(&spec(), &xclbin(&dir), options).unwrap();
        let input = batch(2, 0);
        let e = backend.run(&input, &mut [0; 40], 2).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
        assert!(
            e.message()
                .contains("did not finish a batch of 2 samples within 50ms (xrtRunWaitFor: ERT_CMD_STATE_RUNNING)"),
            "{e}"
        );
        let e = backend.run(&input, &mut [0; 40], 2).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Busy, "{e}");
        assert!(e.message().contains("still running the batch that timed out"), "{e}");
        println!("hang: checked");
        return;
    }
    let name = "a_run_that_does_not_finish_times_out_and_keeps_its_buffers_until_it_ends";
    let Some((out, log)) = with_fake_xrt(name, "hang") else {
        return;
    };
    assert_reported(&out, &["hang: checked"]);
    assert_eq!(
        calls(&log, "xrtRunStart").len(),
        1,
        "a second run started on busy buffers:\n{log}"
    );
    // Dropping the backend waits for the run before freeing the buffers it uses.
    let tail: Vec<&str> = log.lines().skip_while(|l| !l.starts_with("xrtRunState")).collect();
    assert_eq!(
        tail[1..4],
        ["xrtRunWaitFor 50", "xrtRunClose", "xrtBOFree 4096"],
        "the drop did not wait, close the run, then free:\n{log}"
    );
    assert_eq!(calls(&log, "xrtDeviceClose"), ["xrtDeviceClose; objects still open: 0"]);
}

#[test]
fn each_failing_xrt_call_is_named_with_its_return_code_and_nothing_leaks() {
    if case().is_some() {
        let dir = scratch("child-failures");
        let path = xclbin(&dir);
        let input = batch(1, 0);
        let cases: &[(&str, &str)] = &[
            (
                "xrtDeviceLoadXclbinFile",
                &format!(
                    "xrtDeviceLoadXclbinFile({}) failed with return code -5 (Input/output error",
                    path.display()
                ),
            ),
            (
                "xrtKernelArgGroupId",
                "xrtKernelArgGroupId(jet_tagger_axi, 0) failed with return code -5 (Input/output",
            ),
            (
                "xrtBOAlloc",
                "xrtBOAlloc(4096 bytes for argument in, memory group 3) returned NULL: Input/output error",
            ),
            ("xrtBOMap", "xrtBOMap(argument in) returned NULL: Input/output error"),
            (
                "xrtBOSync",
                "xrtBOSync(in, to the card, 64 bytes) failed with return code -5 (Input/output error",
            ),
            (
                "xrtRunStart",
                "xrtRunStart(jet_tagger_axi) failed with return code -5 (Input/output error",
            ),
            (
                "xrtRunWaitFor",
                "kernel jet_tagger_axi ended a batch of 1 samples in ERT_CMD_STATE_ABORT",
            ),
        ];
        for &(function, message) in cases {
            std::env::set_var("FAKE_XRT_FAIL", function);
            let e = match alveo::open(&spec(), &path, Options::default()) {
                Err(e) => e,
                Ok(mut backend) => backend.run(&input, &mut [0; 20], 1).unwrap_err(),
            };
            assert_eq!(e.kind(), ErrorKind::Xrt, "{function}: {e}");
            assert!(e.message().contains(message), "{function}: expected {message:?} in {e}");
            println!("{function}: {e}");
        }
        std::env::remove_var("FAKE_XRT_FAIL");
        let second = Options {
            device: 1,
            ..Options::default()
        };
        let e = alveo::open(&spec(), &path, second).unwrap_err();
        assert!(
            e.message()
                .starts_with("no Alveo card found: xrtDeviceOpen(1) returned NULL: No such device"),
            "{e}"
        );
        std::env::set_var("FAKE_XRT_KERNEL", "another_axi");
        let e = alveo::open(&spec(), &path, Options::default()).unwrap_err();
        assert!(
            e.message()
                .starts_with("xrtPLKernelOpen(jet_tagger_axi) (is jet_tagger_axi the kernel's name in "),
            "{e}"
        );
        assert!(
            e.message().ends_with("returned NULL: Invalid argument (os error 22)"),
            "{e}"
        );
        println!("failures: checked");
        return;
    }
    let name = "each_failing_xrt_call_is_named_with_its_return_code_and_nothing_leaks";
    let Some((out, log)) = with_fake_xrt(name, "failures") else {
        return;
    };
    assert_reported(&out, &["failures: checked"]);
    // Every opened device was closed with nothing left open, whichever call failed.
    let opened = calls(&log, "xrtDeviceOpen 0").len();
    assert_eq!(opened, 8, "{log}");
    assert_eq!(
        calls(&log, "xrtDeviceClose; objects still open: 0").len(),
        opened,
        "{log}"
    );
}
