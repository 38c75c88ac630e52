package com.snapasset.openai;

import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import com.openai.credential.BearerTokenCredential;
import com.openai.errors.OpenAIException;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.snapasset.ConfigurationException;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI image provider: DALL·E 3, DALL·E 2 and gpt-image-1 through the official openai-java
 * SDK. Thread-safe; share one instance and {@link #close()} it when done.
 *
 * <pre>{@code
 * OpenAiImageProvider openai = OpenAiImageProvider.builder()
 *     .apiKey(System.getenv("OPENAI_API_KEY"))
 *     .timeout(Duration.ofSeconds(90))
 *     .build();
 * }</pre>
 *
 * <p><b>Azure OpenAI</b>: the same provider talks to an Azure OpenAI resource when {@link
 * Builder#azureEndpoint} is set. Requests still name the model ({@code dall-e-3}, {@code
 * gpt-image-1}); {@link Builder#azureDeployment} says which deployment serves it, and the call goes
 * to {@code {endpoint}/openai/deployments/{deployment}/images/generations?api-version=...} with an
 * {@code api-key} header ({@link Builder#apiKey}) or a Microsoft Entra ID bearer token ({@link
 * Builder#entraIdToken}). Errors, Retry-After and prices are handled as for OpenAI.
 *
 * <pre>{@code
 * OpenAiImageProvider azure = OpenAiImageProvider.builder()
 *     .azureEndpoint("https://my-resource.openai.azure.com")
 *     .azureDeployment("dall-e-3", "snapasset-dalle3")
 *     .apiKey(System.getenv("AZURE_OPENAI_API_KEY"))   // or .entraIdToken(tokenSupplier)
 *     .build();
 * }</pre>
 *
 * <p>Options per model (anything else is refused by {@link #validate} before a call is paid for):
 *
 * <ul>
 *   <li>{@code dall-e-3}: sizes 1024x1024, 1792x1024, 1024x1792; quality standard, hd; style vivid,
 *       natural
 *   <li>{@code dall-e-2}: sizes 256x256, 512x512, 1024x1024; quality standard; style none
 *   <li>{@code gpt-image-1}: sizes 1024x1024, 1536x1024, 1024x1536; quality low, medium, high,
 *       auto; style none
 * </ul>
 *
 * <p>Images are asked for as base64 where the model allows it; an image that comes back as a URL
 * is downloaded within {@link Builder#downloadTimeout} and {@link Builder#maxImageBytes}. The cost
 * of each image comes from {@link OpenAiPrices}.
 *
 * <p>Failures are {@link ProviderException}s: retryable for 429 (with the server's Retry-After),
 * 408, 409, 5xx, connection errors and timeouts; permanent for content-policy refusals, other bad
 * requests, a spent quota and a refused key (401 / 403). The SDK's own retries are off: SnapAsset's
 * job engine is the one place that retries, with backoff. The API key appears in no log line,
 * exception or {@code toString()}.
 */
public final class OpenAiImageProvider implements ImageProvider, AutoCloseable {
  /** The API's address when none is configured. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  /** The Azure OpenAI API version used when none is configured: the latest stable (GA) one. */
  public static final String DEFAULT_AZURE_API_VERSION = "2024-10-21";

  private static final Logger log = LoggerFactory.getLogger(OpenAiImageProvider.class);

  private final OpenAIClient client;
  private final ImageDownloader downloader;
  private final ProviderErrors errors;
  private final OpenAiPrices prices;
  private final String baseUrl;
  private final @Nullable String organization;
  private final Duration timeout;
  private final long maxImageBytes;
  /** Model id to deployment name; empty for OpenAI itself. */
  private final Map<String, String> azureDeployments;
  private final @Nullable String azureApiVersion;

  private OpenAiImageProvider(Builder b) {
    boolean azure = b.azureEndpoint != null;
    this.baseUrl = azure ? b.azureEndpoint : b.baseUrl;
    this.organization = b.organization;
    this.timeout = b.timeout;
    this.maxImageBytes = b.maxImageBytes;
    this.prices = b.prices;
    this.azureDeployments = Map.copyOf(b.azureDeployments);
    this.azureApiVersion = azure ? b.azureApiVersion : null;
    this.errors = new ProviderErrors(b.apiKey == null ? "" : b.apiKey, b.clock, azure ? "Azure OpenAI" : "OpenAI");
    this.downloader = new ImageDownloader(b.downloadTimeout, b.maxImageBytes);
    OpenAIOkHttpClient.Builder sdk = OpenAIOkHttpClient.builder().baseUrl(baseUrl);
    if (azure) {
      sdk.credential(
              b.apiKey != null
                  ? AzureApiKeyCredential.create(b.apiKey)
                  : BearerTokenCredential.create(new EntraIdToken(b.entraIdToken)))
          // Decided here, not guessed from the host name: the deployment goes into the path and
          // api-version into the query whatever the endpoint's host (custom domains, proxies).
          .azureUrlPathMode(AzureUrlPathMode.LEGACY)
          .azureServiceVersion(AzureOpenAIServiceVersion.fromString(b.azureApiVersion));
    } else {
      sdk.apiKey(Objects.requireNonNull(b.apiKey));
    }
    sdk
            // Retries happen once, in the job engine; retrying here too would multiply them.
            .maxRetries(0)
            // The server sends nothing until the image is done, so reads wait as long as the call.
            .timeout(
                Timeout.builder()
                    .connect(b.connectTimeout)
                    .read(b.timeout)
                    .write(b.timeout)
                    .request(b.timeout)
                    .build());
    if (b.organization != null && !azure) {
      sdk.organization(b.organization);
    }
    if (b.project != null && !azure) {
      sdk.project(b.project);
    }
    this.client = sdk.build();
  }

  /**
   * Calls the caller's Entra ID token source for each request. A source that fails or answers
   * blank is reported as {@link TokenUnavailable}, which {@link #generate} turns into a retryable
   * error: a token service that is down now may answer on the next attempt.
   */
  private static final class EntraIdToken implements Supplier<String> {
    private final Supplier<String> source;

    EntraIdToken(@Nullable Supplier<String> source) {
      this.source = Objects.requireNonNull(source, "entraIdToken");
    }

    @Override
    public String get() {
      String token;
      try {
        token = source.get();
      } catch (RuntimeException e) {
        throw new TokenUnavailable(e.getClass().getSimpleName());
      }
      if (token == null || token.isBlank()) {
        throw new TokenUnavailable("the token source returned no token");
      }
      return token.strip();
    }
  }

  /** Thrown through the SDK when no Entra ID token could be had; carries no token text. */
  private static final class TokenUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TokenUnavailable(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * A builder with the defaults: {@link #DEFAULT_BASE_URL}, 120 s per call, 32 MiB per image.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from environment variables, or empty when {@code OPENAI_API_KEY} is
   * unset or blank (Azure OpenAI is configured by {@link #azureFromEnvironment}). Reads {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID},
   * {@code OPENAI_PROJECT_ID} and {@code SNAPASSET_OPENAI_TIMEOUT_SECONDS}.
   *
   * @throws ConfigurationException when a variable is set but invalid (the message never quotes
   *     the key)
   * @param environment variables, e.g. {@link System#getenv()}
   * @return a provider, or empty when {@code OPENAI_API_KEY} is not set
   */
  public static Optional<OpenAiImageProvider> fromEnvironment(Map<String, String> environment) {
    String key = environment.get("OPENAI_API_KEY");
    if (key == null || key.isBlank()) {
      return Optional.empty();
    }
    Builder b = builder();
    List<String> problems = new ArrayList<>();
    apply(problems, () -> b.apiKey(key.trim()));
    apply(problems, () -> b.baseUrl(environment.getOrDefault("OPENAI_BASE_URL", DEFAULT_BASE_URL)));
    apply(problems, () -> b.organization(blankToNull(environment.get("OPENAI_ORG_ID"))));
    apply(problems, () -> b.project(blankToNull(environment.get("OPENAI_PROJECT_ID"))));
    String seconds = blankToNull(environment.get("SNAPASSET_OPENAI_TIMEOUT_SECONDS"));
    if (seconds != null) {
      apply(problems, () -> b.timeout(Duration.ofSeconds(Long.parseLong(seconds.trim()))));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return Optional.of(b.build());
  }

  /**
   * An Azure OpenAI provider configured from environment variables, or empty when {@code
   * AZURE_OPENAI_ENDPOINT} is unset or blank. Reads {@code AZURE_OPENAI_ENDPOINT}, {@code
   * AZURE_OPENAI_API_KEY} (or the SDK's {@code AZURE_OPENAI_KEY}), {@code AZURE_OPENAI_DEPLOYMENT}
   * (a deployment name serving {@code dall-e-3}, or a list {@code model=deployment,...}), {@code
   * AZURE_OPENAI_API_VERSION} (or {@code OPENAI_API_VERSION}) and {@code
   * SNAPASSET_OPENAI_TIMEOUT_SECONDS}. An Entra ID token cannot come from the environment: pass a
   * token source to {@link Builder#entraIdToken} in code.
   *
   * @param environment the variables to read, usually {@link System#getenv()}
   * @return the provider, or empty when {@code AZURE_OPENAI_ENDPOINT} is unset or blank
   * @throws ConfigurationException when a variable is missing or invalid (the message never quotes
   *     the key)
   */
  public static Optional<OpenAiImageProvider> azureFromEnvironment(Map<String, String> environment) {
    String endpoint = blankToNull(environment.get("AZURE_OPENAI_ENDPOINT"));
    if (endpoint == null) {
      return Optional.empty();
    }
    Builder b = builder();
    List<String> problems = new ArrayList<>();
    apply(problems, () -> b.azureEndpoint(endpoint));
    String key = blankToNull(environment.get("AZURE_OPENAI_API_KEY"));
    if (key == null) {
      key = blankToNull(environment.get("AZURE_OPENAI_KEY"));
    }
    if (key == null) {
      problems.add("AZURE_OPENAI_ENDPOINT is set but AZURE_OPENAI_API_KEY is not"
          + " (for Entra ID tokens configure OpenAiImageProvider.builder().entraIdToken(..) in code)");
    } else {
      String k = key;
      apply(problems, () -> b.apiKey(k));
    }
    String deployments = blankToNull(environment.get("AZURE_OPENAI_DEPLOYMENT"));
    if (deployments == null) {
      problems.add("AZURE_OPENAI_DEPLOYMENT is not set: name the deployment serving dall-e-3,"
          + " or list model=deployment pairs, e.g. dall-e-3=my-dalle3,gpt-image-1=my-gpt-image");
    } else {
      for (String entry : deployments.split(",")) {
        String e = entry.strip();
        int eq = e.indexOf('=');
        String model = eq < 0 ? OpenAiModel.DALL_E_3.id : e.substring(0, eq).strip();
        String name = eq < 0 ? e : e.substring(eq + 1).strip();
        apply(problems, () -> b.azureDeployment(model, name));
      }
    }
    String version = blankToNull(environment.get("AZURE_OPENAI_API_VERSION"));
    if (version == null) {
      version = blankToNull(environment.get("OPENAI_API_VERSION"));
    }
    if (version != null) {
      String v = version;
      apply(problems, () -> b.azureApiVersion(v));
    }
    String seconds = blankToNull(environment.get("SNAPASSET_OPENAI_TIMEOUT_SECONDS"));
    if (seconds != null) {
      apply(problems, () -> b.timeout(Duration.ofSeconds(Long.parseLong(seconds.trim()))));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return Optional.of(b.build());
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    OpenAiModel model;
    try {
      model = check(prompt.options());
    } catch (InvalidRequestException e) {
      throw ProviderException.permanent(e.getMessage(), e);
    }
    if (prompt.prompt().isBlank() || prompt.prompt().length() > model.maxPromptChars) {
      throw ProviderException.permanent(
          model.id + " takes a prompt of 1 to " + model.maxPromptChars + " characters, got "
              + prompt.prompt().length(),
          null);
    }
    ImageOptions options = prompt.options();
    long started = System.nanoTime();
    ImagesResponse response;
    try {
      response = client.images().generate(params(model, azureDeployments.getOrDefault(model.id, model.id), prompt));
    } catch (TokenUnavailable e) {
      throw ProviderException.retryable(
          "Azure OpenAI: no Entra ID token could be obtained (" + e.getMessage() + ")", null, null);
    } catch (OpenAIException e) {
      ProviderException translated = errors.translate(e);
      log.debug("{} {} {} failed: {}", errors.label(), model.id, options.size(), translated.getMessage());
      throw translated;
    } catch (RuntimeException e) {
      // Anything undocumented from the SDK still must not escape as a driver type.
      throw ProviderException.permanent(
          errors.label() + " client failed: " + e.getClass().getSimpleName() + ": " + errors.scrub(e.getMessage()),
          null);
    }
    Image image =
        response.data().flatMap(images -> images.stream().findFirst())
            .orElseThrow(() -> ProviderException.retryable(errors.label() + " answered without an image", null, null));
    byte[] data = imageBytes(image);
    String pricedQuality = pricedQuality(model, options.quality(), response);
    BigDecimal cost = prices.perImage(model.id, pricedQuality, options.size());
    log.debug(
        "{} {} {} {} made {} bytes in {} ms, cost ${}",
        errors.label(),
        model.id,
        options.size(),
        pricedQuality,
        data.length,
        (System.nanoTime() - started) / 1_000_000,
        cost);
    return new ProviderImage(data, image.revisedPrompt().orElse(null), cost);
  }

  /** {@code openai}, or {@code azure-openai} for an Azure OpenAI resource. */
  @Override
  public String name() {
    return azureApiVersion == null ? "openai" : "azure-openai";
  }

  @Override
  public void validate(ImageOptions options) {
    check(options);
  }

  /** The model's own checks, then (on Azure) that a deployment serves it. */
  private OpenAiModel check(ImageOptions options) {
    OpenAiModel model = OpenAiModel.check(options);
    if (azureApiVersion != null && !azureDeployments.containsKey(model.id)) {
      throw new InvalidRequestException(
          "Azure OpenAI has no deployment for model '" + model.id + "': this provider serves "
              + azureDeployments.keySet());
    }
    return model;
  }

  /** Releases the HTTP clients' threads and connections. */
  @Override
  public void close() {
    client.close();
    downloader.close();
  }

  @Override
  public String toString() {
    return "OpenAiImageProvider[" + (azureApiVersion == null ? "baseUrl=" : "azureEndpoint=") + baseUrl
        + (azureApiVersion == null ? "" : ", deployments=" + azureDeployments + ", apiVersion=" + azureApiVersion)
        + (organization == null ? "" : ", organization=" + organization)
        + ", timeout=" + timeout + ", maxImageBytes=" + maxImageBytes + ", apiKey=(hidden)]";
  }

  // style and response_format are deprecated in the SDK because the gpt-image models refuse them;
  // the DALL·E models still need them, and OpenAiModel decides which model gets which field.
  @SuppressWarnings("deprecation")
  private static ImageGenerateParams params(OpenAiModel model, String modelOrDeployment, ImagePrompt prompt) {
    ImageOptions o = prompt.options();
    // On Azure the SDK puts the "model" into the path as the deployment name.
    ImageGenerateParams.Builder p =
        ImageGenerateParams.builder()
            .prompt(prompt.prompt())
            .model(modelOrDeployment)
            .n(1)
            .size(ImageGenerateParams.Size.of(o.size()));
    if (model.sendsQuality()) {
      p.quality(ImageGenerateParams.Quality.of(o.quality()));
    }
    if (model.takesStyle()) {
      p.style(ImageGenerateParams.Style.of(o.style()));
    }
    if (model.asksForBase64) {
      p.responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON);
    }
    return p.build();
  }

  private byte[] imageBytes(Image image) {
    Optional<String> b64 = image.b64Json().filter(s -> !s.isEmpty());
    if (b64.isPresent()) {
      long decodedSize = (long) b64.get().length() / 4 * 3;
      if (decodedSize > maxImageBytes) {
        throw ProviderException.permanent(
            errors.label() + "'s image is about " + decodedSize + " bytes, over the cap of " + maxImageBytes
                + " bytes (maxImageBytes)",
            null);
      }
      try {
        return Base64.getDecoder().decode(b64.get());
      } catch (IllegalArgumentException e) {
        throw ProviderException.retryable(errors.label() + " returned malformed base64 image data", null, null);
      }
    }
    return image.url()
        .filter(u -> !u.isEmpty())
        .map(downloader::download)
        .orElseThrow(
            () -> ProviderException.retryable(errors.label() + " answered with neither image data nor a URL", null, null));
  }

  /** gpt-image-1 with {@code auto} costs what the server chose; absent that, the dearest level. */
  private static String pricedQuality(OpenAiModel model, String asked, ImagesResponse response) {
    if (!asked.equals(OpenAiModel.AUTO)) {
      return asked;
    }
    return response.quality()
        .map(q -> q.asString())
        .filter(q -> model.qualities.contains(q) && !q.equals(OpenAiModel.AUTO))
        .orElse("high");
  }

  private static void apply(List<String> problems, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Configures an {@link OpenAiImageProvider}. Each setter checks its argument at once and names
   * the setting in its error; {@link #build()} leaves the builder unchanged. {@code toString()}
   * never shows the key.
   */
  public static final class Builder {
    private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]{2,64}");
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");

    private @Nullable String apiKey;
    private String baseUrl = DEFAULT_BASE_URL;
    private @Nullable String organization;
    private @Nullable String project;
    private Duration timeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration downloadTimeout = Duration.ofSeconds(30);
    private long maxImageBytes = 32L * 1024 * 1024;
    private OpenAiPrices prices = OpenAiPrices.defaults();
    private Clock clock = Clock.systemUTC();
    private @Nullable String azureEndpoint;
    private final Map<String, String> azureDeployments = new LinkedHashMap<>();
    private String azureApiVersion = DEFAULT_AZURE_API_VERSION;
    private @Nullable Supplier<String> entraIdToken;

    private Builder() {}

    /**
     * The secret key: OpenAI's ({@code OPENAI_API_KEY}), or on Azure the resource's key ({@code
     * AZURE_OPENAI_API_KEY}, sent as the {@code api-key} header). Required unless an Azure
     * {@link #entraIdToken} is set.
     *
     * @param apiKey the key; never logged
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank() || !apiKey.strip().equals(apiKey) || apiKey.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("apiKey must be non-blank and contain no whitespace");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * The API's address, e.g. a proxy or compatible server; default {@link #DEFAULT_BASE_URL}.
     *
     * @param baseUrl an http(s) URL
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      httpUri("baseUrl", baseUrl);
      this.baseUrl = baseUrl.trim();
      return this;
    }

    /**
     * The organization to bill ({@code OPENAI_ORG_ID}); null for the key's default.
     *
     * @param organization the organisation id, or null
     * @return this builder
     */
    public Builder organization(@Nullable String organization) {
      this.organization = organization;
      return this;
    }

    /**
     * The project to bill ({@code OPENAI_PROJECT_ID}); null for the key's default.
     *
     * @param project the project id, or null
     * @return this builder
     */
    public Builder project(@Nullable String project) {
      this.project = project;
      return this;
    }

    /**
     * The limit for one generation call, up to 30 min; default 120 s (gpt-image-1 high is slow).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checkDuration("timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(30));
      return this;
    }

    /**
     * The limit for opening a connection to the API; default 10 s.
     *
     * @param connectTimeout the limit
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout =
          checkDuration("connectTimeout", connectTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * The limit for downloading an image that came back as a URL, whole call; default 30 s.
     *
     * @param downloadTimeout the limit
     * @return this builder
     */
    public Builder downloadTimeout(Duration downloadTimeout) {
      this.downloadTimeout =
          checkDuration("downloadTimeout", downloadTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * The largest image accepted, downloaded or base64, in bytes; default 32 MiB.
     *
     * @param maxImageBytes bytes, at least 1
     * @return this builder
     */
    public Builder maxImageBytes(long maxImageBytes) {
      if (maxImageBytes < 1) {
        throw new IllegalArgumentException("maxImageBytes must be positive, got " + maxImageBytes);
      }
      this.maxImageBytes = maxImageBytes;
      return this;
    }

    /**
     * Talks to an Azure OpenAI resource instead of OpenAI, e.g. {@code
     * https://my-resource.openai.azure.com} (no path; the {@code /openai/deployments/...} part is
     * added per call). Requires at least one {@link #azureDeployment} and either {@link #apiKey} or
     * {@link #entraIdToken}. {@link #baseUrl}, {@link #organization} and {@link #project} do not
     * apply to Azure.
     *
     * @param endpoint the resource's https address
     * @return this builder
     */
    public Builder azureEndpoint(String endpoint) {
      Objects.requireNonNull(endpoint, "azureEndpoint");
      URI uri = httpUri("azureEndpoint", endpoint);
      String path = uri.getPath() == null ? "" : uri.getPath();
      if (!(path.isEmpty() || path.equals("/")) || uri.getQuery() != null) {
        throw new IllegalArgumentException(
            "azureEndpoint must be the resource's address without a path or query, e.g."
                + " https://my-resource.openai.azure.com, got: " + endpoint);
      }
      String trimmed = endpoint.trim();
      this.azureEndpoint = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
      return this;
    }

    /**
     * Serves requests for {@code model} (e.g. {@code dall-e-3}, {@code gpt-image-1}) with the Azure
     * deployment named {@code deployment}. Requests for a model without a deployment are refused
     * when submitted.
     *
     * @param model an OpenAI model id
     * @param deployment the Azure deployment's name
     * @return this builder
     */
    public Builder azureDeployment(String model, String deployment) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(deployment, "deployment");
      if (OpenAiModel.byId(model).isEmpty()) {
        throw new IllegalArgumentException(
            "azureDeployment model '" + model + "' is not supported: use one of " + OpenAiModel.ids());
      }
      if (!DEPLOYMENT.matcher(deployment).matches()) {
        throw new IllegalArgumentException(
            "azureDeployment name '" + deployment + "' is not valid: use 2-64 characters of A-Z a-z 0-9 . _ -");
      }
      azureDeployments.put(model, deployment);
      return this;
    }

    /**
     * The Azure OpenAI API version sent as {@code api-version}; default {@link
     * #DEFAULT_AZURE_API_VERSION}. gpt-image-1 needs a preview version such as {@code
     * 2025-04-01-preview}.
     *
     * @param apiVersion YYYY-MM-DD or YYYY-MM-DD-preview
     * @return this builder
     */
    public Builder azureApiVersion(String apiVersion) {
      Objects.requireNonNull(apiVersion, "azureApiVersion");
      if (!API_VERSION.matcher(apiVersion).matches()) {
        throw new IllegalArgumentException(
            "azureApiVersion '" + apiVersion + "' is not valid: use YYYY-MM-DD or YYYY-MM-DD-preview");
      }
      this.azureApiVersion = apiVersion;
      return this;
    }

    /**
     * Authenticates to Azure with Microsoft Entra ID instead of a key: {@code tokens} is asked for a
     * bearer token before each call (cache and refresh in it, e.g. azure-identity's {@code
     * AuthenticationUtil.getBearerTokenSupplier(credential,
     * "https://cognitiveservices.azure.com/.default")}). A source that throws or returns blank makes
     * the call fail as retryable.
     *
     * @param tokens the source of bearer tokens
     * @return this builder
     */
    public Builder entraIdToken(Supplier<String> tokens) {
      this.entraIdToken = Objects.requireNonNull(tokens, "entraIdToken");
      return this;
    }

    /**
     * The price table for cost accounting; default {@link OpenAiPrices#defaults()}.
     *
     * @param prices the price table
     * @return this builder
     */
    public Builder prices(OpenAiPrices prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /** The clock that reads a Retry-After given as a date. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A new provider with its own HTTP clients.
     *
     * @throws IllegalStateException when no API key was set
     * @return a provider ready to use
     */
    public OpenAiImageProvider build() {
      if (azureEndpoint == null) {
        if (!azureDeployments.isEmpty() || entraIdToken != null) {
          throw new IllegalStateException(
              "azureDeployment and entraIdToken need azureEndpoint (the Azure OpenAI resource's address)");
        }
        if (apiKey == null) {
          throw new IllegalStateException("apiKey is required (or use OpenAiImageProvider.fromEnvironment)");
        }
      } else {
        if (azureDeployments.isEmpty()) {
          throw new IllegalStateException(
              "azureDeployment is required on Azure: name the deployment serving each model, e.g."
                  + " azureDeployment(\"dall-e-3\", \"my-dalle3\")");
        }
        if ((apiKey == null) == (entraIdToken == null)) {
          throw new IllegalStateException(
              "Azure needs exactly one credential: apiKey (the resource's key) or entraIdToken");
        }
      }
      return new OpenAiImageProvider(this);
    }

    @Override
    public String toString() {
      return "OpenAiImageProvider.Builder[" + (azureEndpoint == null ? "baseUrl=" + baseUrl : "azureEndpoint=" + azureEndpoint)
          + ", apiKey=" + (apiKey == null ? "(unset)" : "(hidden)") + "]";
    }

    private static URI httpUri(String name, String value) {
      URI uri;
      try {
        uri = URI.create(value.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " is not a valid URL: " + value);
      }
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an absolute http(s) URL, got: " + value);
      }
      return uri;
    }

    private static Duration checkDuration(String name, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
