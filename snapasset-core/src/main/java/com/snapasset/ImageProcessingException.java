package com.snapasset;

import org.jspecify.annotations.Nullable;

/** An image could not be rendered or encoded. Permanent: the same input fails the same way. */
public class ImageProcessingException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /**
   * A rendering or encoding failure.
   *
   * @param message what went wrong, for people
   * @param cause the underlying failure, or null
   */
  public ImageProcessingException(String message, @Nullable Throwable cause) {
    super(message, cause, false);
  }
}
