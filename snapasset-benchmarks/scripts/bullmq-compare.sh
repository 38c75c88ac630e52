#!/usr/bin/env bash
# Runs the queue benchmark of SnapAsset (RedisJobQueue + the engine's production worker with a
# no-op job) and of BullMQ (Queue + Worker with an empty processor) on one redis-server of its own,
# alternating, in two passes: quiet (the machine as it is) and loaded (a busy loop pinned to the
# last CPU). Prints both tables and SnapAsset-vs-BullMQ ratios (above 1 = SnapAsset better).
# BullMQ is installed from npm into .scratch/ (git-ignored).
# Needs: Java 17+, Maven, Node 18+ with npm. Uses redis-server from PATH, else the bundled one.
# Options (passed on): --rounds 3  --passes quiet,loaded  --scale 1.0  --port-rows true
# JAVA_OPTS is passed to the JVM, e.g. JAVA_OPTS=-Dindicators.threads=true prints wake-ups per thread.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SCRATCH="$ROOT/.scratch/bullmq"
BULLMQ_VERSION="${BULLMQ_VERSION:-6.7.0}"
IOREDIS_VERSION="${IOREDIS_VERSION:-5}" # BullMQ's optional peer dependency: its Redis client

mkdir -p "$SCRATCH"
if [ ! -f "$SCRATCH/node_modules/bullmq/package.json" ] \
    || ! grep -q "\"version\": \"$BULLMQ_VERSION\"" "$SCRATCH/node_modules/bullmq/package.json" \
    || [ ! -f "$SCRATCH/node_modules/ioredis/package.json" ]; then
  echo "installing bullmq@$BULLMQ_VERSION and ioredis@$IOREDIS_VERSION into $SCRATCH" >&2
  # not `npm init`: it names the package after its folder, and npm refuses to install "bullmq" into "bullmq"
  [ -f "$SCRATCH/package.json" ] || echo '{"name":"snapasset-bullmq-comparison","private":true}' > "$SCRATCH/package.json"
  (cd "$SCRATCH" \
    && npm install --no-audit --no-fund --silent "bullmq@$BULLMQ_VERSION" "ioredis@$IOREDIS_VERSION")
fi
cp "$ROOT/snapasset-benchmarks/scripts/bullmq-bench.mjs" "$SCRATCH/"

source "$(dirname "$0")/build-classpath.sh" # sets ROOT and CP, cd to ROOT

exec java ${JAVA_OPTS:-} -Xms512m -Xmx512m -cp "$CP" com.snapasset.benchmarks.queue.QueueBenchmark \
  --bullmq "$SCRATCH/bullmq-bench.mjs" --node "${NODE:-node}" "$@"
