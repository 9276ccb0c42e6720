//! The AXI wrappers (`firmware/<P>_axi.cpp`) and their testbench (`<P>_axi_test.cpp`), compiled with
//! g++ against the host headers (and the genuine Xilinx `ap_*` headers when `AP_TYPES_INCLUDE` names
//! them) and run on the 1000 reference samples of each model:
//!
//! - every interface × bus type (float, double, a fixed type narrower than its word, unsigned fixed
//!   types, fixed types padded to 32 and 64 bits) on the jet tagger (io_parallel, logits: negative
//!   outputs) and on a conv model (io_stream): the testbench reports no protocol violation, and
//!   every output word equals the Rust emulator's outputs encoded with `Bus::encode`, bit for bit
//!   (padding bits included); the decoded outputs equal `Bus::decode` of those words;
//! - AXI4-Stream: the 1000 samples go through one stream with TLAST on the very last word only, and
//!   TLAST comes out on the very last output word only; with TLAST raised mid-batch (after sample 3,
//!   and inside a sample), the output TLAST follows the invocations whose input had it;
//! - the testbench fails on a wrapper that breaks the protocol (TLAST, the word layout).

mod common;

use hls4ml_codegen::accel::bus::Bus;
use hls4ml_codegen::ir::LayerKind;
use hls4ml_codegen::{accel, hls, host_headers, Project};
use hls4ml_runtime::emu;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// A model under test.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ModelId {
    /// The repository's jet tagger, io_parallel, its output softmax skipped (negative outputs).
    JetTagger,
    /// `../shared/models/conv2d_small_keras` (ONNX, 8×8×1 → conv → … → softmax), io_stream.
    Conv2d,
}

impl ModelId {
    fn label(self) -> &'static str {
        match self {
            ModelId::JetTagger => "jet_tagger",
            ModelId::Conv2d => "conv2d_small_keras",
        }
    }

    /// The model's folder, or `None` (after the skip message) when it is absent.
    fn dir(self) -> Option<PathBuf> {
        match self {
            ModelId::JetTagger => Some(common::repo_models().join("jet_tagger")),
            ModelId::Conv2d => common::shared_model("conv2d_small_keras"),
        }
    }
}

/// A model loaded once: the TOML text up to `[board]`, the extra `[hls]` and `[layers]` text, the
/// emulator and the reference inputs.
struct Model {
    id: ModelId,
    dir: PathBuf,
    source: String,
    tail: String,
    emulator: emu::Model,
    x: Vec<f32>,
    y_float: Option<Vec<f32>>,
}

/// Every model that is present, loaded once per test run.
fn models() -> &'static [Model] {
    static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
    MODELS.get_or_init(|| {
        [ModelId::JetTagger, ModelId::Conv2d]
            .into_iter()
            .filter_map(|id| id.dir().map(|dir| load_model(id, dir)))
            .collect()
    })
}

fn load_model(id: ModelId, dir: PathBuf) -> Model {
    let (source, io) = match id {
        ModelId::JetTagger => ("keras = \"jet_tagger.keras\"".to_string(), "io_parallel"),
        ModelId::Conv2d => ("onnx = \"conv2d_small_keras.onnx\"".to_string(), "io_stream"),
    };
    let source = format!("[model]\nname = \"{}\"\n{source}\n", id.label());
    let mut tail = format!("\n[hls]\nio_type = \"{io}\"\n");
    if id == ModelId::JetTagger {
        // Logits: outputs of both signs, so the sign extension of fixed-point words is exercised.
        let plain = parse(&dir, &format!("{source}\n[board]\nname = \"pynq-z2\"\n{tail}"));
        let out = plain.graph.output();
        assert!(
            matches!(out.kind, LayerKind::Softmax),
            "the jet tagger ends with a softmax"
        );
        tail.push_str(&format!("\n[layers.{}]\nskip = true\n", out.name));
    }
    let project = parse(&dir, &format!("{source}\n[board]\nname = \"pynq-z2\"\n{tail}"));
    let emulator = hls4ml_codegen::emulate::model(&project.graph).unwrap_or_else(|e| panic!("{e:?}"));
    let x = hls4ml_runtime::npy::read_f32(dir.join("X.npy")).unwrap();
    assert_eq!(x.row_len(), emulator.input_size(), "{}: X.npy rows", id.label());
    assert_eq!(x.rows(), 1000, "{}: X.npy holds the 1000 reference samples", id.label());
    let y_float = match id {
        // The logits are not the float model's outputs.
        ModelId::JetTagger => None,
        ModelId::Conv2d => Some(hls4ml_runtime::npy::read_f32(dir.join("y_float.npy")).unwrap().data),
    };
    Model {
        id,
        dir,
        source,
        tail,
        emulator,
        x: x.data,
        y_float,
    }
}

/// Parses a TOML text as if it sat in the model's folder.
fn parse(dir: &Path, text: &str) -> Project {
    Project::parse(dir.join("axi_wrappers.toml"), text).unwrap_or_else(|e| panic!("{}\n{text}", e.render()))
}

/// The bus types under test, (input, output): float and double; a fixed type narrower than its
/// 16-bit word, signed and unsigned; fixed types padded to 32 and to 64 bits (mixed with float).
const BUSES: &[(&str, &str)] = &[
    ("float", "float"),
    ("double", "double"),
    ("ap_fixed<14,6>", "ap_fixed<14,6>"),
    ("ap_ufixed<12,4,AP_RND,AP_SAT>", "ap_ufixed<12,5,AP_RND,AP_SAT>"),
    ("ap_fixed<24,8,AP_RND_CONV,AP_SAT>", "float"),
    ("float", "ap_fixed<40,12>"),
];

const INTERFACES: &[&str] = &["axi_stream", "axi_lite", "axi_master"];

/// One wrapper: a model over an interface with a pair of bus types.
#[derive(Clone, Copy)]
struct Case {
    model: &'static Model,
    interface: &'static str,
    input: &'static str,
    output: &'static str,
}

impl Case {
    fn label(&self) -> String {
        let clean = |t: &str| {
            t.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        };
        format!(
            "{}-{}-{}-{}",
            self.model.id.label(),
            self.interface,
            clean(self.input),
            clean(self.output)
        )
    }

    fn project(&self) -> Project {
        let board = format!(
            "\n[board]\nname = \"pynq-z2\"\ninterface = \"{}\"\ninput_type = \"{}\"\noutput_type = \"{}\"\n",
            self.interface, self.input, self.output
        );
        parse(
            &self.model.dir,
            &format!("{}{board}{}", self.model.source, self.model.tail),
        )
    }
}

fn every_case() -> Vec<Case> {
    let mut cases = vec![];
    for model in models() {
        for &interface in INTERFACES {
            for &(input, output) in BUSES {
                cases.push(Case {
                    model,
                    interface,
                    input,
                    output,
                });
            }
        }
    }
    cases
}

// --- Building ------------------------------------------------------------------------------------

/// Which `ap_*` headers a build uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Headers {
    /// Ours (`host_include/`), with `-Wall -Wextra -Werror`.
    Host,
    /// The genuine Xilinx headers in this folder ahead of ours, which still provide `hls_stream.h`
    /// and `ap_axi_sdata.h` (their own code is not warning-clean: `-w`).
    Xilinx(PathBuf),
}

impl Headers {
    fn tag(&self) -> &'static str {
        match self {
            Headers::Host => "host",
            Headers::Xilinx(_) => "xilinx",
        }
    }
}

/// A generated project, written to its folder.
struct Written {
    dir: PathBuf,
    name: String,
    input: Bus,
    output: Bus,
    /// The wrapper's source, to make broken variants from.
    wrapper: String,
}

/// Writes the firmware, the wrapper (only its three files) and the reference data of a case.
fn write_case(case: &Case, dir: &Path) -> Written {
    let project = case.project();
    let (firmware, _) = hls::firmware(&project).unwrap_or_else(|e| panic!("{}: {e}", case.label()));
    firmware.write_to(dir).unwrap();
    let name = project.name().to_string();
    let all = accel::files(&project).unwrap_or_else(|e| panic!("{}: {e}", case.label()));
    let ours = [
        format!("firmware/{name}_axi.h"),
        format!("firmware/{name}_axi.cpp"),
        format!("{name}_axi_test.cpp"),
    ];
    for path in &ours {
        let text = all
            .text(path)
            .unwrap_or_else(|| panic!("{}: {path} was not generated", case.label()));
        std::fs::write(dir.join(path), text).unwrap();
    }
    host_headers::files().write_to(dir.join(host_headers::FOLDER)).unwrap();
    // Only the two headers the Xilinx set lacks, alone in their folder, so that their own
    // `#include "ap_int.h"` finds the Xilinx one.
    let axi_only = dir.join("axi_include");
    std::fs::create_dir_all(&axi_only).unwrap();
    for header in ["hls_stream.h", "ap_axi_sdata.h"] {
        std::fs::copy(dir.join(host_headers::FOLDER).join(header), axi_only.join(header)).unwrap();
    }
    let m = case.model;
    let n_in = m.emulator.input_size();
    std::fs::write(dir.join("tb_data/tb_input_features.dat"), rows(&m.x, n_in)).unwrap();
    let predictions = dir.join("tb_data/tb_output_predictions.dat");
    match &m.y_float {
        Some(y) => std::fs::write(predictions, rows(y, m.emulator.output_size())).unwrap(),
        None => std::fs::remove_file(predictions).unwrap(),
    }
    let accel = accel::Accel::new(&project).unwrap();
    Written {
        dir: dir.to_path_buf(),
        wrapper: all.text(&ours[1]).unwrap().to_string(),
        name,
        input: accel.input,
        output: accel.output,
    }
}

/// Values as the testbench data files hold them: one sample per line, each `f32` in a form that
/// reads back to the same number.
fn rows(values: &[f32], per_row: usize) -> String {
    let mut s = String::from("# reference samples\n");
    for row in values.chunks(per_row) {
        let line: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        s.push_str(&line.join(" "));
        s.push('\n');
    }
    s
}

/// Compiler flags and include folders (relative to a project folder) for a header set.
fn flags(headers: &Headers) -> Vec<String> {
    let mut f: Vec<String> = [
        "-std=c++11",
        "-O1",
        "-Wall",
        "-Wextra",
        "-Wno-unknown-pragmas",
        "-I",
        "firmware",
    ]
    .map(String::from)
    .to_vec();
    match headers {
        Headers::Host => f.extend(["-Werror", "-I", host_headers::FOLDER].map(String::from)),
        Headers::Xilinx(dir) => {
            f.extend(["-w", "-I", "axi_include", "-I"].map(String::from));
            f.push(dir.display().to_string());
        }
    }
    f
}

/// Compiles `source` (relative to `dir`) into `object`.
fn compile(dir: &Path, headers: &Headers, source: &str, object: &Path, extra: &[String]) -> Result<(), String> {
    let mut args = flags(headers);
    args.extend(extra.iter().cloned());
    args.extend(["-c".into(), source.into(), "-o".into(), object.display().to_string()]);
    common::gxx(&args, dir)
}

/// The firmware objects of one test: compiled once for every case whose firmware is the same (the
/// bus types and the interface do not change it) and header set; removed with the test.
struct Objects {
    dir: PathBuf,
    cache: Mutex<HashMap<u64, Slot<Result<PathBuf, String>>>>,
}

/// A value computed once, by whichever thread asks first.
type Slot<T> = Arc<OnceLock<T>>;

impl Objects {
    fn new(test: &str) -> Objects {
        Objects {
            dir: common::fresh_dir("axi_wrappers", &format!("objects-{test}")),
            cache: Mutex::default(),
        }
    }

    /// The firmware's object for a written case.
    fn firmware(&self, w: &Written, headers: &Headers) -> Result<PathBuf, String> {
        let mut hasher = DefaultHasher::new();
        headers.hash(&mut hasher);
        let mut paths: Vec<PathBuf> = walk(&w.dir.join("firmware"));
        paths.sort();
        for path in &paths {
            let rel = path.strip_prefix(&w.dir).unwrap();
            if rel.to_string_lossy().contains("_axi.") {
                continue;
            }
            rel.hash(&mut hasher);
            std::fs::read(path).unwrap().hash(&mut hasher);
        }
        let key = hasher.finish();
        let slot = self.cache.lock().unwrap().entry(key).or_default().clone();
        slot.get_or_init(|| {
            let object = self.dir.join(format!("firmware-{key:016x}.o"));
            common::on_a_free_core(|| compile(&w.dir, headers, &format!("firmware/{}.cpp", w.name), &object, &[]))?;
            Ok(object)
        })
        .clone()
    }
}

impl Drop for Objects {
    fn drop(&mut self) {
        common::discard(&self.dir);
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The objects of a built case: the firmware's (shared) and the wrapper's.
struct Built {
    firmware: PathBuf,
    wrapper: PathBuf,
}

/// Compiles the firmware (once) and the wrapper of a written case.
fn build(w: &Written, headers: &Headers, objects: &Objects) -> Result<Built, String> {
    let firmware = objects.firmware(w, headers)?;
    let wrapper = w.dir.join(format!("wrapper-{}.o", headers.tag()));
    common::on_a_free_core(|| compile(&w.dir, headers, &format!("firmware/{}_axi.cpp", w.name), &wrapper, &[]))?;
    Ok(Built { firmware, wrapper })
}

/// Compiles the wrapper and its testbench as one translation unit (the headers are read once, not
/// twice), links it with the firmware and runs it.
fn run_unity(w: &Written, headers: &Headers, objects: &Objects) -> Result<TbRun, String> {
    let firmware = objects.firmware(w, headers)?;
    let unity = format!(
        "// The wrapper and its testbench in one translation unit.\n#include \"firmware/{0}_axi.cpp\"\n#include \"{0}_axi_test.cpp\"\n",
        w.name
    );
    std::fs::write(w.dir.join("unity.cpp"), unity).unwrap();
    let object = w.dir.join(format!("unity-{}.o", headers.tag()));
    let exe = w.dir.join(format!("testbench-{}", headers.tag()));
    common::on_a_free_core(|| -> Result<(), String> {
        compile(&w.dir, headers, "unity.cpp", &object, &[])?;
        let args = [
            firmware.display().to_string(),
            object.display().to_string(),
            "-o".into(),
            exe.display().to_string(),
        ];
        common::gxx(&args, &w.dir)
    })?;
    execute(w, &exe)
}

/// What a testbench run printed and wrote.
struct TbRun {
    ok: bool,
    stdout: String,
    /// Per output word: its bits and its TLAST mark.
    words: Vec<(u64, bool)>,
    /// The decoded values, as text.
    values: Vec<String>,
}

/// Compiles the testbench (with `defines`), links it with `objects` and runs it in the project
/// folder.
fn run_testbench(
    w: &Written,
    headers: &Headers,
    objects: &[&Path],
    defines: &[String],
    tag: &str,
) -> Result<TbRun, String> {
    let test_object = w.dir.join(format!("test-{tag}.o"));
    let exe = w.dir.join(format!("testbench-{tag}"));
    common::on_a_free_core(|| -> Result<(), String> {
        compile(
            &w.dir,
            headers,
            &format!("{}_axi_test.cpp", w.name),
            &test_object,
            defines,
        )?;
        let mut args: Vec<String> = objects.iter().map(|p| p.display().to_string()).collect();
        args.extend([
            test_object.display().to_string(),
            "-o".into(),
            exe.display().to_string(),
        ]);
        common::gxx(&args, &w.dir)
    })?;
    execute(w, &exe)
}

/// Runs a testbench in the project folder and reads its logs.
fn execute(w: &Written, exe: &Path) -> Result<TbRun, String> {
    let out = Command::new(exe)
        .current_dir(&w.dir)
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let read = |f: &str| std::fs::read_to_string(w.dir.join("tb_data").join(f)).unwrap_or_default();
    let mut words = vec![];
    for token in read("csim_words.log").split_whitespace() {
        let (hex, last) = match token.strip_suffix('L') {
            Some(h) => (h, true),
            None => (token, false),
        };
        let bits = u64::from_str_radix(hex, 16).map_err(|e| format!("bad word `{token}` in the words log: {e}"))?;
        words.push((bits, last));
    }
    let values = read("csim_results.log").split_whitespace().map(String::from).collect();
    Ok(TbRun {
        ok: out.status.success(),
        stdout,
        words,
        values,
    })
}

// --- Checking ------------------------------------------------------------------------------------

/// The words the wrapper must write: the emulator run on the values the input bus carries, its
/// outputs encoded for the output bus. Computed once per model and pair of buses.
fn expected_words(model: &Model, input: &Bus, output: &Bus) -> Arc<Vec<u64>> {
    type Cache = Mutex<HashMap<(u64, String), Slot<Arc<Vec<u64>>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let key = (model.id as u64, format!("{input:?} {output:?}"));
    let slot = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(key)
        .or_default()
        .clone();
    slot.get_or_init(|| {
        // The emulator's f64 path is exact for these types: every bus value and every result fits
        // 53 significant bits.
        for t in [input.fixed(), Some(model.emulator.output_type())]
            .into_iter()
            .flatten()
        {
            assert!(t.width <= 53, "{t}: too wide for an exact f64");
        }
        let on_bus: Vec<f64> = model.x.iter().map(|&v| input.decode(input.encode(v as f64))).collect();
        let y = model.emulator.predict_f64(&on_bus);
        Arc::new(y.iter().map(|&v| output.encode(v)).collect())
    })
    .clone()
}

/// The samples whose input words include a TLAST, for TLAST every `transfer` words (0: on the very
/// last word only).
fn samples_with_tlast(samples: usize, n_in: usize, transfer: usize) -> Vec<bool> {
    let total = samples * n_in;
    let mut marked = vec![false; samples];
    for k in 0..total {
        if k + 1 == total || (transfer != 0 && (k + 1) % transfer == 0) {
            marked[k / n_in] = true;
        }
    }
    marked
}

/// Compares a testbench run with the emulator; `tlast` says which samples end with TLAST
/// (AXI4-Stream only). Returns the problems found.
fn check_run(case: &Case, w: &Written, run: &TbRun, tlast: Option<&[bool]>) -> Vec<String> {
    let model = case.model;
    let samples = model.x.len() / model.emulator.input_size();
    let n_out = model.emulator.output_size();
    let mut problems = vec![];
    let summary = format!("{samples} samples, {} words in", samples * model.emulator.input_size());
    if !run.ok || !run.stdout.contains(&summary) || !run.stdout.contains("; 0 protocol violations") {
        problems.push(format!(
            "the testbench failed or did not say `{summary}` … `0 protocol violations`:\n{}",
            run.stdout
        ));
        return problems;
    }
    let want = expected_words(model, &w.input, &w.output);
    if run.words.len() != want.len() || run.values.len() != want.len() {
        problems.push(format!(
            "{} words and {} values logged, {} expected",
            run.words.len(),
            run.values.len(),
            want.len()
        ));
        return problems;
    }
    let mut differ = 0;
    for (k, ((&(bits, last), value), &expected)) in run.words.iter().zip(&run.values).zip(want.iter()).enumerate() {
        let (s, j) = (k / n_out, k % n_out);
        if bits != expected {
            if differ < 5 {
                problems.push(format!(
                    "sample {s} output {j}: word {bits:#x}, the emulator's {expected:#x} ({} vs {})",
                    w.output.decode(bits),
                    w.output.decode(expected)
                ));
            }
            differ += 1;
        }
        // The decoded value is the word's value.
        let decoded = w.output.decode(expected);
        let same = match w.output.ty {
            hls4ml_codegen::config::BusType::Float => value.parse::<f32>().ok() == Some(decoded as f32),
            _ => value.parse::<f64>().ok() == Some(decoded),
        };
        if !same && bits == expected {
            problems.push(format!(
                "sample {s} output {j}: decoded as {value}, the word holds {decoded}"
            ));
        }
        let want_last = tlast.is_some_and(|t| j == n_out - 1 && t[s]);
        if last != want_last {
            problems.push(format!("sample {s} output {j}: TLAST {last}, expected {want_last}"));
        }
    }
    if differ > 0 {
        problems.push(format!(
            "{differ} of {} output words differ from the emulator's",
            want.len()
        ));
    }
    problems
}

// --- Scheduling ----------------------------------------------------------------------------------

/// How the wrapper and its testbench are compiled.
#[derive(Clone, Copy, PartialEq)]
enum Compile {
    /// Each file by itself, as HLS compiles them.
    Separately,
    /// Both in one translation unit: the headers are read once.
    Together,
}

/// Writes, builds and runs one case with a header set; returns its problems.
fn run_case(case: &Case, headers: &Headers, objects: &Objects, how: Compile) -> Vec<String> {
    let start = Instant::now();
    let dir = common::fresh_dir("axi_wrappers", &format!("{}-{}", case.label(), headers.tag()));
    let w = write_case(case, &dir);
    let written = start.elapsed().as_secs_f64();
    let run = match how {
        Compile::Separately => build(&w, headers, objects)
            .and_then(|b| run_testbench(&w, headers, &[&b.firmware, &b.wrapper], &[], headers.tag())),
        Compile::Together => run_unity(&w, headers, objects),
    };
    let ran = start.elapsed().as_secs_f64();
    let mut summary = String::new();
    let result = run.map(|run| {
        let tlast = (case.interface == "axi_stream").then(|| {
            let m = case.model;
            samples_with_tlast(m.x.len() / m.emulator.input_size(), m.emulator.input_size(), 0)
        });
        summary = run
            .stdout
            .lines()
            .find(|l| l.contains("protocol violations"))
            .unwrap_or("")
            .to_string();
        check_run(case, &w, &run, tlast.as_deref())
    });
    let problems = result.unwrap_or_else(|e| vec![e]);
    let end = start.elapsed().as_secs_f64();
    println!(
        "{:<64} {:<6} write {written:>4.1} s, build and run {:>4.1} s, check {:>4.1} s  {}\n    {summary}",
        case.label(),
        headers.tag(),
        ran - written,
        end - ran,
        if problems.is_empty() { "ok" } else { "FAILED" }
    );
    if problems.is_empty() {
        common::discard(&dir);
    }
    problems
        .into_iter()
        .map(|p| format!("{} ({}): {p}", case.label(), headers.tag()))
        .collect()
}

// --- Tests ---------------------------------------------------------------------------------------

#[test]
fn every_interface_and_bus_type_writes_the_emulators_words() {
    let cases = every_case();
    assert!(
        cases.len() >= INTERFACES.len() * BUSES.len(),
        "the jet tagger is always there"
    );
    let objects = Objects::new("host");
    // The first bus types of each model and interface compile the two files separately, as HLS does.
    let problems: Vec<String> = common::parallel(cases, |case| {
        let how = if (case.input, case.output) == BUSES[0] {
            Compile::Separately
        } else {
            Compile::Together
        };
        run_case(&case, &Headers::Host, &objects, how)
    })
    .into_iter()
    .flatten()
    .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn genuine_xilinx_headers_give_the_same_words() {
    let Some(xilinx) = common::xilinx_headers() else {
        return;
    };
    let headers = Headers::Xilinx(xilinx);
    let objects = Objects::new("xilinx");
    // Every bus type on the jet tagger over AXI4-Stream, two over each other interface, and every
    // interface once on the conv model.
    let bus = |c: &Case, picks: &[usize]| picks.iter().any(|&i| (c.input, c.output) == BUSES[i]);
    let cases: Vec<Case> = every_case()
        .into_iter()
        .filter(|c| match (c.model.id, c.interface) {
            (ModelId::JetTagger, "axi_stream") => true,
            (ModelId::JetTagger, "axi_lite") => bus(c, &[2, 5]),
            (ModelId::JetTagger, _) => bus(c, &[1, 3]),
            (ModelId::Conv2d, _) => bus(c, &[2]),
        })
        .collect();
    let problems: Vec<String> = common::parallel(cases, |case| run_case(&case, &headers, &objects, Compile::Together))
        .into_iter()
        .flatten()
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn tlast_raised_mid_batch_ends_the_output_of_that_invocation() {
    let mut jobs = vec![];
    for model in models() {
        let n_in = model.emulator.input_size();
        let case = Case {
            model,
            interface: "axi_stream",
            input: "ap_fixed<14,6>",
            output: "float",
        };
        // A transfer of 3 samples, then the rest; and transfers that end inside a sample.
        jobs.push((case, 3 * n_in));
        jobs.push((case, 2 * n_in + n_in / 2 + 1));
    }
    let objects = Objects::new("transfers");
    let results = common::parallel(jobs, |(case, transfer)| {
        let dir = common::fresh_dir("axi_wrappers", &format!("{}-transfer{transfer}", case.label()));
        let w = write_case(&case, &dir);
        let m = case.model;
        let samples = m.x.len() / m.emulator.input_size();
        let marked = samples_with_tlast(samples, m.emulator.input_size(), transfer);
        let problems = build(&w, &Headers::Host, &objects)
            .and_then(|b| {
                let define = vec![format!("-DAXI_TB_WORDS_PER_TRANSFER={transfer}")];
                let run = run_testbench(&w, &Headers::Host, &[&b.firmware, &b.wrapper], &define, "transfer")?;
                let marks = run.words.iter().filter(|(_, last)| *last).count();
                let mut problems = check_run(&case, &w, &run, Some(&marked));
                let want = marked.iter().filter(|&&m| m).count();
                if marks != want {
                    problems.push(format!("{marks} output words with TLAST, expected {want}"));
                }
                println!(
                    "{:<64} transfers of {transfer} words: {marks} output words with TLAST",
                    case.label()
                );
                Ok(problems)
            })
            .unwrap_or_else(|e| vec![e]);
        if problems.is_empty() {
            common::discard(&dir);
        }
        problems
            .into_iter()
            .map(|p| format!("{} (transfers of {transfer} words): {p}", case.label()))
            .collect::<Vec<_>>()
    });
    // The first transfer ends with sample 3: its last output word carries TLAST.
    let jet_n_in = models()[0].emulator.input_size();
    assert!(samples_with_tlast(1000, jet_n_in, 3 * jet_n_in)[2]);
    let problems: Vec<String> = results.into_iter().flatten().collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_testbench_fails_a_wrapper_that_breaks_the_protocol() {
    let model = &models()[0];
    // (what is broken, interface, output bus type, the wrapper's line, its broken replacement)
    let breaks: &[(&str, &str, &str, &str, &str)] = &[
        (
            "TLAST on the wrong samples",
            "axi_stream",
            "float",
            "beat.last = j == N_OUT - 1 ? tlast.read() : false;",
            "beat.last = j == N_OUT - 1 ? !tlast.read() : false;",
        ),
        (
            "one output word too few",
            "axi_stream",
            "float",
            "for (unsigned j = 0; j < N_OUT; j++) {\n#pragma HLS PIPELINE II=1",
            "for (unsigned j = 0; j < N_OUT - 1; j++) {\n#pragma HLS PIPELINE II=1",
        ),
        (
            "zero-extended signed words",
            "axi_lite",
            "ap_fixed<14,6>",
            "    ap_int<14> bits;",
            "    ap_uint<14> bits;",
        ),
        (
            "a word written beyond the outputs",
            "axi_master",
            "float",
            "const unsigned long long words = (unsigned long long)n * N_OUT;",
            "const unsigned long long words = (unsigned long long)n * N_OUT + 1;",
        ),
    ];
    let objects = Objects::new("broken");
    let results = common::parallel(breaks.to_vec(), |(what, interface, output, line, broken)| {
        let case = Case {
            model,
            interface,
            input: "float",
            output,
        };
        let dir = common::fresh_dir("axi_wrappers", &format!("broken-{}", what.replace(' ', "_")));
        let w = write_case(&case, &dir);
        assert!(
            w.wrapper.contains(line),
            "{what}: the wrapper has no `{line}`:\n{}",
            w.wrapper
        );
        let source = dir.join(format!("firmware/{}_axi.cpp", w.name));
        std::fs::write(&source, w.wrapper.replacen(line, broken, 1)).unwrap();
        let run = build(&w, &Headers::Host, &objects)
            .and_then(|b| run_testbench(&w, &Headers::Host, &[&b.firmware, &b.wrapper], &[], "broken"))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let summary = run
            .stdout
            .lines()
            .find(|l| l.contains("protocol violations"))
            .unwrap_or("");
        println!("{what}: {summary}");
        common::discard(&dir);
        (what, run)
    });
    for (what, run) in results {
        assert!(
            !run.ok && run.stdout.contains("PROTOCOL VIOLATION"),
            "{what}: the testbench passed:\n{}",
            run.stdout
        );
    }
}
