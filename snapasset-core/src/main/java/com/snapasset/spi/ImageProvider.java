package com.snapasset.spi;

import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.ProviderException;

/**
 * Turns a text prompt into a base image: the slowest and costliest step of every job.
 *
 * <p>Implementations are thread-safe. They throw {@link ProviderException}, which says whether a
 * retry can help; they do not retry themselves (the job engine does, with backoff).
 */
public interface ImageProvider {

  /**
   * Generates one image.
   *
   * @throws ProviderException when no image could be made
   * @param prompt what to draw
   * @return the image bytes, the revised prompt and the cost
   */
  ProviderImage generate(ImagePrompt prompt);

  /**
   * A short name for logs and results, e.g. {@code openai} or {@code placeholder}.
   *
   * @return e.g. {@code openai}
   */
  String name();

  /**
   * Refuses options this provider cannot serve, before anything is paid for. Called when a request
   * is submitted. The default accepts everything.
   *
   * @throws InvalidRequestException listing what is not supported and what is
   * @param options the options of a request
   */
  default void validate(ImageOptions options) {}

  /**
   * What, beyond the prompt text and the options, decides the image this provider draws for
   * {@code prompt}; it becomes part of the base-image cache key, so two prompts that differ only in
   * something the provider ignores share one paid image. The default, empty, suits providers that
   * draw exactly the options' size; a provider that picks an aspect ratio from {@link
   * ImagePrompt#largestPlatform()} returns the ratio it would pick.
   *
   * @param prompt what the provider would be asked to draw
   * @return a short, stable text naming what else decides the image (such as {@code "16:9"}), or
   *     the empty string when nothing does
   */
  default String cacheVariant(ImagePrompt prompt) {
    return "";
  }
}
