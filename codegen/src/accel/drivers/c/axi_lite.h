
/* ---------------------------------------------------------------------------------------------
 * Inference register by register (axi_lite): one 32-bit register per value (a 64-bit word takes
 * two, low half first), one run of the IP per sample
 * ------------------------------------------------------------------------------------------- */

/**
 * Runs `n` samples one by one: writes a sample's words into the `in` registers, sets ap_start,
 * polls ap_done and reads the `out` registers. `in` holds n * HLS4ML_P_N_IN words, `out` receives
 * n * HLS4ML_P_N_OUT. On failure, `ip` holds the sample and the last ap_ctrl value.
 */
static inline int hls4ml_p_run(hls4ml_p_ip *ip, const hls4ml_p_in_word *in, hls4ml_p_out_word *out, size_t n)
{
    size_t i, j;
    if (!ip || !in || !out || n == 0) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    for (i = 0; i < n; ++i) {
        int rc = hls4ml_p_wait_idle(ip);
        if (rc == HLS4ML_P_OK) {
            for (j = 0; j < HLS4ML_P_N_IN; ++j) {
                const uint64_t bits = hls4ml_p_in_word_bits(in[i * HLS4ML_P_N_IN + j]);
                const uintptr_t offset = HLS4ML_P_IN_OFFSET + j * HLS4ML_P_IN_WORD_BYTES;
                HLS4ML_P_REG_WRITE(ip->base, offset, (uint32_t)bits);
                if (HLS4ML_P_IN_WORD_BYTES > 4) {
                    HLS4ML_P_REG_WRITE(ip->base, offset + 4, (uint32_t)(bits >> 32));
                }
            }
            rc = hls4ml_p_start_and_wait(ip);
        }
        if (rc != HLS4ML_P_OK) {
            ip->failed_sample = i;
            return rc;
        }
        for (j = 0; j < HLS4ML_P_N_OUT; ++j) {
            const uintptr_t offset = HLS4ML_P_OUT_OFFSET + j * HLS4ML_P_OUT_WORD_BYTES;
            uint64_t bits = HLS4ML_P_REG_READ(ip->base, offset);
            if (HLS4ML_P_OUT_WORD_BYTES > 4) {
                bits |= (uint64_t)HLS4ML_P_REG_READ(ip->base, offset + 4) << 32;
            }
            out[i * HLS4ML_P_N_OUT + j] = hls4ml_p_out_word_from_bits(bits);
        }
    }
    return HLS4ML_P_OK;
}
