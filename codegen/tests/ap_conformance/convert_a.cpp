// Conversion cases, narrow targets (1 to 8 bits, integer bits from -2 to 4).
#include "convert.h"

void suite_convert_a() {
    using namespace conf;
    convert_few_modes<1, 1, true>(101);
    convert_few_modes<1, 0, false>(102);
    convert_all_modes<3, 2, true>(103);
    convert_some_modes<4, 4, false>(104);
    convert_few_modes<5, -2, true>(105);
    convert_some_modes<8, 3, true>(106);
    convert_few_modes<8, 3, false>(107);
}
