#!/usr/bin/env bash
# CPU per job a worker JVM pays for hearing the Redis queue's all-events channel: the engine's
# production worker (no-op jobs) with nothing listening (a worker-only AssetGenerator now), with an
# all-events subscription (what every AssetGenerator opened at build time before issue 15's lazy
# subscription), and with a subscription opened and closed before the jobs (the queue unsubscribes
# its channel when the last listener leaves). Modes interleaved, ratios against "lazy" at the end.
# Needs: Java 17+, Maven. Uses redis-server from PATH, else the bundled one.
# Options: --jobs 10000  --rounds 5  --concurrency 10  --progress 0  --redis-url redis://...
set -euo pipefail

source "$(dirname "$0")/build-classpath.sh" # sets ROOT and CP, cd to ROOT

exec java -Xms512m -Xmx512m -cp "$CP" com.snapasset.benchmarks.queue.EventSubscriptionCost "$@"
