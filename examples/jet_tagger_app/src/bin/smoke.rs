//! The board smoke test: the pieces of the Zynq backend that touch files and memory, exercised on
//! the CPU the program was built for (run it under qemu-user for the boards' ARM cores) without
//! root, devices or network:
//!
//! - a `.bit` built in memory is parsed back, and its `.bin` has every 32-bit word byte-swapped;
//! - the virtual board's `.bit` and `.hwh` parse, and name the pynq-z2's part, DMA and IP;
//! - registers mapped from a plain file standing in for `/dev/mem` land in the file at the
//!   register's physical address, little-endian, and nowhere else;
//! - the FPGA manager's sysfs files get the `.bin` as the kernel expects them;
//! - a few samples through the virtual board equal the emulator's, bit for bit.
//!
//! Prints one line per check and exits with status 1 when any check fails.

use hls4ml::runtime::zynq::bitstream::{Bitstream, PREAMBLE};
use hls4ml::runtime::zynq::hwh::Hwh;
use hls4ml::runtime::zynq::linux::Linux;
use hls4ml::runtime::zynq::Platform;
use hls4ml::ErrorKind;
use jet_tagger_app::{data_file, differing, jet_tagger, load_inputs, Board, Input, JetTagger, ScratchDir};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::ExitCode;

/// The pynq-z2's AXI DMA, where its PYNQ overlays put it.
const DMA_BASE: u64 = 0x4040_0000;
/// The size of an AXI-Lite register block in the block design.
const BLOCK: u64 = 0x1_0000;
/// The sync word that opens a Xilinx configuration stream, as it sits in a `.bit`.
const SYNC: [u8; 4] = [0xAA, 0x99, 0x55, 0x66];
/// Samples run through the virtual board.
const SAMPLES: usize = 8;

/// A check's outcome: what was seen, or what went wrong.
type Check = Result<String, String>;
/// A named check, run once.
type Named<'a> = (&'static str, Box<dyn FnOnce() -> Check + 'a>);

fn main() -> ExitCode {
    let scratch = match ScratchDir::new("smoke") {
        Ok(s) => s,
        Err(e) => {
            println!("FAIL scratch folder: {e}");
            return ExitCode::from(1);
        }
    };
    let dir = scratch.path();
    let board_dir = dir.join("design");
    let board = Board::new(&board_dir);
    let checks: Vec<Named> = vec![
        ("bitstream in memory", Box::new(bitstream_in_memory)),
        ("virtual board .bit", Box::new(|| design_bit(&board))),
        ("virtual board .hwh", Box::new(|| design_hwh(&board))),
        (
            "registers on /dev/mem",
            Box::new(|| registers_on_dev_mem(&dir.join("mem"))),
        ),
        ("FPGA manager", Box::new(|| fpga_manager(&dir.join("fpga")))),
        ("virtual board predict", Box::new(|| virtual_board_predict(&board))),
    ];
    let total = checks.len();
    let mut failed = 0;
    for (name, check) in checks {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check))
            .unwrap_or_else(|_| Err("panicked (message above)".to_string()));
        match outcome {
            Ok(detail) => println!("ok   {name}: {detail}"),
            Err(why) => {
                failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }
    println!(
        "smoke: {} of {total} checks passed on {} ({})",
        total - failed,
        std::env::consts::ARCH,
        if failed == 0 { "all good" } else { "FAILED" }
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `Err(message)` unless `cond`.
fn ensure(cond: bool, message: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(message())
    }
}

fn board_ok(board: &hls4ml::Result<Board>) -> Result<&Board, String> {
    board
        .as_ref()
        .map_err(|e| format!("the virtual board could not be built: {e}"))
}

/// Builds a `.bit`, checks its bytes where the format fixes them, parses it back, and checks the
/// `.bin` conversion word by word; a truncated file is an error, not a panic.
fn bitstream_in_memory() -> Check {
    // Dummy word, bus-width detection, two dummies, the sync word, a NOOP (big-endian words).
    let words: [u32; 7] = [
        0xFFFF_FFFF,
        0x0000_00BB,
        0x1122_0044,
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0xAA99_5566,
        0x2000_0000,
    ];
    let data: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
    let bit = Bitstream {
        design: "design_1_wrapper;UserID=0XFFFFFFFF;Version=2020.1".into(),
        part: "7z020clg400".into(),
        date: "2026/11/21".into(),
        time: "12:00:00".into(),
        data: data.clone(),
    };
    let bytes = bit.write();
    let preamble = [
        0x00, 0x09, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x0F, 0xF0, 0x00, 0x00, 0x01,
    ];
    ensure(bytes.starts_with(&preamble) && PREAMBLE == preamble, || {
        format!(
            "the .bit does not start with the 13-byte preamble: {:02x?}",
            &bytes[..13.min(bytes.len())]
        )
    })?;
    // Field a: key, 2-byte big-endian length including the NUL, the text, NUL.
    let a_len = bit.design.len() + 1;
    ensure(
        bytes[13] == b'a' && bytes[14..16] == (a_len as u16).to_be_bytes() && bytes[16 + a_len - 1] == 0,
        || format!("field a is not `a`, {a_len} (big-endian), the design name, NUL"),
    )?;
    // Field e: key and 4-byte big-endian length, then the data to the end of the file.
    let e_at = bytes.len() - data.len() - 5;
    ensure(
        bytes[e_at] == b'e' && bytes[e_at + 1..e_at + 5] == (data.len() as u32).to_be_bytes(),
        || format!("field e is not at offset {e_at} with the data's length"),
    )?;
    let parsed = Bitstream::parse(&bytes).map_err(|e| format!("parsing the .bit: {e}"))?;
    ensure(parsed == bit, || format!("parsed back as {parsed:?}"))?;
    ensure(parsed.design_name() == "design_1_wrapper", || {
        format!("design name {:?}", parsed.design_name())
    })?;
    let bin = parsed.to_bin();
    ensure(bin.len() == data.len(), || {
        format!("the .bin has {} bytes for {} of data", bin.len(), data.len())
    })?;
    for (i, w) in words.iter().enumerate() {
        let got = &bin[4 * i..4 * i + 4];
        ensure(got == w.to_le_bytes(), || {
            format!("word {i} 0x{w:08x} is {got:02x?} in the .bin, expected it byte-swapped")
        })?;
    }
    ensure(bin[20..24] == [0x66, 0x55, 0x99, 0xAA], || {
        "the sync word is not 66 55 99 aa in the .bin".to_string()
    })?;
    let truncated = &bytes[..bytes.len() - 3];
    match Bitstream::parse(truncated) {
        Ok(_) => return Err("a .bit missing its last 3 bytes parsed without an error".to_string()),
        Err(e) if e.kind() == ErrorKind::Bitstream => {}
        Err(e) => return Err(format!("a truncated .bit gave a {:?} error: {e}", e.kind())),
    }
    Ok(format!(
        "{} bytes written and parsed back; .bin of {} bytes with each word byte-swapped (sync word 66 55 99 aa); \
         a truncated file is refused",
        bytes.len(),
        bin.len()
    ))
}

/// The virtual board's `.bit`: the pynq-z2's part, a sync word on a word boundary.
fn design_bit(board: &hls4ml::Result<Board>) -> Check {
    let board = board_ok(board)?;
    let bit = Bitstream::read(&board.bit).map_err(|e| e.to_string())?;
    ensure(bit.part == "xc7z020clg400", || {
        format!("part {:?}, expected the pynq-z2's xc7z020clg400", bit.part)
    })?;
    let sync_at = bit
        .data
        .chunks_exact(4)
        .position(|w| w == SYNC)
        .ok_or("no sync word aa 99 55 66 on a word boundary of the data")?;
    let bin = bit.to_bin();
    ensure(bin[4 * sync_at..4 * sync_at + 4] == [0x66, 0x55, 0x99, 0xAA], || {
        "the .bin does not hold the sync word byte-swapped".to_string()
    })?;
    Ok(format!(
        "{}: design {}, part {}, {} bytes of data, sync word at word {sync_at}",
        file_name(&board.bit),
        bit.design_name(),
        bit.part,
        bit.data.len()
    ))
}

/// The virtual board's `.hwh`: the DMA at the pynq-z2's address with 32-bit streams (float words),
/// the IP, the 100 MHz clock the TOML's 10 ns period asks for.
fn design_hwh(board: &hls4ml::Result<Board>) -> Check {
    let board = board_ok(board)?;
    let hwh = Hwh::read(&board.hwh).map_err(|e| e.to_string())?;
    let dma = hwh.find_dma().map_err(|e| e.to_string())?;
    ensure(dma.base == DMA_BASE && dma.range() == BLOCK, || {
        format!(
            "the DMA is at 0x{:x} ({} bytes), expected 0x{DMA_BASE:x} ({BLOCK} bytes)",
            dma.base,
            dma.range()
        )
    })?;
    ensure(dma.base == board.board.dma_base(), || {
        format!(
            "the .hwh says 0x{:x}, the board 0x{:x}",
            dma.base,
            board.board.dma_base()
        )
    })?;
    let param = |name: &str| dma.param_u64(name).map_err(|e| e.to_string());
    let (mm2s, s2mm) = (param("C_M_AXIS_MM2S_TDATA_WIDTH")?, param("C_S_AXIS_S2MM_TDATA_WIDTH")?);
    let spec = jet_tagger::spec();
    ensure(mm2s == Some(32) && s2mm == Some(32), || {
        format!("stream widths MM2S {mm2s:?}, S2MM {s2mm:?}: expected 32 bits (one float a beat)")
    })?;
    ensure(spec.input.word_bits == 32 && spec.output.word_bits == 32, || {
        format!(
            "the driver's words are {} and {} bits",
            spec.input.word_bits, spec.output.word_bits
        )
    })?;
    let length_width = param("C_SG_LENGTH_WIDTH")?;
    let ip = hwh.find_ip("jet_tagger_axi").map_err(|e| e.to_string())?;
    let clock = hwh.pl_clock_mhz();
    ensure(clock == Some(100.0), || format!("PL clock {clock:?} MHz, expected 100"))?;
    Ok(format!(
        "{}: DMA {} at 0x{:08x}, streams {}/{} bits, length register {} bits; IP {}; PL clock 100 MHz",
        file_name(&board.hwh),
        dma.fullname,
        dma.base,
        mm2s.unwrap_or(0),
        s2mm.unwrap_or(0),
        length_width.map_or("?".to_string(), |w| w.to_string()),
        ip.fullname
    ))
}

/// Maps the DMA's registers from a sparse file standing in for `/dev/mem` and checks that each
/// write lands at `base + offset` in the file, little-endian, and that nothing else changes; a
/// second hold of the accelerator is refused while the first lives.
fn registers_on_dev_mem(root: &Path) -> Check {
    let io = |what: &str, e: std::io::Error| format!("{what}: {e}");
    std::fs::create_dir_all(root.join("dev")).map_err(|e| io("creating dev/", e))?;
    std::fs::create_dir_all(root.join("run/lock")).map_err(|e| io("creating run/lock/", e))?;
    let mem_path = root.join("dev/mem");
    let size = DMA_BASE + BLOCK;
    std::fs::File::create(&mem_path)
        .and_then(|f| f.set_len(size))
        .map_err(|e| io("creating the stand-in dev/mem", e))?;
    let mut platform = Linux::with_root(root);
    let regs = platform
        .map_registers(DMA_BASE, BLOCK as usize)
        .map_err(|e| e.to_string())?;
    // MM2S_DMACR, MM2S_SA, MM2S_LENGTH, S2MM_DMACR, S2MM_DA, S2MM_LENGTH (PG021).
    let writes: [(usize, u32); 6] = [
        (0x00, 0x0001_0001),
        (0x18, 0x1000_0040),
        (0x28, 64_000),
        (0x30, 0x0001_0001),
        (0x48, 0x1001_0000),
        (0x58, 20_000),
    ];
    for &(offset, value) in &writes {
        regs.write32(offset, value);
    }
    for &(offset, value) in &writes {
        let back = regs.read32(offset);
        ensure(back == value, || {
            format!("register 0x{offset:02x} reads 0x{back:08x} after writing 0x{value:08x}")
        })?;
    }
    drop(regs);
    let mut file = std::fs::File::open(&mem_path).map_err(|e| io("opening the stand-in dev/mem", e))?;
    let mut block = vec![0u8; BLOCK as usize + 8];
    file.seek(SeekFrom::Start(DMA_BASE - 8))
        .and_then(|_| file.read_exact(&mut block[..BLOCK as usize + 8]))
        .map_err(|e| io("reading the stand-in dev/mem", e))?;
    // block[8..] is the DMA's register block; the 8 bytes before it must stay zero.
    let mut expected = vec![0u8; BLOCK as usize + 8];
    for &(offset, value) in &writes {
        expected[8 + offset..8 + offset + 4].copy_from_slice(&value.to_le_bytes());
    }
    if let Some(i) = (0..block.len()).find(|&i| block[i] != expected[i]) {
        let at = DMA_BASE - 8 + i as u64;
        return Err(format!(
            "byte 0x{at:x} of the file is 0x{:02x}, expected 0x{:02x}",
            block[i], expected[i]
        ));
    }
    let len = std::fs::metadata(&mem_path).map_err(|e| io("stat", e))?.len();
    ensure(len == size, || format!("the file grew from {size} to {len} bytes"))?;
    let first = platform.lock(DMA_BASE).map_err(|e| format!("the first lock: {e}"))?;
    match platform.lock(DMA_BASE) {
        Ok(_) => return Err("a second lock of the same accelerator was granted".to_string()),
        Err(e) if e.kind() == ErrorKind::Busy => {}
        Err(e) => return Err(format!("the second lock failed with {:?}: {e}", e.kind())),
    }
    drop(first);
    platform
        .lock(DMA_BASE)
        .map_err(|e| format!("the lock after release: {e}"))?;
    Ok(format!(
        "{} register writes at 0x{DMA_BASE:08x} landed at their offsets in a {} MiB file, little-endian, nothing else \
         touched; a second lock is Busy",
        writes.len(),
        size >> 20
    ))
}

/// Programs a `.bin` through a stand-in FPGA manager: the firmware file, `flags` 0 (full
/// bitstream), `firmware` naming it; a manager that does not reach `operating` is an error.
fn fpga_manager(root: &Path) -> Check {
    let manager = root.join("sys/class/fpga_manager/fpga0");
    std::fs::create_dir_all(&manager).map_err(|e| format!("creating {}: {e}", manager.display()))?;
    let write =
        |name: &str, text: &str| std::fs::write(manager.join(name), text).map_err(|e| format!("writing {name}: {e}"));
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()));
    write("flags", "")?;
    write("firmware", "")?;
    write("state", "operating\n")?;
    let bin: Vec<u8> = (0u8..64).collect();
    let mut platform = Linux::with_root(root);
    platform.program(&bin).map_err(|e| e.to_string())?;
    let firmware = root.join("lib/firmware/hls4ml_nn.bin");
    ensure(read(&firmware)? == bin, || {
        format!("{} differs from the .bin", firmware.display())
    })?;
    let flags = String::from_utf8_lossy(&read(&manager.join("flags"))?).into_owned();
    let name = String::from_utf8_lossy(&read(&manager.join("firmware"))?).into_owned();
    ensure(flags == "0" && name == "hls4ml_nn.bin", || {
        format!("flags {flags:?}, firmware {name:?}: expected \"0\" and \"hls4ml_nn.bin\"")
    })?;
    write("state", "write error\n")?;
    match platform.program(&bin) {
        Ok(()) => return Err("a manager in state `write error` was taken as programmed".to_string()),
        Err(e) if e.kind() == ErrorKind::Bitstream => {}
        Err(e) => return Err(format!("a failed load gave a {:?} error: {e}", e.kind())),
    }
    Ok(
        "the .bin went to lib/firmware/hls4ml_nn.bin, flags 0, firmware hls4ml_nn.bin; a failed load is an error"
            .into(),
    )
}

/// A few samples through the Zynq backend on the virtual board, against the emulator; the board was
/// programmed with the `.bit`'s `.bin`.
fn virtual_board_predict(board: &hls4ml::Result<Board>) -> Check {
    let board = board_ok(board)?;
    let (x, source) = match load_inputs(&data_file("X.npy")) {
        Ok(x) if x.len() >= SAMPLES => (x[..SAMPLES].to_vec(), "X.npy"),
        _ => (synthetic(SAMPLES), "synthetic inputs (X.npy not found)"),
    };
    let mut nn = board.open().map_err(|e| format!("opening the virtual board: {e}"))?;
    let y = nn.predict(&x).map_err(|e| e.to_string())?;
    let expected = JetTagger::emulator().predict(&x).map_err(|e| e.to_string())?;
    let diff = differing(&y, &expected);
    ensure(diff.is_empty(), || {
        format!(
            "samples {diff:?} differ; first: board {:?}, emulator {:?}",
            y.get(diff[0]),
            expected.get(diff[0])
        )
    })?;
    let one = nn.predict_one(&x[3]).map_err(|e| e.to_string())?;
    ensure(differing(&[one], &expected[3..4]).is_empty(), || {
        format!("predict_one gave {one:?}, the batch {:?}", expected[3])
    })?;
    let bin = Bitstream::read(&board.bit).map_err(|e| e.to_string())?.to_bin();
    ensure(board.board.programmed().as_deref() == Some(&bin[..]), || {
        "the board was not programmed with the .bit's .bin".to_string()
    })?;
    let stats = board.board.stats();
    Ok(format!(
        "{SAMPLES} samples ({source}) bit-identical to the emulator through {} ({} DMA transfers); programmed with \
         the .bin",
        nn.describe(),
        stats.transfers()
    ))
}

/// Deterministic inputs in the range of the bundled ones.
fn synthetic(n: usize) -> Vec<Input> {
    (0..n)
        .map(|i| std::array::from_fn(|j| ((i * 16 + j) as f32 * 0.37).sin() * 2.0))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}
