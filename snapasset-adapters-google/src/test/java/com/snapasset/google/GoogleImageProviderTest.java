package com.snapasset.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ProviderImage;
import com.snapasset.testing.KeyLeakWatch;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The provider against a loopback server that speaks the Gemini Developer API and Vertex AI REST
 * wire formats ({@code models/{model}:predict} for Imagen, {@code :generateContent} for Gemini),
 * with the SDK pointed at it by its base URL.
 */
class GoogleImageProviderTest {
  static final String KEY = "AIzaSyTEST-secret-0123456789abcdefghij";
  private static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7, 7, 7};

  @RegisterExtension final KeyLeakWatch watch = new KeyLeakWatch(KEY);

  private MockWebServer server;
  private GoogleImageProvider provider;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    provider = builder().build();
  }

  @AfterEach
  void stop() throws IOException {
    provider.close();
    server.shutdown();
  }

  private GoogleImageProvider.Builder builder() {
    return GoogleImageProvider.builder().apiKey(KEY).baseUrl(server.url("/").toString()).timeout(Duration.ofSeconds(10));
  }

  /** Imagen is served through Vertex AI: a project, a location and an OAuth token. */
  private GoogleImageProvider vertex() {
    GoogleCredentials credentials = GoogleCredentials.create(
        new AccessToken(VERTEX_TOKEN, Date.from(Instant.now().plus(Duration.ofHours(1)))));
    return GoogleImageProvider.builder()
        .vertexAi("snapasset-test", "us-central1")
        .credentials(credentials)
        .defaultModel("imagen-4.0-generate-001")
        .baseUrl(server.url("/").toString())
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private static final String VERTEX_TOKEN = "ya29.vertex-test-token";
  private static final String IMAGEN_PATH = "/v1beta1/projects/snapasset-test/locations/us-central1/publishers/google/models/";

  // ---- Imagen: request shape, aspect ratio, size, cost

  @Test
  void imagenOnVertexIsCalledThroughPredictWithABearerTokenAndTheClosestAspectRatio() throws Exception {
    provider.close();
    provider = vertex();
    server.enqueue(imagen(PNG, "A red fox, enhanced"));

    ProviderImage image =
        provider.generate(new ImagePrompt("a fox", ImageOptions.defaults().withSize("1200x675")));

    assertThat(image.data()).isEqualTo(PNG);
    assertThat(image.revisedPrompt()).isEqualTo("A red fox, enhanced");
    assertThat(image.costUsd()).isEqualByComparingTo("0.04");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath()).isEqualTo(IMAGEN_PATH + "imagen-4.0-generate-001:predict");
    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + VERTEX_TOKEN);
    assertThat(request.getHeader("x-goog-api-key")).isNull();
    assertThat(provider.toString()).contains("vertexAi=snapasset-test/us-central1");
    JsonNode body = body(request);
    assertThat(body.at("/instances/0/prompt").asText()).isEqualTo("a fox");
    JsonNode parameters = body.get("parameters");
    assertThat(parameters.get("sampleCount").asInt()).isEqualTo(1);
    assertThat(parameters.get("aspectRatio").asText()).isEqualTo("16:9");
    assertThat(parameters.get("sampleImageSize").asText()).isEqualTo("1K");
    assertThat(parameters.get("includeRaiReason").asBoolean()).isTrue();
  }

  @Test
  void hdAsksForTwoKAndTallSizesMapToTheTallRatio() throws Exception {
    provider.close();
    provider = vertex();
    server.enqueue(imagen(PNG, null));
    server.enqueue(imagen(PNG, null));
    server.enqueue(imagen(PNG, null));

    provider.generate(new ImagePrompt("a", ImageOptions.defaults().withQuality("hd").withSize("1080x1920")));
    provider.generate(new ImagePrompt("b", new ImageOptions("imagen-4.0-ultra-generate-001", "2K", "none", "1000x1500")));
    ProviderImage fast = provider.generate(new ImagePrompt("c", new ImageOptions("imagen-4.0-fast-generate-001", "standard", "none", "1500x500")));

    JsonNode hd = body(server.takeRequest(5, TimeUnit.SECONDS)).get("parameters");
    assertThat(hd.get("aspectRatio").asText()).isEqualTo("9:16");
    assertThat(hd.get("sampleImageSize").asText()).isEqualTo("2K");
    RecordedRequest ultra = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(ultra.getPath()).isEqualTo(IMAGEN_PATH + "imagen-4.0-ultra-generate-001:predict");
    assertThat(body(ultra).at("/parameters/aspectRatio").asText()).isEqualTo("3:4");
    JsonNode fastBody = body(server.takeRequest(5, TimeUnit.SECONDS)).get("parameters");
    assertThat(fastBody.get("aspectRatio").asText()).isEqualTo("16:9");
    assertThat(fastBody.has("sampleImageSize")).as("a 1K-only model is not sent a size").isFalse();
    assertThat(fast.costUsd()).isEqualByComparingTo("0.02");
  }

  @Test
  void imagenSafetyFilteringIsPermanentWithGooglesReason() {
    provider.close();
    provider = vertex();
    ObjectNode filtered = JSON.createObjectNode();
    filtered.putArray("predictions").addObject()
        .put("raiFilteredReason", "Unable to show generated images. Your current safety filter threshold filtered out the images.");
    server.enqueue(json(200, filtered));
    server.enqueue(json(200, JSON.createObjectNode()));

    ProviderException withReason = generateFails();
    ProviderException empty = generateFails();

    assertThat(withReason.isRetryable()).isFalse();
    assertThat(withReason).hasMessageContaining("refused the prompt under its safety rules")
        .hasMessageContaining("safety filter threshold filtered out the images");
    assertThat(empty.isRetryable()).isFalse();
    assertThat(empty).hasMessageContaining("no image returned");
  }

  @Test
  void aPromptRefusedWithA400AboutResponsibleAiIsAPermanentSafetyBlock() {
    server.enqueue(error(400, "INVALID_ARGUMENT",
        "Image generation failed with the following error: The prompt could not be submitted. This prompt contains sensitive words that violate Google's Responsible AI practices."));
    server.enqueue(error(400, "INVALID_ARGUMENT", "aspectRatio must be one of 1:1, 3:4"));

    ProviderException safety = generateFails();
    ProviderException other = generateFails();

    assertThat(safety.isRetryable()).isFalse();
    assertThat(safety).hasMessageContaining("safety rules").hasMessageContaining("Responsible AI practices");
    assertThat(other.isRetryable()).isFalse();
    assertThat(other).hasMessageContaining("rejected the request (HTTP 400 INVALID_ARGUMENT)");
  }

  // ---- Gemini image models

  @Test
  void geminiIsCalledThroughGenerateContentAskingForAnImageAtTheClosestRatio() throws Exception {
    server.enqueue(gemini(PNG, "STOP"));

    ProviderImage image = provider.generate(
        new ImagePrompt("a harbour at dawn", new ImageOptions("gemini-2.5-flash-image", "standard", "vivid", "1500x500")));

    assertThat(image.data()).isEqualTo(PNG);
    assertThat(image.costUsd()).isEqualByComparingTo("0.039");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getPath()).matches("/v1(beta)?/models/gemini-2.5-flash-image:generateContent");
    assertThat(request.getHeader("x-goog-api-key")).isEqualTo(KEY);
    JsonNode body = body(request);
    assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("a harbour at dawn");
    assertThat(body.at("/generationConfig/responseModalities/0").asText()).isEqualTo("IMAGE");
    assertThat(body.at("/generationConfig/imageConfig/aspectRatio").asText()).isEqualTo("21:9");
    assertThat(body.at("/generationConfig/imageConfig").has("imageSize")).isFalse();
  }

  @Test
  void theLargestPlatformOfTheGenerationDecidesTheRatioAndTheCacheVariant() throws Exception {
    server.enqueue(gemini(PNG, "STOP"));
    ImageOptions square = ImageOptions.defaults();
    ImagePrompt forStory = new ImagePrompt("x", square, new com.snapasset.Platform("instagram-story", "Instagram Story", 1080, 1920));
    ImagePrompt forPin = new ImagePrompt("x", square, new com.snapasset.Platform("pinterest-pin", "Pinterest Pin", 1000, 1500));

    provider.generate(forStory);

    assertThat(body(server.takeRequest(5, TimeUnit.SECONDS)).at("/generationConfig/imageConfig/aspectRatio").asText())
        .isEqualTo("9:16");
    assertThat(provider.cacheVariant(forStory)).isEqualTo("gemini-2.5-flash-image|9:16");
    assertThat(provider.cacheVariant(forPin)).isEqualTo("gemini-2.5-flash-image|2:3");
    assertThat(provider.cacheVariant(new ImagePrompt("x", square))).isEqualTo("gemini-2.5-flash-image|1:1");
  }

  @Test
  void geminiThreeProTakesAnImageSizeAndIsPricedBySize() throws Exception {
    server.enqueue(gemini(PNG, "STOP"));

    ProviderImage image = provider.generate(
        new ImagePrompt("x", new ImageOptions("gemini-3-pro-image-preview", "4K", "none", "1000x1250")));

    assertThat(image.costUsd()).isEqualByComparingTo("0.24");
    JsonNode config = body(server.takeRequest(5, TimeUnit.SECONDS)).at("/generationConfig/imageConfig");
    assertThat(config.get("imageSize").asText()).isEqualTo("4K");
    assertThat(config.get("aspectRatio").asText()).isEqualTo("4:5");
  }

  @Test
  void geminiBlocksArePermanentWithTheBlockOrFinishReason() {
    ObjectNode blocked = JSON.createObjectNode();
    blocked.putObject("promptFeedback").put("blockReason", "PROHIBITED_CONTENT").put("blockReasonMessage", "The prompt is prohibited.");
    server.enqueue(json(200, blocked));
    ObjectNode imageSafety = JSON.createObjectNode();
    imageSafety.putArray("candidates").addObject().put("finishReason", "IMAGE_SAFETY")
        .put("finishMessage", "Unable to show the generated image: it was flagged by the safety filter.");
    server.enqueue(json(200, imageSafety));
    ObjectNode textOnly = JSON.createObjectNode();
    ObjectNode candidate = textOnly.putArray("candidates").addObject().put("finishReason", "STOP");
    candidate.putObject("content").put("role", "model").putArray("parts").addObject().put("text", "I can't create images of that.");
    server.enqueue(json(200, textOnly));

    ProviderException prompt = geminiFails();
    ProviderException image = geminiFails();
    ProviderException declined = geminiFails();

    assertThat(prompt.isRetryable()).isFalse();
    assertThat(prompt).hasMessageContaining("blocked the prompt (PROHIBITED_CONTENT): The prompt is prohibited.");
    assertThat(image.isRetryable()).isFalse();
    assertThat(image).hasMessageContaining("refused to draw the prompt (IMAGE_SAFETY)");
    assertThat(declined.isRetryable()).isFalse();
    assertThat(declined).hasMessageContaining("I can't create images of that.");
  }

  // ---- errors: quota, rate limit, 5xx, Retry-After, credentials, connection

  @Test
  void aRateLimitOrSpentQuotaIsRetryableAfterRetryAfterOrRetryInfo() {
    server.enqueue(error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).").setHeader("Retry-After", "9"));
    ObjectNode withRetryInfo = errorBody(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.");
    ArrayNode details = ((ObjectNode) withRetryInfo.get("error")).putArray("details");
    details.addObject().put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
    details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", "37s");
    server.enqueue(json(429, withRetryInfo));
    server.enqueue(error(429, "RESOURCE_EXHAUSTED", "no hint"));

    ProviderException header = generateFails();
    ProviderException retryInfo = generateFails();
    ProviderException none = generateFails();

    assertThat(header.isRetryable()).isTrue();
    assertThat(header.retryAfter()).contains(Duration.ofSeconds(9));
    assertThat(header).hasMessageContaining("HTTP 429 RESOURCE_EXHAUSTED").hasMessageContaining("check quota");
    assertThat(retryInfo.retryAfter()).contains(Duration.ofSeconds(37));
    assertThat(none.isRetryable()).isTrue();
    assertThat(none.retryAfter()).isEmpty();
    assertThat(server.getRequestCount()).as("the SDK does not retry by itself").isEqualTo(3);
  }

  @Test
  void serverErrorsAreRetryableAndARetryAfterDateIsReadAgainstTheClock() {
    provider.close();
    provider = builder().clock(Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC)).build();
    server.enqueue(error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        .setHeader("Retry-After", "Mon, 30 Nov 2026 10:00:20 GMT"));
    server.enqueue(error(500, "INTERNAL", "An internal error has occurred."));

    ProviderException overloaded = generateFails();
    ProviderException internal = generateFails();

    assertThat(overloaded.isRetryable()).isTrue();
    assertThat(overloaded.retryAfter()).contains(Duration.ofSeconds(20));
    assertThat(overloaded).hasMessageContaining("HTTP 503 UNAVAILABLE").hasMessageContaining("overloaded");
    assertThat(internal.isRetryable()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void refusedCredentialsArePermanentAndTheKeyIsNeverQuoted() {
    ObjectNode invalidKey = errorBody(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key: " + KEY);
    ((ObjectNode) invalidKey.get("error")).putArray("details").addObject()
        .put("@type", "type.googleapis.com/google.rpc.ErrorInfo").put("reason", "API_KEY_INVALID");
    server.enqueue(json(400, invalidKey));
    server.enqueue(error(403, "PERMISSION_DENIED", "Permission denied on resource project."));

    ProviderException invalid = generateFails();
    ProviderException denied = generateFails();

    assertThat(invalid.isRetryable()).isFalse();
    assertThat(invalid).hasMessageContaining("refused the credentials").hasMessageContaining("[redacted]");
    assertThat(denied.isRetryable()).isFalse();
    assertThat(denied).hasMessageContaining("refused the credentials (HTTP 403 PERMISSION_DENIED)");
  }

  @Test
  void anUnknownModelIsAPermanent404() {
    server.enqueue(error(404, "NOT_FOUND", "models/imagen-4.0-generate-001 is not found for API version v1beta"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("HTTP 404 NOT_FOUND");
  }

  @Test
  void aDroppedConnectionAndATimeoutAreRetryable() {
    provider.close();
    provider = builder().timeout(Duration.ofMillis(500)).build();
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

    ProviderException dropped = generateFails();
    ProviderException timedOut = generateFails();

    assertThat(dropped.isRetryable()).isTrue();
    assertThat(dropped).hasMessageContaining("could not be reached or did not answer");
    assertThat(timedOut.isRetryable()).isTrue();
  }

  // ---- validation, prices, configuration

  @Test
  void unsupportedOptionsAreRefusedUpFrontListingWhatIsAccepted() {
    InvalidRequestException model = watch.thrown(InvalidRequestException.class,
        () -> provider.validate(ImageOptions.defaults().withModel("imagen-2")));
    InvalidRequestException quality = watch.thrown(InvalidRequestException.class,
        () -> provider.validate(new ImageOptions("gemini-2.5-flash-image", "hd", "cinematic", "1024x1024")));

    assertThat(model).hasMessageContaining("'imagen-2' is not supported").hasMessageContaining("gemini-2.5-flash-image");
    assertThat(quality.problems()).hasSize(2);
    assertThat(quality).hasMessageContaining("does not support quality 'hd'").hasMessageContaining("[standard, 1K]")
        .hasMessageContaining("style 'cinematic'");
    InvalidRequestException imagenWithKey = watch.thrown(InvalidRequestException.class,
        () -> provider.validate(new ImageOptions("imagen-4.0-generate-001", "standard", "none", "1024x1024")));
    assertThat(imagenWithKey).hasMessageContaining("served through Vertex AI only").hasMessageContaining("gemini-2.5-flash-image");
    provider.validate(ImageOptions.defaults());
    provider.validate(new ImageOptions("gemini-3-pro-image-preview", "4K", "none", "500x500"));
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void theDefaultModelServesRequestsThatNameNone() throws Exception {
    provider.close();
    provider = builder().defaultModel("gemini-3-pro-image-preview").build();
    server.enqueue(gemini(PNG, "STOP"));

    provider.generate(new ImagePrompt("x", ImageOptions.defaults()));

    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getPath()).matches("/v1(beta)?/models/gemini-3-pro-image-preview:generateContent");
  }

  @Test
  void overriddenPricesAreWhatTheCallCosts() {
    provider.close();
    provider = builder().prices(GooglePrices.defaults().with("gemini-2.5-flash-image", "1K", new BigDecimal("0.031"))).build();
    server.enqueue(gemini(PNG, "STOP"));

    assertThat(provider.generate(new ImagePrompt("x", ImageOptions.defaults())).costUsd()).isEqualByComparingTo("0.031");
    assertThatThrownBy(() -> GooglePrices.defaults().with("imagen-4.0-fast-generate-001", "2K", BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imagen-4.0-fast-generate-001/1K");
    assertThatThrownBy(() -> GooglePrices.defaults().with("imagen-4.0-generate-001", "1K", new BigDecimal("-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theBuilderRefusesAmbiguousSettingsAndHidesTheKey() {
    assertThatThrownBy(() -> GoogleImageProvider.builder().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one of apiKey");
    assertThatThrownBy(() -> GoogleImageProvider.builder().apiKey(KEY).vertexAi("my-project", "us-central1").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> GoogleImageProvider.builder().apiKey(KEY).defaultModel("imagen-4.0-generate-001").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Vertex AI only");
    assertThatThrownBy(() -> GoogleImageProvider.builder().defaultModel("dall-e-3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imagen-4.0-generate-001");
    assertThatThrownBy(() -> GoogleImageProvider.builder().vertexAi("My Project!", "us-central1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project");
    assertThat(provider.toString()).doesNotContain(KEY).contains("apiKey=(hidden)");
    assertThat(builder().toString()).doesNotContain(KEY);
  }

  @Test
  void anImageOverTheCapIsRefused() {
    provider.close();
    provider = builder().maxImageBytes(5).build();
    server.enqueue(gemini(PNG, "STOP"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("over the cap of 5 bytes");
  }

  // ---- helpers

  private ProviderException generateFails() {
    return watch.thrown(ProviderException.class, () -> provider.generate(new ImagePrompt("a fox", ImageOptions.defaults())));
  }

  private ProviderException geminiFails() {
    return watch.thrown(ProviderException.class, () -> provider.generate(
        new ImagePrompt("a fox", new ImageOptions("gemini-2.5-flash-image", "standard", "none", "1024x1024"))));
  }

  static MockResponse imagen(byte[] image, String enhancedPrompt) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode prediction = root.putArray("predictions").addObject()
        .put("bytesBase64Encoded", Base64.getEncoder().encodeToString(image)).put("mimeType", "image/png");
    if (enhancedPrompt != null) {
      prediction.put("prompt", enhancedPrompt);
    }
    return json(200, root);
  }

  static MockResponse gemini(byte[] image, String finishReason) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode candidate = root.putArray("candidates").addObject().put("finishReason", finishReason).put("index", 0);
    candidate.putObject("content").put("role", "model").putArray("parts").addObject().putObject("inlineData")
        .put("mimeType", "image/png").put("data", Base64.getEncoder().encodeToString(image));
    root.putObject("usageMetadata").put("candidatesTokenCount", 1290);
    return json(200, root);
  }

  private static ObjectNode errorBody(int code, String status, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("code", code).put("message", message).put("status", status);
    return root;
  }

  private static MockResponse error(int code, String status, String message) {
    return json(code, errorBody(code, status, message));
  }

  static MockResponse json(int status, JsonNode body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body.toString());
  }

  private static JsonNode body(RecordedRequest request) throws IOException {
    assertThat(request).as("a request reached the server").isNotNull();
    return JSON.readTree(request.getBody().readUtf8());
  }
}
