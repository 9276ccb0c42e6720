
/**
 * Predicts `n` samples: encodes the floats `x` (n * HLS4ML_P_N_IN) into `in_words`, runs them with
 * HLS4ML_RUN (see there what the word buffers must be) into `out_words` and decodes those into `y`
 * (n * HLS4ML_P_N_OUT).
 */
static inline int hls4ml_p_predict(HLS4ML_HANDLE_TYPE *HLS4ML_HANDLE, const float *x, float *y, size_t n,
                                   hls4ml_p_in_word *in_words, hls4ml_p_out_word *out_words)
{
    int rc;
    if (!x || !y || !in_words || !out_words) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    hls4ml_p_encode_inputs(x, in_words, n);
    rc = HLS4ML_RUN(HLS4ML_HANDLE, in_words, out_words, n);
    if (rc == HLS4ML_P_OK) {
        hls4ml_p_decode_outputs(out_words, y, n);
    }
    return rc;
}
