package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.internal.NoOpWorkers;
import com.snapasset.spi.JobQueue;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Runs the workload on {@link RedisJobQueue}. Processing and latency use the engine's production
 * worker ({@link NoOpWorkers}: {@code QueueWorker} with lock renewal, heartbeats, stalled sweeps,
 * cancel events and job timeouts) with a handler that does nothing, as BullMQ's side uses its
 * {@code Worker} with an empty processor. Optional {@code port_*} rows run the older minimal loop
 * over the {@code JobQueue} port (claim, complete, {@code awaitWork}), which has no BullMQ
 * counterpart: the queue's own cost without the worker around it.
 */
final class SnapAssetQueueRunner {
  private static final Duration LOCK = Duration.ofSeconds(30);
  private static final String PAYLOAD = "{}";

  private final String url;
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicLong queueCounter = new AtomicLong();
  private final Indicators indicators;
  /** The last run's per-job indicators, keyed {@code row/metric} (see {@link Indicators}). */
  private final Map<String, Double> lastIndicators = new LinkedHashMap<>();

  SnapAssetQueueRunner(String url) {
    this.url = url;
    this.indicators = new Indicators(url);
  }

  /** Per-job indicators of the last {@link #run}, keyed {@code row/metric}. */
  Map<String, Double> lastIndicators() {
    return new LinkedHashMap<>(lastIndicators);
  }

  private void record(String row, Indicators.Snapshot since, int jobs) {
    since.stop(jobs).forEach((metric, v) -> lastIndicators.put(row + "/" + metric, v));
  }

  /** Measures every row; keys match the BullMQ script's output. */
  Map<String, Double> run(Workload w, boolean portRows) throws Exception {
    lastIndicators.clear();
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("add_sequential_per_s", addSequential(w.addSequential()));
    out.put("add_concurrent_per_s", addInFlight(w.addConcurrent(), w.addConcurrency()));
    out.put("add_concurrent_threads_per_s", addConcurrent(w.addConcurrent(), w.addConcurrency()));
    for (int c : Workload.PROCESS_CONCURRENCY) {
      out.put("process_c" + c + "_per_s", processWithWorker(w.process(), c));
    }
    double[] latency = latencyWithWorker(w.latencyJobs(), w.latencySpacingMicros(), w.latencyConcurrency());
    out.put("latency_p50_ms", latency[0]);
    out.put("latency_p99_ms", latency[1]);
    if (portRows) {
      for (int c : Workload.PROCESS_CONCURRENCY) {
        out.put("port_process_c" + c + "_per_s", process(w.process(), c));
      }
    }
    return out;
  }

  private static WorkerOptions workerOptions(int concurrency) {
    return WorkerOptions.builder().concurrency(concurrency).build(); // otherwise the defaults
  }

  double processWithWorker(int n, int concurrency) throws InterruptedException {
    try (CountingQueue q = new CountingQueue(newQueue())) {
      addAll(q, n, 32);
      CountDownLatch done = new CountDownLatch(n);
      q.onComplete(done::countDown);
      Indicators.Snapshot since = indicators.start();
      long t0 = System.nanoTime();
      try (Worker worker = NoOpWorkers.start(q, workerOptions(concurrency), 0)) {
        if (!done.await(2, TimeUnit.MINUTES)) {
          throw new IllegalStateException("jobs left unprocessed: " + done.getCount());
        }
        long nanos = System.nanoTime() - t0;
        record("process_c" + concurrency + "_per_s", since, n); // before close: its threads end then
        return perSecond(n, nanos);
      }
    }
  }

  private double[] latencyWithWorker(int n, int spacingMicros, int concurrency) throws InterruptedException {
    try (RedisJobQueue q = newQueue();
        Worker worker = NoOpWorkers.start(q, workerOptions(concurrency), 0)) {
      Indicators.Snapshot since = indicators.start();
      double[] latency = trickle(q, n, spacingMicros);
      record("latency", since, n);
      return latency;
    }
  }

  /** Adds {@code n} jobs {@code spacingMicros} apart; returns add→completed-event p50 and p99 (ms). */
  private static double[] trickle(RedisJobQueue q, int n, int spacingMicros) throws InterruptedException {
    Map<String, Long> addedAt = new ConcurrentHashMap<>();
    long[] latencies = new long[n];
    AtomicInteger heard = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Subscription sub = q.subscribe(e -> {
      if (e.type() == QueueEvent.Type.COMPLETED) {
        Long t = addedAt.get(e.jobId().value());
        if (t != null) {
          latencies[heard.getAndIncrement()] = System.nanoTime() - t;
          done.countDown();
        }
      }
    });
    try {
      for (int i = 0; i < n; i++) {
        addedAt.put("j" + i, System.nanoTime());
        q.add(job(i));
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(spacingMicros)); // pacing the trickle
      }
      if (!done.await(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("completions not heard: " + done.getCount());
      }
    } finally {
      sub.close();
    }
    Arrays.sort(latencies);
    return new double[] {percentile(latencies, 0.50), percentile(latencies, 0.99)};
  }

  private RedisJobQueue newQueue() {
    return RedisJobQueue.builder().url(url).queueName("bench-" + runId + "-" + queueCounter.incrementAndGet())
        .maxConnections(80).build();
  }

  private static NewJob job(int i) {
    return new NewJob(JobId.of("j" + i), PAYLOAD, 5, 1, -1, -1);
  }

  private double addSequential(int n) {
    try (RedisJobQueue q = newQueue()) {
      Indicators.Snapshot since = indicators.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        q.add(job(i));
      }
      long nanos = System.nanoTime() - t0;
      record("add_sequential_per_s", since, n);
      return perSecond(n, nanos);
    }
  }

  /** {@code callers} threads, each adding with the blocking {@code add}. */
  private double addConcurrent(int n, int callers) throws InterruptedException {
    return addFromThreads(n, callers, false);
  }

  /**
   * {@code callers} threads, each adding with the blocking {@code add} or (with {@code join})
   * with {@code addAsync(job).join()}; indicators under {@code add_concurrent_threads_per_s} or
   * {@code add_threads_join_per_s} in {@link #lastIndicators}. See {@link BlockingAddProbe}.
   */
  double addFromThreads(int n, int callers, boolean join) throws InterruptedException {
    String row = join ? "add_threads_join_per_s" : "add_concurrent_threads_per_s";
    BiConsumer<JobQueue, NewJob> adder = join ? (q, job) -> q.addAsync(job).join() : JobQueue::add;
    try (RedisJobQueue q = newQueue()) {
      Indicators.Snapshot since = indicators.start();
      long nanos = addAll(q, n, callers, adder, () -> record(row, since, n));
      return perSecond(n, nanos);
    }
  }

  /**
   * {@code inFlight} adds outstanding at any time, none with a thread waiting for it: as BullMQ's
   * side, {@code inFlight} chains of {@code await queue.add(..)} on one event loop, each chain
   * making its next add once its previous one is answered ({@code addAsync}'s future completes).
   */
  private double addInFlight(int n, int inFlight) throws InterruptedException {
    try (RedisJobQueue q = newQueue()) {
      Indicators.Snapshot since = indicators.start();
      AtomicInteger next = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch chainsDone = new CountDownLatch(inFlight);
      long t0 = System.nanoTime();
      for (int c = 0; c < inFlight; c++) {
        addNext(q, n, next, chainsDone, failure);
      }
      if (!chainsDone.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("adds still in flight after 2 minutes");
      }
      long nanos = System.nanoTime() - t0;
      if (failure.get() != null) {
        throw new IllegalStateException("an add failed", failure.get());
      }
      record("add_concurrent_per_s", since, n); // before close: the dispatcher thread ends then
      return perSecond(n, nanos);
    }
  }

  private static void addNext(JobQueue q, int n, AtomicInteger next, CountDownLatch chainsDone,
      AtomicReference<Throwable> failure) {
    int i = next.getAndIncrement();
    if (i >= n) {
      chainsDone.countDown();
      return;
    }
    q.addAsync(job(i)).whenComplete((added, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
      }
      addNext(q, n, next, chainsDone, failure);
    });
  }

  /** Adds jobs 0..n-1 from {@code callers} threads; returns the nanoseconds it took. */
  private static long addAll(JobQueue q, int n, int callers) throws InterruptedException {
    return addAll(q, n, callers, JobQueue::add, () -> {});
  }

  /**
   * As above, each job added with {@code adder}; {@code whileAlive} runs once every job is added,
   * before the adder threads end (their context switches are counted from /proc while they exist).
   */
  private static long addAll(JobQueue q, int n, int callers, BiConsumer<JobQueue, NewJob> adder,
      Runnable whileAlive) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch added = new CountDownLatch(callers);
    CountDownLatch exit = new CountDownLatch(1);
    for (int t = 0; t < callers; t++) {
      threads.add(started("bench-adder-" + t, () -> {
        awaitQuietly(start);
        for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
          adder.accept(q, job(i));
        }
        added.countDown();
        awaitQuietly(exit);
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    added.await();
    long nanos = System.nanoTime() - t0;
    try {
      whileAlive.run();
    } finally {
      exit.countDown();
    }
    for (Thread t : threads) {
      t.join();
    }
    return nanos;
  }

  private double process(int n, int concurrency) throws InterruptedException {
    try (RedisJobQueue q = newQueue()) {
      addAll(q, n, 32);
      CountDownLatch done = new CountDownLatch(n);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> workers = startWorkers(q, concurrency, stop, done::countDown);
      long t0 = System.nanoTime();
      startSignal.countDown();
      if (!done.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("jobs left unprocessed: " + done.getCount());
      }
      long nanos = System.nanoTime() - t0;
      stopWorkers(workers, stop);
      return perSecond(n, nanos);
    }
  }

  private CountDownLatch startSignal = new CountDownLatch(1);

  private List<Thread> startWorkers(RedisJobQueue q, int concurrency, AtomicBoolean stop, Runnable onDone) {
    startSignal = new CountDownLatch(1);
    CountDownLatch go = startSignal;
    AtomicLong tokens = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      workers.add(started("bench-worker-" + c, () -> {
        awaitQuietly(go);
        while (!stop.get()) {
          String token = "t" + tokens.incrementAndGet();
          Optional<QueuedJob> job = q.claim(new ClaimRequest(token, LOCK, null)).job();
          if (job.isPresent()) {
            if (q.complete(job.get().id(), token, "")) {
              onDone.run();
            }
          } else {
            try {
              q.awaitWork(Duration.ofMillis(200));
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }));
    }
    return workers;
  }

  private static void stopWorkers(List<Thread> workers, AtomicBoolean stop) throws InterruptedException {
    stop.set(true);
    for (Thread t : workers) {
      t.join(5_000);
    }
  }

  private static Thread started(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static double perSecond(int n, long nanos) {
    return n / (nanos / 1e9);
  }

  private static double percentile(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
