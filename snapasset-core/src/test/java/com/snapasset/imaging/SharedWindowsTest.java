package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.CropPosition;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageProcessingException;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.SourceImage;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Renditions of one decoded image at the same scaled size share the resampled window that holds
 * theirs ({@link Decoded#resized}): the pixels must be those of resampling each window alone.
 */
class SharedWindowsTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();

  /**
   * The 1200-wide posts of the presets from a 1280 × 800 screenshot and a 1024² photograph with
   * centre crops: one scaled size, the tallest window first, then two it holds (cut from it, so
   * one window is kept), then one it does not hold (resampled and kept too).
   */
  @Test
  void aWindowCutFromALargerOneEqualsTheWindowResampledAlone() {
    for (String image : new String[] {"screenshot-640x400.png", "bliznaca.png", "riaphotographs-alpha.png"}) {
      Decoded decoded = (Decoded) processor.decode(resource(image));
      Pixels src = decoded.pixels;
      int sw = 1200;
      int sh = (int) Math.round(src.height * 1200.0 / src.width);
      int[][] windows = { // height, top: centred 675, 630 and 627 rows, then the bottom 300
          {675, (sh - 675 + 1) / 2}, {630, (sh - 630 + 1) / 2}, {627, (sh - 627 + 1) / 2}, {300, sh - 300}};
      for (int i = 0; i < windows.length; i++) {
        int h = windows[i][0];
        int top = windows[i][1];
        Pixels shared = decoded.resized(sw, sh, 0, top, sw, h);
        Pixels alone = Resampler.resize(src, sw, sh, 0, top, sw, h);
        assertThat(shared.argb).as("%s, window %d", image, i).isEqualTo(alone.argb);
        assertThat(shared.alpha).isEqualTo(alone.alpha);
        assertThat(decoded.windowsKept()).as("%s, windows kept after window %d", image, i)
            .isEqualTo(i < 3 ? 1 : 2);
        // once resampled, a window is held only softly: the collector may take it back
        assertThat(decoded.holdsWindowsStrongly()).isFalse();
      }
    }
  }

  /** Other scaled sizes never share, even with an equal window; the source's own size is not kept. */
  @Test
  void onlyTheSameScaledSizeIsShared() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    Pixels src = decoded.pixels;
    Pixels a = decoded.resized(600, 400, 0, 0, 300, 200);
    Pixels b = decoded.resized(601, 400, 0, 0, 300, 200);
    assertThat(a.argb).isEqualTo(Resampler.resize(src, 600, 400, 0, 0, 300, 200).argb);
    assertThat(b.argb).isEqualTo(Resampler.resize(src, 601, 400, 0, 0, 300, 200).argb);
    assertThat(b.argb).isNotEqualTo(a.argb);
    assertThat(decoded.windowsKept()).isEqualTo(2);
    Pixels same = decoded.resized(src.width, src.height, 10, 20, 30, 40);
    assertThat(same.argb).isEqualTo(Resampler.crop(src, 10, 20, 30, 40).argb);
    assertThat(decoded.windowsKept()).isEqualTo(2);
  }

  /**
   * The nine presets rendered at once from one decoded image on four threads (windows being
   * resampled while others wait for them) give the files that each rendered from its own decoded
   * image gives, with centre and attention crops (JPEG: the cheapest exact check of the pixels).
   */
  @Test
  void concurrentRendersGiveTheFilesOfSeparateOnes() throws Exception {
    byte[] data = resource("bliznaca.jpg");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (CropPosition position : new CropPosition[] {CropPosition.CENTER, CropPosition.ATTENTION}) {
        OutputOptions options = OutputOptions.of(OutputFormat.JPEG).withPosition(position);
        Decoded shared = (Decoded) processor.decode(data);
        List<Future<EncodedImage>> futures = new ArrayList<>();
        for (Platform p : Platforms.presets()) {
          futures.add(pool.submit(() -> processor.render(shared, Rendition.of(p, options))));
        }
        for (int i = 0; i < futures.size(); i++) {
          Platform p = Platforms.presets().get(i);
          EncodedImage alone = processor.render(processor.decode(data), Rendition.of(p, options));
          assertThat(futures.get(i).get().data()).as("%s %s", position, p.id()).isEqualTo(alone.data());
        }
        // how many were shared depends on the threads' timing; that no more are kept does not
        assertThat(shared.windowsKept()).isLessThanOrEqualTo(Decoded.KEPT);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Only the {@value Decoded#KEPT} windows used last are kept: a hit counts as a use. */
  @Test
  void windowsBeyondTheBoundAreDropped() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    Pixels src = decoded.pixels;
    decoded.resized(600, 400, 0, 0, 300, 200);
    decoded.resized(700, 400, 0, 0, 300, 200);
    assertThat(decoded.keptScaledWidths()).containsExactly(600, 700);
    decoded.resized(800, 400, 0, 0, 300, 200);
    assertThat(decoded.keptScaledWidths()).containsExactly(700, 800); // 600 dropped
    Pixels hit = decoded.resized(700, 400, 10, 10, 100, 100); // cut from the kept 700
    assertThat(hit.argb).isEqualTo(Resampler.resize(src, 700, 400, 10, 10, 100, 100).argb);
    assertThat(decoded.keptScaledWidths()).containsExactly(800, 700);
    decoded.resized(900, 400, 0, 0, 300, 200);
    assertThat(decoded.keptScaledWidths()).containsExactly(700, 900); // 800, used longest ago
    Pixels again = decoded.resized(600, 400, 0, 0, 300, 200); // resampled again
    assertThat(again.argb).isEqualTo(Resampler.resize(src, 600, 400, 0, 0, 300, 200).argb);
    assertThat(decoded.keptScaledWidths()).containsExactly(900, 600);
  }

  /** A resampling that throws keeps nothing, and the same window can be asked for again. */
  @Test
  void aFailedResamplingKeepsNothing() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    assertThatThrownBy(() -> decoded.resized(600, 400, 0, 0, 0, 0))
        .isInstanceOf(RuntimeException.class);
    assertThat(decoded.windowsKept()).isZero();
    Pixels retry = decoded.resized(600, 400, 0, 0, 300, 200);
    assertThat(retry.argb).isEqualTo(Resampler.resize(decoded.pixels, 600, 400, 0, 0, 300, 200).argb);
    assertThat(decoded.windowsKept()).isEqualTo(1);
  }

  /** A window the collector took back is resampled again, to the same pixels. */
  @Test
  void aClearedWindowIsResampledAgain() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    Pixels first = decoded.resized(1200, 1200, 0, 262, 1200, 675);
    decoded.clearKeptForTest();
    Pixels cut = decoded.resized(1200, 1200, 0, 285, 1200, 630);
    assertThat(cut.argb).isEqualTo(Resampler.resize(decoded.pixels, 1200, 1200, 0, 285, 1200, 630).argb);
    assertThat(decoded.keptScaledWidths()).containsExactly(1200); // the cleared one went
    Pixels again = decoded.resized(1200, 1200, 0, 262, 1200, 675);
    assertThat(again.argb).isEqualTo(first.argb);
  }

  /**
   * A rendition waiting for a window another thread resamples can be interrupted (a cancelled
   * job's render pool is): it fails at once, with the interrupt status set again.
   */
  @Test
  void aWaitingRenditionCanBeInterrupted() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    decoded.pendForTest(600, 400, 0, 0, 300, 200); // never finished: join() would block forever
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> decoded.resized(600, 400, 10, 10, 100, 100))
          .isInstanceOf(ImageProcessingException.class)
          .hasCauseInstanceOf(InterruptedException.class);
    } finally {
      assertThat(Thread.interrupted()).as("interrupt status set again").isTrue();
    }
  }

  /**
   * Closing lets the kept windows go (cleared, not only unlisted) and keeps none after: a window
   * that would have been cut from a kept one is resampled alone, to the same pixels.
   */
  @Test
  void closeLetsTheWindowsGoAndLaterRenditionsResampleAlone() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    Pixels src = decoded.pixels;
    decoded.resized(1200, 1200, 0, 262, 1200, 675);
    assertThat(decoded.windowsKept()).isEqualTo(1);

    decoded.close();

    assertThat(decoded.windowsKept()).isZero();
    Pixels after = decoded.resized(1200, 1200, 0, 285, 1200, 630); // inside the window let go
    assertThat(after.argb).isEqualTo(Resampler.resize(src, 1200, 1200, 0, 285, 1200, 630).argb);
    assertThat(decoded.windowsResampled()).as("resampled again, not cut").isEqualTo(2);
    assertThat(decoded.windowsKept()).isZero();
    decoded.close(); // idempotent
    assertThat(decoded.resized(1200, 1200, 0, 285, 1200, 630).argb).isEqualTo(after.argb);
    assertThat(decoded.windowsKept()).isZero();
  }

  /**
   * A window that a thread finishes resampling after the image was closed is not kept: the thread
   * drops it (and any other finished meanwhile) instead of keeping the usual {@value Decoded#KEPT}.
   */
  @Test
  void aWindowFinishedAfterTheCloseIsNotKept() throws Exception {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    CountDownLatch resampled = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    decoded.resampledForTest = () -> {
      resampled.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<Pixels> window = thread.submit(() -> decoded.resized(1200, 1200, 0, 262, 1200, 675));
      resampled.await();
      decoded.close();
      assertThat(decoded.keptScaledWidths()).as("left to its thread").containsExactly(1200);

      closed.countDown();

      assertThat(window.get().argb).isEqualTo(Resampler.resize(decoded.pixels, 1200, 1200, 0, 262, 1200, 675).argb);
      assertThat(decoded.windowsKept()).isZero();
    } finally {
      thread.shutdownNow();
    }
  }

  /** A window another thread is resampling when the image is closed stays for its waiters. */
  @Test
  void closeLeavesAWindowBeingResampledToItsThread() {
    Decoded decoded = (Decoded) processor.decode(resource("bliznaca.png"));
    decoded.resized(700, 400, 0, 0, 300, 200);
    decoded.pendForTest(600, 400, 0, 0, 300, 200);

    decoded.close();

    assertThat(decoded.keptScaledWidths()).containsExactly(600);
  }

  /**
   * Through the engine: once a job's renditions are rendered, its decoded image keeps no window
   * (the engine closed it) though the renditions shared them, and every stored file is the one a
   * rendition rendered from its own decoded image gives.
   */
  @Test
  void theEngineLetsAJobsWindowsGoOnceItsRenditionsAreRendered() {
    byte[] data = resource("bliznaca.jpg");
    List<Decoded> decodedByJob = new CopyOnWriteArrayList<>();
    ImageProcessor capturing = new ImageProcessor() {
      @Override
      public DecodedImage decode(byte[] bytes) {
        Decoded d = (Decoded) processor.decode(bytes);
        decodedByJob.add(d);
        return d;
      }

      @Override
      public EncodedImage render(DecodedImage source, Rendition rendition) {
        return processor.render(source, rendition);
      }
    };
    InMemoryAssetStorage storage = InMemoryAssetStorage.create();
    OutputOptions options = OutputOptions.of(OutputFormat.JPEG).withPosition(CropPosition.CENTER);
    try (AssetGenerator generator = AssetGenerator.builder().inMemory().assetStorage(storage)
        .imageProcessor(capturing).renderThreads(1).build()) { // one thread: the presets in order
      GenerationResult result = generator.generate(GenerationRequest.builder().userId("u")
          .source(SourceImage.ofBytes(data)).output(options)
          .platforms(Platforms.presets().stream().map(Platform::id).toList()).build());

      Decoded decoded = decodedByJob.get(0);
      assertThat(decoded.windowsKept()).isZero();
      assertThat(decoded.windowsResampled()).as("some renditions were cut from a shared window")
          .isLessThan(Platforms.presets().size());
      for (Asset asset : result.assets()) {
        Platform p = Platforms.presets().stream().filter(x -> x.id().equals(asset.platformId())).findFirst()
            .orElseThrow();
        EncodedImage alone = processor.render(processor.decode(data), Rendition.of(p, options));
        assertThat(storage.get(asset.key())).as(p.id()).hasValue(alone.data());
      }
    }
  }
}
