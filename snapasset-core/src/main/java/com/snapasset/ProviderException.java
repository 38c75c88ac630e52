package com.snapasset;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An image provider could not produce an image. Retryable for rate limits, server errors and
 * timeouts (optionally with the delay the provider asked for); permanent for content-policy
 * refusals, bad requests and refused credentials.
 */
public final class ProviderException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /** How long the provider asked to wait, if it did. */
  private final @Nullable Duration retryAfter;
  /** Whether the provider refused for a rate limit (HTTP 429). */
  private final boolean rateLimit;

  private ProviderException(
      String message, @Nullable Throwable cause, boolean retryable, @Nullable Duration retryAfter,
      boolean rateLimit) {
    super(message, cause, retryable);
    this.retryAfter = retryAfter;
    this.rateLimit = rateLimit;
  }

  /**
   * A failure that may go away: 5xx, connection error, timeout.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @return the exception
   */
  public static ProviderException retryable(String message, @Nullable Throwable cause) {
    return new ProviderException(message, cause, true, null, false);
  }

  /**
   * A failure that may go away, with the delay the provider asked for (a rate limit's
   * Retry-After), when it gave one. Arguments in the order of {@link StorageException#retryable}.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @param retryAfter the delay asked for, or null
   * @return the exception
   */
  public static ProviderException retryable(
      String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
    return new ProviderException(message, cause, true, retryAfter, false);
  }

  /**
   * The provider is up but limits this caller (HTTP 429): retryable, and the job engine holds
   * every worker of the queue back for {@code retryAfter} (or a default) instead of spending
   * attempts.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @param retryAfter the delay the provider asked for (its Retry-After), or null for the
   *     {@link OutagePolicy#rateLimitWait() default}
   * @return the exception, retryable and marked as a rate limit
   */
  public static ProviderException rateLimited(
      String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
    return new ProviderException(message, cause, true, retryAfter, true);
  }

  /**
   * A failure that trying again cannot fix: content policy, bad request, refused key.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @return the exception
   */
  public static ProviderException permanent(String message, @Nullable Throwable cause) {
    return new ProviderException(message, cause, false, null, false);
  }

  /**
   * Whether the provider refused for a rate limit (HTTP 429), as opposed to being down.
   *
   * @return true when made by {@link #rateLimited}
   */
  public boolean isRateLimit() {
    return rateLimit;
  }

  /**
   * The delay the provider asked for before the next try, when it gave one.
   *
   * @return the delay, or empty
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
