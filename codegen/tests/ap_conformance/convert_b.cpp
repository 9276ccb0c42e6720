// Conversion cases, medium targets (16 to 48 bits, integer bits from 1 to 50).
#include "convert.h"

void suite_convert_b() {
    using namespace conf;
    convert_some_modes<16, 6, true>(201);
    convert_few_modes<24, 12, false>(202);
    convert_some_modes<32, 16, true>(203);
    convert_few_modes<32, 32, false>(204);
    convert_few_modes<33, 1, true>(205);
    convert_few_modes<48, 50, true>(206);
}
