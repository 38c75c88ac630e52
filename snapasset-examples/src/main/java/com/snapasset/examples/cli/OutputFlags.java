package com.snapasset.examples.cli;

import com.snapasset.Asset;
import com.snapasset.CropPosition;
import com.snapasset.Fit;
import com.snapasset.GenerationResult;
import com.snapasset.InvalidRequestException;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The rendition flags (a picocli mixin) and the result table that {@code generate} and
 * {@code render} share.
 */
final class OutputFlags {
  @Option(names = {"-f", "--format"}, defaultValue = "png", description = "Output format: png, jpeg or webp (default: ${DEFAULT-VALUE}).")
  String format = "png";

  @Option(names = {"-q", "--quality"}, defaultValue = "85", description = "Encoder quality 1-100 (default: ${DEFAULT-VALUE}).")
  int quality = 85;

  @Option(names = "--fit", defaultValue = "cover",
      description = "How the image fills each size: cover, contain, fill, inside or outside (default: ${DEFAULT-VALUE}).")
  String fit = "cover";

  @Option(names = "--position", defaultValue = "attention",
      description = "What a cover crop keeps: attention, entropy, center (or centre), north, north-east, ... (default: ${DEFAULT-VALUE}).")
  String position = "attention";

  @Option(names = {"-o", "--out"}, defaultValue = "snapasset-output", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("snapasset-output");

  @Option(names = "--user", defaultValue = "cli", description = "User id; becomes the first folder level (default: ${DEFAULT-VALUE}).")
  String userId = "cli";

  /**
   * The output options the flags ask for; every flag that is not understood adds its problem to
   * {@code problems}, so the command can report them all at once.
   */
  OutputOptions parse(List<String> problems) {
    OutputOptions output = OutputOptions.defaults();
    try {
      output = output.withQuality(quality);
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    OutputFormat outputFormat = OutputFormat.parse(format).orElse(null);
    if (outputFormat == null) {
      problems.add("format '" + format + "' is not known: use one of " + lowerCase(OutputFormat.values()));
    } else {
      output = output.withFormat(outputFormat);
    }
    Fit fitMode = Fit.parse(fit).orElse(null);
    if (fitMode == null) {
      problems.add("fit '" + fit + "' is not known: use one of " + lowerCase(Fit.values()));
    } else {
      output = output.withFit(fitMode);
    }
    CropPosition crop = CropPosition.parse(position).orElse(null);
    if (crop == null) {
      problems.add("position '" + position + "' is not known: use one of " + lowerCase(CropPosition.values())
          + " (centre is accepted for center)");
    } else {
      output = output.withPosition(crop);
    }
    return output;
  }

  /** One line per file written, then a total; {@code source} says where the image came from. */
  static void printTable(PrintWriter out, GenerationResult result, String source) {
    out.printf("%-20s %-11s %-5s %10s  %s%n", "PLATFORM", "SIZE", "TYPE", "BYTES", "FILE");
    long total = 0;
    for (Asset a : result.assets()) {
      out.printf("%-20s %-11s %-5s %10d  %s%n", a.platformId(), a.width() + "x" + a.height(),
          a.format().extension(), a.byteSize(), display(a.url()));
      total += a.byteSize();
    }
    out.printf("%d file(s), %d bytes in %d ms (%s)%n", result.assets().size(), total,
        result.timings().total().toMillis(), source);
    out.flush();
  }

  private static List<String> lowerCase(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
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
