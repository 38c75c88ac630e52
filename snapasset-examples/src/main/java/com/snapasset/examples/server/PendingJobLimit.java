package com.snapasset.examples.server;

import com.snapasset.AssetGenerator;
import com.snapasset.Job;
import com.snapasset.JobId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A cap on the unfinished jobs (waiting, delayed or active) one user may have: past it, new jobs
 * are refused with {@link ErrorCode#JOB_LIMIT_EXCEEDED} until one finishes.
 *
 * <p>Counts the jobs this server created. A user's set is re-checked against the queue only when
 * it reaches the cap, so finished, cancelled or cleaned-up jobs drop out and each set stays at
 * most the cap in size; the common path costs no queue call.
 */
final class PendingJobLimit {
  private final int max;
  private final AssetGenerator generator;
  private final Map<String, Set<JobId>> byUser = new ConcurrentHashMap<>();

  /** @param max unfinished jobs per user; 0 turns the cap off */
  PendingJobLimit(int max, AssetGenerator generator) {
    this.max = max;
    this.generator = generator;
  }

  /**
   * Runs {@code submit} for {@code userId} unless the user is at the cap; one user's checks and
   * submissions are serialised so that two requests cannot both take the last place.
   *
   * @throws ApiException with {@link ErrorCode#JOB_LIMIT_EXCEEDED} when the user is at the cap
   */
  JobId submit(String userId, Supplier<JobId> submit) {
    if (max == 0) {
      return submit.get();
    }
    Set<JobId> pending = byUser.computeIfAbsent(userId, k -> ConcurrentHashMap.newKeySet());
    synchronized (pending) {
      if (pending.size() >= max) {
        pending.removeIf(id -> generator.job(id).map(Job::isFinished).orElse(true));
      }
      if (pending.size() >= max) {
        throw new ApiException(ErrorCode.JOB_LIMIT_EXCEEDED,
            "user " + userId + " has " + pending.size() + " unfinished jobs, the most allowed at once is " + max
                + "; wait for one to finish",
            List.of(), Map.of());
      }
      JobId id = submit.get();
      pending.add(id);
      return id;
    }
  }
}
