// Conversion cases, wide targets (53 to 128 bits, integer bits from -5 to 128).
#include "convert.h"

void suite_convert_c() {
    using namespace conf;
    convert_few_modes<53, 20, true>(301);
    convert_few_modes<63, 31, true>(302);
    convert_some_modes<64, 32, true>(303);
    convert_few_modes<64, 64, false>(304);
    convert_all_modes<65, 33, true>(305);
    convert_few_modes<100, -5, true>(306);
    convert_few_modes<128, 64, true>(307);
    convert_few_modes<128, 128, false>(308);
}
