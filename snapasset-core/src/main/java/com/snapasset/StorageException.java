package com.snapasset;

import org.jspecify.annotations.Nullable;

/**
 * Asset storage, base-image cache or catalog failed. Retryable for throttling, server errors,
 * timeouts and lost connections; permanent for refused access, a missing bucket or an invalid key.
 * Messages name the bucket and key involved, never credentials.
 */
public final class StorageException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  private StorageException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }

  /**
   * A failure that may go away: throttling, 5xx, timeouts, lost connections.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @return the exception
   */
  public static StorageException retryable(String message, @Nullable Throwable cause) {
    return new StorageException(message, cause, true);
  }

  /**
   * A failure that trying again cannot fix: refused access, a missing bucket, a bad key.
   *
   * @param message what went wrong, for people; no secrets
   * @param cause the underlying failure, or null
   * @return the exception
   */
  public static StorageException permanent(String message, @Nullable Throwable cause) {
    return new StorageException(message, cause, false);
  }
}
