
/* ---------------------------------------------------------------------------------------------
 * Inference through memory (axi_master): the IP reads the inputs and writes the outputs itself,
 * one run for the whole batch
 * ------------------------------------------------------------------------------------------- */

/**
 * Runs `n` samples: writes the physical addresses of `in` (n * HLS4ML_P_N_IN words) and `out`
 * (n * HLS4ML_P_N_OUT words), 64 bits each (low word first), and `n` into the IP's registers,
 * sets ap_start and polls ap_done. The buffers must be memory the IP can reach (and cache-line
 * aligned when the caches are maintained). On failure, `ip` holds the last ap_ctrl value.
 */
static inline int hls4ml_p_run(hls4ml_p_ip *ip, const hls4ml_p_in_word *in, hls4ml_p_out_word *out, size_t n)
{
    uint64_t src, dst;
    int rc;
    if (!ip || !in || !out || n == 0 || (uint64_t)n > 0xFFFFFFFFu) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    ip->failed_sample = 0;
    rc = hls4ml_p_wait_idle(ip);
    if (rc != HLS4ML_P_OK) {
        return rc;
    }
    src = HLS4ML_P_PHYS_ADDR(in);
    dst = HLS4ML_P_PHYS_ADDR(out);
    HLS4ML_P_CACHE_FLUSH(in, n * HLS4ML_P_IN_SAMPLE_BYTES);
    HLS4ML_P_CACHE_FLUSH(out, n * HLS4ML_P_OUT_SAMPLE_BYTES); /* no dirty line may later overwrite the outputs */
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_IN_OFFSET, (uint32_t)src);
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_IN_OFFSET + 4u, (uint32_t)(src >> 32));
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_OUT_OFFSET, (uint32_t)dst);
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_OUT_OFFSET + 4u, (uint32_t)(dst >> 32));
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_N_OFFSET, (uint32_t)n);
    rc = hls4ml_p_start_and_wait(ip);
    if (rc != HLS4ML_P_OK) {
        return rc;
    }
    HLS4ML_P_CACHE_INVALIDATE(out, n * HLS4ML_P_OUT_SAMPLE_BYTES);
    return HLS4ML_P_OK;
}
