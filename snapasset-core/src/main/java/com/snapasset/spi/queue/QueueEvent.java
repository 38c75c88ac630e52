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
    /** A job was added. */
    ADDED,
    /** A worker claimed a job. */
    ACTIVE,
    /** A job reported progress. */
    PROGRESS,
    /** A job completed. */
    COMPLETED,
    /** An attempt failed; the job will be retried. */
    RETRYING,
    /** A job failed for good. */
    FAILED,
    /** A job's lock expired. */
    STALLED,
    /** A job was removed. */
    REMOVED,
    /**
     * Someone asked for the active job to be cancelled: its worker stops it at once (the lock
     * renewal also says so, later, should this event be missed).
     */
    CANCEL_REQUESTED
  }

  /**
   * Checks the components; see the class description.
   *
   * @param type what happened
   * @param jobId to which job
   * @param number the progress for {@link Type#PROGRESS}, the attempt (1-based) for {@link
   *     Type#ACTIVE}, else 0
   * @param data the result for {@link Type#COMPLETED}, the reason for {@link Type#RETRYING} and
   *     {@link Type#FAILED}, else null
   */
  public QueueEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
  }
}
