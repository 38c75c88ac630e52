package com.snapasset;

import java.time.Duration;

/** A job attempt ran past its timeout and was cancelled. Counts as a failed, retryable attempt. */
public final class JobTimeoutException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /**
   * An attempt that ran past its timeout.
   *
   * @param timeout the timeout it ran past
   */
  public JobTimeoutException(Duration timeout) {
    super("job attempt timed out after " + timeout.toMillis() + " ms", null, true);
  }
}
