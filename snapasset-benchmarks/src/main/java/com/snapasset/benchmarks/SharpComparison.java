package com.snapasset.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.CropPosition;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.imaging.Ssim;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.geometry.Positions;

/**
 * The Java half of {@code compare-with-sharp.sh}: renders the same nine presets from the same file
 * (decode once, render in parallel on all cores), times the median of N runs, and prints per format
 * Java / Sharp time, Java / Sharp bytes and the mean SSIM of Java's files against Sharp's.
 */
public final class SharpComparison {
  private static final String[] FORMATS = {"png", "webp", "jpeg"};

  private SharpComparison() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SharpComparison INPUT OUT_DIR [ITERATIONS]");
      System.exit(2);
    }
    byte[] input = Files.readAllBytes(Path.of(args[0]));
    Path out = Path.of(args[1]);
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    JsonNode sharp = new ObjectMapper().readTree(out.resolve("sharp.json").toFile());
    CropPosition position = CropPosition.parse(sharp.path("position").asText("attention")).orElseThrow();
    ImageProcessor processor = StandardImageProcessor.create();
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Platform> presets = Platforms.presets();
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT, "%-5s %9s %9s %6s %11s %11s %6s %12s%n",
        "fmt", "java ms", "sharp ms", "time", "java bytes", "sharp bytes", "bytes", "SSIM mean/min"));
    try {
      for (String name : FORMATS) {
        OutputFormat format = OutputFormat.parse(name).orElseThrow();
        OutputOptions options = BenchmarkImages.options(format).withPosition(position);
        for (int i = 0; i < 1; i++) {
          ImagingBenchmark.renderAll(processor, input, options, pool);
        }
        double[] times = new double[iterations];
        List<EncodedImage> last = null;
        for (int i = 0; i < iterations; i++) {
          long t0 = System.nanoTime();
          last = ImagingBenchmark.renderAll(processor, input, options, pool);
          times[i] = (System.nanoTime() - t0) / 1e6;
        }
        long bytes = 0;
        double ssimSum = 0;
        double ssimMin = 1;
        Path javaDir = Files.createDirectories(out.resolve("java").resolve(name));
        for (int p = 0; p < presets.size(); p++) {
          byte[] data = last.get(p).data();
          bytes += data.length;
          String file = presets.get(p).id() + "." + format.extension();
          Files.write(javaDir.resolve(file), data);
          double s = Ssim.of(read(data), read(Files.readAllBytes(
              out.resolve("sharp").resolve(name).resolve(file))));
          ssimSum += s;
          ssimMin = Math.min(ssimMin, s);
        }
        JsonNode theirs = sharp.path("formats").path(name);
        double javaMs = median(times);
        double sharpMs = theirs.path("medianMs").asDouble();
        long sharpBytes = theirs.path("bytes").asLong();
        table.append(String.format(Locale.ROOT, "%-5s %9.1f %9.1f %6.2f %11d %11d %6.2f %6.4f/%.4f%n",
            name, javaMs, sharpMs, javaMs / sharpMs, bytes, sharpBytes, (double) bytes / sharpBytes,
            ssimSum / presets.size(), ssimMin));
      }
      table.append(resampling(processor, input, presets, out));
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(Locale.ROOT, "input %s (%d bytes), %d iterations, %d threads, sharp %s / libvips %s%n",
        args[0], input.length, iterations, threads, sharp.path("sharp").asText(), sharp.path("vips").asText());
    System.out.print(table);
    System.out.println("time and bytes are Java / Sharp (below 1.00: Java is faster / smaller);"
        + " SSIM of Java's file against Sharp's, cover + " + position + ", over the 9 presets");
  }

  /** Resampling alone: centre crops to PNG, ours and Thumbnailator's default, against Sharp's. */
  private static String resampling(ImageProcessor processor, byte[] input, List<Platform> presets, Path out)
      throws IOException {
    BufferedImage source = read(input);
    OutputOptions centre = BenchmarkImages.options(OutputFormat.PNG).withPosition(CropPosition.CENTER);
    var decoded = processor.decode(input);
    double ours = 0;
    double thumbnailator = 0;
    for (Platform p : presets) {
      BufferedImage reference = read(Files.readAllBytes(
          out.resolve("sharp").resolve("centre").resolve(p.id() + ".png")));
      ours += Ssim.of(read(processor.render(decoded,
          com.snapasset.spi.Rendition.of(p, centre)).data()), reference);
      BufferedImage t = Thumbnails.of(source).size(p.width(), p.height()).crop(Positions.CENTER)
          .imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
      thumbnailator += Ssim.of(t, reference);
    }
    return String.format(Locale.ROOT,
        "resampling only (centre crop, PNG) SSIM against Sharp: SnapAsset Lanczos3 %.4f, Thumbnailator default %.4f%n",
        ours / presets.size(), thumbnailator / presets.size());
  }

  private static BufferedImage read(byte[] data) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
    if (image == null) {
      throw new IOException("no ImageIO reader for this file");
    }
    return image;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

}
