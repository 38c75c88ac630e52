package com.snapasset.springai;

import com.snapasset.ImageOptions;
import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.ai.image.Image;
import org.springframework.ai.image.ImageGeneration;
import org.springframework.ai.image.ImageModel;
import org.springframework.ai.image.ImageOptionsBuilder;
import org.springframework.ai.image.ImageResponse;

/**
 * Any Spring AI {@link ImageModel} as a SnapAsset {@link ImageProvider}, so every image model
 * Spring AI supports (OpenAI, Azure OpenAI, Stability AI, ZhiPu, QianFan, ...) generates base
 * images. Thread-safe when the model is (Spring AI's are).
 *
 * <pre>{@code
 * @Bean
 * ImageProvider imageProvider(ImageModel imageModel) {
 *   return SpringAiImageProvider.builder(imageModel).name("openai-via-spring-ai")
 *       .costPerImage(new BigDecimal("0.04")).build();
 * }
 * }</pre>
 *
 * <p>Each request becomes a Spring AI {@code ImagePrompt} with portable options: one image, the
 * model (unless it is SnapAsset's default {@code dall-e-3} and {@link Builder#passDefaultModel} is
 * off, so the bean's own configured model applies), the width and height of the requested size,
 * the style, and base64 output; {@link Builder#options} replaces that mapping for model-specific
 * options (e.g. {@code OpenAiImageOptions.builder().quality("hd")}). An image answered as a URL is
 * downloaded without credentials, within {@link Builder#downloadTimeout} and {@link
 * Builder#maxImageBytes}.
 *
 * <p>Spring AI passes its clients' exceptions through, so failures are classified by what they
 * carry ({@link SpringAiErrors}): an HTTP status (401/403/400 permanent; 408/429/5xx retryable, with
 * {@code Retry-After}), Spring AI's transient / non-transient exception types, or an I/O cause
 * (retryable). Spring AI reports no cost: {@link Builder#costPerImage} (default zero) is recorded.
 */
public final class SpringAiImageProvider implements ImageProvider, AutoCloseable {
  private static final Pattern KEY_SHAPED = Pattern.compile("(sk-|AIza)[A-Za-z0-9_*\\-]{4,}");

  private final ImageModel model;
  private final String name;
  private final Function<ImageOptions, org.springframework.ai.image.ImageOptions> options;
  private final BigDecimal costPerImage;
  private final long maxImageBytes;
  private final Duration downloadTimeout;
  private final SpringAiErrors errors;
  private final HttpClient downloads;

  private SpringAiImageProvider(Builder b) {
    this.model = b.model;
    this.name = b.name;
    boolean passDefault = b.passDefaultModel;
    this.options = b.options != null ? b.options : o -> portable(o, passDefault);
    this.costPerImage = b.costPerImage;
    this.maxImageBytes = b.maxImageBytes;
    this.downloadTimeout = b.downloadTimeout;
    this.errors = new SpringAiErrors(b.name, b.clock);
    this.downloads =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .proxy(ProxySelector.getDefault() == null ? ProxySelector.of(null) : ProxySelector.getDefault())
            .connectTimeout(b.downloadTimeout)
            .build();
  }

  /**
   * A bridge with the defaults: name {@code spring-ai}, cost zero, 32 MiB, 30 s downloads.
   *
   * @param model the Spring AI image model to call, e.g. the auto-configured bean
   * @return the provider
   */
  public static SpringAiImageProvider of(ImageModel model) {
    return builder(model).build();
  }

  /**
   * A builder for the bridge over {@code model}.
   *
   * @param model the Spring AI image model to call, e.g. the auto-configured bean
   * @return a new builder with the defaults of {@link #of}
   */
  public static Builder builder(ImageModel model) {
    return new Builder(model);
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    org.springframework.ai.image.ImagePrompt request =
        new org.springframework.ai.image.ImagePrompt(prompt.prompt(), options.apply(prompt.options()));
    ImageResponse response;
    try {
      response = model.call(request);
    } catch (RuntimeException e) {
      throw errors.translate(e);
    }
    ImageGeneration generation = response == null ? null : response.getResult();
    Image image = generation == null ? null : generation.getOutput();
    if (image == null) {
      throw ProviderException.retryable(name + " answered without an image", null, null);
    }
    byte[] data = bytes(image);
    return new ProviderImage(data, revisedPrompt(generation), costPerImage);
  }

  @Override
  public String name() {
    return name;
  }

  /** Closes the downloader; the {@link ImageModel} belongs to its owner (e.g. Spring) and stays open. */
  @Override
  public void close() {
    // java.net.http.HttpClient has no close() before Java 21; its threads end when it is unreachable.
  }

  @Override
  public String toString() {
    return "SpringAiImageProvider[" + name + ", model=" + model.getClass().getSimpleName() + "]";
  }

  private byte[] bytes(Image image) {
    String b64 = image.getB64Json();
    if (b64 != null && !b64.isEmpty()) {
      if ((long) b64.length() / 4 * 3 > maxImageBytes) {
        throw ProviderException.permanent(
            name + "'s image is over the cap of " + maxImageBytes + " bytes (maxImageBytes)", null);
      }
      try {
        return Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw ProviderException.retryable(name + " returned malformed base64 image data", null, null);
      }
    }
    String url = image.getUrl();
    if (url == null || url.isEmpty()) {
      throw ProviderException.retryable(name + " answered with neither image data nor a URL", null, null);
    }
    return download(url);
  }

  private byte[] download(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw ProviderException.permanent(name + " returned an image URL that is not valid", null);
    }
    String shown = uri.getScheme() + "://" + uri.getHost() + uri.getRawPath();
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw ProviderException.permanent(name + " returned an image URL that is not http(s)", null);
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET().build();
    try {
      HttpResponse<InputStream> response = downloads.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() / 100 != 2) {
          throw ProviderException.retryable(
              "downloading the image from " + shown + " failed with HTTP " + response.statusCode(), null, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int n; (n = body.read(chunk)) != -1; ) {
          if (out.size() + (long) n > maxImageBytes) {
            throw ProviderException.permanent(
                "the image at " + shown + " is over the cap of " + maxImageBytes + " bytes (maxImageBytes)", null);
          }
          out.write(chunk, 0, n);
        }
        return out.toByteArray();
      }
    } catch (IOException e) {
      throw ProviderException.retryable("downloading the image from " + shown + " failed: " + e, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.retryable("downloading the image from " + shown + " was interrupted", null, null);
    }
  }

  private static String revisedPrompt(ImageGeneration generation) {
    Object metadata = generation.getMetadata();
    if (metadata == null) {
      return null;
    }
    // OpenAI's metadata carries it; other models have none. Read without naming the OpenAI type.
    try {
      Object revised = metadata.getClass().getMethod("getRevisedPrompt").invoke(metadata);
      return revised instanceof String s && !s.isBlank() ? s : null;
    } catch (ReflectiveOperationException | RuntimeException none) {
      return null;
    }
  }

  private static org.springframework.ai.image.ImageOptions portable(ImageOptions o, boolean passDefaultModel) {
    ImageOptionsBuilder b =
        ImageOptionsBuilder.builder().n(1).width(o.width()).height(o.height()).responseFormat("b64_json");
    if (passDefaultModel || !o.model().equals(ImageOptions.defaults().model())) {
      b.model(o.model());
    }
    if (!o.style().equals("none")) {
      b.style(o.style());
    }
    return b.build();
  }

  static String scrub(String text) {
    return KEY_SHAPED.matcher(text).replaceAll("$1[redacted]");
  }

  /** Configures a {@link SpringAiImageProvider}; setters check their argument at once. */
  public static final class Builder {
    private final ImageModel model;
    private String name = "spring-ai";
    private Function<ImageOptions, org.springframework.ai.image.ImageOptions> options;
    private boolean passDefaultModel = true;
    private BigDecimal costPerImage = BigDecimal.ZERO;
    private long maxImageBytes = 32L * 1024 * 1024;
    private Duration downloadTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder(ImageModel model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * The provider's name in logs, results and the base-image cache key; default {@code spring-ai}.
     *
     * @param name 1-41 characters of {@code a-z 0-9 . _ -}, starting with a letter or digit
     * @return this builder
     * @throws IllegalArgumentException when the name is not valid
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[a-z0-9][a-z0-9._-]{0,40}")) {
        throw new IllegalArgumentException("name must be 1-41 characters of a-z 0-9 . _ -, got '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * Maps SnapAsset's options to the model's own, replacing the portable mapping, e.g. {@code o ->
     * OpenAiImageOptions.builder().model(o.model()).quality(o.quality()).size(o.size()).build()}.
     *
     * @param options the mapping from a request's image options to the model's call options
     * @return this builder
     */
    public Builder options(Function<ImageOptions, org.springframework.ai.image.ImageOptions> options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Whether SnapAsset's default model id ({@code dall-e-3}) is sent as the model; default true.
     * Turn off when the bean is configured for another model and requests name none.
     *
     * @param passDefaultModel false to leave the model out of the call when the request names the
     *     default, so the bean's configured model is used
     * @return this builder
     */
    public Builder passDefaultModel(boolean passDefaultModel) {
      this.passDefaultModel = passDefaultModel;
      return this;
    }

    /**
     * The cost recorded per image, in US dollars (Spring AI reports none); default zero.
     *
     * @param costPerImage zero or more US dollars
     * @return this builder
     * @throws IllegalArgumentException when the cost is negative
     */
    public Builder costPerImage(BigDecimal costPerImage) {
      Objects.requireNonNull(costPerImage, "costPerImage");
      if (costPerImage.signum() < 0) {
        throw new IllegalArgumentException("costPerImage must be zero or more, got " + costPerImage);
      }
      this.costPerImage = costPerImage;
      return this;
    }

    /**
     * The largest image accepted, base64 or downloaded, in bytes; default 32 MiB.
     *
     * @param maxImageBytes the cap on one image's bytes, 1 or more
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
     * The limit for downloading an image answered as a URL; default 30 s.
     *
     * @param downloadTimeout more than zero, at most 10 min
     * @return this builder
     * @throws IllegalArgumentException when the limit is out of range
     */
    public Builder downloadTimeout(Duration downloadTimeout) {
      Objects.requireNonNull(downloadTimeout, "downloadTimeout");
      if (downloadTimeout.isNegative() || downloadTimeout.isZero() || downloadTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("downloadTimeout must be between 1 ms and 10 min, got " + downloadTimeout);
      }
      this.downloadTimeout = downloadTimeout;
      return this;
    }

    /** The clock that reads a Retry-After given as a date. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A new provider with its own HTTP client for downloads.
     *
     * @return the provider
     */
    public SpringAiImageProvider build() {
      return new SpringAiImageProvider(this);
    }
  }
}
