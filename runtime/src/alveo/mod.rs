//! The Alveo backend: the accelerator as an XRT kernel on a PCIe card, through XRT's C API loaded
//! at run time (nothing links against XRT at build time, so the same binary runs where XRT is
//! absent and says so when asked for a card).
//!
//! The kernel is the `axi_master` wrapper, `extern "C" void <P>_axi(const word_in_t* in,
//! word_out_t* out, unsigned n)`: arguments 0 and 1 are buffers in the card's memory (the banks
//! `connectivity.cfg` connects them to), argument 2 the number of samples. One batch is one run:
//! copy the packed input words into the input buffer, sync it to the card, run the kernel on `n`,
//! wait, sync the output buffer back and copy the words out.
//!
//! ```no_run
//! # fn main() -> hls4ml_runtime::Result<()> {
//! # let spec: hls4ml_runtime::Spec = unimplemented!();
//! use hls4ml_runtime::{alveo, Accelerator};
//! let backend = alveo::open(&spec, "jet_tagger.xclbin".as_ref(), alveo::Options::default())?;
//! let mut nn = Accelerator::new(spec, Box::new(backend));
//! # Ok(())
//! # }
//! ```
//!
//! XRT aborts the whole process when its environment is not set up (`XILINX_XRT`), so [`open`]
//! checks it before the first XRT call and returns an error instead.

mod xclbin;
mod xrt;

pub use xclbin::MAGIC as XCLBIN_MAGIC;
pub use xrt::LIBRARY_NAMES;

use crate::accel::{Backend, Family, Interface, Spec};
use crate::error::{Error, ErrorKind, Result};
use std::ffi::{c_int, c_uint, CString};
use std::path::Path;
use std::time::{Duration, Instant};
use xrt::{Api, Handle};

/// The kernel's arguments, in the order of the wrapper's C signature.
const ARG_IN: c_int = 0;
const ARG_OUT: c_int = 1;
const ARG_N: c_int = 2;

/// Buffers are allocated in multiples of this many bytes (a page).
const BUFFER_GRANULE: usize = 4096;

/// How [`open`] reaches the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The card's index among the host's XRT devices (`xrtDeviceOpen`'s argument).
    pub device: u32,
    /// How long one batch may run before [`Backend::run`] gives up with [`ErrorKind::Timeout`].
    pub timeout: Duration,
}

impl Default for Options {
    /// Card 0, 10 seconds per batch.
    fn default() -> Options {
        Options {
            device: 0,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Opens card `options.device`, loads `xclbin` and opens the kernel `<P>_axi` of `spec`.
///
/// Errors: [`ErrorKind::Argument`] for a spec that is not an Alveo `axi_master` accelerator,
/// [`ErrorKind::Io`] / [`ErrorKind::Bitstream`] for an xclbin that is missing or not an xclbin,
/// [`ErrorKind::Unavailable`] when XRT's library is not installed, [`ErrorKind::Xrt`] when XRT's
/// environment is not set up (`XILINX_XRT`), when no card answers, or when an XRT call fails (the
/// message names the call and its return code).
pub fn open(spec: &Spec, xclbin: &Path, options: Options) -> Result<AlveoBackend> {
    if spec.family != Family::Alveo || spec.interface != Interface::AxiMaster {
        return Err(Error::new(
            ErrorKind::Argument,
            format!(
                "the Alveo backend runs axi_master kernels on Alveo cards; {} is a {} accelerator for {} ({:?})",
                spec.name,
                spec.interface.as_str(),
                spec.board,
                spec.family
            ),
        ));
    }
    if spec.input.sample_bytes() == 0 || spec.output.sample_bytes() == 0 {
        return Err(Error::new(
            ErrorKind::Argument,
            format!("{} has an empty input or output sample", spec.name),
        ));
    }
    xclbin::check(xclbin)?;
    let xclbin_c = CString::new(xclbin.as_os_str().as_encoded_bytes()).map_err(|_| {
        Error::new(
            ErrorKind::Argument,
            format!("the xclbin path {} contains a NUL byte", xclbin.display()),
        )
    })?;
    let kernel_name = spec.ip_name();
    let kernel_c = CString::new(kernel_name.clone()).map_err(|_| {
        Error::new(
            ErrorKind::Argument,
            format!("the kernel name {kernel_name:?} contains a NUL byte"),
        )
    })?;
    let api = Api::get()?;
    xrt::check_environment()?;

    let mut backend = AlveoBackend {
        api,
        description: format!(
            "{} on Alveo card {} ({}) via XRT",
            kernel_name, options.device, spec.board
        ),
        kernel_name,
        timeout: options.timeout,
        input_sample: spec.input.sample_bytes(),
        output_sample: spec.output.sample_bytes(),
        device: std::ptr::null_mut(),
        kernel: std::ptr::null_mut(),
        run: std::ptr::null_mut(),
        input: Buffer::EMPTY,
        output: Buffer::EMPTY,
        groups: [0; 2],
        unfinished: false,
    };
    // From here on, dropping `backend` releases whatever was opened. In the calls below, the
    // handles passed are those XRT returned and `backend` still owns.
    // SAFETY: a plain call; a NULL result is handled.
    backend.device = unsafe { (api.device_open)(options.device) };
    if backend.device.is_null() {
        let errno = std::io::Error::last_os_error();
        return Err(Error::new(
            ErrorKind::Xrt,
            format!(
                "no Alveo card found: xrtDeviceOpen({}) returned NULL: {} (is the card installed, its \
                 driver loaded, and `xbutil examine` listing it?)",
                options.device,
                xrt::errno_text(&errno)
            ),
        ));
    }
    // SAFETY: an open device and a NUL-terminated path that outlives the call.
    let rc = unsafe { (api.device_load_xclbin_file)(backend.device, xclbin_c.as_ptr()) };
    xrt::check(rc, || format!("xrtDeviceLoadXclbinFile({})", xclbin.display()))?;
    let mut uuid: xrt::Uuid = [0; 16];
    // SAFETY: an open device; `uuid` has the 16 bytes of an xuid_t.
    let rc = unsafe { (api.device_get_xclbin_uuid)(backend.device, uuid.as_mut_ptr()) };
    xrt::check(rc, || "xrtDeviceGetXclbinUUID".into())?;
    // SAFETY: an open device with the xclbin loaded, its 16-byte UUID, a NUL-terminated name.
    backend.kernel = unsafe { (api.pl_kernel_open)(backend.device, uuid.as_ptr(), kernel_c.as_ptr()) };
    if backend.kernel.is_null() {
        let errno = std::io::Error::last_os_error();
        return Err(xrt::null_handle(
            format!(
                "xrtPLKernelOpen({}) (is {} the kernel's name in {}?)",
                backend.kernel_name,
                backend.kernel_name,
                xclbin.display()
            ),
            errno,
        ));
    }
    for (slot, arg) in [ARG_IN, ARG_OUT].into_iter().enumerate() {
        // SAFETY: an open kernel; the argument indexes are those of the wrapper's signature.
        let group = unsafe { (api.kernel_arg_group_id)(backend.kernel, arg) };
        if group < 0 {
            xrt::check(group, || format!("xrtKernelArgGroupId({}, {arg})", backend.kernel_name))?;
        }
        backend.groups[slot] = group as u32;
    }
    // SAFETY: an open kernel; a NULL result is handled.
    backend.run = unsafe { (api.run_open)(backend.kernel) };
    if backend.run.is_null() {
        let errno = std::io::Error::last_os_error();
        return Err(xrt::null_handle(format!("xrtRunOpen({})", backend.kernel_name), errno));
    }
    Ok(backend)
}

/// A buffer object in the card's memory, mapped into this process.
struct Buffer {
    handle: Handle,
    map: *mut u8,
    capacity: usize,
}

impl Buffer {
    const EMPTY: Buffer = Buffer {
        handle: std::ptr::null_mut(),
        map: std::ptr::null_mut(),
        capacity: 0,
    };
}

/// An Alveo card running the accelerator's kernel: the [`Backend`] [`open`] returns.
///
/// The input and output buffers live in the memory banks of the kernel's arguments 0 and 1; they
/// are allocated at the first batch and grown when a larger batch comes.
pub struct AlveoBackend {
    api: &'static Api,
    description: String,
    kernel_name: String,
    timeout: Duration,
    input_sample: usize,
    output_sample: usize,
    device: Handle,
    kernel: Handle,
    run: Handle,
    input: Buffer,
    output: Buffer,
    /// The memory groups of arguments 0 and 1.
    groups: [u32; 2],
    /// A run timed out and may still be going: its buffers must not be reused until it ends.
    unfinished: bool,
}

// SAFETY: the handles are XRT objects, which XRT documents as usable from any thread (a kernel
// handle "is thread safe and can be shared between threads"); the backend owns them and its
// methods take `&mut self`, so one thread at a time uses them. The mapped pointers point into
// buffer objects that only this backend frees.
unsafe impl Send for AlveoBackend {}

impl std::fmt::Debug for AlveoBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlveoBackend")
            .field("kernel", &self.kernel_name)
            .field("library", &self.api.library)
            .field("input_capacity", &self.input.capacity)
            .field("output_capacity", &self.output.capacity)
            .finish()
    }
}

impl AlveoBackend {
    /// Makes `buffer` (argument `slot`) hold at least `bytes`, reallocating it when it is smaller.
    fn reserve(&mut self, slot: usize, bytes: usize) -> Result<()> {
        let api = self.api;
        let (name, group) = (["in", "out"][slot], self.groups[slot]);
        let device = self.device;
        let buffer = if slot == 0 { &mut self.input } else { &mut self.output };
        if buffer.capacity >= bytes {
            return Ok(());
        }
        let capacity = bytes
            .max(buffer.capacity.saturating_mul(2))
            .div_ceil(BUFFER_GRANULE)
            .saturating_mul(BUFFER_GRANULE);
        free_buffer(api, buffer);
        // SAFETY: `device` is the open device; a NULL result is handled below.
        let handle = unsafe { (api.bo_alloc)(device, capacity, xrt::BO_FLAGS_NONE, group) };
        if handle.is_null() {
            let errno = std::io::Error::last_os_error();
            return Err(xrt::null_handle(
                format!("xrtBOAlloc({capacity} bytes for argument {name}, memory group {group})"),
                errno,
            ));
        }
        // SAFETY: `handle` is the buffer just allocated.
        let map = unsafe { (api.bo_map)(handle) }.cast::<u8>();
        if map.is_null() {
            let errno = std::io::Error::last_os_error();
            // SAFETY: the buffer is ours and unused.
            unsafe { (api.bo_free)(handle) };
            return Err(xrt::null_handle(format!("xrtBOMap(argument {name})"), errno));
        }
        *buffer = Buffer { handle, map, capacity };
        Ok(())
    }

    /// Waits for the run started last; `Ok(())` when it completed.
    fn wait(&mut self, n: usize) -> Result<()> {
        let api = self.api;
        let ms = self.timeout.as_millis().clamp(1, c_uint::MAX as u128) as c_uint;
        // SAFETY: `run` is the open run handle, started by the caller.
        let state = unsafe { (api.run_wait_for)(self.run, ms) };
        if state == xrt::STATE_COMPLETED {
            return Ok(());
        }
        if xrt::still_running(state) {
            self.unfinished = true;
            return Err(Error::new(
                ErrorKind::Timeout,
                format!(
                    "kernel {} did not finish a batch of {n} samples within {:?} (xrtRunWaitFor: {})",
                    self.kernel_name,
                    self.timeout,
                    xrt::state_name(state)
                ),
            ));
        }
        Err(Error::new(
            ErrorKind::Xrt,
            format!(
                "kernel {} ended a batch of {n} samples in {} (xrtRunWaitFor)",
                self.kernel_name,
                xrt::state_name(state)
            ),
        ))
    }

    /// After a timeout: whether the run has ended since, so the buffers can be reused.
    fn check_previous_run(&mut self) -> Result<()> {
        if !self.unfinished {
            return Ok(());
        }
        // SAFETY: `run` is the open run handle.
        let state = unsafe { (self.api.run_state)(self.run) };
        if xrt::still_running(state) {
            return Err(Error::new(
                ErrorKind::Busy,
                format!(
                    "kernel {} is still running the batch that timed out ({})",
                    self.kernel_name,
                    xrt::state_name(state)
                ),
            ));
        }
        self.unfinished = false;
        Ok(())
    }
}

impl Backend for AlveoBackend {
    fn describe(&self) -> String {
        self.description.clone()
    }

    fn run(&mut self, input: &[u8], output: &mut [u8], n: usize) -> Result<Duration> {
        let (in_bytes, out_bytes) = (n * self.input_sample, n * self.output_sample);
        if input.len() != in_bytes || output.len() != out_bytes {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{n} samples need {in_bytes} input and {out_bytes} output bytes; given {} and {}",
                    input.len(),
                    output.len()
                ),
            ));
        }
        if n == 0 {
            return Ok(Duration::ZERO);
        }
        let count = c_uint::try_from(n).map_err(|_| {
            Error::new(
                ErrorKind::Argument,
                format!("a batch of {n} samples does not fit the kernel's 32-bit count"),
            )
        })?;
        self.check_previous_run()?;
        self.reserve(0, in_bytes)?;
        self.reserve(1, out_bytes)?;
        let api = self.api;

        let start = Instant::now();
        // SAFETY: the input buffer is mapped with at least `in_bytes` bytes and no run is using it.
        unsafe { std::ptr::copy_nonoverlapping(input.as_ptr(), self.input.map, in_bytes) };
        // SAFETY: an allocated buffer, synced within its size.
        let rc = unsafe { (api.bo_sync)(self.input.handle, xrt::SYNC_TO_DEVICE, in_bytes, 0) };
        xrt::check(rc, || format!("xrtBOSync(in, to the card, {in_bytes} bytes)"))?;
        let mut moving = start.elapsed();

        // SAFETY: the run handle is open; the variadic argument has the C type XRT reads for a
        // buffer argument (an xrtBufferHandle).
        let rc = unsafe { (api.run_set_arg)(self.run, ARG_IN, self.input.handle) };
        xrt::check(rc, || "xrtRunSetArg(0, in)".into())?;
        // SAFETY: as above.
        let rc = unsafe { (api.run_set_arg)(self.run, ARG_OUT, self.output.handle) };
        xrt::check(rc, || "xrtRunSetArg(1, out)".into())?;
        // SAFETY: the run handle is open; `n` is an `unsigned` in the kernel, read as `unsigned int`.
        let rc = unsafe { (api.run_set_arg)(self.run, ARG_N, count) };
        xrt::check(rc, || format!("xrtRunSetArg(2, n = {n})"))?;
        // SAFETY: the run handle is open and its arguments are set.
        let rc = unsafe { (api.run_start)(self.run) };
        xrt::check(rc, || format!("xrtRunStart({})", self.kernel_name))?;
        self.wait(n)?;

        let start = Instant::now();
        // SAFETY: an allocated buffer, synced within its size, the run that wrote it finished.
        let rc = unsafe { (api.bo_sync)(self.output.handle, xrt::SYNC_FROM_DEVICE, out_bytes, 0) };
        xrt::check(rc, || format!("xrtBOSync(out, from the card, {out_bytes} bytes)"))?;
        // SAFETY: the output buffer is mapped with at least `out_bytes` bytes.
        unsafe { std::ptr::copy_nonoverlapping(self.output.map, output.as_mut_ptr(), out_bytes) };
        moving += start.elapsed();
        Ok(moving)
    }
}

/// Frees a buffer object (if any) and leaves `buffer` empty.
fn free_buffer(api: &Api, buffer: &mut Buffer) {
    if !buffer.handle.is_null() {
        // SAFETY: the handle came from xrtBOAlloc and is freed once (the field is cleared).
        unsafe { (api.bo_free)(buffer.handle) };
    }
    *buffer = Buffer::EMPTY;
}

impl Drop for AlveoBackend {
    fn drop(&mut self) {
        let api = self.api;
        // SAFETY: each handle was returned by XRT, is closed once, and the ones it depends on
        // (the run on the kernel, the kernel and the buffers on the device) are closed after it.
        unsafe {
            if !self.run.is_null() {
                if self.unfinished {
                    // The buffers must outlive a run still using them.
                    (api.run_wait_for)(
                        self.run,
                        self.timeout.as_millis().clamp(1, c_uint::MAX as u128) as c_uint,
                    );
                }
                (api.run_close)(self.run);
            }
            free_buffer(api, &mut self.input);
            free_buffer(api, &mut self.output);
            if !self.kernel.is_null() {
                (api.kernel_close)(self.kernel);
            }
            if !self.device.is_null() {
                (api.device_close)(self.device);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::{BusLayout, WordType};

    fn spec(family: Family, interface: Interface) -> Spec {
        Spec {
            name: "jet_tagger".into(),
            board: "alveo-u50".into(),
            family,
            interface,
            input: BusLayout::new(WordType::Float, 16, 8).unwrap(),
            output: BusLayout::new(WordType::Float, 5, 8).unwrap(),
            clock_period_ns: 3.33,
        }
    }

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("hls4ml-alveo-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_missing_xclbin_is_an_io_error_naming_the_file() {
        let path = std::env::temp_dir().join("hls4ml-no-such-dir-7f3a/jet_tagger.xclbin");
        let e = open(&spec(Family::Alveo, Interface::AxiMaster), &path, Options::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert!(e.message().contains("opening the xclbin"), "{e}");
        assert!(e.message().contains(&*path.to_string_lossy()), "{e}");
    }

    #[test]
    fn a_file_without_the_xclbin2_magic_is_refused_before_xrt() {
        for (name, bytes, shown) in [
            (
                "bitstream.xclbin",
                &b"\x00\x09\x0f\xf0\x0f\xf0\x0f\xf0\x0f\xf0"[..],
                "\\x00\\t\\x0f",
            ),
            ("old.xclbin", b"xclbin0\0rest", "xclbin0"),
            ("short.xclbin", b"xclbin2", "xclbin2"),
            ("empty.xclbin", b"", "empty"),
        ] {
            let path = temp_file(name, bytes);
            let e = open(&spec(Family::Alveo, Interface::AxiMaster), &path, Options::default()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Bitstream, "{name}: {e}");
            assert!(e.message().contains("is not an xclbin"), "{name}: {e}");
            assert!(e.message().contains(shown), "{name}: {e}");
        }
    }

    #[test]
    fn the_magic_is_the_axlf_header_of_xrt() {
        // `struct axlf` starts with `char m_magic[8]`, "xclbin2" and its NUL.
        assert_eq!(XCLBIN_MAGIC.len(), 8);
        assert_eq!(&XCLBIN_MAGIC[..7], b"xclbin2");
        let path = temp_file("good.xclbin", b"xclbin2\0\xff\xff\xff\xff");
        assert!(xclbin::check(&path).is_ok());
    }

    #[test]
    fn only_alveo_axi_master_specs_are_taken() {
        let path = temp_file("any.xclbin", b"xclbin2\0");
        for (family, interface) in [
            (Family::Zynq7000, Interface::AxiStream),
            (Family::ZynqMp, Interface::AxiMaster),
            (Family::Alveo, Interface::AxiLite),
        ] {
            let e = open(&spec(family, interface), &path, Options::default()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Argument, "{e}");
            assert!(e.message().contains("axi_master kernels on Alveo cards"), "{e}");
        }
    }
}
