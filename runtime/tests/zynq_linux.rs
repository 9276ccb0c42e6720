//! `Linux`, the board platform, on a temporary root of plain files: `/dev/mem` and `/dev/uioN` are
//! files whose bytes the test reads back, the sysfs attributes of the FPGA manager and u-dma-buf are
//! files the test writes and checks, and the lock file is real.
#![cfg(unix)]

use hls4ml_runtime::zynq::{linux::Linux, Platform};
use hls4ml_runtime::ErrorKind;
use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

fn fresh_root(label: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("hls4ml-zynq-linux-{}", std::process::id()))
        .join(label);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A sparse file of `len` bytes at `root/path`.
fn device_file(root: &Path, path: &str, len: u64) -> PathBuf {
    let p = root.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    let f = fs::File::create(&p).unwrap();
    f.set_len(len).unwrap();
    p
}

fn read_at(path: &Path, offset: u64, len: usize) -> Vec<u8> {
    let mut f = fs::File::open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    let mut b = vec![0; len];
    f.read_exact(&mut b).unwrap();
    b
}

fn write_at(path: &Path, offset: u64, bytes: &[u8]) {
    let mut f = fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(bytes).unwrap();
}

fn attr(root: &Path, path: &str, value: &str) {
    let p = root.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, value).unwrap();
}

fn text(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap()
}

const DMA_BASE: u64 = 0x4040_0000;

#[test]
fn registers_through_dev_mem_reach_the_file_at_the_base_address() {
    let root = fresh_root("devmem");
    let mem = device_file(&root, "dev/mem", DMA_BASE + 0x1_0000);
    write_at(&mem, DMA_BASE + 0x04, &0x0001_0001u32.to_le_bytes());
    let mut linux = Linux::with_root(&root);
    let regs = linux.map_registers(DMA_BASE, 0x1_0000).unwrap();
    assert_eq!(regs.len(), 0x1_0000);
    assert_eq!(regs.read32(0x04), 0x0001_0001);
    regs.write32(0x28, 0xDEAD_BEEF);
    regs.write32(0xFFFC, 0x0102_0304);
    drop(regs);
    assert_eq!(read_at(&mem, DMA_BASE + 0x28, 4), 0xDEAD_BEEFu32.to_le_bytes());
    assert_eq!(read_at(&mem, DMA_BASE + 0xFFFC, 4), [4, 3, 2, 1]);
    assert!(
        linux.describe().contains("dev/mem (0x40400000)"),
        "{}",
        linux.describe()
    );

    // A base inside a page: the mapping starts on the page, register 0 at the base.
    let regs = linux.map_registers(DMA_BASE + 0x104, 16).unwrap();
    regs.write32(8, 0x5555_AAAA);
    drop(regs);
    assert_eq!(read_at(&mem, DMA_BASE + 0x10C, 4), 0x5555_AAAAu32.to_le_bytes());
}

#[test]
fn register_mapping_errors_name_the_path() {
    let root = fresh_root("devmem-errors");
    let mut linux = Linux::with_root(&root);
    let e = linux.map_registers(DMA_BASE, 0x1000).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains(&root.join("dev/mem").display().to_string()), "{e}");
    // A stand-in file too short to hold the block: refused instead of a SIGBUS later.
    device_file(&root, "dev/mem", DMA_BASE + 0x800);
    let e = linux.map_registers(DMA_BASE, 0x1000).map(|_| ()).unwrap_err();
    assert!(e.message().contains("too short"), "{e}");
    let e = linux.map_registers(DMA_BASE, 0).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
}

#[test]
fn a_uio_device_whose_map_starts_at_the_base_is_used_instead_of_dev_mem() {
    let root = fresh_root("uio");
    // uio0 is another device; uio1 is the IP's.
    attr(&root, "sys/class/uio/uio0/maps/map0/addr", "0x40400000\n");
    attr(&root, "sys/class/uio/uio0/maps/map0/size", "0x00010000\n");
    attr(&root, "sys/class/uio/uio1/maps/map0/addr", "0x43c00000\n");
    attr(&root, "sys/class/uio/uio1/maps/map0/size", "0x00010000\n");
    let uio1 = device_file(&root, "dev/uio1", 0x1_0000);
    device_file(&root, "dev/uio0", 0x1_0000);
    let mut linux = Linux::with_root(&root);
    let regs = linux.map_registers(0x43C0_0000, 0x1_0000).unwrap();
    regs.write32(0x40, 0x1234_5678);
    drop(regs);
    // No /dev/mem exists: the write can only have gone to uio1, at offset 0x40.
    assert_eq!(read_at(&uio1, 0x40, 4), 0x1234_5678u32.to_le_bytes());
    assert!(linux.describe().contains("uio1"), "{}", linux.describe());
}

fn fpga_manager(root: &Path, state: &str) {
    for f in ["flags", "firmware"] {
        attr(root, &format!("sys/class/fpga_manager/fpga0/{f}"), "");
    }
    attr(root, "sys/class/fpga_manager/fpga0/state", state);
}

#[test]
fn programming_writes_the_bin_the_flags_and_the_name_then_checks_the_state() {
    let root = fresh_root("fpga-manager");
    fpga_manager(&root, "operating\n");
    let bin: Vec<u8> = (0..64u8).collect();
    let mut linux = Linux::with_root(&root).firmware_name("jet_tagger");
    linux.program(&bin).unwrap();
    assert_eq!(fs::read(root.join("lib/firmware/jet_tagger.bin")).unwrap(), bin);
    assert_eq!(text(&root, "sys/class/fpga_manager/fpga0/flags"), "0");
    assert_eq!(text(&root, "sys/class/fpga_manager/fpga0/firmware"), "jet_tagger.bin");
}

#[test]
fn a_state_other_than_operating_is_an_error() {
    let root = fresh_root("fpga-manager-state");
    fpga_manager(&root, "write error\n");
    let e = Linux::with_root(&root).program(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Bitstream);
    assert!(
        e.message().contains("\"write error\"") && e.message().contains("expected \"operating\""),
        "{e}"
    );
    assert!(e.message().contains("fpga0/state"), "{e}");
}

#[test]
fn programming_without_an_fpga_manager_or_its_attributes_fails_clearly() {
    let root = fresh_root("no-fpga-manager");
    let e = Linux::with_root(&root).program(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(e.message().contains("no FPGA manager at"), "{e}");
    // The folder without its flags attribute: the path is named, nothing is created.
    fs::create_dir_all(root.join("sys/class/fpga_manager/fpga0")).unwrap();
    let e = Linux::with_root(&root).program(&[1, 2, 3, 4]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().contains("fpga0/flags"), "{e}");
    assert!(!root.join("sys/class/fpga_manager/fpga0/flags").exists());
    let e = Linux::with_root(&root).program(&[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Bitstream);
}

const UDMABUF_PHYS: u64 = 0x1E90_0000;

/// u-dma-buf's sysfs attributes and a plain file as `/dev/udmabuf0`.
fn udmabuf(root: &Path, size: usize) -> PathBuf {
    let sys = "sys/class/u-dma-buf/udmabuf0";
    attr(root, &format!("{sys}/phys_addr"), &format!("0x{UDMABUF_PHYS:08x}\n"));
    attr(root, &format!("{sys}/size"), &format!("{size}\n"));
    for f in [
        "sync_offset",
        "sync_size",
        "sync_direction",
        "sync_for_cpu",
        "sync_for_device",
    ] {
        attr(root, &format!("{sys}/{f}"), "");
    }
    device_file(root, "dev/udmabuf0", size as u64)
}

#[test]
fn dma_buffers_come_from_u_dma_buf_with_its_physical_address() {
    let root = fresh_root("udmabuf");
    let dev = udmabuf(&root, 1 << 16);
    let mut linux = Linux::with_root(&root);
    let mut a = linux.alloc_dma(100).unwrap();
    let mut b = linux.alloc_dma(64).unwrap();
    assert_eq!((a.phys_addr(), a.len()), (UDMABUF_PHYS, 100));
    // 100 bytes take two 64-byte cache lines.
    assert_eq!((b.phys_addr(), b.len()), (UDMABUF_PHYS + 128, 64));
    a.as_mut_slice().fill(0xA5);
    b.as_mut_slice()[..4].copy_from_slice(&[1, 2, 3, 4]);
    assert_eq!(read_at(&dev, 0, 100), vec![0xA5; 100]);
    assert_eq!(read_at(&dev, 128, 4), [1, 2, 3, 4]);
    write_at(&dev, 130, &[9]);
    assert_eq!(b.as_slice()[2], 9);
    assert!(linux.describe().contains("udmabuf0"), "{}", linux.describe());

    // Freed space is handed out again.
    drop(a);
    let c = linux.alloc_dma(128).unwrap();
    assert_eq!(c.phys_addr(), UDMABUF_PHYS);
}

#[test]
fn cache_maintenance_writes_u_dma_buf_s_sync_attributes() {
    let root = fresh_root("udmabuf-sync");
    udmabuf(&root, 1 << 16);
    let sys = "sys/class/u-dma-buf/udmabuf0";
    let mut linux = Linux::with_root(&root);
    let _first = linux.alloc_dma(64).unwrap();
    let mut buf = linux.alloc_dma(256).unwrap();
    buf.sync_for_device(16, 200).unwrap();
    assert_eq!(text(&root, &format!("{sys}/sync_offset")), "80");
    assert_eq!(text(&root, &format!("{sys}/sync_size")), "200");
    assert_eq!(text(&root, &format!("{sys}/sync_direction")), "1");
    assert_eq!(text(&root, &format!("{sys}/sync_for_device")), "1");
    assert_eq!(text(&root, &format!("{sys}/sync_for_cpu")), "");
    buf.sync_for_cpu(0, 256).unwrap();
    assert_eq!(text(&root, &format!("{sys}/sync_offset")), "64");
    assert_eq!(text(&root, &format!("{sys}/sync_size")), "256");
    assert_eq!(text(&root, &format!("{sys}/sync_direction")), "2");
    assert_eq!(text(&root, &format!("{sys}/sync_for_cpu")), "1");
    let e = buf.sync_for_cpu(200, 100).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Argument);
}

#[test]
fn running_out_of_dma_memory_says_how_much_there_is() {
    let root = fresh_root("udmabuf-full");
    udmabuf(&root, 4096);
    let mut linux = Linux::with_root(&root);
    let _a = linux.alloc_dma(4000).unwrap();
    let e = linux.alloc_dma(200).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(
        e.message().contains("200 bytes") && e.message().contains("4096 bytes, 64 free"),
        "{e}"
    );

    let empty = fresh_root("no-udmabuf");
    let e = Linux::with_root(&empty).alloc_dma(64).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(e.message().contains("no u-dma-buf device"), "{e}");
}

#[test]
fn a_reserved_memory_region_is_mapped_through_dev_mem() {
    let root = fresh_root("reserved");
    let phys = 0x0010_0000u64;
    let mem = device_file(&root, "dev/mem", phys + 0x1_0000);
    let mut linux = Linux::with_root(&root).reserved_memory(phys, 0x1_0000);
    let mut a = linux.alloc_dma(32).unwrap();
    let mut b = linux.alloc_dma(32).unwrap();
    assert_eq!((a.phys_addr(), b.phys_addr()), (phys, phys + 64));
    a.as_mut_slice().copy_from_slice(&[7; 32]);
    b.as_mut_slice()[0] = 8;
    // Uncached: syncing is allowed and changes nothing.
    a.sync_for_device(0, 32).unwrap();
    b.sync_for_cpu(0, 32).unwrap();
    assert_eq!(read_at(&mem, phys, 32), vec![7; 32]);
    assert_eq!(read_at(&mem, phys + 64, 1), [8]);
    assert!(
        linux.describe().contains("reserved memory 0x100000"),
        "{}",
        linux.describe()
    );
}

#[test]
fn a_second_lock_on_the_same_accelerator_is_busy_until_the_first_is_dropped() {
    let root = fresh_root("lock");
    fs::create_dir_all(root.join("run/lock")).unwrap();
    let mut linux = Linux::with_root(&root);
    let first = linux.lock(DMA_BASE).unwrap();
    let lock_file = root.join("run/lock/hls4ml-40400000.lock");
    assert_eq!(
        text(&root, "run/lock/hls4ml-40400000.lock"),
        std::process::id().to_string()
    );
    // Another platform object, as another driver would hold it.
    let e = Linux::with_root(&root).lock(DMA_BASE).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy);
    assert!(e.message().contains(&lock_file.display().to_string()), "{e}");
    assert!(e.message().contains("another process (or driver)"), "{e}");
    assert!(e.message().contains(&format!("process {}", std::process::id())), "{e}");
    // Another accelerator is not held.
    let other = linux.lock(0x43C0_0000).unwrap();
    drop(first);
    let again = linux.lock(DMA_BASE).unwrap();
    drop((other, again));
}

#[test]
fn without_run_lock_the_lock_file_goes_to_tmp() {
    let root = fresh_root("lock-tmp");
    fs::create_dir_all(root.join("tmp")).unwrap();
    let _held = Linux::with_root(&root).lock(0xA000_0000).unwrap();
    assert!(root.join("tmp/hls4ml-a0000000.lock").is_file());
    let e = Linux::with_root(&root).lock(0xA000_0000).map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Busy);
}
