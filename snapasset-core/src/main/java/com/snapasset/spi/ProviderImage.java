package com.snapasset.spi;

import java.math.BigDecimal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image an {@link ImageProvider} produced.
 *
 * @param data the encoded image (PNG, JPEG or WebP); not copied, do not modify
 * @param revisedPrompt the prompt as the provider rewrote it, if it did
 * @param costUsd what the call cost in US dollars
 */
public record ProviderImage(byte[] data, @Nullable String revisedPrompt, BigDecimal costUsd) {
  /**
   * Checks the components; see the class description.
   *
   * @param data the encoded image (PNG, JPEG or WebP); not copied, do not modify
   * @param revisedPrompt the prompt as the provider rewrote it, if it did
   * @param costUsd what the call cost in US dollars
   */
  public ProviderImage {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(costUsd, "costUsd");
    if (data.length == 0) {
      throw new IllegalArgumentException("image data is empty");
    }
  }

  @Override
  public String toString() {
    return "ProviderImage[" + data.length + " bytes, costUsd=" + costUsd + "]";
  }
}
