// Entry point: runs every suite in a fixed order and reports the number of cases on stderr.
#include "conformance.h"

unsigned long long conf::g_cases = 0;

int main() {
    suite_convert_a();
    suite_convert_b();
    suite_convert_c();
    suite_fixed_arith();
    suite_int_arith();
    suite_bits_misc();
    fflush(stdout);
    fprintf(stderr, "cases: %llu\n", conf::g_cases);
    return 0;
}
