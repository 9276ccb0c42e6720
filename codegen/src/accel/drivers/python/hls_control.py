
# ----------------------------------------------------------------------------------------------
# The IP's control registers (s_axilite bundle ``control``, block-level protocol ap_ctrl_hs)
# ----------------------------------------------------------------------------------------------

#: ``ap_ctrl`` bits: start, done (cleared when read), idle, ready.
AP_START, AP_DONE, AP_IDLE, AP_READY = 0x1, 0x2, 0x4, 0x8


def _describe_ap_ctrl(value):
    """The set bits of ``ap_ctrl`` in words."""
    names = [name for bit, name in ((AP_START, "ap_start"), (AP_DONE, "ap_done"), (AP_IDLE, "ap_idle"),
                                    (AP_READY, "ap_ready")) if value & bit]
    return "0x%08x (%s)" % (value, ", ".join(names) or "no bit set")


class _HlsControl:
    """Starts the IP and waits for it through its ``ap_ctrl`` register, with a timeout."""

    def __init__(self, ip, name, ctrl_offset):
        self.ip = ip
        self.name = name
        self.ctrl = ctrl_offset

    def wait_idle(self, timeout):
        """Waits until the IP is idle (``ap_idle``), e.g. still finishing a call that timed out."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.ip.read(self.ctrl)
            if value & AP_IDLE:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("%s is busy: ap_idle did not rise within %s s (AP_CTRL = %s); reload the overlay"
                                   % (self.name, timeout, _describe_ap_ctrl(value)))

    def start_and_wait(self, timeout, what):
        """Sets ``ap_start`` and polls ``ap_done`` (cleared by the read that sees it)."""
        self.ip.write(self.ctrl, AP_START)
        deadline = time.monotonic() + timeout
        while True:
            value = self.ip.read(self.ctrl)
            if value & AP_DONE:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("%s did not raise ap_done within %s s for %s: AP_CTRL = %s. Is the bitstream the one "
                                   "this driver was generated with?" % (self.name, timeout, what,
                                                                         _describe_ap_ctrl(value)))
