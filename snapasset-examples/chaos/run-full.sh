#!/usr/bin/env bash
# The full chaos run: 3 100 jobs (100 of them repeating an earlier prompt) submitted over five
# minutes to an API node and three worker JVMs on Redis (AOF) and s3proxy, with a fake OpenAI
# server injecting 10 % 429s, 5 % 500s and 2 % hangs; a worker SIGKILLed every 15 s, the provider
# unreachable for 15 s, Redis SIGKILLed and restarted on its AOF, S3 stopped for 10 s, a 429 burst.
# Prints one summary and fails unless: 0 lost, 0 stuck, 0 completed twice, 0 files wrong, 0 failed,
# at most one extra payment per SIGKILL, takeover p95 <= 10 s. About 10-20 minutes.
#
#   snapasset-examples/chaos/run-full.sh [run-folder]    # logs of every process stay in the folder
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:-$(mktemp -d -t snapasset-chaos-XXXXXX)}"
mkdir -p "$dir"
echo "chaos run folder: $dir"
status=0
mvn -B -ntp -pl snapasset-examples -am verify \
  -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dchaos.variant=full -Dchaos.dir="$dir" > "$dir/maven.log" 2>&1 || status=$?
out=snapasset-examples/target/surefire-reports/com.snapasset.examples.chaos.ChaosTest-output.txt
grep -h "\[chaos" "$out" 2>/dev/null || true
sed -n '/CHAOS SUMMARY/,/failure reasons/p' "$out" 2>/dev/null || true
grep -E "Tests run:.*Chaos|BUILD|ERROR\]   " "$dir/maven.log" || true
exit $status
