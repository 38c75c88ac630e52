package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.ConfigurationException;
import com.snapasset.ImageOptions;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import java.net.InetAddress;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The environment path that {@code AssetGenerator.builder().build()} takes through ServiceLoader. */
class OpenAiImageProviderFactoryTest {
  private static final String KEY = OpenAiImageProviderTest.KEY;

  @RegisterExtension final KeyLeakWatch watch = new KeyLeakWatch(KEY);

  @Test
  void serviceLoaderFindsTheFactoryAboveTheDefaultPriority() {
    var factories = ServiceLoader.load(ImageProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();

    assertThat(factories).hasAtLeastOneElementOfType(OpenAiImageProviderFactory.class);
    assertThat(new OpenAiImageProviderFactory().priority()).isGreaterThan(0);
  }

  @Test
  void withoutAKeyTheFactoryStepsAside() {
    OpenAiImageProviderFactory factory = new OpenAiImageProviderFactory();

    assertThat(factory.fromEnvironment(Map.of())).isEmpty();
    assertThat(factory.fromEnvironment(Map.of("OPENAI_API_KEY", "  ", "OPENAI_BASE_URL", "http://127.0.0.1:1/v1"))).isEmpty();
  }

  @Test
  void theEnvironmentConfiguresKeyBaseUrlAndOrganization() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getLoopbackAddress(), 0);
      server.enqueue(OpenAiImageProviderTest.imageJson(new byte[] {1, 2, 3}, "revised"));
      Map<String, String> env =
          Map.of(
              "OPENAI_API_KEY", KEY,
              "OPENAI_BASE_URL", server.url("/v1").toString(),
              "OPENAI_ORG_ID", "org-from-env",
              "SNAPASSET_OPENAI_TIMEOUT_SECONDS", "15");

      ImageProvider provider = new OpenAiImageProviderFactory().fromEnvironment(env).orElseThrow();
      try {
        assertThat(provider.name()).isEqualTo("openai");
        assertThat(provider.toString()).contains("timeout=PT15S").doesNotContain(KEY);
        assertThat(provider.generate(new ImagePrompt("a fox", ImageOptions.defaults())).revisedPrompt())
            .isEqualTo("revised");
      } finally {
        ((AutoCloseable) provider).close();
      }
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
      assertThat(request.getHeader("OpenAI-Organization")).isEqualTo("org-from-env");
    }
  }

  @Test
  void invalidSettingsAreAllReportedWithoutQuotingTheKey() {
    Map<String, String> env =
        Map.of(
            "OPENAI_API_KEY", KEY,
            "OPENAI_BASE_URL", "ftp://example/v1",
            "SNAPASSET_OPENAI_TIMEOUT_SECONDS", "0");

    ConfigurationException e =
        watch.thrown(ConfigurationException.class, () -> new OpenAiImageProviderFactory().fromEnvironment(env));

    assertThat(e.problems()).hasSize(2);
    assertThat(e.getMessage()).contains("baseUrl must be an absolute http(s) URL").contains("timeout must be between");
  }
}
