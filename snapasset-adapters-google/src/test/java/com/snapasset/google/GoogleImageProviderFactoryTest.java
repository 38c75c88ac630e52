package com.snapasset.google;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.ImageOptions;
import com.snapasset.ConfigurationException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.testing.KeyLeakWatch;
import java.net.InetAddress;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The environment path that {@code AssetGenerator.builder().build()} takes through ServiceLoader. */
class GoogleImageProviderFactoryTest {
  private static final String KEY = GoogleImageProviderTest.KEY;

  @RegisterExtension final KeyLeakWatch watch = new KeyLeakWatch(KEY);

  @Test
  void serviceLoaderFindsTheFactoryAboveThePlaceholder() {
    var factories = ServiceLoader.load(ImageProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();

    assertThat(factories).hasAtLeastOneElementOfType(GoogleImageProviderFactory.class);
    assertThat(new GoogleImageProviderFactory().priority()).isPositive().isLessThan(100);
  }

  @Test
  void withoutSettingsTheFactoryStepsAside() {
    GoogleImageProviderFactory factory = new GoogleImageProviderFactory();

    assertThat(factory.fromEnvironment(Map.of())).isEmpty();
    assertThat(factory.fromEnvironment(Map.of("GEMINI_API_KEY", " ", "OPENAI_API_KEY", "sk-x"))).isEmpty();
  }

  @Test
  void geminiApiKeyBaseUrlModelAndTimeoutComeFromTheEnvironment() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getLoopbackAddress(), 0);
      server.enqueue(GoogleImageProviderTest.gemini(GoogleImageProviderTest.PNG, "STOP"));
      Map<String, String> env = Map.of(
          "GEMINI_API_KEY", KEY,
          "GOOGLE_GEMINI_BASE_URL", server.url("/").toString(),
          "SNAPASSET_GOOGLE_MODEL", "gemini-3-pro-image-preview",
          "SNAPASSET_GOOGLE_TIMEOUT_SECONDS", "15");

      ImageProvider provider = new GoogleImageProviderFactory().fromEnvironment(env).orElseThrow();
      try {
        assertThat(provider.name()).isEqualTo("google");
        assertThat(provider.toString()).contains("timeout=PT15S").contains("gemini-3-pro-image-preview").doesNotContain(KEY);
        assertThat(provider.generate(new ImagePrompt("a fox", ImageOptions.defaults())).costUsd()).isEqualByComparingTo("0.134");
      } finally {
        ((AutoCloseable) provider).close();
      }
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getPath()).endsWith("/models/gemini-3-pro-image-preview:generateContent");
      assertThat(request.getHeader("x-goog-api-key")).isEqualTo(KEY);
    }
  }

  @Test
  void googleApiKeyWinsOverGeminiApiKeyAsInGooglesOwnTools() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getLoopbackAddress(), 0);
      server.enqueue(GoogleImageProviderTest.gemini(GoogleImageProviderTest.PNG, "STOP"));
      Map<String, String> env = Map.of(
          "GOOGLE_API_KEY", KEY,
          "GEMINI_API_KEY", "AIzaOther-key-not-to-be-used-000000000",
          "GOOGLE_GEMINI_BASE_URL", server.url("/").toString());

      try (GoogleImageProvider provider = GoogleImageProvider.fromEnvironment(env).orElseThrow()) {
        provider.generate(new ImagePrompt("a fox", ImageOptions.defaults()));
      }
      assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeader("x-goog-api-key")).isEqualTo(KEY);
    }
  }

  @Test
  void invalidSettingsAreAllReportedWithoutQuotingTheKey() {
    Map<String, String> env = Map.of(
        "GEMINI_API_KEY", KEY,
        "GOOGLE_GEMINI_BASE_URL", "ftp://example/",
        "SNAPASSET_GOOGLE_MODEL", "imagen-9",
        "SNAPASSET_GOOGLE_TIMEOUT_SECONDS", "0");

    ConfigurationException e =
        watch.thrown(ConfigurationException.class, () -> new GoogleImageProviderFactory().fromEnvironment(env));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage()).contains("baseUrl must be an absolute http(s) URL").contains("defaultModel 'imagen-9'")
        .contains("timeout must be between");
  }

  @Test
  void vertexAiWithoutAProjectIsReported() {
    ConfigurationException e = watch.thrown(ConfigurationException.class,
        () -> GoogleImageProvider.fromEnvironment(Map.of("GOOGLE_GENAI_USE_VERTEXAI", "true")));

    assertThat(e).hasMessageContaining("GOOGLE_CLOUD_PROJECT is not set");
  }
}
