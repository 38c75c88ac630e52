package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.Asset;
import com.snapasset.GenerationListener;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageProcessingException;
import com.snapasset.ImageOptions;
import com.snapasset.OutputFormat;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.StageTimings;
import com.snapasset.StorageException;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryBaseImageCache;
import com.snapasset.embedded.InMemoryGenerationCatalog;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.GenerationRecord;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.Rendition;
import com.snapasset.spi.StoredObject;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import com.snapasset.testing.ScriptedImageProvider;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each stage of the pipeline on its own, on real parts (placeholder drawing, in-memory ports). */
class GenerationStagesTest {
  private final ScriptedImageProvider provider = new ScriptedImageProvider();
  private final InMemoryAssetStorage storage = InMemoryAssetStorage.create();
  private final EngineEvents events = new EngineEvents();
  private final List<Boolean> lookups = new CopyOnWriteArrayList<>();
  private final ExecutorService renderPool = Executors.newFixedThreadPool(2);
  private final ExecutorService ioPool = Executors.newFixedThreadPool(2);
  private final ImagePrompt prompt = new ImagePrompt("a red fox at dawn", ImageOptions.defaults());

  GenerationStagesTest() {
    events.add(new GenerationListener() {
      @Override
      public void onBaseImageLookup(boolean hit) {
        lookups.add(hit);
      }
    });
  }

  @AfterEach
  void stopPools() {
    renderPool.shutdownNow();
    ioPool.shutdownNow();
  }

  private BaseImageStage baseImageStage() {
    return new BaseImageStage(provider, new SourceFetcher(com.snapasset.SourceFetchPolicy.defaults()),
        new CachedBaseImages(InMemoryBaseImageCache.create(), Duration.ofHours(1)), events);
  }

  @Test
  void baseImageStageCallsTheProviderOnceForIdenticalPrompts() {
    BaseImageStage stage = baseImageStage();

    BaseImageStage.BaseImage first = stage.fetch(prompt);
    BaseImageStage.BaseImage second = stage.fetch(prompt);

    assertThat(provider.calls()).isEqualTo(1);
    assertThat(first.fromCache()).isFalse();
    assertThat(second.fromCache()).isTrue();
    assertThat(second.data()).isEqualTo(first.data());
    assertThat(second.cost()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(second.providerTime()).isEqualTo(Duration.ZERO);
    assertThat(lookups).containsExactly(false, true);
  }

  @Test
  void baseImageStageAsksAgainForADifferentPrompt() {
    BaseImageStage stage = baseImageStage();

    stage.fetch(prompt);
    stage.fetch(new ImagePrompt("a blue whale", ImageOptions.defaults()));

    assertThat(provider.calls()).isEqualTo(2);
  }

  @Test
  void decodeStageDecodesTheBaseImageOnce() {
    byte[] png = provider.generate(prompt).data();

    DecodeStage.Decoded decoded = new DecodeStage(StandardImageProcessor.create()).decode(png);

    assertThat(decoded.image().width()).isPositive();
    assertThat(decoded.took().isNegative()).isFalse();
    assertThat(decoded.image().height()).isPositive();
  }

  @Test
  void renderStoreStageStoresOneImmutableFilePerPlatformInRequestOrder() throws Exception {
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("twitter-post", "100x50"));
    List<Platform> platforms = List.of(Platforms.TWITTER_POST, Platform.custom(100, 50));
    List<Integer> progress = new CopyOnWriteArrayList<>();

    RenderStoreStage.Stored stored = renderStoreStage(storage).run("gen-1", request, platforms, gate(decoded()),
        progress::add);

    assertThat(stored.assets()).extracting(Asset::platformId).containsExactly("twitter-post", "100x50");
    assertThat(stored.assets()).extracting(Asset::key)
        .containsExactly("user-1/gen-1/twitter-post.png", "user-1/gen-1/100x50.png");
    assertThat(stored.assets().get(1).width()).isEqualTo(100);
    assertThat(storage.cacheControl("user-1/gen-1/twitter-post.png")).hasValue(AssetStorage.IMMUTABLE);
    assertThat(progress).isSorted().last().isEqualTo(99);
  }

  @Test
  void renderStoreStageDeletesWhatItStoredWhenOnePutFails() throws Exception {
    FailingStorage failing = new FailingStorage(storage, "100x50");
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox",
        List.of("twitter-post", "instagram-post", "100x50"));
    List<Platform> platforms = List.of(Platforms.TWITTER_POST, Platforms.INSTAGRAM_POST, Platform.custom(100, 50));

    assertThatThrownBy(() -> renderStoreStage(failing).run("gen-2", request, platforms, gate(decoded()), p -> {}))
        .isInstanceOf(StorageException.class);
    // puts still running when the failure came must clean up after themselves too
    ioPool.shutdown();
    assertThat(ioPool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();

    assertThat(failing.puts).isNotEmpty();
    assertThat(storage.list("user-1/gen-2/")).isEmpty();
  }

  /**
   * A closeable decoded image is closed once, when the renditions are rendered: before the stores
   * end (each put here waits for the close), with no render running.
   */
  @Test
  void renderStoreStageClosesTheDecodedImageOnceTheRenditionsAreRendered() throws Exception {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, -1, -1);
    AssetStorage waitsForClose = new FailingStorage(storage, "never") {
      @Override
      public URI put(String key, byte[] data, String contentType, String cacheControl) {
        try {
          if (!image.closed.await(30, TimeUnit.SECONDS)) { // a guard: it is closed long before
            throw StorageException.permanent("the image was not closed before the stores ended", null);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw StorageException.permanent("interrupted", e);
        }
        return super.put(key, data, contentType, cacheControl);
      }
    };
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("101x50", "102x50", "103x50"));
    List<Platform> platforms = List.of(Platform.custom(101, 50), Platform.custom(102, 50), Platform.custom(103, 50));

    RenderStoreStage.Stored stored = new RenderStoreStage(processor, waitsForClose, renderPool, ioPool, events)
        .run("gen-5", request, platforms, gate(image), p -> {});

    assertThat(stored.assets()).hasSize(3);
    assertThat(image.closes).hasValue(1);
    assertThat(image.renderingAtClose).hasValue(0);
  }

  /**
   * A failed stage closes the image only once the render still running when it failed has
   * returned ({@code Future.cancel} does not wait for it): never under a running render.
   */
  @Test
  void renderStoreStageClosesAFailedJobsImageAfterItsLastRenderReturns() throws Exception {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, 101, 102);
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("102x50", "101x50"));
    List<Platform> platforms = List.of(Platform.custom(102, 50), Platform.custom(101, 50));

    assertThatThrownBy(() -> new RenderStoreStage(processor, storage, renderPool, ioPool, events)
        .run("gen-6", request, platforms, gate(image), p -> {}))
        .isInstanceOf(ImageProcessingException.class);

    assertClosedOnceTheBlockedRenderReturns(image, processor);
  }

  /** A cancelled (interrupted) stage closes the image too, after its running render returns. */
  @Test
  void renderStoreStageClosesACancelledJobsImageAfterItsLastRenderReturns() throws Exception {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, -1, 102);
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("102x50"));
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    Thread stage = new Thread(() -> {
      try {
        new RenderStoreStage(processor, storage, renderPool, ioPool, events)
            .run("gen-7", request, List.of(Platform.custom(102, 50)), gate(image), p -> {});
      } catch (Throwable e) {
        thrown.add(e);
      }
    });
    stage.start();
    processor.blockedStarted.await();

    stage.interrupt();
    stage.join();

    assertThat(thrown).singleElement().isInstanceOf(InterruptedException.class);
    assertClosedOnceTheBlockedRenderReturns(image, processor);
  }

  /** Not closed while the blocked render runs; closed once, with no render running, after it returns. */
  private static void assertClosedOnceTheBlockedRenderReturns(CloseableImage image, GatedProcessor processor)
      throws InterruptedException {
    assertThat(image.closes).as("closed while a render runs").hasValue(0);
    processor.release.countDown();
    assertThat(image.closed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(image.closes).hasValue(1);
    assertThat(image.renderingAtClose).hasValue(0);
    // closed on the render thread that Future.cancel interrupted: close() must not see that
    assertThat(image.interruptedAtClose).as("interrupt status during close()").isFalse();
  }

  /**
   * A job cancelled while it decodes (the processor does not look at the interrupt status) stops
   * before rendering, and the image its decode returned is closed, once.
   */
  @Test
  void aJobCancelledDuringItsDecodeClosesTheDecodedImage() throws Exception {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, -1, -1);
    processor.blockDecode = true;
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("102x50"));
    List<Throwable> thrown = new CopyOnWriteArrayList<>();
    Thread job = new Thread(() -> {
      try {
        pipeline(processor).run("gen-8", "job-8", request, List.of(Platform.custom(102, 50)), p -> {});
      } catch (Throwable e) {
        thrown.add(e);
      }
    });
    job.start();
    processor.decodeStarted.await();

    job.interrupt();
    processor.decodeRelease.countDown();
    job.join();

    assertThat(thrown).singleElement().isInstanceOf(InterruptedException.class);
    assertThat(image.closes).hasValue(1);
    assertThat(processor.renders).hasValue(0);
    assertThat(storage.list("user-1/gen-8/")).isEmpty();
  }

  /** A job failing between its decode and its renders (a progress listener throws) closes the image too. */
  @Test
  void aJobFailingBeforeItsRendersClosesTheDecodedImage() {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, -1, -1);
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("102x50"));

    assertThatThrownBy(() -> pipeline(processor).run("gen-9", "job-9", request, List.of(Platform.custom(102, 50)),
        p -> {
          if (p == 20) {
            throw new IllegalStateException("progress listener failed");
          }
        }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(image.closes).hasValue(1);
    assertThat(processor.renders).hasValue(0);
  }

  /** A job that succeeds has its image closed once: by the stage, not again by the pipeline. */
  @Test
  void aJobThatSucceedsClosesItsDecodedImageOnce() throws Exception {
    CloseableImage image = new CloseableImage();
    GatedProcessor processor = new GatedProcessor(image, -1, -1);
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("101x50", "102x50"));

    GenerationResult result = pipeline(processor).run("gen-10", "job-10", request,
        List.of(Platform.custom(101, 50), Platform.custom(102, 50)), p -> {});

    assertThat(result.assets()).hasSize(2);
    assertThat(processor.renders).hasValue(2);
    assertThat(image.closes).hasValue(1);
    assertThat(image.renderingAtClose).hasValue(0);
  }

  @Test
  void recordStageWritesTheGenerationStampedWithTheEngineClock() {
    InMemoryGenerationCatalog catalog = InMemoryGenerationCatalog.create();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("twitter-post"));
    GenerationResult result = new GenerationResult("gen-3", "user-1", List.of(), "revised", "scripted",
        new BigDecimal("0.04"), false,
        new StageTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO));

    new RecordStage(catalog, clock).record("job-3", request, result);

    GenerationRecord record = catalog.find("gen-3").orElseThrow();
    assertThat(record.jobId()).isEqualTo("job-3");
    assertThat(record.createdAt()).isEqualTo(clock.instant());
    assertThat(record.revisedPrompt()).isEqualTo("revised");
    assertThat(record.costUsd()).isEqualByComparingTo("0.04");
  }

  @Test
  void thePipelineRunsTheStagesInOrderAndRecordsTheResult() throws Exception {
    InMemoryGenerationCatalog catalog = InMemoryGenerationCatalog.create();
    GenerationPipeline pipeline = new GenerationPipeline(baseImageStage(),
        new DecodeStage(StandardImageProcessor.create()), renderStoreStage(storage),
        new RecordStage(catalog, new MutableClock(Instant.parse("2026-03-01T12:00:00Z"))));
    GenerationRequest request = GenerationRequest.of("user-1", "a red fox", List.of("facebook-post"));
    List<Integer> progress = new ArrayList<>();

    GenerationResult result = pipeline.run("gen-4", null, request, List.of(Platforms.FACEBOOK_POST), progress::add);

    assertThat(result.assets()).singleElement().satisfies(a -> assertThat(a.format()).isEqualTo(OutputFormat.PNG));
    assertThat(result.provider()).isEqualTo("scripted");
    assertThat(progress).startsWith(10, 20);
    assertThat(catalog.find("gen-4")).hasValueSatisfying(r -> assertThat(r.jobId()).isNull());
  }

  private GenerationPipeline pipeline(ImageProcessor processor) {
    return new GenerationPipeline(baseImageStage(), new DecodeStage(processor),
        new RenderStoreStage(processor, storage, renderPool, ioPool, events),
        new RecordStage(InMemoryGenerationCatalog.create(), new MutableClock(Instant.parse("2026-03-01T12:00:00Z"))));
  }

  private RenderStoreStage renderStoreStage(AssetStorage target) {
    return new RenderStoreStage(StandardImageProcessor.create(), target, renderPool, ioPool, events);
  }

  private static RenderStoreStage.RenderGate gate(DecodedImage image) {
    return new RenderStoreStage.RenderGate(image);
  }

  private com.snapasset.spi.DecodedImage decoded() {
    return StandardImageProcessor.create().decode(provider.generate(prompt).data());
  }

  /** Real in-memory storage whose puts of one key fail. */
  private static class FailingStorage implements AssetStorage {
    final AssetStorage delegate;
    final String failOn;
    final List<String> puts = new CopyOnWriteArrayList<>();

    FailingStorage(AssetStorage delegate, String failOn) {
      this.delegate = delegate;
      this.failOn = failOn;
    }

    @Override
    public URI put(String key, byte[] data, String contentType, String cacheControl) {
      if (key.contains(failOn)) {
        throw StorageException.permanent("refused " + key, null);
      }
      puts.add(key);
      return delegate.put(key, data, contentType, cacheControl);
    }

    @Override
    public Optional<byte[]> get(String key) {
      return delegate.get(key);
    }

    @Override
    public boolean delete(String key) {
      return delegate.delete(key);
    }

    @Override
    public List<StoredObject> list(String prefix) {
      return delegate.list(prefix);
    }

    @Override
    public URI url(String key) {
      return delegate.url(key);
    }
  }
  /** A decoded image that records its closes and how many renders ran at the time. */
  private static final class CloseableImage implements DecodedImage, AutoCloseable {
    final AtomicInteger rendering = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger renderingAtClose = new AtomicInteger(-1);
    final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean interruptedAtClose;

    @Override
    public int width() {
      return 200;
    }

    @Override
    public int height() {
      return 100;
    }

    @Override
    public void close() {
      interruptedAtClose = Thread.currentThread().isInterrupted();
      renderingAtClose.set(rendering.get());
      closes.incrementAndGet();
      closed.countDown();
    }
  }

  /**
   * Encodes a few bytes for every rendition, except that a rendition {@code failWidth} wide fails
   * once the blocked one has begun, and one {@code blockWidth} wide waits for {@link #release}
   * whatever interrupts it (as a resampling does: it does not look at the interrupt status).
   * Decodes to the given image, after {@link #decodeRelease} (likewise) if {@link #blockDecode}.
   */
  private static final class GatedProcessor implements ImageProcessor {
    final CloseableImage image;
    final int failWidth;
    final int blockWidth;
    final CountDownLatch blockedStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean blockDecode;
    final CountDownLatch decodeStarted = new CountDownLatch(1);
    final CountDownLatch decodeRelease = new CountDownLatch(1);
    final AtomicInteger renders = new AtomicInteger();

    GatedProcessor(CloseableImage image, int failWidth, int blockWidth) {
      this.image = image;
      this.failWidth = failWidth;
      this.blockWidth = blockWidth;
    }

    @Override
    public DecodedImage decode(byte[] data) {
      decodeStarted.countDown();
      if (blockDecode) {
        Await.uninterruptibly(decodeRelease);
      }
      return image;
    }

    @Override
    public EncodedImage render(DecodedImage source, Rendition rendition) {
      renders.incrementAndGet();
      image.rendering.incrementAndGet();
      try {
        if (rendition.width() == blockWidth) {
          blockedStarted.countDown();
          Await.uninterruptibly(release);
        }
        if (rendition.width() == failWidth) {
          if (blockWidth > 0) {
            Await.uninterruptibly(blockedStarted);
          }
          throw new ImageProcessingException("cannot render " + rendition.width(), null);
        }
        return new EncodedImage(new byte[] {1, 2, 3}, rendition.width(), rendition.height(), OutputFormat.PNG);
      } finally {
        image.rendering.decrementAndGet();
      }
    }
  }
}
