package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Platform;
import com.snapasset.StageTimings;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * One generation, start to end, as four named stages: {@link BaseImageStage base image} (cache or
 * provider), {@link DecodeStage decode}, {@link RenderStoreStage render and store} (with rollback),
 * {@link RecordStage record}. Interrupting the calling thread cancels the work in flight.
 */
final class GenerationPipeline {
  private final BaseImageStage baseImage;
  private final DecodeStage decode;
  private final RenderStoreStage renderStore;
  private final RecordStage record;

  GenerationPipeline(BaseImageStage baseImage, DecodeStage decode, RenderStoreStage renderStore, RecordStage record) {
    this.baseImage = baseImage;
    this.decode = decode;
    this.renderStore = renderStore;
    this.record = record;
  }

  static GenerationPipeline create(ImageProvider provider, SourceFetcher fetcher, ImageProcessor processor,
      AssetStorage storage, BaseImageCache cache, Duration baseImageTtl, GenerationCatalog catalog, Clock clock,
      ExecutorService renderPool, ExecutorService ioPool, EngineEvents events) {
    return new GenerationPipeline(
        new BaseImageStage(provider, fetcher, new CachedBaseImages(cache, baseImageTtl), events),
        new DecodeStage(processor),
        new RenderStoreStage(processor, storage, renderPool, ioPool, events),
        new RecordStage(catalog, clock));
  }

  /** Receives progress, 0–100. */
  @FunctionalInterface
  interface ProgressSink {
    void report(int percent);
  }

  /**
   * Runs the generation.
   *
   * @param generationId names the storage folder: {@code userId/generationId/platform.ext}
   * @param jobId the queued job's id, recorded in the catalog; null for a synchronous generation
   * @param platforms the request's platforms, already validated
   */
  GenerationResult run(String generationId, @Nullable String jobId, GenerationRequest request,
      List<Platform> platforms, ProgressSink progress) throws InterruptedException {
    long t0 = System.nanoTime();
    boolean own = request.source() != null;
    BaseImageStage.BaseImage base = own
        ? baseImage.fromSource(request.source())
        : baseImage.fetch(new ImagePrompt(request.prompt(), request.image(), largest(platforms)));
    checkInterrupted();
    progress.report(10);
    DecodeStage.Decoded decoded = decode.decode(base.data());
    RenderStoreStage.RenderGate gate = new RenderStoreStage.RenderGate(decoded.image());
    RenderStoreStage.Stored stored;
    try {
      checkInterrupted();
      progress.report(20);
      stored = renderStore.run(generationId, request, platforms, gate, progress);
    } finally {
      // the stage ended it (this does nothing then) unless the job failed or was cancelled before
      // it began: the decoded image is closed either way, once
      gate.end();
    }
    StageTimings timings = new StageTimings(base.providerTime(), decoded.took(), stored.render(), stored.store(),
        Duration.ofNanos(System.nanoTime() - t0));
    GenerationResult result = new GenerationResult(generationId, request.userId(), stored.assets(),
        base.revisedPrompt(), own ? BaseImageStage.SOURCE : baseImage.providerName(), base.cost(), base.fromCache(),
        timings);
    record.record(jobId, request, result);
    return result;
  }

  /** The platform with the most pixels: the one a provider drawing fixed ratios should aim at. */
  private static Platform largest(List<Platform> platforms) {
    Platform best = platforms.get(0);
    for (Platform p : platforms) {
      if ((long) p.width() * p.height() > (long) best.width() * best.height()) {
        best = p;
      }
    }
    return best;
  }

  private static void checkInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("generation cancelled");
    }
  }
}
