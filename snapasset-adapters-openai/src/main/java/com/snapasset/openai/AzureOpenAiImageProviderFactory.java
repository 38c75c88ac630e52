package com.snapasset.openai;

import com.snapasset.ImageOptions;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import java.util.Map;
import java.util.Optional;

/**
 * Lets {@link java.util.ServiceLoader} find the Azure OpenAI provider: with this module on the
 * class path and {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_API_KEY} and {@code
 * AZURE_OPENAI_DEPLOYMENT} set, {@code AssetGenerator.builder().build()} uses Azure OpenAI. See
 * {@link OpenAiImageProvider#azureFromEnvironment} for the variables read. Not meant to be called
 * directly.
 */
public final class AzureOpenAiImageProviderFactory implements ImageProviderFactory {

  /** For {@link java.util.ServiceLoader}. */
  public AzureOpenAiImageProviderFactory() {}

  @Override
  public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
    return OpenAiImageProvider.azureFromEnvironment(environment).map(p -> p);
  }

  /** OpenAI's rules per model: Azure deployments serve the same models. */
  @Override
  public void validate(ImageOptions options) {
    OpenAiModel.check(options);
  }

  /**
   * Above OpenAI's factory: Azure settings name one resource and deployment, a deliberate choice,
   * while an {@code OPENAI_API_KEY} is often present in a developer's shell for other tools.
   */
  @Override
  public int priority() {
    return 110;
  }
}
