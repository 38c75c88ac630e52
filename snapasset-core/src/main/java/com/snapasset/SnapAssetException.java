package com.snapasset;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception SnapAsset throws. Adapters translate the exceptions of their drivers
 * (Jedis, AWS SDK, openai-java, JDBC) into subclasses of this one at the boundary, so callers never
 * see a driver type.
 *
 * <p>{@link #isRetryable()} is the one place that decides whether trying the same thing again can
 * help; the job engine retries only retryable failures.
 */
public class SnapAssetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public SnapAssetException(String message) {
    this(message, null, false);
  }

  public SnapAssetException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same operation may succeed if tried again later. */
  public boolean isRetryable() {
    return retryable;
  }
}
