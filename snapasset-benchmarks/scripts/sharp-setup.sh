# Sourced by compare-with-sharp.sh and compare-crops.sh (not run on its own): sets `here`,
# `scratch` and `inputs` (the script's arguments, else every image in images/), installs sharp into
# the git-ignored .scratch/ when missing, and builds this module.
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
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
