//! Faults injected into the virtual board reach the typed driver as errors that name what said so —
//! the DMA status register and its bit, the length readback against the expected length, the
//! register that never changed — within a bounded time, without a panic; and the next call works.

use hls4ml::runtime::virtual_board::{dma::Channel, Fault, VirtualBoard};
use hls4ml::ErrorKind;
use hls4ml_driver_tests::{jet_lite_float::JetLiteFloat, jet_master_fixed, jet_stream_float::JetStreamFloat};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hls4ml-faults-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn batch(n: usize) -> Vec<[f32; 16]> {
    (0..n)
        .map(|i| std::array::from_fn(|j| ((i * 16 + j) as f32 * 0.37).sin() * 2.0))
        .collect()
}

/// The time a failing call may take: the driver's timeout (1 s) plus a margin.
const BOUND: Duration = Duration::from_secs(5);

#[test]
fn each_dma_fault_gives_its_own_error_and_the_next_call_works() {
    let board = VirtualBoard::new(
        hls4ml_driver_tests::jet_stream_float::spec(),
        JetStreamFloat::csim_ip().unwrap(),
    );
    let dir = scratch("stream");
    let (bit, _) = board.write_design(&dir).unwrap();
    let mut nn = JetStreamFloat::open_on(board.platform(), &bit).unwrap();
    let x = batch(64);
    let good = JetStreamFloat::emulator().predict(&x).unwrap();
    assert_eq!(nn.predict(&x).unwrap(), good);

    let cases: [(Fault, ErrorKind, &[&str]); 6] = [
        (
            Fault::DecodeError(Channel::Mm2s),
            ErrorKind::Dma,
            &["MM2S_DMASR", "DMADecErr"],
        ),
        (
            Fault::DecodeError(Channel::S2mm),
            ErrorKind::Dma,
            &["S2MM_DMASR", "DMADecErr"],
        ),
        (
            Fault::SlaveError(Channel::Mm2s),
            ErrorKind::Dma,
            &["MM2S_DMASR", "DMASlvErr"],
        ),
        (
            Fault::SlaveError(Channel::S2mm),
            ErrorKind::Dma,
            &["S2MM_DMASR", "DMASlvErr"],
        ),
        (Fault::Hang(Channel::S2mm), ErrorKind::Timeout, &["S2MM_DMASR"]),
        (Fault::ShortPacket { words: 3 }, ErrorKind::Length, &["S2MM_LENGTH"]),
    ];
    for (fault, kind, words) in cases {
        board.inject(fault).unwrap();
        let start = Instant::now();
        let err = nn.predict(&x).expect_err(&format!("{fault:?} must fail"));
        assert!(start.elapsed() < BOUND, "{fault:?} took {:?}", start.elapsed());
        assert_eq!(err.kind(), kind, "{fault:?}: {err}");
        for w in words {
            assert!(err.to_string().contains(w), "{fault:?}: `{err}` does not name {w}");
        }
        assert_eq!(nn.predict(&x).unwrap(), good, "the call after {fault:?}");
    }
    // The short packet's message gives both lengths: 3 words of 4 bytes received, 64 × 5 × 4 expected.
    board.inject(Fault::ShortPacket { words: 3 }).unwrap();
    let err = nn.predict(&x).unwrap_err().to_string();
    assert!(err.contains("12") && err.contains(&(64 * 5 * 4).to_string()), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_ip_that_never_finishes_times_out_naming_its_control_register() {
    let board = VirtualBoard::new(
        hls4ml_driver_tests::jet_lite_float::spec(),
        JetLiteFloat::csim_ip().unwrap(),
    );
    let dir = scratch("lite");
    let (bit, _) = board.write_design(&dir).unwrap();
    let mut nn = JetLiteFloat::open_on(board.platform(), &bit).unwrap();
    let x = batch(4);
    board.inject(Fault::IpHang).unwrap();
    let start = Instant::now();
    let err = nn.predict(&x).unwrap_err();
    assert!(start.elapsed() < BOUND);
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.to_string().contains("ap_done"), "{err}");
    assert_eq!(nn.predict(&x).unwrap(), JetLiteFloat::emulator().predict(&x).unwrap());

    let board = VirtualBoard::new(
        jet_master_fixed::spec(),
        jet_master_fixed::JetMasterFixed::csim_ip().unwrap(),
    );
    let (bit, _) = board.write_design(&dir).unwrap();
    let mut nn = jet_master_fixed::JetMasterFixed::open_on(board.platform(), &bit).unwrap();
    let xf: Vec<jet_master_fixed::Input> = x
        .iter()
        .map(|s| s.map(|v| jet_master_fixed::InputElement::from_f64(v as f64)))
        .collect();
    board.inject(Fault::IpHang).unwrap();
    let err = nn.predict(&xf).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    let y = nn.predict(&xf).unwrap();
    assert_eq!(y, jet_master_fixed::JetMasterFixed::emulator().predict(&xf).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_open_of_the_same_board_is_refused_until_the_first_is_dropped() {
    let board = VirtualBoard::new(
        hls4ml_driver_tests::jet_stream_float::spec(),
        JetStreamFloat::csim_ip().unwrap(),
    );
    let dir = scratch("busy");
    let (bit, _) = board.write_design(&dir).unwrap();
    let first = JetStreamFloat::open_on(board.platform(), &bit).unwrap();
    let err = JetStreamFloat::open_on(board.platform(), &bit).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Busy, "{err}");
    drop(first);
    JetStreamFloat::open_on(board.platform(), &bit).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
