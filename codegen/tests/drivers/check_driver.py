"""Runs a generated PYNQ driver against the fake ``pynq`` (``fake_pynq/`` on PYTHONPATH).

    python check_driver.py SPEC.json

SPEC names the driver file, the model's shapes, the bus words, and binary files written by the Rust
test: inputs ``x`` (float64), the words Rust's ``Bus::encode`` makes of them (``in_words``), the
words the fake PL answers (``out_words``, keyed by the input words it receives) and the
predictions Rust's ``Bus::decode`` makes of those (``y``, float32). Every check prints ``ok: ...``;
the first failure raises.
"""

import importlib.util
import json
import os
import sys
import warnings

import numpy as np
import pynq

SPEC = json.load(open(sys.argv[1]))
DIR = os.path.dirname(os.path.abspath(sys.argv[1]))

spec = importlib.util.spec_from_file_location(SPEC["module"], SPEC["driver"])
driver = importlib.util.module_from_spec(spec)
spec.loader.exec_module(driver)
Overlay = driver.NeuralNetworkOverlay


def check_codec():
    """The fixed-point encoding against Rust's Bus::encode / FixedType::to_f64, over every mode."""
    cases = json.load(open(os.path.join(DIR, "codec.json")))
    total = 0
    for case in cases:
        t = case["type"]
        fixed = driver.FixedType(t["width"], t["int_bits"], signed=t["signed"], quantization=t["quantization"],
                                 overflow=t["overflow"], sat_bits=t["sat_bits"], integer=t["integer"])
        assert repr(fixed) == case["name"], (repr(fixed), case["name"])
        bus = driver.Bus(case["name"], case["word"], 1, fixed)
        values = np.fromfile(os.path.join(DIR, case["values"]), dtype="<f8")
        words = np.fromfile(os.path.join(DIR, case["words"]), dtype=case["word"])
        decoded = np.fromfile(os.path.join(DIR, case["decoded"]), dtype="<f8")
        got = bus.encode(values)
        unsigned = "u%d" % got.itemsize
        bad = np.flatnonzero(got.view(unsigned) != words.view(unsigned))
        if bad.size:
            i = bad[0]
            raise AssertionError("%s: %d of %d words differ from Bus::encode; first: %r -> %r, Rust %r"
                                 % (case["name"], bad.size, values.size, values[i], got[i], words[i]))
        back = bus.decode(words)
        bad = np.flatnonzero(back.view(np.uint64) != decoded.view(np.uint64))
        if bad.size:
            i = bad[0]
            raise AssertionError("%s: %d decoded values differ from Rust's; first: %r -> %r, Rust %r"
                                 % (case["name"], bad.size, words[i], back[i], decoded[i]))
        total += values.size
    print("ok: encode and decode equal Rust's Bus::encode / FixedType::to_f64 on %d values of %d types"
          % (total, len(cases)))


if SPEC.get("codec"):
    check_codec()
    print("all checks passed")
    sys.exit(0)

IN_SHAPE, OUT_SHAPE = tuple(SPEC["input_shape"]), tuple(SPEC["output_shape"])
N_IN, N_OUT = int(np.prod(IN_SHAPE)), int(np.prod(OUT_SHAPE))
IN_WORD, OUT_WORD = np.dtype(SPEC["in_word"]), np.dtype(SPEC["out_word"])
INTERFACE = SPEC["interface"]
NAME = SPEC["model"]


def load(name, dtype, shape):
    return np.fromfile(os.path.join(DIR, name), dtype=dtype).reshape(shape)


X = load("x.bin", "<f8", (-1,) + IN_SHAPE)
B = X.shape[0]
IN_WORDS = load("in_words.bin", IN_WORD, (B, N_IN))
OUT_WORDS = load("out_words.bin", OUT_WORD, (B, N_OUT))
Y = load("y.bin", "<f4", (B,) + OUT_SHAPE)
TABLE = {IN_WORDS[i].tobytes(): OUT_WORDS[i] for i in range(B)}


def table_pl(words):
    """The PL: the output words Rust computed for these input words (the driver's encoding is checked
    on the way: words Rust's encoder does not make are refused)."""
    out = np.empty((words.shape[0], N_OUT), dtype=OUT_WORD)
    for i, row in enumerate(words):
        key = np.ascontiguousarray(row).tobytes()
        if key not in TABLE:
            raise AssertionError("the driver sent input words Rust's Bus::encode does not make: %r" % (row,))
        out[i] = TABLE[key]
    return out


def ok(what):
    print("ok: %s" % what)


def same_bits(a, b):
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def expect_raises(kind, needle, fn, what):
    try:
        fn()
    except kind as e:
        assert needle.lower() in str(e).lower(), "%s: %s raised, but %r is not in its message: %s" % (
            what, kind.__name__, needle, e)
        ok("%s (%s: %s)" % (what, kind.__name__, str(e).splitlines()[0][:120]))
        return e
    raise AssertionError("%s: no %s raised" % (what, kind.__name__))


# ------------------------------------------------------------------------------------------------
# The hardware each interface sees
# ------------------------------------------------------------------------------------------------

HLS_TYPE = "xilinx.com:hls:%s_axi:1.0" % NAME


def dma_description(in_bits=None, out_bits=None, length_width=26):
    return {
        "phys_addr": 0x40400000, "addr_range": 0x10000, "type": "xilinx.com:ip:axi_dma:7.1",
        "fullpath": "hier_0/axi_dma_0", "registers": {},
        "parameters": {
            "C_INCLUDE_SG": "0", "C_SG_LENGTH_WIDTH": str(length_width), "C_INCLUDE_MM2S": "1",
            "C_INCLUDE_S2MM": "1",
            "C_M_AXIS_MM2S_TDATA_WIDTH": str(in_bits or SPEC["in_word_bits"]),
            "C_S_AXIS_S2MM_TDATA_WIDTH": str(out_bits or SPEC["out_word_bits"]),
            "C_M_AXI_MM2S_DATA_WIDTH": str(SPEC["in_memory_bits"]),
            "C_M_AXI_S2MM_DATA_WIDTH": str(SPEC["out_memory_bits"]),
        },
    }


def register(offset, size=32, memory=None):
    entry = {"address_offset": offset, "size": size, "access": "read-write", "description": "", "fields": {}}
    if memory:
        entry["memory"] = memory
    return entry


def scenario(mode=None, pl=table_pl, **extra):
    base = {"interface": INTERFACE, "pl": pl, "mode": mode, "in_word": IN_WORD, "out_word": OUT_WORD,
            "n_in": N_IN, "n_out": N_OUT}
    if INTERFACE == "axi_stream":
        base["ip_dict"] = {"hier_0/axi_dma_0": extra.pop("dma", dma_description()),
                           "hier_0/%s_axi_0" % NAME: {"type": HLS_TYPE, "registers": {}, "parameters": {}}}
    elif INTERFACE == "axi_lite":
        offsets = extra.pop("offsets", {"ctrl": 0x00, "in": 0x100, "out": 0x200})
        registers = extra.pop("registers", {"CTRL": register(offsets["ctrl"]), "in_r": register(offsets["in"]),
                                            "out_r": register(offsets["out"])})
        base["offsets"] = offsets
        base["ip_dict"] = {"%s_axi_0" % NAME: {"type": HLS_TYPE, "registers": registers, "parameters": {}}}
    elif INTERFACE == "axi_master":
        offsets = extra.pop("offsets", dict(SPEC["pinned"]))
        registers = extra.pop("registers", {})
        base["offsets"] = offsets
        base["ip_dict"] = {"hier_0/%s_axi_0" % NAME: {"type": HLS_TYPE, "registers": registers, "parameters": {}}}
    else:
        base["ip_dict"] = {"%s_axi_1" % NAME: {"type": "xilinx.com:hls:%s_axi:1.0" % NAME, "registers": {
            "in": register(0x10, 64, "HBM[0]"), "out": register(0x1c, 64, "HBM[1]"), "n": register(0x28)}}}
        base["memories"] = ["HBM0", "HBM1"]
    base.update(extra)
    pynq.reset(base)


def bitfile():
    return "hls4ml_nn.xclbin" if INTERFACE == "alveo" else "hls4ml_nn.bit"


def allocations():
    return pynq.events("allocate")


# ------------------------------------------------------------------------------------------------
# Checks shared by every driver
# ------------------------------------------------------------------------------------------------


def check_constructor_and_buffers():
    scenario()
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE, dtbo="x.dtbo", download=False, ignore_version=True,
                 device="card1")
    overlays = pynq.events("Overlay")
    assert overlays == [("Overlay", bitfile(), "x.dtbo", False, True, "card1")], overlays
    ok("constructor arguments reach pynq.Overlay")
    allocated = allocations()
    if INTERFACE == "axi_lite":
        assert allocated == [], allocated
        ok("axi_lite allocates no buffer")
    else:
        shapes = [(e[1], e[2]) for e in allocated]
        assert shapes == [((B, N_IN), IN_WORD.name), ((B, N_OUT), OUT_WORD.name)], shapes
        assert isinstance(nn.input_buffer, pynq.PynqBuffer) and nn.input_buffer.dtype == IN_WORD
        ok("buffers allocated once, shapes and dtypes of the bus layout: %s" % shapes)
    return nn


def check_predict(nn):
    y = nn.predict(X)
    assert y.dtype == np.float32 and y.shape == Y.shape, (y.dtype, y.shape)
    assert same_bits(y, Y), "predictions differ from Rust's decode:\n%s\n%s" % (y, Y)
    ok("predict equals Rust's Bus::decode of the PL's words (%d samples)" % B)
    if INTERFACE != "axi_lite":
        assert same_bits(np.asarray(nn.output_buffer[:B]).view(np.ndarray), OUT_WORDS), "output buffer"
        assert same_bits(np.asarray(nn.input_buffer[:B]).view(np.ndarray), IN_WORDS), "input buffer"
        assert not np.shares_memory(y, nn.output_buffer), "y shares memory with the DMA buffer"
        ok("buffers hold the bus words; y is a copy")
    count = len(allocations())
    y2 = nn.predict(X)
    assert same_bits(y2, Y) and y2 is not y and not np.shares_memory(y, y2), "second call"
    assert len(allocations()) == count, "the second call allocated buffers"
    ok("a second call gives the same results, without allocating")
    return y


def check_decode_once_on_a_copy(nn):
    seen = []

    def decode(words):
        seen.append(words.copy())
        result = words.astype(np.float64) + 1
        words[...] = 0  # a decode that scribbles on its argument must not reach the DMA buffer
        return result

    got = nn.predict(X, decode=decode)
    assert len(seen) == 1, "decode called %d times" % len(seen)
    assert same_bits(seen[0], OUT_WORDS.reshape((B,) + OUT_SHAPE)), "decode got other words"
    assert np.array_equal(got, OUT_WORDS.reshape((B,) + OUT_SHAPE).astype(np.float64) + 1, equal_nan=True)
    if INTERFACE != "axi_lite":
        assert same_bits(np.asarray(nn.output_buffer[:B]).view(np.ndarray), OUT_WORDS), "decode reached the buffer"
    assert same_bits(nn.predict(X), Y), "a call after a custom decode"
    ok("decode applied once, to a copy; the next call is unaffected")
    encoded = []

    def encode(x):
        encoded.append(x.shape)
        return IN_WORDS.copy()

    assert same_bits(nn.predict(X + 1000.0, encode=encode), Y) and encoded == [X.shape]
    ok("encode replaces the built-in encoding")
    expect_raises(TypeError, "words", lambda: nn.predict(X, encode=lambda x: np.zeros(x.shape, np.complex64)),
                  "encode returning words of another kind")


def check_shapes(nn):
    one = nn.predict(X[0])
    assert one.shape == OUT_SHAPE and same_bits(one, Y[0]), "one sample"
    ok("one sample without the batch dimension")
    bad = X[..., :-1] if X.shape[-1] > 1 else X[..., None]
    expect_raises(ValueError, "shape", lambda: nn.predict(bad), "a wrong input shape")
    expect_raises(ValueError, "shape", lambda: nn.predict(X[:, None]), "an extra dimension")
    expect_raises(ValueError, "sample", lambda: nn.predict(X[:0]), "an empty batch")
    before = len(pynq.events("Overlay"))
    wrong = (B,) + IN_SHAPE[:-1] + (IN_SHAPE[-1] + 1,)
    expect_raises(ValueError, "x_shape", lambda: Overlay(bitfile(), wrong, (B,) + OUT_SHAPE), "a wrong x_shape")
    expect_raises(ValueError, "y_shape", lambda: Overlay(bitfile(), X.shape, (B, N_OUT + 1)), "a wrong y_shape")
    expect_raises(ValueError, "samples", lambda: Overlay(bitfile(), X.shape, (B + 1,) + OUT_SHAPE),
                  "x_shape and y_shape of other batch sizes")
    expect_raises(ValueError, "float", lambda: Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE, dtype=np.int16),
                  "an integer dtype")
    assert len(pynq.events("Overlay")) == before, "a bad argument still programmed the overlay"
    ok("bad arguments are refused before the overlay is programmed")


def check_growth(nn):
    if INTERFACE == "axi_lite":
        return
    count = len(allocations())
    big = np.concatenate([X, X, X[:1]])
    y = nn.predict(big)
    assert same_bits(y, np.concatenate([Y, Y, Y[:1]])), "larger batch"
    new = allocations()[count:]
    assert [(e[1]) for e in new] == [(2 * B + 1, N_IN), (2 * B + 1, N_OUT)], new
    ok("a larger batch re-allocates once: %s" % [e[1] for e in new])
    count = len(allocations())
    assert same_bits(nn.predict(X[: B // 2 + 1]), Y[: B // 2 + 1]), "smaller batch"
    assert len(allocations()) == count, "a smaller batch allocated"
    ok("a smaller batch reuses the buffers")


def check_profile(nn):
    result = nn.predict(X, profile=True)
    assert isinstance(result, tuple) and len(result) == 3, result
    y, latency, rate = result
    assert same_bits(y, Y) and latency > 0 and rate > 0, (latency, rate)
    assert not pynq.events("free_overlay"), "profile freed the overlay"
    ok("profile returns (y, latency %.2g s, throughput %.3g / s) and frees nothing" % (latency, rate))


def check_dtype():
    scenario()
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE, dtype=np.float64)
    y = nn.predict(X)
    assert y.dtype == np.float64 and np.array_equal(y.astype(np.float32), Y, equal_nan=True)
    ok("dtype sets the predictions' type")


def check_timeout(needle):
    scenario(mode="hang")
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE, timeout=0.2)
    expect_raises(TimeoutError, needle, lambda: nn.predict(X), "hardware that never finishes")
    assert not pynq.events("blocking_wait") and not pynq.events("handle_wait"), "a blocking wait was called"


# ------------------------------------------------------------------------------------------------
# Interface-specific checks
# ------------------------------------------------------------------------------------------------


def transfers():
    return pynq.events("transfer")


def check_stream():
    nn = check_constructor_and_buffers()
    pynq.LOG.clear()
    check_predict(nn)
    moves = transfers()[:2]
    assert [m[1] for m in moves] == ["recv", "send"], moves
    assert moves[0][3] == B * N_OUT * OUT_WORD.itemsize and moves[1][3] == B * N_IN * IN_WORD.itemsize, moves
    flushes, invalidates = pynq.events("flush"), pynq.events("invalidate")
    assert flushes and invalidates, "no cache maintenance"
    ok("receive started before send; lengths in bytes; flush and invalidate: %s" % (moves,))
    check_decode_once_on_a_copy(nn)
    check_shapes(nn)
    check_growth(nn)
    check_profile(nn)
    check_dtype()
    check_timeout("recvchannel (S2MM)")

    # A DMA that allows few bytes per transfer: the batch is split at whole, aligned samples.
    in_bytes, out_bytes = N_IN * IN_WORD.itemsize, N_OUT * OUT_WORD.itemsize
    in_align, out_align = SPEC["in_memory_bits"] // 8, SPEC["out_memory_bits"] // 8
    # The fewest samples whose bytes are a multiple of each channel's memory-map width.
    step = next(k for k in range(1, 65) if (k * in_bytes) % in_align == 0 and (k * out_bytes) % out_align == 0)
    for width in (7, 9, 12):
        limit = (1 << width) - 1
        scenario(dma=dma_description(length_width=width))
        if limit // max(in_bytes, out_bytes) < step:
            expect_raises(RuntimeError, "cannot hold", lambda: Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE),
                          "a transfer limit below %d aligned samples" % step)
            continue
        nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE)
        pynq.LOG.clear()
        assert same_bits(nn.predict(X), Y), "split batch"
        moves = transfers()
        assert all(m[3] <= limit for m in moves), moves
        align = {"send": SPEC["in_memory_bits"] // 8, "recv": SPEC["out_memory_bits"] // 8}
        assert all(m[4] % align[m[1]] == 0 and m[2] % align[m[1]] == 0 for m in moves), moves
        assert [m[1] for m in moves] == ["recv", "send"] * (len(moves) // 2), moves
        assert sum(m[3] for m in moves if m[1] == "send") == B * N_IN * IN_WORD.itemsize
        assert sum(m[3] for m in moves if m[1] == "recv") == B * N_OUT * OUT_WORD.itemsize
        ok("a %d-byte transfer limit splits %d samples into %d transfers, each <= the limit and aligned"
           % (limit, B, len(moves) // 2))

    scenario(dma=dma_description(in_bits=SPEC["in_word_bits"] * 2))
    expect_raises(RuntimeError, "C_M_AXIS_MM2S_TDATA_WIDTH", lambda: Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE),
                  "a DMA with another stream width")
    scenario(mode="short")
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE)
    expect_raises(RuntimeError, "S2MM_LENGTH", lambda: nn.predict(X), "an output packet that ends early")
    scenario(mode="decerr")
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE)
    error = expect_raises(RuntimeError, "DMADecErr", lambda: nn.predict(X), "a DMA decode error")
    assert "S2MM_DMASR = 0x" in str(error)
    pynq.LOG.clear()
    nn.reset_dma()
    assert pynq.events("dma_write") == [("dma_write", 0x00, 0x4)], pynq.events("dma_write")
    assert [e[1] for e in pynq.events("dma_start")] == ["send", "recv"], pynq.events("dma_start")
    ok("reset_dma resets the DMA and starts its channels")

    if SPEC.get("big"):
        check_big_batch()


def check_big_batch():
    """A batch over the DMA's 2^26 - 1 byte limit (float buses): several transfers."""
    limit = (1 << 26) - 1
    n = limit // (N_IN * IN_WORD.itemsize) + 3
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n,) + IN_SHAPE).astype(np.float32)

    def copy_pl(words):
        return np.ascontiguousarray(words[:, np.arange(N_OUT) % N_IN]).astype(OUT_WORD)

    scenario(pl=copy_pl)
    nn = Overlay(bitfile(), x.shape, (n,) + OUT_SHAPE)
    pynq.LOG.clear()
    y = nn.predict(x)
    expected = x.reshape(n, N_IN)[:, np.arange(N_OUT) % N_IN].reshape((n,) + OUT_SHAPE)
    assert np.array_equal(y, expected), "big batch"
    moves = transfers()
    assert len(moves) == 4 and all(m[3] <= limit for m in moves), [m[1:4] for m in moves]
    ok("%d samples (%d bytes > 2^26 - 1) sent in %d transfers: %s"
       % (n, n * N_IN * IN_WORD.itemsize, len(moves) // 2, [m[1:4] for m in moves]))


def check_lite():
    nn = check_constructor_and_buffers()
    assert nn.offsets == {"in": 0x100, "out": 0x200, "ctrl": 0x00}, nn.offsets
    ok("offsets read from the register map: %s" % nn.offsets)
    pynq.LOG.clear()
    check_predict(nn)
    writes = pynq.events("ip_write")
    per_sample = N_IN * IN_WORD.itemsize // 4 + 1
    assert len(writes) == 2 * B * per_sample, len(writes)
    first = writes[:per_sample]
    registers = np.ascontiguousarray(IN_WORDS[0]).view(np.uint32).tolist()
    assert [w[1:] for w in first[:-1]] == [(0x100 + 4 * i, v) for i, v in enumerate(registers)], first
    assert first[-1][1:] == (0x00, 1), first[-1]
    ok("per sample: %d input registers from 0x100, then ap_start" % (per_sample - 1))
    check_decode_once_on_a_copy(nn)
    check_shapes(nn)
    check_profile(nn)
    check_dtype()
    check_timeout("ap_done")
    scenario(registers={})
    expect_raises(RuntimeError, "offsets=", lambda: Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE),
                  "no register map")
    scenario(registers={}, offsets={"ctrl": 0, "in": 0x40, "out": 0x80})
    nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE, offsets={"in": 0x40, "out": 0x80})
    assert same_bits(nn.predict(X), Y)
    ok("offsets given to the constructor")


def check_master():
    nn = check_constructor_and_buffers()
    assert nn.offsets == dict(SPEC["pinned"]), nn.offsets
    ok("pinned offsets without a register map: %s" % nn.offsets)
    pynq.LOG.clear()
    check_predict(nn)
    writes = [w[1:] for w in pynq.events("ip_write")[:6]]
    address_in, address_out = nn.input_buffer.physical_address, nn.output_buffer.physical_address
    p = SPEC["pinned"]
    expected = [(p["in"], address_in & 0xFFFFFFFF), (p["in"] + 4, address_in >> 32),
                (p["out"], address_out & 0xFFFFFFFF), (p["out"] + 4, address_out >> 32), (p["n"], B), (p["ctrl"], 1)]
    assert writes == expected, (writes, expected)
    ok("buffer addresses (64-bit), n and ap_start written: %s" % [(hex(a), hex(v)) for a, v in writes])
    check_decode_once_on_a_copy(nn)
    check_shapes(nn)
    check_growth(nn)
    check_profile(nn)
    check_dtype()
    check_timeout("ap_done")
    moved = {"ctrl": 0x00, "in": 0x18, "out": 0x30, "n": 0x48}
    registers = {"CTRL": register(0), "in_r_1": register(0x18), "in_r_2": register(0x1c), "out_r_1": register(0x30),
                 "out_r_2": register(0x34), "n": register(0x48)}
    scenario(offsets=moved, registers=registers)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn = Overlay(bitfile(), X.shape, (B,) + OUT_SHAPE)
    assert nn.offsets == moved, nn.offsets
    assert any("0x18" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert same_bits(nn.predict(X), Y)
    ok("the register map's offsets are preferred (with a warning)")


def check_alveo():
    nn = check_constructor_and_buffers()
    targets = [e[3] for e in allocations()]
    assert [t.name for t in targets] == ["HBM0", "HBM1"], targets
    ok("buffers in the banks of the kernel's arguments: %s" % targets)
    pynq.LOG.clear()
    check_predict(nn)
    kinds = [e[0] for e in pynq.LOG if e[0] in ("sync_to_device", "kernel_start", "sync_from_device")][:3]
    assert kinds == ["sync_to_device", "kernel_start", "sync_from_device"], kinds
    start = pynq.events("kernel_start")[0]
    assert start[1:] == (nn.input_buffer.physical_address, nn.output_buffer.physical_address, B), start
    ok("sync to the card, kernel (in, out, n), sync back")
    check_decode_once_on_a_copy(nn)
    check_shapes(nn)
    check_growth(nn)
    check_profile(nn)
    check_dtype()
    check_timeout("%s_axi_1" % NAME)


if INTERFACE == "axi_stream":
    check_stream()
elif INTERFACE == "axi_lite":
    check_lite()
elif INTERFACE == "axi_master":
    check_master()
else:
    check_alveo()
print("all checks passed")
