package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the OpenAI adapter on the class path, the environment decides the provider. */
class ProviderSelectionTest {
  @TempDir Path dir;

  @Test
  void anOpenAiKeyInTheEnvironmentSelectsOpenAi() {
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir)
        .environment(Map.of("OPENAI_API_KEY", "sk-test-not-a-real-key")).build()) {
      assertThat(g.providerName()).isEqualTo("openai");
    }
  }

  @Test
  void withoutAKeyThePlaceholderIsUsed() {
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir).environment(Map.of()).build()) {
      assertThat(g.providerName()).isEqualTo("placeholder");
    }
  }
}
