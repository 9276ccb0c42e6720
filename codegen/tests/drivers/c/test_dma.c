/*
 * Drives the generated DMA driver (jet_tagger_driver.h, axi_stream) against a model of the AXI DMA
 * in simple mode (AMD PG021) behind its register hooks, with the network's IP replaced by a table
 * of the words Rust computed (Bus::encode of the inputs -> the PL's answer).
 *
 *     test_dma DIR     (DIR holds x.bin, in_words.bin, out_words.bin, y.bin)
 */
#define TEST_HARDWARE_MODEL
#include "test_common.h"

#define BASE ((uintptr_t)0x40400000u)
#define MM2S 0
#define S2MM 1


/* ---- the DMA ---- */

enum { NORMAL, HANG, NO_OUTPUT, SHORT, DECERR, STUCK_RESET };
static int mode;
static uint32_t cr[2], sr[2], addr_lo[2], addr_hi[2], length[2], received;
static int armed[2], reset_reads;

typedef struct {
    uintptr_t offset;
    uint32_t value;
} reg_write;
static reg_write writes[100000];
static size_t n_writes;

static void model_reset(int new_mode)
{
    mode = new_mode;
    cr[0] = cr[1] = 0;
    sr[0] = sr[1] = JET_TAGGER_DMASR_HALTED;
    armed[0] = armed[1] = 0;
    received = 0;
    n_writes = 0;
    flushes = invalidates = 0;
}

static void *pointer(int ch)
{
    const uint64_t address = ((uint64_t)addr_hi[ch] << 32 | addr_lo[ch]) - phys_offset;
    return (void *)(uintptr_t)address;
}

static void progress(void)
{
    size_t n, i, produced;
    const unsigned char *src;
    unsigned char *dst;
    if (!armed[MM2S] || !armed[S2MM] || mode == HANG) {
        return;
    }
    armed[MM2S] = armed[S2MM] = 0;
    sr[MM2S] |= JET_TAGGER_DMASR_IDLE | JET_TAGGER_DMASR_IOC_IRQ;
    if (mode == NO_OUTPUT) {
        return;
    }
    if (mode == DECERR) {
        sr[S2MM] |= JET_TAGGER_DMASR_DMA_DEC_ERR | JET_TAGGER_DMASR_HALTED;
        return;
    }
    src = (const unsigned char *)pointer(MM2S);
    dst = (unsigned char *)pointer(S2MM);
    n = length[MM2S] / JET_TAGGER_IN_SAMPLE_BYTES;
    if (length[MM2S] % JET_TAGGER_IN_SAMPLE_BYTES) {
        return; /* part of a sample: the IP waits for more words, the DMA hangs */
    }
    produced = (mode == SHORT ? n - 1 : n) * JET_TAGGER_OUT_SAMPLE_BYTES;
    if (produced > length[S2MM]) {
        sr[S2MM] |= JET_TAGGER_DMASR_DMA_INT_ERR | JET_TAGGER_DMASR_HALTED;
        return;
    }
    for (i = 0; i * JET_TAGGER_OUT_SAMPLE_BYTES < produced; ++i) {
        jet_tagger_in_word sample[JET_TAGGER_N_IN];
        const jet_tagger_out_word *answer;
        memcpy(sample, src + i * JET_TAGGER_IN_SAMPLE_BYTES, JET_TAGGER_IN_SAMPLE_BYTES);
        answer = pl_answer(sample);
        if (!answer) {
            continue;
        }
        memcpy(dst + i * JET_TAGGER_OUT_SAMPLE_BYTES, answer, JET_TAGGER_OUT_SAMPLE_BYTES);
    }
    received = (uint32_t)produced;
    sr[S2MM] |= JET_TAGGER_DMASR_IDLE | JET_TAGGER_DMASR_IOC_IRQ;
}

static uint32_t model_read(uintptr_t base, uintptr_t offset)
{
    const int ch = offset >= 0x30 ? S2MM : MM2S;
    CHECK(base == BASE, "read at base 0x%lx", (unsigned long)base);
    switch (offset - (ch == S2MM ? 0x30 : 0)) {
    case 0x00:
        if ((cr[ch] & JET_TAGGER_DMACR_RESET) && mode != STUCK_RESET && ++reset_reads >= 3) {
            cr[0] &= ~JET_TAGGER_DMACR_RESET;
            cr[1] &= ~JET_TAGGER_DMACR_RESET;
        }
        return cr[ch];
    case 0x04:
        return sr[ch];
    case 0x28:
        CHECK(ch == S2MM, "read of MM2S_LENGTH");
        return received;
    default:
        CHECK(0, "read of DMA register 0x%lx", (unsigned long)offset);
        return 0;
    }
}

static void model_write(uintptr_t base, uintptr_t offset, uint32_t value)
{
    const int ch = offset >= 0x30 ? S2MM : MM2S;
    CHECK(base == BASE, "write at base 0x%lx", (unsigned long)base);
    if (n_writes < sizeof writes / sizeof writes[0]) {
        writes[n_writes].offset = offset;
        writes[n_writes].value = value;
        n_writes++;
    }
    switch (offset - (ch == S2MM ? 0x30 : 0)) {
    case 0x00:
        if (value & JET_TAGGER_DMACR_RESET) { /* PG021: a reset of either channel resets the whole DMA */
            cr[0] = cr[1] = JET_TAGGER_DMACR_RESET;
            sr[0] = sr[1] = JET_TAGGER_DMASR_HALTED;
            armed[0] = armed[1] = 0;
            reset_reads = 0;
        } else {
            cr[ch] = value;
            if (value & JET_TAGGER_DMACR_RS) {
                sr[ch] &= ~JET_TAGGER_DMASR_HALTED;
            }
        }
        break;
    case 0x04:
        sr[ch] &= ~(value & 0x7000u); /* interrupt bits: write 1 to clear */
        break;
    case 0x18:
        addr_lo[ch] = value;
        break;
    case 0x1C:
        addr_hi[ch] = value;
        break;
    case 0x28:
        CHECK(cr[ch] & JET_TAGGER_DMACR_RS, "LENGTH written to a stopped channel");
        if (value == 0) {
            sr[ch] |= JET_TAGGER_DMASR_DMA_INT_ERR | JET_TAGGER_DMASR_HALTED;
            break;
        }
        length[ch] = value;
        armed[ch] = 1;
        sr[ch] &= ~JET_TAGGER_DMASR_IDLE;
        progress();
        break;
    default:
        CHECK(0, "write of 0x%x to DMA register 0x%lx", value, (unsigned long)offset);
    }
}

/* Index of the first logged write of `value` (any value when value_any) to `offset` from `from`;
 * n_writes when there is none. */
static size_t find_write(size_t from, uintptr_t offset, uint32_t value, int value_any)
{
    size_t i;
    for (i = from; i < n_writes; ++i) {
        if (writes[i].offset == offset && (value_any || writes[i].value == value)) {
            return i;
        }
    }
    return n_writes;
}

/* Checks PG021's order in every transfer logged and returns the number of transfers; the lengths
 * and addresses are collected. */
static size_t check_sequences(uint32_t *in_lengths, uint32_t *out_lengths, uint64_t *in_addr, uint64_t *out_addr,
                              size_t max)
{
    size_t count = 0, at = 0;
    for (;;) {
        const size_t s2mm_cr = find_write(at, JET_TAGGER_DMA_S2MM_DMACR, JET_TAGGER_DMACR_RS, 0);
        size_t s2mm_da, s2mm_msb, s2mm_len, mm2s_cr, mm2s_sa, mm2s_msb, mm2s_len, ioc_mm2s, ioc_s2mm;
        if (s2mm_cr == n_writes) {
            break;
        }
        s2mm_da = find_write(s2mm_cr, JET_TAGGER_DMA_S2MM_DA, 0, 1);
        s2mm_msb = find_write(s2mm_cr, JET_TAGGER_DMA_S2MM_DA_MSB, 0, 1);
        s2mm_len = find_write(s2mm_cr, JET_TAGGER_DMA_S2MM_LENGTH, 0, 1);
        if (s2mm_len == n_writes) {
            break; /* the RS write of init */
        }
        mm2s_cr = find_write(s2mm_len, JET_TAGGER_DMA_MM2S_DMACR, JET_TAGGER_DMACR_RS, 0);
        mm2s_sa = find_write(s2mm_len, JET_TAGGER_DMA_MM2S_SA, 0, 1);
        mm2s_msb = find_write(s2mm_len, JET_TAGGER_DMA_MM2S_SA_MSB, 0, 1);
        mm2s_len = find_write(s2mm_len, JET_TAGGER_DMA_MM2S_LENGTH, 0, 1);
        ioc_mm2s = find_write(mm2s_len, JET_TAGGER_DMA_MM2S_DMASR, JET_TAGGER_DMASR_IOC_IRQ, 0);
        ioc_s2mm = find_write(mm2s_len, JET_TAGGER_DMA_S2MM_DMASR, JET_TAGGER_DMASR_IOC_IRQ, 0);
        CHECK(s2mm_cr < s2mm_da && s2mm_da < s2mm_len && s2mm_msb < s2mm_len,
              "S2MM: RS, then the address (low %zu, MSB %zu), then the length (%zu)", s2mm_da, s2mm_msb, s2mm_len);
        CHECK(s2mm_len < mm2s_cr && mm2s_cr < mm2s_sa && mm2s_sa < mm2s_len && mm2s_msb < mm2s_len,
              "MM2S after S2MM: RS %zu, address %zu/%zu, length %zu", mm2s_cr, mm2s_sa, mm2s_msb, mm2s_len);
        CHECK(ioc_mm2s < n_writes && ioc_s2mm < n_writes, "IOC_Irq cleared (write 1) after completion");
        if (count < max) {
            in_lengths[count] = writes[mm2s_len].value;
            out_lengths[count] = writes[s2mm_len].value;
            in_addr[count] = (uint64_t)writes[mm2s_msb].value << 32 | writes[mm2s_sa].value;
            out_addr[count] = (uint64_t)writes[s2mm_msb].value << 32 | writes[s2mm_da].value;
        }
        count++;
        at = mm2s_len;
    }
    return count;
}

int main(int argc, char **argv)
{
    size_t i, count, total_in, total_out;
    float *x, *y, *y_expected;
    jet_tagger_in_word *in;
    jet_tagger_out_word *out;
    jet_tagger_dma dma;
    uint32_t in_lengths[64], out_lengths[64];
    uint64_t in_addr[64], out_addr[64];
    int rc;
    if (argc != 2) {
        printf("usage: test_dma DIR\n");
        return 2;
    }
    load_data(argv[1], &x, &y, &y_expected, &in, &out);

    /* Reset and start. */
    model_reset(NORMAL);
    rc = jet_tagger_dma_init(&dma, BASE);
    CHECK(rc == JET_TAGGER_OK, "init: %s", jet_tagger_strerror(rc));
    CHECK(n_writes >= 3 && writes[0].offset == JET_TAGGER_DMA_MM2S_DMACR && writes[0].value == JET_TAGGER_DMACR_RESET,
          "init starts with a reset");
    CHECK(find_write(1, JET_TAGGER_DMA_S2MM_DMACR, JET_TAGGER_DMACR_RS, 0) < n_writes &&
              find_write(1, JET_TAGGER_DMA_MM2S_DMACR, JET_TAGGER_DMACR_RS, 0) < n_writes,
          "init sets RS on both channels");
    CHECK(dma.max_transfer == 0x3FFFFFFu, "max_transfer 2^26 - 1");
    printf("ok: init resets the DMA and starts both channels\n");

    /* One batch. */
    n_writes = 0;
    rc = jet_tagger_predict(&dma, x, y, batch, in, out);
    check_prediction(rc, out, y, y_expected);
    count = check_sequences(in_lengths, out_lengths, in_addr, out_addr, 64);
    CHECK(count == 1, "%zu transfers", count);
    CHECK(in_lengths[0] == batch * JET_TAGGER_IN_SAMPLE_BYTES && out_lengths[0] == batch * JET_TAGGER_OUT_SAMPLE_BYTES,
          "lengths in bytes: %u, %u", in_lengths[0], out_lengths[0]);
    CHECK(in_addr[0] == (uint64_t)(uintptr_t)in + phys_offset && out_addr[0] == (uint64_t)(uintptr_t)out + phys_offset,
          "addresses with their MSB");
    CHECK(flushes >= 1 && invalidates >= 1, "cache hooks: %zu flushes, %zu invalidates", flushes, invalidates);
    CHECK(dma.s2mm_received == dma.s2mm_expected && dma.s2mm_expected == out_lengths[0], "S2MM_LENGTH read back");
    printf("ok: %zu samples: S2MM programmed before MM2S (RS, address + MSB, length in bytes), IOC cleared, "
           "outputs equal Rust's\n",
           batch);

    /* A small transfer limit: whole, aligned samples per transfer. */
    for (i = 1; i <= 3; ++i) {
        const size_t sample = JET_TAGGER_IN_SAMPLE_BYTES > JET_TAGGER_OUT_SAMPLE_BYTES ? JET_TAGGER_IN_SAMPLE_BYTES
                                                                                         : JET_TAGGER_OUT_SAMPLE_BYTES;
        size_t k;
        dma.max_transfer = (uint32_t)(sample * (4 * i + 1) + 3);
        n_writes = 0;
        memset(out, 0, batch * JET_TAGGER_OUT_SAMPLE_BYTES);
        rc = jet_tagger_dma_run(&dma, table_in, out, batch);
        CHECK(rc == JET_TAGGER_OK, "split run: %s", jet_tagger_strerror(rc));
        CHECK(memcmp(out, table_out, batch * JET_TAGGER_OUT_SAMPLE_BYTES) == 0, "split outputs");
        count = check_sequences(in_lengths, out_lengths, in_addr, out_addr, 64);
        total_in = total_out = 0;
        for (k = 0; k < count && k < 64; ++k) {
            CHECK(in_lengths[k] <= dma.max_transfer && out_lengths[k] <= dma.max_transfer, "transfer %zu too long", k);
            CHECK(in_lengths[k] % JET_TAGGER_IN_SAMPLE_BYTES == 0, "transfer %zu: part of a sample", k);
            CHECK((in_addr[k] % JET_TAGGER_IN_ALIGN) == 0 && (out_addr[k] % JET_TAGGER_OUT_ALIGN) == 0,
                  "transfer %zu unaligned", k);
            total_in += in_lengths[k];
            total_out += out_lengths[k];
        }
        CHECK(count > 1 && total_in == batch * JET_TAGGER_IN_SAMPLE_BYTES &&
                  total_out == batch * JET_TAGGER_OUT_SAMPLE_BYTES,
              "split: %zu transfers, %zu + %zu bytes", count, total_in, total_out);
        printf("ok: a %u-byte limit splits %zu samples into %zu aligned transfers\n", dma.max_transfer, batch, count);
    }
    dma.max_transfer = 0x3FFFFFFu;

    /* A batch larger than 2^26 - 1 bytes. */
    {
        const size_t n = 0x3FFFFFFu / JET_TAGGER_IN_SAMPLE_BYTES + 3;
        jet_tagger_in_word *big_in = (jet_tagger_in_word *)malloc(n * JET_TAGGER_IN_SAMPLE_BYTES);
        jet_tagger_out_word *big_out = (jet_tagger_out_word *)calloc(n, JET_TAGGER_OUT_SAMPLE_BYTES);
        size_t k, wrong = 0;
        for (k = 0; k < n; ++k) {
            memcpy(big_in + k * JET_TAGGER_N_IN, table_in + (k % batch) * JET_TAGGER_N_IN, JET_TAGGER_IN_SAMPLE_BYTES);
        }
        n_writes = 0;
        rc = jet_tagger_dma_run(&dma, big_in, big_out, n);
        CHECK(rc == JET_TAGGER_OK, "big run: %s", jet_tagger_strerror(rc));
        for (k = 0; k < n; ++k) {
            wrong += memcmp(big_out + k * JET_TAGGER_N_OUT, table_out + (k % batch) * JET_TAGGER_N_OUT,
                            JET_TAGGER_OUT_SAMPLE_BYTES) != 0;
        }
        count = check_sequences(in_lengths, out_lengths, in_addr, out_addr, 64);
        CHECK(wrong == 0, "%zu wrong samples", wrong);
        CHECK(count == 2 && in_lengths[0] <= 0x3FFFFFFu && in_lengths[1] <= 0x3FFFFFFu &&
                  (size_t)in_lengths[0] + in_lengths[1] == n * JET_TAGGER_IN_SAMPLE_BYTES,
              "big batch: %zu transfers", count);
        printf("ok: %zu samples (%zu bytes > 2^26 - 1) in %zu transfers of %u and %u bytes\n", n,
               n * JET_TAGGER_IN_SAMPLE_BYTES, count, in_lengths[0], in_lengths[1]);
        free(big_in);
        free(big_out);
    }

    /* Failures: each with its own code, the registers that said so kept in `dma`. */
    model_reset(STUCK_RESET);
    dma.poll_limit = 1000;
    rc = jet_tagger_dma_init(&dma, BASE);
    CHECK(rc == JET_TAGGER_ERR_RESET_TIMEOUT, "stuck reset: %d", rc);
    model_reset(NORMAL);
    rc = jet_tagger_dma_init(&dma, BASE);
    dma.poll_limit = 1000;
    CHECK(rc == JET_TAGGER_OK, "init after a stuck reset");
    mode = HANG;
    rc = jet_tagger_dma_run(&dma, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_MM2S_TIMEOUT && !(dma.mm2s_status & JET_TAGGER_DMASR_IDLE), "hang: %d, MM2S_DMASR 0x%x",
          rc, dma.mm2s_status);
    model_reset(NO_OUTPUT);
    jet_tagger_dma_init(&dma, BASE);
    dma.poll_limit = 1000;
    rc = jet_tagger_dma_run(&dma, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_S2MM_TIMEOUT && !(dma.s2mm_status & JET_TAGGER_DMASR_IDLE), "no output: %d", rc);
    model_reset(SHORT);
    jet_tagger_dma_init(&dma, BASE);
    rc = jet_tagger_dma_run(&dma, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_S2MM_LENGTH && dma.s2mm_received + JET_TAGGER_OUT_SAMPLE_BYTES == dma.s2mm_expected,
          "short packet: %d, received %u of %u", rc, dma.s2mm_received, dma.s2mm_expected);
    model_reset(DECERR);
    jet_tagger_dma_init(&dma, BASE);
    rc = jet_tagger_dma_run(&dma, table_in, out, batch);
    CHECK(rc == JET_TAGGER_ERR_S2MM_DMA && (dma.s2mm_status & JET_TAGGER_DMASR_DMA_DEC_ERR), "decode error: %d", rc);
    model_reset(NORMAL);
    jet_tagger_dma_init(&dma, BASE);
    phys_offset += 2;
    rc = jet_tagger_dma_run(&dma, table_in, out, batch);
    phys_offset -= 2;
    CHECK(rc == JET_TAGGER_ERR_ALIGNMENT && n_writes == 3, "unaligned buffer: %d", rc);
    CHECK(jet_tagger_dma_run(&dma, table_in, out, 0) == JET_TAGGER_ERR_ARGUMENT, "no sample");
    CHECK(jet_tagger_dma_run(&dma, NULL, out, 1) == JET_TAGGER_ERR_ARGUMENT, "NULL input");
    CHECK(jet_tagger_predict(&dma, x, NULL, 1, in, out) == JET_TAGGER_ERR_ARGUMENT, "NULL y");
    dma.max_transfer = 1;
    CHECK(jet_tagger_dma_run(&dma, table_in, out, 1) == JET_TAGGER_ERR_ARGUMENT, "a sample larger than a transfer");
    CHECK(strcmp(jet_tagger_strerror(JET_TAGGER_ERR_S2MM_LENGTH), jet_tagger_strerror(JET_TAGGER_ERR_S2MM_DMA)) != 0,
          "distinct messages");
    printf("ok: stuck reset, hang, missing output, short packet, decode error, misalignment and bad arguments "
           "each return their own code\n");

    return test_result();
}
