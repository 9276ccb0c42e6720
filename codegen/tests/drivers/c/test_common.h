/*
 * What the C tests of the generated header share: it includes jet_tagger_driver.h and reads the test
 * data Rust wrote. A test of a hardware model defines TEST_HARDWARE_MODEL before including it, and
 * gets with it:
 *   - the header's register, cache and address hooks routed to the test's model_read / model_write
 *     and counters (defined before the driver header, as the header asks);
 *   - CHECK, which counts failures, and test_result, which reports them;
 *   - the PL: a table of the words Rust computed (Bus::encode of the inputs -> the outputs);
 *   - check_prediction, which checks a predict of the whole batch against that table;
 *   - load_data, which fills that table and the float buffers from DIR.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TEST_HARDWARE_MODEL
static uint32_t model_read(uintptr_t base, uintptr_t offset);
static void model_write(uintptr_t base, uintptr_t offset, uint32_t value);
static size_t flushes, invalidates;
/* Physical addresses seen by the hardware: the pointer plus an offset above 4 GiB, so a lost MSB shows. */
static uint64_t phys_offset = UINT64_C(0x800000000);

#define JET_TAGGER_REG_READ(base, offset) model_read((base), (offset))
#define JET_TAGGER_REG_WRITE(base, offset, value) model_write((base), (offset), (value))
#define JET_TAGGER_CACHE_FLUSH(addr, bytes) ((void)(addr), (void)(bytes), ++flushes)
#define JET_TAGGER_CACHE_INVALIDATE(addr, bytes) ((void)(addr), (void)(bytes), ++invalidates)
#define JET_TAGGER_PHYS_ADDR(ptr) ((uint64_t)(uintptr_t)(ptr) + phys_offset)
#endif

#include "jet_tagger_driver.h"

/* The contents of DIR/name (exits on failure); its size in bytes in *size. */
static void *read_file(const char *dir, const char *name, size_t *size)
{
    char path[4096];
    FILE *f;
    void *data;
    long n;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        printf("FAIL: cannot open %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc((size_t)n + 1);
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
        printf("FAIL: cannot read %s\n", path);
        exit(1);
    }
    fclose(f);
    *size = (size_t)n;
    return data;
}

#ifdef TEST_HARDWARE_MODEL

static int failures;
#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                              \
        if (!(cond)) {                                                                                                \
            printf("FAIL (line %d): ", __LINE__);                                                                     \
            printf(__VA_ARGS__);                                                                                      \
            printf("\n");                                                                                             \
            failures++;                                                                                               \
        }                                                                                                             \
    } while (0)

/* The exit status of the test: 1 with the count of failed checks, or 0 when all passed. */
static int test_result(void)
{
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("all checks passed\n");
    return 0;
}

/* ---- the PL: Rust's words ---- */

static size_t batch;
static jet_tagger_in_word *table_in;
static jet_tagger_out_word *table_out;
/* Samples the PL was sent that Rust's Bus::encode does not make. */
static int unknown_pl_words;

/* The output words of one sample of input words, or NULL (counted) for words Rust did not make. */
static const jet_tagger_out_word *pl_answer(const jet_tagger_in_word *sample)
{
    size_t i;
    for (i = 0; i < batch; ++i) {
        if (memcmp(sample, table_in + i * JET_TAGGER_N_IN, JET_TAGGER_IN_SAMPLE_BYTES) == 0) {
            return table_out + i * JET_TAGGER_N_OUT;
        }
    }
    unknown_pl_words++;
    return NULL;
}

/* Checks what predict of the whole batch returned (`rc`), the PL was sent (Rust's input words only),
 * wrote (`out`: Rust's output words) and decoded (`y`: equal to `y_expected`). */
static void check_prediction(int rc, const jet_tagger_out_word *out, const float *y, const float *y_expected)
{
    CHECK(rc == JET_TAGGER_OK, "predict: %s", jet_tagger_strerror(rc));
    CHECK(unknown_pl_words == 0, "the driver sent %d samples of words Rust's Bus::encode does not make",
          unknown_pl_words);
    CHECK(memcmp(out, table_out, batch * JET_TAGGER_OUT_SAMPLE_BYTES) == 0, "output words");
    CHECK(memcmp(y, y_expected, batch * JET_TAGGER_N_OUT * sizeof(float)) == 0, "predictions differ from Bus::decode");
}

/*
 * Reads DIR's x.bin (the inputs, doubles that are floats), in_words.bin and out_words.bin (the PL's
 * table, setting `batch`) and y.bin (the expected predictions); allocates the floats *x, room for
 * the predictions *y and room for the batch's words *in and *out.
 */
static void load_data(const char *dir, float **x, float **y, float **y_expected, jet_tagger_in_word **in,
                      jet_tagger_out_word **out)
{
    size_t size, i;
    const double *x64 = (const double *)read_file(dir, "x.bin", &size);
    batch = size / sizeof(double) / JET_TAGGER_N_IN;
    table_in = (jet_tagger_in_word *)read_file(dir, "in_words.bin", &size);
    table_out = (jet_tagger_out_word *)read_file(dir, "out_words.bin", &size);
    *y_expected = (float *)read_file(dir, "y.bin", &size);
    *x = (float *)malloc(batch * JET_TAGGER_N_IN * sizeof(float));
    *y = (float *)malloc(batch * JET_TAGGER_N_OUT * sizeof(float));
    for (i = 0; i < batch * JET_TAGGER_N_IN; ++i) {
        (*x)[i] = (float)x64[i]; /* the values are floats: exact */
    }
    free((void *)x64);
    *in = (jet_tagger_in_word *)malloc(batch * JET_TAGGER_IN_SAMPLE_BYTES);
    *out = (jet_tagger_out_word *)malloc(batch * JET_TAGGER_OUT_SAMPLE_BYTES);
}

#endif /* TEST_HARDWARE_MODEL */
