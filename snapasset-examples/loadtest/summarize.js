// Prints p50 / p95 / p99 per endpoint and the error count from an Artillery JSON report.
const fs = require("fs");
const report = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const agg = report.aggregate;
const rows = [];
for (const [name, s] of Object.entries(agg.summaries || {})) {
  const m = name.match(/^plugins\.metrics-by-endpoint\.response_time\.(.*)$/);
  if (m) rows.push([m[1], s.count, s.median, s.p95, s.p99, s.max]);
}
const all = agg.summaries["http.response_time"];
if (all) rows.push(["all requests", all.count, all.median, all.p95, all.p99, all.max]);
console.log("endpoint".padEnd(22) + "count".padStart(7) + "p50 ms".padStart(9) + "p95 ms".padStart(9) + "p99 ms".padStart(9) + "max ms".padStart(9));
for (const r of rows) {
  console.log(String(r[0]).padEnd(22) + String(r[1]).padStart(7) + r.slice(2).map((v) => String(v).padStart(9)).join(""));
}
const c = agg.counters || {};
const codes = Object.entries(c).filter(([k]) => k.startsWith("http.codes.")).map(([k, v]) => k.slice(11) + "=" + v);
const errors = Object.entries(c).filter(([k]) => k.startsWith("errors.")).reduce((n, [, v]) => n + v, 0);
const non2xx = Object.entries(c).filter(([k]) => /^http\.codes\.[^2]/.test(k)).reduce((n, [, v]) => n + v, 0);
console.log("requests " + (c["http.requests"] || 0) + ", status codes: " + codes.join(" ") +
  ", non-2xx " + non2xx + ", transport errors " + errors +
  ", scenarios " + (c["vusers.created"] || 0) + " started / " + (c["vusers.completed"] || 0) + " completed / " + (c["vusers.failed"] || 0) + " failed");
process.exitCode = errors + non2xx === 0 ? 0 : 1;
