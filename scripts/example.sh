#!/usr/bin/env bash
# The main job on the bundled example (models/jet_tagger/, a PYNQ-Z2 TOML):
#  1. print the layer table with the resolved precisions;
#  2. write the project (HLS firmware, AXI wrapper, Tcl, drivers, testbench) to the TOML's output_dir;
#  3. compile and run its C-simulation testbench against our host ap_* headers;
#  4. run the bit-accurate emulation over the 1000 test inputs and compare with Keras's float outputs
#     (max abs error, argmax agreement, overflows per layer);
#  5. run the same inputs through the compiled C simulation and check it gives the emulation's bits.
set -euo pipefail
cd "$(dirname "$0")/.."
toml=models/jet_tagger/jet_tagger.toml
prj=models/jet_tagger/hls4ml_prj_pynq
cargo build --release -p hls4ml-cli
hls4ml=target/release/hls4ml
$hls4ml inspect "$toml"
echo
$hls4ml convert "$toml"
echo
echo "C simulation of the generated firmware (testbench against the float model):"
mkdir -p target/example
g++ -std=c++11 -O1 -Wno-unknown-pragmas -I"$prj/firmware" -I"$prj/host_include" \
  "$prj/jet_tagger_test.cpp" "$prj/firmware/jet_tagger.cpp" -o target/example/jet_tagger_csim
(cd "$prj" && ../../../target/example/jet_tagger_csim | tail -n 1)
echo
echo "Bit-accurate emulation of the firmware on the 1000 test inputs:"
$hls4ml predict "$toml" --engine emulator \
  --input models/jet_tagger/X.npy --output target/example/y_emulated.npy \
  --reference models/jet_tagger/y_float.npy --trace target/example/trace
echo
echo "The same inputs through the C simulation of the generated C++:"
$hls4ml predict "$toml" --engine csim \
  --input models/jet_tagger/X.npy --output target/example/y_csim.npy \
  --reference models/jet_tagger/y_float.npy
cmp target/example/y_csim.npy target/example/y_emulated.npy
echo "C simulation and emulation: identical outputs, bit for bit"
echo
echo "The Vivado HLS / Vivado project is in $prj/ (build it with: $hls4ml build $toml --bitfile)"
