package com.snapasset.benchmarks;

import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The benchmark input and the encoder settings shared by JMH and the Sharp comparison. */
final class BenchmarkImages {
  /** Resource name of the 1024 × 1024 photograph (see images/LICENSE.md). */
  static final String FLOWER = "/images/flower-1024.png";

  private BenchmarkImages() {}

  static byte[] flower() {
    return image(FLOWER);
  }

  /** A comparison input by resource name, e.g. {@code /images/bokeh-1024.jpg}. */
  static byte[] image(String resource) {
    try (InputStream in = BenchmarkImages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sharp's settings in the comparison: PNG level 9 (always adaptive filters), WebP and JPEG q85. */
  static OutputOptions options(OutputFormat format) {
    OutputOptions o = OutputOptions.of(format).withQuality(85);
    return format == OutputFormat.PNG ? o.withCompressionLevel(9) : o;
  }
}
