
/* ---------------------------------------------------------------------------------------------
 * The AXI DMA in simple (direct register) mode, AMD PG021
 * ------------------------------------------------------------------------------------------- */

/** Register offsets in the DMA's block: MM2S (memory to the IP's input stream), S2MM (the IP's
 * output stream to memory). */
#define HLS4ML_P_DMA_MM2S_DMACR 0x00u
#define HLS4ML_P_DMA_MM2S_DMASR 0x04u
#define HLS4ML_P_DMA_MM2S_SA 0x18u
#define HLS4ML_P_DMA_MM2S_SA_MSB 0x1Cu
#define HLS4ML_P_DMA_MM2S_LENGTH 0x28u
#define HLS4ML_P_DMA_S2MM_DMACR 0x30u
#define HLS4ML_P_DMA_S2MM_DMASR 0x34u
#define HLS4ML_P_DMA_S2MM_DA 0x48u
#define HLS4ML_P_DMA_S2MM_DA_MSB 0x4Cu
#define HLS4ML_P_DMA_S2MM_LENGTH 0x58u

/** DMACR bits. */
#define HLS4ML_P_DMACR_RS 0x1u
#define HLS4ML_P_DMACR_RESET 0x4u

/** DMASR bits. */
#define HLS4ML_P_DMASR_HALTED 0x1u
#define HLS4ML_P_DMASR_IDLE 0x2u
#define HLS4ML_P_DMASR_DMA_INT_ERR 0x10u
#define HLS4ML_P_DMASR_DMA_SLV_ERR 0x20u
#define HLS4ML_P_DMASR_DMA_DEC_ERR 0x40u
#define HLS4ML_P_DMASR_ERRORS 0x70u
#define HLS4ML_P_DMASR_IOC_IRQ 0x1000u
#define HLS4ML_P_DMASR_ERR_IRQ 0x4000u

/** Bytes of one transfer at most: 2^26 - 1 with the block design's c_sg_length_width = 26. */
#define HLS4ML_P_DMA_MAX_TRANSFER 0x3FFFFFFu

/** Return codes: 0 on success, a negative code naming what failed. */
#define HLS4ML_P_OK 0
#define HLS4ML_P_ERR_ARGUMENT (-1)      /**< a NULL pointer, no sample, or max_transfer too small */
#define HLS4ML_P_ERR_ALIGNMENT (-2)     /**< a buffer not aligned to the DMA's memory-map width */
#define HLS4ML_P_ERR_RESET_TIMEOUT (-3) /**< DMACR.Reset did not clear */
#define HLS4ML_P_ERR_HALTED (-4)        /**< a channel is halted (DMASR.Halted) although RS is set */
#define HLS4ML_P_ERR_MM2S_TIMEOUT (-5)  /**< MM2S_DMASR showed neither Idle nor IOC_Irq in time */
#define HLS4ML_P_ERR_S2MM_TIMEOUT (-6)  /**< S2MM_DMASR showed neither Idle nor IOC_Irq in time */
#define HLS4ML_P_ERR_MM2S_DMA (-7)      /**< MM2S_DMASR has DMAIntErr, DMASlvErr or DMADecErr set */
#define HLS4ML_P_ERR_S2MM_DMA (-8)      /**< S2MM_DMASR has DMAIntErr, DMASlvErr or DMADecErr set */
#define HLS4ML_P_ERR_S2MM_LENGTH (-9)   /**< S2MM_LENGTH read back differs from the bytes expected */

/** The DMA and what its registers said last (read them after a failure). */
typedef struct {
    uintptr_t base;         /**< the DMA's register block (XPAR_..._BASEADDR, or the .hwh) */
    uint32_t max_transfer;  /**< bytes per transfer at most: 2^c_sg_length_width - 1 */
    uint32_t poll_limit;    /**< status reads before a wait gives up */
    uint32_t mm2s_status;   /**< MM2S_DMASR, last read */
    uint32_t s2mm_status;   /**< S2MM_DMASR, last read */
    uint32_t s2mm_expected; /**< bytes the last S2MM transfer was programmed for */
    uint32_t s2mm_received; /**< S2MM_LENGTH read back after it: the bytes actually received */
    size_t failed_sample;   /**< first sample of the transfer that failed */
} hls4ml_p_dma;

/** What a return code means. */
static inline const char *hls4ml_p_strerror(int code)
{
    switch (code) {
    case HLS4ML_P_OK:
        return "success";
    case HLS4ML_P_ERR_ARGUMENT:
        return "bad argument: a NULL pointer, no sample, or max_transfer too small for the aligned samples";
    case HLS4ML_P_ERR_ALIGNMENT:
        return "a buffer is not aligned to the DMA's memory-map width";
    case HLS4ML_P_ERR_RESET_TIMEOUT:
        return "the DMA reset did not complete (DMACR.Reset stayed set)";
    case HLS4ML_P_ERR_HALTED:
        return "a DMA channel is halted (DMASR.Halted); see mm2s_status / s2mm_status";
    case HLS4ML_P_ERR_MM2S_TIMEOUT:
        return "MM2S (input) transfer timed out; see mm2s_status";
    case HLS4ML_P_ERR_S2MM_TIMEOUT:
        return "S2MM (output) transfer timed out: the IP produced fewer words than expected; see s2mm_status";
    case HLS4ML_P_ERR_MM2S_DMA:
        return "MM2S (input) DMA error (DMAIntErr, DMASlvErr or DMADecErr in mm2s_status)";
    case HLS4ML_P_ERR_S2MM_DMA:
        return "S2MM (output) DMA error (DMAIntErr, DMASlvErr or DMADecErr in s2mm_status)";
    case HLS4ML_P_ERR_S2MM_LENGTH:
        return "S2MM received another number of bytes than expected (s2mm_received, s2mm_expected)";
    default:
        return "unknown error code";
    }
}

/** Reads a channel's DMASR until Idle or IOC_Irq (then clears IOC_Irq by writing 1), an error bit,
 * Halted, or poll_limit reads. */
static inline int hls4ml_p_dma_wait(hls4ml_p_dma *dma, uint32_t dmasr, uint32_t *status, int timeout_code,
                                    int error_code)
{
    uint32_t polls;
    for (polls = 0; polls < dma->poll_limit; ++polls) {
        const uint32_t sr = HLS4ML_P_REG_READ(dma->base, dmasr);
        *status = sr;
        if (sr & HLS4ML_P_DMASR_ERRORS) {
            return error_code;
        }
        if (sr & HLS4ML_P_DMASR_HALTED) {
            return HLS4ML_P_ERR_HALTED;
        }
        if (sr & (HLS4ML_P_DMASR_IDLE | HLS4ML_P_DMASR_IOC_IRQ)) {
            HLS4ML_P_REG_WRITE(dma->base, dmasr, HLS4ML_P_DMASR_IOC_IRQ);
            return HLS4ML_P_OK;
        }
    }
    return timeout_code;
}

/**
 * Resets the DMA (PG021: a reset of either channel resets the whole core), then starts both
 * channels (DMACR.RS) and checks they left Halted. Interrupts stay disabled: the driver polls.
 */
static inline int hls4ml_p_dma_init(hls4ml_p_dma *dma, uintptr_t base)
{
    uint32_t polls;
    if (!dma) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    dma->base = base;
    dma->max_transfer = HLS4ML_P_DMA_MAX_TRANSFER;
    dma->poll_limit = HLS4ML_P_POLL_LIMIT;
    dma->mm2s_status = dma->s2mm_status = dma->s2mm_expected = dma->s2mm_received = 0;
    dma->failed_sample = 0;
    HLS4ML_P_REG_WRITE(base, HLS4ML_P_DMA_MM2S_DMACR, HLS4ML_P_DMACR_RESET);
    for (polls = 0;; ++polls) {
        if (polls >= dma->poll_limit) {
            dma->mm2s_status = HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_MM2S_DMASR);
            dma->s2mm_status = HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_S2MM_DMASR);
            return HLS4ML_P_ERR_RESET_TIMEOUT;
        }
        if (!(HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_MM2S_DMACR) & HLS4ML_P_DMACR_RESET) &&
            !(HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_S2MM_DMACR) & HLS4ML_P_DMACR_RESET)) {
            break;
        }
    }
    HLS4ML_P_REG_WRITE(base, HLS4ML_P_DMA_S2MM_DMACR, HLS4ML_P_DMACR_RS);
    HLS4ML_P_REG_WRITE(base, HLS4ML_P_DMA_MM2S_DMACR, HLS4ML_P_DMACR_RS);
    for (polls = 0;; ++polls) {
        dma->mm2s_status = HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_MM2S_DMASR);
        dma->s2mm_status = HLS4ML_P_REG_READ(base, HLS4ML_P_DMA_S2MM_DMASR);
        if (!((dma->mm2s_status | dma->s2mm_status) & HLS4ML_P_DMASR_HALTED)) {
            return HLS4ML_P_OK;
        }
        if (polls >= dma->poll_limit) {
            return HLS4ML_P_ERR_HALTED;
        }
    }
}

static inline size_t hls4ml_p_gcd(size_t a, size_t b)
{
    while (b) {
        const size_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/** Whole samples per transfer: at most max_transfer bytes each way, and a multiple of the samples
 * that keep every transfer's start aligned to its channel's memory-map width. 0 when max_transfer is
 * too small for that. */
static inline size_t hls4ml_p_dma_samples_per_transfer(const hls4ml_p_dma *dma)
{
    const size_t in = HLS4ML_P_IN_SAMPLE_BYTES, out = HLS4ML_P_OUT_SAMPLE_BYTES;
    const size_t step_in = HLS4ML_P_IN_ALIGN / hls4ml_p_gcd(in, HLS4ML_P_IN_ALIGN);
    const size_t step_out = HLS4ML_P_OUT_ALIGN / hls4ml_p_gcd(out, HLS4ML_P_OUT_ALIGN);
    const size_t step = step_in / hls4ml_p_gcd(step_in, step_out) * step_out;
    const size_t per = dma->max_transfer / (in > out ? in : out);
    return per - per % step;
}

/** One transfer of `count` samples, S2MM first so there is room for the outputs before the first
 * input word leaves; PG021's sequence for each channel: RS, address (low, then MSB), length in bytes
 * (which starts it), then poll DMASR. */
static inline int hls4ml_p_dma_transfer(hls4ml_p_dma *dma, const hls4ml_p_in_word *in, hls4ml_p_out_word *out,
                                        size_t count)
{
    const uint32_t in_bytes = (uint32_t)(count * HLS4ML_P_IN_SAMPLE_BYTES);
    const uint32_t out_bytes = (uint32_t)(count * HLS4ML_P_OUT_SAMPLE_BYTES);
    const uint64_t src = HLS4ML_P_PHYS_ADDR(in), dst = HLS4ML_P_PHYS_ADDR(out);
    int rc;
    if (src % HLS4ML_P_IN_ALIGN || dst % HLS4ML_P_OUT_ALIGN) {
        return HLS4ML_P_ERR_ALIGNMENT;
    }
    HLS4ML_P_CACHE_FLUSH(in, in_bytes);
    HLS4ML_P_CACHE_FLUSH(out, out_bytes); /* no dirty line may later overwrite what the DMA writes */
    dma->s2mm_expected = out_bytes;
    dma->s2mm_received = 0;
    /* Clear stale completion and error interrupts (write 1 to clear). */
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_S2MM_DMASR, HLS4ML_P_DMASR_IOC_IRQ | HLS4ML_P_DMASR_ERR_IRQ);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_MM2S_DMASR, HLS4ML_P_DMASR_IOC_IRQ | HLS4ML_P_DMASR_ERR_IRQ);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_S2MM_DMACR, HLS4ML_P_DMACR_RS);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_S2MM_DA, (uint32_t)dst);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_S2MM_DA_MSB, (uint32_t)(dst >> 32));
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_S2MM_LENGTH, out_bytes);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_MM2S_DMACR, HLS4ML_P_DMACR_RS);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_MM2S_SA, (uint32_t)src);
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_MM2S_SA_MSB, (uint32_t)(src >> 32));
    HLS4ML_P_REG_WRITE(dma->base, HLS4ML_P_DMA_MM2S_LENGTH, in_bytes);
    rc = hls4ml_p_dma_wait(dma, HLS4ML_P_DMA_MM2S_DMASR, &dma->mm2s_status, HLS4ML_P_ERR_MM2S_TIMEOUT,
                           HLS4ML_P_ERR_MM2S_DMA);
    if (rc != HLS4ML_P_OK) {
        return rc;
    }
    rc = hls4ml_p_dma_wait(dma, HLS4ML_P_DMA_S2MM_DMASR, &dma->s2mm_status, HLS4ML_P_ERR_S2MM_TIMEOUT,
                           HLS4ML_P_ERR_S2MM_DMA);
    if (rc != HLS4ML_P_OK) {
        return rc;
    }
    /* A packet that ends early (TLAST before the programmed length) sets no error bit: only the
     * length read back tells. */
    dma->s2mm_received = HLS4ML_P_REG_READ(dma->base, HLS4ML_P_DMA_S2MM_LENGTH);
    if (dma->s2mm_received != out_bytes) {
        return HLS4ML_P_ERR_S2MM_LENGTH;
    }
    HLS4ML_P_CACHE_INVALIDATE(out, out_bytes);
    return HLS4ML_P_OK;
}

/**
 * Runs `n` samples through the IP: `in` holds n * HLS4ML_P_N_IN input words, `out` receives
 * n * HLS4ML_P_N_OUT output words. Both must be DMA-reachable memory aligned to
 * HLS4ML_P_IN_ALIGN / HLS4ML_P_OUT_ALIGN bytes (and to cache lines when the caches are maintained). A batch larger
 * than one transfer is split into several. On failure, `dma` tells which register said what.
 */
static inline int hls4ml_p_dma_run(hls4ml_p_dma *dma, const hls4ml_p_in_word *in, hls4ml_p_out_word *out, size_t n)
{
    size_t first, per;
    if (!dma || !in || !out || n == 0) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    per = hls4ml_p_dma_samples_per_transfer(dma);
    if (per == 0) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    for (first = 0; first < n; first += per) {
        const size_t count = n - first < per ? n - first : per;
        const int rc =
            hls4ml_p_dma_transfer(dma, in + first * HLS4ML_P_N_IN, out + first * HLS4ML_P_N_OUT, count);
        if (rc != HLS4ML_P_OK) {
            dma->failed_sample = first;
            return rc;
        }
    }
    return HLS4ML_P_OK;
}
