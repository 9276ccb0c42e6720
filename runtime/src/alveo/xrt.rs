//! XRT's C API (`xrt_device.h`, `xrt_bo.h`, `xrt_kernel.h`), loaded at run time from
//! `libxrt_coreutil.so.2`, and the checks that keep XRT from aborting the process.
//!
//! Nothing links against XRT at build time: a binary built with this runtime starts on a machine
//! without XRT, and [`Api::get`] says what is missing when the Alveo backend is asked for.

use crate::error::{Error, ErrorKind, Result};
use std::ffi::{c_char, c_int, c_uint, c_void};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `xrtDeviceHandle`, `xrtKernelHandle`, `xrtBufferHandle`, `xrtRunHandle`: opaque pointers.
pub type Handle = *mut c_void;

/// `xuid_t`: the 16 bytes of an xclbin's UUID.
pub type Uuid = [u8; 16];

/// `XCL_BO_SYNC_BO_TO_DEVICE` of `enum xclBOSyncDirection`.
pub const SYNC_TO_DEVICE: c_int = 0;
/// `XCL_BO_SYNC_BO_FROM_DEVICE`.
pub const SYNC_FROM_DEVICE: c_int = 1;
/// `XRT_BO_FLAGS_NONE`: a buffer with host backing, synced explicitly.
pub const BO_FLAGS_NONE: u64 = 0;

/// `ERT_CMD_STATE_COMPLETED` of `enum ert_cmd_state`.
pub const STATE_COMPLETED: c_int = 4;

/// The library's names, tried in this order after `$XILINX_XRT/lib/` (the unversioned name is only
/// there with XRT's development package).
pub const LIBRARY_NAMES: [&str; 2] = ["libxrt_coreutil.so.2", "libxrt_coreutil.so"];

/// How to get XRT, for the messages that say it is missing.
pub const INSTALL_HINT: &str = "install XRT: AMD's package for the card (it installs into /opt/xilinx/xrt), or \
     Debian's libxrt1 (`apt-get install libxrt1`)";

/// The names of `enum ert_cmd_state`'s values, for messages.
pub fn state_name(state: c_int) -> String {
    let name = match state {
        1 => "NEW",
        2 => "QUEUED",
        3 => "RUNNING",
        4 => "COMPLETED",
        5 => "ERROR",
        6 => "ABORT",
        7 => "SUBMITTED",
        8 => "TIMEOUT",
        9 => "NORESPONSE",
        10 => "SKERROR",
        11 => "SKCRASHED",
        _ => return format!("state {state}"),
    };
    format!("ERT_CMD_STATE_{name}")
}

/// True for the states of a run that has not finished yet.
pub fn still_running(state: c_int) -> bool {
    matches!(state, 1 | 2 | 3 | 7)
}

/// The functions of `libxrt_coreutil` the backend calls, with the signatures of XRT's headers.
pub struct Api {
    /// `xrtDeviceHandle xrtDeviceOpen(unsigned int index)`
    pub device_open: unsafe extern "C" fn(c_uint) -> Handle,
    /// `int xrtDeviceClose(xrtDeviceHandle)`
    pub device_close: unsafe extern "C" fn(Handle) -> c_int,
    /// `int xrtDeviceLoadXclbinFile(xrtDeviceHandle, const char* xclbin_fnm)`
    pub device_load_xclbin_file: unsafe extern "C" fn(Handle, *const c_char) -> c_int,
    /// `int xrtDeviceGetXclbinUUID(xrtDeviceHandle, xuid_t out)`
    pub device_get_xclbin_uuid: unsafe extern "C" fn(Handle, *mut u8) -> c_int,
    /// `xrtKernelHandle xrtPLKernelOpen(xrtDeviceHandle, const xuid_t xclbinId, const char* name)`
    pub pl_kernel_open: unsafe extern "C" fn(Handle, *const u8, *const c_char) -> Handle,
    /// `int xrtKernelClose(xrtKernelHandle)`
    pub kernel_close: unsafe extern "C" fn(Handle) -> c_int,
    /// `int xrtKernelArgGroupId(xrtKernelHandle, int argno)`
    pub kernel_arg_group_id: unsafe extern "C" fn(Handle, c_int) -> c_int,
    /// `xrtBufferHandle xrtBOAlloc(xrtDeviceHandle, size_t size, xrtBufferFlags, xrtMemoryGroup)`
    pub bo_alloc: unsafe extern "C" fn(Handle, usize, u64, u32) -> Handle,
    /// `int xrtBOFree(xrtBufferHandle)`
    pub bo_free: unsafe extern "C" fn(Handle) -> c_int,
    /// `void* xrtBOMap(xrtBufferHandle)`
    pub bo_map: unsafe extern "C" fn(Handle) -> *mut c_void,
    /// `int xrtBOSync(xrtBufferHandle, enum xclBOSyncDirection, size_t size, size_t offset)`
    pub bo_sync: unsafe extern "C" fn(Handle, c_int, usize, usize) -> c_int,
    /// `xrtRunHandle xrtRunOpen(xrtKernelHandle)`
    pub run_open: unsafe extern "C" fn(Handle) -> Handle,
    /// `int xrtRunSetArg(xrtRunHandle, int index, ...)`: a buffer argument takes its
    /// `xrtBufferHandle`, an `unsigned` scalar an `unsigned int`.
    pub run_set_arg: unsafe extern "C" fn(Handle, c_int, ...) -> c_int,
    /// `int xrtRunStart(xrtRunHandle)`
    pub run_start: unsafe extern "C" fn(Handle) -> c_int,
    /// `enum ert_cmd_state xrtRunWaitFor(xrtRunHandle, unsigned int timeout_ms)`: the final state,
    /// or the current one when the time ran out.
    pub run_wait_for: unsafe extern "C" fn(Handle, c_uint) -> c_int,
    /// `enum ert_cmd_state xrtRunState(xrtRunHandle)`
    pub run_state: unsafe extern "C" fn(Handle) -> c_int,
    /// `int xrtRunClose(xrtRunHandle)`
    pub run_close: unsafe extern "C" fn(Handle) -> c_int,
    /// Where the library was loaded from.
    pub library: String,
}

/// The loaded API, kept for the life of the process: XRT's libraries run static destructors and
/// keep threads, so they are never unloaded.
static LOADED: Mutex<Option<&'static Api>> = Mutex::new(None);

impl Api {
    /// The API, loading the library on the first call. An [`ErrorKind::Unavailable`] error names
    /// the places tried and how to install XRT.
    pub fn get() -> Result<&'static Api> {
        let mut loaded = LOADED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(api) = *loaded {
            return Ok(api);
        }
        let api: &'static Api = Box::leak(Box::new(Api::load(&Api::candidates())?));
        *loaded = Some(api);
        Ok(api)
    }

    /// Where to look for the library: `$XILINX_XRT/lib/` first (AMD's packages install there and
    /// leave it to `setup.sh` to put it on the loader's path), then the loader's own search.
    fn candidates() -> Vec<String> {
        let mut candidates = Vec::new();
        if let Some(home) = std::env::var_os("XILINX_XRT").filter(|v| !v.is_empty()) {
            let path = Path::new(&home).join("lib").join(LIBRARY_NAMES[0]);
            if path.is_file() {
                candidates.push(path.to_string_lossy().into_owned());
            }
        }
        candidates.extend(LIBRARY_NAMES.iter().map(|s| s.to_string()));
        candidates
    }

    /// Loads the first of `candidates` that loads, and resolves the functions.
    fn load(candidates: &[String]) -> Result<Api> {
        let mut tried = Vec::new();
        let mut failures = Vec::new();
        for name in candidates {
            let name = name.clone();
            // SAFETY: loading XRT's library runs its initialisers, which only set up XRT's own
            // state (no XRT function is called here).
            match unsafe { libloading::Library::new(&name) } {
                Ok(library) => return Api::resolve(library, name),
                Err(e) => {
                    failures.push(e.to_string());
                    tried.push(name);
                }
            }
        }
        Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "XRT's library is not installed: tried {} ({}); {INSTALL_HINT}",
                tried.join(", "),
                failures.join("; ")
            ),
        ))
    }

    fn resolve(library: libloading::Library, name: String) -> Result<Api> {
        // Never unloaded (see LOADED): the function pointers stay valid for the whole process.
        let library: &'static libloading::Library = Box::leak(Box::new(library));
        macro_rules! function {
            ($symbol:literal) => {{
                // SAFETY: the type given by the field this initialises is the symbol's C signature
                // in XRT's headers (copied into the field's documentation).
                match unsafe { library.get(concat!($symbol, "\0").as_bytes()) } {
                    Ok(f) => *f,
                    Err(e) => {
                        return Err(Error::new(
                            ErrorKind::Unavailable,
                            format!(
                                "{name} has no {}: {e}; this XRT is too old for the Alveo backend",
                                $symbol
                            ),
                        ))
                    }
                }
            }};
        }
        Ok(Api {
            device_open: function!("xrtDeviceOpen"),
            device_close: function!("xrtDeviceClose"),
            device_load_xclbin_file: function!("xrtDeviceLoadXclbinFile"),
            device_get_xclbin_uuid: function!("xrtDeviceGetXclbinUUID"),
            pl_kernel_open: function!("xrtPLKernelOpen"),
            kernel_close: function!("xrtKernelClose"),
            kernel_arg_group_id: function!("xrtKernelArgGroupId"),
            bo_alloc: function!("xrtBOAlloc"),
            bo_free: function!("xrtBOFree"),
            bo_map: function!("xrtBOMap"),
            bo_sync: function!("xrtBOSync"),
            run_open: function!("xrtRunOpen"),
            run_set_arg: function!("xrtRunSetArg"),
            run_start: function!("xrtRunStart"),
            run_wait_for: function!("xrtRunWaitFor"),
            run_state: function!("xrtRunState"),
            run_close: function!("xrtRunClose"),
            library: name,
        })
    }
}

/// Checks `XILINX_XRT` before the first XRT call. XRT's device layer reads it and, when it is unset
/// or does not point to `lib/libxrt_core.so.2` (the library that drives the card), throws an
/// exception through the C API, which aborts the process. Returns the installation folder.
pub fn check_environment() -> Result<PathBuf> {
    const HOW: &str = "source /opt/xilinx/xrt/setup.sh, or set XILINX_XRT to the XRT installation: the folder \
         whose lib/ holds libxrt_core.so.2 (for Debian's libxrt1, a folder whose `lib` links to /usr/lib/<multiarch>)";
    let home = match std::env::var_os("XILINX_XRT") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => {
            return Err(Error::new(
                ErrorKind::Xrt,
                format!(
                    "XRT's environment is not set up (XILINX_XRT is not set, and XRT would abort the process): {HOW}"
                ),
            ))
        }
    };
    if !home.is_dir() {
        return Err(Error::new(
            ErrorKind::Xrt,
            format!("XILINX_XRT={} is not a folder: {HOW}", home.display()),
        ));
    }
    let lib = home.join("lib");
    let has_core = std::fs::read_dir(&lib)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("libxrt_core.so"))
        })
        .unwrap_or(false);
    if !has_core {
        return Err(Error::new(
            ErrorKind::Xrt,
            format!(
                "XILINX_XRT={} is not an XRT installation: {} holds no libxrt_core.so.2 (XRT would abort the \
                 process): {HOW}",
                home.display(),
                lib.display()
            ),
        ));
    }
    Ok(home)
}

/// `Ok(())` for an XRT call that returned 0, otherwise its error (see [`call_failed`]). errno is
/// read before `call` builds the call's description.
pub fn check(code: c_int, call: impl FnOnce() -> String) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    let errno = std::io::Error::last_os_error();
    Err(call_failed(call(), code, &errno))
}

/// The error of an XRT call that returned `code`: the call, the code, and what it means — the
/// errno it negates (XRT returns `-EINVAL` and the like), or errno's text for a bare `-1`.
pub fn call_failed(call: impl std::fmt::Display, code: c_int, errno: &std::io::Error) -> Error {
    let why = if code < -1 && code > -4096 {
        format!(" ({})", std::io::Error::from_raw_os_error(-code))
    } else {
        match errno.raw_os_error() {
            Some(0) | None => String::new(),
            Some(_) => format!(" (errno: {errno})"),
        }
    };
    Error::new(ErrorKind::Xrt, format!("{call} failed with return code {code}{why}"))
}

/// The error of an XRT call that returned a NULL handle: the call and errno's text (XRT's C API
/// sets errno before returning NULL).
pub fn null_handle(call: impl std::fmt::Display, errno: std::io::Error) -> Error {
    Error::new(ErrorKind::Xrt, format!("{call} returned NULL: {}", errno_text(&errno)))
}

/// errno's text, or a note that XRT gave none.
pub fn errno_text(errno: &std::io::Error) -> String {
    match errno.raw_os_error() {
        Some(0) | None => "XRT gave no reason (errno 0)".into(),
        Some(_) => errno.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_return_codes_are_named_by_their_errno() {
        let no_errno = std::io::Error::from_raw_os_error(0);
        let e = call_failed("xrtBOSync(in, to the card)", -22, &no_errno);
        assert_eq!(e.kind(), ErrorKind::Xrt);
        assert!(
            e.message()
                .starts_with("xrtBOSync(in, to the card) failed with return code -22 ("),
            "{e}"
        );
        assert!(e.message().contains("Invalid argument"), "{e}");
        let e = call_failed("xrtRunStart", -1, &std::io::Error::from_raw_os_error(19));
        assert!(
            e.message()
                .ends_with("return code -1 (errno: No such device (os error 19))"),
            "{e}"
        );
        assert_eq!(
            call_failed("xrtRunStart", 7, &no_errno).message(),
            "xrtRunStart failed with return code 7"
        );
        assert!(check(0, || unreachable!()).is_ok());
        let e = check(-2, || "xrtDeviceLoadXclbinFile(a.xclbin)".into()).unwrap_err();
        assert!(
            e.message()
                .contains("xrtDeviceLoadXclbinFile(a.xclbin) failed with return code -2 (No such file"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_library_is_unavailable_and_names_what_was_tried() {
        let names = [
            "libxrt_coreutil_absent.so.2".to_string(),
            "/nowhere/libxrt_coreutil.so".to_string(),
        ];
        let e = match Api::load(&names) {
            Ok(_) => panic!("a library that does not exist was loaded"),
            Err(e) => e,
        };
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert!(
            e.message().starts_with(
                "XRT's library is not installed: tried libxrt_coreutil_absent.so.2, /nowhere/libxrt_coreutil.so ("
            ),
            "{e}"
        );
        assert!(e.message().ends_with(INSTALL_HINT), "{e}");
        assert_eq!(LIBRARY_NAMES, ["libxrt_coreutil.so.2", "libxrt_coreutil.so"]);
    }

    #[test]
    fn run_states_have_their_header_names() {
        assert_eq!(state_name(STATE_COMPLETED), "ERT_CMD_STATE_COMPLETED");
        assert_eq!(state_name(6), "ERT_CMD_STATE_ABORT");
        assert_eq!(state_name(42), "state 42");
        assert!(still_running(3) && !still_running(STATE_COMPLETED) && !still_running(5));
    }
}
