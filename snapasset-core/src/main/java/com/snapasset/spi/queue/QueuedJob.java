package com.snapasset.spi.queue;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.spi.JobQueue;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a job as a {@link JobQueue} holds it.
 *
 * @param id the id
 * @param payload opaque data given when added
 * @param state the state
 * @param priority lower is claimed first
 * @param progress 0–100
 * @param attemptsMade finished attempts
 * @param maxAttempts attempts allowed
 * @param stalledCount how often its lock expired while active
 * @param createdAt when added
 * @param processedAt when the latest attempt started
 * @param finishedAt when it completed or failed for good
 * @param delayedUntil when a delayed job becomes ready
 * @param result opaque result, once completed
 * @param failedReason reason of the latest failed attempt
 */
public record QueuedJob(
    JobId id,
    String payload,
    JobState state,
    int priority,
    int progress,
    int attemptsMade,
    int maxAttempts,
    int stalledCount,
    Instant createdAt,
    @Nullable Instant processedAt,
    @Nullable Instant finishedAt,
    @Nullable Instant delayedUntil,
    @Nullable String result,
    @Nullable String failedReason) {

  public QueuedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
