#!/usr/bin/env bash
# Runs ProcessProfile: only the queue benchmark's "process cN, worker" rows (SnapAsset's production
# worker, no-op job), repeated, one line per round with its rate and per-job indicators.
# Builds the benchmarks module and what it needs in this checkout first (package with -am, no
# install: never stale SNAPSHOT jars from ~/.m2), writing the classpath in the same Maven command.
# Arguments (passed on): [concurrency,...=10,50] [rounds=10] [jobs=15000] [redis-url]
# Without a redis-url ProcessProfile starts a redis-server of its own on a free loopback port
# (redis-server from PATH, else the bundled one) and stops it at the end.
# JAVA_OPTS is passed to the JVM, e.g. JAVA_OPTS=-Dindicators.threads=true prints wake-ups per thread.
set -euo pipefail

source "$(dirname "$0")/build-classpath.sh" # sets ROOT and CP, cd to ROOT

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
if [ $# -ge 4 ]; then
  echo "redis-server: the one at $4 ($(redis-cli -u "$4" INFO server 2>/dev/null | grep -m1 redis_version | tr -d '\r' || echo 'version unknown: no redis-cli'))"
elif command -v redis-server >/dev/null; then
  echo "redis-server: $(command -v redis-server), $(redis-server --version)"
else
  echo "redis-server: not on PATH; ProcessProfile starts the one embedded-redis bundles"
fi

exec java ${JAVA_OPTS:-} -Xms512m -Xmx512m -cp "$CP" com.snapasset.benchmarks.queue.ProcessProfile "$@"
