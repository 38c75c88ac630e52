#!/usr/bin/env bash
# Redis instructions per add (valgrind's callgrind: a count, not a time, so a busy machine does not
# move it) on the path users run: the real RedisJobQueue, its batcher and scripts, driven by
# AddInstructionsProbe. Three phases of ADDS adds each: "lone" (the blocking add, one at a time),
# "25" and "64" (addAsync with that many in flight, so the batcher sends combined calls of up to
# about that many; the probe prints the adds per EVALSHA call it actually got). Each phase runs in a
# JVM of its own against a fresh redis-server under callgrind, counting only
#   (a) evalsha: inside evalShaCommand (the script calls), and
#   (b) path:    inside readQueryFromClient + handleClientsWithPendingWritesUsingThreads (reading,
#                parsing, running and answering every command: the command path, not the idle loop);
# Redis writes the count when it exits. Each run's count less that of the same phase with 0 adds
# (connect, the one add that loads the script, the INFO reads, shutdown) is what the ADDS adds cost.
#
# Usage: add-instructions.sh [--adds 1000] [--compare OTHER_CHECKOUT]
#   Measures this checkout's queue. With --compare, also OTHER_CHECKOUT's (another clone of this
#   project, e.g. one at an older commit; it needs no copy of this script or the probe, only
#   snapasset-benchmarks/scripts/build-classpath.sh, there since c73f803) with the same probe and
#   the same redis-server, and prints both side by side with the change (this / other - 1), e.g.
#     git clone -q <repo> /tmp/base && git -C /tmp/base checkout -q c55dbfb
#     snapasset-benchmarks/scripts/add-instructions.sh --compare /tmp/base
# Needs: valgrind (apt-get install -y valgrind), redis-server and redis-cli on PATH, Java 17+,
# Maven. Each checkout is built with package -am (never install). 24 Redis runs with --compare,
# about 2-4 minutes on 2 cores; the result does not depend on the load.
set -euo pipefail

ADDS=1000
OTHER=""
while [ $# -gt 0 ]; do
  case "$1" in
    --adds) ADDS=$2; shift 2 ;;
    --compare) OTHER=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--adds N] [--compare OTHER_CHECKOUT]" >&2; exit 2 ;;
  esac
done
for tool in valgrind redis-server redis-cli java mvn; do
  if ! command -v "$tool" >/dev/null; then
    echo "add-instructions.sh: $tool not found on PATH." >&2
    [ "$tool" = valgrind ] && echo "  Install it with: apt-get install -y valgrind (or your system's package)." >&2
    exit 1
  fi
done
if [ -n "$OTHER" ] && [ ! -f "$OTHER/snapasset-benchmarks/scripts/build-classpath.sh" ]; then
  echo "add-instructions.sh: $OTHER has no snapasset-benchmarks/scripts/build-classpath.sh (a checkout older than c73f803?)" >&2
  exit 1
fi
START=$SECONDS

source "$(dirname "$0")/build-classpath.sh" # sets ROOT and CP, cd to ROOT
# Only the probe's classes, ahead of each checkout's own: both checkouts run the same probe.
PROBE="$ROOT/.scratch/add-instructions-probe"
rm -rf "$PROBE"
mkdir -p "$PROBE/com/snapasset/benchmarks/queue"
cp "$ROOT"/snapasset-benchmarks/target/classes/com/snapasset/benchmarks/queue/AddInstructionsProbe*.class \
  "$PROBE/com/snapasset/benchmarks/queue/"
THIS_CP="$PROBE:$CP"
if [ -n "$OTHER" ]; then
  # The other checkout's own build-classpath.sh, in a subshell: its ROOT, its modules, its Maven output to stderr.
  OTHER_CP="$PROBE:$(source "$OTHER/snapasset-benchmarks/scripts/build-classpath.sh" >&2; echo "$CP")"
fi

DIR=$(mktemp -d)
VP=""
trap '[ -n "$VP" ] && kill "$VP" 2>/dev/null; rm -rf "$DIR"' EXIT
PORT=$((20000 + RANDOM % 20000))

# run CLASSPATH PHASE ADDS TOGGLE -> sets IR (Ir counted) and LINE (the probe's line)
run() {
  local toggles
  if [ "$4" = evalsha ]; then
    toggles=(--toggle-collect=evalShaCommand)
  else
    toggles=(--toggle-collect=readQueryFromClient --toggle-collect=handleClientsWithPendingWritesUsingThreads)
  fi
  rm -f "$DIR/cg" "$DIR/redis.log"
  valgrind --tool=callgrind "${toggles[@]}" --callgrind-out-file="$DIR/cg" \
    redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" \
    >"$DIR/redis.log" 2>"$DIR/valgrind.log" &
  VP=$!
  # Its log, not a PING: the same commands reach Redis however long it takes to start.
  for _ in $(seq 600); do
    grep -q 'Ready to accept connections' "$DIR/redis.log" 2>/dev/null && break
    kill -0 "$VP" 2>/dev/null || { cat "$DIR/valgrind.log" "$DIR/redis.log" >&2; exit 1; }
    sleep 0.1
  done
  LINE=$(java -Xms256m -Xmx256m -XX:+UseSerialGC -cp "$1" com.snapasset.benchmarks.queue.AddInstructionsProbe \
    "redis://127.0.0.1:$PORT" "$2" "$3")
  redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  wait "$VP" || true
  VP=""
  IR=$(awk '/^(summary|totals):/ {print $2; exit}' "$DIR/cg")
}

# measure NAME CLASSPATH: prints one line per phase and counter, and keeps the figures in R_*
measure() {
  local phase toggle ir0
  for phase in lone 25 64; do
    for toggle in evalsha path; do
      run "$2" "$phase" 0 "$toggle"
      ir0=$IR
      run "$2" "$phase" "$ADDS" "$toggle"
      local per=$(awk -v a="$IR" -v b="$ir0" -v n="$ADDS" 'BEGIN {printf "%.0f", (a - b) / n}')
      local apc=$(sed -n 's/.*adds_per_call=\([0-9.]*\).*/\1/p' <<<"$LINE")
      printf -v "R_${1}_${phase}_${toggle}" '%s %s' "$per" "$apc"
      printf '%-6s phase=%-4s %-7s Ir=%s Ir_0_adds=%s Ir_per_add=%s | %s\n' "$1" "$phase" "$toggle" "$IR" "$ir0" "$per" "$LINE"
    done
  done
}

echo "redis-server: $(command -v redis-server), $(redis-server --version | cut -d' ' -f1-3); $(valgrind --version); adds per phase: $ADDS"
echo "this: $ROOT ($(git -C "$ROOT" log -1 --format='%h %s' | cut -c1-70))"
[ -n "$OTHER" ] && echo "other: $OTHER ($(git -C "$OTHER" log -1 --format='%h %s' | cut -c1-70))"
[ -n "$OTHER" ] && measure other "$OTHER_CP"
measure this "$THIS_CP"

echo
echo "Redis instructions per add; (a) evalsha = inside EVALSHA, (b) path = the whole command path"
if [ -n "$OTHER" ]; then
  printf '%-6s %-11s %10s %10s %8s %15s\n' phase counter other this change 'adds/call o/t'
else
  printf '%-6s %-11s %10s %15s\n' phase counter this adds/call
fi
for phase in lone 25 64; do
  for toggle in evalsha path; do
    var="R_this_${phase}_${toggle}"; read -r t ta <<<"${!var}"
    label=$([ "$toggle" = evalsha ] && echo "(a) evalsha" || echo "(b) path")
    if [ -n "$OTHER" ]; then
      var="R_other_${phase}_${toggle}"; read -r o oa <<<"${!var}"
      printf '%-6s %-11s %10s %10s %7.1f%% %15s\n' "$phase" "$label" "$o" "$t" \
        "$(awk -v o="$o" -v t="$t" 'BEGIN {print (t / o - 1) * 100}')" "$oa/$ta"
    else
      printf '%-6s %-11s %10s %15s\n' "$phase" "$label" "$t" "$ta"
    fi
  done
done
echo "wall time: $((SECONDS - START)) s (builds included)"
