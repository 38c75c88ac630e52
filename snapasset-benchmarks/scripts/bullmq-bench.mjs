// The BullMQ side of QueueBenchmark: the same workload on the same redis-server.
// Usage: node bullmq-bench.mjs redis://127.0.0.1:PORT '{"addSequential":...}'
// Prints progress to stderr and one JSON line of results to stdout.
import { Queue, Worker, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { readdirSync, readFileSync } from 'node:fs';

const url = new URL(process.argv[2]);
const w = JSON.parse(process.argv[3]);
const connection = { host: url.hostname, port: Number(url.port), maxRetriesPerRequest: null };
const WARM_UP = { addSequential: 3000, addConcurrent: 5000, addConcurrency: 32, process: 5000,
  latencyJobs: 200, latencySpacingMicros: 1000, latencyConcurrency: 10 };
let counter = 0;

// Per-job indicators that do not depend on machine load, measured as QueueBenchmark's Indicators
// class measures SnapAsset's side: context switches of this process's threads and of
// redis-server's (/proc/<pid>/task/*/status), CPU time of each, Redis commands and script calls.
const infoClient = new IORedis(connection);
const indicators = {};
const info = async (section) => Object.fromEntries((await infoClient.info(section)).split(/\r?\n/)
  .filter((l) => l.includes(':') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
const redisPid = Number((await info('server')).process_id);
function switches(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      out.set(tid, [Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(s)[1]), Number(/^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(s)[1])]);
    } catch { /* the thread ended */ }
  }
  return out;
}
function delta(before, after) {
  const d = [0, 0];
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? [0, 0];
    d[0] += now[0] - then[0];
    d[1] += now[1] - then[1];
  }
  return d;
}
const calls = (stats, cmd) => Number((/calls=(\d+)/.exec(stats[`cmdstat_${cmd}`] ?? '') ?? [0, 0])[1]);
async function startIndicators() {
  return { own: switches(process.pid), redis: switches(redisPid), cpu: process.cpuUsage(),
    redisCpu: await info('cpu'), stats: await info('stats'), commands: await info('commandstats') };
}
async function recordIndicators(row, since, jobs) {
  const own = delta(since.own, switches(process.pid));
  const cpu = process.cpuUsage(since.cpu);
  const theirs = delta(since.redis, switches(redisPid));
  const redisCpu = await info('cpu');
  const stats = await info('stats');
  const commands = await info('commandstats');
  const seconds = (c) => Number(c.used_cpu_user) + Number(c.used_cpu_sys);
  const m = {
    ctx_vol: own[0] / jobs,
    ctx_invol: own[1] / jobs,
    cpu_us: (cpu.user + cpu.system) / jobs,
    redis_cpu_us: (seconds(redisCpu) - seconds(since.redisCpu)) * 1e6 / jobs,
    redis_ctx: (theirs[0] + theirs[1]) / jobs,
    redis_cmds: (Number(stats.total_commands_processed) - Number(since.stats.total_commands_processed) - 3) / jobs,
    scripts: (calls(commands, 'evalsha') + calls(commands, 'eval') - calls(since.commands, 'evalsha')
      - calls(since.commands, 'eval')) / jobs,
  };
  for (const [k, v] of Object.entries(m)) indicators[`${row}/${k}`] = v;
}

const now = () => process.hrtime.bigint();
const seconds = (t0) => Number(now() - t0) / 1e9;
const sleepMicros = (us) => new Promise((r) => setTimeout(r, us / 1000));

async function newQueue() {
  const q = new Queue(`bullmq-bench-${process.pid}-${++counter}`, { connection });
  await q.waitUntilReady();
  return q;
}

async function addAll(q, n, callers) {
  let next = 0;
  const t0 = now();
  await Promise.all(Array.from({ length: callers }, async () => {
    for (let i = next++; i < n; i = next++) {
      await q.add('j', {}, { jobId: `j${i}` });
    }
  }));
  return seconds(t0);
}

async function addSequential(n) {
  const q = await newQueue();
  const since = await startIndicators();
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await q.add('j', {}, { jobId: `j${i}` });
  }
  const s = seconds(t0);
  await recordIndicators('add_sequential_per_s', since, n);
  await q.close();
  return n / s;
}

async function addConcurrent(n, callers) {
  const q = await newQueue();
  const since = await startIndicators();
  const s = await addAll(q, n, callers);
  await recordIndicators('add_concurrent_per_s', since, n);
  await q.close();
  return n / s;
}

async function processJobs(n, concurrency) {
  const q = await newQueue();
  await addAll(q, n, 32);
  let done = 0;
  let finish;
  const finished = new Promise((r) => { finish = r; });
  const worker = new Worker(q.name, async () => {}, { connection, concurrency, autorun: false });
  worker.on('completed', () => { if (++done === n) finish(); });
  await worker.waitUntilReady();
  const since = await startIndicators();
  const t0 = now();
  worker.run();
  await finished;
  const s = seconds(t0);
  await recordIndicators(`process_c${concurrency}_per_s`, since, n);
  await worker.close();
  await q.close();
  return n / s;
}

async function latency(n, spacingMicros, concurrency) {
  const q = await newQueue();
  const events = new QueueEvents(q.name, { connection });
  await events.waitUntilReady();
  const addedAt = new Map();
  const latencies = [];
  let finish;
  const finished = new Promise((r) => { finish = r; });
  events.on('completed', ({ jobId }) => {
    const t = addedAt.get(jobId);
    if (t !== undefined) {
      latencies.push(Number(now() - t) / 1e6);
      if (latencies.length === n) finish();
    }
  });
  const worker = new Worker(q.name, async () => {}, { connection, concurrency });
  await worker.waitUntilReady();
  const since = await startIndicators();
  for (let i = 0; i < n; i++) {
    addedAt.set(`j${i}`, now());
    await q.add('j', {}, { jobId: `j${i}` });
    await sleepMicros(spacingMicros);
  }
  await finished;
  await recordIndicators('latency', since, n);
  await worker.close();
  await events.close();
  await q.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.max(0, Math.min(n - 1, Math.ceil(p * n) - 1))];
  return [pct(0.5), pct(0.99)];
}

async function run(wl) {
  const out = {};
  out.add_sequential_per_s = await addSequential(wl.addSequential);
  out.add_concurrent_per_s = await addConcurrent(wl.addConcurrent, wl.addConcurrency);
  for (const c of [1, 10, 50]) {
    out[`process_c${c}_per_s`] = await processJobs(wl.process, c);
  }
  const [p50, p99] = await latency(wl.latencyJobs, wl.latencySpacingMicros, wl.latencyConcurrency);
  out.latency_p50_ms = p50;
  out.latency_p99_ms = p99;
  return out;
}

const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(
  new URL('./node_modules/bullmq/package.json', import.meta.url), 'utf8'));
console.error(`bullmq ${pkg.version}, node ${process.version}`);
await run(WARM_UP);
const results = await run(w);
console.log(`INDICATORS ${JSON.stringify(indicators)}`);
console.log(JSON.stringify(results));
process.exit(0);
