//! The drivers written into the project (`axi_*_driver.py`, `alveo_driver.py`, `<P>_driver.h`),
//! checked against independent stand-ins for the hardware:
//!
//! - every Python driver, for every supported (board, interface) pair and bus type, is compiled and
//!   run against a fake `pynq` (`tests/drivers/fake_pynq/`) whose PL answers with words computed
//!   here, in Rust, with `Bus::encode` / `Bus::decode`: the driver's encoding, decoding, buffer
//!   handling, transfer order, splitting, shape checks and timeouts are checked by
//!   `tests/drivers/check_driver.py`;
//! - the fixed-point encoding of the Python and C drivers is compared with `Bus::encode` on
//!   thousands of values (ties, out-of-range values, infinities, NaN) for every quantization and
//!   overflow mode;
//! - the C header is compiled with `gcc -std=c99 -pedantic -Wall -Wextra -Werror` into programs that
//!   put a model of the AXI DMA (PG021) or of the HLS IP's registers behind its register hooks
//!   (`tests/drivers/c/`), and once with its default volatile accesses on plain memory.
//!
//! The Python tests need `HLS4ML_PYTHON` (an interpreter with numpy; `scripts/test.sh` sets it) and
//! the C tests `gcc`: they are skipped with a message when absent, and fail when absent under
//! `CI=true`.

mod common;

use common::{fresh_dir, repo_models, Rng};
use hls4ml_codegen::accel::bus::Bus;
use hls4ml_codegen::accel::{self, master_regs, Accel};
use hls4ml_codegen::config::{BusType, Interface};
use hls4ml_codegen::files::Files;
use hls4ml_codegen::Project;
use hls4ml_runtime::fixed::{FixedType, Overflow, Quantization};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const ZYNQ_BOARDS: [&str; 2] = ["pynq-z2", "zcu102"];
const ALVEO_BOARDS: [&str; 4] = ["alveo-u50", "alveo-u200", "alveo-u250", "alveo-u280"];
const INTERFACES: [&str; 3] = ["axi_stream", "axi_lite", "axi_master"];
const BUS_TYPES: [&str; 3] = ["float", "double", "ap_fixed<14,6>"];
/// Samples per test batch: odd, so that chunks of 2-byte words meet alignment.
const BATCH: usize = 37;

/// Every supported (board, interface) pair.
fn pairs() -> Vec<(&'static str, &'static str)> {
    let mut pairs = Vec::new();
    for board in ZYNQ_BOARDS {
        for interface in INTERFACES {
            pairs.push((board, interface));
        }
    }
    for board in ALVEO_BOARDS {
        pairs.push((board, "axi_master"));
    }
    pairs
}

/// The jet tagger (16 inputs, 5 outputs) on a board, interface and bus types.
fn project(board: &str, interface: &str, input: &str, output: &str) -> Project {
    let toml = format!(
        "[model]\nname = \"jet_tagger\"\nkeras = \"jet_tagger.keras\"\n\n\
         [board]\nname = \"{board}\"\ninterface = \"{interface}\"\ninput_type = \"{input}\"\noutput_type = \"{output}\"\n\n\
         [hls]\nprecision = \"ap_fixed<16,6>\"\n"
    );
    let path = repo_models().join("jet_tagger").join("drivers_variant.toml");
    Project::parse(&path, &toml).unwrap_or_else(|e| panic!("{board} {interface} {input}/{output}: {e}"))
}

/// The project's drivers: (file name, text), other generated files left out.
fn drivers(project: &Project) -> Vec<(String, String)> {
    let files: Files = accel::files(project).unwrap();
    files
        .iter()
        .filter_map(|(path, bytes)| {
            let name = path.to_string_lossy().into_owned();
            let is_driver = name.ends_with("_driver.py") || name.ends_with("_driver.h");
            is_driver.then(|| (name, String::from_utf8(bytes.to_vec()).unwrap()))
        })
        .collect()
}

/// An external tool from an environment variable or the PATH: None (after saying so) when it is
/// absent, a failure under `CI=true`.
fn tool(var: Option<&str>, fallback: Option<&str>, what: &str) -> Option<String> {
    let found = var
        .and_then(|v| std::env::var(v).ok())
        .filter(|v| !v.is_empty())
        .or_else(|| {
            fallback
                .filter(|f| {
                    Command::new(f)
                        .arg("--version")
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .map(str::to_string)
        });
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{what} is required under CI=true");
        }
        eprintln!("SKIPPED: {what} is absent");
    }
    found
}

fn python() -> Option<String> {
    tool(
        Some("HLS4ML_PYTHON"),
        None,
        "HLS4ML_PYTHON (a Python with numpy, see .ci/python-env.sh)",
    )
}

fn gcc() -> Option<String> {
    tool(Some("CC"), Some("gcc"), "a C compiler (gcc or $CC)")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/drivers")
}

/// Runs a command; its output, or a panic showing it.
fn run(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {command:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed ({}):\n{text}", out.status);
    text
}

fn python_command(py: &str) -> Command {
    let mut command = Command::new(py);
    command
        .env("PYTHONPATH", fixtures().join("fake_pynq"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    command
}

// ---------------------------------------------------------------------------------------------
// Test data: inputs, the words Rust makes of them, the PL's answers
// ---------------------------------------------------------------------------------------------

/// Inputs (f32 values, so C's float API sees the same numbers), their words, the fake PL's output
/// words for them and the predictions decoded from those.
struct Data {
    x: Vec<f64>,
    in_words: Vec<u64>,
    out_words: Vec<u64>,
    y: Vec<f32>,
}

/// Values worth sending through a bus of type `bus`: random ones over and beyond its range, ties
/// between two representable values, and special values.
fn value(rng: &mut Rng, bus: &Bus) -> f32 {
    const SPECIAL: [f32; 10] = [
        0.0,
        -0.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        -f32::MAX,
        1e-40,
        31.99,
        -32.0,
        32.0,
    ];
    match rng.below(10) {
        0 => SPECIAL[rng.below(SPECIAL.len())],
        1 => f32::NAN,
        2 | 3 => match bus.fixed() {
            Some(t) => {
                // Half-way between two representable values, over twice the range (f32-exact).
                let half_range = 2f64.powi(t.width.min(20) as i32);
                ((rng.below(2 * half_range as usize) as f64 - half_range + 0.5) * t.lsb()) as f32
            }
            None => rng.uniform() * 1e30,
        },
        _ => rng.uniform() * 40.0,
    }
}

fn data(accel: &Accel, batch: usize, seed: u64) -> Data {
    let (n_in, n_out) = (accel.input.values, accel.output.values);
    let mut rng = Rng::new(seed);
    let x: Vec<f64> = (0..batch * n_in)
        .map(|_| value(&mut rng, &accel.input) as f64)
        .collect();
    let in_words: Vec<u64> = x.iter().map(|&v| accel.input.encode(v)).collect();
    let mut out_words = Vec::with_capacity(batch * n_out);
    for sample in in_words.chunks(n_in) {
        for j in 0..n_out {
            // What the fake PL computes: a function of the input words only.
            let v = accel.input.decode(sample[j % n_in]) * 0.75 - 0.5 + 0.125 * j as f64;
            out_words.push(accel.output.encode(v));
        }
    }
    let y = out_words.iter().map(|&w| accel.output.decode(w) as f32).collect();
    Data {
        x,
        in_words,
        out_words,
        y,
    }
}

/// Words as little-endian bytes of `bytes` each.
fn word_bytes(words: &[u64], bytes: usize) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()[..bytes].to_vec()).collect()
}

fn write_data(dir: &Path, accel: &Accel, data: &Data) {
    let f64s: Vec<u8> = data.x.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(dir.join("x.bin"), f64s).unwrap();
    std::fs::write(
        dir.join("in_words.bin"),
        word_bytes(&data.in_words, accel.input.word_bytes()),
    )
    .unwrap();
    std::fs::write(
        dir.join("out_words.bin"),
        word_bytes(&data.out_words, accel.output.word_bytes()),
    )
    .unwrap();
    let f32s: Vec<u8> = data.y.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(dir.join("y.bin"), f32s).unwrap();
}

// ---------------------------------------------------------------------------------------------
// What is written
// ---------------------------------------------------------------------------------------------

#[test]
fn only_the_drivers_of_the_projects_interface_and_family_are_written() {
    for (board, interface) in pairs() {
        let p = project(board, interface, "float", "float");
        let names: Vec<String> = drivers(&p).into_iter().map(|(n, _)| n).collect();
        let python = if board.starts_with("alveo") {
            "alveo_driver.py".to_string()
        } else {
            format!("{interface}_driver.py")
        };
        let mut expected = vec![python];
        if !board.starts_with("alveo") {
            expected.push("jet_tagger_driver.h".to_string());
        }
        expected.sort();
        assert_eq!(names, expected, "{board} {interface}");
    }
    // Alveo takes only axi_master: the others are refused before any file is written.
    let toml = "[model]\nname = \"jet_tagger\"\nkeras = \"jet_tagger.keras\"\n[board]\nname = \"alveo-u50\"\ninterface = \"axi_stream\"\n";
    let refused = Project::parse(repo_models().join("jet_tagger/x.toml"), toml)
        .map_err(|e| e.to_string())
        .and_then(|p| accel::files(&p).map(|_| ()).map_err(|e| e.to_string()));
    assert!(refused.unwrap_err().contains("axi_master"));
}

#[test]
fn drivers_are_stamped_and_name_the_project() {
    for (board, interface) in pairs() {
        let p = project(board, interface, "ap_fixed<14,6>", "float");
        let accel = Accel::new(&p).unwrap();
        // axi_lite words are at least 32 bits: one register per value.
        let (word, c_word) = if interface == "axi_lite" {
            ("int32", "int32_t")
        } else {
            ("int16", "int16_t")
        };
        assert_eq!((accel.input.numpy_word(), accel.input.c_word()), (word, c_word));
        for (name, text) in drivers(&p) {
            let first = text.lines().next().unwrap();
            assert!(
                first.contains("@generated by hls4ml-rs from drivers_variant.toml"),
                "{name}: {first}"
            );
            assert!(
                first.starts_with(if name.ends_with(".py") { "# " } else { "// " }),
                "{name}"
            );
            assert!(!text.contains("hls4ml_p_") && !text.contains("HLS4ML_P_") && !text.contains("HLS4ML_XTOP"));
            assert!(text.contains("jet_tagger_axi"), "{name} does not name the IP");
            assert!(text.ends_with('\n'));
            for placeholder in ["OVERLAY_PARAMETERS", "HLS4ML_HANDLE", "HLS4ML_RUN"] {
                assert!(!text.contains(placeholder), "{name}: {placeholder} left in");
            }
            if name.ends_with(".py") {
                assert!(
                    text.contains("    Parameters\n    ----------\n    bitfile : str\n        The ")
                        && text.contains(
                            "\n    dtbo, download, ignore_version, device :\n        Passed to ``pynq.Overlay``"
                        )
                        && text.contains("\n    timeout : float\n"),
                    "{name}: the constructor's parameters are not all documented"
                );
                assert!(text.contains("INPUT_SHAPE = (16,)") && text.contains("OUTPUT_SHAPE = (5,)"));
                let bus = format!(
                    "INPUT_BUS = Bus(\"ap_fixed<14,6>\", \"{word}\", 16,\n    FixedType(14, 6, signed=True, \
                     quantization=\"AP_TRN\", overflow=\"AP_WRAP\", sat_bits=0, integer=False))"
                );
                assert!(text.contains(&bus), "{name}: no {bus}");
                assert!(text.contains("OUTPUT_BUS = Bus(\"float\", \"float32\", 5)"));
            } else {
                assert!(
                    text.contains(&format!("typedef {c_word} jet_tagger_in_word;")),
                    "{name}"
                );
                assert!(text.contains("typedef float jet_tagger_out_word;"), "{name}");
                let (handle, run) = if interface == "axi_stream" {
                    ("jet_tagger_dma *dma", "jet_tagger_dma_run(dma,")
                } else {
                    ("jet_tagger_ip *ip", "jet_tagger_run(ip,")
                };
                assert!(
                    text.contains(&format!("int jet_tagger_predict({handle}, const float *x"))
                        && text.contains(&format!("rc = {run} in_words, out_words, n);")),
                    "{name}: predict does not take the interface's handle or run its words"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Python: every pair and bus type against the fake pynq
// ---------------------------------------------------------------------------------------------

/// Writes the project's Python driver, compiles it, and runs `check_driver.py` on it.
fn check_python_driver(py: &str, p: &Project, label: &str, big: bool) -> String {
    let accel = Accel::new(p).unwrap();
    let dir = fresh_dir("drivers", label);
    let (file, text) = drivers(p).into_iter().find(|(n, _)| n.ends_with(".py")).unwrap();
    let path = dir.join(&file);
    std::fs::write(&path, text).unwrap();
    run(
        python_command(py).args(["-m", "py_compile"]).arg(&path),
        &format!("py_compile {label}"),
    );
    // The examples in the docstrings (the fixed-point codec's) hold.
    run(
        python_command(py).args(["-m", "doctest"]).arg(&path),
        &format!("doctest {label}"),
    );
    write_data(&dir, &accel, &data(&accel, BATCH, 7));
    let interface = if p.config.board.board.name.starts_with("alveo") {
        "alveo"
    } else {
        p.config.board.interface.as_str()
    };
    let spec = serde_json::json!({
        "driver": path,
        "module": file.trim_end_matches(".py"),
        "interface": interface,
        "model": p.name(),
        "input_shape": accel.input_shape,
        "output_shape": accel.output_shape,
        "in_word": accel.input.numpy_word(),
        "out_word": accel.output.numpy_word(),
        "in_word_bits": accel.input.word_bits,
        "out_word_bits": accel.output.word_bits,
        "in_memory_bits": accel.input.dma_memory_bits(),
        "out_memory_bits": accel.output.dma_memory_bits(),
        "pinned": {"ctrl": master_regs::CTRL, "in": master_regs::IN, "out": master_regs::OUT, "n": master_regs::N},
        "big": big,
    });
    let spec_path = dir.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).unwrap();
    let out = run(
        python_command(py)
            .arg(fixtures().join("check_driver.py"))
            .arg(&spec_path),
        &format!("check_driver.py {label}"),
    );
    assert!(out.contains("all checks passed"), "{label}:\n{out}");
    out
}

/// Runs the Python driver of every supported pair of `interface` on Zynq boards (`alveo` false) or
/// Alveo cards (`alveo` true), for every bus type in and out and a mixed pair.
fn check_interface(interface: &str, alveo: bool) {
    let Some(py) = python() else { return };
    let mut runs = 0;
    let selected = pairs()
        .into_iter()
        .filter(|(board, i)| *i == interface && board.starts_with("alveo") == alveo);
    for (board, iface) in selected {
        for (k, ty) in BUS_TYPES.iter().enumerate() {
            // Each bus type in and out, and a mixed pair (the next type on the output).
            for output in [*ty, BUS_TYPES[(k + 1) % BUS_TYPES.len()]] {
                if alveo && board != "alveo-u50" && output != *ty {
                    continue; // the Alveo cards share one driver: mixed pairs once
                }
                let p = project(board, iface, ty, output);
                let label = format!("{board}-{iface}-{}-{}", slug(ty), slug(output));
                let big = iface == "axi_stream" && board == "pynq-z2" && *ty == "float" && output == "float";
                let out = check_python_driver(&py, &p, &label, big);
                println!("{label}:\n{out}");
                runs += 1;
            }
        }
    }
    assert!(runs > 0);
}

fn slug(ty: &str) -> String {
    ty.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

#[test]
fn python_axi_stream_driver_runs_against_the_fake_pynq() {
    check_interface("axi_stream", false);
}

#[test]
fn python_axi_lite_driver_runs_against_the_fake_pynq() {
    check_interface("axi_lite", false);
}

#[test]
fn python_axi_master_driver_runs_against_the_fake_pynq() {
    check_interface("axi_master", false);
}

#[test]
fn python_alveo_driver_runs_against_the_fake_pynq() {
    check_interface("axi_master", true);
}

#[test]
fn python_driver_checks_multi_dimensional_shapes() {
    let Some(py) = python() else { return };
    let Some(model) = common::shared_model("KERAS_conv1d_small") else {
        return;
    };
    for (interface, ty) in [("axi_stream", "ap_fixed<14,6>"), ("axi_master", "float")] {
        let toml = format!(
            "[model]\nname = \"conv1d\"\nkeras = \"KERAS_conv1d_small.json\"\nweights = \"KERAS_conv1d_small_weights.h5\"\n\
             [board]\nname = \"zcu102\"\ninterface = \"{interface}\"\ninput_type = \"{ty}\"\noutput_type = \"{ty}\"\n\
             [hls]\nprecision = \"ap_fixed<16,6>\"\n"
        );
        let p = Project::parse(model.join("drivers_variant.toml"), &toml).unwrap();
        let accel = Accel::new(&p).unwrap();
        assert!(accel.input_shape.len() > 1, "{:?}", accel.input_shape);
        let out = check_python_driver(&py, &p, &format!("conv1d-{interface}"), false);
        println!("conv1d {interface} {:?}:\n{out}", accel.input_shape);
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed-point encoding: every quantization and overflow mode against Bus::encode
// ---------------------------------------------------------------------------------------------

/// Types covering every mode, signedness, negative and large integer bits, saturation bits, the
/// integer types, 1-bit and 64-bit types.
fn codec_types() -> Vec<FixedType> {
    let mut types = Vec::new();
    for q in Quantization::ALL {
        for o in Overflow::ALL {
            types.push(FixedType::fixed(14, 6).with_modes(q, o));
            types.push(FixedType::ufixed(12, 4).with_modes(q, o));
            types.push(FixedType::fixed(8, -2).with_modes(q, o));
        }
    }
    for s in [
        "ap_fixed<64,30,AP_RND_CONV,AP_SAT_SYM>",
        "ap_fixed<64,64,AP_RND,AP_SAT>",
        "ap_ufixed<64,10,AP_RND,AP_SAT>",
        "ap_ufixed<64,70,AP_RND_INF,AP_WRAP>",
        "ap_fixed<33,40,AP_RND,AP_SAT>",
        "ap_fixed<24,8>",
        "ap_fixed<5,5,AP_TRN,AP_WRAP,2>",
        "ap_fixed<16,6,AP_RND,AP_WRAP,1>",
        "ap_ufixed<6,3,AP_TRN,AP_WRAP,2>",
        "ap_ufixed<6,3,AP_RND,AP_WRAP,6>",
        "ap_fixed<1,1,AP_RND,AP_SAT_SYM>",
        "ap_ufixed<1,0,AP_RND_CONV,AP_SAT>",
        "ap_int<10>",
        "ap_uint<8>",
        "ap_int<1>",
        "ap_int<64>",
        "ap_uint<64>",
        "ap_uint<33>",
    ] {
        types.push(FixedType::parse(s).unwrap());
    }
    types
}

/// About 3000 values for a type: ties and near-ties over its whole range and beyond, random values
/// at every scale, and special doubles.
fn codec_values(t: &FixedType, rng: &mut Rng) -> Vec<f64> {
    let lsb = t.lsb();
    let (lo, hi) = (t.min_value(), t.max_value());
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e300,
        -1e300,
        2f64.powi(63),
        -(2f64.powi(63)),
        2f64.powi(64),
        -(2f64.powi(64)),
        hi,
        lo,
        hi + lsb,
        lo - lsb,
        hi + lsb / 2.0,
        lo - lsb / 2.0,
        0.5,
        -0.5,
        0.25,
        -0.25,
        0.75,
        -0.75,
    ];
    for _ in 0..800 {
        // A tie or a near-tie, anywhere from twice below to twice above the range.
        let k = (rng.uniform() as f64 * 2.0 * (hi - lo).max(4.0 * lsb) / lsb).round();
        let base = k * lsb;
        v.push(base + lsb / 2.0);
        v.push(-(base + lsb / 2.0));
        v.push(base + lsb / 2.0 + lsb / 64.0);
        v.push(base - lsb / 64.0);
    }
    for _ in 0..800 {
        let scale = 2f64.powi(rng.below(140) as i32 - 70);
        v.push(rng.uniform() as f64 * scale * (hi - lo).max(lsb));
    }
    v
}

struct CodecCase {
    ty: FixedType,
    bus: Bus,
    values: Vec<f64>,
    words: Vec<u64>,
    decoded: Vec<f64>,
}

fn codec_cases() -> Vec<CodecCase> {
    let mut rng = Rng::new(2024);
    codec_types()
        .into_iter()
        .map(|ty| {
            let bus = Bus::new(BusType::Fixed(ty), Interface::AxiStream, 1).unwrap();
            let values = codec_values(&ty, &mut rng);
            let words: Vec<u64> = values.iter().map(|&v| bus.encode(v)).collect();
            // The value of a word: the runtime's header-exact conversion of the raw bits. (Bus::decode
            // reads a 64-bit unsigned word with its top bit set as negative.)
            let decoded = words.iter().map(|&w| ty.to_f64(ty.wrap_raw(w as i128))).collect();
            CodecCase {
                ty,
                bus,
                values,
                words,
                decoded,
            }
        })
        .collect()
}

/// Writes the cases' values, words and decoded values; returns the number of values.
fn write_codec_cases(dir: &Path, cases: &[CodecCase]) -> usize {
    let mut json = Vec::new();
    let mut manifest = String::new();
    for (i, c) in cases.iter().enumerate() {
        let f64s = |v: &[f64]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        std::fs::write(dir.join(format!("values{i}.bin")), f64s(&c.values)).unwrap();
        std::fs::write(
            dir.join(format!("words{i}.bin")),
            word_bytes(&c.words, c.bus.word_bytes()),
        )
        .unwrap();
        std::fs::write(dir.join(format!("decoded{i}.bin")), f64s(&c.decoded)).unwrap();
        let t = &c.ty;
        json.push(serde_json::json!({
            "name": t.to_string(),
            "type": {"width": t.width, "int_bits": t.int_bits, "signed": t.signed, "quantization": t.quantization.as_str(),
                     "overflow": t.overflow.as_str(), "sat_bits": t.sat_bits, "integer": t.integer},
            "word": c.bus.numpy_word(),
            "values": format!("values{i}.bin"),
            "words": format!("words{i}.bin"),
            "decoded": format!("decoded{i}.bin"),
        }));
        let q = Quantization::ALL.iter().position(|m| *m == t.quantization).unwrap();
        let o = Overflow::ALL.iter().position(|m| *m == t.overflow).unwrap();
        writeln!(
            manifest,
            "{i} {} {} {} {q} {o} {} {} {} {} {}",
            t.width,
            t.frac_bits(),
            t.signed as u8,
            t.sat_bits,
            t.integer as u8,
            c.bus.word_bits,
            c.values.len(),
            t
        )
        .unwrap();
    }
    std::fs::write(dir.join("codec.json"), serde_json::Value::Array(json).to_string()).unwrap();
    std::fs::write(dir.join("codec.txt"), manifest).unwrap();
    cases.iter().map(|c| c.values.len()).sum()
}

#[test]
fn python_fixed_point_encoding_equals_bus_encode_for_every_mode() {
    let Some(py) = python() else { return };
    let cases = codec_cases();
    let dir = fresh_dir("drivers", "python-codec");
    let total = write_codec_cases(&dir, &cases);
    assert!(total > 150_000, "{total}");
    let p = project("pynq-z2", "axi_stream", "ap_fixed<14,6>", "ap_fixed<14,6>");
    let (file, text) = drivers(&p).into_iter().find(|(n, _)| n.ends_with(".py")).unwrap();
    let path = dir.join(&file);
    std::fs::write(&path, text).unwrap();
    let spec = serde_json::json!({"codec": true, "driver": path, "module": file.trim_end_matches(".py")});
    std::fs::write(dir.join("spec.json"), spec.to_string()).unwrap();
    let out = run(
        python_command(&py)
            .arg(fixtures().join("check_driver.py"))
            .arg(dir.join("spec.json")),
        "python codec",
    );
    println!("{out}");
    assert!(
        out.contains(&format!("on {total} values of {} types", cases.len())),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// C: the header compiles strictly, and drives models of the DMA and of the IP
// ---------------------------------------------------------------------------------------------

const C_FLAGS: [&str; 5] = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"];

/// Compiles `source` (a fixture) against the header in `dir`; the executable's path.
fn compile_c(cc: &str, dir: &Path, source: &str, defines: &[&str], label: &str) -> PathBuf {
    let exe = dir.join(format!("{}-{label}", source.trim_end_matches(".c")));
    let mut command = Command::new(cc);
    command
        .args(C_FLAGS)
        .arg("-O1")
        .arg("-I")
        .arg(dir)
        .args(defines)
        .arg(fixtures().join("c").join(source))
        .arg("-o")
        .arg(&exe);
    run(&mut command, &format!("compiling {source} ({label})"));
    exe
}

/// Writes the project's header and test data into a fresh folder.
fn c_project(board: &str, interface: &str, input: &str, output: &str, label: &str) -> PathBuf {
    let p = project(board, interface, input, output);
    let accel = Accel::new(&p).unwrap();
    let dir = fresh_dir("drivers", label);
    for (name, text) in drivers(&p) {
        if name.ends_with(".h") {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    write_data(&dir, &accel, &data(&accel, BATCH, 11));
    dir
}

#[test]
fn c_header_compiles_strictly_for_every_interface_and_bus_type() {
    let Some(cc) = gcc() else { return };
    for board in ZYNQ_BOARDS {
        for interface in INTERFACES {
            for ty in BUS_TYPES {
                let label = format!("c-{board}-{interface}-{}", slug(ty));
                let dir = c_project(board, interface, ty, "ap_ufixed<24,8,AP_RND,AP_SAT>", &label);
                let defines: &[&str] = if interface == "axi_lite" {
                    &["-DJET_TAGGER_IN_OFFSET=0x100", "-DJET_TAGGER_OUT_OFFSET=0x200"]
                } else {
                    &[]
                };
                compile_c(&cc, &dir, "compile_only.c", defines, &label);
            }
        }
    }
    // axi_lite without offsets: a clear #error, not a silent default.
    let dir = c_project("pynq-z2", "axi_lite", "float", "float", "c-lite-no-offsets");
    let out = Command::new(&cc)
        .args(C_FLAGS)
        .arg("-I")
        .arg(&dir)
        .arg("-c")
        .arg(fixtures().join("c/compile_only.c"))
        .arg("-o")
        .arg(dir.join("x.o"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "compiled without offsets");
    assert!(err.contains("include xjet_tagger_axi_hw.h first"), "{err}");
}

#[test]
fn c_dma_driver_follows_pg021_against_a_dma_model() {
    let Some(cc) = gcc() else { return };
    for (board, input, output) in [
        ("pynq-z2", "float", "float"),
        ("zcu102", "ap_fixed<14,6>", "ap_fixed<14,6>"),
        ("pynq-z2", "double", "ap_ufixed<12,4,AP_RND_CONV,AP_SAT_SYM>"),
    ] {
        let label = format!("c-dma-{board}-{}-{}", slug(input), slug(output));
        let dir = c_project(board, "axi_stream", input, output, &label);
        let exe = compile_c(&cc, &dir, "test_dma.c", &[], &label);
        let out = run(Command::new(&exe).arg(&dir), &label);
        println!("{label}:\n{out}");
        assert!(out.contains("all checks passed"), "{out}");
        let exe = compile_c(
            &cc,
            &dir,
            "test_plain_memory.c",
            &["-DJET_TAGGER_POLL_LIMIT=1000"],
            &label,
        );
        let out = run(&mut Command::new(&exe), &format!("{label} plain memory"));
        println!("{label} (plain memory):\n{out}");
        assert!(out.contains("all checks passed"), "{out}");
    }
}

#[test]
fn c_lite_and_master_drivers_against_an_ip_model() {
    let Some(cc) = gcc() else { return };
    for (interface, input, output) in [
        ("axi_lite", "float", "float"),
        ("axi_lite", "ap_fixed<14,6>", "double"),
        ("axi_lite", "ap_fixed<40,12,AP_RND,AP_SAT>", "ap_ufixed<8,2>"),
        ("axi_master", "float", "float"),
        ("axi_master", "ap_fixed<14,6>", "ap_fixed<14,6>"),
        ("axi_master", "double", "ap_int<12>"),
    ] {
        let label = format!("c-ip-{interface}-{}-{}", slug(input), slug(output));
        let dir = c_project("zcu102", interface, input, output, &label);
        let variants: Vec<(&str, Vec<&str>)> = if interface == "axi_lite" {
            vec![
                (
                    "given offsets",
                    vec!["-DJET_TAGGER_IN_OFFSET=0x100", "-DJET_TAGGER_OUT_OFFSET=0x200"],
                ),
                (
                    "HLS header macros",
                    vec![
                        "-DXJET_TAGGER_AXI_CONTROL_ADDR_AP_CTRL=0x00",
                        "-DXJET_TAGGER_AXI_CONTROL_ADDR_IN_R_BASE=0x100",
                        "-DXJET_TAGGER_AXI_CONTROL_ADDR_OUT_R_BASE=0x200",
                    ],
                ),
            ]
        } else {
            vec![("pinned offsets", vec![])]
        };
        for (what, mut defines) in variants {
            let interface_define = format!("-DTEST_{}", interface.to_ascii_uppercase());
            defines.push(&interface_define);
            let exe = compile_c(&cc, &dir, "test_ip.c", &defines, &slug(what));
            let out = run(Command::new(&exe).arg(&dir), &format!("{label} ({what})"));
            println!("{label} ({what}):\n{out}");
            assert!(out.contains("all checks passed"), "{out}");
        }
    }
}

#[test]
fn c_fixed_point_encoding_equals_bus_encode_for_every_mode() {
    let Some(cc) = gcc() else { return };
    let cases = codec_cases();
    let dir = c_project("pynq-z2", "axi_stream", "ap_fixed<14,6>", "float", "c-codec");
    let total = write_codec_cases(&dir, &cases);
    let exe = compile_c(&cc, &dir, "test_codec.c", &[], "codec");
    let out = run(Command::new(&exe).arg(&dir), "c codec");
    println!("{out}");
    assert!(
        out.contains(&format!("ok: {total} values of {} types", cases.len())),
        "{out}"
    );
}
