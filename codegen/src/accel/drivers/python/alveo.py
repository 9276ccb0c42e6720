

class NeuralNetworkOverlay(_Buffers, _Predictor, Overlay):
    """The network on an Alveo card, through PYNQ's XRT support (axi_master kernel).

    Example::

        nn = NeuralNetworkOverlay("hls4ml_nn.xclbin", X_test.shape, y_test.shape)
        y_hw, latency, throughput = nn.predict(X_test, profile=True)

    The buffers are allocated once, for ``x_shape[0]`` samples, in the memory banks the kernel's
    arguments are connected to; a larger batch re-allocates them. Each call syncs the input to the
    card, runs the kernel ``<P>_axi_1(in, out, n)`` on the whole batch and syncs the output back.
    The overlay stays loaded (``free_overlay()`` releases it).

    Parameters
    ----------
    OVERLAY_PARAMETERS (bitfile, x_shape, y_shape, dtype, dtbo, download, ignore_version, device)
    timeout : float
        Seconds to wait for a batch before giving up.
    """

    def __init__(self, bitfile, x_shape, y_shape, dtype=np.float32, dtbo=None, download=True, ignore_version=False,
                 device=None, timeout=10.0):
        batch = self._load(bitfile, x_shape, y_shape, dtype, timeout, dtbo=dtbo, download=download,
                           ignore_version=ignore_version, device=device)
        if KERNEL_INSTANCE in self.ip_dict:
            key = KERNEL_INSTANCE
        else:
            units = sorted(k for k in self.ip_dict if k.startswith(IP_NAME + "_"))
            if len(units) != 1:
                raise RuntimeError("the xclbin has no compute unit %s of the kernel %s; its IP are: %s"
                                   % (KERNEL_INSTANCE, IP_NAME, ", ".join(sorted(self.ip_dict)) or "none"))
            key = units[0]
        self.kernel_name = key
        self.kernel = _driver_of(self, key)
        description = self.ip_dict[key]
        self._init_buffers(batch, (self._bank(description, "in"), self._bank(description, "out")))

    def _bank(self, description, port):
        """The memory bank the kernel argument ``port`` is connected to (PYNQ names ``HBM[0]`` ``HBM0``),
        or None for the card's default memory."""
        for name in (port, port + "_r"):
            register = (description.get("registers") or {}).get(name)
            if isinstance(register, dict) and register.get("memory"):
                try:
                    return getattr(self, re.sub("[^A-Za-z0-9]", "", register["memory"]))
                except AttributeError:
                    return None
        return None

    def _run(self, words, debug):
        n = words.shape[0]
        if n > 0xFFFFFFFF:
            raise ValueError("a batch of %d samples does not fit the kernel's 32-bit count" % n)
        self._reserve(n)
        self.input_buffer[:n] = words
        self.input_buffer[:n].sync_to_device()
        if debug:
            print("Input synced to the card; starting %s on %d samples" % (self.kernel_name, n))
        handle = self.kernel.start(self.input_buffer, self.output_buffer, n)
        self._wait(handle, n)
        self.output_buffer[:n].sync_from_device()
        if debug:
            print("Output synced from the card")
        return self._outputs(n)

    def _wait(self, handle, n):
        """Waits for the kernel run, with the timeout when the handle can be polled."""
        if not hasattr(handle, "done"):
            handle.wait()
            return
        deadline = time.monotonic() + self.timeout
        while not handle.done:
            if time.monotonic() > deadline:
                raise TimeoutError("kernel %s did not finish a batch of %d samples within %s s"
                                   % (self.kernel_name, n, self.timeout))
        handle.wait()

    def free_overlay(self):
        """Frees the buffers and the overlay (XRT needs both released before the card is reprogrammed)."""
        self._free_buffers()
        self.free()
