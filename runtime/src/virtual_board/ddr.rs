//! The board's DDR as the PL sees it, and the DMA buffers the driver allocates in it.
//!
//! Two views are kept apart, as on a Zynq-7000 whose HP ports are not cache-coherent: a buffer's
//! bytes as the CPU sees them ([`DmaMemory::as_slice`]) and the DDR as the PL sees it. The device
//! reads a buffer's content only as of its last [`DmaMemory::sync_for_device`] (the flush), and the
//! CPU sees what the device wrote only after [`DmaMemory::sync_for_cpu`] (the invalidate) — so a
//! driver that forgets either gets wrong data here too. Both calls are counted ([`SyncCounts`]).

use crate::error::{Error, ErrorKind, Result};
use crate::zynq::DmaMemory;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Where the simulated DDR starts by default.
pub const DEFAULT_BASE: u64 = 0x1000_0000;
/// Its default size: 64 MiB.
pub const DEFAULT_SIZE: u64 = 64 << 20;
/// Alignment of the buffers [`Ddr::alloc`] hands out.
pub const ALIGN: u64 = 64;

const PAGE: u64 = 4096;

/// How often the driver made the CPU's and the device's views agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    /// `sync_for_device` calls (flushes).
    pub for_device: u64,
    /// `sync_for_cpu` calls (invalidates).
    pub for_cpu: u64,
    /// Bytes flushed.
    pub bytes_for_device: u64,
    /// Bytes invalidated.
    pub bytes_for_cpu: u64,
}

#[derive(Debug)]
struct Memory {
    base: u64,
    size: u64,
    /// Offset of the first byte not yet handed out.
    next: u64,
    /// The device's view, page by page; a page nobody wrote reads as zeros.
    pages: HashMap<u64, Box<[u8]>>,
    syncs: SyncCounts,
}

impl Memory {
    /// True when `addr..addr + len` lies inside the DDR.
    fn fits(&self, addr: u64, len: u64) -> bool {
        addr >= self.base && addr.checked_add(len).is_some_and(|end| end <= self.base + self.size)
    }

    /// The offset of `addr..addr + len` in the DDR, or an error when it is not inside.
    fn offset(&self, addr: u64, len: usize) -> Result<u64> {
        if self.fits(addr, len as u64) {
            Ok(addr - self.base)
        } else {
            Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{len} bytes at {addr:#x} are outside the simulated DDR ({:#x}..{:#x})",
                    self.base,
                    self.base + self.size
                ),
            ))
        }
    }

    fn copy_out(&self, offset: u64, buf: &mut [u8]) {
        let mut done = 0usize;
        while done < buf.len() {
            let at = offset + done as u64;
            let (page, within) = (at / PAGE, (at % PAGE) as usize);
            let n = (PAGE as usize - within).min(buf.len() - done);
            match self.pages.get(&page) {
                Some(p) => buf[done..done + n].copy_from_slice(&p[within..within + n]),
                None => buf[done..done + n].fill(0),
            }
            done += n;
        }
    }

    fn copy_in(&mut self, offset: u64, data: &[u8]) {
        let mut done = 0usize;
        while done < data.len() {
            let at = offset + done as u64;
            let (page, within) = (at / PAGE, (at % PAGE) as usize);
            let n = (PAGE as usize - within).min(data.len() - done);
            let p = self
                .pages
                .entry(page)
                .or_insert_with(|| vec![0u8; PAGE as usize].into_boxed_slice());
            p[within..within + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
    }
}

/// Simulated DDR at a physical base, grown lazily (only pages written hold memory). Cloning gives
/// another handle on the same memory.
#[derive(Debug, Clone)]
pub struct Ddr {
    memory: Arc<Mutex<Memory>>,
}

impl Ddr {
    /// `size` bytes of DDR at physical address `base`.
    pub fn new(base: u64, size: u64) -> Result<Ddr> {
        if size == 0 {
            return Err(Error::new(ErrorKind::Argument, "a simulated DDR of 0 bytes"));
        }
        if base.checked_add(size).is_none() {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("a simulated DDR of {size} bytes at {base:#x} passes the end of the address space"),
            ));
        }
        if base % ALIGN != 0 {
            return Err(Error::new(
                ErrorKind::Argument,
                format!("the simulated DDR's base {base:#x} is not {ALIGN}-byte aligned"),
            ));
        }
        Ok(Ddr {
            memory: Arc::new(Mutex::new(Memory {
                base,
                size,
                next: 0,
                pages: HashMap::new(),
                syncs: SyncCounts::default(),
            })),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Its physical base address.
    pub fn base(&self) -> u64 {
        self.lock().base
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.lock().size
    }

    /// True when `addr..addr + len` lies inside the DDR.
    pub fn contains(&self, addr: u64, len: u64) -> bool {
        let m = self.lock();
        m.fits(addr, len)
    }

    /// Bytes handed out so far (alignment included).
    pub fn allocated(&self) -> u64 {
        self.lock().next
    }

    /// How often buffers were synchronized.
    pub fn syncs(&self) -> SyncCounts {
        self.lock().syncs
    }

    /// Reads the device's view of `buf.len()` bytes at physical address `addr`.
    pub fn read(&self, addr: u64, buf: &mut [u8]) -> Result<()> {
        let m = self.lock();
        let offset = m.offset(addr, buf.len())?;
        m.copy_out(offset, buf);
        Ok(())
    }

    /// Writes `data` into the device's view at physical address `addr`.
    pub fn write(&self, addr: u64, data: &[u8]) -> Result<()> {
        let mut m = self.lock();
        let offset = m.offset(addr, data.len())?;
        m.copy_in(offset, data);
        Ok(())
    }

    /// A DMA buffer of `len` bytes (bump allocation, 64-byte aligned; never given back).
    pub fn alloc(&self, len: usize) -> Result<DdrBuffer> {
        if len == 0 {
            return Err(Error::new(ErrorKind::Argument, "a DMA buffer of 0 bytes"));
        }
        let mut m = self.lock();
        let start = m.next.div_ceil(ALIGN) * ALIGN;
        let end = start.checked_add(len as u64).filter(|&end| end <= m.size);
        let Some(end) = end else {
            return Err(Error::new(
                ErrorKind::Io,
                format!(
                    "cannot allocate a DMA buffer of {len} bytes: the simulated DDR ({} bytes at {:#x}) has {} bytes left",
                    m.size,
                    m.base,
                    m.size.saturating_sub(start)
                ),
            ));
        };
        m.next = end;
        Ok(DdrBuffer {
            phys: m.base + start,
            cpu: vec![0u8; len],
            ddr: self.clone(),
        })
    }
}

/// A DMA buffer in the simulated DDR: the CPU's view of its bytes, kept apart from the device's.
#[derive(Debug)]
pub struct DdrBuffer {
    phys: u64,
    cpu: Vec<u8>,
    ddr: Ddr,
}

impl DdrBuffer {
    fn check(&self, what: &str, offset: usize, len: usize) -> Result<()> {
        if offset.checked_add(len).is_some_and(|end| end <= self.cpu.len()) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Argument,
                format!(
                    "{what} of {len} bytes at offset {offset} passes the end of the {}-byte DMA buffer at {:#x}",
                    self.cpu.len(),
                    self.phys
                ),
            ))
        }
    }
}

impl DmaMemory for DdrBuffer {
    fn phys_addr(&self) -> u64 {
        self.phys
    }

    fn as_slice(&self) -> &[u8] {
        &self.cpu
    }

    fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.cpu
    }

    fn sync_for_device(&mut self, offset: usize, len: usize) -> Result<()> {
        self.check("sync_for_device", offset, len)?;
        let mut m = self.ddr.lock();
        let at = self.phys - m.base + offset as u64;
        m.copy_in(at, &self.cpu[offset..offset + len]);
        m.syncs.for_device += 1;
        m.syncs.bytes_for_device += len as u64;
        Ok(())
    }

    fn sync_for_cpu(&mut self, offset: usize, len: usize) -> Result<()> {
        self.check("sync_for_cpu", offset, len)?;
        let mut m = self.ddr.lock();
        let at = self.phys - m.base + offset as u64;
        m.copy_out(at, &mut self.cpu[offset..offset + len]);
        m.syncs.for_cpu += 1;
        m.syncs.bytes_for_cpu += len as u64;
        Ok(())
    }
}
