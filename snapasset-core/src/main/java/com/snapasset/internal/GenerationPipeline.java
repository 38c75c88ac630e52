package com.snapasset.internal;

import com.snapasset.Asset;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Platform;
import com.snapasset.SnapAssetException;
import com.snapasset.StageTimings;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import com.snapasset.spi.Rendition;
import com.snapasset.spi.ResultCache;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation, start to end: base image from the cache or the provider, decoded once, every
 * platform rendered in parallel on the render pool, each rendition stored on the I/O pool as soon
 * as it is encoded. Interrupting the calling thread cancels the work in flight.
 */
public final class GenerationPipeline {
  private static final Logger log = LoggerFactory.getLogger(GenerationPipeline.class);
  /** What the original's guide set for generated images behind a CDN: a year, never changing. */
  public static final String CACHE_CONTROL = "public, max-age=31536000, immutable";

  private final ImageProvider provider;
  private final ImageProcessor processor;
  private final AssetStorage storage;
  private final BaseImageCache baseImages;
  private final ExecutorService renderPool;
  private final ExecutorService ioPool;
  private final EngineEvents events;

  public GenerationPipeline(
      ImageProvider provider,
      ImageProcessor processor,
      AssetStorage storage,
      ResultCache cache,
      Duration baseImageTtl,
      ExecutorService renderPool,
      ExecutorService ioPool,
      EngineEvents events) {
    this.provider = provider;
    this.processor = processor;
    this.storage = storage;
    this.baseImages = new BaseImageCache(cache, baseImageTtl);
    this.renderPool = renderPool;
    this.ioPool = ioPool;
    this.events = events;
  }

  /** Receives progress, 0–100. */
  @FunctionalInterface
  public interface ProgressSink {
    void report(int percent);
  }

  /**
   * Runs the generation.
   *
   * @param generationId names the storage folder: {@code userId/generationId/platform.ext}
   * @param platforms the request's platforms, already validated
   */
  public GenerationResult run(
      String generationId, GenerationRequest request, List<Platform> platforms, ProgressSink progress)
      throws InterruptedException {
    long t0 = System.nanoTime();
    ImagePrompt prompt = new ImagePrompt(request.prompt(), request.image());

    String cacheKey = BaseImageCache.key(provider.name(), prompt);
    BaseImageCache.Entry cached = baseImages.get(cacheKey);
    boolean fromCache = cached != null;
    byte[] base;
    String revisedPrompt;
    BigDecimal cost;
    long providerNanos = 0;
    if (cached != null) {
      base = cached.image();
      revisedPrompt = cached.revisedPrompt();
      cost = BigDecimal.ZERO;
    } else {
      long p0 = System.nanoTime();
      ProviderImage image = provider.generate(prompt);
      providerNanos = System.nanoTime() - p0;
      events.providerCalled(provider.name(), Duration.ofNanos(providerNanos), image.costUsd());
      base = image.data();
      revisedPrompt = image.revisedPrompt();
      cost = image.costUsd();
      baseImages.put(cacheKey, new BaseImageCache.Entry(base, revisedPrompt));
    }
    events.baseImageLookup(fromCache);
    checkInterrupted();
    progress.report(10);

    long d0 = System.nanoTime();
    DecodedImage decoded = processor.decode(base);
    long decodeNanos = System.nanoTime() - d0;
    checkInterrupted();
    progress.report(20);

    long r0 = System.nanoTime();
    int n = platforms.size();
    CompletionService<Rendered> renders = new ExecutorCompletionService<>(renderPool);
    CompletionService<Asset> stores = new ExecutorCompletionService<>(ioPool);
    List<Future<?>> inFlight = new ArrayList<>(2 * n);
    Map<String, Asset> byPlatform = new HashMap<>();
    List<String> storedKeys = new ArrayList<>();
    long renderDoneAt = r0;
    long firstStoreAt = Long.MAX_VALUE;
    boolean succeeded = false;
    try {
      for (Platform p : platforms) {
        inFlight.add(renders.submit(() -> render(decoded, p, request)));
      }
      for (int i = 0; i < n; i++) {
        Rendered r = unwrap(renders.take());
        firstStoreAt = Math.min(firstStoreAt, System.nanoTime());
        String key = request.userId() + "/" + generationId + "/" + r.platform.id() + "." + r.image.format().extension();
        inFlight.add(stores.submit(() -> store(key, r)));
        progress.report(20 + (int) (40.0 * (i + 1) / n));
      }
      renderDoneAt = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Asset a = unwrap(stores.take());
        byPlatform.put(a.platformId(), a);
        storedKeys.add(a.key());
        progress.report(60 + (int) (39.0 * (i + 1) / n));
      }
      succeeded = true;
    } finally {
      if (!succeeded) {
        for (Future<?> f : inFlight) {
          f.cancel(true);
        }
        deleteQuietly(storedKeys);
      }
    }
    long end = System.nanoTime();

    List<Asset> assets = new ArrayList<>(n);
    for (Platform p : platforms) {
      assets.add(byPlatform.get(p.id()));
    }
    StageTimings timings = new StageTimings(
        Duration.ofNanos(providerNanos),
        Duration.ofNanos(decodeNanos),
        Duration.ofNanos(renderDoneAt - r0),
        Duration.ofNanos(end - Math.min(firstStoreAt, end)),
        Duration.ofNanos(end - t0));
    return new GenerationResult(
        generationId, request.userId(), assets, revisedPrompt, provider.name(), cost, fromCache, timings);
  }

  private Rendered render(DecodedImage decoded, Platform p, GenerationRequest request) {
    long t = System.nanoTime();
    EncodedImage image = processor.render(decoded, Rendition.of(p, request.output()));
    events.rendered(image.format(), Duration.ofNanos(System.nanoTime() - t));
    return new Rendered(p, image);
  }

  private Asset store(String key, Rendered r) {
    long t = System.nanoTime();
    URI url = storage.put(key, r.image.data(), r.image.format().contentType(), CACHE_CONTROL);
    events.stored(Duration.ofNanos(System.nanoTime() - t), r.image.data().length);
    return new Asset(r.platform.id(), r.platform.name(), r.image.width(), r.image.height(),
        r.image.format(), r.image.data().length, key, url);
  }

  private void deleteQuietly(List<String> keys) {
    for (String key : keys) {
      try {
        storage.delete(key);
      } catch (RuntimeException e) {
        log.warn("could not delete {} after a failed generation: {}", key, e.toString());
      }
    }
  }

  /** The task's own exception, not the ExecutionException wrapping it. */
  private static <T> T unwrap(Future<T> done) throws InterruptedException {
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SnapAssetException("generation step failed: " + cause, cause, true);
    }
  }

  private static void checkInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("generation cancelled");
    }
  }

  private record Rendered(Platform platform, EncodedImage image) {}
}
