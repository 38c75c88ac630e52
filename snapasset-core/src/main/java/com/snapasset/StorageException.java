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

  public static StorageException retryable(String message, @Nullable Throwable cause) {
    return new StorageException(message, cause, true);
  }

  public static StorageException permanent(String message, @Nullable Throwable cause) {
    return new StorageException(message, cause, false);
  }
}
