package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ProviderImage;
import com.snapasset.testing.KeyLeakWatch;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider against a real HTTP server on loopback that speaks the Images API wire format
 * ({@code POST /v1/images/generations}), with the SDK pointed at it by base URL.
 */
class OpenAiImageProviderTest {
  static final String KEY = "sk-test-SECRET-7f3a9c1e5b2d4680";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static byte[] png;

  @RegisterExtension final KeyLeakWatch watch = new KeyLeakWatch(KEY);

  private MockWebServer server;
  private OpenAiImageProvider provider;

  @BeforeAll
  static void drawRealPng() throws IOException {
    BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 96, 64, Color.BLUE));
    g.fillRect(0, 0, 96, 64);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    png = out.toByteArray();
  }

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    provider = builder().build();
  }

  @AfterEach
  void stop() throws IOException {
    provider.close();
    server.shutdown();
  }

  private OpenAiImageProvider.Builder builder() {
    return OpenAiImageProvider.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1").toString())
        .organization("org-snapasset-test")
        .timeout(Duration.ofSeconds(10));
  }

  // ---- request bodies per model, decoding, revised prompt, cost

  @Test
  void dallE3AsksForBase64AndReturnsTheDecodedImageRevisedPromptAndCost() throws Exception {
    server.enqueue(imageJson(png, "A red fox in watercolour, soft light"));

    ProviderImage image = provider.generate(prompt("a fox", ImageOptions.defaults()));

    assertThat(image.data()).isEqualTo(png);
    assertThat(ImageIO.read(new ByteArrayInputStream(image.data())).getWidth()).isEqualTo(96);
    assertThat(image.revisedPrompt()).isEqualTo("A red fox in watercolour, soft light");
    assertThat(image.costUsd()).isEqualByComparingTo("0.040");

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath()).isEqualTo("/v1/images/generations");
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(request.getHeader("OpenAI-Organization")).isEqualTo("org-snapasset-test");
    JsonNode body = body(request);
    assertThat(fields(body))
        .containsExactlyInAnyOrder("prompt", "model", "n", "size", "quality", "style", "response_format");
    assertThat(body.get("prompt").asText()).isEqualTo("a fox");
    assertThat(body.get("model").asText()).isEqualTo("dall-e-3");
    assertThat(body.get("n").asInt()).isEqualTo(1);
    assertThat(body.get("size").asText()).isEqualTo("1024x1024");
    assertThat(body.get("quality").asText()).isEqualTo("standard");
    assertThat(body.get("style").asText()).isEqualTo("vivid");
    assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
  }

  @Test
  void dallE3HdWideNaturalIsSentAsAskedAndPricedFromTheTable() throws Exception {
    server.enqueue(imageJson(png, null));
    ImageOptions options =
        ImageOptions.defaults().withQuality("hd").withStyle("natural").withSize("1792x1024");

    ProviderImage image = provider.generate(prompt("a wide harbour", options));

    assertThat(image.costUsd()).isEqualByComparingTo("0.120");
    assertThat(image.revisedPrompt()).isNull();
    JsonNode body = body(server.takeRequest(5, TimeUnit.SECONDS));
    assertThat(body.get("quality").asText()).isEqualTo("hd");
    assertThat(body.get("style").asText()).isEqualTo("natural");
    assertThat(body.get("size").asText()).isEqualTo("1792x1024");
  }

  @Test
  void dallE2SendsNeitherQualityNorStyle() throws Exception {
    server.enqueue(imageJson(png, null));
    ImageOptions options =
        new ImageOptions("dall-e-2", "standard", OpenAiModel.NO_STYLE, "256x256");

    ProviderImage image = provider.generate(prompt("a small icon", options));

    assertThat(image.costUsd()).isEqualByComparingTo("0.016");
    JsonNode body = body(server.takeRequest(5, TimeUnit.SECONDS));
    assertThat(fields(body))
        .containsExactlyInAnyOrder("prompt", "model", "n", "size", "response_format");
    assertThat(body.get("model").asText()).isEqualTo("dall-e-2");
    assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
  }

  @Test
  void gptImage1SendsQualityButNoStyleAndNoResponseFormat() throws Exception {
    server.enqueue(imageJson(png, null));
    ImageOptions options = new ImageOptions("gpt-image-1", "high", "none", "1536x1024");

    ProviderImage image = provider.generate(prompt("a poster", options));

    assertThat(image.data()).isEqualTo(png);
    assertThat(image.costUsd()).isEqualByComparingTo("0.25");
    JsonNode body = body(server.takeRequest(5, TimeUnit.SECONDS));
    assertThat(fields(body)).containsExactlyInAnyOrder("prompt", "model", "n", "size", "quality");
    assertThat(body.get("model").asText()).isEqualTo("gpt-image-1");
    assertThat(body.get("quality").asText()).isEqualTo("high");
  }

  @Test
  void gptImage1AutoIsPricedByTheQualityTheServerReportsElseAsHigh() {
    ImageOptions auto = new ImageOptions("gpt-image-1", "auto", "none", "1024x1024");
    ObjectNode reported = imageBody(png, null);
    reported.put("quality", "medium");
    server.enqueue(json(200, reported));
    server.enqueue(imageJson(png, null));

    assertThat(provider.generate(prompt("x", auto)).costUsd()).isEqualByComparingTo("0.042");
    assertThat(provider.generate(prompt("x", auto)).costUsd()).isEqualByComparingTo("0.167");
  }

  @Test
  void overriddenPricesAreWhatTheCallCosts() {
    provider.close();
    provider =
        builder()
            .prices(
                OpenAiPrices.defaults()
                    .with("dall-e-3", "standard", "1024x1024", new BigDecimal("0.033")))
            .build();
    server.enqueue(imageJson(png, null));

    assertThat(provider.generate(prompt("x", ImageOptions.defaults())).costUsd())
        .isEqualByComparingTo("0.033");
  }

  // ---- validation before anything is paid for

  @Test
  void invalidCombinationsAreRefusedUpFrontListingWhatIsAccepted() {
    InvalidRequestException e =
        watch.thrown(
            InvalidRequestException.class,
            () -> provider.validate(ImageOptions.defaults().withQuality("low").withSize("512x512")));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.getMessage())
        .contains("dall-e-3 does not support size '512x512'")
        .contains("[1024x1024, 1792x1024, 1024x1792]")
        .contains("quality 'low'")
        .contains("[standard, hd]");

    assertThat(
            watch.thrown(
                InvalidRequestException.class,
                () -> provider.validate(new ImageOptions("dall-e-2", "standard", "vivid", "1024x1024"))))
        .hasMessageContaining("dall-e-2 takes no style")
        .hasMessageContaining("[none]");
    assertThat(
            watch.thrown(
                InvalidRequestException.class,
                () -> provider.validate(ImageOptions.defaults().withModel("dall-e-4"))))
        .hasMessageContaining("'dall-e-4' is not supported")
        .hasMessageContaining("[dall-e-3, dall-e-2, gpt-image-1]");
    // every accepted combination passes
    provider.validate(ImageOptions.defaults());
    provider.validate(new ImageOptions("gpt-image-1", "auto", "none", "1024x1536"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void generateWithInvalidOptionsOrAnOverlongPromptFailsPermanentlyWithoutACall() {
    ProviderException badOptions =
        watch.thrown(
            ProviderException.class,
            () -> provider.generate(prompt("x", ImageOptions.defaults().withSize("256x256"))));
    ProviderException longPrompt =
        watch.thrown(
            ProviderException.class,
            () ->
                provider.generate(
                    prompt(
                        "y".repeat(1_001),
                        new ImageOptions("dall-e-2", "standard", "none", "512x512"))));

    assertThat(badOptions.isRetryable()).isFalse();
    assertThat(longPrompt.isRetryable()).isFalse();
    assertThat(longPrompt).hasMessageContaining("1 to 1000 characters, got 1001");
    assertThat(server.getRequestCount()).isZero();
  }

  // ---- images that come back as a URL

  @Test
  void aUrlAnswerIsDownloadedWithoutTheKey() throws Exception {
    String url = server.url("/files/img-1.png?se=2026&sig=presigned").toString();
    server.enqueue(urlJson(url, "revised by the server"));
    server.enqueue(new MockResponse().setBody(new Buffer().write(png)).setHeader("Content-Type", "image/png"));

    ProviderImage image = provider.generate(prompt("a fox", ImageOptions.defaults()));

    assertThat(image.data()).isEqualTo(png);
    assertThat(image.revisedPrompt()).isEqualTo("revised by the server");
    server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest download = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(download.getMethod()).isEqualTo("GET");
    assertThat(download.getPath()).isEqualTo("/files/img-1.png?se=2026&sig=presigned");
    assertThat(download.getHeader("Authorization")).isNull();
  }

  @Test
  void aDownloadOverTheCapIsRefusedWhetherAnnouncedOrStreamed() {
    provider.close();
    provider = builder().maxImageBytes(1_000).build();
    byte[] big = new byte[5_000];
    new java.util.Random(7).nextBytes(big);
    String url = server.url("/files/big.png?sig=presigned").toString();
    server.enqueue(urlJson(url, null));
    server.enqueue(new MockResponse().setBody(new Buffer().write(big)));
    server.enqueue(urlJson(url, null));
    server.enqueue(new MockResponse().setChunkedBody(new Buffer().write(big), 256));

    ProviderException announced =
        watch.thrown(ProviderException.class, () -> provider.generate(prompt("x", ImageOptions.defaults())));
    ProviderException streamed =
        watch.thrown(ProviderException.class, () -> provider.generate(prompt("x", ImageOptions.defaults())));

    assertThat(announced.isRetryable()).isFalse();
    assertThat(announced).hasMessageContaining("5000 bytes").hasMessageContaining("cap of 1000");
    assertThat(streamed.isRetryable()).isFalse();
    assertThat(streamed).hasMessageContaining("more than 1000 bytes");
    assertThat(announced.getMessage() + streamed.getMessage()).doesNotContain("presigned");
  }

  @Test
  void base64OverTheCapIsRefused() {
    provider.close();
    provider = builder().maxImageBytes(100).build();
    server.enqueue(imageJson(png, null));

    ProviderException e =
        watch.thrown(ProviderException.class, () -> provider.generate(prompt("x", ImageOptions.defaults())));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("over the cap of 100 bytes");
  }

  @Test
  void aSlowDownloadTimesOutAsRetryable() {
    provider.close();
    provider = builder().downloadTimeout(Duration.ofMillis(200)).build();
    server.enqueue(urlJson(server.url("/files/slow.png").toString(), null));
    server.enqueue(new MockResponse().setBody(new Buffer().write(png)).setHeadersDelay(1500, TimeUnit.MILLISECONDS));

    ProviderException e =
        watch.thrown(ProviderException.class, () -> provider.generate(prompt("x", ImageOptions.defaults())));

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("timed out");
  }

  // ---- error classification

  @Test
  void contentPolicyRefusalIsPermanentWithTheProvidersMessage() {
    server.enqueue(
        error(400, "Your request was rejected as a result of our safety system.", "content_policy_violation"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.retryAfter()).isEmpty();
    assertThat(e)
        .hasMessageContaining("content policy")
        .hasMessageContaining("Your request was rejected as a result of our safety system.");
  }

  @Test
  void otherBadRequestsArePermanentWithTheProvidersMessage() {
    server.enqueue(error(400, "Invalid size '999x999'. Supported sizes are 1024x1024.", "invalid_size"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("HTTP 400, invalid_size").hasMessageContaining("Invalid size '999x999'");
  }

  @Test
  void unauthorizedAndForbiddenSayTheKeyWasRefusedWithoutQuotingIt() {
    server.enqueue(error(401, "Incorrect API key provided: " + KEY + ". Find your key at ...", "invalid_api_key"));
    server.enqueue(error(403, "Project does not have access to model dall-e-3 (" + KEY + ")", null));

    ProviderException unauthorized = generateFails();
    ProviderException forbidden = generateFails();

    assertThat(unauthorized.isRetryable()).isFalse();
    assertThat(unauthorized).hasMessageContaining("refused the API key (HTTP 401)").hasMessageContaining("Incorrect API key provided: [redacted]");
    assertThat(forbidden.isRetryable()).isFalse();
    assertThat(forbidden).hasMessageContaining("refused the API key (HTTP 403)");
  }

  @Test
  void rateLimitIsRetryableAfterTheDelayTheServerGave() {
    server.enqueue(error(429, "Rate limit reached for images per minute", "rate_limit_exceeded").setHeader("Retry-After", "7"));
    server.enqueue(error(429, "Rate limit reached", null).setHeader("retry-after-ms", "1500").setHeader("Retry-After", "2"));
    server.enqueue(error(429, "Rate limit reached", null));

    ProviderException seconds = generateFails();
    ProviderException millis = generateFails();
    ProviderException none = generateFails();

    assertThat(seconds.isRetryable()).isTrue();
    assertThat(seconds.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(seconds).hasMessageContaining("HTTP 429").hasMessageContaining("Rate limit reached for images per minute");
    assertThat(millis.retryAfter()).contains(Duration.ofMillis(1500));
    assertThat(none.isRetryable()).isTrue();
    assertThat(none.retryAfter()).isEmpty();
    assertThat(server.getRequestCount()).as("the SDK does not retry by itself").isEqualTo(3);
  }

  @Test
  void retryAfterAsAnHttpDateIsReadAgainstTheClock() {
    provider.close();
    Instant now = Instant.parse("2026-11-02T10:00:00Z");
    provider = builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    server.enqueue(error(429, "slow down", null).setHeader("Retry-After", "Mon, 02 Nov 2026 10:00:30 GMT"));

    assertThat(generateFails().retryAfter()).contains(Duration.ofSeconds(30));
  }

  @Test
  void aSpentQuotaIsAPermanent429() {
    server.enqueue(error(429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("quota");
  }

  @Test
  void serverErrorsAreRetryableAndTriedOnlyOnce() {
    server.enqueue(error(500, "The server had an error while processing your request.", null));
    server.enqueue(error(503, "The engine is currently overloaded.", null).setHeader("Retry-After", "3"));

    ProviderException internal = generateFails();
    ProviderException overloaded = generateFails();

    assertThat(internal.isRetryable()).isTrue();
    assertThat(internal).hasMessageContaining("HTTP 500").hasMessageContaining("had an error");
    assertThat(overloaded.isRetryable()).isTrue();
    assertThat(overloaded.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aDroppedConnectionIsRetryable() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("could not be reached or did not answer");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersTimesOutAsRetryable() {
    provider.close();
    provider = builder().timeout(Duration.ofMillis(400)).build();
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).containsIgnoringCase("timeout");
  }

  @Test
  void anAnswerWithoutAnImageIsRetryable() {
    server.enqueue(new MockResponse().setBody("{\"created\":1,\"data\":[]}").setHeader("Content-Type", "application/json"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("without an image");
  }

  @Test
  void anAnswerThatIsNotJsonIsRetryable() {
    server.enqueue(new MockResponse().setBody("<html>502 from a proxy</html>").setHeader("Content-Type", "text/html"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
  }

  // ---- the key stays secret

  @Test
  void toStringShowsNeitherProviderKeyNorBuilderKey() {
    assertThat(provider.toString()).doesNotContain(KEY).contains("apiKey=(hidden)").contains(server.url("/v1").toString());
    assertThat(builder().toString()).doesNotContain(KEY).contains("(hidden)");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().apiKey(" " + KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
  }

  @Test
  void theLogCaptureSeesTheProvidersOwnLogLines() {
    // Proves KeyLeakWatch would see a leaked key: the provider's debug lines land in the capture.
    server.enqueue(imageJson(png, null));
    server.enqueue(error(401, "Incorrect API key provided: " + KEY, "invalid_api_key"));

    provider.generate(prompt("a fox", ImageOptions.defaults()));
    generateFails();

    assertThat(watch.captured())
        .contains("OpenAI dall-e-3 1024x1024 standard made " + png.length + " bytes")
        .contains("refused the API key");
  }

  // ---- helpers

  private ProviderException generateFails() {
    return watch.thrown(ProviderException.class, () -> provider.generate(prompt("a fox", ImageOptions.defaults())));
  }

  private static ImagePrompt prompt(String text, ImageOptions options) {
    return new ImagePrompt(text, options);
  }

  static MockResponse imageJson(byte[] image, String revisedPrompt) {
    return json(200, imageBody(image, revisedPrompt));
  }

  private static ObjectNode imageBody(byte[] image, String revisedPrompt) {
    ObjectNode root = JSON.createObjectNode().put("created", 1_767_000_000L);
    ObjectNode item = root.putArray("data").addObject().put("b64_json", Base64.getEncoder().encodeToString(image));
    if (revisedPrompt != null) {
      item.put("revised_prompt", revisedPrompt);
    }
    return root;
  }

  private static MockResponse urlJson(String url, String revisedPrompt) {
    ObjectNode root = JSON.createObjectNode().put("created", 1_767_000_000L);
    ObjectNode item = root.putArray("data").addObject().put("url", url);
    if (revisedPrompt != null) {
      item.put("revised_prompt", revisedPrompt);
    }
    return json(200, root);
  }

  private static MockResponse error(int status, String message, String code) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error").put("message", message).put("type", "invalid_request_error");
    error.putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return json(status, root);
  }

  private static MockResponse json(int status, JsonNode body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body.toString());
  }

  private static JsonNode body(RecordedRequest request) throws IOException {
    assertThat(request).as("a request reached the server").isNotNull();
    return JSON.readTree(request.getBody().readUtf8());
  }

  private static java.util.List<String> fields(JsonNode node) {
    java.util.List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
