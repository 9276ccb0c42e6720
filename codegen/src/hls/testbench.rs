//! `<P>_test.cpp` and `tb_data/`: the C-simulation testbench, fed with a few inputs and the float
//! model's outputs on them.

use super::plan::Plan;
use super::stamp;
use crate::config::IoType;
use crate::diag::{Error, Result};
use std::fmt::Write;

/// Samples written to `tb_data/`.
pub const TB_SAMPLES: usize = 10;

/// The testbench inputs: the first [`TB_SAMPLES`] rows of the calibration file when there is one,
/// otherwise deterministic pseudo-random standard-normal values.
pub fn tb_inputs(plan: &Plan) -> Result<Vec<Vec<f32>>> {
    let n_in = plan.layer(0).output_size();
    if let Some(path) = &plan.project.config.hls.calibration {
        let x = hls4ml_runtime::npy::read_f32(path).map_err(|e| Error::in_file(path, e.message))?;
        if x.row_len() == n_in && x.rows() > 0 {
            return Ok(x.row_iter().take(TB_SAMPLES).map(<[f32]>::to_vec).collect());
        }
    }
    let mut rng = Normal::new(0x686c_7334_6d6c);
    Ok((0..TB_SAMPLES)
        .map(|_| (0..n_in).map(|_| rng.next() as f32).collect())
        .collect())
}

/// Standard-normal numbers from a fixed seed: SplitMix64 and the Box–Muller transform.
struct Normal {
    state: u64,
    spare: Option<f64>,
}

impl Normal {
    fn new(seed: u64) -> Normal {
        Normal {
            state: seed,
            spare: None,
        }
    }

    fn uniform(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        // 53 random bits in (0, 1).
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn next(&mut self) -> f64 {
        if let Some(v) = self.spare.take() {
            return v;
        }
        let (u, v) = (self.uniform(), self.uniform());
        let r = (-2.0 * u.ln()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * v;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }
}

/// `tb_data/tb_input_features.dat` and `tb_data/tb_output_predictions.dat`: one sample per line.
pub fn tb_data(plan: &Plan) -> Result<(String, String)> {
    let inputs = tb_inputs(plan)?;
    let header = |what: &str| format!("{}\n# {what}, one sample per line\n", plan.project.stamp("#"));
    let mut x = header("testbench inputs");
    let mut y = header("the float model's outputs on them");
    for sample in &inputs {
        let out = crate::float::forward(plan.graph, sample);
        let _ = writeln!(x, "{}", join(sample));
        let _ = writeln!(y, "{}", join(&out));
    }
    Ok((x, y))
}

fn join(values: &[f32]) -> String {
    values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" ")
}

/// The text of `<P>_test.cpp`.
pub fn testbench(plan: &Plan) -> String {
    let p = plan.name();
    let run = match plan.io {
        IoType::Parallel => format!(
            r#"    input_t x[N_IN];
    for (unsigned i = 0; i < N_IN; i++) x[i] = in[i];
    result_t y[N_OUT];
    {p}(x, y);
    for (unsigned j = 0; j < N_OUT; j++) out[j] = y[j].to_float();"#
        ),
        IoType::Stream => format!(
            r#"    hls::stream<input_pack_t> x("input");
    for (unsigned p = 0; p < N_IN / input_pack_t::size; p++) {{
        input_pack_t position;
        for (unsigned c = 0; c < input_pack_t::size; c++) position[c] = in[p * input_pack_t::size + c];
        x.write(position);
    }}
    hls::stream<result_pack_t> y("output");
    {p}(x, y);
    for (unsigned p = 0; p < N_OUT / result_pack_t::size; p++) {{
        const result_pack_t position = y.read();
        for (unsigned c = 0; c < result_pack_t::size; c++) out[p * result_pack_t::size + c] = position[c].to_float();
    }}"#
        ),
    };
    format!(
        r#"{stamp}
// Runs the firmware on tb_data/tb_input_features.dat (one sample per line) and compares its outputs
// with tb_data/tb_output_predictions.dat, the float model's outputs on the same inputs. Fixed-point
// outputs differ from float ones: the summary reports by how much, and the testbench never fails on
// it. The outputs are written to tb_data/csim_results.log.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "firmware/{p}.h"

// Reads the next line that is not a comment into `values` (n numbers); false at the end of the file.
static bool read_sample(std::ifstream& file, float* values, unsigned n) {{
    std::string line;
    while (std::getline(file, line)) {{
        if (line.empty() || line[0] == '#') continue;
        std::istringstream numbers(line);
        unsigned k = 0;
        while (k < n && numbers >> values[k]) k++;
        if (k == n) return true;
    }}
    return false;
}}

// One sample through the firmware.
static void run(const float in[N_IN], float out[N_OUT]) {{
{run}
}}

int main() {{
    std::ifstream inputs("tb_data/tb_input_features.dat");
    std::ifstream expected("tb_data/tb_output_predictions.dat");
    std::ofstream results("tb_data/csim_results.log");
    results.precision(9);
    if (!inputs.is_open()) {{
        std::printf("tb_data/tb_input_features.dat not found: nothing to simulate\n");
        return 0;
    }}
    unsigned samples = 0, compared = 0;
    float max_diff = 0;
    float in[N_IN], out[N_OUT], want[N_OUT];
    while (read_sample(inputs, in, N_IN)) {{
        run(in, out);
        for (unsigned j = 0; j < N_OUT; j++) results << out[j] << (j + 1 < N_OUT ? " " : "\n");
        if (read_sample(expected, want, N_OUT)) {{
            for (unsigned j = 0; j < N_OUT; j++) {{
                const float diff = std::fabs(out[j] - want[j]);
                if (diff > max_diff) max_diff = diff;
            }}
            compared++;
        }}
        if (samples < 3) {{
            std::printf("sample %u:", samples);
            for (unsigned j = 0; j < N_OUT && j < 10; j++) std::printf(" %g", out[j]);
            std::printf("%s\n", N_OUT > 10 ? " ..." : "");
        }}
        samples++;
    }}
    std::printf("{p}: %u samples simulated, %u compared with the float model, max |difference| = %g\n", samples,
                compared, max_diff);
    return 0;
}}
"#,
        stamp = stamp(plan, "C-simulation testbench.")
    )
}
