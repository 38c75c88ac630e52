package com.snapasset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a job is queued and retried. Defaults follow the original SnapAsset guide: priority 5,
 * 3 attempts, exponential backoff from 2 s (2, 4, 8 s) with jitter, a 5-minute timeout per attempt.
 *
 * @param priority {@value #MIN_PRIORITY}–{@value #MAX_PRIORITY}; lower is served first, FIFO within
 *     one priority
 * @param attempts 1–{@value #MAX_ATTEMPTS} tries in all, the first included
 * @param backoff delay before each retry
 * @param timeout limit of one attempt, 1 s to 1 h; past it the attempt is cancelled and fails
 * @param jobId a caller-chosen id for de-duplication, or null for a random one
 * @param keepCompleted how many completed jobs the queue keeps (the newest); -1 keeps all
 * @param keepFailed how many failed jobs the queue keeps (the newest); -1 keeps all
 */
public record JobOptions(
    int priority,
    int attempts,
    Backoff backoff,
    Duration timeout,
    @Nullable JobId jobId,
    int keepCompleted,
    int keepFailed) {

  /** The most urgent priority. */
  public static final int MIN_PRIORITY = 1;
  /** The least urgent priority. */
  public static final int MAX_PRIORITY = 1000;
  /** The most attempts a job may be given. */
  public static final int MAX_ATTEMPTS = 25;
  private static final JobOptions DEFAULTS = builder().build();

  /**
   * Checks the components; see the class description.
   *
   * @param priority {@value #MIN_PRIORITY}–{@value #MAX_PRIORITY}; lower is served first, FIFO
   *     within one priority
   * @param attempts 1–{@value #MAX_ATTEMPTS} tries in all, the first included
   * @param backoff delay before each retry
   * @param timeout limit of one attempt, 1 s to 1 h; past it the attempt is cancelled and fails
   * @param jobId a caller-chosen id for de-duplication, or null for a random one
   * @param keepCompleted how many completed jobs the queue keeps (the newest); -1 keeps all
   * @param keepFailed how many failed jobs the queue keeps (the newest); -1 keeps all
   */
  public JobOptions {
    List<String> problems = new ArrayList<>();
    if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      problems.add(
          "priority " + priority + " is out of range: use " + MIN_PRIORITY + "-" + MAX_PRIORITY
              + " (lower is served first)");
    }
    if (attempts < 1 || attempts > MAX_ATTEMPTS) {
      problems.add("attempts " + attempts + " is out of range: use 1-" + MAX_ATTEMPTS);
    }
    if (backoff == null) {
      problems.add("backoff is missing");
    }
    if (timeout == null
        || timeout.compareTo(Duration.ofSeconds(1)) < 0
        || timeout.compareTo(Duration.ofHours(1)) > 0) {
      problems.add("timeout " + timeout + " is out of range: use 1 s to 1 h");
    }
    if (keepCompleted < -1) {
      problems.add("keepCompleted " + keepCompleted + " is out of range: use -1 (all) or more");
    }
    if (keepFailed < -1) {
      problems.add("keepFailed " + keepFailed + " is out of range: use -1 (all) or more");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
  }

  /**
   * The defaults described above, with a random job id.
   *
   * @return priority 5, 3 attempts, exponential backoff from 2 s, 5 minute timeout
   */
  public static JobOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .priority(priority)
        .attempts(attempts)
        .backoff(backoff)
        .timeout(timeout)
        .jobId(jobId)
        .keepCompleted(keepCompleted)
        .keepFailed(keepFailed);
  }

  /** Builds {@link JobOptions}; ranges are checked by {@link #build()}, all at once. */
  public static final class Builder {
    private int priority = 5;
    private int attempts = 3;
    private Backoff backoff = Backoff.exponential(Duration.ofSeconds(2));
    private Duration timeout = Duration.ofMinutes(5);
    private @Nullable JobId jobId;
    private int keepCompleted = 1000;
    private int keepFailed = 1000;

    private Builder() {}

    /**
     * Sets {@link JobOptions#priority() priority}: {@value JobOptions#MIN_PRIORITY}–{@value
     * JobOptions#MAX_PRIORITY}; lower is served first, FIFO within one priority.
     *
     * @param priority the value
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets {@link JobOptions#attempts() attempts}: 1–{@value JobOptions#MAX_ATTEMPTS} tries in all,
     * the first included.
     *
     * @param attempts the value
     * @return this builder
     */
    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /**
     * Sets {@link JobOptions#backoff() backoff}: delay before each retry.
     *
     * @param backoff the value
     * @return this builder
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * Sets {@link JobOptions#timeout() timeout}: limit of one attempt, 1 s to 1 h; past it the
     * attempt is cancelled and fails.
     *
     * @param timeout the value
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets {@link JobOptions#jobId() jobId}: a caller-chosen id for de-duplication, or null for a
     * random one.
     *
     * @param jobId the id, or null for a random one
     * @return this builder
     */
    public Builder jobId(@Nullable JobId jobId) {
      this.jobId = jobId;
      return this;
    }

    /**
     * Sets {@link JobOptions#jobId() jobId}: a caller-chosen id for de-duplication, or null for a
     * random one.
     *
     * @param jobId the id; see {@link JobId#of}
     * @return this builder
     */
    public Builder jobId(String jobId) {
      return jobId(JobId.of(jobId));
    }

    /**
     * Sets {@link JobOptions#keepCompleted() keepCompleted}: how many completed jobs the queue
     * keeps (the newest); -1 keeps all.
     *
     * @param keepCompleted the value
     * @return this builder
     */
    public Builder keepCompleted(int keepCompleted) {
      this.keepCompleted = keepCompleted;
      return this;
    }

    /**
     * Sets {@link JobOptions#keepFailed() keepFailed}: how many failed jobs the queue keeps (the
     * newest); -1 keeps all.
     *
     * @param keepFailed the value
     * @return this builder
     */
    public Builder keepFailed(int keepFailed) {
      this.keepFailed = keepFailed;
      return this;
    }

    /**
     * Checks every option at once.
     *
     * @return the options
     */
    public JobOptions build() {
      return new JobOptions(priority, attempts, backoff, timeout, jobId, keepCompleted, keepFailed);
    }
  }
}
