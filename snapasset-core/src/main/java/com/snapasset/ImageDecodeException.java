package com.snapasset;

import org.jspecify.annotations.Nullable;

/**
 * Image bytes could not be decoded: corrupt, truncated, of an unsupported format, or over the
 * configured pixel or byte limit (refused from the header, before any pixel is allocated).
 */
public final class ImageDecodeException extends ImageProcessingException {
  private static final long serialVersionUID = 1L;

  /**
   * An undecodable image.
   *
   * @param message what went wrong, for people
   * @param cause the underlying failure, or null
   */
  public ImageDecodeException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
