package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.snapasset.ConfigurationException;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.ProviderImage;
import com.snapasset.testing.KeyLeakWatch;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Azure OpenAI against a loopback server that checks the Azure wire shape: {@code
 * /openai/deployments/{deployment}/images/generations?api-version=...} with an {@code api-key}
 * header, or {@code Authorization: Bearer} for an Entra ID token.
 */
class AzureOpenAiImageProviderTest {
  static final String AZURE_KEY = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4};

  @RegisterExtension final KeyLeakWatch watch = new KeyLeakWatch(AZURE_KEY);

  private MockWebServer server;
  private OpenAiImageProvider provider;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getLoopbackAddress(), 0);
    provider = keyed().build();
  }

  @AfterEach
  void stop() throws IOException {
    provider.close();
    server.shutdown();
  }

  private String endpoint() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  private OpenAiImageProvider.Builder keyed() {
    return OpenAiImageProvider.builder()
        .azureEndpoint(endpoint())
        .azureDeployment("dall-e-3", "snap-dalle3")
        .apiKey(AZURE_KEY)
        .timeout(Duration.ofSeconds(10));
  }

  // ---- request shape

  @Test
  void aKeyedCallGoesToTheDeploymentPathWithApiVersionAndTheApiKeyHeader() throws Exception {
    server.enqueue(image("A fox, revised by Azure"));

    ProviderImage image = provider.generate(new ImagePrompt("a fox", ImageOptions.defaults()));

    assertThat(image.data()).isEqualTo(IMAGE);
    assertThat(image.revisedPrompt()).isEqualTo("A fox, revised by Azure");
    assertThat(image.costUsd()).isEqualByComparingTo("0.040");
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath())
        .isEqualTo("/openai/deployments/snap-dalle3/images/generations?api-version="
            + OpenAiImageProvider.DEFAULT_AZURE_API_VERSION);
    assertThat(request.getHeader("api-key")).isEqualTo(AZURE_KEY);
    assertThat(request.getHeader("Authorization")).isNull();
    JsonNode body = JSON.readTree(request.getBody().readUtf8());
    assertThat(body.get("prompt").asText()).isEqualTo("a fox");
    assertThat(body.get("size").asText()).isEqualTo("1024x1024");
    assertThat(body.get("quality").asText()).isEqualTo("standard");
    assertThat(body.get("response_format").asText()).isEqualTo("b64_json");
    assertThat(provider.name()).isEqualTo("azure-openai");
  }

  @Test
  void eachModelGoesToItsOwnDeploymentWithTheConfiguredApiVersion() throws Exception {
    provider.close();
    provider =
        keyed().azureDeployment("gpt-image-1", "snap-gpt-image").azureApiVersion("2025-04-01-preview").build();
    server.enqueue(image(null));
    server.enqueue(image(null));

    provider.generate(new ImagePrompt("a poster", new ImageOptions("gpt-image-1", "low", "none", "1536x1024")));
    provider.generate(new ImagePrompt("a fox", ImageOptions.defaults()));

    RecordedRequest gptImage = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest dallE = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(gptImage.getPath())
        .isEqualTo("/openai/deployments/snap-gpt-image/images/generations?api-version=2025-04-01-preview");
    JsonNode body = JSON.readTree(gptImage.getBody().readUtf8());
    assertThat(body.has("response_format")).isFalse();
    assertThat(body.get("quality").asText()).isEqualTo("low");
    assertThat(dallE.getPath()).startsWith("/openai/deployments/snap-dalle3/images/generations?");
  }

  @Test
  void anEntraIdTokenIsSentAsABearerTokenFetchedForEachCall() throws Exception {
    provider.close();
    AtomicInteger issued = new AtomicInteger();
    provider =
        OpenAiImageProvider.builder()
            .azureEndpoint(endpoint())
            .azureDeployment("dall-e-3", "snap-dalle3")
            .entraIdToken(() -> "entra-token-" + issued.incrementAndGet())
            .build();
    server.enqueue(image(null));
    server.enqueue(image(null));

    provider.generate(new ImagePrompt("a", ImageOptions.defaults()));
    provider.generate(new ImagePrompt("b", ImageOptions.defaults()));

    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    // The SDK may ask more than once while preparing a call; what matters is a fresh token per call.
    assertThat(first.getHeader("Authorization")).matches("Bearer entra-token-\\d+");
    assertThat(second.getHeader("Authorization")).matches("Bearer entra-token-\\d+")
        .isNotEqualTo(first.getHeader("Authorization"));
    assertThat(first.getHeader("api-key")).isNull();
    assertThat(first.getPath()).startsWith("/openai/deployments/snap-dalle3/images/generations?api-version=");
  }

  @Test
  void aTokenSourceThatFailsIsRetryableAndNothingIsSent() {
    provider.close();
    provider =
        OpenAiImageProvider.builder()
            .azureEndpoint(endpoint())
            .azureDeployment("dall-e-3", "snap-dalle3")
            .entraIdToken(() -> { throw new IllegalStateException("IMDS unreachable"); })
            .build();

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("no Entra ID token could be obtained");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aModelWithoutADeploymentIsRefusedBeforeAnyCall() {
    InvalidRequestException refused =
        watch.thrown(
            InvalidRequestException.class,
            () -> provider.validate(new ImageOptions("gpt-image-1", "low", "none", "1024x1024")));
    ProviderException atGenerate =
        watch.thrown(
            ProviderException.class,
            () -> provider.generate(new ImagePrompt("x", new ImageOptions("gpt-image-1", "low", "none", "1024x1024"))));

    assertThat(refused).hasMessageContaining("no deployment for model 'gpt-image-1'").hasMessageContaining("[dall-e-3]");
    assertThat(atGenerate.isRetryable()).isFalse();
    assertThat(server.getRequestCount()).isZero();
  }

  // ---- error classes

  @Test
  void theContentFilterIsAPermanentRefusalWithAzuresMessage() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error")
        .put("code", "content_policy_violation")
        .put("message", "Your request was rejected as a result of our safety system.");
    error.putObject("inner_error").put("code", "ResponsibleAIPolicyViolation");
    server.enqueue(json(400, root));
    ObjectNode innerOnly = JSON.createObjectNode();
    innerOnly.putObject("error").put("code", "BadRequest").put("message", "filtered")
        .putObject("innererror").put("code", "ResponsibleAIPolicyViolation");
    server.enqueue(json(400, innerOnly));

    ProviderException top = generateFails();
    ProviderException inner = generateFails();

    assertThat(top.isRetryable()).isFalse();
    assertThat(top).hasMessageContaining("Azure OpenAI refused the prompt under its content policy")
        .hasMessageContaining("rejected as a result of our safety system");
    assertThat(inner.isRetryable()).isFalse();
    assertThat(inner).hasMessageContaining("content policy");
  }

  @Test
  void rateLimitsAndServerErrorsAreRetryableWithAzuresRetryAfter() {
    server.enqueue(error(429, "429", "Requests have exceeded the call rate limit.").setHeader("retry-after-ms", "2500").setHeader("Retry-After", "3"));
    server.enqueue(error(429, "429", "Rate limit").setHeader("Retry-After", "12"));
    server.enqueue(error(503, "ServiceUnavailable", "The service is temporarily unavailable."));

    ProviderException millis = generateFails();
    ProviderException seconds = generateFails();
    ProviderException unavailable = generateFails();

    assertThat(millis.isRetryable()).isTrue();
    assertThat(millis.retryAfter()).contains(Duration.ofMillis(2500));
    assertThat(millis).hasMessageContaining("Azure OpenAI is rate-limiting (HTTP 429)");
    assertThat(seconds.retryAfter()).contains(Duration.ofSeconds(12));
    assertThat(unavailable.isRetryable()).isTrue();
    assertThat(unavailable.retryAfter()).isEmpty();
    assertThat(server.getRequestCount()).as("no retries inside the SDK").isEqualTo(3);
  }

  @Test
  void aRefusedKeyAndAMissingDeploymentArePermanentWithoutQuotingTheKey() {
    server.enqueue(error(401, "401", "Access denied due to invalid subscription key " + AZURE_KEY + " or wrong API endpoint."));
    server.enqueue(error(404, "DeploymentNotFound", "The API deployment for this resource does not exist."));

    ProviderException denied = generateFails();
    ProviderException missing = generateFails();

    assertThat(denied.isRetryable()).isFalse();
    assertThat(denied).hasMessageContaining("Azure OpenAI refused the credential (HTTP 401)")
        .hasMessageContaining("[redacted]");
    assertThat(missing.isRetryable()).isFalse();
    assertThat(missing).hasMessageContaining("HTTP 404, DeploymentNotFound");
  }

  @Test
  void aTokenEchoedBackInAnErrorIsScrubbed() {
    provider.close();
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.c2lnbmF0dXJl";
    provider =
        OpenAiImageProvider.builder()
            .azureEndpoint(endpoint())
            .azureDeployment("dall-e-3", "snap-dalle3")
            .entraIdToken(() -> jwt)
            .build();
    server.enqueue(error(403, "PermissionDenied", "Principal of token " + jwt + " lacks the role"));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).doesNotContain(jwt).contains("[redacted-token]");
  }

  @Test
  void aDroppedConnectionIsRetryable() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));

    ProviderException e = generateFails();

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("Azure OpenAI could not be reached");
  }

  // ---- configuration

  @Test
  void theBuilderRefusesIncompleteOrAmbiguousAzureSettings() {
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureEndpoint(endpoint()).apiKey(AZURE_KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("azureDeployment is required");
    assertThatThrownBy(
            () -> keyed().entraIdToken(() -> "t").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exactly one credential");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureDeployment("dall-e-3", "d1").apiKey(AZURE_KEY).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("need azureEndpoint");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureEndpoint("https://res.openai.azure.com/openai/deployments/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a path");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureDeployment("dall-e-9", "d1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[dall-e-3, dall-e-2, gpt-image-1]");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureDeployment("dall-e-3", "a/b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid");
    assertThatThrownBy(() -> OpenAiImageProvider.builder().azureApiVersion("latest"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("YYYY-MM-DD");
    assertThat(provider.toString())
        .contains("azureEndpoint=" + endpoint())
        .contains("snap-dalle3")
        .doesNotContain(AZURE_KEY);
  }

  @Test
  void theEnvironmentConfiguresEndpointKeyDeploymentsAndVersion() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("AZURE_OPENAI_ENDPOINT", endpoint());
    env.put("AZURE_OPENAI_API_KEY", AZURE_KEY);
    env.put("AZURE_OPENAI_DEPLOYMENT", "dall-e-3=env-dalle, gpt-image-1=env-gpt");
    env.put("OPENAI_API_VERSION", "2025-04-01-preview");
    server.enqueue(image(null));

    ImageProvider fromEnv = new AzureOpenAiImageProviderFactory().fromEnvironment(env).orElseThrow();
    try {
      fromEnv.validate(new ImageOptions("gpt-image-1", "low", "none", "1024x1024"));
      fromEnv.generate(new ImagePrompt("a fox", ImageOptions.defaults()));
    } finally {
      ((AutoCloseable) fromEnv).close();
    }

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getPath()).isEqualTo("/openai/deployments/env-dalle/images/generations?api-version=2025-04-01-preview");
    assertThat(request.getHeader("api-key")).isEqualTo(AZURE_KEY);
  }

  @Test
  void aSingleDeploymentNameServesDallE3AndTheSdksKeyVariableIsRead() throws Exception {
    Map<String, String> env = Map.of(
        "AZURE_OPENAI_ENDPOINT", endpoint(),
        "AZURE_OPENAI_KEY", AZURE_KEY,
        "AZURE_OPENAI_DEPLOYMENT", "only-dalle");
    server.enqueue(image(null));

    OpenAiImageProvider fromEnv = OpenAiImageProvider.azureFromEnvironment(env).orElseThrow();
    try {
      fromEnv.generate(new ImagePrompt("a fox", ImageOptions.defaults()));
    } finally {
      fromEnv.close();
    }

    assertThat(server.takeRequest(5, TimeUnit.SECONDS).getPath()).startsWith("/openai/deployments/only-dalle/images/generations?");
  }

  @Test
  void missingAzureSettingsAreAllReportedAndNoEndpointMeansNoAzure() {
    assertThat(new AzureOpenAiImageProviderFactory().fromEnvironment(Map.of("OPENAI_API_KEY", "sk-x"))).isEmpty();

    ConfigurationException e =
        watch.thrown(
            ConfigurationException.class,
            () -> OpenAiImageProvider.azureFromEnvironment(Map.of("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com",
                "AZURE_OPENAI_API_VERSION", "v1")));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage()).contains("AZURE_OPENAI_API_KEY is not").contains("AZURE_OPENAI_DEPLOYMENT is not set")
        .contains("azureApiVersion 'v1'");
  }

  @Test
  void serviceLoaderFindsAzureAboveOpenAi() {
    var factories = ServiceLoader.load(ImageProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();

    assertThat(factories).hasAtLeastOneElementOfType(AzureOpenAiImageProviderFactory.class);
    assertThat(new AzureOpenAiImageProviderFactory().priority()).isGreaterThan(new OpenAiImageProviderFactory().priority());
  }

  // ---- helpers

  private ProviderException generateFails() {
    return watch.thrown(ProviderException.class, () -> provider.generate(new ImagePrompt("a fox", ImageOptions.defaults())));
  }

  private static MockResponse image(String revisedPrompt) {
    ObjectNode root = JSON.createObjectNode().put("created", 1_767_000_000L);
    ObjectNode item = root.putArray("data").addObject().put("b64_json", Base64.getEncoder().encodeToString(IMAGE));
    if (revisedPrompt != null) {
      item.put("revised_prompt", revisedPrompt);
    }
    return json(200, root);
  }

  private static MockResponse error(int status, String code, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return json(status, root);
  }

  private static MockResponse json(int status, JsonNode body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body.toString());
  }
}
