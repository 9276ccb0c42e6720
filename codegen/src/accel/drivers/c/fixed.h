
/* ---------------------------------------------------------------------------------------------
 * Fixed-point words: doubles to the raw bits of an ap_fixed / ap_ufixed / ap_int / ap_uint type
 * (at most 64 bits wide) and back, exactly as the Xilinx headers convert a double: the value
 * taken exactly, rounded with the type's quantization mode, fitted with its overflow mode.
 * ------------------------------------------------------------------------------------------- */

/** Quantization modes, in the order of UG1399. */
enum {
    HLS4ML_P_AP_TRN,
    HLS4ML_P_AP_TRN_ZERO,
    HLS4ML_P_AP_RND,
    HLS4ML_P_AP_RND_ZERO,
    HLS4ML_P_AP_RND_MIN_INF,
    HLS4ML_P_AP_RND_INF,
    HLS4ML_P_AP_RND_CONV
};

/** Overflow modes, in the order of UG1399. */
enum { HLS4ML_P_AP_WRAP, HLS4ML_P_AP_SAT, HLS4ML_P_AP_SAT_ZERO, HLS4ML_P_AP_SAT_SYM };

/** A fixed-point type: ap_fixed<W, I, Q, O, N> has width W and frac_bits W - I. */
typedef struct {
    unsigned width;   /**< W, 1 to 64 */
    int frac_bits;    /**< W - I (negative when I > W) */
    int is_signed;    /**< ap_fixed / ap_int (1), ap_ufixed / ap_uint (0) */
    int quantization; /**< HLS4ML_P_AP_TRN ... HLS4ML_P_AP_RND_CONV */
    int overflow;     /**< HLS4ML_P_AP_WRAP ... HLS4ML_P_AP_SAT_SYM */
    unsigned sat_bits; /**< N: saturation bits of AP_WRAP */
    int is_integer;   /**< ap_int / ap_uint: truncation towards zero and wrapping, no modes */
} hls4ml_p_fixed_type;

/** 2^e, exactly (0 below the smallest subnormal, infinity above the largest double). */
static inline double hls4ml_p_pow2(int e)
{
    union {
        double d;
        uint64_t u;
    } v;
    if (e > 1023) {
        v.u = (uint64_t)0x7FF << 52;
    } else if (e >= -1022) {
        v.u = (uint64_t)(e + 1023) << 52;
    } else if (e >= -1074) {
        v.u = (uint64_t)1 << (e + 1074);
    } else {
        v.u = 0;
    }
    return v.d;
}

/** v >> s rounded towards minus infinity, for any sign (s < 64). */
static inline int64_t hls4ml_p_floor_shift(int64_t v, unsigned s)
{
    return v >= 0 ? (int64_t)((uint64_t)v >> s) : -(int64_t)((uint64_t)(-(v + 1)) >> s) - 1;
}

/** Whether rounding adds one LSB: qb is the first dropped bit, r whether a later dropped bit is set,
 * neg the sign of the value and odd the last kept bit. */
static inline int hls4ml_p_round_up(int mode, int neg, int qb, int r, int odd)
{
    switch (mode) {
    case HLS4ML_P_AP_TRN_ZERO:
        return neg && (qb || r);
    case HLS4ML_P_AP_RND:
        return qb;
    case HLS4ML_P_AP_RND_ZERO:
        return qb && (neg || r);
    case HLS4ML_P_AP_RND_MIN_INF:
        return qb && r;
    case HLS4ML_P_AP_RND_INF:
        return qb && (!neg || r);
    case HLS4ML_P_AP_RND_CONV:
        return qb && (odd || r);
    default: /* AP_TRN */
        return 0;
    }
}

/** The overflow mode applied to a value above (over) or below (under) the type's range; pattern is
 * the wrapped value's low `width` bits. */
static inline uint64_t hls4ml_p_fixed_overflow(uint64_t pattern, int over, int under, const hls4ml_p_fixed_type *t)
{
    const unsigned w = t->width;
    const uint64_t mask = w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
    unsigned n;
    if (t->overflow == HLS4ML_P_AP_SAT_ZERO) {
        return 0;
    }
    if (t->overflow == HLS4ML_P_AP_SAT || t->overflow == HLS4ML_P_AP_SAT_SYM) {
        if (t->is_signed) {
            const uint64_t min = (uint64_t)1 << (w - 1);
            return over ? min - 1 : (t->overflow == HLS4ML_P_AP_SAT_SYM ? (min | 1) : min);
        }
        return over ? mask : 0;
    }
    /* AP_WRAP with N saturation bits: the wrapped value with its top bits forced, as the headers do. */
    n = t->sat_bits < w ? t->sat_bits : w;
    if (t->is_signed) {
        const uint64_t sign = (uint64_t)1 << (w - 1);
        pattern = under ? (pattern | sign) : (pattern & ~sign);
        if (n > 1) {
            const uint64_t top = (((uint64_t)1 << (n - 1)) - 1) << (w - n);
            pattern = under ? (pattern & ~top) : (pattern | top);
        }
    } else if (n > 0) {
        pattern |= (n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1)) << (w - n);
    }
    return pattern & mask;
}

/**
 * The raw bits of `x` converted to the type `t`: the `width`-bit two's-complement pattern,
 * sign-extended (signed types) to 64 bits. NaN, infinities and subnormals convert as in the
 * Xilinx headers (an infinity saturates under AP_SAT and gives 0 under AP_WRAP).
 */
static inline uint64_t hls4ml_p_fixed_from_double(double x, const hls4ml_p_fixed_type *t)
{
    union {
        double d;
        uint64_t u;
    } in;
    const unsigned w = t->width;
    const uint64_t mask = w >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << w) - 1);
    uint64_t bits, man, pattern;
    int64_t exp, m, shift;
    int neg;
    in.d = x;
    bits = in.u;
    if ((bits << 1) == 0) {
        return 0; /* +0.0 and -0.0 */
    }
    neg = (int)(bits >> 63);
    exp = (int64_t)((bits >> 52) & 0x7FF) - 1023;
    /* The mantissa with its implicit one (also for subnormals, infinities and NaN, as the headers read them). */
    man = (bits & (((uint64_t)1 << 52) - 1)) | ((uint64_t)1 << 52);
    if (t->is_integer) {
        const int64_t sh = 52 - exp;
        if (sh >= 0) {
            pattern = sh < 54 ? (man >> sh) : (neg ? ~(uint64_t)0 : 0);
        } else {
            pattern = -sh < (int64_t)w ? (man << -sh) : 0;
        }
        pattern &= mask;
        if (neg) {
            pattern = (~pattern + 1) & mask;
        }
    } else {
        double exact; /* the quantized value in LSBs: exact, as a 54-bit integer times a power of two */
        m = neg ? -(int64_t)man : (int64_t)man;
        /* The value counted in LSBs of the type is m * 2^-shift. */
        shift = 52 - exp - t->frac_bits;
        if (shift > 0) {
            int64_t q = hls4ml_p_floor_shift(m, shift >= 63 ? 63u : (unsigned)shift);
            const int qb = (int)(hls4ml_p_floor_shift(m, shift - 1 >= 63 ? 63u : (unsigned)(shift - 1)) & 1);
            const int r = shift >= 64 ? 1 : (shift >= 2 && ((uint64_t)m & (((uint64_t)1 << (shift - 1)) - 1)) != 0);
            q += hls4ml_p_round_up(t->quantization, neg, qb, r, (int)(q & 1));
            pattern = (uint64_t)q & mask;
            exact = (double)q;
        } else {
            pattern = -shift >= 64 ? 0 : (((uint64_t)m << -shift) & mask);
            exact = (double)m * hls4ml_p_pow2(-shift > 2000 ? 2000 : (int)-shift);
        }
        if (t->overflow != HLS4ML_P_AP_WRAP || t->sat_bits != 0) {
            int over, under;
            if (t->is_signed) {
                const double top = hls4ml_p_pow2((int)w - 1);
                over = exact >= top;
                under = exact < -top || (t->overflow == HLS4ML_P_AP_SAT_SYM && neg && exact == -top);
            } else {
                over = exact >= hls4ml_p_pow2((int)w);
                under = exact < 0;
            }
            if (over || under) {
                pattern = hls4ml_p_fixed_overflow(pattern, over, under, t);
            }
        }
    }
    if (t->is_signed && w < 64 && ((pattern >> (w - 1)) & 1)) {
        pattern |= ~mask;
    }
    return pattern;
}

/** The value of raw bits of the type `t` (their low `width` bits, read with the type's signedness). */
static inline double hls4ml_p_fixed_to_double(uint64_t raw, const hls4ml_p_fixed_type *t)
{
    const double lsb = hls4ml_p_pow2(-t->frac_bits);
    if (t->is_signed) {
        return (double)hls4ml_p_signed(raw, t->width) * lsb;
    }
    if (t->width < 64) {
        raw &= ((uint64_t)1 << t->width) - 1;
    }
    return (double)raw * lsb;
}
