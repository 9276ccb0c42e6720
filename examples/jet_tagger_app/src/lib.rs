//! The jet tagger's bit-accurate C simulation, compiled by `hls4ml::build` in this crate's
//! `build.rs` and linked in as a static library, behind a safe batch API.

/// Values of one input sample.
pub const N_IN: usize = 16;
/// Values of one output sample.
pub const N_OUT: usize = 5;

mod ffi {
    extern "C" {
        pub fn jet_tagger_predict_batch_f32(input: *const f32, output: *mut f32, n: std::ffi::c_ulong);
        pub fn jet_tagger_input_size() -> std::ffi::c_ulong;
        pub fn jet_tagger_output_size() -> std::ffi::c_ulong;
    }
}

/// Where `build.rs` wrote the Vivado HLS project.
pub const PROJECT_DIR: &str = env!("HLS4ML_PROJECT_DIR");

/// Sizes of one input and one output sample, as the compiled firmware reports them.
pub fn sizes() -> (usize, usize) {
    // SAFETY: plain C functions without arguments returning constants.
    unsafe {
        (
            ffi::jet_tagger_input_size() as usize,
            ffi::jet_tagger_output_size() as usize,
        )
    }
}

/// Runs the C simulation over a batch of samples.
pub fn predict(x: &[[f32; N_IN]]) -> Vec<[f32; N_OUT]> {
    let mut y = vec![[0f32; N_OUT]; x.len()];
    // SAFETY: `x` holds x.len() * N_IN floats and `y` has room for x.len() * N_OUT, the sizes the
    // library reports (checked by the tests); the library keeps no pointer after returning.
    unsafe {
        ffi::jet_tagger_predict_batch_f32(x.as_ptr().cast(), y.as_mut_ptr().cast(), x.len() as std::ffi::c_ulong);
    }
    y
}
