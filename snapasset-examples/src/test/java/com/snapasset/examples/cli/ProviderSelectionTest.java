package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the OpenAI and Google adapters on the class path, the environment decides the provider. */
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
  void azureSettingsWinOverAnOpenAiKeyWhichWinsOverAGeminiKey() {
    Map<String, String> everything = Map.of(
        "OPENAI_API_KEY", "sk-test-not-a-real-key",
        "GEMINI_API_KEY", "AIza-test-not-a-real-key",
        "AZURE_OPENAI_ENDPOINT", "https://snapasset-test.openai.azure.com",
        "AZURE_OPENAI_API_KEY", "0123456789abcdef0123456789abcdef",
        "AZURE_OPENAI_DEPLOYMENT", "dalle3");
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir).environment(everything).build()) {
      assertThat(g.providerName()).isEqualTo("azure-openai");
    }
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir)
        .environment(Map.of("OPENAI_API_KEY", "sk-test-not-a-real-key", "GEMINI_API_KEY", "AIza-test-not-a-real-key")).build()) {
      assertThat(g.providerName()).isEqualTo("openai");
    }
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir)
        .environment(Map.of("GEMINI_API_KEY", "AIza-test-not-a-real-key")).build()) {
      assertThat(g.providerName()).isEqualTo("google");
    }
  }

  @Test
  void withoutAKeyThePlaceholderIsUsed() {
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir).environment(Map.of()).build()) {
      assertThat(g.providerName()).isEqualTo("placeholder");
    }
  }
}
