package com.snapasset.benchmarks;

import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The imaging hot path on a 1024 × 1024 photograph (the size DALL·E 3 returns): one job's nine
 * presets decoded once and rendered in parallel (as the engine does), one preset alone, and the
 * decode alone. Encoder settings are the Sharp comparison's: PNG level 9, WebP q85, JPEG q85.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImagingBenchmark {
  @Param({"PNG", "WEBP", "JPEG"})
  public String format;

  private ImageProcessor processor;
  private byte[] source;
  private OutputOptions options;
  private ExecutorService pool;

  @Setup(Level.Trial)
  public void setUp() {
    processor = StandardImageProcessor.create();
    source = BenchmarkImages.flower();
    options = BenchmarkImages.options(OutputFormat.valueOf(format));
    pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
  }

  /** Decode once, render the nine presets in parallel: what one job costs. */
  @Benchmark
  public void ninePresets(Blackhole bh) throws Exception {
    bh.consume(renderAll(processor, source, options, pool));
  }

  /**
   * A freshly decoded image for each call of {@link #onePreset}, decoded outside the timing: a
   * decoded image keeps the windows it resampled for later renditions of the same size, so
   * rendering the same preset again from one would time a crop, not the resize.
   */
  @State(Scope.Thread)
  public static class Fresh {
    DecodedImage decoded;

    /**
     * Decodes the benchmark's source again.
     *
     * @param b the benchmark's state
     */
    @Setup(Level.Invocation)
    public void decode(ImagingBenchmark b) {
      decoded = b.processor.decode(b.source);
    }
  }

  /** One preset (resize and encode) from an already decoded image, as before windows were kept. */
  @Benchmark
  public EncodedImage onePreset(Fresh fresh) {
    return processor.render(fresh.decoded, Rendition.of(Platforms.INSTAGRAM_POST, options));
  }

  @Benchmark
  public DecodedImage decodeOnly() {
    return processor.decode(source);
  }

  static List<EncodedImage> renderAll(
      ImageProcessor processor, byte[] source, OutputOptions options, ExecutorService pool)
      throws Exception {
    DecodedImage image = processor.decode(source);
    List<Platform> presets = Platforms.presets();
    List<Future<EncodedImage>> futures = presets.stream()
        .map(p -> pool.submit(() -> processor.render(image, Rendition.of(p, options))))
        .toList();
    java.util.ArrayList<EncodedImage> out = new java.util.ArrayList<>();
    for (Future<EncodedImage> f : futures) {
      out.add(f.get());
    }
    return out;
  }
}
