
# ----------------------------------------------------------------------------------------------
# The AXI DMA (PG021, simple mode) between the processor's memory and the IP's streams
# ----------------------------------------------------------------------------------------------

#: Register offsets in the DMA's block.
MM2S_DMACR, MM2S_DMASR, S2MM_DMACR, S2MM_DMASR, S2MM_LENGTH = 0x00, 0x04, 0x30, 0x34, 0x58
#: DMACR bits.
DMACR_RESET = 0x4
#: DMASR bits.
DMASR_HALTED, DMASR_IDLE, DMASR_ERRORS = 0x1, 0x2, 0x70
_DMASR_BITS = ((0x1, "Halted"), (0x2, "Idle"), (0x8, "SGIncld"), (0x10, "DMAIntErr"), (0x20, "DMASlvErr"),
               (0x40, "DMADecErr"), (0x1000, "IOC_Irq"), (0x2000, "Dly_Irq"), (0x4000, "Err_Irq"))


def _describe_dmasr(value):
    """A DMASR value and its set bits, in PG021's names."""
    names = [name for bit, name in _DMASR_BITS if value & bit]
    return "0x%08x (%s)" % (value, ", ".join(names) or "running, not idle")


def _dma_error(channel, register, value):
    """What a DMASR error bit means (PG021)."""
    causes = []
    if value & 0x10:
        causes.append("DMAIntErr: a transfer length of 0, or a stream packet longer than the programmed length")
    if value & 0x20:
        causes.append("DMASlvErr: the memory refused an access")
    if value & 0x40:
        causes.append("DMADecErr: the buffer address decodes to no memory")
    return RuntimeError("AXI DMA %s stopped with an error: %s = %s: %s. Call reset_dma() before the next transfer."
                        % (channel, register, _describe_dmasr(value), "; ".join(causes)))


def _samples_per_transfer(limit, in_bytes, out_bytes, in_align, out_align):
    """Whole samples per DMA transfer: at most ``limit`` bytes each way, and a multiple of the
    samples that keep every transfer's start aligned to its channel's memory-map width (the DMA has
    no realignment engine)."""
    step_in = in_align // math.gcd(in_bytes, in_align)
    step_out = out_align // math.gcd(out_bytes, out_align)
    step = step_in * step_out // math.gcd(step_in, step_out)
    per = limit // max(in_bytes, out_bytes)
    per -= per % step
    if per == 0:
        raise RuntimeError("a DMA transfer of at most %d bytes cannot hold %d samples of %d input bytes and %d output "
                           "bytes (the fewest that keep transfers aligned)" % (limit, step, in_bytes, out_bytes))
    return per


class NeuralNetworkOverlay(_Buffers, _Predictor, Overlay):
    """The network on the board, fed through the AXI DMA ``hier_0/axi_dma_0`` (axi_stream).

    Example::

        nn = NeuralNetworkOverlay("hls4ml_nn.bit", X_test.shape, y_test.shape)
        y_hw, latency, throughput = nn.predict(X_test, profile=True)

    The bitstream is programmed (unless ``download=False``) and the DMA buffers are allocated once,
    for ``x_shape[0]`` samples; a larger batch re-allocates them, a smaller one reuses them. A batch
    larger than one DMA transfer allows (``2^c_sg_length_width - 1`` bytes) is sent in several.

    Parameters
    ----------
    OVERLAY_PARAMETERS (bitfile, x_shape, y_shape, dtype, dtbo, download, ignore_version, device)
    timeout : float
        Seconds to wait for a transfer before giving up.
    """

    def __init__(self, bitfile, x_shape, y_shape, dtype=np.float32, dtbo=None, download=True, ignore_version=False,
                 device=None, timeout=10.0):
        batch = self._load(bitfile, x_shape, y_shape, dtype, timeout, dtbo=dtbo, download=download,
                           ignore_version=ignore_version, device=device)
        key = DMA_INSTANCE if DMA_INSTANCE in self.ip_dict else _find_ip(self, DMA_INSTANCE.split("/")[-1], "AXI DMA")
        description = self.ip_dict[key]
        self._check_dma(key, description)
        self.dma = _driver_of(self, key)
        self.sendchannel = self.dma.sendchannel
        self.recvchannel = self.dma.recvchannel
        width = _parameter(description, "c_sg_length_width")
        self.max_transfer = (1 << int(width)) - 1 if width is not None else MAX_TRANSFER_BYTES
        in_align = int(_parameter(description, "c_m_axi_mm2s_data_width") or MM2S_MEMORY_BITS) // 8
        out_align = int(_parameter(description, "c_m_axi_s2mm_data_width") or S2MM_MEMORY_BITS) // 8
        self._per_transfer = _samples_per_transfer(self.max_transfer, INPUT_BUS.sample_bytes,
                                                   OUTPUT_BUS.sample_bytes, in_align, out_align)
        self._init_buffers(batch)

    @staticmethod
    def _check_dma(key, description):
        """Refuses a DMA whose stream widths or mode differ from what this driver was generated for."""
        problems = []
        for name, bus, what in (("c_m_axis_mm2s_tdata_width", INPUT_BUS, "input stream (MM2S)"),
                                ("c_s_axis_s2mm_tdata_width", OUTPUT_BUS, "output stream (S2MM)")):
            have = _parameter(description, name)
            if have is not None and int(have) != bus.word_bits:
                problems.append("%s: the bitstream's DMA is %s bits wide (%s) but this driver moves %d-bit words (%s)"
                                % (what, have, name.upper(), bus.word_bits, bus.ctype))
        sg = _parameter(description, "c_include_sg")
        if sg is not None and int(sg) != 0:
            problems.append("the DMA includes scatter-gather (C_INCLUDE_SG = %s); this driver needs simple mode" % sg)
        if problems:
            raise RuntimeError("%s does not match this driver:\n  %s\nRegenerate the bitstream and the driver from the "
                               "same project." % (key, "\n  ".join(problems)))

    def _run(self, words, debug):
        n = words.shape[0]
        self._reserve(n)
        self.input_buffer[:n] = words
        self.input_buffer.flush()
        for first in range(0, n, self._per_transfer):
            count = min(self._per_transfer, n - first)
            self._transfer(first, count, debug)
        self.output_buffer.invalidate()
        return self._outputs(n)

    def _transfer(self, first, count, debug):
        """Samples ``first .. first + count`` through the IP: the receive channel is started first, so
        no output word can arrive before there is room for it."""
        out_bytes = count * OUTPUT_BUS.sample_bytes
        self.recvchannel.transfer(self.output_buffer, start=first * OUTPUT_BUS.sample_bytes, nbytes=out_bytes)
        self.sendchannel.transfer(self.input_buffer, start=first * INPUT_BUS.sample_bytes,
                                  nbytes=count * INPUT_BUS.sample_bytes)
        if debug:
            print("Transfer of samples %d..%d started" % (first, first + count))
        self._wait(count)
        received = self.dma.mmio.read(S2MM_LENGTH)
        if received != out_bytes:
            raise RuntimeError("AXI DMA recvchannel (S2MM) received %d bytes (S2MM_LENGTH) where %d samples make %d: "
                               "the IP ended its output packet (TLAST) early" % (received, count, out_bytes))
        if debug:
            print("Samples %d..%d received" % (first, first + count))

    def _wait(self, count):
        """Polls both channels' DMASR until they are idle, an error bit is set, or the timeout passes."""
        deadline = time.monotonic() + self.timeout
        while True:
            mm2s = self.dma.mmio.read(MM2S_DMASR)
            s2mm = self.dma.mmio.read(S2MM_DMASR)
            if mm2s & DMASR_ERRORS:
                raise _dma_error("sendchannel (MM2S)", "MM2S_DMASR", mm2s)
            if s2mm & DMASR_ERRORS:
                raise _dma_error("recvchannel (S2MM)", "S2MM_DMASR", s2mm)
            if mm2s & s2mm & DMASR_IDLE:
                return
            if time.monotonic() > deadline:
                busy = [name for name, value in (("sendchannel (MM2S)", mm2s), ("recvchannel (S2MM)", s2mm))
                        if not value & DMASR_IDLE]
                raise TimeoutError(
                    "AXI DMA %s did not finish within %s s (%d samples): MM2S_DMASR = %s, S2MM_DMASR = %s. The IP "
                    "consumes %d words (%s) and produces %d words (%s) per sample; a bitstream built for other "
                    "widths or sizes hangs the DMA. Call reset_dma() before the next transfer."
                    % (" and ".join(busy), self.timeout, count, _describe_dmasr(mm2s), _describe_dmasr(s2mm),
                       INPUT_BUS.values, INPUT_BUS.ctype, OUTPUT_BUS.values, OUTPUT_BUS.ctype))

    def reset_dma(self):
        """Resets the DMA (both channels: PG021 resets the whole core from either) and starts its channels again."""
        self.dma.mmio.write(MM2S_DMACR, DMACR_RESET)
        deadline = time.monotonic() + self.timeout
        while self.dma.mmio.read(MM2S_DMACR) & DMACR_RESET:
            if time.monotonic() > deadline:
                raise TimeoutError("AXI DMA reset did not complete within %s s (MM2S_DMACR = 0x%08x)"
                                   % (self.timeout, self.dma.mmio.read(MM2S_DMACR)))
        self.sendchannel.start()
        self.recvchannel.start()
