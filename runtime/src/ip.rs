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
        format!(
            "{} C simulation ({})",
            self.spec.ip_name(),
            self.spec.interface.as_str()
        )
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

/// `axi_stream` entry of the compiled wrapper: `(in_data, in_last, n_in, out_data, out_last, n_out)`:
/// runs the `n_in` input beats (whole samples) and writes the produced beats and their count.
pub type StreamEntry = unsafe extern "C" fn(*const u64, *const u8, usize, *mut u64, *mut u8, *mut usize);
/// `axi_lite` entry: `(in_words, out_words)`, one sample's words as 64-bit integers.
pub type LiteEntry = unsafe extern "C" fn(*const u64, *mut u64);
/// `axi_master` entry: `(in_memory, out_memory, n)`, packed little-endian words.
pub type MasterEntry = unsafe extern "C" fn(*const u8, *mut u8, u32);

/// The entry point of a compiled AXI wrapper's C simulation (`<P>_axi_bridge.cpp`, linked by the
/// build API), for its interface.
#[derive(Debug, Clone, Copy)]
pub enum CsimEntry {
    /// `<P>_axi_stream_run`.
    Stream(StreamEntry),
    /// `<P>_axi_lite_run`.
    Lite(LiteEntry),
    /// `<P>_axi_master_run`.
    Master(MasterEntry),
}

/// The compiled C simulation of the AXI wrapper as an [`Ip`].
pub struct CsimIp {
    spec: Spec,
    entry: CsimEntry,
    data: Vec<u64>,
    last: Vec<u8>,
    out_data: Vec<u64>,
    out_last: Vec<u8>,
}

impl CsimIp {
    /// The IP of `spec` behind `entry`.
    ///
    /// # Safety
    /// `entry` must be the bridge generated for exactly this `spec` (same interface, bus types and
    /// sample sizes): it reads and writes as many words as the spec says.
    pub unsafe fn new(spec: Spec, entry: CsimEntry) -> CsimIp {
        CsimIp {
            spec,
            entry,
            data: Vec::new(),
            last: Vec::new(),
            out_data: Vec::new(),
            out_last: Vec::new(),
        }
    }
}

impl Ip for CsimIp {
    fn interface(&self) -> Interface {
        self.spec.interface
    }

    fn stream(&mut self, input: &[Beat], output: &mut Vec<Beat>) -> Result<()> {
        let CsimEntry::Stream(run) = self.entry else {
            return Err(wrong_interface(self.spec.interface, Interface::AxiStream));
        };
        let n = input.len() / self.spec.input.values;
        let beats = &input[..n * self.spec.input.values];
        self.data.clear();
        self.data.extend(beats.iter().map(|b| b.data));
        self.last.clear();
        self.last.extend(beats.iter().map(|b| b.last as u8));
        let cap = n * self.spec.output.values;
        self.out_data.resize(cap, 0);
        self.out_last.resize(cap, 0);
        let mut produced = 0usize;
        // SAFETY: `new`'s contract: the bridge reads `beats.len()` beats (whole samples) and writes
        // one sample's words per input sample, `cap` in all, into buffers of that size.
        unsafe {
            run(
                self.data.as_ptr(),
                self.last.as_ptr(),
                beats.len(),
                self.out_data.as_mut_ptr(),
                self.out_last.as_mut_ptr(),
                &mut produced,
            )
        };
        if produced > cap {
            return Err(Error::new(
                ErrorKind::Length,
                format!("the C simulation wrote {produced} beats into room for {cap}"),
            ));
        }
        output.extend((0..produced).map(|k| Beat {
            data: self.out_data[k],
            last: self.out_last[k] != 0,
        }));
        Ok(())
    }

    fn lite(&mut self, input: &[u64], output: &mut [u64]) -> Result<()> {
        let CsimEntry::Lite(run) = self.entry else {
            return Err(wrong_interface(self.spec.interface, Interface::AxiLite));
        };
        if input.len() != self.spec.input.values || output.len() != self.spec.output.values {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "one sample is {} words in and {} out, not {} and {}",
                    self.spec.input.values,
                    self.spec.output.values,
                    input.len(),
                    output.len()
                ),
            ));
        }
        // SAFETY: `new`'s contract; the lengths were checked above.
        unsafe { run(input.as_ptr(), output.as_mut_ptr()) };
        Ok(())
    }

    fn master(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<()> {
        let CsimEntry::Master(run) = self.entry else {
            return Err(wrong_interface(self.spec.interface, Interface::AxiMaster));
        };
        let (bi, bo) = (n * self.spec.input.sample_bytes(), n * self.spec.output.sample_bytes());
        if input.len() < bi || output.len() < bo || u32::try_from(n).is_err() {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{n} samples need {bi} input and {bo} output bytes, got {} and {}",
                    input.len(),
                    output.len()
                ),
            ));
        }
        // SAFETY: `new`'s contract; the buffer sizes were checked above.
        unsafe { run(input.as_ptr(), output.as_mut_ptr(), n as u32) };
        Ok(())
    }
}
