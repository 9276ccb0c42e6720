import math
import re
import time
import warnings

import numpy as np
from pynq import Overlay, allocate

# ----------------------------------------------------------------------------------------------
# Values and the words they travel in
# ----------------------------------------------------------------------------------------------

#: Quantization modes of ``ap_fixed``, in the order of UG1399.
QUANTIZATION_MODES = ("AP_TRN", "AP_TRN_ZERO", "AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV")
#: Overflow modes of ``ap_fixed``, in the order of UG1399.
OVERFLOW_MODES = ("AP_WRAP", "AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM")

_U64 = np.uint64


def _round_up(mode, neg, qb, r, odd):
    """Where rounding adds one LSB: ``qb`` is the first dropped bit, ``r`` whether a later dropped
    bit is set, ``neg`` the sign of the value and ``odd`` the last kept bit (UG1399's modes)."""
    if mode == "AP_TRN":
        return np.zeros_like(qb)
    if mode == "AP_TRN_ZERO":
        return neg & (qb | r)
    if mode == "AP_RND":
        return qb
    if mode == "AP_RND_ZERO":
        return qb & (neg | r)
    if mode == "AP_RND_MIN_INF":
        return qb & r
    if mode == "AP_RND_INF":
        return qb & (~neg | r)
    return qb & (odd | r)  # AP_RND_CONV


class FixedType:
    """An ``ap_fixed<W,I,Q,O,N>``, ``ap_ufixed<...>``, ``ap_int<W>`` or ``ap_uint<W>`` type (W <= 64).

    :meth:`quantize` converts doubles into the type exactly as the Xilinx headers convert a
    ``double`` (the value taken exactly, rounded with the type's quantization mode, fitted with its
    overflow mode; NaN, infinities and subnormals included); :meth:`to_float` gives the values of
    raw bits back.

    >>> t = FixedType(16, 6, quantization="AP_RND", overflow="AP_SAT")
    >>> t.to_float(t.quantize([1.5, -0.2, 100.0])).tolist()
    [1.5, -0.2001953125, 31.9990234375]
    """

    def __init__(self, width, int_bits, signed=True, quantization="AP_TRN", overflow="AP_WRAP", sat_bits=0,
                 integer=False):
        if not 1 <= int(width) <= 64:
            raise ValueError("a bus type is 1 to 64 bits wide, not %d" % width)
        if quantization not in QUANTIZATION_MODES:
            raise ValueError("unknown quantization mode %r; expected one of %s" % (quantization, QUANTIZATION_MODES))
        if overflow not in OVERFLOW_MODES:
            raise ValueError("unknown overflow mode %r; expected one of %s" % (overflow, OVERFLOW_MODES))
        self.width = int(width)
        self.int_bits = int(int_bits)
        self.signed = bool(signed)
        self.quantization = quantization
        self.overflow = overflow
        self.sat_bits = int(sat_bits)
        #: ``ap_int`` / ``ap_uint``: a double is truncated towards zero and wrapped, with no modes.
        self.integer = bool(integer)
        self.frac_bits = self.width - self.int_bits
        #: The value of one least significant bit.
        self.lsb = math.ldexp(1.0, -self.frac_bits) if -self.frac_bits <= 1023 else math.inf
        self._mask = _U64((1 << self.width) - 1)

    def __repr__(self):
        if self.integer:
            return "ap_%sint<%d>" % ("" if self.signed else "u", self.width)
        text = "ap_%sfixed<%d,%d" % ("" if self.signed else "u", self.width, self.int_bits)
        if (self.quantization, self.overflow, self.sat_bits) != ("AP_TRN", "AP_WRAP", 0):
            text += ",%s,%s" % (self.quantization, self.overflow)
            if self.sat_bits:
                text += ",%d" % self.sat_bits
        return text + ">"

    def quantize(self, x):
        """The raw bits of the values ``x`` (any shape) converted to this type: ``uint64``, the
        ``width``-bit two's-complement pattern sign-extended (signed types) to 64 bits."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        bits = x.reshape(-1).view(_U64)
        neg = (bits >> _U64(63)) != 0
        exp = ((bits >> _U64(52)) & _U64(0x7FF)).astype(np.int64) - 1023
        # The mantissa with its implicit one (also for subnormals, infinities and NaN, as the headers read them).
        man = ((bits & _U64((1 << 52) - 1)) | _U64(1 << 52)).astype(np.int64)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.integer:
                pattern = self._int_from_double(man, exp, neg)
            else:
                pattern = self._fixed_from_double(man, exp, neg)
        pattern = np.where((bits << _U64(1)) == 0, _U64(0), pattern)  # +0.0 and -0.0
        if self.signed and self.width < 64:
            sign = _U64(1 << (self.width - 1))
            pattern = np.where((pattern & sign) != 0, pattern | ~self._mask, pattern)
        return pattern.reshape(x.shape)

    def to_float(self, raw):
        """The values (``float64``) of raw bits: the low ``width`` bits of each integer in ``raw``,
        read with the type's signedness, times the LSB."""
        u = np.asarray(raw).astype(_U64) & self._mask
        if self.signed:
            sign = _U64(1 << (self.width - 1))
            values = np.where((u & sign) != 0, u | ~self._mask, u).view(np.int64)
        else:
            values = u
        with np.errstate(over="ignore", invalid="ignore"):
            return values.astype(np.float64) * self.lsb

    def _fixed_from_double(self, man, exp, neg):
        """``ap_fixed`` / ``ap_ufixed``: the double ``(-1)^neg * man * 2^(exp - 52)`` as raw bits."""
        m = np.where(neg, -man, man)
        # The value counted in LSBs of this type is m * 2^(-shift).
        shift = 52 - exp - self.frac_bits
        right = shift > 0
        # shift > 0: drop `shift` bits, rounding with the quantization mode.
        t = m >> np.clip(shift, 1, 63)
        qb = ((m >> np.clip(shift - 1, 0, 63)) & 1) != 0
        below = np.left_shift(np.int64(1), np.clip(shift - 1, 0, 62)) - 1
        r = (shift >= 2) & ((shift >= 64) | ((m & below) != 0))
        q = t + _round_up(self.quantization, neg, qb, r, (t & 1) != 0).astype(np.int64)
        # shift <= 0: exact; only the low `width` bits survive the wrap.
        left = np.where(-shift >= 64, _U64(0), m.view(_U64) << np.clip(-shift, 0, 63).astype(_U64))
        pattern = np.where(right, q.view(_U64), left) & self._mask
        if self.overflow == "AP_WRAP" and self.sat_bits == 0:
            return pattern
        # The exact quantized value as a double: a 54-bit integer times a power of two is exact (or
        # infinite, which compares the same way), so the range checks below are exact.
        exact = np.where(right, q.astype(np.float64),
                         np.ldexp(m.astype(np.float64), np.clip(-shift, 0, 2000).astype(np.int32)))
        if self.signed:
            top = 2.0 ** (self.width - 1)
            over = exact >= top
            under = exact < -top
            if self.overflow == "AP_SAT_SYM":
                under |= neg & (exact == -top)
        else:
            over = exact >= 2.0 ** self.width
            under = exact < 0
        return self._overflow(pattern, over, under)

    def _overflow(self, pattern, over, under):
        """The overflow mode applied where the value is above (``over``) or below (``under``) the range."""
        w = self.width
        hit = over | under
        if self.overflow == "AP_SAT_ZERO":
            return np.where(hit, _U64(0), pattern)
        if self.overflow in ("AP_SAT", "AP_SAT_SYM"):
            if self.signed:
                high, low = (1 << (w - 1)) - 1, 1 << (w - 1)
                if self.overflow == "AP_SAT_SYM":
                    low |= 1
            else:
                high, low = (1 << w) - 1, 0
            return np.where(over, _U64(high), np.where(under, _U64(low), pattern))
        # AP_WRAP with N saturation bits: the wrapped value with its top bits forced, as the headers do.
        n = min(self.sat_bits, w)
        if self.signed:
            sign = _U64(1 << (w - 1))
            forced = np.where(under, pattern | sign, pattern & ~sign)
            if n > 1:
                top = _U64(((1 << (n - 1)) - 1) << (w - n))
                forced = np.where(under, forced & ~top, forced | top)
        else:
            forced = pattern | _U64(((1 << n) - 1) << (w - n))
        return np.where(hit, forced & self._mask, pattern)

    def _int_from_double(self, man, exp, neg):
        """``ap_int`` / ``ap_uint``: truncation towards zero, then wrapping (a negative double of
        magnitude below 0.5 gives +1, as in the headers)."""
        sh = 52 - exp
        right = np.where(sh < 54, man >> np.clip(sh, 0, 63), -neg.astype(np.int64))
        left = np.where(-sh < self.width, man.view(_U64) << np.clip(-sh, 0, 63).astype(_U64), _U64(0))
        v = np.where(sh >= 0, right.view(_U64), left) & self._mask
        return np.where(neg, (~v + _U64(1)) & self._mask, v)


class Bus:
    """One direction of the bus: what a value is (``float``, ``double`` or a fixed type) and the
    word it travels in (raw fixed-point bits sign- or zero-extended to the word, packed
    little-endian, sample after sample)."""

    def __init__(self, ctype, word_dtype, values, fixed=None):
        #: The C++ type on the bus, e.g. ``float`` or ``ap_fixed<14,6>``.
        self.ctype = ctype
        #: The numpy dtype of one word.
        self.word_dtype = np.dtype(word_dtype)
        #: Values per sample.
        self.values = int(values)
        #: The fixed-point type, or None for ``float`` / ``double``.
        self.fixed = fixed
        self.word_bits = self.word_dtype.itemsize * 8
        self.sample_bytes = self.word_dtype.itemsize * self.values

    def encode(self, x):
        """The words carrying the values ``x`` (any shape): a float conversion, or the fixed type's
        own quantization and overflow."""
        if self.fixed is None:
            with np.errstate(over="ignore"):
                return np.asarray(x, dtype=np.float64).astype(self.word_dtype)
        unsigned = np.dtype("u%d" % self.word_dtype.itemsize)
        return self.fixed.quantize(x).astype(unsigned).view(self.word_dtype)

    def decode(self, words):
        """The values (``float64``) carried by ``words``."""
        words = np.asarray(words, dtype=self.word_dtype)
        if self.fixed is None:
            return words.astype(np.float64)
        return self.fixed.to_float(words)


# ----------------------------------------------------------------------------------------------
# Shapes, the overlay's contents, profiling
# ----------------------------------------------------------------------------------------------


def _batch_size(shape, model_shape, name, what):
    """The number of samples a constructor shape describes: ``(n,) + model_shape``, or
    ``model_shape`` itself for one sample."""
    try:
        shape = tuple(int(d) for d in shape)
    except TypeError:
        raise ValueError("%s must be a shape (a tuple of ints), not %r" % (name, shape)) from None
    if shape == model_shape:
        return 1
    if len(shape) == len(model_shape) + 1 and shape[1:] == model_shape and shape[0] >= 1:
        return shape[0]
    raise ValueError("%s = %s does not fit the model: %s[1:] must be the model's %s shape %s, e.g. %s"
                     % (name, shape, name, what, model_shape, (shape[0] if shape else 1,) + model_shape))


def _as_batch(x, model_shape):
    """``x`` as a batch of shape ``(n,) + model_shape``, and whether it was one sample."""
    x = np.asarray(x)
    if x.shape == model_shape:
        return x.reshape((1,) + model_shape), True
    if x.ndim == len(model_shape) + 1 and x.shape[1:] == model_shape:
        if x.shape[0] == 0:
            raise ValueError("X holds no sample")
        return x, False
    raise ValueError("X has shape %s; the model takes samples of shape %s: pass an array of shape (n,) + %s "
                     "or a single sample of shape %s" % (x.shape, model_shape, model_shape, model_shape))


def _find_ip(overlay, name, what):
    """The ``ip_dict`` key of the IP instance ``name``, at the top of the design or in a hierarchy."""
    keys = [k for k in overlay.ip_dict if k == name or k.endswith("/" + name)]
    if len(keys) == 1:
        return keys[0]
    if not keys:
        raise RuntimeError("the overlay has no IP named %s (%s); its IP are: %s"
                           % (name, what, ", ".join(sorted(overlay.ip_dict)) or "none"))
    raise RuntimeError("the overlay has several IP named %s: %s" % (name, ", ".join(sorted(keys))))


def _driver_of(overlay, key):
    """The PYNQ driver object of the IP ``key`` (``hier_0/axi_dma_0`` is ``overlay.hier_0.axi_dma_0``)."""
    obj = overlay
    for part in key.split("/"):
        obj = getattr(obj, part)
    return obj


def _parameter(description, name):
    """An IP parameter from the ``.hwh`` (``ip_dict[...]["parameters"]``), by case-insensitive name;
    None when the overlay does not say."""
    for key, value in (description.get("parameters") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _register_offset(description, port):
    """The offset of an HLS argument's registers in the ``.hwh`` register map, None when absent.

    HLS renames ``in``/``out`` to ``in_r``/``out_r``; a pointer takes registers ``<name>_1`` (low
    word) and ``<name>_2`` (high word), an array is one block: the lowest offset is the one wanted.
    """
    pattern = re.compile(r"(?:memory_)?%s(?:_r)?(?:_(?:\d+|base|data|lo|low))?" % re.escape(port), re.IGNORECASE)
    found = [int(r["address_offset"]) for k, r in (description.get("registers") or {}).items()
             if pattern.fullmatch(k) and isinstance(r, dict) and "address_offset" in r]
    return min(found) if found else None


def _print_profile(n, seconds):
    """Prints and returns the latency of a batch (seconds) and the throughput (samples / s)."""
    rate = n / seconds if seconds > 0 else math.inf
    print("Classified %d samples in %s seconds (%s inferences / s)" % (n, seconds, rate))
    return seconds, rate


class _Predictor:
    """``predict`` shared by the drivers: shape checks, encoding, decoding and profiling around
    the interface's ``_run(words, debug)``, which returns the output words as a new array."""

    def _check_arguments(self, x_shape, y_shape, dtype, timeout):
        batch = _batch_size(x_shape, INPUT_SHAPE, "x_shape", "input")
        if _batch_size(y_shape, OUTPUT_SHAPE, "y_shape", "output") != batch:
            raise ValueError("x_shape %s and y_shape %s hold different numbers of samples"
                             % (tuple(x_shape), tuple(y_shape)))
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise ValueError("dtype is the type of the predictions and must be a float type, not %s; the words on "
                             "the bus (%s, %s) are converted by this driver (pass decode=lambda words: words to get "
                             "them raw)" % (dtype, OUTPUT_BUS.ctype, OUTPUT_BUS.word_dtype))
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds, not %r" % (timeout,))
        return batch, dtype, float(timeout)

    def _load(self, bitfile, x_shape, y_shape, dtype, timeout, **overlay_args):
        """Checks the constructor's arguments, then loads the overlay (``pynq.Overlay`` with
        ``overlay_args``) and keeps the shapes, ``dtype`` and ``timeout``; the batch size of ``x_shape``."""
        batch, dtype, timeout = self._check_arguments(x_shape, y_shape, dtype, timeout)
        super().__init__(bitfile, **overlay_args)
        self.x_shape, self.y_shape, self.dtype, self.timeout = tuple(x_shape), tuple(y_shape), dtype, timeout
        return batch

    def predict(self, X, debug=False, profile=False, encode=None, decode=None):
        """Runs the network on the accelerator.

        Parameters
        ----------
        X : array_like
            A batch of shape ``(n,) + INPUT_SHAPE``, or one sample of shape ``INPUT_SHAPE``.
        debug : bool
            Print each step.
        profile : bool
            Also return the wall time of the call in seconds and the throughput in samples per second.
        encode : callable, optional
            Replaces the built-in conversion of the values to bus words: ``encode(X)`` returns the
            words (castable to the bus word dtype) of the batch.
        decode : callable, optional
            Replaces the built-in conversion of the bus words to values: ``decode(words)`` gets a
            copy of the output words, shaped ``(n,) + OUTPUT_SHAPE``, and its result is returned.

        Returns
        -------
        y, or (y, latency, throughput) when ``profile`` is set. ``y`` is a new array (never a
        device buffer) of shape ``(n,) + OUTPUT_SHAPE`` (``OUTPUT_SHAPE`` for one sample) and of the
        constructor's ``dtype``.
        """
        start = time.perf_counter()
        x, single = _as_batch(X, INPUT_SHAPE)
        n = x.shape[0]
        if encode is None:
            words = INPUT_BUS.encode(x).reshape(n, INPUT_BUS.values)
        else:
            words = np.asarray(encode(x))
            if words.size != n * INPUT_BUS.values:
                raise ValueError("encode returned %d words for %d samples of %d values"
                                 % (words.size, n, INPUT_BUS.values))
            if not np.can_cast(words.dtype, INPUT_BUS.word_dtype, "same_kind"):
                raise TypeError("encode returned %s words; the bus carries %s words (%s)"
                                % (words.dtype, INPUT_BUS.word_dtype, INPUT_BUS.ctype))
            words = words.reshape(n, INPUT_BUS.values).astype(INPUT_BUS.word_dtype)
        if debug:
            print("Encoded %d samples into %s words" % (n, INPUT_BUS.word_dtype))
        out = self._run(words, debug)
        out = out.reshape(OUTPUT_SHAPE if single else (n,) + OUTPUT_SHAPE)
        if decode is None:
            y = OUTPUT_BUS.decode(out).astype(self.dtype)
        else:
            y = decode(out)
        if debug:
            print("Decoded %d samples" % n)
        if profile:
            latency, throughput = _print_profile(n, time.perf_counter() - start)
            return y, latency, throughput
        return y
