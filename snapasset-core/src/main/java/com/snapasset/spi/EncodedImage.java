package com.snapasset.spi;

import com.snapasset.OutputFormat;
import java.util.Objects;

/**
 * An encoded rendition.
 *
 * @param data the file's bytes; not copied, do not modify
 * @param width its pixel width
 * @param height its pixel height
 * @param format its encoding
 */
public record EncodedImage(byte[] data, int width, int height, OutputFormat format) {
  /**
   * Checks the components; see the class description.
   *
   * @param data the file's bytes; not copied, do not modify
   * @param width its pixel width
   * @param height its pixel height
   * @param format its encoding
   */
  public EncodedImage {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(format, "format");
  }

  @Override
  public String toString() {
    return "EncodedImage[" + width + "x" + height + " " + format + ", " + data.length + " bytes]";
  }
}
