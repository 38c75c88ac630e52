package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.ConfigurationException;
import com.snapasset.GenerationRequest;
import com.snapasset.RequestProblem;
import com.snapasset.ImageOptions;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.testing.KeyLeakWatch;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
  void withoutAKeyThePlaceholderStandsInAndRefusesWhatOpenAiWould(@TempDir Path out) {
    try (AssetGenerator generator = AssetGenerator.builder().environment(Map.of()).outputDirectory(out).build()) {
      assertThat(generator.providerName()).isEqualTo("placeholder");
      GenerationRequest.Builder fine = GenerationRequest.builder().userId("u").prompt("a fox")
          .platforms(List.of("instagram-post")).image(ImageOptions.defaults().withQuality("hd").withStyle("natural"));
      assertThat(generator.validate(fine)).isEmpty();

      for (ImageOptions refused : List.of(ImageOptions.defaults().withQuality("ultra"),
          ImageOptions.defaults().withStyle("cubist"), ImageOptions.defaults().withModel("gpt-99"))) {
        List<RequestProblem> problems = generator.validate(fine.image(refused));
        assertThat(problems).as(refused.toString()).hasSize(1);
        assertThat(problems.get(0).field()).isEqualTo("image");
        assertThat(problems.get(0).message()).containsAnyOf("ultra", "cubist", "gpt-99");
      }
    }
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
