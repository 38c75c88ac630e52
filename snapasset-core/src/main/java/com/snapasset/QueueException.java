package com.snapasset;

import org.jspecify.annotations.Nullable;

/** The job queue's backend failed (e.g. the connection to Redis was lost). Retryable. */
public final class QueueException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  public QueueException(String message, @Nullable Throwable cause) {
    super(message, cause, true);
  }
}
