package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import com.snapasset.testing.ScriptedImageProvider;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bring-your-own image through the library: rendered at every exact size with no provider call and
 * no cost, the same guards as a generated image, and the URL policy applied when the request is
 * submitted and when the image is fetched.
 */
class SourceImageGenerationTest {
  @TempDir Path dir;
  private final ScriptedImageProvider provider = new ScriptedImageProvider();
  private AssetGenerator generator;

  @BeforeEach
  void start() {
    generator = builder().build();
  }

  @AfterEach
  void stop() {
    generator.close();
  }

  private AssetGenerator.Builder builder() {
    return AssetGenerator.builder().imageProvider(provider).outputDirectory(dir).environment(Map.of()).renderThreads(2);
  }

  @Test
  void aPhotoIsRenderedForEveryPresetAtItsExactSizeWithoutTheProvider() throws IOException {
    GenerationRequest request = GenerationRequest.builder().userId("alice")
        .source(SourceImage.ofBytes(jpeg(1600, 1200)))
        .platforms(Platforms.presets().stream().map(Platform::id).toList())
        .build();

    GenerationResult result = generator.generate(request);

    assertThat(provider.calls()).isZero();
    assertThat(result.provider()).isEqualTo("source");
    assertThat(result.costUsd()).isZero();
    assertThat(result.assets()).hasSize(Platforms.presets().size());
    for (Asset asset : result.assets()) {
      BufferedImage written = ImageIO.read(Path.of(asset.url()).toFile());
      Platform preset = generator.platforms().resolve(asset.platformId()).orElseThrow();
      assertThat(written.getWidth()).as(asset.platformId()).isEqualTo(preset.width());
      assertThat(written.getHeight()).as(asset.platformId()).isEqualTo(preset.height());
    }
  }

  @Test
  void aQueuedJobWithASourceImageCompletesAndKeepsItsBytesThroughTheQueue() throws Exception {
    GenerationRequest request = GenerationRequest.builder().userId("alice").prompt("our logo")
        .source(SourceImage.ofBytes(png(500, 500))).platforms("instagram-post", "200x100").build();

    try (Worker ignored = generator.startWorker(WorkerOptions.builder().concurrency(1).build())) {
      Job job = generator.await(generator.submit(request), Duration.ofSeconds(30));

      assertThat(job.state()).as(String.valueOf(job.failedReason())).isEqualTo(JobState.COMPLETED);
      assertThat(job.result().assets()).extracting(Asset::width).containsExactly(1080, 200);
      assertThat(job.request().source().bytes()).isPresent();
    }
    assertThat(provider.calls()).isZero();
  }

  @Test
  void undecodableAndOversizedImagesFailWithTypedErrors() throws IOException {
    byte[] truncated = java.util.Arrays.copyOf(jpeg(800, 600), 300);
    GenerationRequest broken = GenerationRequest.builder().userId("alice")
        .source(SourceImage.ofBytes(truncated)).platforms("instagram-post").build();
    GenerationRequest bomb = GenerationRequest.builder().userId("alice")
        .source(SourceImage.ofBytes(pngClaiming(100_000, 100_000))).platforms("instagram-post").build();

    assertThatThrownBy(() -> generator.generate(broken)).isInstanceOf(ImageDecodeException.class);
    assertThatThrownBy(() -> generator.generate(bomb)).isInstanceOf(ImageDecodeException.class)
        .satisfies(e -> assertThat(((SnapAssetException) e).isRetryable()).isFalse());
    assertThat(provider.calls()).isZero();
  }

  @Test
  void theSourcePolicyIsAppliedWhenTheRequestIsSubmitted() throws IOException {
    try (AssetGenerator small = builder().sourceFetchPolicy(SourceFetchPolicy.defaults().withMaxBytes(1_000)).build()) {
      GenerationRequest big = GenerationRequest.builder().userId("a").source(SourceImage.ofBytes(png(300, 300)))
          .platforms("instagram-post").build();
      assertThatThrownBy(() -> small.submit(big)).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("use at most 1000");
    }
    for (String url : List.of("http://example.com/a.png", "https://127.0.0.1/a.png", "https://[::1]/a.png",
        "https://169.254.169.254/latest/meta-data/", "https://localhost/a.png", "https://10.0.0.8/a.png")) {
      GenerationRequest request = GenerationRequest.builder().userId("a").source(SourceImage.ofUrl(url))
          .platforms("instagram-post").build();
      assertThatThrownBy(() -> generator.submit(request)).as(url).isInstanceOf(InvalidRequestException.class)
          .satisfies(e -> assertThat(((InvalidRequestException) e).details()).extracting(RequestProblem::field).contains("source"));
    }
    assertThat(generator.stats().waiting()).isZero();
  }

  @Test
  void aUrlIsFetchedUnderTheConfiguredPolicy() throws IOException {
    byte[] image = png(640, 480);
    List<String> served = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      served.add(exchange.getRequestURI().getPath());
      exchange.sendResponseHeaders(200, image.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(image);
      }
    });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/photo.png";
    try (AssetGenerator trusting = builder()
        .sourceFetchPolicy(SourceFetchPolicy.defaults().withAllowHttp(true).withAllowPrivateNetworks(true)).build()) {
      GenerationResult result = trusting.generate(GenerationRequest.builder().userId("a")
          .source(SourceImage.ofUrl(url)).platforms("twitter-post").build());

      assertThat(result.assets()).singleElement().satisfies(a -> assertThat(a.width()).isEqualTo(1200));
      assertThat(served).containsExactly("/photo.png");
      assertThatThrownBy(() -> generator.generate(GenerationRequest.builder().userId("a")
          .source(SourceImage.ofUrl(url)).platforms("twitter-post").build()))
          .as("the default policy refuses the same URL").isInstanceOf(InvalidRequestException.class);
    } finally {
      server.stop(0);
    }
    assertThat(provider.calls()).isZero();
  }

  @Test
  void aProviderIsToldTheLargestPlatformAndItsCacheVariantKeysTheBaseImage() {
    List<ImagePrompt> seen = new CopyOnWriteArrayList<>();
    ImageProvider ratioProvider = new ImageProvider() {
      private final ImageProvider drawing = com.snapasset.embedded.PlaceholderImageProvider.create();

      @Override
      public ProviderImage generate(ImagePrompt prompt) {
        seen.add(prompt);
        return drawing.generate(prompt);
      }

      @Override
      public String name() {
        return "ratios";
      }

      @Override
      public String cacheVariant(ImagePrompt prompt) {
        Platform p = prompt.largestPlatform();
        return p.width() >= p.height() ? "landscape" : "portrait";
      }
    };
    try (AssetGenerator g = AssetGenerator.builder().imageProvider(ratioProvider).outputDirectory(dir)
        .environment(Map.of()).build()) {
      g.generate(GenerationRequest.of("a", "a harbour", List.of("instagram-post", "pinterest-pin", "200x100")));
      g.generate(GenerationRequest.of("a", "a harbour", List.of("instagram-story")));
      g.generate(GenerationRequest.of("a", "a harbour", List.of("twitter-post")));
    }

    // The story is portrait like the pin (same variant: the cached image), the post is landscape.
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).largestPlatform().id()).isEqualTo("pinterest-pin");
    assertThat(seen.get(1).largestPlatform().id()).isEqualTo("twitter-post");
  }

  private static byte[] jpeg(int width, int height) throws IOException {
    return encode(width, height, "jpeg");
  }

  private static byte[] png(int width, int height) throws IOException {
    return encode(width, height, "png");
  }

  private static byte[] encode(int width, int height, String format) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(40, 110, 170));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(230, 180, 60));
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  /** A valid 1×1 PNG whose header claims {@code width × height}: a decompression bomb's shape. */
  private static byte[] pngClaiming(int width, int height) throws IOException {
    byte[] png = png(1, 1);
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, width).putInt(20, height); // IHDR data starts at 16: width, height
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17); // "IHDR" + 13 data bytes
    b.putInt(29, (int) crc.getValue());
    return png;
  }
}
