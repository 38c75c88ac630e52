package com.snapasset;

import org.jspecify.annotations.Nullable;

/**
 * A source image given by URL could not be fetched: the address is refused by the {@link
 * SourceFetchPolicy} (not public, not https, too many redirects), the image is over the size cap,
 * or the server failed. Retryable for timeouts, connection errors and 5xx / 429 answers; permanent
 * otherwise.
 */
public final class SourceImageException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /**
   * A failed fetch.
   *
   * @param message what went wrong, for people; the URL only as {@link SourceImage#shown}, no query
   * @param cause the underlying failure, or null
   * @param retryable true for timeouts, connection errors and 5xx / 429 answers; false otherwise
   */
  public SourceImageException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause, retryable);
  }
}
