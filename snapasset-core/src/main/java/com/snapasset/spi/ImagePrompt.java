package com.snapasset.spi;

import com.snapasset.ImageOptions;
import com.snapasset.Platform;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link ImageProvider} is asked to draw.
 *
 * @param prompt the user's text
 * @param options model, quality, style and size
 * @param largestPlatform the largest (by pixel area) platform the image will be rendered for, when
 *     known: providers that draw fixed aspect ratios rather than pixel sizes (Google's models) pick
 *     the ratio closest to it; null when the provider is called outside a generation
 */
public record ImagePrompt(String prompt, ImageOptions options, @Nullable Platform largestPlatform) {
  /**
   * Checks the components; see the class description.
   *
   * @param prompt the user's text
   * @param options model, quality, style and size
   * @param largestPlatform the largest platform the image is for, or null
   */
  public ImagePrompt {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(options, "options");
  }

  /**
   * A prompt without a target platform, as when the provider is called outside a generation.
   *
   * @param prompt the user's text
   * @param options model, quality, style and size
   */
  public ImagePrompt(String prompt, ImageOptions options) {
    this(prompt, options, null);
  }

  /**
   * {@link #largestPlatform} as an {@code Optional}.
   *
   * @return the largest platform the image is for, or empty when not known
   */
  public Optional<Platform> target() {
    return Optional.ofNullable(largestPlatform);
  }
}
