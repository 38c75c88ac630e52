#!/usr/bin/env bash
# Runs RedisJobQueue's no-op throughput on one redis-server and on a 3-master / 3-replica Redis
# Cluster, in one run (ClusterQueueBenchmark), and prints a table and the cluster / one-server ratios.
# Needs: Java 17+, Maven, redis-server 7 on PATH (or pass --single-url / --cluster-url).
# Other arguments: --queues 6 --threads 8 --jobs 5000 --rounds 2 --cluster-replicas 1.
set -euo pipefail
source "$(dirname "$0")/build-classpath.sh" # sets ROOT and CP, cd to ROOT
exec java -Xms512m -Xmx512m -cp "$CP" com.snapasset.benchmarks.queue.ClusterQueueBenchmark "$@"
