/*
 * Drives the generated axi_lite (-DTEST_AXI_LITE) or axi_master (-DTEST_AXI_MASTER) driver against a
 * model of the HLS IP's s_axilite registers (ap_ctrl with ap_done cleared on read; for axi_lite the
 * `in`/`out` arrays at 0x100/0x200, for axi_master buffer addresses at 0x10/0x1c and the count at
 * 0x28), the network replaced by a table of the words Rust computed.
 *
 *     test_ip DIR     (DIR holds x.bin, in_words.bin, out_words.bin, y.bin)
 */
#define TEST_HARDWARE_MODEL
#include "test_common.h"

#define BASE ((uintptr_t)0x43C00000u)
/* Where the hardware has its registers (independent of the header's macros). */
#define HW_CTRL 0x00u
#ifdef TEST_AXI_LITE
#define HW_IN 0x100u
#define HW_OUT 0x200u
#else
#define HW_IN 0x10u
#define HW_OUT 0x1Cu
#define HW_N 0x28u
#endif


enum { NORMAL, HANG, BUSY };
static int mode;
static uint32_t regs[0x400 / 4], ctrl = JET_TAGGER_AP_IDLE;
static size_t starts, n_writes;
static int busy_reads; /* ap_ctrl reads left before a started run finishes */

#ifndef TEST_AXI_LITE
static uint64_t reg64(uint32_t offset)
{
    return (uint64_t)regs[(offset + 4) / 4] << 32 | regs[offset / 4];
}
#endif

static void run_ip(void)
{
#ifdef TEST_AXI_LITE
    /* The words of one sample, from consecutive 32-bit registers (low half first). */
    unsigned char bytes[JET_TAGGER_IN_SAMPLE_BYTES];
    jet_tagger_in_word sample[JET_TAGGER_N_IN];
    const jet_tagger_out_word *answer;
    size_t i;
    for (i = 0; i < JET_TAGGER_IN_SAMPLE_BYTES / 4; ++i) {
        const uint32_t r = regs[(HW_IN + 4 * i) / 4];
        bytes[4 * i] = (unsigned char)r;
        bytes[4 * i + 1] = (unsigned char)(r >> 8);
        bytes[4 * i + 2] = (unsigned char)(r >> 16);
        bytes[4 * i + 3] = (unsigned char)(r >> 24);
    }
    memcpy(sample, bytes, sizeof bytes);
    answer = pl_answer(sample);
    if (answer) {
        unsigned char out[JET_TAGGER_OUT_SAMPLE_BYTES];
        memcpy(out, answer, sizeof out);
        for (i = 0; i < JET_TAGGER_OUT_SAMPLE_BYTES / 4; ++i) {
            regs[(HW_OUT + 4 * i) / 4] = (uint32_t)out[4 * i] | (uint32_t)out[4 * i + 1] << 8 |
                                         (uint32_t)out[4 * i + 2] << 16 | (uint32_t)out[4 * i + 3] << 24;
        }
    }
#else
    const unsigned char *src = (const unsigned char *)(uintptr_t)(reg64(HW_IN) - phys_offset);
    unsigned char *dst = (unsigned char *)(uintptr_t)(reg64(HW_OUT) - phys_offset);
    const size_t n = regs[HW_N / 4];
    size_t i;
    for (i = 0; i < n; ++i) {
        jet_tagger_in_word sample[JET_TAGGER_N_IN];
        const jet_tagger_out_word *answer;
        memcpy(sample, src + i * JET_TAGGER_IN_SAMPLE_BYTES, JET_TAGGER_IN_SAMPLE_BYTES);
        answer = pl_answer(sample);
        if (answer) {
            memcpy(dst + i * JET_TAGGER_OUT_SAMPLE_BYTES, answer, JET_TAGGER_OUT_SAMPLE_BYTES);
        }
    }
#endif
}

static uint32_t model_read(uintptr_t base, uintptr_t offset)
{
    CHECK(base == BASE, "read at base 0x%lx", (unsigned long)base);
    CHECK(offset < sizeof regs && offset % 4 == 0, "read at 0x%lx", (unsigned long)offset);
    if (offset == HW_CTRL) {
        uint32_t value;
        if (busy_reads > 0 && --busy_reads == 0) {
            run_ip();
            ctrl = JET_TAGGER_AP_DONE | JET_TAGGER_AP_IDLE;
        }
        value = ctrl;
        ctrl &= ~JET_TAGGER_AP_DONE; /* clear on read */
        return value;
    }
    return regs[offset / 4];
}

static void model_write(uintptr_t base, uintptr_t offset, uint32_t value)
{
    CHECK(base == BASE, "write at base 0x%lx", (unsigned long)base);
    CHECK(offset < sizeof regs && offset % 4 == 0, "write at 0x%lx", (unsigned long)offset);
    n_writes++;
    if (offset != HW_CTRL) {
        regs[offset / 4] = value;
        return;
    }
    if (value & JET_TAGGER_AP_START) {
        CHECK(ctrl & JET_TAGGER_AP_IDLE, "ap_start while busy");
        starts++;
        ctrl = 0; /* running: neither idle nor done */
        busy_reads = mode == HANG ? 0 : 3;
    }
}

int main(int argc, char **argv)
{
    float *x, *y, *y_expected;
    jet_tagger_in_word *in;
    jet_tagger_out_word *out;
    jet_tagger_ip ip;
    int rc;
    if (argc != 2) {
        printf("usage: test_ip DIR\n");
        return 2;
    }
    load_data(argv[1], &x, &y, &y_expected, &in, &out);

    (void)phys_offset; /* axi_lite uses neither addresses nor caches */
    (void)flushes;
    (void)invalidates;
    rc = jet_tagger_ip_init(&ip, BASE);
    CHECK(rc == JET_TAGGER_OK && n_writes == 0, "init touches no register");
    rc = jet_tagger_predict(&ip, x, y, batch, in, out);
    check_prediction(rc, out, y, y_expected);
#ifdef TEST_AXI_LITE
    CHECK(starts == batch, "%zu runs for %zu samples", starts, batch);
    CHECK(n_writes == batch * (JET_TAGGER_IN_SAMPLE_BYTES / 4 + 1), "%zu register writes", n_writes);
    printf("ok: %zu samples, one run each: %u input registers from 0x%x, ap_start, ap_done, outputs from 0x%x equal "
           "Rust's\n",
           batch, (unsigned)(JET_TAGGER_IN_SAMPLE_BYTES / 4), HW_IN, HW_OUT);
#else
    CHECK(starts == 1, "%zu runs for one batch", starts);
    CHECK(reg64(HW_IN) == (uint64_t)(uintptr_t)in + phys_offset && reg64(HW_OUT) == (uint64_t)(uintptr_t)out + phys_offset,
          "64-bit buffer addresses");
    CHECK(regs[HW_N / 4] == batch, "n = %u", regs[HW_N / 4]);
    CHECK(flushes >= 1 && invalidates >= 1, "cache hooks: %zu flushes, %zu invalidates", flushes, invalidates);
    printf("ok: %zu samples in one run: 64-bit addresses (above 4 GiB) at 0x%x/0x%x, n at 0x%x, outputs equal Rust's\n",
           batch, HW_IN, HW_OUT, HW_N);
#endif

    ip.poll_limit = 1000;
    mode = HANG;
    rc = jet_tagger_run(&ip, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_DONE_TIMEOUT && ip.failed_sample == 0 && !(ip.ap_ctrl & JET_TAGGER_AP_DONE),
          "hang: %d", rc);
    rc = jet_tagger_run(&ip, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_BUSY && !(ip.ap_ctrl & JET_TAGGER_AP_IDLE), "busy: %d, ap_ctrl 0x%x", rc, ip.ap_ctrl);
    ctrl = JET_TAGGER_AP_IDLE;
    mode = NORMAL;
    CHECK(jet_tagger_run(&ip, table_in, out, 0) == JET_TAGGER_ERR_ARGUMENT, "no sample");
    CHECK(jet_tagger_run(&ip, NULL, out, 1) == JET_TAGGER_ERR_ARGUMENT, "NULL input");
    CHECK(jet_tagger_predict(&ip, NULL, y, 1, in, out) == JET_TAGGER_ERR_ARGUMENT, "NULL x");
    CHECK(jet_tagger_run(&ip, table_in, out, 1) == JET_TAGGER_OK, "a run after the failures");
    printf("ok: a hang (ap_done never set), a busy IP and bad arguments each return their own code\n");

    return test_result();
}
