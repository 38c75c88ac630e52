package com.snapasset;

import org.jspecify.annotations.Nullable;

/** An image could not be rendered or encoded. Permanent: the same input fails the same way. */
public class ImageProcessingException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  public ImageProcessingException(String message, @Nullable Throwable cause) {
    super(message, cause, false);
  }
}
