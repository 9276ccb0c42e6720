#!/usr/bin/env bash
# The main job on the bundled example: load the jet tagger's model+board TOML, print its layer table
# with the resolved precisions, and run the bit-accurate emulation of its firmware over the 1000 test
# inputs, comparing with Keras's own float outputs (max abs error, argmax agreement, overflows).
set -euo pipefail
cd "$(dirname "$0")/.."
toml=models/jet_tagger/jet_tagger.toml
cargo build --release -p hls4ml-cli
hls4ml=target/release/hls4ml
$hls4ml inspect "$toml"
mkdir -p target/example
$hls4ml predict "$toml" --engine emulator \
  --input models/jet_tagger/X.npy --output target/example/y_emulated.npy \
  --reference models/jet_tagger/y_float.npy --trace target/example/trace
