package com.snapasset.benchmarks.queue;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Forwards every call to a queue and counts the completions it recorded: the benchmark's
 * in-process "completed" signal, as BullMQ's {@code worker.on('completed')} is its side's. Every
 * method is forwarded, defaults included, so the worker sees the queue's own implementations.
 */
final class CountingQueue implements JobQueue {
  private final JobQueue q;
  private final LongAdder completed = new LongAdder();
  private volatile @Nullable Runnable onComplete;

  CountingQueue(JobQueue q) {
    this.q = q;
  }

  long completed() {
    return completed.sum();
  }

  void onComplete(@Nullable Runnable action) {
    this.onComplete = action;
  }

  private boolean counted(boolean done) {
    if (done) {
      completed.increment();
      Runnable r = onComplete;
      if (r != null) {
        r.run();
      }
    }
    return done;
  }

  @Override public AddResult add(NewJob job) { return q.add(job); }
  @Override public CompletableFuture<AddResult> addAsync(NewJob job) { return q.addAsync(job); }
  @Override public Claim claim(ClaimRequest request) { return q.claim(request); }
  @Override public void awaitWork(Duration maxWait) throws InterruptedException { q.awaitWork(maxWait); }
  @Override public Claim awaitWorkAndClaim(Duration maxWait, ClaimRequest request) throws InterruptedException {
    return q.awaitWorkAndClaim(maxWait, request);
  }
  @Override public LockStatus renewLock(JobId id, String token, Duration d) { return q.renewLock(id, token, d); }
  @Override public boolean progress(JobId id, String token, int p) { return q.progress(id, token, p); }
  @Override public boolean complete(JobId id, String token, String result) {
    return counted(q.complete(id, token, result));
  }
  @Override public Completion completeAndClaim(JobId id, String token, String result, ClaimRequest next) {
    Completion done = q.completeAndClaim(id, token, result, next);
    counted(done.completed());
    return done;
  }
  @Override public Completions completeAllAndClaim(List<FinishedJob> finished, List<ClaimRequest> next) {
    Completions done = q.completeAllAndClaim(finished, next);
    done.completed().forEach(this::counted);
    return done;
  }
  @Override public boolean fail(JobId id, String token, String reason, @Nullable Instant retryAt) {
    return q.fail(id, token, reason, retryAt);
  }
  @Override public boolean release(JobId id, String token) { return q.release(id, token); }
  @Override public boolean postpone(JobId id, String token, Instant until, String reason) {
    return q.postpone(id, token, until, reason);
  }
  @Override public void rateLimit(Duration duration) { q.rateLimit(duration); }
  @Override public void heartbeat(String workerId, Duration ttl) { q.heartbeat(workerId, ttl); }
  @Override public void leave(String workerId) { q.leave(workerId); }
  @Override public SweepResult sweepStalled(int maxStalledCount, int maxWorkerLosses) {
    return q.sweepStalled(maxStalledCount, maxWorkerLosses);
  }
  @Override public SweepResult sweepStalled(int maxStalledCount) { return q.sweepStalled(maxStalledCount); }
  @Override public Optional<QueuedJob> find(JobId id) { return q.find(id); }
  @Override public List<QueuedJob> list(JobState state, int offset, int limit) { return q.list(state, offset, limit); }
  @Override public QueueStats stats() { return q.stats(); }
  @Override public void pause() { q.pause(); }
  @Override public void resume() { q.resume(); }
  @Override public boolean isPaused() { return q.isPaused(); }
  @Override public int clean(JobState state, Duration grace, int limit) { return q.clean(state, grace, limit); }
  @Override public boolean remove(JobId id) { return q.remove(id); }
  @Override public boolean cancel(JobId id) { return q.cancel(id); }
  @Override public boolean retry(JobId id) { return q.retry(id); }
  @Override public Subscription subscribe(QueueEventListener listener) { return q.subscribe(listener); }
  @Override public Subscription subscribe(Set<QueueEvent.Type> types, QueueEventListener listener) {
    return q.subscribe(types, listener);
  }
  @Override public void close() { q.close(); }
}
