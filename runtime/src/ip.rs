//! The accelerator's IP as software: the compiled C simulation of the generated AXI wrapper (linked
//! by the build API) or the runtime's own kernels, behind one trait. The virtual board puts an
//! [`Ip`] between its DMA's MM2S and S2MM channels (or behind its registers); [`IpBackend`] calls
//! one directly.

use crate::accel::{Backend, Interface, Spec};
use crate::error::{Error, ErrorKind, Result};
use std::time::Duration;

/// One AXI4-Stream beat: the word (in its low bits) and TLAST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Beat {
    /// The word.
    pub data: u64,
    /// TLAST.
    pub last: bool,
}

/// The IP, for the interface it was generated with (the other methods return an error).
pub trait Ip: Send {
    /// The interface the IP was generated with.
    fn interface(&self) -> Interface;

    /// `axi_stream`: runs on `input` — whole samples of beats — and appends the beats it writes to
    /// `output` (one sample's worth per input sample; TLAST as the wrapper sets it).
    fn stream(&mut self, input: &[Beat], output: &mut Vec<Beat>) -> Result<()>;

    /// `axi_lite`: one start: reads the words of the `in` registers, writes those of the `out`
    /// registers.
    fn lite(&mut self, input: &[u64], output: &mut [u64]) -> Result<()>;

    /// `axi_master`: one start with `n` samples: reads `n` samples of packed words from `input`
    /// (the memory at the `in` address), writes `n` samples to `output` (at the `out` address).
    fn master(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<()>;
}

/// The error an [`Ip`] returns for a method of another interface.
pub fn wrong_interface(has: Interface, called: Interface) -> Error {
    Error::new(
        ErrorKind::Argument,
        format!("the IP was generated for {}, not {}", has.as_str(), called.as_str()),
    )
}

/// A [`Backend`] calling an [`Ip`] directly, without a bus model: the C simulation of the AXI
/// wrapper as a host-side engine.
pub struct IpBackend {
    spec: Spec,
    ip: Box<dyn Ip>,
    beats: Vec<Beat>,
    out_beats: Vec<Beat>,
}

impl IpBackend {
    /// Runs `ip`, an implementation of `spec`'s wrapper.
    pub fn new(spec: Spec, ip: Box<dyn Ip>) -> IpBackend {
        IpBackend {
            spec,
            ip,
            beats: Vec::new(),
            out_beats: Vec::new(),
        }
    }
}

impl Backend for IpBackend {
    fn describe(&self) -> String {
        format!("{} C simulation ({})", self.spec.ip_name(), self.spec.interface.as_str())
    }

    fn run(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let (bin, bout) = (self.spec.input, self.spec.output);
        match self.ip.interface() {
            Interface::AxiStream => {
                let words = n * bin.values;
                self.beats.clear();
                self.beats.extend((0..words).map(|i| Beat {
                    data: bin.read_word(input, i),
                    last: i + 1 == words,
                }));
                self.out_beats.clear();
                self.ip.stream(&self.beats, &mut self.out_beats)?;
                if self.out_beats.len() != n * bout.values {
                    return Err(Error::new(
                        ErrorKind::Length,
                        format!(
                            "the IP wrote {} output words for {n} samples, not {}",
                            self.out_beats.len(),
                            n * bout.values
                        ),
                    ));
                }
                for (i, b) in self.out_beats.iter().enumerate() {
                    bout.write_word(output, i, b.data);
                }
            }
            Interface::AxiLite => {
                let mut x = vec![0u64; bin.values];
                let mut y = vec![0u64; bout.values];
                for s in 0..n {
                    for (j, w) in x.iter_mut().enumerate() {
                        *w = bin.read_word(input, s * bin.values + j);
                    }
                    self.ip.lite(&x, &mut y)?;
                    for (j, &w) in y.iter().enumerate() {
                        bout.write_word(output, s * bout.values + j, w);
                    }
                }
            }
            Interface::AxiMaster => self.ip.master(input, output, n)?,
        }
        Ok(Duration::ZERO)
    }
}
