//! `hls4ml build`: write the project, then run the vendor tools on it, step after step.
//!
//! ```text
//! build_prj.tcl   vivado_hls -f build_prj.tcl "csim=.. synth=.. cosim=.. export=.. tool=.."
//!                 vitis_hls -f build_prj.tcl -tclargs "csim=.. synth=.. cosim=.. export=.. tool=.."
//! design.tcl      vivado -mode batch -source design.tcl -tclargs jobs=N        (Zynq: the bitstream)
//! link.tcl        tclsh link.tcl jobs=N, which runs v++ --link                 (Alveo: the .xclbin)
//! ```
//!
//! Every tool a step needs is looked up on `PATH` before anything runs. Each tool's whole output
//! goes to `build_<step>.log` in the project folder; the terminal gets one line when a step starts
//! and ends, the scripts' own progress lines, and a sparse "still running" line. A step fails when
//! its tool exits non-zero or its output has error lines (Vivado can exit 0 after an `ERROR:`);
//! then its error lines and the log's path are shown and no later step runs.

use crate::args::{Args, CliError};
use hls4ml_codegen::config::{Family, Tool};
use hls4ml_codegen::Project;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The error lines shown when a tool fails; the rest are counted.
const MAX_ERROR_LINES: usize = 20;

/// How often the running tool's log is read for progress lines.
const POLL: Duration = Duration::from_millis(200);

/// The steps asked for on the command line, before their prerequisites are added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Steps {
    /// C simulation of the accelerator's testbench.
    pub csim: bool,
    /// C synthesis to RTL.
    pub synth: bool,
    /// C/RTL co-simulation (needs synth).
    pub cosim: bool,
    /// IP (Zynq) or kernel `.xo` (Alveo) export (needs synth).
    pub export: bool,
    /// Bitstream (Zynq) or `.xclbin` (Alveo) (needs export).
    pub bitfile: bool,
}

impl Steps {
    /// The steps to run: with none asked for, C simulation and C synthesis (hls4ml's `build()`
    /// default); otherwise the ones asked for and their prerequisites (bitfile → export → synth,
    /// cosim → synth).
    pub fn resolved(self) -> Steps {
        let mut s = self;
        if s == Steps::default() {
            s.csim = true;
            s.synth = true;
        }
        s.export |= s.bitfile;
        s.synth |= s.cosim || s.export;
        s
    }

    /// True when `build_prj.tcl` has something to do.
    fn any_hls(&self) -> bool {
        self.csim || self.synth || self.cosim || self.export
    }

    /// The `key=value` options of `build_prj.tcl`, every step explicit (the script's defaults are
    /// csim=1 synth=1).
    fn hls_options(&self, tool: &str) -> String {
        let bit = |b: bool| if b { 1 } else { 0 };
        format!(
            "csim={} synth={} cosim={} export={} tool={tool}",
            bit(self.csim),
            bit(self.synth),
            bit(self.cosim),
            bit(self.export)
        )
    }

    /// The HLS steps in words, for the progress lines.
    fn hls_names(&self) -> String {
        let names = [
            (self.csim, "C simulation"),
            (self.synth, "C synthesis"),
            (self.cosim, "co-simulation"),
            (self.export, "export"),
        ];
        names
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The bitstream `design.tcl` writes (Zynq), in project folder `dir` of model `name`.
pub fn zynq_bitstream(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}_vivado_accelerator"))
        .join("project_1.runs/impl_1/design_1_wrapper.bit")
}

/// The hardware handoff `design.tcl` writes (Zynq).
pub fn zynq_hwh(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}_vivado_accelerator"))
        .join("project_1.srcs/sources_1/bd/design_1/hw_handoff/design_1.hwh")
}

/// The FPGA binary `link.tcl` writes for the hardware target (Alveo).
pub fn alveo_xclbin(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.xclbin"))
}

/// One run of one tool.
struct Invocation {
    /// What it does, for the progress lines.
    what: String,
    /// The tool's name as the user knows it (for messages).
    tool: String,
    /// The executable found on `PATH`.
    program: PathBuf,
    /// Its arguments.
    args: Vec<String>,
    /// `build_<step>.log`, in the project folder.
    log_name: &'static str,
    /// The script whose `<script>: …` lines are shown as progress.
    script: &'static str,
}

/// A tool the build needs and did not find on `PATH`, with what it is for.
struct Missing {
    tool: String,
    why: String,
}

/// Runs `hls4ml build <toml> [--csim] [--synth] [--cosim] [--export] [--bitfile] [--jobs N]`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let steps = Steps {
        csim: args.get("csim").is_some(),
        synth: args.get("synth").is_some(),
        cosim: args.get("cosim").is_some(),
        export: args.get("export").is_some(),
        bitfile: args.get("bitfile").is_some(),
    }
    .resolved();
    let jobs = match args.get("jobs") {
        Some(j) => j
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| CliError::Usage(format!("`--jobs {j}`: the number of jobs is a positive integer")))?,
        None => std::thread::available_parallelism().map_or(4, |n| n.get()),
    };

    let p = args.project()?;
    let (files, warnings) = hls4ml_codegen::generate(&p)?;
    for w in &warnings {
        eprint!("{}", w.render());
    }
    // Every tool is found before anything is written or run.
    let plan = plan(&p, steps, jobs)?;

    let dir = p.config.hls.output_dir.clone();
    let stats = files.write_to(&dir)?;
    println!(
        "wrote the project of `{}` to {} ({} files written, {} unchanged)",
        p.name(),
        dir.display(),
        stats.written,
        stats.unchanged
    );

    let start = Instant::now();
    let started = std::time::SystemTime::now();
    let total = plan.len();
    for (i, inv) in plan.iter().enumerate() {
        run_step(&dir, inv, i + 1, total)?;
    }
    let name = p.name();
    let family = p.config.board.board.family;
    if steps.bitfile {
        // The scripts check their outputs too; a tool that exits happily without them is caught here.
        let outputs = match family {
            Family::Alveo => vec![alveo_xclbin(&dir, name)],
            Family::Zynq7000 | Family::ZynqMp => vec![zynq_bitstream(&dir, name), zynq_hwh(&dir, name)],
        };
        let log = dir.join(plan.last().map_or("", |inv| inv.log_name));
        for out in &outputs {
            if !out.is_file() {
                return Err(CliError::Failed(format!(
                    "error: the build finished, but {} was not written\n  the full output is in {}",
                    out.display(),
                    log.display()
                )));
            }
            // Older than the build (with a margin for coarse file times): left by an earlier run.
            let stale = std::fs::metadata(out)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t + Duration::from_secs(2) < started);
            if stale {
                eprintln!(
                    "warning: {} is older than this build: it was left by an earlier run (see {})",
                    out.display(),
                    log.display()
                );
            }
        }
    }

    println!("build of `{name}` done in {}", duration(start.elapsed()));
    let solution = dir.join(format!("{name}_prj")).join("solution1");
    println!("  HLS project:      {}", solution.display());
    if steps.synth {
        let report = solution.join("syn/report").join(format!("{name}_axi_csynth.rpt"));
        println!("  C synthesis:      {}", report.display());
    }
    if steps.export {
        match family {
            Family::Alveo => println!("  kernel:           {}", dir.join(format!("{name}_axi.xo")).display()),
            Family::Zynq7000 | Family::ZynqMp => println!("  IP:               {}", solution.join("impl/ip").display()),
        }
    }
    if steps.bitfile {
        match family {
            Family::Alveo => println!("  FPGA binary:      {}", alveo_xclbin(&dir, name).display()),
            Family::Zynq7000 | Family::ZynqMp => {
                println!("  bitstream:        {}", zynq_bitstream(&dir, name).display());
                println!("  hardware handoff: {}", zynq_hwh(&dir, name).display());
            }
        }
    }
    let toml = args.toml.display();
    println!("next: `hls4ml report {toml}` prints the reports");
    if steps.bitfile {
        println!("      `hls4ml package {toml}` packs the board's files into package.tar.gz");
    }
    Ok(())
}

/// The tools to run, in order; an error naming every missing tool when one is not on `PATH`.
fn plan(p: &Project, steps: Steps, jobs: usize) -> Result<Vec<Invocation>, CliError> {
    let family = p.config.board.board.family;
    let mut missing = Vec::new();
    let mut plan = Vec::new();

    if steps.any_hls() {
        let need_vitis = family == Family::Alveo;
        let hls = match p.config.hls.tool {
            Tool::Auto if need_vitis => found("vitis_hls"),
            Tool::Auto => found("vitis_hls").or_else(|| found("vivado_hls")),
            Tool::VitisHls => found("vitis_hls"),
            Tool::VivadoHls => found("vivado_hls"),
        };
        match hls {
            Some((tool, program)) => {
                let options = steps.hls_options(&tool);
                let args = if tool == "vitis_hls" {
                    vec!["-f".into(), "build_prj.tcl".into(), "-tclargs".into(), options]
                } else {
                    vec!["-f".into(), "build_prj.tcl".into(), options]
                };
                plan.push(Invocation {
                    what: format!("HLS ({}) with {tool}", steps.hls_names()),
                    tool,
                    program,
                    args,
                    log_name: "build_hls.log",
                    script: "build_prj.tcl",
                });
            }
            None => {
                let (tool, why) = match (p.config.hls.tool, need_vitis) {
                    (_, true) => (
                        "vitis_hls",
                        "the Alveo kernel (.xo) is made by Vitis HLS (2020.2 or newer); source the Vitis \
                         settings64.sh",
                    ),
                    (Tool::Auto, false) => (
                        "vivado_hls or vitis_hls",
                        "C simulation and synthesis need Vivado HLS (2020.1 or older) or Vitis HLS (2020.2 or \
                         newer); source the Xilinx settings64.sh",
                    ),
                    (Tool::VivadoHls, false) => (
                        "vivado_hls",
                        "[hls] tool = \"vivado_hls\": C simulation and synthesis need Vivado HLS (2020.1 or \
                         older); source its settings64.sh, or set tool = \"auto\"",
                    ),
                    (Tool::VitisHls, false) => (
                        "vitis_hls",
                        "[hls] tool = \"vitis_hls\": C simulation and synthesis need Vitis HLS (2020.2 or \
                         newer); source its settings64.sh, or set tool = \"auto\"",
                    ),
                };
                missing.push(Missing {
                    tool: tool.into(),
                    why: why.into(),
                });
            }
        }
    }

    if steps.bitfile {
        match family {
            Family::Zynq7000 | Family::ZynqMp => match found("vivado") {
                Some((tool, program)) => plan.push(Invocation {
                    what: format!("bitstream (block design, synthesis, implementation) with vivado, {jobs} jobs"),
                    tool,
                    program,
                    args: ["-mode", "batch", "-source", "design.tcl", "-tclargs"]
                        .iter()
                        .map(|s| s.to_string())
                        .chain([format!("jobs={jobs}")])
                        .collect(),
                    log_name: "build_bitstream.log",
                    script: "design.tcl",
                }),
                None => missing.push(Missing {
                    tool: "vivado".into(),
                    why: "the block design and the bitstream (design.tcl) need Vivado; source the Xilinx \
                          settings64.sh"
                        .into(),
                }),
            },
            Family::Alveo => {
                let tclsh = found("tclsh");
                if tclsh.is_none() {
                    missing.push(Missing {
                        tool: "tclsh".into(),
                        why: "link.tcl runs in a Tcl shell; install Tcl (the tcl package of your system)".into(),
                    });
                }
                if found("v++").is_none() {
                    missing.push(Missing {
                        tool: "v++".into(),
                        why: "linking the kernel into an .xclbin needs Vitis's v++; source the Vitis settings64.sh"
                            .into(),
                    });
                }
                if let Some((tool, program)) = tclsh {
                    plan.push(Invocation {
                        what: format!("FPGA binary (v++ --link) with {tool} link.tcl, {jobs} jobs"),
                        tool,
                        program,
                        args: vec!["link.tcl".into(), format!("jobs={jobs}")],
                        log_name: "build_link.log",
                        script: "link.tcl",
                    });
                }
            }
        }
    }

    if missing.is_empty() {
        return Ok(plan);
    }
    let mut msg = String::new();
    for m in &missing {
        msg.push_str(&format!("error: {} not found on PATH: {}\n", m.tool, m.why));
    }
    msg.push_str("nothing was run");
    Err(CliError::Failed(msg))
}

/// The tool `name` on `PATH`: its name and the executable.
fn found(name: &str) -> Option<(String, PathBuf)> {
    find_on_path(name).map(|p| (name.to_string(), p))
}

/// The first executable file called `name` in the folders of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| !d.as_os_str().is_empty())
        .flat_map(|d| candidates(&d, name))
        .find(|c| is_executable(c))
}

#[cfg(windows)]
fn candidates(dir: &Path, name: &str) -> Vec<PathBuf> {
    // The Xilinx tools are batch files on Windows.
    ["", ".exe", ".bat", ".cmd"]
        .iter()
        .map(|ext| dir.join(format!("{name}{ext}")))
        .collect()
}

#[cfg(not(windows))]
fn candidates(dir: &Path, name: &str) -> Vec<PathBuf> {
    vec![dir.join(name)]
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs one tool in the project folder, its output to its log; an error when it fails.
fn run_step(dir: &Path, inv: &Invocation, index: usize, total: usize) -> Result<(), CliError> {
    let log_path = dir.join(inv.log_name);
    let fail = |what: String| CliError::Failed(format!("error: {what}"));
    let mut log =
        File::create(&log_path).map_err(|e| fail(format!("cannot create the log {}: {e}", log_path.display())))?;
    let command_line = std::iter::once(inv.tool.clone())
        .chain(inv.args.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ");
    {
        use std::io::Write;
        writeln!(log, "# {command_line}\n# in {}", dir.display())
            .map_err(|e| fail(format!("cannot write the log {}: {e}", log_path.display())))?;
    }
    let stdout = log
        .try_clone()
        .map_err(|e| fail(format!("{}: {e}", log_path.display())))?;
    println!("[{index}/{total}] {}: {command_line}", inv.what);
    println!("      log: {}", log_path.display());

    // Opened before the tool starts, at the end of the header, so no line of the tool is missed.
    let mut tail = LogTail::open(&log_path, inv.script);
    let start = Instant::now();
    let mut child = Command::new(&inv.program)
        .args(&inv.args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(log)
        .spawn()
        .map_err(|e| fail(format!("cannot run {} ({}): {e}", inv.tool, inv.program.display())))?;

    let mut next_report = report_interval(Duration::ZERO);
    let status: ExitStatus = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(fail(format!("waiting for {}: {e}", inv.tool))),
        }
        std::thread::sleep(POLL);
        tail.forward();
        let elapsed = start.elapsed();
        if elapsed >= next_report {
            println!("      still running: {} {}", inv.what, duration(elapsed));
            next_report = elapsed + report_interval(elapsed);
        }
    };
    tail.forward();
    let elapsed = start.elapsed();

    let text = std::fs::read(&log_path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let errors = error_lines(&text);
    if status.success() && errors.is_empty() {
        println!("[{index}/{total}] done in {}: {}", duration(elapsed), inv.what);
        return Ok(());
    }
    let why = match (status.success(), status.code()) {
        (true, _) => "it exited with status 0, but its output has error lines".to_string(),
        (false, Some(code)) => format!("exit status {code}"),
        (false, None) => "killed by a signal".to_string(),
    };
    let mut msg = format!("error: {} failed after {} ({why})\n", inv.what, duration(elapsed));
    if errors.is_empty() {
        msg.push_str("  no error line in its output; its last lines:\n");
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines[lines.len().saturating_sub(10)..] {
            msg.push_str(&format!("    {line}\n"));
        }
    } else {
        for line in errors.iter().take(MAX_ERROR_LINES) {
            msg.push_str(&format!("    {line}\n"));
        }
        if errors.len() > MAX_ERROR_LINES {
            msg.push_str(&format!(
                "    … and {} more error lines\n",
                errors.len() - MAX_ERROR_LINES
            ));
        }
    }
    msg.push_str(&format!("  the full output is in {}", log_path.display()));
    if index < total {
        msg.push_str("\n  the later steps were not run");
    }
    Err(CliError::Failed(msg))
}

/// Quotes an argument for the command line shown to the user, when it needs it.
fn quote(arg: &str) -> String {
    if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || c == '"') {
        format!("\"{}\"", arg.replace('"', "\\\""))
    } else {
        arg.to_string()
    }
}

/// Follows a growing log and prints the lines a script writes about its own progress
/// (`build_prj.tcl: C synthesis done in …`).
struct LogTail {
    file: Option<File>,
    prefix: String,
    pending: Vec<u8>,
}

impl LogTail {
    fn open(path: &Path, script: &str) -> LogTail {
        let mut file = File::open(path).ok();
        // Skip the command line written before the tool started.
        if let Some(f) = file.as_mut() {
            let _ = f.seek(SeekFrom::End(0));
        }
        LogTail {
            file,
            prefix: format!("{script}:"),
            pending: Vec::new(),
        }
    }

    fn forward(&mut self) {
        let Some(file) = self.file.as_mut() else { return };
        let mut chunk = Vec::new();
        if file.read_to_end(&mut chunk).is_err() || chunk.is_empty() {
            return;
        }
        self.pending.extend_from_slice(&chunk);
        let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') else {
            return;
        };
        let complete: Vec<u8> = self.pending.drain(..=end).collect();
        for line in String::from_utf8_lossy(&complete).lines() {
            if line.starts_with(&self.prefix) {
                println!("      {line}");
            }
        }
    }
}

/// The lines of a tool's output that say what went wrong: `ERROR: …` (Vivado, Vivado HLS),
/// `error: …` (at the start of a line: indented ones are the source lines of Tcl's stack traces),
/// compiler diagnostics (`file.cpp:3:1: error: …`), and the message of an uncaught Tcl error (the
/// line before Tcl's `while executing` trace).
pub fn error_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |line: &str| {
        let line = line.trim_end();
        if !line.trim().is_empty() && !out.iter().any(|l| l == line) {
            out.push(line.to_string());
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let head = line.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        let error_word = head.eq_ignore_ascii_case("error") && line.len() > head.len();
        let compiler = t.contains(": error:") || t.contains(": fatal error:");
        if error_word || compiler {
            push(line);
        } else if t == "while executing" && i > 0 && !lines[i - 1].starts_with(char::is_whitespace) {
            push(lines[i - 1]);
        }
    }
    out
}

/// How long until the next "still running" line, `elapsed` into a step: every 30 s at first,
/// sparser as the step goes on (a fifth of the time spent), at most every 5 minutes.
pub fn report_interval(elapsed: Duration) -> Duration {
    (elapsed / 5).clamp(Duration::from_secs(30), Duration::from_secs(300))
}

/// `3m10s`, `1h02m03s`, `12s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m{sec:02}s"),
        (h, m, sec) => format!("{h}h{m:02}m{sec:02}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prerequisites_are_added_and_the_default_is_csim_and_synth() {
        let none = Steps::default().resolved();
        assert_eq!(
            none,
            Steps {
                csim: true,
                synth: true,
                ..Steps::default()
            }
        );
        let bit = Steps {
            bitfile: true,
            ..Steps::default()
        }
        .resolved();
        assert_eq!(
            bit.hls_options("vivado_hls"),
            "csim=0 synth=1 cosim=0 export=1 tool=vivado_hls"
        );
        assert!(bit.bitfile);
        let cosim = Steps {
            cosim: true,
            ..Steps::default()
        }
        .resolved();
        assert_eq!(
            cosim.hls_options("vitis_hls"),
            "csim=0 synth=1 cosim=1 export=0 tool=vitis_hls"
        );
        assert_eq!(cosim.hls_names(), "C synthesis, co-simulation");
    }

    #[test]
    fn error_lines_are_vivado_errors_compiler_errors_and_tcl_messages() {
        let log = "\
INFO: [HLS 200-10] Analyzing design file 'firmware/jet_tagger.cpp' ...
ERROR: [HLS 200-70] Compilation errors found: In file included from firmware/jet_tagger.cpp:1:
firmware/jet_tagger.cpp:12:5: error: use of undeclared identifier 'x'
WARNING: [HLS 200-40] errors are not warnings
Errors are fine in the middle of a sentence
design.tcl: the IP xilinx.com:hls:jet_tagger_axi:1.0 has not been exported
    while executing
\"if {1} {
    error \\\"design.tcl: ...\\\"
}\"
    (file \"design.tcl\" line 31)
error: something
ERROR: [HLS 200-70] Compilation errors found: In file included from firmware/jet_tagger.cpp:1:
";
        assert_eq!(
            error_lines(log),
            vec![
                "ERROR: [HLS 200-70] Compilation errors found: In file included from firmware/jet_tagger.cpp:1:",
                "firmware/jet_tagger.cpp:12:5: error: use of undeclared identifier 'x'",
                "design.tcl: the IP xilinx.com:hls:jet_tagger_axi:1.0 has not been exported",
                "error: something",
            ]
        );
        assert!(error_lines("INFO: all good\nerrors=0\n").is_empty());
    }

    #[test]
    fn still_running_lines_get_sparser_but_never_closer_than_30_seconds() {
        assert_eq!(report_interval(Duration::ZERO), Duration::from_secs(30));
        assert_eq!(report_interval(Duration::from_secs(120)), Duration::from_secs(30));
        assert_eq!(report_interval(Duration::from_secs(600)), Duration::from_secs(120));
        assert_eq!(report_interval(Duration::from_secs(7200)), Duration::from_secs(300));
        // Over a two-hour run: a few dozen lines, not hundreds.
        let mut t = Duration::ZERO;
        let mut lines = 0;
        loop {
            t += report_interval(t);
            if t > Duration::from_secs(7200) {
                break;
            }
            lines += 1;
        }
        assert!((20..=40).contains(&lines), "{lines} lines");
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(Duration::from_secs(12)), "12s");
        assert_eq!(duration(Duration::from_secs(190)), "3m10s");
        assert_eq!(duration(Duration::from_secs(3723)), "1h02m03s");
    }
}
