package com.snapasset;

/** Where a job is in its life. */
public enum JobState {
  /** Ready to be claimed by a worker. */
  WAITING,
  /** Waiting for a retry time (backoff) before it becomes ready again. */
  DELAYED,
  /** Claimed by a worker, which holds its lock. */
  ACTIVE,
  /** Finished with a result. */
  COMPLETED,
  /** Finished without a result, with a reason. */
  FAILED;

  /**
   * Whether the job will change no more.
   *
   * @return true for {@link #COMPLETED} and {@link #FAILED}
   */
  public boolean isFinished() {
    return this == COMPLETED || this == FAILED;
  }
}
