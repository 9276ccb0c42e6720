//! Differential test of the fixed-point arithmetic against Xilinx's own `ap_fixed`/`ap_int` headers.
//!
//! `fixed_vs_xilinx/oracle.cpp` is compiled with g++ against the genuine headers (from
//! `AP_TYPES_INCLUDE`, else from the hls4ml wheel that `.ci/fetch-ap-types.sh` downloads into a cache
//! outside the repository). The program lists the types it was compiled with; this test generates a
//! deterministic list of cases over them (conversions from double and float, casts between types,
//! conversions to double and float, products, sums, differences and `acc += x * w` steps), has the
//! program evaluate them, and requires the runtime to produce the same bits for every case.
//!
//! Without headers or g++ the test prints `SKIPPED: …` and passes, except under `CI=true`.

use hls4ml_runtime::{FixedType, Overflow, Quantization};
use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

const ORACLE_SOURCE: &str = include_str!("fixed_vs_xilinx/oracle.cpp");
/// `-DNDEBUG`: with assertions on, the headers abort on a rounding cast that drops more bits than the
/// source has (they read a bit beyond its MSB that they then ignore); the computed bits are the same.
const CXX_FLAGS: [&str; 4] = ["-std=c++17", "-O0", "-DNDEBUG", "-w"];
const MIN_CASES: usize = 20_000;
/// In an expected answer: the bits are not compared (the result is wider than the runtime supports).
const TYPE_ONLY: &str = "*";

/// Skips the test (or fails it under CI) with a reason.
fn skip(reason: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("fixed_vs_xilinx cannot run under CI: {reason}");
    }
    println!("SKIPPED: fixed_vs_xilinx: {reason}");
}

fn include_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("AP_TYPES_INCLUDE") {
        let dir = PathBuf::from(dir);
        return if dir.join("ap_fixed.h").is_file() {
            Ok(dir)
        } else {
            Err(format!("AP_TYPES_INCLUDE={} has no ap_fixed.h", dir.display()))
        };
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/fetch-ap-types.sh");
    if !script.is_file() {
        return Err(format!(
            "AP_TYPES_INCLUDE is not set and {} does not exist",
            script.display()
        ));
    }
    let out = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if dir.join("ap_fixed.h").is_file() {
        Ok(dir)
    } else {
        Err(format!(
            "{} printed `{}`, which has no ap_fixed.h",
            script.display(),
            dir.display()
        ))
    }
}

/// Compiles the oracle into the test's temporary directory, reusing an earlier build of the same
/// source against the same headers.
fn build_oracle(include: &Path) -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixed_vs_xilinx");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut h = DefaultHasher::new();
    ORACLE_SOURCE.hash(&mut h);
    CXX_FLAGS.hash(&mut h);
    include.hash(&mut h);
    for header in ["ap_fixed_base.h", "ap_int_base.h", "etc/ap_private.h"] {
        std::fs::read(include.join(header)).unwrap_or_default().hash(&mut h);
    }
    let exe = dir.join(format!("oracle-{:016x}", h.finish()));
    if exe.is_file() {
        return Ok(exe);
    }
    let src = dir.join(format!("oracle-{}.cpp", std::process::id()));
    std::fs::write(&src, ORACLE_SOURCE).map_err(|e| format!("cannot write {}: {e}", src.display()))?;
    let tmp_exe = dir.join(format!("oracle-building-{}", std::process::id()));
    let out = Command::new("g++")
        .args(CXX_FLAGS)
        .arg("-I")
        .arg(include)
        .arg("-o")
        .arg(&tmp_exe)
        .arg(&src)
        .output();
    let _ = std::fs::remove_file(&src);
    let out = out.map_err(|e| format!("cannot run g++: {e}"))?;
    if !out.status.success() {
        panic!(
            "g++ failed to compile the oracle:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::rename(&tmp_exe, &exe).map_err(|e| format!("cannot move the oracle into place: {e}"))?;
    Ok(exe)
}

/// The lists the oracle was compiled with.
#[derive(Default)]
struct Tables {
    types: Vec<FixedType>,
    floats: Vec<usize>,
    shapes: Vec<usize>,
    casts: Vec<(usize, usize)>,
    operands: Vec<usize>,
    dense: Vec<(usize, usize, usize)>,
}

fn parse_tables(text: &str) -> Tables {
    let mut t = Tables::default();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let n = |i: usize| -> usize { f[i].parse().unwrap() };
        match f[0] {
            "type" => {
                assert_eq!(n(1), t.types.len(), "type table out of order");
                t.types.push(FixedType {
                    width: f[2].parse().unwrap(),
                    int_bits: f[3].parse().unwrap(),
                    signed: f[4] == "1",
                    quantization: *Quantization::ALL.iter().find(|q| q.as_str() == f[5]).unwrap(),
                    overflow: *Overflow::ALL.iter().find(|o| o.as_str() == f[6]).unwrap(),
                    sat_bits: f[7].parse().unwrap(),
                    integer: f[8] == "1",
                });
            }
            "float" => t.floats.push(n(2)),
            "shape" => t.shapes.push(n(2)),
            "cast" => t.casts.push((n(2), n(3))),
            "operand" => t.operands.push(n(2)),
            "dense" => t.dense.push((n(2), n(3), n(4))),
            other => panic!("unexpected line in the type table: {other}"),
        }
    }
    t
}

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn u128(&mut self) -> u128 {
        ((self.next() as u128) << 64) | self.next() as u128
    }
    /// A random raw value of `t`, uniformly over its bits.
    fn raw(&mut self, t: &FixedType) -> i128 {
        t.wrap_raw(self.u128() as i128)
    }
    /// A random raw value of `t` with about `bits` significant bits, so small values appear too.
    fn raw_scaled(&mut self, t: &FixedType) -> i128 {
        let bits = 1 + self.below(t.width as u64) as u32;
        let v = (self.u128() >> (128 - bits)) as i128;
        t.wrap_raw(if t.signed && self.next() & 1 == 1 { -v } else { v })
    }
}

fn mask(width: u32) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

fn bits(t: &FixedType, raw: i128) -> u128 {
    raw as u128 & mask(t.width)
}

/// Doubles worth converting into `t`: ties, boundaries, specials and random values.
fn doubles_for(t: &FixedType, rng: &mut Rng) -> Vec<f64> {
    let lsb = t.lsb();
    let (max, min) = (t.max_value(), t.min_value());
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        0.3,
        -0.3,
        1e300,
        -1e300,
        1e-300,
        -1e-300,
        5e-324,
        -5e-324,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        f64::MAX,
        f64::MIN,
        2.0 * max + lsb,
        2.0 * min - lsb,
    ];
    for k in [0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 3.5] {
        v.extend([k * lsb, -k * lsb]);
    }
    for x in [max, min] {
        for d in [-1.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5] {
            v.push(x + d * lsb);
        }
    }
    // Exact ties: (k + 1/2) lsb with k small enough for the double to hold it.
    let span = (t.width.min(52)) as u64;
    for _ in 0..8 {
        let k = (rng.below(1 << span) as i64) >> (rng.below(span + 1));
        let k = if rng.next() & 1 == 1 { -k } else { k };
        v.push((k as f64 + 0.5) * lsb);
    }
    for _ in 0..8 {
        v.push((2.0 * min - lsb) + (2.0 * (max - min) + 2.0 * lsb) * rng.unit());
    }
    // Random doubles at the scale of the type, with all 52 mantissa bits random.
    let lo = -(t.frac_bits() as i64) - 3;
    let hi = (t.int_bits as i64) + 3;
    for _ in 0..6 {
        let e = (lo + rng.below((hi - lo + 1) as u64) as i64 + 1023).clamp(1, 2046) as u64;
        let x = f64::from_bits((rng.next() & (1 << 63)) | (e << 52) | (rng.next() >> 12));
        v.push(x);
    }
    v.push(f64::from_bits(rng.next()));
    v
}

/// Raw values of `from` worth casting into `to`: extremes, the target's boundaries and ties.
fn cast_raws(to: &FixedType, from: &FixedType, rng: &mut Rng) -> Vec<i128> {
    let (lo, hi) = (from.min_raw(), from.max_raw());
    let mut v = vec![0, 1, -1, lo, hi, lo.wrapping_add(1), hi.wrapping_sub(1)];
    let k = from.frac_bits() as i64 - to.frac_bits() as i64; // source lsb per target lsb, as a power of 2
    let in_source = |target_raw: i128| -> Option<i128> {
        if k >= 0 {
            let s = u32::try_from(k).ok().filter(|s| *s < 127)?;
            target_raw.checked_mul(1i128.checked_shl(s)?)
        } else {
            Some(target_raw >> (-k).min(127))
        }
    };
    let half = if (1..127).contains(&k) { 1i128 << (k - 1) } else { 0 };
    let (lo, hi) = (to.min_raw(), to.max_raw());
    for b in [
        hi,
        lo,
        lo.wrapping_add(1),
        hi.wrapping_neg(),
        hi.wrapping_add(1),
        lo.wrapping_sub(1),
    ] {
        if let Some(s) = in_source(b) {
            for d in [-1, 0, 1] {
                v.extend([
                    s.wrapping_add(d),
                    s.wrapping_add(half).wrapping_add(d),
                    s.wrapping_sub(half).wrapping_add(d),
                ]);
            }
        }
    }
    for _ in 0..6 {
        let r = rng.raw_scaled(from);
        if half != 0 {
            let tie = (r & !((half << 1) - 1)) | half;
            v.extend([tie, tie.wrapping_add(1), tie.wrapping_sub(1)]);
            let odd = tie ^ (half << 1);
            v.extend([odd, odd.wrapping_add(1)]);
        } else {
            v.push(r);
        }
    }
    for _ in 0..4 {
        v.push(rng.raw(from));
    }
    v.into_iter().map(|r| from.wrap_raw(r)).collect()
}

/// Raw values of `t` worth converting to a float of `man` mantissa bits: ties of that rounding.
fn float_raws(t: &FixedType, man: u32, rng: &mut Rng) -> Vec<i128> {
    let (lo, hi) = (t.min_raw(), t.max_raw());
    let mut v = vec![1, -1, lo, hi, lo.wrapping_add(1), hi.wrapping_sub(1)];
    for _ in 0..6 {
        v.push(rng.raw_scaled(t));
    }
    let mag_bits = t.width - t.signed as u32;
    for len in [man + 2, man + 3, man + 9, mag_bits] {
        if len > mag_bits || len <= man + 1 {
            continue;
        }
        let drop = len - man - 1; // bits below the float's last mantissa bit
        for _ in 0..3 {
            let top = (rng.u128() >> (128 - len)) | (1u128 << (len - 1));
            let base = (top >> drop) << drop;
            let tie = base | (1u128 << (drop - 1));
            for x in [
                tie,
                tie.wrapping_add(1),
                tie.wrapping_sub(1),
                base | (1u128 << drop) | (1u128 << (drop - 1)),
            ] {
                let x = (x & mask(len)) as i128;
                v.push(x);
                if t.signed {
                    v.push(x.wrapping_neg());
                }
            }
        }
    }
    v.into_iter().map(|r| t.wrap_raw(r)).collect()
}

fn floats_for(rng: &mut Rng) -> Vec<f32> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        -0.1,
        1e-45,
        -1e-45,
        f32::MAX,
        f32::MIN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        1.0 / 64.0 + 1.0 / 128.0,
        -(1.0 / 64.0 + 1.0 / 128.0),
    ];
    for _ in 0..40 {
        let e = 127 - 20 + rng.below(40) as u32;
        v.push(f32::from_bits(
            ((rng.next() as u32) & (1 << 31)) | (e << 23) | (rng.next() as u32 >> 9),
        ));
    }
    v
}

struct Case {
    line: String,
    /// What the runtime computes, in the oracle's output format.
    expect: String,
    what: String,
}

fn hex(v: u128) -> String {
    format!("{v:032x}")
}

fn generate(t: &Tables) -> Vec<Case> {
    let mut rng = Rng(0x5eed_f1c5_d00d_0001);
    let mut cases = Vec::new();
    let ty = |i: usize| t.types[i];
    for (i, target) in t.types.iter().enumerate() {
        for x in doubles_for(target, &mut rng) {
            cases.push(Case {
                line: format!("Q {i} {:016x}", x.to_bits()),
                expect: hex(bits(target, target.quantize_f64(x))),
                what: format!("{target} y = (double){x:e} [{:#018x}]", x.to_bits()),
            });
        }
    }
    let floats = floats_for(&mut rng);
    for (j, &i) in t.floats.iter().enumerate() {
        let target = ty(i);
        for &x in &floats {
            cases.push(Case {
                line: format!("F {j} {:08x}", x.to_bits()),
                expect: hex(bits(&target, target.from_f32(x))),
                what: format!("{target} y = (float){x:e}"),
            });
        }
    }
    for (j, &i) in t.shapes.iter().enumerate() {
        let s = ty(i);
        for raw in float_raws(&s, 52, &mut rng) {
            cases.push(Case {
                line: format!("D {j} {}", hex(bits(&s, raw))),
                expect: hex(s.to_f64(raw).to_bits() as u128),
                what: format!("{s}(raw {raw}).to_double()"),
            });
        }
        for raw in float_raws(&s, 23, &mut rng) {
            cases.push(Case {
                line: format!("E {j} {}", hex(bits(&s, raw))),
                expect: hex(s.to_f32(raw).to_bits() as u128),
                what: format!("{s}(raw {raw}).to_float()"),
            });
        }
    }
    for (j, &(to, from)) in t.casts.iter().enumerate() {
        let (to, from) = (ty(to), ty(from));
        for raw in cast_raws(&to, &from, &mut rng) {
            cases.push(Case {
                line: format!("C {j} {}", hex(bits(&from, raw))),
                expect: hex(bits(&to, to.cast_from(raw, &from))),
                what: format!("{to} y = {from}(raw {raw})"),
            });
        }
    }
    for (a, &ia) in t.operands.iter().enumerate() {
        for (b, &ib) in t.operands.iter().enumerate() {
            let (ta, tb) = (ty(ia), ty(ib));
            let mut pairs = vec![
                (ta.min_raw(), tb.min_raw()),
                (ta.max_raw(), tb.max_raw()),
                (ta.min_raw(), tb.max_raw()),
                (ta.max_raw(), tb.min_raw()),
                (0, rng.raw(&tb)),
            ];
            for _ in 0..4 {
                pairs.push((rng.raw_scaled(&ta), rng.raw_scaled(&tb)));
            }
            for (ra, rb) in pairs {
                for (op, sym) in [("M", '*'), ("A", '+'), ("S", '-')] {
                    let rt = match op {
                        "M" => ta.mul_type(&tb),
                        "A" => ta.add_type(&tb),
                        _ => ta.sub_type(&tb),
                    };
                    // A result too wide for the i128 representation is refused; only its type is compared.
                    let raw = rt.check_raw().ok().map(|()| match op {
                        "M" => ta.mul_raw(ra, &tb, rb),
                        "A" => ta.add_raw(ra, &tb, rb),
                        _ => ta.sub_raw(ra, &tb, rb),
                    });
                    cases.push(Case {
                        line: format!("{op} {a} {b} {} {}", hex(bits(&ta, ra)), hex(bits(&tb, rb))),
                        expect: format!(
                            "{} {} {} {} {}",
                            rt.width,
                            rt.int_bits,
                            rt.signed as u8,
                            rt.integer as u8,
                            raw.map_or(TYPE_ONLY.to_string(), |raw| hex(bits(&rt, raw)))
                        ),
                        what: format!("{ta}(raw {ra}) {sym} {tb}(raw {rb}) -> {rt}"),
                    });
                }
            }
        }
    }
    for (j, &(acc, x, w)) in t.dense.iter().enumerate() {
        let (acc_t, x_t, w_t) = (ty(acc), ty(x), ty(w));
        let p_t = x_t.mul_type(&w_t);
        let s_t = acc_t.add_type(&p_t);
        for n in 0..20 {
            let (ra, rx, rw) = match n {
                0 => (acc_t.max_raw(), x_t.max_raw(), w_t.max_raw()),
                1 => (acc_t.min_raw(), x_t.max_raw(), w_t.min_raw()),
                2 => (acc_t.max_raw(), x_t.min_raw(), w_t.min_raw()),
                _ => (rng.raw_scaled(&acc_t), rng.raw_scaled(&x_t), rng.raw_scaled(&w_t)),
            };
            let p = x_t.mul_raw(rx, &w_t, rw);
            let out = acc_t.cast_from(acc_t.add_raw(ra, &p_t, p), &s_t);
            cases.push(Case {
                line: format!(
                    "X {j} {} {} {}",
                    hex(bits(&acc_t, ra)),
                    hex(bits(&x_t, rx)),
                    hex(bits(&w_t, rw))
                ),
                expect: hex(bits(&acc_t, out)),
                what: format!("{acc_t} acc = raw {ra}; acc += {x_t}(raw {rx}) * {w_t}(raw {rw})"),
            });
        }
    }
    cases
}

#[test]
fn fixed_point_matches_the_xilinx_headers() {
    let include = match include_dir() {
        Ok(dir) => dir,
        Err(reason) => return skip(&format!("no Xilinx ap_types headers: {reason}")),
    };
    if Command::new("g++").arg("--version").output().is_err() {
        return skip("g++ is not installed");
    }
    let oracle = match build_oracle(&include) {
        Ok(exe) => exe,
        Err(reason) => return skip(&reason),
    };
    let out = Command::new(&oracle).arg("types").output().expect("run the oracle");
    assert!(
        out.status.success(),
        "oracle types: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tables = parse_tables(&String::from_utf8_lossy(&out.stdout));
    for t in &tables.types {
        t.check_raw().unwrap();
    }

    let cases = generate(&tables);
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    let mut text = String::with_capacity(cases.len() * 48);
    for c in &cases {
        writeln!(text, "{}", c.line).unwrap();
    }
    let file = oracle.with_file_name(format!("cases-{}.txt", std::process::id()));
    std::fs::write(&file, text).expect("write the cases");
    let out = Command::new(&oracle).arg(&file).output().expect("run the oracle");
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "oracle: {}", String::from_utf8_lossy(&out.stderr));
    let got = String::from_utf8(out.stdout).unwrap();
    let got: Vec<&str> = got.lines().collect();
    assert_eq!(
        got.len(),
        cases.len(),
        "the oracle answered {} of {} cases",
        got.len(),
        cases.len()
    );

    let mut report = String::new();
    let mut differences = 0;
    let mut by_kind: std::collections::BTreeMap<String, usize> = Default::default();
    let mut type_only = 0;
    for (c, g) in cases.iter().zip(&got) {
        let same = match c.expect.strip_suffix(TYPE_ONLY) {
            Some(prefix) => {
                type_only += 1;
                g.starts_with(prefix)
            }
            None => c.expect == *g,
        };
        if !same {
            differences += 1;
            let kind = format!("{} {}", &c.line[..1], c.what.split(['(', ' ']).next().unwrap_or(""));
            *by_kind.entry(kind).or_default() += 1;
            if differences <= 40 {
                writeln!(
                    report,
                    "  {}\n    case `{}`\n    xilinx {g}\n    ours   {}",
                    c.what, c.line, c.expect
                )
                .unwrap();
            }
        }
    }
    let count = |op: &str| cases.iter().filter(|c| c.line.starts_with(op)).count();
    println!(
        "fixed_vs_xilinx: {} cases ({} from double, {} from float, {} to double/float, {} casts, {} products/sums/differences, {} dense steps; {type_only} results wider than 128 bits compared by type only), {differences} differences",
        cases.len(),
        count("Q "),
        count("F "),
        count("D ") + count("E "),
        count("C "),
        count("M ") + count("A ") + count("S "),
        count("X "),
    );
    for (kind, n) in by_kind.iter().take(40) {
        writeln!(report, "  {n} differences in `{kind}` cases").unwrap();
    }
    assert!(
        differences == 0,
        "{differences} of {} cases differ from the Xilinx headers:\n{report}",
        cases.len()
    );
}
