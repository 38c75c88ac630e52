package com.snapasset.spi;

import com.snapasset.ImageDecodeException;
import com.snapasset.ImageProcessingException;

/**
 * Decodes a source image once and renders it into renditions of exact sizes.
 *
 * <p>Implementations are thread-safe; one {@link DecodedImage} may be rendered by many threads at
 * once. {@link #render} accepts only images that the same processor decoded.
 */
public interface ImageProcessor {

  /**
   * Decodes {@code data}, refusing from its header, before allocating pixels, an image over the
   * processor's pixel or byte limit.
   *
   * @throws ImageDecodeException for corrupt, truncated, unsupported or oversized input
   * @param data PNG, JPEG or WebP bytes
   * @return the decoded image
   */
  DecodedImage decode(byte[] data);

  /**
   * Renders {@code source} into exactly {@code rendition.width() × rendition.height()} pixels (for
   * fits that keep the exact size) and encodes it.
   *
   * @throws ImageProcessingException when it cannot
   * @param source a decoded image
   * @param rendition size, fit and format
   * @return the encoded file
   */
  EncodedImage render(DecodedImage source, Rendition rendition);
}
