

class NeuralNetworkOverlay(_Buffers, _Predictor, Overlay):
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
    OVERLAY_PARAMETERS (bitfile, x_shape, y_shape, dtype, dtbo, download, ignore_version, device)
    timeout : float
        Seconds to wait for a batch before giving up.
    offsets : dict, optional
        Byte offsets ``{"ctrl", "in", "out", "n"}`` overriding both the pinned ones and the overlay's.
    """

    def __init__(self, bitfile, x_shape, y_shape, dtype=np.float32, dtbo=None, download=True, ignore_version=False,
                 device=None, timeout=10.0, offsets=None):
        batch = self._load(bitfile, x_shape, y_shape, dtype, timeout, dtbo=dtbo, download=download,
                           ignore_version=ignore_version, device=device)
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
        self._init_buffers(batch)

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
        return self._outputs(n)
