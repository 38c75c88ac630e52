package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.embedded.InMemoryAssetStorage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With this adapter on the class path an API key in the environment switches the default
 * generator to paid OpenAI calls; the test fixture must not follow it.
 */
class InMemoryGeneratorIgnoresKeyTest {
  private static final Map<String, String> WITH_KEY = Map.of("OPENAI_API_KEY", "sk-test-not-a-real-key");

  @Test
  void theDefaultGeneratorFollowsTheKey() {
    try (AssetGenerator generator = AssetGenerator.builder().environment(WITH_KEY)
        .assetStorage(InMemoryAssetStorage.create()).build()) {
      assertThat(generator.providerName()).isEqualTo("openai");
    }
  }

  @Test
  void theInMemoryGeneratorDoesNot() {
    try (AssetGenerator generator = AssetGenerator.builder().inMemory().environment(WITH_KEY).build()) {
      assertThat(generator.providerName()).isEqualTo("placeholder");
    }
  }
}
