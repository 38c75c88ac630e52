package com.snapasset.internal;

import com.snapasset.Asset;
import com.snapasset.GenerationRequest;
import com.snapasset.Platform;
import com.snapasset.SnapAssetException;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage 3: every platform rendered in parallel on the render pool, each rendition stored on the
 * I/O pool as soon as it is encoded. When any of it fails (or the thread is interrupted), the work
 * in flight is cancelled and the files already stored are deleted: a failed generation leaves
 * nothing behind.
 *
 * <p>A decoded image that is {@link AutoCloseable} (the standard processor's keeps resampled
 * windows for renditions of the same scaled size) is closed once the last rendition is rendered,
 * before the stores finish, and also when the stage fails or is interrupted: see {@link
 * RenderGate}.
 */
final class RenderStoreStage {
  private static final Logger log = LoggerFactory.getLogger(RenderStoreStage.class);

  private final ImageProcessor processor;
  private final AssetStorage storage;
  private final ExecutorService renderPool;
  private final ExecutorService ioPool;
  private final EngineEvents events;

  RenderStoreStage(ImageProcessor processor, AssetStorage storage, ExecutorService renderPool,
      ExecutorService ioPool, EngineEvents events) {
    this.processor = processor;
    this.storage = storage;
    this.renderPool = renderPool;
    this.ioPool = ioPool;
    this.events = events;
  }

  /** The assets in the order of {@code platforms}, and how long rendering and storing took. */
  record Stored(List<Asset> assets, Duration render, Duration store) {}

  /** Storage key of a rendition: {@code userId/generationId/platform.ext}. */
  static String key(String userId, String generationId, Platform platform, EncodedImage image) {
    return userId + "/" + generationId + "/" + platform.id() + "." + image.format().extension();
  }

  /**
   * Reports progress from 20 to 99. Renders from the gate's image and {@linkplain RenderGate#end
   * ends} the gate; the caller ends it too, in a {@code finally}, for a failure before this runs
   * (ending it again does nothing).
   */
  Stored run(String generationId, GenerationRequest request, List<Platform> platforms, RenderGate gate,
      GenerationPipeline.ProgressSink progress) throws InterruptedException {
    DecodedImage decoded = gate.image;
    long r0 = System.nanoTime();
    int n = platforms.size();
    CompletionService<Rendered> renders = new ExecutorCompletionService<>(renderPool);
    CompletionService<Asset> stores = new ExecutorCompletionService<>(ioPool);
    List<Future<?>> inFlight = new ArrayList<>(2 * n);
    Map<String, Asset> byPlatform = new HashMap<>();
    List<String> submittedKeys = new ArrayList<>(n);
    AtomicBoolean rolledBack = new AtomicBoolean();
    long firstStoreAt = Long.MAX_VALUE;
    boolean succeeded = false;
    try {
      for (Platform p : platforms) {
        inFlight.add(renders.submit(() -> gate.render(() -> render(decoded, p, request))));
      }
      for (int i = 0; i < n; i++) {
        Rendered r = unwrap(renders.take());
        firstStoreAt = Math.min(firstStoreAt, System.nanoTime());
        String key = key(request.userId(), generationId, r.platform, r.image);
        submittedKeys.add(key);
        inFlight.add(stores.submit(() -> store(key, r, rolledBack)));
        progress.report(20 + (int) (40.0 * (i + 1) / n));
      }
      gate.end(); // every render has returned: the image is closed now, while the stores run
      long renderDoneAt = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Asset a = unwrap(stores.take());
        byPlatform.put(a.platformId(), a);
        progress.report(60 + (int) (39.0 * (i + 1) / n));
      }
      succeeded = true;
      long end = System.nanoTime();
      List<Asset> assets = platforms.stream().map(p -> byPlatform.get(p.id())).toList();
      return new Stored(assets, Duration.ofNanos(renderDoneAt - r0), Duration.ofNanos(end - Math.min(firstStoreAt, end)));
    } finally {
      if (!succeeded) {
        // Every submitted key, not only the stores already taken: a put may finish after the
        // failure. One that finishes after this flag is set deletes its own file (see store).
        rolledBack.set(true);
        inFlight.forEach(f -> f.cancel(true));
        gate.end(); // closes now, or when the last render still running returns
        submittedKeys.forEach(this::deleteQuietly);
      }
    }
  }

  private Rendered render(DecodedImage decoded, Platform p, GenerationRequest request) {
    long t = System.nanoTime();
    EncodedImage image = processor.render(decoded, Rendition.of(p, request.output()));
    events.rendered(image.format(), Duration.ofNanos(System.nanoTime() - t));
    return new Rendered(p, image);
  }

  private Asset store(String key, Rendered r, AtomicBoolean rolledBack) {
    long t = System.nanoTime();
    URI url = storage.put(key, r.image.data(), r.image.format().contentType(), AssetStorage.IMMUTABLE);
    if (rolledBack.get()) {
      deleteQuietly(key); // the generation failed while this put ran
    }
    events.stored(Duration.ofNanos(System.nanoTime() - t), r.image.data().length);
    return new Asset(r.platform.id(), r.platform.name(), r.image.width(), r.image.height(),
        r.image.format(), r.image.data().length, key, url);
  }

  private void deleteQuietly(String key) {
    try {
      storage.delete(key);
    } catch (RuntimeException e) {
      log.warn("could not delete {} after a failed generation: {}", key, e.toString());
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

  private record Rendered(Platform platform, EncodedImage image) {}

  /**
   * Closes a job's decoded image, if it is {@link AutoCloseable}, exactly once: after the stage
   * has {@linkplain #end ended} and every render that began has returned, so never while one
   * renders from it (a cancelled render may still be running when a failed stage ends:
   * {@code Future.cancel} does not wait for it). A render that would begin after the end (one
   * queued when the stage failed) does not run. Made by the pipeline right after the decode, which
   * ends it too, so an image is closed also when the job stops before this stage.
   */
  static final class RenderGate {
    final DecodedImage image;
    private int active; // guarded by this
    private boolean ended; // guarded by this
    private boolean closed; // guarded by this

    RenderGate(DecodedImage image) {
      this.image = image;
    }

    <T> T render(Callable<T> render) throws Exception {
      synchronized (this) {
        if (ended) {
          throw new CancellationException("the generation's renders are over");
        }
        active++;
      }
      try {
        return render.call();
      } finally {
        boolean close;
        synchronized (this) {
          active--;
          close = closeNow();
        }
        if (close) {
          close();
        }
      }
    }

    /**
     * No render begins from now on; the image is closed once those running have returned. Ending
     * again does nothing.
     */
    void end() {
      boolean close;
      synchronized (this) {
        ended = true;
        close = closeNow();
      }
      if (close) {
        close();
      }
    }

    /** Whether this call closes the image; holds {@code this}. */
    private boolean closeNow() {
      if (ended && active == 0 && !closed) {
        closed = true;
        return true;
      }
      return false;
    }

    private void close() {
      if (image instanceof AutoCloseable c) {
        // On a render thread of a cancelled job the interrupt status is still set (Future.cancel
        // interrupted the render): cleared for close(), which may do interruptible work, then set
        // again for the pool.
        boolean interrupted = Thread.interrupted();
        try {
          c.close();
        } catch (Exception e) { // the renditions are made; a failed release must not fail the job
          if (e instanceof InterruptedException) {
            interrupted = true;
          }
          log.warn("could not close the decoded image {}: {}", image, e.toString());
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }
}
