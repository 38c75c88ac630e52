package com.snapasset.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

  private static final Logger log = LoggerFactory.getLogger(OpenAiImageProvider.class);

  private final OpenAIClient client;
  private final ImageDownloader downloader;
  private final ProviderErrors errors;
  private final OpenAiPrices prices;
  private final String baseUrl;
  private final @Nullable String organization;
  private final Duration timeout;
  private final long maxImageBytes;

  private OpenAiImageProvider(Builder b, String apiKey) {
    this.baseUrl = b.baseUrl;
    this.organization = b.organization;
    this.timeout = b.timeout;
    this.maxImageBytes = b.maxImageBytes;
    this.prices = b.prices;
    this.errors = new ProviderErrors(apiKey, b.clock);
    this.downloader = new ImageDownloader(b.downloadTimeout, b.maxImageBytes);
    OpenAIOkHttpClient.Builder sdk =
        OpenAIOkHttpClient.builder()
            .apiKey(apiKey)
            .baseUrl(b.baseUrl)
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
    if (b.organization != null) {
      sdk.organization(b.organization);
    }
    if (b.project != null) {
      sdk.project(b.project);
    }
    this.client = sdk.build();
  }

  /** A builder with the defaults: {@link #DEFAULT_BASE_URL}, 120 s per call, 32 MiB per image. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from environment variables, or empty when {@code OPENAI_API_KEY} is
   * unset or blank. Reads {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID},
   * {@code OPENAI_PROJECT_ID} and {@code SNAPASSET_OPENAI_TIMEOUT_SECONDS}.
   *
   * @throws ConfigurationException when a variable is set but invalid (the message never quotes
   *     the key)
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

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    OpenAiModel model;
    try {
      model = OpenAiModel.check(prompt.options());
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
      response = client.images().generate(params(model, prompt));
    } catch (OpenAIException e) {
      ProviderException translated = errors.translate(e);
      log.debug("OpenAI {} {} failed: {}", model.id, options.size(), translated.getMessage());
      throw translated;
    } catch (RuntimeException e) {
      // Anything undocumented from the SDK still must not escape as a driver type.
      throw ProviderException.permanent(
          "OpenAI client failed: " + e.getClass().getSimpleName() + ": " + errors.scrub(e.getMessage()),
          null);
    }
    Image image =
        response.data().flatMap(images -> images.stream().findFirst())
            .orElseThrow(() -> ProviderException.retryable("OpenAI answered without an image", null, null));
    byte[] data = imageBytes(image);
    String pricedQuality = pricedQuality(model, options.quality(), response);
    BigDecimal cost = prices.perImage(model.id, pricedQuality, options.size());
    log.debug(
        "OpenAI {} {} {} made {} bytes in {} ms, cost ${}",
        model.id,
        options.size(),
        pricedQuality,
        data.length,
        (System.nanoTime() - started) / 1_000_000,
        cost);
    return new ProviderImage(data, image.revisedPrompt().orElse(null), cost);
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public void validate(ImageOptions options) {
    OpenAiModel.check(options);
  }

  /** Releases the HTTP clients' threads and connections. */
  @Override
  public void close() {
    client.close();
    downloader.close();
  }

  @Override
  public String toString() {
    return "OpenAiImageProvider[baseUrl=" + baseUrl
        + (organization == null ? "" : ", organization=" + organization)
        + ", timeout=" + timeout + ", maxImageBytes=" + maxImageBytes + ", apiKey=(hidden)]";
  }

  // style and response_format are deprecated in the SDK because the gpt-image models refuse them;
  // the DALL·E models still need them, and OpenAiModel decides which model gets which field.
  @SuppressWarnings("deprecation")
  private static ImageGenerateParams params(OpenAiModel model, ImagePrompt prompt) {
    ImageOptions o = prompt.options();
    ImageGenerateParams.Builder p =
        ImageGenerateParams.builder()
            .prompt(prompt.prompt())
            .model(model.id)
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
            "OpenAI's image is about " + decodedSize + " bytes, over the cap of " + maxImageBytes
                + " bytes (maxImageBytes)",
            null);
      }
      try {
        return Base64.getDecoder().decode(b64.get());
      } catch (IllegalArgumentException e) {
        throw ProviderException.retryable("OpenAI returned malformed base64 image data", null, null);
      }
    }
    return image.url()
        .filter(u -> !u.isEmpty())
        .map(downloader::download)
        .orElseThrow(
            () -> ProviderException.retryable("OpenAI answered with neither image data nor a URL", null, null));
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

    private Builder() {}

    /** The secret key ({@code OPENAI_API_KEY}). Required. */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank() || !apiKey.strip().equals(apiKey) || apiKey.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("apiKey must be non-blank and contain no whitespace");
      }
      this.apiKey = apiKey;
      return this;
    }

    /** The API's address, e.g. a proxy or compatible server; default {@link #DEFAULT_BASE_URL}. */
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

    /** The organization to bill ({@code OPENAI_ORG_ID}); null for the key's default. */
    public Builder organization(@Nullable String organization) {
      this.organization = organization;
      return this;
    }

    /** The project to bill ({@code OPENAI_PROJECT_ID}); null for the key's default. */
    public Builder project(@Nullable String project) {
      this.project = project;
      return this;
    }

    /** The limit for one generation call, up to 30 min; default 120 s (gpt-image-1 high is slow). */
    public Builder timeout(Duration timeout) {
      this.timeout = checkDuration("timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(30));
      return this;
    }

    /** The limit for opening a connection to the API; default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout =
          checkDuration("connectTimeout", connectTimeout, Duration.ofMillis(1), Duration.ofMinutes(5));
      return this;
    }

    /** The limit for downloading an image that came back as a URL, whole call; default 30 s. */
    public Builder downloadTimeout(Duration downloadTimeout) {
      this.downloadTimeout =
          checkDuration("downloadTimeout", downloadTimeout, Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /** The largest image accepted, downloaded or base64, in bytes; default 32 MiB. */
    public Builder maxImageBytes(long maxImageBytes) {
      if (maxImageBytes < 1) {
        throw new IllegalArgumentException("maxImageBytes must be positive, got " + maxImageBytes);
      }
      this.maxImageBytes = maxImageBytes;
      return this;
    }

    /** The price table for cost accounting; default {@link OpenAiPrices#defaults()}. */
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
     */
    public OpenAiImageProvider build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required (or use OpenAiImageProvider.fromEnvironment)");
      }
      return new OpenAiImageProvider(this, apiKey);
    }

    @Override
    public String toString() {
      return "OpenAiImageProvider.Builder[baseUrl=" + baseUrl + ", apiKey="
          + (apiKey == null ? "(unset)" : "(hidden)") + "]";
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
