package com.snapasset.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.snapasset.CropPosition;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.imaging.Ssim;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.geometry.Positions;

/**
 * The Java half of {@code compare-with-sharp.sh}. For every input image and every compared setting
 * it renders the nine presets (decode once, render in parallel on all cores) and asks Sharp
 * ({@code sharp-render.cjs}, a child process) for the same, alternating who goes first in each
 * round so machine load falls on both sides alike. Prints, per input and overall, Java / Sharp
 * median time and total bytes, SSIM of Java's files against Sharp's, and for palette output the
 * PSNR of each side's palette file against its own truecolour file.
 */
public final class SharpComparison {
  /** Compared settings: name → SnapAsset's options (Sharp's are in sharp-render.cjs). */
  private static final Map<String, OutputOptions> FORMATS = new LinkedHashMap<>();
  /** CPU time of the whole process (all threads, JIT and GC included): robust on a loaded machine. */
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  static {
    FORMATS.put("png9", OutputOptions.of(OutputFormat.PNG).withCompressionLevel(9));
    FORMATS.put("png", OutputOptions.of(OutputFormat.PNG));
    // the Node.js guide's setting: palette, quality 90, compressionLevel 9, adaptiveFiltering
    FORMATS.put("palette",
        OutputOptions.of(OutputFormat.PNG).withPalette(true).withQuality(90).withCompressionLevel(9));
    FORMATS.put("webp", OutputOptions.of(OutputFormat.WEBP).withQuality(85));
    FORMATS.put("jpeg", OutputOptions.of(OutputFormat.JPEG).withQuality(85));
  }

  private final ImageProcessor processor = StandardImageProcessor.create();
  private final List<Platform> presets = Platforms.presets();
  private final ExecutorService pool;
  private final Sharp sharp;
  private final Path out;
  private final int iterations;
  private final CropPosition position;
  private final String positionName;
  /**
   * Unmeasured rounds per input and setting before the measured ones (env WARMUP, default 3). A
   * worker JVM that renders many images runs compiled code; after one round the JIT is still
   * compiling during the next (the screenshot's default PNG: 1920 ms of CPU in the first round,
   * 800 in the second, 500-590 from the third on), which a median of two or three rounds counts.
   */
  private final int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "3"));

  private SharpComparison(Sharp sharp, Path out, int iterations, String position, int threads) {
    this.sharp = sharp;
    this.out = out;
    this.iterations = iterations;
    this.positionName = position;
    this.position = CropPosition.parse(position).orElseThrow(
        () -> new IllegalArgumentException("unknown POSITION " + position));
    this.pool = Executors.newFixedThreadPool(threads);
  }

  /** One row: one input × one setting. */
  record Row(String input, String format, double javaMs, double sharpMs, double javaCpu,
      double sharpCpu, long javaBytes, long sharpBytes, double ssimMean, double ssimMin,
      double javaPsnr, double sharpPsnr) {
    double time() {
      return javaMs / sharpMs;
    }

    double cpu() {
      return javaCpu / sharpCpu;
    }

    double bytes() {
      return (double) javaBytes / sharpBytes;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: SharpComparison SHARP_SCRIPT OUT_DIR ITERATIONS INPUT...");
      System.exit(2);
    }
    Path out = Path.of(args[1]);
    int iterations = Integer.parseInt(args[2]);
    List<String> formats = new ArrayList<>(FORMATS.keySet());
    String only = System.getenv("FORMATS");
    if (only != null && !only.isBlank()) {
      formats = Arrays.asList(only.split(","));
      for (String f : formats) {
        if (!FORMATS.containsKey(f)) {
          throw new IllegalArgumentException("unknown format " + f + ", expected one of " + FORMATS.keySet());
        }
      }
    }
    String position = System.getenv().getOrDefault("POSITION", "attention");
    int threads = Runtime.getRuntime().availableProcessors();
    String loadBefore = load();
    List<Row> rows = new ArrayList<>();
    try (Sharp sharp = Sharp.start(Path.of(args[0]))) {
      SharpComparison c = new SharpComparison(sharp, out, iterations, position, threads);
      try {
        for (int i = 3; i < args.length; i++) {
          Path input = Path.of(args[i]);
          List<Row> inputRows = c.compare(input, formats);
          rows.addAll(inputRows);
          System.out.print(table("input " + input.getFileName(), inputRows));
          String centre = c.resampling(input);
          System.out.println(centre);
        }
      } finally {
        c.pool.shutdownNow();
      }
      System.out.printf(Locale.ROOT,
          "%n%d inputs, median of %d interleaved rounds after %d warm-up rounds, %d threads,"
              + " sharp %s / libvips %s, cover + %s, load average before %s, after %s%n",
          args.length - 3, iterations, c.warmup, threads, sharp.version, sharp.vips, position,
          loadBefore, load());
    }
    System.out.print(table("all inputs", rows));
    System.out.print(overall(rows, formats));
    System.out.println("time (wall, median of rounds), CPU (process CPU time over the nine renders,"
        + " all threads, median) and bytes are Java / Sharp (below 1.00: Java is faster / smaller); SSIM of"
        + " Java's file against Sharp's for the same preset; PSNR (palette) of each side's palette"
        + " file against its own truecolour (png9) file, dB");
  }

  List<Row> compare(Path inputFile, List<String> formats) throws Exception {
    byte[] input = Files.readAllBytes(inputFile);
    String name = inputFile.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    Path dir = out.resolve(name);
    List<Row> rows = new ArrayList<>();
    for (String format : formats) {
      OutputOptions options = FORMATS.get(format).withPosition(position);
      Path sharpDir = dir.resolve("sharp").resolve(format);
      Path javaDir = Files.createDirectories(dir.resolve("java").resolve(format));
      for (int w = 0; w < warmup; w++) { // warm-up, both sides alike
        ImagingBenchmark.renderAll(processor, input, options, pool);
        sharp.render(inputFile, format, positionName, null);
      }
      double[] javaMs = new double[iterations];
      double[] sharpMs = new double[iterations];
      double[] javaCpu = new double[iterations];
      double[] sharpCpu = new double[iterations];
      long sharpBytes = 0;
      List<EncodedImage> last = null;
      for (int i = 0; i < iterations; i++) {
        Path save = i == iterations - 1 ? sharpDir : null;
        if (i % 2 == 0) {
          JsonNode r = sharp.render(inputFile, format, positionName, save);
          sharpMs[i] = r.path("ms").asDouble();
          sharpCpu[i] = r.path("cpuMs").asDouble();
        }
        long cpu0 = CPU.getProcessCpuTime();
        long t0 = System.nanoTime();
        last = ImagingBenchmark.renderAll(processor, input, options, pool);
        javaMs[i] = (System.nanoTime() - t0) / 1e6;
        javaCpu[i] = (CPU.getProcessCpuTime() - cpu0) / 1e6;
        if (i % 2 == 1) {
          JsonNode r = sharp.render(inputFile, format, positionName, save);
          sharpMs[i] = r.path("ms").asDouble();
          sharpCpu[i] = r.path("cpuMs").asDouble();
        }
      }
      long javaBytes = 0;
      double ssimSum = 0;
      double ssimMin = 1;
      double[] javaErr = new double[2];
      double[] sharpErr = new double[2];
      for (int p = 0; p < presets.size(); p++) {
        String file = presets.get(p).id() + "." + options.format().extension();
        byte[] data = last.get(p).data();
        javaBytes += data.length;
        Files.write(javaDir.resolve(file), data);
        byte[] theirs = Files.readAllBytes(sharpDir.resolve(file));
        sharpBytes += theirs.length;
        BufferedImage ours = read(data);
        double s = Ssim.of(ours, read(theirs));
        ssimSum += s;
        ssimMin = Math.min(ssimMin, s);
        if (format.equals("palette") && formats.contains("png9")) {
          squaredError(ours, read(Files.readAllBytes(dir.resolve("java/png9").resolve(file))), javaErr);
          squaredError(read(theirs), read(Files.readAllBytes(dir.resolve("sharp/png9").resolve(file))), sharpErr);
        }
      }
      rows.add(new Row(name, format, median(javaMs), median(sharpMs), median(javaCpu),
          median(sharpCpu), javaBytes, sharpBytes,
          ssimSum / presets.size(), ssimMin, psnr(javaErr), psnr(sharpErr)));
    }
    return rows;
  }

  /** Resampling alone: centre crops to PNG, ours and Thumbnailator's default, against Sharp's. */
  String resampling(Path inputFile) throws IOException {
    byte[] input = Files.readAllBytes(inputFile);
    String name = inputFile.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    Path sharpDir = out.resolve(name).resolve("sharp").resolve("centre");
    sharp.render(inputFile, "png9", "centre", sharpDir);
    BufferedImage source = read(input);
    OutputOptions centre = FORMATS.get("png9").withPosition(CropPosition.CENTER);
    var decoded = processor.decode(input);
    double ours = 0;
    double thumbnailator = 0;
    for (Platform p : presets) {
      BufferedImage reference = read(Files.readAllBytes(sharpDir.resolve(p.id() + ".png")));
      ours += Ssim.of(read(processor.render(decoded, Rendition.of(p, centre)).data()), reference);
      BufferedImage t = Thumbnails.of(source).size(p.width(), p.height()).crop(Positions.CENTER)
          .imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
      thumbnailator += Ssim.of(t, reference);
    }
    return String.format(Locale.ROOT,
        "%s: resampling only (centre crop) SSIM against Sharp: SnapAsset %.4f,"
            + " Thumbnailator default %.4f%n",
        name, ours / presets.size(), thumbnailator / presets.size());
  }

  private static String table(String title, List<Row> rows) {
    StringBuilder t = new StringBuilder();
    t.append(String.format(Locale.ROOT, "%n%s%n", title));
    t.append("| input | setting | wall ms Java / Sharp | time | CPU ms Java / Sharp | CPU"
        + " | bytes Java / Sharp | bytes | SSIM mean / min | PSNR Java / Sharp |\n");
    t.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (Row r : rows) {
      t.append(String.format(Locale.ROOT,
          "| %s | %s | %.0f / %.0f | **%.2f** | %.0f / %.0f | **%.2f** | %d / %d | %.2f | %.4f / %.4f | %s |%n",
          r.input(), r.format(), r.javaMs(), r.sharpMs(), r.time(), r.javaCpu(), r.sharpCpu(),
          r.cpu(), r.javaBytes(), r.sharpBytes(),
          r.bytes(), r.ssimMean(), r.ssimMin(), Double.isNaN(r.javaPsnr()) ? "" : String.format(
              Locale.ROOT, "%.2f / %.2f", r.javaPsnr(), r.sharpPsnr())));
    }
    return t.toString();
  }

  /** Per setting over all inputs: geometric mean and worst of the ratios. */
  private static String overall(List<Row> rows, List<String> formats) {
    StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%noverall%n"));
    t.append("| setting | time geomean | time worst | CPU geomean | CPU worst | bytes geomean"
        + " | bytes worst | SSIM min | PSNR Java − Sharp worst |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (String f : formats) {
      List<Row> of = rows.stream().filter(r -> r.format().equals(f)).toList();
      double time = Math.exp(of.stream().mapToDouble(r -> Math.log(r.time())).average().orElse(0));
      double bytes = Math.exp(of.stream().mapToDouble(r -> Math.log(r.bytes())).average().orElse(0));
      double timeWorst = of.stream().mapToDouble(Row::time).max().orElse(0);
      double cpu = Math.exp(of.stream().mapToDouble(r -> Math.log(r.cpu())).average().orElse(0));
      double cpuWorst = of.stream().mapToDouble(Row::cpu).max().orElse(0);
      double bytesWorst = of.stream().mapToDouble(Row::bytes).max().orElse(0);
      double ssimMin = of.stream().mapToDouble(Row::ssimMin).min().orElse(0);
      double psnr = of.stream().mapToDouble(r -> r.javaPsnr() - r.sharpPsnr()).min().orElse(Double.NaN);
      t.append(String.format(Locale.ROOT, "| %s | **%.2f** | %.2f | **%.2f** | %.2f | %.2f | %.2f | %.4f | %s |%n",
          f, time, timeWorst, cpu, cpuWorst, bytes, bytesWorst, ssimMin,
          Double.isNaN(psnr) ? "" : String.format(Locale.ROOT, "%+.2f dB", psnr)));
    }
    return t.toString();
  }

  private static void squaredError(BufferedImage a, BufferedImage b, double[] acc) {
    int w = a.getWidth();
    int h = a.getHeight();
    int[] pa = a.getRGB(0, 0, w, h, null, 0, w);
    int[] pb = b.getRGB(0, 0, w, h, null, 0, w);
    double sum = 0;
    for (int i = 0; i < pa.length; i++) {
      for (int shift = 0; shift < 24; shift += 8) {
        int d = ((pa[i] >>> shift) & 0xFF) - ((pb[i] >>> shift) & 0xFF);
        sum += d * d;
      }
    }
    acc[0] += sum;
    acc[1] += 3.0 * pa.length;
  }

  private static double psnr(double[] err) {
    if (err[1] == 0) {
      return Double.NaN;
    }
    double mse = err[0] / err[1];
    return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "n/a";
    }
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

  /** sharp-render.cjs as a child process: one JSON request and answer per line. */
  private static final class Sharp implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final Writer in;
    private final BufferedReader answers;
    final String version;
    final String vips;

    private Sharp(Process process) throws IOException {
      this.process = process;
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode hello = next();
      this.version = hello.path("sharp").asText();
      this.vips = hello.path("vips").asText();
    }

    static Sharp start(Path script) throws IOException {
      return new Sharp(new ProcessBuilder("node", script.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    JsonNode render(Path input, String format, String position, Path save) throws IOException {
      ObjectNode request = json.createObjectNode()
          .put("input", input.toAbsolutePath().toString())
          .put("format", format)
          .put("position", position)
          .put("save", save == null ? null : save.toAbsolutePath().toString());
      in.write(json.writeValueAsString(request) + "\n");
      in.flush();
      JsonNode answer = next();
      if (answer.has("error")) {
        throw new IOException("sharp: " + answer.path("error").asText());
      }
      return answer;
    }

    private JsonNode next() throws IOException {
      String line = answers.readLine();
      if (line == null) {
        throw new IOException("sharp-render.cjs ended early" + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")"));
      }
      return json.readTree(line);
    }

    @Override
    public void close() throws IOException {
      in.close();
      process.destroy();
    }
  }
}
