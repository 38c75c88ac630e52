#!/usr/bin/env bash
# Side-by-side: the nine presets rendered from one 1024 x 1024 photograph by SnapAsset (Java) and by
# Sharp (libvips), in the same run; prints time, bytes and SSIM ratios per format.
# Usage: snapasset-benchmarks/compare-with-sharp.sh [ITERATIONS]   (default 3; needs Java 17, Maven, Node 20, npm)
#        POSITION=centre snapasset-benchmarks/compare-with-sharp.sh   (crop position; default attention)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
iterations="${1:-3}"
scratch="$here/.scratch"          # git-ignored: node_modules and the rendered files
input="$here/images/flower-1024.png"

mkdir -p "$scratch"
if [ ! -d "$scratch/node_modules/sharp" ]; then
  echo "installing sharp into $scratch ..."
  # npm init would name the package after the folder, and ".scratch" is not a valid package name
  [ -f "$scratch/package.json" ] || echo '{"name":"snapasset-sharp-comparison","private":true}' > "$scratch/package.json"
  (cd "$scratch" && npm install --no-audit --no-fund --silent sharp@0.35)
fi
echo "building snapasset-benchmarks ..."
(cd "$here/.." && mvn -q -pl snapasset-benchmarks -am package -DskipTests)

out="$scratch/compare"
rm -rf "$out" && mkdir -p "$out"
node "$here/sharp-render.cjs" "$input" "$out" "$iterations"
java -cp "$here/target/benchmarks.jar" com.snapasset.benchmarks.SharpComparison "$input" "$out" "$iterations"
