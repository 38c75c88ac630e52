#!/usr/bin/env bash
# Crop windows side by side: for each input and the nine presets, the cover-crop window SnapAsset
# keeps and the one Sharp keeps (sharp's info.cropOffsetLeft/Top), with the SSIM of the two JPEG
# q85 renditions. A table row per crop; "differs" marks a different window.
# Usage: snapasset-benchmarks/compare-crops.sh [INPUT...]   (default: every image in images/)
#        POSITION=entropy ...   crop position (default attention)
#        FORMAT=png ...         compare lossless PNG renditions (resampling alone) instead of JPEG q85
# Needs Java 17, Maven, Node 20, npm.
set -euo pipefail
source "$(dirname "$0")/scripts/sharp-setup.sh" "$@"
out="$scratch/crops"
rm -rf "$out" && mkdir -p "$out"
java -cp "$here/target/benchmarks.jar" com.snapasset.benchmarks.CropComparison \
  "$here/sharp-crop-windows.cjs" "$out" "${inputs[@]}"
