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

  /** Whether trying again may help. */
  private final boolean retryable;

  /**
   * A permanent failure.
   *
   * @param message what went wrong, for people
   */
  public SnapAssetException(String message) {
    this(message, null, false);
  }

  /**
   * A failure that may be retryable.
   *
   * @param message what went wrong, for people
   * @param cause the underlying failure, or null
   * @param retryable whether trying again may help
   */
  public SnapAssetException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Whether the same operation may succeed if tried again later.
   *
   * @return true when a retry may succeed
   */
  public boolean isRetryable() {
    return retryable;
  }
}
