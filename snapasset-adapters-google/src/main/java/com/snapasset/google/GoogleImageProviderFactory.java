package com.snapasset.google;

import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import java.util.Map;
import java.util.Optional;

/**
 * Lets {@link java.util.ServiceLoader} find the Google provider: with this module on the class path
 * and {@code GEMINI_API_KEY} / {@code GOOGLE_API_KEY} (or Vertex AI settings) in the environment,
 * {@code AssetGenerator.builder().build()} uses Google. See {@link
 * GoogleImageProvider#fromEnvironment} for the variables read. Not meant to be called directly.
 */
public final class GoogleImageProviderFactory implements ImageProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public GoogleImageProviderFactory() {}

  @Override
  public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
    return GoogleImageProvider.fromEnvironment(environment).map(p -> p);
  }

  /**
   * Below OpenAI's factory (100): {@code GOOGLE_API_KEY} is often set for other Google APIs, so
   * when both are present the more specific OpenAI setting wins.
   */
  @Override
  public int priority() {
    return 90;
  }
}
