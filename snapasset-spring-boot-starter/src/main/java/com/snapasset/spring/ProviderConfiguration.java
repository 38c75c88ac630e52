package com.snapasset.spring;

import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.openai.OpenAiImageProvider;
import com.snapasset.spi.ImageProvider;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The image provider: OpenAI when its key is set, else the offline placeholder. */
final class ProviderConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ProviderConfiguration.class);

  private ProviderConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OpenAiImageProvider.class)
  @ConditionalOnProperty(prefix = "snapasset.provider.openai", name = "api-key")
  @ConditionalOnMissingBean(ImageProvider.class)
  static class OpenAi {
    @Bean
    OpenAiImageProvider snapAssetImageProvider(SnapAssetProperties properties) {
      SnapAssetProperties.OpenAi p = properties.getProvider().getOpenai();
      OpenAiImageProvider.Builder b = OpenAiImageProvider.builder()
          .apiKey(Objects.requireNonNull(p.getApiKey()).trim())
          .baseUrl(p.getBaseUrl())
          .organization(p.getOrganization())
          .project(p.getProject())
          .timeout(p.getTimeout());
      log.info("SnapAsset image provider: openai");
      return b.build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(ImageProvider.class)
  static class Placeholder {
    @Bean
    ImageProvider snapAssetImageProvider(SnapAssetProperties properties) {
      if (properties.getProvider().getOpenai().getApiKey() != null) {
        throw Misconfiguration.missingModule("snapasset.provider.openai.api-key", "snapasset-adapters-openai");
      }
      log.info("SnapAsset image provider: placeholder (offline, draws a picture from the prompt). "
          + "For real images add snapasset-adapters-openai and set snapasset.provider.openai.api-key.");
      return PlaceholderImageProvider.create();
    }
  }
}
