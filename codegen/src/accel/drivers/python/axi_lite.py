

class NeuralNetworkOverlay(_Predictor, Overlay):
    """The network on the board, fed register by register (axi_lite).

    Example::

        nn = NeuralNetworkOverlay("hls4ml_nn.bit", X_test.shape, y_test.shape)
        y_hw, latency, throughput = nn.predict(X_test, profile=True)

    For each sample the driver writes the input words into the IP's ``in`` registers (one 32-bit
    register per value; a 64-bit word takes two, low half first), sets ``ap_start``, polls
    ``ap_done`` and reads the ``out`` registers. HLS chooses the registers' offsets at synthesis:
    they are read from the overlay's register map (the ``.hwh``), or given as ``offsets``.

    Parameters
    ----------
    OVERLAY_PARAMETERS (bitfile, x_shape, y_shape, dtype, dtbo, download, ignore_version, device)
    timeout : float
        Seconds to wait for one sample before giving up.
    offsets : dict, optional
        ``{"in": ..., "out": ...}`` byte offsets of the arrays in the IP's register block, when the
        overlay has no register map (they are the ``X..._CONTROL_ADDR_IN_R_BASE`` / ``..._OUT_R_BASE``
        macros of the HLS-generated ``x<ip>_hw.h``).
    """

    def __init__(self, bitfile, x_shape, y_shape, dtype=np.float32, dtbo=None, download=True, ignore_version=False,
                 device=None, timeout=1.0, offsets=None):
        batch = self._load(bitfile, x_shape, y_shape, dtype, timeout, dtbo=dtbo, download=download,
                           ignore_version=ignore_version, device=device)
        key = _find_ip(self, IP_INSTANCE, "the network's IP")
        description = self.ip_dict[key]
        given = dict(offsets or {})
        self.offsets = {}
        for port in ("in", "out"):
            offset = given.get(port, _register_offset(description, port))
            if offset is None:
                raise RuntimeError("the register map of %s has no `%s` array (HLS names it %s_r): is the .hwh beside "
                                   "the bitstream? Otherwise pass offsets={'in': ..., 'out': ...} from the "
                                   "HLS-generated x%s_hw.h" % (key, port, port, IP_NAME.lower()))
            self.offsets[port] = int(offset)
        ctrl = _register_offset(description, "ctrl")
        self.offsets["ctrl"] = int(given.get("ctrl", ctrl if ctrl is not None else CTRL_OFFSET))
        self.ip = _driver_of(self, key)
        self._control = _HlsControl(self.ip, key, self.offsets["ctrl"])
        self._batch = batch

    def _run(self, words, debug):
        n = words.shape[0]
        registers_in = np.ascontiguousarray(words).view(np.uint32).reshape(n, -1)
        out = np.empty((n, OUTPUT_BUS.values), dtype=OUTPUT_BUS.word_dtype)
        registers_out = out.view(np.uint32).reshape(n, -1)
        base_in, base_out = self.offsets["in"], self.offsets["out"]
        for i in range(n):
            self._control.wait_idle(self.timeout)
            for j, value in enumerate(registers_in[i].tolist()):
                self.ip.write(base_in + 4 * j, value)
            self._control.start_and_wait(self.timeout, "sample %d" % i)
            for j in range(registers_out.shape[1]):
                registers_out[i, j] = self.ip.read(base_out + 4 * j)
            if debug:
                print("Sample %d done" % i)
        return out
