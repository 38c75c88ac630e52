package com.snapasset.benchmarks;

import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platforms;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PNG encoder and the palette quantiser on one preset (instagram-post, 1080 × 1080, cover +
 * attention) from an already decoded comparison input, one thread. Each figure includes the
 * resize, which {@link #jpegBaseline} measures with a fast encoder for subtraction. The input is
 * decoded again before each call, outside the timing: a decoded image keeps the windows it
 * resampled, so rendering the same preset again from one would time a crop, not the resize.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PngBenchmark {
  @Param({"bokeh-1024.jpg", "dandelions-1792x1024.jpg", "flower-1024.png", "illustration-1024.png",
      "screenshot-1280x800.png"})
  public String input;

  @Param({"6", "9"})
  public int level;

  private ImageProcessor processor;
  private byte[] source;
  private DecodedImage decoded;
  private OutputOptions png;
  private OutputOptions palette;

  @Setup(Level.Trial)
  public void setUp() {
    processor = StandardImageProcessor.create();
    source = BenchmarkImages.image("/images/" + input);
    png = OutputOptions.of(OutputFormat.PNG).withCompressionLevel(level);
    palette = png.withPalette(true).withQuality(90); // the guide's setting at level 9
  }

  /** Decodes the input again, untimed, so that each call resizes. */
  @Setup(Level.Invocation)
  public void decode() {
    decoded = processor.decode(source);
  }

  /** Truecolour PNG: filter + deflate (level 6 is the default, 9 the comparison's). */
  @Benchmark
  public EncodedImage png() {
    return processor.render(decoded, Rendition.of(Platforms.INSTAGRAM_POST, png));
  }

  /** Indexed PNG at quality 90: quantiser (palette, dithering) + deflate of the indices. */
  @Benchmark
  public EncodedImage palette() {
    return processor.render(decoded, Rendition.of(Platforms.INSTAGRAM_POST, palette));
  }

  /** The resize with a cheap encoder, to subtract from the two above. */
  @Benchmark
  public EncodedImage jpegBaseline() {
    return processor.render(decoded, Rendition.of(Platforms.INSTAGRAM_POST,
        OutputOptions.of(OutputFormat.JPEG).withQuality(85)));
  }
}
