package com.snapasset;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Worker} runs. Defaults: 2 concurrent jobs (the guide's "start with 2-3"), a 30 s lock
 * renewed every 10 s, a heartbeat every second with a worker taken for dead after 5 s without one
 * (its jobs go back to waiting then, without counting a stall), a sweep for dead workers and
 * expired locks every 2 s, a job stalled more than once fails, a job whose workers died under it
 * more than 3 times fails as a poison pill, 30 s of grace on shutdown, no rate limit.
 *
 * @param concurrency jobs processed at once, 1–{@value #MAX_CONCURRENCY}
 * @param lockDuration how long a claim lasts unless renewed; a worker that dies loses its jobs after
 *     this
 * @param lockRenewInterval how often a running job's lock is renewed; less than lockDuration
 * @param stalledCheckInterval how often dead workers and expired locks are swept (cheap: a sweep
 *     reads only the expired parts of the queue's indexes)
 * @param maxStalledCount a job that stalls more often than this fails
 * @param shutdownGrace how long {@link Worker#close()} waits for active jobs
 * @param rateLimit jobs started per window across all workers of the queue, or null for none
 * @param heartbeatInterval how often the worker tells the queue it is alive; one call per worker,
 *     however many jobs it holds
 * @param workerTimeout how long after its last heartbeat a worker is taken for dead and its jobs
 *     are taken over; longer than heartbeatInterval, shorter than lockDuration
 * @param maxWorkerLosses a job whose workers died under it more often than this fails as a
 *     suspected poison pill
 */
public record WorkerOptions(
    int concurrency,
    Duration lockDuration,
    Duration lockRenewInterval,
    Duration stalledCheckInterval,
    int maxStalledCount,
    Duration shutdownGrace,
    @Nullable RateLimit rateLimit,
    Duration heartbeatInterval,
    Duration workerTimeout,
    int maxWorkerLosses) {

  /** The most jobs one worker may run at once. */
  public static final int MAX_CONCURRENCY = 256;

  /**
   * Checks the components; see the class description.
   *
   * @param concurrency jobs processed at once, 1–{@value #MAX_CONCURRENCY}
   * @param lockDuration how long a claim lasts unless renewed; a worker that dies loses its jobs
   *     after this
   * @param lockRenewInterval how often a running job's lock is renewed; less than lockDuration
   * @param stalledCheckInterval how often expired locks are swept
   * @param maxStalledCount a job that stalls more often than this fails
   * @param shutdownGrace how long {@link Worker#close()} waits for active jobs
   * @param rateLimit jobs started per window across all workers of the queue, or null for none
   * @param heartbeatInterval how often the worker tells the queue it is alive; positive and
   *     shorter than workerTimeout
   * @param workerTimeout how long after its last heartbeat a worker is taken for dead; positive and
   *     shorter than lockDuration
   * @param maxWorkerLosses a job whose workers died under it more often than this fails as a
   *     suspected poison pill; 0 or more
   * @throws IllegalArgumentException when a component is out of its range
   */
  public WorkerOptions {
    if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new IllegalArgumentException(
          "concurrency " + concurrency + " is out of range: use 1-" + MAX_CONCURRENCY);
    }
    requirePositive("lockDuration", lockDuration);
    requirePositive("lockRenewInterval", lockRenewInterval);
    requirePositive("stalledCheckInterval", stalledCheckInterval);
    if (lockRenewInterval.compareTo(lockDuration) >= 0) {
      throw new IllegalArgumentException(
          "lockRenewInterval " + lockRenewInterval + " must be shorter than lockDuration " + lockDuration);
    }
    if (maxStalledCount < 0) {
      throw new IllegalArgumentException("maxStalledCount must be >= 0, was " + maxStalledCount);
    }
    Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    if (shutdownGrace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must not be negative");
    }
    requirePositive("heartbeatInterval", heartbeatInterval);
    requirePositive("workerTimeout", workerTimeout);
    if (heartbeatInterval.compareTo(workerTimeout) >= 0) {
      throw new IllegalArgumentException(
          "heartbeatInterval " + heartbeatInterval + " must be shorter than workerTimeout " + workerTimeout);
    }
    if (workerTimeout.compareTo(lockDuration) >= 0) {
      // The lock is the backstop for queues without heartbeats: were it the shorter, a dead
      // worker's jobs would expire their locks first and be counted as stalls, blaming the job.
      throw new IllegalArgumentException(
          "workerTimeout " + workerTimeout + " must be shorter than lockDuration " + lockDuration);
    }
    if (maxWorkerLosses < 0) {
      throw new IllegalArgumentException("maxWorkerLosses must be >= 0, was " + maxWorkerLosses);
    }
  }

  /**
   * The defaults: the guide's settings.
   *
   * @return concurrency 2, 30 s lock renewed every 10 s, stalled sweep every 2 s
   */
  public static WorkerOptions defaults() {
    return builder().build();
  }

  /**
   * A builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  private static void requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** Builds {@link WorkerOptions}. */
  public static final class Builder {
    private int concurrency = 2;
    private Duration lockDuration = Duration.ofSeconds(30);
    private @Nullable Duration lockRenewInterval;
    private Duration stalledCheckInterval = Duration.ofSeconds(2);
    private int maxStalledCount = 1;
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private @Nullable RateLimit rateLimit;
    private @Nullable Duration heartbeatInterval;
    private @Nullable Duration workerTimeout;
    private int maxWorkerLosses = 3;

    private Builder() {}

    /**
     * Sets {@link WorkerOptions#concurrency() concurrency}: jobs processed at once, 1–{@value
     * WorkerOptions#MAX_CONCURRENCY}.
     *
     * @param concurrency the value
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Also sets the renew interval to a third of it, unless one was set explicitly.
     *
     * @param lockDuration the value
     * @return this builder
     */
    public Builder lockDuration(Duration lockDuration) {
      this.lockDuration = Objects.requireNonNull(lockDuration, "lockDuration");
      return this;
    }

    /**
     * Sets {@link WorkerOptions#lockRenewInterval() lockRenewInterval}: how often a running job's
     * lock is renewed; less than lockDuration.
     *
     * @param lockRenewInterval the value
     * @return this builder
     */
    public Builder lockRenewInterval(Duration lockRenewInterval) {
      this.lockRenewInterval = Objects.requireNonNull(lockRenewInterval, "lockRenewInterval");
      return this;
    }

    /**
     * Sets {@link WorkerOptions#stalledCheckInterval() stalledCheckInterval}: how often expired
     * locks are swept.
     *
     * @param stalledCheckInterval the value
     * @return this builder
     */
    public Builder stalledCheckInterval(Duration stalledCheckInterval) {
      this.stalledCheckInterval = Objects.requireNonNull(stalledCheckInterval, "stalledCheckInterval");
      return this;
    }

    /**
     * Sets {@link WorkerOptions#maxStalledCount() maxStalledCount}: a job that stalls more often
     * than this fails.
     *
     * @param maxStalledCount the value
     * @return this builder
     */
    public Builder maxStalledCount(int maxStalledCount) {
      this.maxStalledCount = maxStalledCount;
      return this;
    }

    /**
     * Sets {@link WorkerOptions#shutdownGrace() shutdownGrace}: how long {@link Worker#close()}
     * waits for active jobs.
     *
     * @param shutdownGrace the value
     * @return this builder
     */
    public Builder shutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = Objects.requireNonNull(shutdownGrace, "shutdownGrace");
      return this;
    }

    /**
     * Sets {@link WorkerOptions#rateLimit() rateLimit}: jobs started per window across all workers
     * of the queue, or null for none.
     *
     * @param rateLimit the limit, or null for none
     * @return this builder
     */
    public Builder rateLimit(@Nullable RateLimit rateLimit) {
      this.rateLimit = rateLimit;
      return this;
    }

    /**
     * How often the worker tells the queue it is alive. Default: a fifth of the worker timeout, at
     * most 1 s.
     *
     * @param heartbeatInterval shorter than the worker timeout
     * @return this builder
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /**
     * How long after its last heartbeat a worker counts as dead and its jobs go back to waiting.
     * Default: 5 s, or half the lock duration when that is shorter.
     *
     * @param workerTimeout shorter than the lock duration
     * @return this builder
     */
    public Builder workerTimeout(Duration workerTimeout) {
      this.workerTimeout = Objects.requireNonNull(workerTimeout, "workerTimeout");
      return this;
    }

    /**
     * How many dead workers a job may outlive before it fails as a suspected poison pill. Default:
     * {@value com.snapasset.spi.JobQueue#DEFAULT_MAX_WORKER_LOSSES}.
     *
     * @param maxWorkerLosses 0 or more
     * @return this builder
     */
    public Builder maxWorkerLosses(int maxWorkerLosses) {
      this.maxWorkerLosses = maxWorkerLosses;
      return this;
    }

    /**
     * Checks every option.
     *
     * @return the options
     */
    public WorkerOptions build() {
      Duration renew = lockRenewInterval != null ? lockRenewInterval : lockDuration.dividedBy(3);
      Duration timeout = workerTimeout != null ? workerTimeout : min(Duration.ofSeconds(5), lockDuration.dividedBy(2));
      Duration beat = heartbeatInterval != null ? heartbeatInterval : min(Duration.ofSeconds(1), timeout.dividedBy(5));
      return new WorkerOptions(concurrency, lockDuration, renew, stalledCheckInterval, maxStalledCount,
          shutdownGrace, rateLimit, beat, timeout, maxWorkerLosses);
    }

    private static Duration min(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }
  }
}
