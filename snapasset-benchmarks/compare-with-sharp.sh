#!/usr/bin/env bash
# Side-by-side: the nine presets rendered from each input image by SnapAsset (Java) and by Sharp
# (libvips) in the same run, their rounds interleaved; prints time, bytes, SSIM (and palette PSNR)
# ratios per input and overall, for PNG level 9, PNG default, the guide's palette PNG, WebP and JPEG.
# Usage: snapasset-benchmarks/compare-with-sharp.sh [ITERATIONS] [INPUT...]
#          ITERATIONS default 5; INPUT default every image in snapasset-benchmarks/images/
#        POSITION=centre ...   crop position (default attention)
#        WARMUP=1 ...          unmeasured rounds per input and setting first (default 3: a warm JVM)
#        FORMATS=png9,png ...  settings to compare (png9, png, palette, webp, jpeg; default all)
# Needs Java 17, Maven, Node 20, npm.
set -euo pipefail
iterations="${1:-5}"
shift || true
source "$(dirname "$0")/scripts/sharp-setup.sh" "$@"

out="$scratch/compare"
rm -rf "$out" && mkdir -p "$out"
java -cp "$here/target/benchmarks.jar" com.snapasset.benchmarks.SharpComparison \
  "$here/sharp-render.cjs" "$out" "$iterations" "${inputs[@]}"
