#!/usr/bin/env bash
# What a lone add costs sent in add's combined form (as the Redis queue's batcher sends every add)
# against add's plain script: redis-benchmark, one connection, one add at a time ("add one by one"),
# the two forms interleaved for ROUNDS rounds on a private redis-server. Prints client-side adds/s
# Redis's own microseconds per call (INFO commandstats: wall time in the script, which a loaded
# machine inflates) and redis-server's CPU microseconds per add (INFO cpu, user + system: the
# steadier figure on a shared machine) for each, and their ratios (combined / plain).
# Usage: [PIPELINE=32] lone-add-form-cost.sh [rounds=5] [adds per round=20000]
# PIPELINE=32 keeps 32 adds in flight (still one connection, adds run one at a time): the
# network's share of Redis's time shrinks and the scripts' own cost shows better.
set -euo pipefail
ROUNDS=${1:-5}
N=${2:-20000}
PIPELINE=${PIPELINE:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LUA=$ROOT/snapasset-adapters-redis/src/main/resources/com/snapasset/redis/lua
PORT=$((20000 + RANDOM % 20000))
DIR=$(mktemp -d)
redis-server --port "$PORT" --save '' --appendonly no --dir "$DIR" --daemonize no >"$DIR/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
cli() { redis-cli -p "$PORT" "$@"; }
for _ in $(seq 50); do cli ping >/dev/null 2>&1 && break; sleep 0.1; done
# The same texts LuaScript builds: common.lua, then add.lua; the combined form wraps add's body.
{ cat "$LUA/common.lua"; echo; cat "$LUA/add.lua"; } >"$DIR/plain.lua"
python3 - "$LUA" "$ROOT" >"$DIR/combined.lua" <<'PY'
import re, sys
lua, root = sys.argv[1], sys.argv[2]
src = open(root + '/snapasset-adapters-redis/src/main/java/com/snapasset/redis/LuaScript.java').read()
driver = re.search(r'COMBINED_DRIVER = """\n(.*?)"""', src, re.S).group(1)
driver = '\n'.join(l[6:] if l.startswith('      ') else l for l in driver.split('\n'))
common = open(lua + '/common.lua').read()
body = open(lua + '/add.lua').read()
sys.stdout.write(common + '\n' + 'local function one(ARGV)\n' + body + '\nend\n' + driver)
PY
PLAIN=$(cli -x script load <"$DIR/plain.lua")
COMBINED=$(cli -x script load <"$DIR/combined.lua")
# Both forms add (reply {1}; the combined one {{1}}) before anything is timed.
[ "$(cli evalsha "$PLAIN" 1 'snapasset:{check}:' p '{}' 5 1 -1 -1 1)" = 1 ]
[ "$(cli evalsha "$COMBINED" 1 'snapasset:{check}:' 7 c '{}' 5 1 -1 -1 1)" = 1 ]
[ "$(cli zrange 'snapasset:{check}:wait' 0 -1 | tr '\n' ' ')" = "p c " ]
usec() { cli info commandstats | tr -d '\r' | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/\1/p'; }
cpu() { cli info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%.6f", s}'; }
run() { # form sha args... -> "adds/s usec_per_call cpu_usec_per_add"
  cli config resetstat >/dev/null
  local rps c0 c1
  c0=$(cpu)
  rps=$(redis-benchmark -p "$PORT" -c 1 -P "$PIPELINE" -n "$N" -r 1000000000 --csv evalsha "$@" | tail -1 | cut -d, -f2 | tr -d '"')
  c1=$(cpu)
  echo "$rps $(usec) $(echo "($c1 - $c0) * 1000000 / $N" | bc -l)"
}
echo "pipeline: $PIPELINE   adds per round and form: $N   load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %11s %11s %9s %9s %9s %9s %9s %9s %9s\n' round plain_add/s comb_add/s plain_us comb_us plain_cpu comb_cpu rate_c/p us_c/p cpu_c/p
for r in $(seq "$ROUNDS"); do
  P=$(run "$PLAIN" 1 'snapasset:{bench}:' "j__rand_int__" '{}' 5 1 -1 -1 1)
  C=$(run "$COMBINED" 1 'snapasset:{bench}:' 7 "c__rand_int__" '{}' 5 1 -1 -1 1)
  cli del 'snapasset:{bench}:wait' >/dev/null; cli flushall >/dev/null
  read -r pr pu pc <<<"$P"; read -r cr cu cc <<<"$C"
  printf '%-6s %11.0f %11.0f %9.2f %9.2f %9.2f %9.2f %9.3f %9.3f %9.3f\n' "$r" "$pr" "$cr" "$pu" "$cu" "$pc" "$cc" \
    "$(echo "$cr / $pr" | bc -l)" "$(echo "$cu / $pu" | bc -l)" "$(echo "$cc / $pc" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
