/*
 * The generated header's fixed-point conversions against Rust's Bus::encode / FixedType::to_f64, for
 * every type listed in DIR/codec.txt (one line per type: index, width, frac_bits, signed,
 * quantization, overflow, sat_bits, integer, word_bits, count, name), with the values, words and
 * decoded values in DIR/values<i>.bin, words<i>.bin, decoded<i>.bin.
 *
 *     test_codec DIR
 */
#include "test_common.h"

int main(int argc, char **argv)
{
    char path[4096], name[256];
    FILE *manifest;
    unsigned index, width, is_signed, sat_bits, is_integer, word_bits;
    int frac_bits, quantization, overflow;
    size_t count, total = 0, types = 0, failures = 0;
    if (argc != 2) {
        printf("usage: test_codec DIR\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/codec.txt", argv[1]);
    manifest = fopen(path, "r");
    if (!manifest) {
        printf("FAIL: cannot open %s\n", path);
        return 1;
    }
    while (fscanf(manifest, "%u %u %d %u %d %d %u %u %u %zu %255s", &index, &width, &frac_bits, &is_signed,
                  &quantization, &overflow, &sat_bits, &is_integer, &word_bits, &count, name) == 11) {
        const jet_tagger_fixed_type t = {width, frac_bits, (int)is_signed, quantization, overflow, sat_bits,
                                         (int)is_integer};
        const size_t word_bytes = word_bits / 8;
        const uint64_t mask = word_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << word_bits) - 1);
        char file[64];
        size_t size, i, bad_words = 0, bad_values = 0;
        const double *values, *decoded;
        const unsigned char *words;
        snprintf(file, sizeof file, "values%u.bin", index);
        values = (const double *)read_file(argv[1], file, &size);
        snprintf(file, sizeof file, "words%u.bin", index);
        words = (const unsigned char *)read_file(argv[1], file, &size);
        snprintf(file, sizeof file, "decoded%u.bin", index);
        decoded = (const double *)read_file(argv[1], file, &size);
        for (i = 0; i < count; ++i) {
            uint64_t expected = 0, got;
            double back;
            size_t b;
            for (b = 0; b < word_bytes; ++b) {
                expected |= (uint64_t)words[i * word_bytes + b] << (8 * b);
            }
            got = jet_tagger_fixed_from_double(values[i], &t) & mask;
            if (got != expected) {
                if (bad_words++ == 0) {
                    printf("FAIL: %s: %.17g -> 0x%llx, Bus::encode 0x%llx\n", name, values[i], (unsigned long long)got,
                           (unsigned long long)expected);
                }
            }
            back = jet_tagger_fixed_to_double(expected, &t);
            if (memcmp(&back, &decoded[i], sizeof back) != 0) {
                if (bad_values++ == 0) {
                    printf("FAIL: %s: 0x%llx decodes to %.17g, Rust %.17g\n", name,
                           (unsigned long long)expected, back, decoded[i]);
                }
            }
        }
        if (bad_words || bad_values) {
            printf("FAIL: %s: %zu words and %zu values of %zu differ\n", name, bad_words, bad_values, count);
            failures++;
        }
        total += count;
        types++;
        free((void *)values);
        free((void *)words);
        free((void *)decoded);
    }
    fclose(manifest);
    if (failures || types == 0) {
        printf("%zu types failed\n", failures);
        return 1;
    }
    printf("ok: %zu values of %zu types equal Bus::encode and FixedType::to_f64\n", total, types);
    printf("all checks passed\n");
    return 0;
}
