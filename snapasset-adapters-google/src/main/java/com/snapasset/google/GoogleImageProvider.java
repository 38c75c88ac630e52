package com.snapasset.google;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.genai.Client;
import com.google.genai.types.Candidate;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateImagesConfig;
import com.google.genai.types.GenerateImagesResponse;
import com.google.genai.types.GeneratedImage;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ImageConfig;
import com.google.genai.types.Part;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Google image provider: the Gemini image models (Gemini 2.5 Flash Image, Gemini 3 Pro Image)
 * on the Gemini Developer API (an API key) or Vertex AI (a project, a location and Google
 * credentials), and Imagen 4 (Standard, Ultra, Fast) on Vertex AI, through Google's Gen AI Java
 * SDK. (The SDK serves Imagen's {@code generateImages} through Vertex AI only.)
 * Thread-safe; share one instance and {@link #close()} it when done.
 *
 * <pre>{@code
 * GoogleImageProvider google = GoogleImageProvider.builder()
 *     .apiKey(System.getenv("GEMINI_API_KEY"))
 *     .defaultModel("gemini-2.5-flash-image")
 *     .build();
 * }</pre>
 *
 * <p>Options: the model is one of {@code imagen-4.0-generate-001}, {@code
 * imagen-4.0-ultra-generate-001}, {@code imagen-4.0-fast-generate-001}, {@code
 * gemini-2.5-flash-image}, {@code gemini-3-pro-image-preview}, or SnapAsset's default model id,
 * which stands for {@link Builder#defaultModel}. The quality is an output size ({@code 1K}, {@code
 * 2K}, {@code 4K} as the model offers) or {@code standard} (1K) / {@code hd} (2K). Google's models
 * draw fixed aspect ratios, not pixel sizes: the ratio closest to the largest platform of the
 * generation ({@link ImagePrompt#largestPlatform()}) is asked for, or, when the provider is called
 * without one, the ratio closest to the requested {@code size}. Styles {@code vivid}, {@code natural} and {@code none} are accepted and
 * change nothing.
 *
 * <p>Failures are {@link ProviderException}s: safety blocks (Imagen's filtered reason, Gemini's
 * block and finish reasons, 400s about Responsible AI) are permanent with Google's reason; 429
 * (rate limit or quota), 408 and 5xx are retryable after Google's {@code Retry-After} or {@code
 * RetryInfo} delay; connection errors and timeouts are retryable; refused credentials and other
 * bad requests are permanent. The SDK's own retries are off. The key appears in no log line,
 * exception or {@code toString()}.
 */
public final class GoogleImageProvider implements ImageProvider, AutoCloseable {
  /** The model used when a request names none (SnapAsset's default options). */
  public static final String DEFAULT_MODEL = GoogleModel.GEMINI_2_5_FLASH_IMAGE.id;

  private static final Logger log = LoggerFactory.getLogger(GoogleImageProvider.class);
  /** Gemini's finish reasons that mean a safety or policy block rather than a glitch. */
  private static final Set<String> BLOCKING_FINISH_REASONS =
      Set.of("SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST",
          "SPII", "RECITATION", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE");

  private final Client client;
  private final OkHttpClient http;
  private final GoogleErrors errors;
  private final GooglePrices prices;
  private final GoogleModel defaultModel;
  private final boolean vertexAi;
  private final long maxImageBytes;
  private final String description;

  private GoogleImageProvider(Builder b) {
    this.prices = b.prices;
    this.defaultModel = b.defaultModel;
    this.vertexAi = b.project != null;
    this.maxImageBytes = b.maxImageBytes;
    this.errors = new GoogleErrors(b.apiKey == null ? "" : b.apiKey, b.clock);
    this.http =
        new OkHttpClient.Builder()
            .addInterceptor(new ErrorCapture())
            .connectTimeout(b.connectTimeout)
            // The server sends nothing until the image is drawn, so reads wait as long as the call.
            .readTimeout(b.timeout)
            .writeTimeout(b.timeout)
            .callTimeout(b.timeout)
            .build();
    HttpOptions.Builder httpOptions =
        HttpOptions.builder()
            .timeout(Math.toIntExact(b.timeout.toMillis()))
            // Retries happen once, in the job engine; retrying here too would multiply them.
            .retryOptions(HttpRetryOptions.builder().attempts(1).build());
    if (b.baseUrl != null) {
      httpOptions.baseUrl(b.baseUrl);
    }
    Client.Builder sdk =
        Client.builder()
            .httpOptions(httpOptions.build())
            .clientOptions(ClientOptions.builder().customHttpClient(http).build());
    if (b.project != null) {
      sdk.vertexAI(true).project(b.project).location(Objects.requireNonNull(b.location));
      if (b.credentials != null) {
        sdk.credentials(b.credentials);
      }
    } else {
      sdk.vertexAI(false).apiKey(Objects.requireNonNull(b.apiKey));
    }
    this.client = sdk.build();
    this.description =
        "GoogleImageProvider["
            + (b.project != null ? "vertexAi=" + b.project + "/" + b.location : "geminiApi, apiKey=(hidden)")
            + (b.baseUrl != null ? ", baseUrl=" + b.baseUrl : "")
            + ", defaultModel=" + defaultModel.id + ", timeout=" + b.timeout
            + ", maxImageBytes=" + maxImageBytes + "]";
  }

  /**
   * A builder with the defaults: {@link #DEFAULT_MODEL}, 120 s per call, 32 MiB per image.
   *
   * @return a new builder; set either {@link Builder#apiKey} or {@link Builder#vertexAi}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from environment variables, or empty when none of its settings is
   * present. Vertex AI when {@code GOOGLE_GENAI_USE_VERTEXAI} is {@code true} (then {@code
   * GOOGLE_CLOUD_PROJECT}, {@code GOOGLE_CLOUD_LOCATION} (default {@code us-central1}) and
   * Application Default Credentials); else the Gemini Developer API with {@code GOOGLE_API_KEY} or
   * {@code GEMINI_API_KEY}. Also reads {@code SNAPASSET_GOOGLE_MODEL}, {@code
   * SNAPASSET_GOOGLE_TIMEOUT_SECONDS}, and {@code GOOGLE_GEMINI_BASE_URL} / {@code
   * GOOGLE_VERTEX_BASE_URL}.
   *
   * @param environment the variables to read, usually {@link System#getenv()}
   * @return the provider, or empty when neither Vertex AI is asked for nor an API key is set
   * @throws ConfigurationException when a variable is set but invalid (the message never quotes
   *     the key)
   */
  public static Optional<GoogleImageProvider> fromEnvironment(Map<String, String> environment) {
    boolean vertex = "true".equalsIgnoreCase(trimmed(environment.get("GOOGLE_GENAI_USE_VERTEXAI")));
    String key = trimmed(environment.get("GOOGLE_API_KEY"));
    if (key == null) {
      key = trimmed(environment.get("GEMINI_API_KEY"));
    }
    if (!vertex && key == null) {
      return Optional.empty();
    }
    Builder b = builder();
    List<String> problems = new ArrayList<>();
    if (vertex) {
      String project = trimmed(environment.get("GOOGLE_CLOUD_PROJECT"));
      String location = Objects.requireNonNullElse(trimmed(environment.get("GOOGLE_CLOUD_LOCATION")), "us-central1");
      if (project == null) {
        problems.add("GOOGLE_GENAI_USE_VERTEXAI is true but GOOGLE_CLOUD_PROJECT is not set");
      } else {
        apply(problems, () -> b.vertexAi(project, location));
      }
      String base = trimmed(environment.get("GOOGLE_VERTEX_BASE_URL"));
      if (base != null) {
        apply(problems, () -> b.baseUrl(base));
      }
    } else {
      String k = key;
      apply(problems, () -> b.apiKey(k));
      String base = trimmed(environment.get("GOOGLE_GEMINI_BASE_URL"));
      if (base != null) {
        apply(problems, () -> b.baseUrl(base));
      }
    }
    String model = trimmed(environment.get("SNAPASSET_GOOGLE_MODEL"));
    if (model != null) {
      apply(problems, () -> b.defaultModel(model));
    }
    String seconds = trimmed(environment.get("SNAPASSET_GOOGLE_TIMEOUT_SECONDS"));
    if (seconds != null) {
      apply(problems, () -> b.timeout(Duration.ofSeconds(Long.parseLong(seconds))));
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    try {
      return Optional.of(b.build());
    } catch (RuntimeException e) {
      // Typically Vertex AI without Application Default Credentials on this machine.
      throw new ConfigurationException(
          "Google Gen AI client could not be created: " + e.getClass().getSimpleName() + ": "
              + new GoogleErrors(key == null ? "" : key, Clock.systemUTC()).scrub(e.getMessage()));
    }
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    GoogleModel model;
    try {
      model = GoogleModel.check(prompt.options(), defaultModel, vertexAi);
    } catch (InvalidRequestException e) {
      throw ProviderException.permanent(e.getMessage(), e);
    }
    ImageOptions options = prompt.options();
    String ratio = aspectRatio(model, prompt);
    String imageSize = GoogleModel.imageSize(options.quality());
    long started = System.nanoTime();
    Drawn drawn;
    try {
      drawn = model.api == GoogleModel.Api.IMAGEN
          ? imagen(model, prompt.prompt(), ratio, imageSize)
          : gemini(model, prompt.prompt(), ratio, imageSize);
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException e) {
      ProviderException translated = errors.translate(e);
      log.debug("Google {} {} failed: {}", model.id, ratio, translated.getMessage());
      throw translated;
    }
    if (drawn.data.length > maxImageBytes) {
      throw ProviderException.permanent(
          "Google's image is " + drawn.data.length + " bytes, over the cap of " + maxImageBytes
              + " bytes (maxImageBytes)",
          null);
    }
    BigDecimal cost = prices.perImage(model.id, imageSize);
    log.debug(
        "Google {} {} {} made {} bytes in {} ms, cost ${}",
        model.id,
        ratio,
        imageSize,
        drawn.data.length,
        (System.nanoTime() - started) / 1_000_000,
        cost);
    return new ProviderImage(drawn.data, drawn.revisedPrompt, cost);
  }

  private record Drawn(byte[] data, @Nullable String revisedPrompt) {}

  // generateImages is deprecated in SDK 2.0 (removal not before 2027) in favour of Gemini's
  // generateContent; it is still how Vertex AI serves Imagen 4.
  @SuppressWarnings("deprecation")
  private Drawn imagen(GoogleModel model, String prompt, String ratio, String imageSize) {
    GenerateImagesConfig.Builder config =
        GenerateImagesConfig.builder().numberOfImages(1).aspectRatio(ratio).includeRaiReason(true);
    if (model.takesImageSize()) {
      config.imageSize(imageSize);
    }
    GenerateImagesResponse response = client.models.generateImages(model.id, prompt, config.build());
    List<GeneratedImage> images = response.generatedImages().orElse(List.of());
    List<String> reasons = new ArrayList<>();
    for (GeneratedImage image : images) {
      Optional<byte[]> bytes = image.image().flatMap(i -> i.imageBytes()).filter(b -> b.length > 0);
      if (bytes.isPresent()) {
        return new Drawn(bytes.get(), image.enhancedPrompt().orElse(null));
      }
      image.raiFilteredReason().ifPresent(r -> reasons.add(errors.scrub(r)));
    }
    // Imagen answers 200 with no image when its filters drop the result.
    throw ProviderException.permanent(
        "Google " + model.id + " refused the prompt under its safety rules: "
            + (reasons.isEmpty() ? "no image returned and no reason given" : String.join("; ", reasons)),
        null);
  }

  private Drawn gemini(GoogleModel model, String prompt, String ratio, String imageSize) {
    ImageConfig.Builder image = ImageConfig.builder().aspectRatio(ratio);
    if (model.takesImageSize()) {
      image.imageSize(imageSize);
    }
    GenerateContentConfig config =
        GenerateContentConfig.builder().responseModalities("IMAGE").imageConfig(image.build()).build();
    GenerateContentResponse response = client.models.generateContent(model.id, prompt, config);
    var feedback = response.promptFeedback();
    if (feedback.isPresent() && feedback.get().blockReason().isPresent()) {
      throw ProviderException.permanent(
          "Google " + model.id + " blocked the prompt (" + feedback.get().blockReason().get() + ")"
              + feedback.get().blockReasonMessage().map(m -> ": " + errors.scrub(m)).orElse(""),
          null);
    }
    List<Candidate> candidates = response.candidates().orElse(List.of());
    if (candidates.isEmpty()) {
      throw ProviderException.retryable("Google " + model.id + " answered without a candidate", null, null);
    }
    Candidate candidate = candidates.get(0);
    StringBuilder text = new StringBuilder();
    for (Part part : candidate.content().flatMap(c -> c.parts()).orElse(List.of())) {
      Optional<byte[]> data = part.inlineData().flatMap(d -> d.data()).filter(d -> d.length > 0);
      if (data.isPresent()) {
        return new Drawn(data.get(), null);
      }
      part.text().ifPresent(text::append);
    }
    String finish = candidate.finishReason().map(Object::toString).orElse("").toUpperCase(Locale.ROOT);
    String said = candidate.finishMessage().map(errors::scrub)
        .orElse(text.length() == 0 ? "" : abbreviate(errors.scrub(text.toString())));
    if (BLOCKING_FINISH_REASONS.contains(finish) || (finish.equals("STOP") && text.length() > 0)) {
      // A text-only answer to an image request is the model declining: trying again pays again.
      throw ProviderException.permanent(
          "Google " + model.id + " refused to draw the prompt (" + finish + ")" + (said.isEmpty() ? "" : ": " + said),
          null);
    }
    throw ProviderException.retryable(
        "Google " + model.id + " answered without an image (finish reason " + (finish.isEmpty() ? "none" : finish) + ")",
        null,
        null);
  }

  @Override
  public String name() {
    return "google";
  }

  /** The model that will draw and the aspect ratio it will draw at. */
  @Override
  public String cacheVariant(ImagePrompt prompt) {
    try {
      GoogleModel model = GoogleModel.check(prompt.options(), defaultModel, vertexAi);
      return model.id + "|" + aspectRatio(model, prompt);
    } catch (InvalidRequestException e) {
      return "";
    }
  }

  /**
   * The supported ratio closest to the largest platform the image is for; without one (a direct
   * call), closest to the options' size.
   */
  private static String aspectRatio(GoogleModel model, ImagePrompt prompt) {
    return prompt.target()
        .map(p -> model.closestAspectRatio(p.width(), p.height()))
        .orElseGet(() -> model.closestAspectRatio(prompt.options().width(), prompt.options().height()));
  }

  @Override
  public void validate(ImageOptions options) {
    GoogleModel.check(options, defaultModel, vertexAi);
  }

  /** Releases the SDK's and the HTTP client's threads and connections. */
  @Override
  public void close() {
    client.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return description;
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  private static void apply(List<String> problems, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  private static @Nullable String trimmed(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Configures a {@link GoogleImageProvider}: either {@link #apiKey} (Gemini Developer API) or
   * {@link #vertexAi} (Vertex AI). Each setter checks its argument at once and names the setting in
   * its error; {@link #build()} leaves the builder unchanged. {@code toString()} never shows the key.
   */
  public static final class Builder {
    private static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9-]{4,61}[a-z0-9]|[a-z0-9.:-]{1,100}");
    private static final Pattern LOCATION = Pattern.compile("[a-z0-9-]{2,40}");

    private @Nullable String apiKey;
    private @Nullable String project;
    private @Nullable String location;
    private @Nullable GoogleCredentials credentials;
    private @Nullable String baseUrl;
    private GoogleModel defaultModel = GoogleModel.GEMINI_2_5_FLASH_IMAGE;
    private Duration timeout = Duration.ofSeconds(120);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private long maxImageBytes = 32L * 1024 * 1024;
    private GooglePrices prices = GooglePrices.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The Gemini Developer API key ({@code GEMINI_API_KEY} / {@code GOOGLE_API_KEY}).
     *
     * @param apiKey the key; non-blank, without whitespace; never shown in {@code toString()}
     * @return this builder
     * @throws IllegalArgumentException when the key is blank or contains whitespace
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank() || apiKey.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("apiKey must be non-blank and contain no whitespace");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Calls Vertex AI in {@code project} at {@code location} (e.g. {@code us-central1}) instead of
     * the Gemini Developer API, authenticated by {@link #credentials} or, when none are set, by
     * Application Default Credentials.
     *
     * @param project the Google Cloud project id
     * @param location the region, such as {@code us-central1}, or {@code global}: 2-40 characters of
     *     {@code a-z 0-9 -}
     * @return this builder
     * @throws IllegalArgumentException when the project id or the location is not valid
     */
    public Builder vertexAi(String project, String location) {
      Objects.requireNonNull(project, "project");
      Objects.requireNonNull(location, "location");
      if (!PROJECT.matcher(project).matches()) {
        throw new IllegalArgumentException("project '" + project + "' is not a valid Google Cloud project id");
      }
      if (!LOCATION.matcher(location).matches()) {
        throw new IllegalArgumentException("location '" + location + "' is not valid: use a region such as us-central1 or global");
      }
      this.project = project;
      this.location = location;
      return this;
    }

    /**
     * The Google credentials for Vertex AI; default Application Default Credentials.
     *
     * @param credentials the credentials the calls are authenticated with
     * @return this builder
     */
    public Builder credentials(GoogleCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Another address for the API, e.g. a proxy or a regional endpoint; default Google's.
     *
     * @param baseUrl an absolute {@code http} or {@code https} URL with a host
     * @return this builder
     * @throws IllegalArgumentException when the URL is malformed, not http(s) or has no host
     */
    public Builder baseUrl(String baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      URI uri;
      try {
        uri = URI.create(baseUrl.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("baseUrl is not a valid URL: " + baseUrl);
      }
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, got: " + baseUrl);
      }
      this.baseUrl = baseUrl.trim();
      return this;
    }

    /**
     * The model for requests that name none (SnapAsset's default options); default {@link
     * #DEFAULT_MODEL}.
     *
     * @param model the id of a supported model, such as {@code gemini-2.5-flash-image}
     * @return this builder
     * @throws IllegalArgumentException naming the supported models when this one is not one of them
     */
    public Builder defaultModel(String model) {
      Objects.requireNonNull(model, "defaultModel");
      this.defaultModel = GoogleModel.byId(model).orElseThrow(() -> new IllegalArgumentException(
          "defaultModel '" + model + "' is not supported: use one of " + GoogleModel.ids()));
      return this;
    }

    /**
     * The limit for one generation call; default 120 s.
     *
     * @param timeout 100 ms to 30 min
     * @return this builder
     * @throws IllegalArgumentException when the limit is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = checkDuration("timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(30));
      return this;
    }

    /**
     * The limit for opening a connection; default 10 s.
     *
     * @param connectTimeout 1 ms to 5 min
     * @return this builder
     * @throws IllegalArgumentException when the limit is out of range
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = checkDuration("connectTimeout", connectTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * The largest image accepted, in bytes; default 32 MiB.
     *
     * @param maxImageBytes the cap on one decoded image's bytes, 1 or more
     * @return this builder
     * @throws IllegalArgumentException when the cap is not positive
     */
    public Builder maxImageBytes(long maxImageBytes) {
      if (maxImageBytes < 1) {
        throw new IllegalArgumentException("maxImageBytes must be positive, got " + maxImageBytes);
      }
      this.maxImageBytes = maxImageBytes;
      return this;
    }

    /**
     * The price table for cost accounting; default {@link GooglePrices#defaults()}.
     *
     * @param prices the prices recorded per image
     * @return this builder
     */
    public Builder prices(GooglePrices prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /** The clock that reads a Retry-After given as a date. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A new provider with its own HTTP client.
     *
     * @return the provider
     * @throws IllegalStateException when neither or both of an API key and Vertex AI are set, or
     *     credentials are set without Vertex AI
     */
    public GoogleImageProvider build() {
      if ((apiKey == null) == (project == null)) {
        throw new IllegalStateException(
            "set exactly one of apiKey (Gemini Developer API) and vertexAi(project, location) (Vertex AI)");
      }
      if (defaultModel.api == GoogleModel.Api.IMAGEN && project == null) {
        throw new IllegalStateException(
            "defaultModel " + defaultModel.id + " (Imagen) is served through Vertex AI only: set vertexAi(project, location)"
                + " or choose one of " + GoogleModel.geminiIds());
      }
      if (credentials != null && project == null) {
        throw new IllegalStateException("credentials apply to Vertex AI only: set vertexAi(project, location)");
      }
      return new GoogleImageProvider(this);
    }

    @Override
    public String toString() {
      return "GoogleImageProvider.Builder[" + (project != null ? "vertexAi=" + project + "/" + location : "geminiApi")
          + ", apiKey=" + (apiKey == null ? "(unset)" : "(hidden)") + "]";
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
