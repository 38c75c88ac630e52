package com.snapasset.spi.queue;

import com.snapasset.JobId;
import com.snapasset.spi.JobQueue;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A state change a {@link JobQueue} publishes.
 *
 * @param type what happened
 * @param jobId to which job
 * @param number the progress for {@link Type#PROGRESS}, the attempt (1-based) for {@link
 *     Type#ACTIVE}, else 0
 * @param data the result for {@link Type#COMPLETED}, the reason for {@link Type#RETRYING} and
 *     {@link Type#FAILED}, else null
 */
public record QueueEvent(Type type, JobId jobId, int number, @Nullable String data) {

  /** The kinds of state change. */
  public enum Type {
    ADDED,
    ACTIVE,
    PROGRESS,
    COMPLETED,
    RETRYING,
    FAILED,
    STALLED,
    REMOVED
  }

  public QueueEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
  }
}
