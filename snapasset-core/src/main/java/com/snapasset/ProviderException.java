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

  private final @Nullable Duration retryAfter;

  private ProviderException(
      String message, @Nullable Throwable cause, boolean retryable, @Nullable Duration retryAfter) {
    super(message, cause, retryable);
    this.retryAfter = retryAfter;
  }

  /** A failure that may go away: 5xx, connection error, timeout. */
  public static ProviderException retryable(String message, @Nullable Throwable cause) {
    return new ProviderException(message, cause, true, null);
  }

  /**
   * A failure that may go away, with the delay the provider asked for (a rate limit's
   * Retry-After), when it gave one. Arguments in the order of {@link StorageException#retryable}.
   */
  public static ProviderException retryable(
      String message, @Nullable Throwable cause, @Nullable Duration retryAfter) {
    return new ProviderException(message, cause, true, retryAfter);
  }

  /** A failure that trying again cannot fix: content policy, bad request, refused key. */
  public static ProviderException permanent(String message, @Nullable Throwable cause) {
    return new ProviderException(message, cause, false, null);
  }

  /** The delay the provider asked for before the next try, when it gave one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
