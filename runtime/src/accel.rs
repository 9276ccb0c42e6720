//! The accelerator as the typed driver sees it: its description ([`Spec`]), the [`Backend`] that
//! runs it (the emulator, a Zynq board, an Alveo card, the virtual board), and [`Accelerator`], the
//! byte-level driver the generated `predict` methods call.

use crate::bus::{flatten, flatten_mut, BusLayout, BusValue, Flat};
use crate::error::{Error, ErrorKind, Result};
use std::time::{Duration, Instant};

/// How the host reaches the accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Interface {
    /// AXI4-Stream in and out, fed by an AXI DMA in simple mode (the default).
    #[default]
    AxiStream,
    /// One `s_axilite` register per value, one start per sample.
    AxiLite,
    /// The IP reads and writes memory itself (`m_axi`), started through `s_axilite` registers.
    AxiMaster,
}

impl Interface {
    /// The TOML spelling (`axi_stream`, `axi_lite`, `axi_master`).
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::AxiStream => "axi_stream",
            Interface::AxiLite => "axi_lite",
            Interface::AxiMaster => "axi_master",
        }
    }
}

/// The board's device family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Zynq-7000 (pynq-z2): 32-bit ARM, HP ports not cache-coherent.
    Zynq7000,
    /// Zynq UltraScale+ MPSoC (zcu102): 64-bit ARM, HPC ports.
    ZynqMp,
    /// An Alveo card driven through XRT.
    Alveo,
}

/// What the driver knows about the accelerator at compile time: the generated module's `spec()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// The model name `P` (the firmware's top function; the IP is `P_axi`).
    pub name: String,
    /// The board's name (`pynq-z2`, `alveo-u50`, …).
    pub board: String,
    /// The board's family.
    pub family: Family,
    /// The interface.
    pub interface: Interface,
    /// The input bus.
    pub input: BusLayout,
    /// The output bus.
    pub output: BusLayout,
    /// The PL clock period in nanoseconds.
    pub clock_period_ns: f64,
}

impl Spec {
    /// The IP's name, `P_axi` (the HLS top function, the kernel's name on Alveo).
    pub fn ip_name(&self) -> String {
        format!("{}_axi", self.name)
    }
}

/// Something that runs the accelerator on batches of packed bus words.
pub trait Backend: Send {
    /// A short description for messages and profiles ("emulator", "pynq-z2 via /dev/mem", …).
    fn describe(&self) -> String;

    /// Runs `n` samples: `input` holds `n` samples of packed input words, `output` receives `n`
    /// samples of packed output words (both exactly that long). Returns the time spent moving
    /// data (copies into and out of device buffers, cache maintenance, DMA transfers) as far as
    /// the backend can tell it apart from computing; zero when it cannot.
    fn run(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration>;
}

/// How a batch went: what `predict_profiled` returns beside the outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// Samples in the batch.
    pub samples: usize,
    /// Wall-clock time of the whole call (encoding, running, decoding).
    pub latency: Duration,
    /// Samples per second over the call.
    pub throughput: f64,
    /// Time the backend spent moving data (see [`Backend::run`]).
    pub data_movement: Duration,
    /// `data_movement / latency`, between 0 and 1.
    pub data_movement_share: f64,
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} samples in {:.3} ms: {:.0} samples/s, {:.1} % moving data",
            self.samples,
            self.latency.as_secs_f64() * 1e3,
            self.throughput,
            self.data_movement_share * 100.0
        )
    }
}

/// The driver under the typed methods: a [`Spec`], a [`Backend`], and encode/decode buffers kept
/// from call to call (no allocation once a batch of a given size has run).
pub struct Accelerator {
    spec: Spec,
    backend: Box<dyn Backend>,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl std::fmt::Debug for Accelerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accelerator")
            .field("spec", &self.spec)
            .field("backend", &self.backend.describe())
            .finish()
    }
}

impl Accelerator {
    /// A driver running `spec` on `backend`.
    pub fn new(spec: Spec, backend: Box<dyn Backend>) -> Accelerator {
        Accelerator {
            spec,
            backend,
            input: Vec::new(),
            output: Vec::new(),
        }
    }

    /// The accelerator's description.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The backend's description.
    pub fn describe(&self) -> String {
        self.backend.describe()
    }

    /// Runs `input` (whole samples) into `output` (as many samples); the time spent moving data.
    pub fn predict_into<I: Flat, O: Flat>(&mut self, input: &[I], output: &mut [O]) -> Result<Duration> {
        let n = input.len();
        if output.len() != n {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("{n} input samples but room for {} outputs", output.len()),
            ));
        }
        if I::COUNT != self.spec.input.values || O::COUNT != self.spec.output.values {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "samples of {} and {} values given to an accelerator of {} inputs and {} outputs",
                    I::COUNT,
                    O::COUNT,
                    self.spec.input.values,
                    self.spec.output.values
                ),
            ));
        }
        if n == 0 {
            return Ok(Duration::ZERO);
        }
        let (bus_in, bus_out) = (self.spec.input, self.spec.output);
        self.input.resize(n * bus_in.sample_bytes(), 0);
        self.output.resize(n * bus_out.sample_bytes(), 0);
        encode(&bus_in, flatten(input), &mut self.input);
        let moved = self.backend.run(&self.input, &mut self.output, n)?;
        decode(&bus_out, &self.output, flatten_mut(output));
        Ok(moved)
    }

    /// Runs a batch and returns its outputs.
    pub fn predict<I: Flat, O: Flat>(&mut self, input: &[I]) -> Result<Vec<O>> {
        let mut out = vec![O::zeroed(); input.len()];
        self.predict_into(input, &mut out)?;
        Ok(out)
    }

    /// Runs a batch and returns its outputs and how long it took.
    pub fn predict_profiled<I: Flat, O: Flat>(&mut self, input: &[I]) -> Result<(Vec<O>, Profile)> {
        let mut out = vec![O::zeroed(); input.len()];
        let start = Instant::now();
        let moved = self.predict_into(input, &mut out)?;
        let latency = start.elapsed();
        let secs = latency.as_secs_f64();
        let profile = Profile {
            samples: input.len(),
            latency,
            throughput: if secs > 0.0 { input.len() as f64 / secs } else { 0.0 },
            data_movement: moved,
            data_movement_share: if secs > 0.0 {
                (moved.as_secs_f64() / secs).min(1.0)
            } else {
                0.0
            },
        };
        Ok((out, profile))
    }
}

/// Packs values into bus words.
fn encode<E: BusValue>(bus: &BusLayout, values: &[E], bytes: &mut [u8]) {
    for (i, &v) in values.iter().enumerate() {
        bus.write_word(bytes, i, v.to_word(bus));
    }
}

/// Unpacks bus words into values.
fn decode<E: BusValue>(bus: &BusLayout, bytes: &[u8], values: &mut [E]) {
    for (i, v) in values.iter_mut().enumerate() {
        *v = E::from_word(bus.read_word(bytes, i), bus);
    }
}
