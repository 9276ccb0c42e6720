//! `hls4ml build` and `hls4ml package` against stand-ins for the Xilinx tools: small shell scripts
//! on a `PATH` of their own that record how they were called and fail or succeed on demand. They
//! prove the commands run the right tools, in order, with the right arguments, stop at the first
//! failure, and pack the files the tools wrote; not that the real tools accept the scripts (the Tcl
//! tests do that).
#![cfg(unix)]

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The bitstream and handoff bytes the stand-in `vivado` writes.
const BIT: &[u8] = b"\x00\x09\x0f\xf0 bitstream of jet_tagger";
const HWH: &[u8] = b"<?xml version=\"1.0\"?><EDKSYSTEM/>";

/// A temporary copy of `models/jet_tagger/`, with a `bin/` folder that is the whole `PATH` of the
/// commands run in it.
struct Sandbox {
    root: PathBuf,
    bin: PathBuf,
    toml: PathBuf,
    project: PathBuf,
}

impl Sandbox {
    /// The jet tagger on its pynq-z2, or with `edit` applied to its TOML's text.
    fn new(label: &str, edit: impl Fn(String) -> String) -> Sandbox {
        let root = std::env::temp_dir()
            .join(format!("hls4ml-cli-build-{}", std::process::id()))
            .join(label);
        let _ = std::fs::remove_dir_all(&root);
        let bin = root.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/jet_tagger");
        std::fs::copy(models.join("jet_tagger.keras"), root.join("jet_tagger.keras")).unwrap();
        let text = std::fs::read_to_string(models.join("jet_tagger.toml")).unwrap();
        assert!(
            text.contains("output_dir = \"hls4ml_prj_pynq\""),
            "the example's output_dir changed"
        );
        let toml = root.join("jet_tagger.toml");
        std::fs::write(&toml, edit(text)).unwrap();
        Sandbox {
            project: root.join("hls4ml_prj_pynq"),
            root,
            bin,
            toml,
        }
    }

    /// Writes a stand-in tool `name` into `bin/`: a shell script that first records its name and
    /// arguments (one call per line, `|`-separated) in `calls.txt`, then runs `body` in the folder
    /// it was started in.
    fn stand_in(&self, name: &str, body: &str) {
        let sh = system_tool("sh").expect("a POSIX shell on PATH");
        let calls = self.root.join("calls.txt");
        let script = format!(
            "#!{}\nprintf '%s|' '{name}' \"$@\" >> '{}'\necho >> '{}'\n{body}\n",
            sh.display(),
            calls.display(),
            calls.display()
        );
        let path = self.bin.join(name);
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Puts the system's `name` into `bin/`; false when the system has none.
    fn link_system_tool(&self, name: &str) -> bool {
        match system_tool(name) {
            Some(real) => {
                std::os::unix::fs::symlink(real, self.bin.join(name)).unwrap();
                true
            }
            None => false,
        }
    }

    /// Runs `hls4ml <args>` in the sandbox with `bin/` as the whole `PATH`.
    fn hls4ml(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_hls4ml"))
            .args(args)
            .current_dir(&self.root)
            .env("PATH", &self.bin)
            .env_remove("XILINX_HLS")
            .output()
            .unwrap()
    }

    /// Removes the sandbox (kept when a test fails, to look at).
    fn remove(self) {
        std::fs::remove_dir_all(&self.root).unwrap();
        // The suite's folder goes with its last sandbox.
        if let Some(suite) = self.root.parent() {
            let _ = std::fs::remove_dir(suite);
        }
    }

    /// The TOML's path as the commands take it.
    fn toml(&self) -> &str {
        self.toml.to_str().unwrap()
    }

    /// The recorded calls of the stand-ins, each as its name followed by its arguments.
    fn calls(&self) -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(self.root.join("calls.txt")).unwrap_or_default();
        text.lines()
            .map(|l| l.strip_suffix('|').unwrap_or(l).split('|').map(String::from).collect())
            .collect()
    }
}

/// `name` on the test's own `PATH`.
fn system_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a failed run (exit status 1) and returns its stderr.
fn failed(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout:\n{}\nstderr:\n{err}",
        text(&out.stdout)
    );
    err
}

/// Asserts a successful run and returns its stdout.
fn succeeded(out: &Output) -> String {
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&out.stderr)
    );
    stdout
}

/// The entries of a `.tar.gz`: names and contents, in archive order.
fn read_archive(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut entries = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        assert_eq!(entry.header().entry_type(), tar::EntryType::Regular);
        let name = entry.path().unwrap().to_str().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        entries.push((name, data));
    }
    entries
}

/// The files in the project folder a board needs beside the bitstream: found by listing the
/// folder, independently of how `package` chooses them.
fn drivers_on_disk(project: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(project)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.ends_with("_driver.py") || n.ends_with("_driver.h")
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_str().unwrap().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

fn sorted(mut v: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    v.sort();
    v
}

/// The stand-in `vivado_hls` / `vitis_hls` that succeeds: it checks it runs in the project folder
/// and prints a progress line as build_prj.tcl does.
const HLS_OK: &str = "[ -f build_prj.tcl ] || { echo 'ERROR: build_prj.tcl is not here'; exit 2; }
echo 'INFO: [HLS 200-10] Running'
echo 'build_prj.tcl: C synthesis done in 0h00m01s'
exit 0";

/// The stand-in `vivado` that writes the bitstream and the handoff where design.tcl would.
fn vivado_ok() -> String {
    let impl_dir = "jet_tagger_vivado_accelerator/project_1.runs/impl_1";
    let hwh_dir = "jet_tagger_vivado_accelerator/project_1.srcs/sources_1/bd/design_1/hw_handoff";
    format!(
        "[ -f design.tcl ] || {{ echo 'ERROR: design.tcl is not here'; exit 2; }}
mkdir -p {impl_dir} {hwh_dir}
printf '{}' > {impl_dir}/design_1_wrapper.bit
printf '%s' '{}' > {hwh_dir}/design_1.hwh
echo 'design.tcl: bitstream written'
exit 0",
        BIT.iter().map(|b| format!("\\{b:03o}")).collect::<String>(),
        String::from_utf8_lossy(HWH)
    )
}

#[test]
fn build_without_the_vendor_tools_names_them_and_runs_nothing() {
    let sb = Sandbox::new("no-tools", |t| t);
    // Vivado is there, no HLS tool: the bitstream cannot be made, and Vivado must not start.
    sb.stand_in("vivado", "exit 0");
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--bitfile"]));
    assert!(err.contains("vivado_hls or vitis_hls not found on PATH"), "{err}");
    assert!(err.contains("Vivado HLS") && err.contains("settings64.sh"), "{err}");
    assert!(!err.contains("vivado not found"), "{err}");
    assert!(sb.calls().is_empty(), "{:?}", sb.calls());
    assert!(
        !sb.project.exists(),
        "the project was written although nothing could run"
    );

    // Nothing at all on PATH: every missing tool is named at once.
    std::fs::remove_file(sb.bin.join("vivado")).unwrap();
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--bitfile"]));
    assert!(err.contains("vivado_hls or vitis_hls not found on PATH"), "{err}");
    assert!(
        err.contains("vivado not found on PATH") && err.contains("design.tcl"),
        "{err}"
    );
    // Without --bitfile, only HLS is needed.
    let err = failed(&sb.hls4ml(&["build", sb.toml()]));
    assert!(err.contains("vivado_hls or vitis_hls not found on PATH"), "{err}");
    assert!(!err.contains("vivado not found"), "{err}");

    sb.remove();

    // [hls] tool = "vivado_hls": vitis_hls on PATH does not stand in for it.
    let sb = Sandbox::new("wrong-tool", vivado_hls_tool);
    sb.stand_in("vitis_hls", "exit 0");
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--synth"]));
    assert!(
        err.contains("vivado_hls not found on PATH") && err.contains("[hls] tool"),
        "{err}"
    );
    assert!(sb.calls().is_empty());
    sb.remove();
}

#[test]
fn a_failing_hls_run_shows_its_error_lines_and_the_log_and_stops_the_build() {
    let sb = Sandbox::new("hls-fails", |t| t);
    sb.stand_in(
        "vivado_hls",
        "echo 'INFO: [HLS 200-10] Analyzing design file firmware/jet_tagger.cpp'
echo 'ERROR: [HLS 200-70] Compilation errors found: In file included from firmware/jet_tagger.cpp:1:'
echo 'firmware/jet_tagger.cpp:7:3: error: unknown type name nope' >&2
echo 'INFO: [HLS 200-111] Finished Command csynth_design'
exit 1",
    );
    sb.stand_in("vivado", "exit 0");
    let out = sb.hls4ml(&["build", sb.toml(), "--bitfile", "--jobs", "3"]);
    let err = failed(&out);
    assert!(
        err.contains("ERROR: [HLS 200-70] Compilation errors found: In file included from firmware/jet_tagger.cpp:1:"),
        "{err}"
    );
    assert!(
        err.contains("firmware/jet_tagger.cpp:7:3: error: unknown type name nope"),
        "{err}"
    );
    assert!(
        !err.contains("INFO: [HLS 200-111]"),
        "only error lines are shown:\n{err}"
    );
    assert!(err.contains("exit status 1"), "{err}");
    let log = sb.project.join("build_hls.log");
    assert!(
        err.contains(&log.display().to_string()),
        "the log's path is shown:\n{err}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("INFO: [HLS 200-111] Finished Command csynth_design"),
        "{logged}"
    );
    assert!(
        logged.contains("unknown type name nope"),
        "stderr is logged too:\n{logged}"
    );
    // vivado_hls ran once, Vivado never.
    let calls = sb.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0][0], "vivado_hls");
    // No bitstream: nothing to package.
    let err = failed(&sb.hls4ml(&["package", sb.toml()]));
    assert!(err.contains("design_1_wrapper.bit"), "{err}");
    sb.remove();
}

#[test]
fn a_vivado_run_that_exits_0_with_error_lines_fails() {
    let sb = Sandbox::new("vivado-error-exit-0", |t| t);
    sb.stand_in("vivado_hls", HLS_OK);
    sb.stand_in(
        "vivado",
        "echo 'INFO: [Common 17-206] Exiting Vivado'
echo \"ERROR: [Vivado 12-1345] Error(s) found during DRC. Bitgen not run.\"
exit 0",
    );
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--bitfile"]));
    assert!(
        err.contains("ERROR: [Vivado 12-1345] Error(s) found during DRC. Bitgen not run."),
        "{err}"
    );
    assert!(
        err.contains(&sb.project.join("build_bitstream.log").display().to_string()),
        "{err}"
    );
    assert!(err.contains("exited with status 0"), "{err}");
    let names: Vec<String> = sb.calls().into_iter().map(|c| c[0].clone()).collect();
    assert_eq!(names, ["vivado_hls", "vivado"]);
    sb.remove();
}

#[test]
fn build_bitfile_runs_hls_then_vivado_and_package_packs_bit_hwh_and_drivers() {
    let sb = Sandbox::new("zynq", |t| t);
    sb.stand_in("vivado_hls", HLS_OK);
    sb.stand_in("vivado", &vivado_ok());
    assert!(sb.link_system_tool("mkdir"), "mkdir is needed by the stand-in vivado");

    let out = succeeded(&sb.hls4ml(&["build", sb.toml(), "--bitfile", "--jobs", "3"]));
    assert_eq!(
        sb.calls(),
        [
            vec![
                "vivado_hls",
                "-f",
                "build_prj.tcl",
                "csim=0 synth=1 cosim=0 export=1 tool=vivado_hls"
            ],
            vec![
                "vivado",
                "-mode",
                "batch",
                "-source",
                "design.tcl",
                "-tclargs",
                "jobs=3"
            ],
        ]
    );
    let bit = sb
        .project
        .join("jet_tagger_vivado_accelerator/project_1.runs/impl_1/design_1_wrapper.bit");
    let hwh = sb
        .project
        .join("jet_tagger_vivado_accelerator/project_1.srcs/sources_1/bd/design_1/hw_handoff/design_1.hwh");
    assert_eq!(std::fs::read(&bit).unwrap(), BIT, "the stand-in wrote the bitstream");
    assert!(out.contains(&bit.display().to_string()), "{out}");
    assert!(out.contains(&hwh.display().to_string()), "{out}");
    assert!(out.contains("hls4ml report"), "{out}");
    assert!(
        out.contains("build_prj.tcl: C synthesis done in 0h00m01s"),
        "progress lines are shown:\n{out}"
    );
    assert!(
        !out.contains("INFO: [HLS 200-10]"),
        "the tool's other lines go to the log only:\n{out}"
    );
    for log in ["build_hls.log", "build_bitstream.log"] {
        assert!(out.contains(&sb.project.join(log).display().to_string()), "{out}");
    }
    assert!(std::fs::read_to_string(sb.project.join("build_hls.log"))
        .unwrap()
        .contains("INFO: [HLS 200-10] Running"));

    // The package: the bitstream and handoff under their new names, and the drivers.
    let out = succeeded(&sb.hls4ml(&["package", sb.toml()]));
    let archive = sb.project.join("package.tar.gz");
    assert!(out.contains(&archive.display().to_string()), "{out}");
    let drivers = drivers_on_disk(&sb.project);
    let driver_names: Vec<&str> = drivers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(driver_names, ["axi_stream_driver.py", "jet_tagger_driver.h"]);
    let mut expected = vec![
        ("hls4ml_nn.bit".to_string(), BIT.to_vec()),
        ("hls4ml_nn.hwh".to_string(), HWH.to_vec()),
    ];
    expected.extend(drivers.clone());
    assert_eq!(sorted(read_archive(&archive)), sorted(expected));

    // --name and -o.
    let custom = sb.root.join("custom.tar.gz");
    succeeded(&sb.hls4ml(&["package", sb.toml(), "--name", "tagger", "-o", custom.to_str().unwrap()]));
    let mut expected = vec![
        ("tagger.bit".to_string(), BIT.to_vec()),
        ("tagger.hwh".to_string(), HWH.to_vec()),
    ];
    expected.extend(drivers);
    assert_eq!(sorted(read_archive(&custom)), sorted(expected));

    // Without the handoff: a clear error naming it and the command that makes it, no archive.
    std::fs::remove_file(&hwh).unwrap();
    let missing = sb.root.join("missing.tar.gz");
    let err = failed(&sb.hls4ml(&["package", sb.toml(), "-o", missing.to_str().unwrap()]));
    assert!(err.contains(&hwh.display().to_string()), "{err}");
    assert!(err.contains(&format!("hls4ml build {} --bitfile", sb.toml())), "{err}");
    assert!(
        !err.contains("design_1_wrapper.bit"),
        "only the missing file is named:\n{err}"
    );
    assert!(!missing.exists());

    // A bad --name is a usage error.
    let out = sb.hls4ml(&["package", sb.toml(), "--name", "a/b"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    sb.remove();
}

#[test]
fn steps_bring_their_prerequisites_and_vitis_hls_is_preferred() {
    let sb = Sandbox::new("steps", |t| t);
    sb.stand_in("vivado_hls", HLS_OK);
    sb.stand_in("vitis_hls", HLS_OK);
    // No step: C simulation and C synthesis; Vitis HLS takes its options after -tclargs.
    succeeded(&sb.hls4ml(&["build", sb.toml()]));
    succeeded(&sb.hls4ml(&["build", sb.toml(), "--cosim"]));
    succeeded(&sb.hls4ml(&["build", sb.toml(), "--csim", "--export"]));
    let hls = |opts: &str| -> Vec<String> {
        ["vitis_hls", "-f", "build_prj.tcl", "-tclargs", opts]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    assert_eq!(
        sb.calls(),
        [
            hls("csim=1 synth=1 cosim=0 export=0 tool=vitis_hls"),
            hls("csim=0 synth=1 cosim=1 export=0 tool=vitis_hls"),
            hls("csim=1 synth=1 cosim=0 export=1 tool=vitis_hls"),
        ]
    );
    // The second build found the project written: nothing rewritten.
    let out = succeeded(&sb.hls4ml(&["build", sb.toml(), "--synth"]));
    assert!(out.contains("(0 files written,"), "{out}");

    sb.remove();

    // [hls] tool = "vivado_hls" is obeyed even with Vitis HLS on PATH.
    let sb = Sandbox::new("steps-vivado-hls", vivado_hls_tool);
    sb.stand_in("vivado_hls", HLS_OK);
    sb.stand_in("vitis_hls", HLS_OK);
    succeeded(&sb.hls4ml(&["build", sb.toml(), "--synth"]));
    assert_eq!(
        sb.calls(),
        [vec![
            "vivado_hls",
            "-f",
            "build_prj.tcl",
            "csim=0 synth=1 cosim=0 export=0 tool=vivado_hls"
        ]]
    );

    // Bad --jobs: a usage error before anything runs.
    let out = sb.hls4ml(&["build", sb.toml(), "--bitfile", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(sb.calls().len(), 1);
    sb.remove();
}

/// The jet tagger with `[hls] tool = "vivado_hls"`.
fn vivado_hls_tool(text: String) -> String {
    assert!(text.contains("[hls]\n") && !text.contains("\ntool ="));
    text.replace("[hls]\n", "[hls]\ntool = \"vivado_hls\"\n")
}

/// The jet tagger on an Alveo U50.
fn alveo(text: String) -> String {
    assert!(text.contains("name = \"pynq-z2\"") && text.contains("interface = \"axi_stream\""));
    text.replace("name = \"pynq-z2\"", "name = \"alveo-u50\"")
        .replace("interface = \"axi_stream\"", "interface = \"axi_master\"")
}

#[test]
fn alveo_build_links_with_v_plus_plus_through_link_tcl_and_packages_the_xclbin() {
    let sb = Sandbox::new("alveo", alveo);
    if !sb.link_system_tool("tclsh") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tclsh is missing, and CI=true: the Alveo build runs link.tcl with it");
        }
        eprintln!("SKIPPED: tclsh is absent (the Alveo build runs link.tcl with it)");
        sb.remove();
        return;
    }
    // Without v++, nothing runs.
    sb.stand_in("vitis_hls", &format!("{HLS_OK}\n"));
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--bitfile"]));
    assert!(err.contains("v++ not found on PATH"), "{err}");
    assert!(sb.calls().is_empty());

    // vitis_hls exports the kernel link.tcl checks for; v++ writes the binary named by --output.
    sb.stand_in(
        "vitis_hls",
        "[ -f build_prj.tcl ] || exit 2\nprintf 'xo' > jet_tagger_axi.xo\nexit 0",
    );
    sb.stand_in(
        "v++",
        "[ -f connectivity.cfg ] || { echo 'ERROR: connectivity.cfg is not here'; exit 2; }
out=; prev=
for a in \"$@\"; do
    if [ \"$prev\" = --output ]; then out=$a; fi
    prev=$a
done
printf 'xclbin2 %s' \"$out\" > \"$out\"",
    );
    let out = succeeded(&sb.hls4ml(&["build", sb.toml(), "--bitfile", "--jobs", "2"]));
    let calls = sb.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0],
        [
            "vitis_hls",
            "-f",
            "build_prj.tcl",
            "-tclargs",
            "csim=0 synth=1 cosim=0 export=1 tool=vitis_hls"
        ]
    );
    let link = &calls[1];
    assert_eq!(link[..2], ["v++", "--link"]);
    let after = |flag: &str| link.iter().position(|a| a == flag).map(|i| link[i + 1].as_str());
    assert_eq!(after("--platform"), Some("xilinx_u50_gen3x16_xdma_201920_3"));
    assert_eq!(after("--vivado.synth.jobs"), Some("2"));
    assert_eq!(after("--vivado.impl.jobs"), Some("2"));
    assert_eq!(after("--output"), Some("jet_tagger.xclbin"));
    assert_eq!(link.last().map(String::as_str), Some("jet_tagger_axi.xo"));
    let xclbin = sb.project.join("jet_tagger.xclbin");
    assert!(out.contains(&xclbin.display().to_string()), "{out}");
    assert!(
        out.contains("link.tcl: "),
        "link.tcl's progress lines are shown:\n{out}"
    );

    succeeded(&sb.hls4ml(&["package", sb.toml()]));
    let drivers = drivers_on_disk(&sb.project);
    assert_eq!(drivers.len(), 1);
    assert_eq!(drivers[0].0, "alveo_driver.py");
    let mut expected = vec![("hls4ml_nn.xclbin".to_string(), b"xclbin2 jet_tagger.xclbin".to_vec())];
    expected.extend(drivers);
    assert_eq!(
        sorted(read_archive(&sb.project.join("package.tar.gz"))),
        sorted(expected)
    );

    // A failing link: v++'s error reaches the user through link.tcl.
    sb.stand_in(
        "v++",
        "echo 'ERROR: [v++ 60-626] Kernel link failed to complete' >&2\nexit 1",
    );
    let err = failed(&sb.hls4ml(&["build", sb.toml(), "--bitfile"]));
    assert!(
        err.contains("ERROR: [v++ 60-626] Kernel link failed to complete"),
        "{err}"
    );
    assert!(
        err.contains(&sb.project.join("build_link.log").display().to_string()),
        "{err}"
    );
    assert!(
        err.contains("link.tcl: v++ --link failed"),
        "Tcl's error message is shown:\n{err}"
    );
    assert!(
        !err.contains("error \"link.tcl"),
        "not the source lines of Tcl's stack trace:\n{err}"
    );
    assert!(!err.contains("later steps"), "the link is the last step:\n{err}");
    sb.remove();
}
