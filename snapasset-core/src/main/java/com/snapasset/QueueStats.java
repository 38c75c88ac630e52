package com.snapasset;

/**
 * Counts of jobs per state at one moment.
 *
 * @param paused whether the queue hands out no new jobs
 */
public record QueueStats(
    long waiting, long active, long completed, long failed, long delayed, boolean paused) {

  /**
   * Checks the components; see the class description.
   *
   * @param waiting jobs ready to be claimed
   * @param active jobs being processed
   * @param completed jobs completed and kept
   * @param failed jobs failed for good and kept
   * @param delayed jobs waiting out a delay or backoff
   * @param paused whether the queue hands out no new jobs
   */
  public QueueStats {
    if (waiting < 0 || active < 0 || completed < 0 || failed < 0 || delayed < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  /**
   * All jobs the queue holds, in any state.
   *
   * @return the sum of every state's count
   */
  public long total() {
    return waiting + active + completed + failed + delayed;
  }

  /**
   * The count for one state.
   *
   * @param state the state
   * @return jobs in that state
   */
  public long count(JobState state) {
    return switch (state) {
      case WAITING -> waiting;
      case DELAYED -> delayed;
      case ACTIVE -> active;
      case COMPLETED -> completed;
      case FAILED -> failed;
    };
  }
}
