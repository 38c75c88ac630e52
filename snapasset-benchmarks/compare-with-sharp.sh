#!/usr/bin/env bash
# Side-by-side: the nine presets rendered from each input image by SnapAsset (Java) and by Sharp
# (libvips) in the same run, their rounds interleaved; prints time, bytes, SSIM (and palette PSNR)
# ratios per input and overall, for PNG level 9, PNG default, the guide's palette PNG, WebP and JPEG.
# Usage: snapasset-benchmarks/compare-with-sharp.sh [ITERATIONS] [INPUT...]
#          ITERATIONS default 5; INPUT default every image in snapasset-benchmarks/images/
#        POSITION=centre ...   crop position (default attention)
#        FORMATS=png9,png ...  settings to compare (png9, png, palette, webp, jpeg; default all)
# Needs Java 17, Maven, Node 20, npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
iterations="${1:-5}"
shift || true
scratch="$here/.scratch"          # git-ignored: node_modules and the rendered files
if [ "$#" -gt 0 ]; then
  inputs=("$@")
else
  inputs=("$here"/images/*.png "$here"/images/*.jpg)
fi

mkdir -p "$scratch"
if [ ! -d "$scratch/node_modules/sharp" ]; then
  echo "installing sharp into $scratch ..."
  # npm init would name the package after the folder, and ".scratch" is not a valid package name
  [ -f "$scratch/package.json" ] || echo '{"name":"snapasset-sharp-comparison","private":true}' > "$scratch/package.json"
  (cd "$scratch" && npm install --no-audit --no-fund --silent sharp@0.35)
fi
echo "building snapasset-benchmarks ..."
(cd "$here/.." && mvn -q -B -ntp -pl snapasset-benchmarks -am package -DskipTests)

out="$scratch/compare"
rm -rf "$out" && mkdir -p "$out"
java -cp "$here/target/benchmarks.jar" com.snapasset.benchmarks.SharpComparison \
  "$here/sharp-render.cjs" "$out" "$iterations" "${inputs[@]}"
