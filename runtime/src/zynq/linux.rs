//! The [`Platform`] of a Zynq board running Linux: the FPGA manager programs the PL, UIO or
//! `/dev/mem` maps registers, `u-dma-buf` (or a reserved-memory region through `/dev/mem`) gives
//! DMA buffers, and a `flock` on a lock file keeps two drivers off one accelerator.
//!
//! Every path is taken below a root folder (`/` on a board), so the whole sequence runs on plain
//! files in a test.
//!
//! ```no_run
//! use hls4ml_runtime::zynq::{linux::Linux, Platform};
//! let mut board = Linux::new();
//! let regs = board.map_registers(0x4040_0000, 0x1_0000)?;
//! println!("MM2S_DMASR = 0x{:08x}", regs.read32(0x04));
//! # Ok::<(), hls4ml_runtime::Error>(())
//! ```

use super::{DmaMemory, Platform, Registers};
use crate::error::{Error, ErrorKind, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// DMA buffers start and end on this boundary, so cache maintenance of one never touches a
/// neighbour's cache lines (the Cortex-A9's lines are 32 bytes, the A53's 64).
const CACHE_LINE: usize = 64;

/// `sync_direction` values of u-dma-buf (the kernel's `enum dma_data_direction`).
const DMA_TO_DEVICE: u32 = 1;
const DMA_FROM_DEVICE: u32 = 2;

/// A Zynq board under Linux (see the module documentation).
#[derive(Debug)]
pub struct Linux {
    root: PathBuf,
    firmware_name: String,
    fpga_manager: String,
    reserved: Option<(u64, usize)>,
    pools: Option<Vec<Arc<Mutex<Pool>>>>,
    used: Vec<String>,
}

impl Default for Linux {
    fn default() -> Linux {
        Linux::new()
    }
}

impl Linux {
    /// The machine this process runs on (root `/`).
    pub fn new() -> Linux {
        Linux::with_root("/")
    }

    /// A machine whose `/lib`, `/sys`, `/dev` and `/run` are below `root` (tests use a temporary
    /// folder of plain files).
    pub fn with_root(root: impl Into<PathBuf>) -> Linux {
        Linux {
            root: root.into(),
            firmware_name: "hls4ml_nn".to_string(),
            fpga_manager: "fpga0".to_string(),
            reserved: None,
            pools: None,
            used: Vec::new(),
        }
    }

    /// The name under `/lib/firmware` the bitstream is written to (`<name>.bin`; default
    /// `hls4ml_nn`).
    pub fn firmware_name(mut self, name: impl Into<String>) -> Linux {
        self.firmware_name = name.into();
        self
    }

    /// The FPGA manager under `/sys/class/fpga_manager` (default `fpga0`).
    pub fn fpga_manager(mut self, name: impl Into<String>) -> Linux {
        self.fpga_manager = name.into();
        self
    }

    /// Takes DMA buffers from the physical region `phys..phys + size` (a `reserved-memory` node of
    /// the device tree, declared without `no-map`) through `/dev/mem` instead of u-dma-buf. The
    /// region is mapped uncached (`O_SYNC`), so no cache maintenance is needed.
    pub fn reserved_memory(mut self, phys: u64, size: usize) -> Linux {
        self.reserved = Some((phys, size));
        self.pools = None;
        self
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Remembers a device in use, for [`Platform::describe`].
    fn note(&mut self, what: String) {
        if !self.used.contains(&what) {
            self.used.push(what);
        }
    }

    /// `path` (absolute, as on the board) below the root.
    fn path(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    /// Opens the DMA memory pools once: the reserved region, or every u-dma-buf device.
    fn pools(&mut self) -> Result<&[Arc<Mutex<Pool>>]> {
        if self.pools.is_none() {
            let pools = match self.reserved {
                Some((phys, size)) => vec![self.open_reserved(phys, size)?],
                None => self.open_udmabufs()?,
            };
            for p in &pools {
                let name = lock_pool(p).name.clone();
                self.note(name);
            }
            self.pools = Some(pools);
        }
        Ok(self.pools.as_deref().unwrap_or(&[]))
    }

    fn open_reserved(&self, phys: u64, size: usize) -> Result<Arc<Mutex<Pool>>> {
        if size == 0 {
            return Err(Error::new(ErrorKind::Argument, "the reserved-memory region has size 0"));
        }
        let dev = self.path("/dev/mem");
        let file = open_sync(&dev)?;
        let map = Mapping::new(&file, &dev, phys, size)?;
        Ok(Arc::new(Mutex::new(Pool::new(
            format!("{} (reserved memory 0x{phys:x}, {size} bytes)", dev.display()),
            map,
            phys,
            None,
        ))))
    }

    fn open_udmabufs(&self) -> Result<Vec<Arc<Mutex<Pool>>>> {
        let classes = [self.path("/sys/class/u-dma-buf"), self.path("/sys/class/udmabuf")];
        let mut devices: Vec<PathBuf> = Vec::new();
        for class in &classes {
            if let Ok(entries) = std::fs::read_dir(class) {
                devices.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()));
            }
        }
        devices.sort_by_key(|p| natural_key(p));
        devices.dedup_by(|a, b| a.file_name() == b.file_name());
        if devices.is_empty() {
            return Err(Error::new(
                ErrorKind::Unavailable,
                format!(
                    "no DMA memory: no u-dma-buf device in {} (nor {}), and no reserved-memory region given; \
                     load u-dma-buf (e.g. `modprobe u-dma-buf udmabuf0=4194304`) or give one with \
                     Linux::reserved_memory",
                    classes[0].display(),
                    classes[1].display()
                ),
            ));
        }
        let mut pools = Vec::new();
        for sys in devices {
            let name = sys
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let phys = parse_hex(&read_text(&sys.join("phys_addr"))?).ok_or_else(|| {
                Error::new(
                    ErrorKind::Io,
                    format!(
                        "{} does not hold a hexadecimal address",
                        sys.join("phys_addr").display()
                    ),
                )
            })?;
            let size = parse_size(&read_text(&sys.join("size"))?).ok_or_else(|| {
                Error::new(
                    ErrorKind::Io,
                    format!("{} does not hold a size", sys.join("size").display()),
                )
            })?;
            if size == 0 {
                continue;
            }
            let dev = self.path(&format!("/dev/{name}"));
            // Cached: the sync_for_* files do the cache maintenance.
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&dev)
                .map_err(|e| Error::io(format!("opening {}", dev.display()), e))?;
            let map = Mapping::new(&file, &dev, 0, size)?;
            pools.push(Arc::new(Mutex::new(Pool::new(
                dev.display().to_string(),
                map,
                phys,
                Some(sys),
            ))));
        }
        Ok(pools)
    }

    fn lock_dir(&self) -> PathBuf {
        [self.path("/run/lock"), self.path("/tmp")]
            .into_iter()
            .find(|d| d.is_dir())
            .unwrap_or_else(std::env::temp_dir)
    }

    /// A UIO device whose first map starts at `base`: `(/dev/uioN, size of the map)`.
    fn find_uio(&self, base: u64) -> Option<(PathBuf, u64)> {
        let class = self.path("/sys/class/uio");
        let mut devices: Vec<PathBuf> = std::fs::read_dir(&class)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        devices.sort_by_key(|p| natural_key(p));
        devices.into_iter().find_map(|sys| {
            let map0 = sys.join("maps/map0");
            let addr = parse_hex(&std::fs::read_to_string(map0.join("addr")).ok()?)?;
            if addr != base {
                return None;
            }
            let size = parse_hex(&std::fs::read_to_string(map0.join("size")).ok()?)?;
            let name = sys.file_name()?.to_string_lossy().into_owned();
            Some((self.path(&format!("/dev/{name}")), size))
        })
    }
}

impl Platform for Linux {
    fn describe(&self) -> String {
        let mut s = "Linux".to_string();
        if self.root != Path::new("/") {
            s += &format!(" (root {})", self.root.display());
        }
        if self.used.is_empty() {
            s + ": FPGA manager, UIO or /dev/mem, u-dma-buf"
        } else {
            format!("{s}: {}", self.used.join(", "))
        }
    }

    fn program(&mut self, bin: &[u8]) -> Result<()> {
        if bin.is_empty() {
            return Err(Error::new(ErrorKind::Bitstream, "the bitstream to load is empty"));
        }
        let manager = self.path(&format!("/sys/class/fpga_manager/{}", self.fpga_manager));
        if !manager.is_dir() {
            return Err(Error::new(
                ErrorKind::Unavailable,
                format!(
                    "no FPGA manager at {}: the kernel lacks the Zynq FPGA manager driver \
                     (CONFIG_FPGA_MGR_ZYNQ_FPGA / CONFIG_FPGA_MGR_ZYNQMP_FPGA), or this is not a Zynq",
                    manager.display()
                ),
            ));
        }
        let firmware_dir = self.path("/lib/firmware");
        std::fs::create_dir_all(&firmware_dir)
            .map_err(|e| Error::io(format!("creating {}", firmware_dir.display()), e))?;
        let file_name = format!("{}.bin", self.firmware_name);
        let firmware = firmware_dir.join(&file_name);
        std::fs::write(&firmware, bin).map_err(|e| Error::io(format!("writing {}", firmware.display()), e))?;
        // Flags 0: a full bitstream (not a partial reconfiguration).
        write_attr(&manager.join("flags"), "0")?;
        write_attr(&manager.join("firmware"), &file_name)?;
        let state_path = manager.join("state");
        let state = read_text(&state_path)?;
        if state.trim() != "operating" {
            return Err(Error::new(
                ErrorKind::Bitstream,
                format!(
                    "loading {} failed: {} reads {:?}, expected \"operating\" (the kernel log, `dmesg`, says why)",
                    firmware.display(),
                    state_path.display(),
                    state.trim()
                ),
            ));
        }
        self.note(format!("FPGA manager {}", self.fpga_manager));
        Ok(())
    }

    fn map_registers(&mut self, base: u64, len: usize) -> Result<Box<dyn Registers>> {
        if len == 0 {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("mapping 0 bytes of registers at 0x{base:x}"),
            ));
        }
        if let Some((dev, size)) = self.find_uio(base) {
            if size >= len as u64 {
                let file = open_sync(&dev)?;
                // Map 0 of a UIO device is at mmap offset 0; it starts `base % page` into its page.
                let in_page = (base % page_size() as u64) as usize;
                let map = Mapping::new(&file, &dev, 0, in_page + len)?;
                self.note(format!("{} (0x{base:x})", dev.display()));
                return Ok(Box::new(MappedRegisters {
                    map,
                    start: in_page,
                    len,
                }));
            }
        }
        let dev = self.path("/dev/mem");
        let file = open_sync(&dev)?;
        let map = Mapping::new(&file, &dev, base, len)?;
        self.note(format!("{} (0x{base:x})", dev.display()));
        let start = map.page_offset;
        Ok(Box::new(MappedRegisters { map, start, len }))
    }

    fn alloc_dma(&mut self, len: usize) -> Result<Box<dyn DmaMemory>> {
        if len == 0 {
            return Err(Error::new(ErrorKind::Argument, "allocating a DMA buffer of 0 bytes"));
        }
        let pools = self.pools()?;
        for pool in pools {
            if let Some(buffer) = Pool::alloc(pool, len) {
                return Ok(Box::new(buffer));
            }
        }
        let have: Vec<String> = pools
            .iter()
            .map(|p| {
                let p = lock_pool(p);
                format!("{}: {} bytes, {} free", p.name, p.size, p.free_bytes())
            })
            .collect();
        Err(Error::new(
            ErrorKind::Unavailable,
            format!(
                "no DMA memory for a buffer of {len} bytes ({}); give u-dma-buf a larger buffer \
                 (`udmabuf0=<bytes>` when loading it) or run smaller batches",
                have.join("; ")
            ),
        ))
    }

    fn lock(&mut self, base: u64) -> Result<Box<dyn Send>> {
        let path = self.lock_dir().join(format!("hls4ml-{base:08x}.lock"));
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(&path);
        // Another user's lock file can still be locked through a read-only descriptor.
        let mut file = match opened {
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => File::open(&path),
            other => other,
        }
        .map_err(|e| Error::io(format!("opening the lock file {}", path.display()), e))?;
        // SAFETY: flock on a descriptor this function owns; no memory is passed.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" (process {holder} took it)")
                };
                return Err(Error::new(
                    ErrorKind::Busy,
                    format!(
                        "the accelerator at 0x{base:08x} is in use: {} is locked by another process (or \
                         driver){who}; stop it, or wait for it to finish",
                        path.display()
                    ),
                ));
            }
            return Err(Error::io(format!("locking {}", path.display()), err));
        }
        // Who holds it, for the message a second process gets.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = write!(file, "{}", std::process::id());
        let _ = file.flush();
        Ok(Box::new(LockGuard { _file: file }))
    }
}

/// Holds the `flock` until dropped (closing the file releases it).
struct LockGuard {
    _file: File,
}

/// A memory mapping of a device file, unmapped on drop.
#[derive(Debug)]
struct Mapping {
    ptr: *mut u8,
    /// Bytes mapped.
    len: usize,
    /// Bytes between the mapping's start (page-aligned) and the address asked for.
    page_offset: usize,
}

// SAFETY: the mapping is owned by this value alone; moving it to another thread moves that
// ownership. Accesses go through raw pointers guarded by the owners' own rules.
unsafe impl Send for Mapping {}

impl Mapping {
    /// Maps `len` bytes of `file` (at `path`, for messages) from byte `offset`, which need not be
    /// page-aligned.
    fn new(file: &File, path: &Path, offset: u64, len: usize) -> Result<Mapping> {
        let page = page_size() as u64;
        let aligned = offset - offset % page;
        let page_offset = (offset - aligned) as usize;
        let total = page_offset.checked_add(len).ok_or_else(|| {
            Error::new(
                ErrorKind::Argument,
                format!("mapping {len} bytes of {}", path.display()),
            )
        })?;
        // A plain file standing in for a device must be long enough, or touching the mapping past its
        // end would raise SIGBUS.
        if let Ok(meta) = file.metadata() {
            if meta.is_file() && meta.len() < offset.saturating_add(len as u64) {
                return Err(Error::new(
                    ErrorKind::Io,
                    format!(
                        "{} is a file of {} bytes: too short to map {len} bytes at 0x{offset:x}",
                        path.display(),
                        meta.len()
                    ),
                ));
            }
        }
        let ptr = mmap(file, total, aligned)
            .map_err(|e| Error::io(format!("mapping {len} bytes of {} at 0x{offset:x}", path.display()), e))?;
        Ok(Mapping {
            ptr,
            len: total,
            page_offset,
        })
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly what mmap returned, and nothing refers to the mapping once
        // its owner is dropped.
        unsafe {
            libc::munmap(self.ptr.cast(), self.len);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
use libc::{mmap as mmap_at, off_t as FileOffset};
// 64-bit file offsets on 32-bit glibc targets (a physical address above 2 GiB on armv7).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
use libc::{mmap64 as mmap_at, off64_t as FileOffset};

fn mmap(file: &File, len: usize, offset: u64) -> std::io::Result<*mut u8> {
    let offset = FileOffset::try_from(offset)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "offset out of range"))?;
    // SAFETY: a fresh shared mapping of a file this process has open; the kernel checks the rest.
    let p = unsafe {
        mmap_at(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            offset,
        )
    };
    if p == libc::MAP_FAILED {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(p.cast())
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

/// Registers in a mapping of `/dev/mem` or a UIO device: volatile 32-bit accesses only.
struct MappedRegisters {
    map: Mapping,
    /// Offset of register 0 in the mapping.
    start: usize,
    len: usize,
}

impl MappedRegisters {
    fn at(&self, offset: usize) -> *mut u32 {
        assert!(
            offset % 4 == 0 && offset.checked_add(4).is_some_and(|end| end <= self.len),
            "register offset 0x{offset:x} outside the 0x{:x}-byte block, or not 32-bit aligned",
            self.len
        );
        // SAFETY: `start + offset + 4 <= map.len` by the check above and by construction.
        unsafe { self.map.ptr.add(self.start + offset).cast() }
    }
}

impl Registers for MappedRegisters {
    fn read32(&self, offset: usize) -> u32 {
        // SAFETY: an aligned address inside the mapping (checked by `at`); device memory is read
        // through a raw pointer, never a reference.
        unsafe { self.at(offset).read_volatile() }
    }

    fn write32(&self, offset: usize, value: u32) {
        // SAFETY: as in read32.
        unsafe { self.at(offset).write_volatile(value) }
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// One region of DMA memory (a u-dma-buf device or the reserved region), handed out in pieces.
#[derive(Debug)]
struct Pool {
    name: String,
    map: Mapping,
    phys: u64,
    size: usize,
    /// The u-dma-buf device's sysfs folder, for cache maintenance; `None` for uncached memory.
    sysfs: Option<PathBuf>,
    /// Free `(offset, len)` ranges, sorted, never adjacent.
    free: Vec<(usize, usize)>,
}

impl Pool {
    fn new(name: String, map: Mapping, phys: u64, sysfs: Option<PathBuf>) -> Pool {
        let size = map.len - map.page_offset;
        // Pieces start on cache lines of the physical address.
        let skew = (CACHE_LINE - (phys % CACHE_LINE as u64) as usize) % CACHE_LINE;
        let free = if size > skew { vec![(skew, size - skew)] } else { vec![] };
        Pool {
            name,
            map,
            phys,
            size,
            sysfs,
            free,
        }
    }

    fn free_bytes(&self) -> usize {
        self.free.iter().map(|&(_, n)| n).sum()
    }

    /// First fit of `len` bytes rounded up to whole cache lines.
    fn alloc(pool: &Arc<Mutex<Pool>>, len: usize) -> Option<DmaBuffer> {
        let need = len.checked_add(CACHE_LINE - 1)? / CACHE_LINE * CACHE_LINE;
        let mut p = lock_pool(pool);
        let i = p.free.iter().position(|&(_, n)| n >= need)?;
        let (offset, n) = p.free[i];
        if n == need {
            p.free.remove(i);
        } else {
            p.free[i] = (offset + need, n - need);
        }
        // SAFETY: `page_offset + offset + need <= map.len`: the range came from the free list of this
        // mapping.
        let ptr = unsafe { p.map.ptr.add(p.map.page_offset + offset) };
        Some(DmaBuffer {
            pool: Arc::clone(pool),
            ptr,
            offset,
            len,
            reserved: need,
            phys: p.phys + offset as u64,
        })
    }

    fn release(&mut self, offset: usize, len: usize) {
        let i = self.free.partition_point(|&(o, _)| o < offset);
        self.free.insert(i, (offset, len));
        // Merge with the next, then the previous range.
        if i + 1 < self.free.len() && self.free[i].0 + self.free[i].1 == self.free[i + 1].0 {
            self.free[i].1 += self.free[i + 1].1;
            self.free.remove(i + 1);
        }
        if i > 0 && self.free[i - 1].0 + self.free[i - 1].1 == self.free[i].0 {
            self.free[i - 1].1 += self.free[i].1;
            self.free.remove(i);
        }
    }

    /// u-dma-buf's manual cache maintenance of `offset..offset + len` of the device.
    fn sync(&self, offset: usize, len: usize, direction: u32, file: &str) -> Result<()> {
        let Some(sys) = &self.sysfs else {
            // Uncached memory: only order the CPU's accesses before the device's.
            std::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
            return Ok(());
        };
        write_attr(&sys.join("sync_offset"), &offset.to_string())?;
        write_attr(&sys.join("sync_size"), &len.to_string())?;
        write_attr(&sys.join("sync_direction"), &direction.to_string())?;
        write_attr(&sys.join(file), "1")
    }
}

fn lock_pool(pool: &Arc<Mutex<Pool>>) -> MutexGuard<'_, Pool> {
    // A panic while holding the lock leaves the free list consistent (every update is one step).
    pool.lock().unwrap_or_else(|e| e.into_inner())
}

/// A piece of a [`Pool`], returned to it on drop.
struct DmaBuffer {
    pool: Arc<Mutex<Pool>>,
    ptr: *mut u8,
    offset: usize,
    len: usize,
    reserved: usize,
    phys: u64,
}

// SAFETY: the buffer's bytes belong to this value alone (the pool hands each range out once); the
// pool itself is behind a mutex.
unsafe impl Send for DmaBuffer {}

impl DmaBuffer {
    fn check(&self, offset: usize, len: usize) -> Result<()> {
        if offset.checked_add(len).is_none_or(|end| end > self.len) {
            return Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "cache maintenance of bytes {offset}..{} of a {}-byte DMA buffer",
                    offset.saturating_add(len),
                    self.len
                ),
            ));
        }
        Ok(())
    }
}

impl DmaMemory for DmaBuffer {
    fn phys_addr(&self) -> u64 {
        self.phys
    }

    fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr..ptr + len` lies in the pool's mapping, which `self.pool` keeps alive, and no
        // other buffer covers it.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in as_slice; `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    fn sync_for_device(&mut self, offset: usize, len: usize) -> Result<()> {
        self.check(offset, len)?;
        if len == 0 {
            return Ok(());
        }
        lock_pool(&self.pool).sync(self.offset + offset, len, DMA_TO_DEVICE, "sync_for_device")
    }

    fn sync_for_cpu(&mut self, offset: usize, len: usize) -> Result<()> {
        self.check(offset, len)?;
        if len == 0 {
            return Ok(());
        }
        lock_pool(&self.pool).sync(self.offset + offset, len, DMA_FROM_DEVICE, "sync_for_cpu")
    }
}

impl Drop for DmaBuffer {
    fn drop(&mut self) {
        lock_pool(&self.pool).release(self.offset, self.reserved);
    }
}

/// Opens a device for register or uncached memory access (`O_RDWR | O_SYNC`).
fn open_sync(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_SYNC)
        .open(path)
        .map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
                " (it needs root, or a udev rule giving this user access)"
            } else {
                ""
            };
            Error::io(format!("opening {}{hint}", path.display()), e)
        })
}

/// Writes a sysfs attribute (which must exist: it is never created).
fn write_attr(path: &Path, value: &str) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    f.write_all(value.as_bytes())
        .map_err(|e| Error::io(format!("writing {value:?} to {}", path.display()), e))
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))
}

/// A hexadecimal number with or without `0x` (sysfs addresses).
fn parse_hex(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    u64::from_str_radix(s, 16).ok()
}

/// A decimal size, or hexadecimal with `0x`.
fn parse_size(s: &str) -> Option<usize> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => usize::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// Sorts `udmabuf2` before `udmabuf10`.
fn natural_key(path: &Path) -> (String, u64) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (stem, num) = name.split_at(name.len() - digits);
    (stem.to_string(), num.parse().unwrap_or(0))
}
