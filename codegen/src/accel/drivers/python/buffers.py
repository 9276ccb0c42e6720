
# ----------------------------------------------------------------------------------------------
# Buffers in memory the accelerator reads and writes
# ----------------------------------------------------------------------------------------------


class _Buffers:
    """The input and output buffers (``input_buffer``, ``output_buffer``): allocated once for the
    constructor's batch, re-allocated for a larger one, reused for a smaller one."""

    def _init_buffers(self, n, targets=(None, None)):
        """The first buffers, for ``n`` samples, in the memories ``targets`` (input, output; None is
        the default memory)."""
        self._targets = targets
        self.input_buffer = self.output_buffer = None
        self._capacity = 0
        self._reserve(n)

    def _reserve(self, n):
        """Buffers for at least ``n`` samples: the ones there are, or new ones when they are too small."""
        if self.input_buffer is not None and n <= self._capacity:
            return
        self._free_buffers()
        self.input_buffer = allocate(shape=(n, INPUT_BUS.values), dtype=INPUT_BUS.word_dtype, target=self._targets[0])
        self.output_buffer = allocate(shape=(n, OUTPUT_BUS.values), dtype=OUTPUT_BUS.word_dtype,
                                      target=self._targets[1])
        self._capacity = n

    def _free_buffers(self):
        """Releases both buffers (when there are any)."""
        for buffer in (self.input_buffer, self.output_buffer):
            free = getattr(buffer, "freebuffer", None) or getattr(buffer, "close", None)
            if free is not None:
                free()
        self.input_buffer = self.output_buffer = None

    def _outputs(self, n):
        """The first ``n`` samples of the output buffer, as a new array (never the device buffer)."""
        return np.array(self.output_buffer[:n], dtype=OUTPUT_BUS.word_dtype, copy=True)
