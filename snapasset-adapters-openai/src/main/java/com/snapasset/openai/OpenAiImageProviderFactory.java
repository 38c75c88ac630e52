package com.snapasset.openai;

import com.snapasset.ImageOptions;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import java.util.Map;
import java.util.Optional;

/**
 * Lets {@link java.util.ServiceLoader} find the OpenAI provider: with this module on the class path
 * and {@code OPENAI_API_KEY} set, {@code AssetGenerator.builder().build()} uses OpenAI instead of
 * the offline placeholder. See {@link OpenAiImageProvider#fromEnvironment} for the variables read.
 * Not meant to be called directly.
 */
public final class OpenAiImageProviderFactory implements ImageProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public OpenAiImageProviderFactory() {}

  @Override
  public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
    return OpenAiImageProvider.fromEnvironment(environment).map(p -> p);
  }

  /** OpenAI's rules per model, also when no key is set (the placeholder then checks with these). */
  @Override
  public void validate(ImageOptions options) {
    OpenAiModel.check(options);
  }

  /** Above the placeholder, which is the fallback when no factory answers. */
  @Override
  public int priority() {
    return 100;
  }
}
