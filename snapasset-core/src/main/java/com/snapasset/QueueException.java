package com.snapasset;

import org.jspecify.annotations.Nullable;

/** The job queue's backend failed (e.g. the connection to Redis was lost). Retryable. */
public final class QueueException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure of the queue's backend.
   *
   * @param message what went wrong, for people
   * @param cause the underlying failure, or null
   */
  public QueueException(String message, @Nullable Throwable cause) {
    super(message, cause, true);
  }
}
