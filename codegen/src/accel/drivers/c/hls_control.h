
/* ---------------------------------------------------------------------------------------------
 * The IP's control registers (s_axilite bundle `control`, block-level protocol ap_ctrl_hs)
 * ------------------------------------------------------------------------------------------- */

/** ap_ctrl bits: start, done (cleared by the read that sees it), idle, ready. */
#define HLS4ML_P_AP_START 0x1u
#define HLS4ML_P_AP_DONE 0x2u
#define HLS4ML_P_AP_IDLE 0x4u
#define HLS4ML_P_AP_READY 0x8u

/** Return codes: 0 on success, a negative code naming what failed. */
#define HLS4ML_P_OK 0
#define HLS4ML_P_ERR_ARGUMENT (-1)     /**< a NULL pointer, no sample, or more samples than 32 bits count */
#define HLS4ML_P_ERR_BUSY (-2)         /**< ap_idle did not rise: the IP is still running */
#define HLS4ML_P_ERR_DONE_TIMEOUT (-3) /**< ap_done did not rise in time */

/** The IP and what its control register said last (read it after a failure). */
typedef struct {
    uintptr_t base;       /**< the IP's s_axi_control block (XPAR_..._S_AXI_CONTROL_BASEADDR, or the .hwh) */
    uint32_t poll_limit;  /**< ap_ctrl reads before a wait gives up */
    uint32_t ap_ctrl;     /**< ap_ctrl, last read */
    size_t failed_sample; /**< the sample (axi_lite) or first sample (axi_master) of the failed run */
} hls4ml_p_ip;

/** What a return code means. */
static inline const char *hls4ml_p_strerror(int code)
{
    switch (code) {
    case HLS4ML_P_OK:
        return "success";
    case HLS4ML_P_ERR_ARGUMENT:
        return "bad argument: a NULL pointer, no sample, or more samples than 32 bits count";
    case HLS4ML_P_ERR_BUSY:
        return "the IP stayed busy (ap_idle low); see ap_ctrl";
    case HLS4ML_P_ERR_DONE_TIMEOUT:
        return "the IP did not finish (ap_done low); see ap_ctrl";
    default:
        return "unknown error code";
    }
}

/** Prepares the IP at `base` for use (no register access). */
static inline int hls4ml_p_ip_init(hls4ml_p_ip *ip, uintptr_t base)
{
    if (!ip) {
        return HLS4ML_P_ERR_ARGUMENT;
    }
    ip->base = base;
    ip->poll_limit = HLS4ML_P_POLL_LIMIT;
    ip->ap_ctrl = 0;
    ip->failed_sample = 0;
    return HLS4ML_P_OK;
}

/** Waits until the IP is idle (ap_idle). */
static inline int hls4ml_p_wait_idle(hls4ml_p_ip *ip)
{
    uint32_t polls;
    for (polls = 0; polls < ip->poll_limit; ++polls) {
        ip->ap_ctrl = HLS4ML_P_REG_READ(ip->base, HLS4ML_P_CTRL_OFFSET);
        if (ip->ap_ctrl & HLS4ML_P_AP_IDLE) {
            return HLS4ML_P_OK;
        }
    }
    return HLS4ML_P_ERR_BUSY;
}

/** Sets ap_start, then polls ap_done. */
static inline int hls4ml_p_start_and_wait(hls4ml_p_ip *ip)
{
    uint32_t polls;
    HLS4ML_P_REG_WRITE(ip->base, HLS4ML_P_CTRL_OFFSET, HLS4ML_P_AP_START);
    for (polls = 0; polls < ip->poll_limit; ++polls) {
        ip->ap_ctrl = HLS4ML_P_REG_READ(ip->base, HLS4ML_P_CTRL_OFFSET);
        if (ip->ap_ctrl & HLS4ML_P_AP_DONE) {
            return HLS4ML_P_OK;
        }
    }
    return HLS4ML_P_ERR_DONE_TIMEOUT;
}
