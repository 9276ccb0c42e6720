

class NeuralNetworkOverlay(_Predictor, Overlay):
    """The network on the board, reading and writing the processor's memory itself (axi_master).

    Example::

        nn = NeuralNetworkOverlay("hls4ml_nn.bit", X_test.shape, y_test.shape)
        y_hw, latency, throughput = nn.predict(X_test, profile=True)

    The driver writes the physical addresses of the input and output buffers and the number of
    samples into the IP's control registers, sets ``ap_start`` and polls ``ap_done``: one call runs
    the whole batch. The buffers are allocated once, for ``x_shape[0]`` samples; a larger batch
    re-allocates them. The register offsets are pinned by the project (``PINNED_OFFSETS``); the
    overlay's register map (the ``.hwh``) is preferred when it has them.

    Parameters
    ----------
    bitfile : str
        The bitstream (with its ``.hwh`` beside it, same base name).
    x_shape, y_shape : tuple
        ``(batch,) + INPUT_SHAPE`` and ``(batch,) + OUTPUT_SHAPE``.
    dtype : numpy dtype
        The float type of the predictions.
    dtbo, download, ignore_version, device :
        Passed to ``pynq.Overlay``.
    timeout : float
        Seconds to wait for a batch before giving up.
    offsets : dict, optional
        Byte offsets ``{"ctrl", "in", "out", "n"}`` overriding both the pinned ones and the overlay's.
    """

    def __init__(self, bitfile, x_shape, y_shape, dtype=np.float32, dtbo=None, download=True, ignore_version=False,
                 device=None, timeout=10.0, offsets=None):
        batch, dtype, timeout = self._check_arguments(x_shape, y_shape, dtype, timeout)
        super().__init__(bitfile, dtbo=dtbo, download=download, ignore_version=ignore_version, device=device)
        self.x_shape, self.y_shape, self.dtype, self.timeout = tuple(x_shape), tuple(y_shape), dtype, timeout
        key = _find_ip(self, IP_INSTANCE, "the network's IP")
        description = self.ip_dict[key]
        given = dict(offsets or {})
        self.offsets = {}
        for port, pinned in PINNED_OFFSETS.items():
            found = _register_offset(description, port)
            if port in given:
                self.offsets[port] = int(given[port])
            elif found is not None:
                if found != pinned:
                    warnings.warn("the register map of %s puts `%s` at 0x%x, not at 0x%x where the project pins it: "
                                  "using 0x%x" % (key, port, found, pinned, found))
                self.offsets[port] = found
            else:
                self.offsets[port] = pinned
        self.ip = _driver_of(self, key)
        self._control = _HlsControl(self.ip, key, self.offsets["ctrl"])
        self.input_buffer = self.output_buffer = None
        self._capacity = 0
        self._reserve(batch)

    def _reserve(self, n):
        """Buffers for at least ``n`` samples: the ones there are, or new ones when they are too small."""
        if self.input_buffer is not None and n <= self._capacity:
            return
        self._free_buffers()
        self.input_buffer = allocate(shape=(n, INPUT_BUS.values), dtype=INPUT_BUS.word_dtype)
        self.output_buffer = allocate(shape=(n, OUTPUT_BUS.values), dtype=OUTPUT_BUS.word_dtype)
        self._capacity = n

    def _free_buffers(self):
        for buffer in (self.input_buffer, self.output_buffer):
            free = getattr(buffer, "freebuffer", None) or getattr(buffer, "close", None)
            if free is not None:
                free()
        self.input_buffer = self.output_buffer = None

    def _write_address(self, offset, address):
        """A 64-bit buffer address: low word, then high word (HLS's pointer registers)."""
        self.ip.write(offset, address & 0xFFFFFFFF)
        self.ip.write(offset + 4, (address >> 32) & 0xFFFFFFFF)

    def _run(self, words, debug):
        n = words.shape[0]
        if n > 0xFFFFFFFF:
            raise ValueError("a batch of %d samples does not fit the IP's 32-bit count" % n)
        self._reserve(n)
        self.input_buffer[:n] = words
        self.input_buffer.flush()
        self._control.wait_idle(self.timeout)
        self._write_address(self.offsets["in"], int(self.input_buffer.physical_address))
        self._write_address(self.offsets["out"], int(self.output_buffer.physical_address))
        self.ip.write(self.offsets["n"], n)
        if debug:
            print("Starting %s on %d samples" % (IP_NAME, n))
        self._control.start_and_wait(self.timeout, "a batch of %d samples" % n)
        self.output_buffer.invalidate()
        return np.array(self.output_buffer[:n], dtype=OUTPUT_BUS.word_dtype, copy=True)
