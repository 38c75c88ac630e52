package com.snapasset.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.ImageOptions;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ProviderImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.image.Image;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImageResponse;
import org.springframework.ai.openai.OpenAiImageModel;
import org.springframework.ai.openai.OpenAiImageOptions;

/**
 * The bridge with a fake {@link ImageModel} (what it asks for, what it does with each answer) and
 * with one real Spring AI client, {@link OpenAiImageModel}, against a wire mock of OpenAI's Images
 * API.
 */
class SpringAiImageProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 9, 8, 7};
  private static final String KEY = "sk-spring-ai-test-SECRET-0123456789";

  private MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  // ---- a fake ImageModel

  @Test
  void portableOptionsAreSentAndBase64IsDecodedWithTheConfiguredCost() {
    AtomicReference<org.springframework.ai.image.ImagePrompt> asked = new AtomicReference<>();
    ImageModel fake = prompt -> {
      asked.set(prompt);
      return new ImageResponse(List.of(new ImageGeneration(new Image(null, Base64.getEncoder().encodeToString(PNG)))));
    };
    SpringAiImageProvider provider =
        SpringAiImageProvider.builder(fake).name("stability").costPerImage(new BigDecimal("0.03")).build();

    ProviderImage image = provider.generate(new ImagePrompt("a fox", ImageOptions.defaults().withSize("1792x1024")));

    assertThat(image.data()).isEqualTo(PNG);
    assertThat(image.costUsd()).isEqualByComparingTo("0.03");
    assertThat(provider.name()).isEqualTo("stability");
    var sent = asked.get();
    assertThat(sent.getInstructions().get(0).getText()).isEqualTo("a fox");
    assertThat(sent.getOptions().getN()).isEqualTo(1);
    assertThat(sent.getOptions().getWidth()).isEqualTo(1792);
    assertThat(sent.getOptions().getHeight()).isEqualTo(1024);
    assertThat(sent.getOptions().getModel()).isEqualTo("dall-e-3");
    assertThat(sent.getOptions().getStyle()).isEqualTo("vivid");
    assertThat(sent.getOptions().getResponseFormat()).isEqualTo("b64_json");
  }

  @Test
  void theDefaultModelCanBeLeftToTheBeansOwnConfiguration() {
    AtomicReference<org.springframework.ai.image.ImagePrompt> asked = new AtomicReference<>();
    ImageModel fake = prompt -> {
      asked.set(prompt);
      return new ImageResponse(List.of(new ImageGeneration(new Image(null, Base64.getEncoder().encodeToString(PNG)))));
    };

    SpringAiImageProvider.builder(fake).passDefaultModel(false).build()
        .generate(new ImagePrompt("x", ImageOptions.defaults()));

    assertThat(asked.get().getOptions().getModel()).isNull();
  }

  @Test
  void anImageAnsweredAsAUrlIsDownloadedWithinTheCap() {
    server.enqueue(new MockResponse().setBody(new Buffer().write(PNG)));
    server.enqueue(new MockResponse().setBody(new Buffer().write(new byte[5_000])));
    String url = server.url("/img.png?sig=presigned").toString();
    ImageModel fake = prompt -> new ImageResponse(List.of(new ImageGeneration(new Image(url, null))));
    SpringAiImageProvider provider = SpringAiImageProvider.builder(fake).maxImageBytes(1_000).build();

    assertThat(provider.generate(new ImagePrompt("x", ImageOptions.defaults())).data()).isEqualTo(PNG);
    ProviderException tooBig = catchThrowableOfType(ProviderException.class,
        () -> provider.generate(new ImagePrompt("x", ImageOptions.defaults())));
    assertThat(tooBig.isRetryable()).isFalse();
    assertThat(tooBig).hasMessageContaining("over the cap of 1000 bytes").hasMessageNotContaining("presigned");
  }

  @Test
  void failuresAreClassifiedByWhatTheyCarry() {
    ProviderException io = fails(prompt -> { throw new UncheckedIOException(new IOException("connection reset")); });
    ProviderException transientAi = fails(prompt -> { throw new TransientAiException("overloaded"); });
    ProviderException nonTransient = fails(prompt -> { throw new NonTransientAiException("bad request " + KEY); });
    ProviderException unknown = fails(prompt -> { throw new IllegalStateException("boom"); });
    ProviderException empty = fails(prompt -> new ImageResponse(List.of()));

    assertThat(io.isRetryable()).isTrue();
    assertThat(transientAi.isRetryable()).isTrue();
    assertThat(nonTransient.isRetryable()).isFalse();
    assertThat(nonTransient.getMessage()).doesNotContain(KEY).contains("sk-[redacted]");
    assertThat(unknown.isRetryable()).isFalse();
    assertThat(empty.isRetryable()).isTrue();
    assertThat(empty).hasMessageContaining("without an image");
  }

  /** Spring AI's own exception types, by name, as the classifier sees them in spring-ai-retry. */
  static final class TransientAiException extends RuntimeException {
    TransientAiException(String message) {
      super(message);
    }
  }

  static final class NonTransientAiException extends RuntimeException {
    NonTransientAiException(String message) {
      super(message);
    }
  }

  private static ProviderException fails(ImageModel model) {
    ProviderException e = catchThrowableOfType(ProviderException.class,
        () -> SpringAiImageProvider.of(model).generate(new ImagePrompt("x", ImageOptions.defaults())));
    assertThat(e).isNotNull();
    return e;
  }

  // ---- one real Spring AI client against a wire mock

  private OpenAiImageModel openAi() {
    OpenAiImageOptions options = OpenAiImageOptions.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1").toString())
        .model("dall-e-3")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .build();
    return OpenAiImageModel.builder().options(options).build();
  }

  @Test
  void springAisOpenAiClientGeneratesThroughTheBridge() throws Exception {
    server.enqueue(json(200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(PNG)
        + "\",\"revised_prompt\":\"A fox, revised\"}]}"));
    SpringAiImageProvider provider = SpringAiImageProvider.builder(openAi()).name("openai-spring-ai")
        .costPerImage(new BigDecimal("0.04")).build();

    ProviderImage image = provider.generate(new ImagePrompt("a fox", ImageOptions.defaults().withSize("1024x1792")));

    assertThat(image.data()).isEqualTo(PNG);
    assertThat(image.revisedPrompt()).isEqualTo("A fox, revised");
    assertThat(image.costUsd()).isEqualByComparingTo("0.04");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getPath()).isEqualTo("/v1/images/generations");
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode body = JSON.readTree(request.getBody().readUtf8());
    assertThat(body.get("prompt").asText()).isEqualTo("a fox");
    assertThat(body.get("model").asText()).isEqualTo("dall-e-3");
    assertThat(body.get("size").asText()).isEqualTo("1024x1792");
    assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
  }

  @Test
  void springAisOpenAiErrorsKeepTheirClassAndRetryAfter() {
    server.enqueue(json(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
        .setHeader("Retry-After", "6"));
    server.enqueue(json(400, "{\"error\":{\"message\":\"Your request was rejected as a result of our safety system.\",\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}"));
    server.enqueue(json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"code\":\"invalid_api_key\"}}"));
    server.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\"}}"));
    SpringAiImageProvider provider = SpringAiImageProvider.of(openAi());

    ProviderException limited = fails(provider);
    ProviderException policy = fails(provider);
    ProviderException key = fails(provider);
    ProviderException down = fails(provider);

    assertThat(limited.isRetryable()).isTrue();
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(6));
    assertThat(limited).hasMessageContaining("HTTP 429");
    assertThat(policy.isRetryable()).isFalse();
    assertThat(policy).hasMessageContaining("content policy");
    assertThat(key.isRetryable()).isFalse();
    assertThat(key).hasMessageContaining("refused the credentials (HTTP 401)");
    assertThat(key.getMessage()).doesNotContain(KEY);
    assertThat(down.isRetryable()).isTrue();
    assertThat(server.getRequestCount()).as("no retries inside the client").isEqualTo(4);
  }

  private static ProviderException fails(SpringAiImageProvider provider) {
    ProviderException e = catchThrowableOfType(ProviderException.class,
        () -> provider.generate(new ImagePrompt("a fox", ImageOptions.defaults())));
    assertThat(e).isNotNull();
    return e;
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
  }
}
