//! The emulator backend: the runtime's bit-exact layer kernels ([`crate::emu`]) behind the
//! [`Backend`] and [`Ip`] traits, so the typed driver's `emulator()` and a virtual board's IP can run
//! without any compiled C++ — on the host or on the board's CPU.
//!
//! The bus words are read exactly as the AXI wrapper reads them: a `float`/`double` word is
//! converted into the model's input type (`Q_in(v)`), a fixed word's raw bits are cast into it; the
//! outputs are converted from the model's output type into the output bus type.

use crate::accel::{Backend, Interface, Spec};
use crate::bus::{BusLayout, WordType};
use crate::emu::{self, Model, Workspace};
use crate::error::{Error, ErrorKind, Result};
use crate::ip::{wrong_interface, Beat, Ip};
use std::sync::Arc;
use std::time::Duration;

/// Batches from this size on are split over every core.
const PARALLEL_SAMPLES: usize = 4096;

/// The model's kernels as an accelerator.
pub struct Emulator {
    spec: Spec,
    model: Arc<Model>,
    ws: Workspace,
    f32_in: Vec<f32>,
    f32_out: Vec<f32>,
}

impl Emulator {
    /// The emulator of `model`, driven as `spec` says (its bus types and sizes must agree).
    pub fn new(spec: Spec, model: Model) -> Result<Emulator> {
        if model.input_size() != spec.input.values || model.output_size() != spec.output.values {
            return Err(Error::new(
                ErrorKind::Model,
                format!(
                    "the model has {} inputs and {} outputs, the accelerator {} and {}",
                    model.input_size(),
                    model.output_size(),
                    spec.input.values,
                    spec.output.values
                ),
            ));
        }
        let ws = model.workspace();
        Ok(Emulator {
            spec,
            model: Arc::new(model),
            ws,
            f32_in: Vec::new(),
            f32_out: Vec::new(),
        })
    }

    /// The emulator of a model in its binary form ([`emu::encoding`]), as the typed driver embeds it.
    pub fn from_bytes(spec: Spec, bytes: &[u8]) -> Result<Emulator> {
        let layers = emu::encoding::decode(bytes)
            .map_err(|e| Error::new(ErrorKind::Model, format!("the embedded model is corrupt: {e}")))?;
        let model = Model::new(layers).map_err(|e| Error::new(ErrorKind::Model, e.to_string()))?;
        Emulator::new(spec, model)
    }

    /// The model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Runs `n` samples of packed words.
    fn compute(&mut self, input: &[u8], output: &mut [u8], n: usize) {
        let (bin, bout) = (self.spec.input, self.spec.output);
        if bin.word == WordType::Float && bout.word == WordType::Float {
            // The common case: float in, float out, through the reusable workspace.
            self.f32_in.clear();
            self.f32_in
                .extend((0..n * bin.values).map(|i| f32::from_bits(bin.read_word(input, i) as u32)));
            self.f32_out.resize(n * bout.values, 0.0);
            if n >= PARALLEL_SAMPLES {
                // Large batches on every core (each thread with its own workspace).
                self.model.predict_parallel_into(&self.f32_in, &mut self.f32_out, 0);
            } else {
                self.model.predict_into(&mut self.ws, &self.f32_in, &mut self.f32_out);
            }
            for (i, v) in self.f32_out.iter().enumerate() {
                bout.write_word(output, i, v.to_bits() as u64);
            }
            return;
        }
        // Any other pair of bus types: raw values of the model's input type in, raw values of its
        // output type out, converted as the wrapper converts them.
        let in_ty = self.model.input_type();
        let out_ty = self.model.output_type();
        let raw_in: Vec<i128> = (0..n * bin.values)
            .map(|i| {
                let w = bin.read_word(input, i);
                match bin.word {
                    WordType::Float => in_ty.quantize_f64(f32::from_bits(w as u32) as f64),
                    WordType::Double => in_ty.quantize_f64(f64::from_bits(w)),
                    WordType::Fixed(t) => in_ty.cast_from(bin.raw_from_word(w), &t),
                }
            })
            .collect();
        let raw_out = self.model.predict_fixed(&raw_in, in_ty, out_ty);
        for (i, &r) in raw_out.iter().enumerate() {
            bout.write_word(output, i, to_word(&bout, r, &out_ty));
        }
    }
}

/// The output bus word of a raw value of the model's output type.
fn to_word(bus: &BusLayout, raw: i128, out_ty: &crate::FixedType) -> u64 {
    match bus.word {
        WordType::Float => out_ty.to_f32(raw).to_bits() as u64,
        WordType::Double => out_ty.to_f64(raw).to_bits(),
        WordType::Fixed(t) => bus.word_from_raw(t.cast_from(raw, out_ty)),
    }
}

impl Backend for Emulator {
    fn describe(&self) -> String {
        format!("{} emulator (the runtime's bit-exact kernels)", self.spec.name)
    }

    fn run(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let (bin, bout) = (self.spec.input, self.spec.output);
        if input.len() != n * bin.sample_bytes() || output.len() != n * bout.sample_bytes() {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{n} samples need {} input and {} output bytes, got {} and {}",
                    n * bin.sample_bytes(),
                    n * bout.sample_bytes(),
                    input.len(),
                    output.len()
                ),
            ));
        }
        self.compute(input, output, n);
        Ok(Duration::ZERO)
    }
}

impl Ip for Emulator {
    fn interface(&self) -> Interface {
        self.spec.interface
    }

    fn stream(&mut self, input: &[Beat], output: &mut Vec<Beat>) -> Result<()> {
        if self.spec.interface != Interface::AxiStream {
            return Err(wrong_interface(self.spec.interface, Interface::AxiStream));
        }
        let (bin, bout) = (self.spec.input, self.spec.output);
        let n = input.len() / bin.values;
        let mut bytes = vec![0u8; n * bin.sample_bytes()];
        for (i, b) in input[..n * bin.values].iter().enumerate() {
            bin.write_word(&mut bytes, i, b.data);
        }
        let mut out = vec![0u8; n * bout.sample_bytes()];
        self.compute(&bytes, &mut out, n);
        for s in 0..n {
            // The wrapper sets TLAST on a sample's last output word iff any of its input words had it.
            let last = input[s * bin.values..(s + 1) * bin.values].iter().any(|b| b.last);
            output.extend((0..bout.values).map(|j| Beat {
                data: bout.read_word(&out, s * bout.values + j),
                last: last && j + 1 == bout.values,
            }));
        }
        Ok(())
    }

    fn lite(&mut self, input: &[u64], output: &mut [u64]) -> Result<()> {
        if self.spec.interface != Interface::AxiLite {
            return Err(wrong_interface(self.spec.interface, Interface::AxiLite));
        }
        let (bin, bout) = (self.spec.input, self.spec.output);
        let mut bytes = vec![0u8; bin.sample_bytes()];
        for (i, &w) in input.iter().enumerate() {
            bin.write_word(&mut bytes, i, w);
        }
        let mut out = vec![0u8; bout.sample_bytes()];
        self.compute(&bytes, &mut out, 1);
        for (j, w) in output.iter_mut().enumerate() {
            *w = bout.read_word(&out, j);
        }
        Ok(())
    }

    fn master(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<()> {
        if self.spec.interface != Interface::AxiMaster {
            return Err(wrong_interface(self.spec.interface, Interface::AxiMaster));
        }
        let (bin, bout) = (self.spec.input, self.spec.output);
        self.compute(
            &input[..n * bin.sample_bytes()],
            &mut output[..n * bout.sample_bytes()],
            n,
        );
        Ok(())
    }
}
