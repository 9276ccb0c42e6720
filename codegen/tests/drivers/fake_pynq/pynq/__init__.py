"""A stand-in for PYNQ, for testing the generated drivers on a machine with no board.

It records every call a driver makes (``LOG``) and behaves like the hardware behind PYNQ's API:

* ``allocate`` returns numpy-backed buffers with a physical address. Each buffer has a host side
  (the array) and a device side (what the PL sees): ``flush``/``sync_to_device`` copy host to
  device, ``invalidate``/``sync_from_device`` device to host, so a driver that forgets one reads or
  sends stale data.
* ``Overlay`` builds its ``ip_dict`` and IP objects from ``SCENARIO`` (set by the test): an AXI DMA
  in simple mode (PG021 status bits, S2MM_LENGTH read back, the transfer size limit), an HLS IP
  with ``ap_ctrl`` and registers (axi_lite, axi_master), an Alveo kernel with memory banks.
* The PL itself is ``SCENARIO["pl"]``: a function from a batch of input words (samples x values) to
  output words. ``SCENARIO["mode"]`` makes it misbehave: ``"hang"`` (never finishes), ``"short"``
  (one sample fewer on the output stream), ``"decerr"`` (the DMA reports a decode error).
"""

import numpy as np

#: What the driver did, in order: tuples whose first item names the event.
LOG = []
#: The hardware the next Overlay sees.
SCENARIO = {}
#: Allocated buffers by physical address.
_BUFFERS = {}
_NEXT_ADDRESS = [0x1_2340_0000]


def reset(scenario):
    """Forgets everything and sets the hardware of the next overlay."""
    LOG.clear()
    SCENARIO.clear()
    SCENARIO.update(scenario)
    _BUFFERS.clear()


def events(kind):
    """The logged events of one kind."""
    return [e for e in LOG if e[0] == kind]


# ------------------------------------------------------------------------------------------------
# Memory
# ------------------------------------------------------------------------------------------------


class PynqBuffer(np.ndarray):
    """A contiguous buffer: the array is the processor's view, ``_device`` the memory the PL sees."""

    def __array_finalize__(self, obj):
        self._root = getattr(obj, "_root", None)

    def _range(self):
        root = self._root
        offset = self.__array_interface__["data"][0] - root.__array_interface__["data"][0]
        return root, offset, self.nbytes

    def _host_bytes(self):
        root = self._root
        return np.asarray(root).view(np.ndarray).reshape(-1).view(np.uint8)

    @property
    def physical_address(self):
        root, offset, _ = self._range()
        return root._address + offset

    device_address = physical_address

    def _copy(self, event, to_device):
        root, offset, nbytes = self._range()
        if root._freed:
            raise RuntimeError("fake pynq: %s on a freed buffer" % event)
        host = self._host_bytes()
        if to_device:
            root._device[offset:offset + nbytes] = host[offset:offset + nbytes]
        else:
            host[offset:offset + nbytes] = root._device[offset:offset + nbytes]
        LOG.append((event, root._address, offset, nbytes))

    def flush(self):
        self._copy("flush", True)

    def invalidate(self):
        self._copy("invalidate", False)

    def sync_to_device(self):
        self._copy("sync_to_device", True)

    def sync_from_device(self):
        self._copy("sync_from_device", False)

    def freebuffer(self):
        root = self._root
        LOG.append(("free", root._address))
        root._freed = True
        _BUFFERS.pop(root._address, None)

    close = freebuffer


def allocate(shape, dtype="u4", target=None, **kwargs):
    """A zeroed buffer with a page-aligned physical address (above 4 GiB, to catch lost high words)."""
    buffer = np.zeros(shape, dtype=dtype).view(PynqBuffer)
    buffer._root = buffer
    buffer._address = _NEXT_ADDRESS[0]
    buffer._device = np.zeros(buffer.nbytes, dtype=np.uint8)
    buffer._freed = False
    _NEXT_ADDRESS[0] += (buffer.nbytes + 0xFFFF) & ~0xFFF
    _BUFFERS[buffer._address] = buffer
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    LOG.append(("allocate", shape, np.dtype(dtype).name, target, buffer._address))
    return buffer


def _device_bytes(address, nbytes):
    """The device memory at a physical address (inside one allocated buffer)."""
    for base, buffer in _BUFFERS.items():
        if base <= address and address + nbytes <= base + buffer.nbytes:
            return buffer._device[address - base:address - base + nbytes]
    raise AssertionError("fake pynq: the PL accessed 0x%x..+%d, outside every allocated buffer" % (address, nbytes))


def _run_pl(in_words):
    """The PL's output words for a batch of input words."""
    out = np.asarray(SCENARIO["pl"](in_words), dtype=SCENARIO["out_word"])
    assert out.shape == (in_words.shape[0], SCENARIO["n_out"]), out.shape
    return out


# ------------------------------------------------------------------------------------------------
# The AXI DMA (simple mode)
# ------------------------------------------------------------------------------------------------

HALTED, IDLE, INT_ERR, DEC_ERR = 0x1, 0x2, 0x10, 0x40


class _Channel:
    def __init__(self, dma, name, offset, align):
        self.dma = dma
        self.align = align
        self.name = name
        self._offset = offset
        self.cr = 0
        self.sr = HALTED
        self.armed = None
        self.start()

    @property
    def running(self):
        return not self.sr & HALTED

    @property
    def idle(self):
        return bool(self.sr & IDLE)

    def start(self):
        LOG.append(("dma_start", self.name))
        self.cr |= 1
        self.sr &= ~HALTED
        self.first = True

    def transfer(self, array, start=0, nbytes=0):
        if not self.running:
            raise RuntimeError("DMA channel not started")
        if not self.idle and not self.first:
            raise RuntimeError("DMA channel not idle")
        if nbytes == 0:
            nbytes = array.nbytes - start
        if nbytes > self.dma.buffer_max_size:
            raise ValueError("Transfer size is %d bytes, which exceeds the maximum DMA buffer size %d."
                             % (nbytes, self.dma.buffer_max_size))
        if (array.physical_address + start) % self.align:
            raise RuntimeError("DMA does not support unaligned transfers; the %s start must be aligned to %d bytes"
                               % (self.name, self.align))
        if self.name == "send":
            array.flush()  # as PYNQ's send channel does
        LOG.append(("transfer", self.name, start, nbytes, array.physical_address))
        self.first = False
        self.sr &= ~IDLE
        self.armed = (array.physical_address + start, nbytes)
        self.dma.progress()

    def wait(self):
        LOG.append(("blocking_wait", self.name))
        if not self.idle:
            raise AssertionError("fake pynq: blocking wait() on the %s channel, which never finishes" % self.name)


class _DmaMmio:
    def __init__(self, dma):
        self.dma = dma

    def read(self, offset, length=4):
        d = self.dma
        value = {0x00: d.sendchannel.cr, 0x04: d.sendchannel.sr, 0x30: d.recvchannel.cr, 0x34: d.recvchannel.sr,
                 0x58: d.received}.get(offset)
        if value is None:
            raise AssertionError("fake pynq: read of DMA register 0x%x" % offset)
        return value

    def write(self, offset, value):
        LOG.append(("dma_write", offset, value))
        d = self.dma
        if offset in (0x00, 0x30) and value & 0x4:
            for channel in (d.sendchannel, d.recvchannel):
                channel.cr, channel.sr, channel.armed = 0, HALTED, None
            return
        if offset in (0x04, 0x34):
            channel = d.sendchannel if offset == 0x04 else d.recvchannel
            channel.sr &= ~(value & 0x7000)
            return
        raise AssertionError("fake pynq: write of 0x%x to DMA register 0x%x" % (value, offset))


class _FakeDma:
    """``hier_0/axi_dma_0``: both channels, the IP between them."""

    def __init__(self, description):
        params = description["parameters"]
        self.buffer_max_size = (1 << int(params["C_SG_LENGTH_WIDTH"])) - 1
        self.received = 0
        self.mmio = _DmaMmio(self)
        self.sendchannel = _Channel(self, "send", 0x00, int(params["C_M_AXI_MM2S_DATA_WIDTH"]) // 8)
        self.recvchannel = _Channel(self, "recv", 0x30, int(params["C_M_AXI_S2MM_DATA_WIDTH"]) // 8)

    def progress(self):
        send, recv = self.sendchannel, self.recvchannel
        if send.armed is None or recv.armed is None:
            return
        mode = SCENARIO.get("mode")
        if mode == "hang":
            return
        (src, in_bytes), (dst, out_bytes) = send.armed, recv.armed
        in_word = np.dtype(SCENARIO["in_word"])
        words = _device_bytes(src, in_bytes).view(in_word)
        n = words.size // SCENARIO["n_in"]
        assert words.size == n * SCENARIO["n_in"], "fake pynq: a transfer of part of a sample"
        out = _run_pl(words.reshape(n, SCENARIO["n_in"]))
        if mode == "short":
            out = out[:-1]
        data = out.reshape(-1).view(np.uint8)
        send.armed = recv.armed = None
        send.sr |= IDLE
        if mode == "decerr":
            recv.sr |= DEC_ERR | HALTED
            return
        if data.size > out_bytes:
            recv.sr |= INT_ERR | HALTED
            return
        _device_bytes(dst, data.size)[:] = data
        self.received = data.size
        recv.sr |= IDLE


# ------------------------------------------------------------------------------------------------
# An HLS IP with ap_ctrl (axi_lite, axi_master) and an Alveo kernel
# ------------------------------------------------------------------------------------------------

AP_START, AP_DONE, AP_IDLE = 0x1, 0x2, 0x4


class _FakeHlsIp:
    """The network's IP: registers at the hardware's offsets (``SCENARIO["offsets"]``)."""

    def __init__(self, description):
        self.regs = {}
        self.ctrl = AP_IDLE
        self.busy_reads = 0
        self.offsets = SCENARIO.get("offsets", {})
        self.mmio = self

    def read(self, offset=0, length=4):
        if offset == self.offsets["ctrl"]:
            if self.busy_reads > 0:
                self.busy_reads -= 1
                if self.busy_reads == 0:
                    self.finish()
            value = self.ctrl
            self.ctrl &= ~AP_DONE  # clear on read
            return value
        return self.regs.get(offset, 0)

    def write(self, offset, value):
        value = int(value)
        assert 0 <= value <= 0xFFFFFFFF, "fake pynq: a register write of %r" % value
        LOG.append(("ip_write", offset, value))
        if offset == self.offsets["ctrl"]:
            if value & AP_START:
                self.start()
            return
        self.regs[offset] = value

    def start(self):
        assert self.ctrl & AP_IDLE, "fake pynq: ap_start while the IP is busy"
        self.ctrl = 0  # running: neither idle nor done, for a few reads of ap_ctrl
        self.busy_reads = 0 if SCENARIO.get("mode") == "hang" else 3

    def finish(self):
        if SCENARIO["interface"] == "axi_lite":
            self.run_lite()
        else:
            self.run_master()
        self.ctrl = AP_DONE | AP_IDLE

    def _registers(self, base, words, dtype):
        count = words * np.dtype(dtype).itemsize // 4
        return np.array([self.regs.get(base + 4 * i, 0) for i in range(count)], dtype=np.uint32)

    def run_lite(self):
        n_in, n_out = SCENARIO["n_in"], SCENARIO["n_out"]
        words = self._registers(self.offsets["in"], n_in, SCENARIO["in_word"]).view(SCENARIO["in_word"])
        out = _run_pl(words.reshape(1, n_in)).reshape(-1)
        for i, value in enumerate(np.ascontiguousarray(out).view(np.uint32).tolist()):
            self.regs[self.offsets["out"] + 4 * i] = value

    def run_master(self):
        regs, o = self.regs, self.offsets
        src = regs.get(o["in"], 0) | regs.get(o["in"] + 4, 0) << 32
        dst = regs.get(o["out"], 0) | regs.get(o["out"] + 4, 0) << 32
        n = regs.get(o["n"], 0)
        n_in, n_out = SCENARIO["n_in"], SCENARIO["n_out"]
        in_word, out_word = np.dtype(SCENARIO["in_word"]), np.dtype(SCENARIO["out_word"])
        words = _device_bytes(src, n * n_in * in_word.itemsize).view(in_word).reshape(n, n_in)
        out = _run_pl(words)
        _device_bytes(dst, n * n_out * out_word.itemsize)[:] = out.reshape(-1).view(np.uint8)


class _Handle:
    def __init__(self, done):
        self._done = done

    @property
    def done(self):
        return self._done

    def wait(self):
        LOG.append(("handle_wait",))
        if not self._done:
            raise AssertionError("fake pynq: blocking wait on a kernel run that never finishes")


class _FakeKernel:
    """An Alveo compute unit running ``(in, out, n)`` on device memory."""

    def __init__(self, description):
        pass

    def start(self, in_buffer, out_buffer, n, **kwargs):
        LOG.append(("kernel_start", in_buffer.physical_address, out_buffer.physical_address, n))
        if SCENARIO.get("mode") == "hang":
            return _Handle(False)
        n_in, n_out = SCENARIO["n_in"], SCENARIO["n_out"]
        in_word, out_word = np.dtype(SCENARIO["in_word"]), np.dtype(SCENARIO["out_word"])
        words = _device_bytes(in_buffer.physical_address, n * n_in * in_word.itemsize).view(in_word)
        out = _run_pl(words.reshape(n, n_in))
        _device_bytes(out_buffer.physical_address, n * n_out * out_word.itemsize)[:] = out.reshape(-1).view(np.uint8)
        return _Handle(True)

    def call(self, *args, **kwargs):
        self.start(*args, **kwargs).wait()


class Memory:
    """A memory bank of an Alveo card (``ol.HBM0``, ``ol.bank1``)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Memory(%s)" % self.name


# ------------------------------------------------------------------------------------------------
# The overlay
# ------------------------------------------------------------------------------------------------


class _Hierarchy:
    def __init__(self, children):
        self.__dict__.update(children)


class Overlay:
    """Builds ``ip_dict`` and the IP drivers from ``SCENARIO``."""

    def __init__(self, bitfile_name, dtbo=None, download=True, ignore_version=False, device=None):
        LOG.append(("Overlay", bitfile_name, dtbo, download, ignore_version, device))
        self.ip_dict = {k: dict(v) for k, v in SCENARIO["ip_dict"].items()}
        tree = {}
        for key, description in self.ip_dict.items():
            kind = description["type"]
            if "axi_dma" in kind:
                driver = _FakeDma(description)
            elif SCENARIO["interface"] == "alveo":
                driver = _FakeKernel(description)
            else:
                driver = _FakeHlsIp(description)
            node = tree
            *path, leaf = key.split("/")
            for part in path:
                node = node.setdefault(part, {})
            node[leaf] = driver
        self._tree = tree
        for name in SCENARIO.get("memories", ()):
            tree[name] = Memory(name)

    def __getattr__(self, name):
        tree = self.__dict__.get("_tree", {})
        if name not in tree:
            raise AttributeError("fake overlay has no attribute %r" % name)
        node = tree[name]
        return _Hierarchy(node) if isinstance(node, dict) else node

    def free(self):
        LOG.append(("free_overlay",))
