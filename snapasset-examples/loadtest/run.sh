#!/usr/bin/env bash
# The guide's load test against `snapasset serve` on embedded defaults, plus a wrk run of
# GET /api/jobs/{id}. One command:  snapasset-examples/loadtest/run.sh
#
#   SCALE=0.5 run.sh   shortens every Artillery phase to half its length (default 1: 4 minutes)
#   WRK_SECONDS=30     length of the wrk run;  WRK_CONNECTIONS=32
#   PORT=3001          the server's port (loopback only)
#
# Artillery is installed from npm into loadtest/.scratch (git-ignored); wrk comes from Debian's apt
# (apt-get install wrk) and is skipped with a note when missing. Results go to loadtest/.scratch/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
scratch="$here/.scratch"
port="${PORT:-3001}"
scale="${SCALE:-1}"
mkdir -p "$scratch"

if [ ! -x "$scratch/node_modules/.bin/artillery" ]; then
  echo "Installing Artillery into $scratch ..." >&2
  # No install scripts: they would download Playwright browsers, which this HTTP scenario never uses.
  (cd "$scratch" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --ignore-scripts --no-audit --no-fund \
    --loglevel=error artillery@2 >&2)
fi

"$root/snapasset" --version >/dev/null   # builds the jar when it is missing or stale
jar="$root/snapasset-examples/target/snapasset.jar"

out="$scratch/output-$port"
rm -rf "$out"
# The guide's scenario sends every job as one user ("test-user"): the per-user limits (20 jobs an
# hour, 10 unfinished at once) would refuse nearly all of them, so they are off here. Back-pressure
# is off too: at 20 jobs/s a 2-core machine renders slower than jobs arrive, and the test measures
# the API, not the backlog.
# One render thread and one job at a time leave a core for the API and the load generator.
java -Xms256m -Xmx512m -jar "$jar" serve --host 127.0.0.1 --port "$port" --output "$out" \
  --jobs-per-hour 0 --max-pending-jobs 0 --critical-queue-depth 0 --concurrency 1 --render-threads 1 \
  >"$scratch/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null

SCALE="$scale" PORT="$port" node -e '
  const fs = require("fs");
  const s = Number(process.env.SCALE);
  process.stdout.write(fs.readFileSync(process.argv[1], "utf8")
    .replace("http://127.0.0.1:3001", "http://127.0.0.1:" + process.env.PORT)
    .replace(/duration: (\d+)/g, (m, d) => "duration: " + Math.max(1, Math.round(d * s))));
' "$here/load-test.yml" > "$scratch/load-test.scaled.yml"
echo "Artillery phases (scale $scale): $(grep -o "duration: [0-9]*" "$scratch/load-test.scaled.yml" | tr "\n" " ")" >&2
"$scratch/node_modules/.bin/artillery" run --output "$scratch/report.json" "$scratch/load-test.scaled.yml" \
  > "$scratch/artillery.log" 2>&1 || true
echo "== Artillery (guide's scenario) ==" | tee "$scratch/summary.txt"
status=0
node "$here/summarize.js" "$scratch/report.json" | tee -a "$scratch/summary.txt" || status=1
curl -fsS "http://127.0.0.1:$port/api/queue/stats" | tee -a "$scratch/summary.txt"; echo | tee -a "$scratch/summary.txt"

if command -v wrk >/dev/null 2>&1; then
  job=$(curl -fsS -H 'Content-Type: application/json' \
    -d '{"userId":"wrk-user","prompt":"Test image","platforms":["instagram-post"],"options":{"priority":1}}' \
    "http://127.0.0.1:$port/api/jobs" | sed -E 's/.*"jobId":"([^"]+)".*/\1/')
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/api/jobs/$job" | grep -q '"status":"completed"' && break
    sleep 0.5
  done
  # Jobs left from the Artillery run would render in the background: pause the queue, let the
  # active job finish, and measure the API alone.
  curl -fsS -X POST "http://127.0.0.1:$port/api/queue/pause" >/dev/null
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/api/queue/stats" | grep -q '"active":0' && break
    sleep 0.5
  done
  echo "== wrk: GET /api/jobs/{id} (completed job, ${WRK_SECONDS:-30} s, ${WRK_CONNECTIONS:-32} connections, 2 threads) ==" | tee -a "$scratch/summary.txt"
  wrk -t2 -c"${WRK_CONNECTIONS:-32}" -d"${WRK_SECONDS:-30}s" --latency "http://127.0.0.1:$port/api/jobs/$job" | tee -a "$scratch/summary.txt"
else
  echo "wrk is not installed (Debian: apt-get install wrk); skipping the wrk run" | tee -a "$scratch/summary.txt"
fi
exit $status
