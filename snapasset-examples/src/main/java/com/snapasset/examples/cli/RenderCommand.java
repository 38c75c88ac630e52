package com.snapasset.examples.cli;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.CropPosition;
import com.snapasset.Fit;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.InvalidRequestException;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.SourceFetchPolicy;
import com.snapasset.SourceImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code snapasset render photo.jpg -p ...}: an image you already have, rendered for every platform
 * at its exact size. No provider is called and nothing is paid for.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = "Renders an existing image (a file, or an https URL) for every platform and writes the files to a folder.")
final class RenderCommand implements Callable<Integer> {
  /** The largest local file read; the decoder's own guards (pixels, format) apply after. */
  static final long MAX_FILE_BYTES = 50L * 1024 * 1024;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG or WebP file, or an https:// URL.")
  String image = "";

  @Option(names = {"-p", "--platforms"}, split = ",", paramLabel = "ID",
      defaultValue = "instagram-post,instagram-story,twitter-post,twitter-header,facebook-post,facebook-cover,linkedin-post,youtube-thumbnail,pinterest-pin",
      description = "Platform ids or custom sizes WxH, comma-separated (default: every preset). See 'snapasset presets'.")
  List<String> platforms = new ArrayList<>();

  @Option(names = {"-f", "--format"}, defaultValue = "png", description = "Output format: png, jpeg or webp (default: ${DEFAULT-VALUE}).")
  String format = "png";

  @Option(names = {"-q", "--quality"}, defaultValue = "85", description = "Encoder quality 1-100 (default: ${DEFAULT-VALUE}).")
  int quality = 85;

  @Option(names = "--fit", defaultValue = "cover",
      description = "How the image fills each size: cover, contain, fill, inside or outside (default: ${DEFAULT-VALUE}).")
  String fit = "cover";

  @Option(names = "--position", defaultValue = "attention",
      description = "What a cover crop keeps: attention, entropy, centre, north, ... (default: ${DEFAULT-VALUE}).")
  String position = "attention";

  @Option(names = {"-o", "--out"}, defaultValue = "snapasset-output", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("snapasset-output");

  @Option(names = "--user", defaultValue = "cli", description = "User id; becomes the first folder level (default: ${DEFAULT-VALUE}).")
  String userId = "cli";

  @Option(names = "--allow-private-urls",
      description = "Fetch URLs on loopback and private networks too (off by default: only public https addresses).")
  boolean allowPrivate;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    GenerationRequest request = request();
    SourceFetchPolicy policy = SourceFetchPolicy.defaults().withAllowPrivateNetworks(allowPrivate);
    try (AssetGenerator generator =
        AssetGenerator.builder().outputDirectory(this.out).sourceFetchPolicy(policy).build()) {
      GenerationResult result = generator.generate(request);
      printTable(out, result);
      return 0;
    }
  }

  private GenerationRequest request() {
    List<String> problems = new ArrayList<>();
    OutputFormat outputFormat = OutputFormat.parse(format).orElse(null);
    if (outputFormat == null) {
      problems.add("format '" + format + "' is not known: use one of " + lowerCase(OutputFormat.values()));
    }
    Fit fitMode = Fit.parse(fit).orElse(null);
    if (fitMode == null) {
      problems.add("fit '" + fit + "' is not known: use one of " + lowerCase(Fit.values()));
    }
    CropPosition crop = CropPosition.parse(position).orElse(null);
    if (crop == null) {
      problems.add("position '" + position + "' is not known: use one of " + lowerCase(CropPosition.values()));
    }
    SourceImage source = null;
    try {
      source = source();
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return GenerationRequest.builder()
        .userId(userId)
        .source(source)
        .platforms(platforms)
        .output(OutputOptions.defaults().withFormat(outputFormat).withQuality(quality).withFit(fitMode)
            .withPosition(crop))
        .build();
  }

  private SourceImage source() {
    String lower = image.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      return SourceImage.ofUrl(image);
    }
    Path file = Path.of(image);
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException("image file '" + image + "' does not exist or is not a file");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new InvalidRequestException(
            "image file '" + image + "' has " + size + " bytes: use at most " + MAX_FILE_BYTES);
      }
      return SourceImage.ofBytes(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InvalidRequestException("image file '" + image + "' cannot be read: " + e.getMessage());
    }
  }

  private static List<String> lowerCase(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
  }

  private static void printTable(PrintWriter out, GenerationResult result) {
    out.printf("%-20s %-11s %-5s %10s  %s%n", "PLATFORM", "SIZE", "TYPE", "BYTES", "FILE");
    long total = 0;
    for (Asset a : result.assets()) {
      out.printf("%-20s %-11s %-5s %10d  %s%n", a.platformId(), a.width() + "x" + a.height(),
          a.format().extension(), a.byteSize(), display(a.url()));
      total += a.byteSize();
    }
    out.printf("%d file(s), %d bytes in %d ms (no provider called)%n", result.assets().size(), total,
        result.timings().total().toMillis());
    out.flush();
  }

  private static String display(URI url) {
    if (!"file".equals(url.getScheme())) {
      return url.toString();
    }
    Path file = Path.of(url);
    Path cwd = Path.of("").toAbsolutePath();
    return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
  }
}
