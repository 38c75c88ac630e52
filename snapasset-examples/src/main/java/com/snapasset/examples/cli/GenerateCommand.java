package com.snapasset.examples.cli;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.CropPosition;
import com.snapasset.Fit;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.JobState;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snapasset generate}: one prompt to one image file per platform, through the job queue. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generates one image per platform from a prompt and writes them to a folder.")
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "What to draw (words are joined with spaces).")
  List<String> promptWords = new ArrayList<>();

  @Option(names = {"-p", "--platforms"}, split = ",", paramLabel = "ID",
      defaultValue = "instagram-post,twitter-post,linkedin-post",
      description = "Platform ids or custom sizes WxH, comma-separated (default: ${DEFAULT-VALUE}). See 'snapasset presets'.")
  List<String> platforms = new ArrayList<>();

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

  @Option(names = "--model", description = "Provider model, e.g. dall-e-3 or gpt-image-1.")
  @Nullable String model;

  @Option(names = "--image-quality", description = "Provider quality, e.g. standard or hd.")
  @Nullable String imageQuality;

  @Option(names = "--style", description = "Provider style, e.g. vivid or natural.")
  @Nullable String style;

  @Option(names = "--timeout", defaultValue = "PT10M", description = "How long to wait for the result (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(10);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (AssetGenerator generator = AssetGenerator.builder().outputDirectory(this.out).build()) {
      GenerationRequest request = request(generator);
      err.println("Provider: " + generator.providerName());
      err.flush();
      ProgressBar bar = new ProgressBar(err, System.console() != null);
      AtomicReference<JobId> mine = new AtomicReference<>();
      generator.addListener(new JobListener() {
        @Override
        public void onProgress(JobId id, int progress) {
          if (id.equals(mine.get())) {
            bar.show(progress, ProgressBar.stageOf(progress));
          }
        }

        @Override
        public void onRetrying(JobId id, String reason) {
          if (id.equals(mine.get())) {
            err.println();
            err.println("Attempt failed, retrying: " + reason);
            err.flush();
          }
        }
      });
      // No grace on close: an interrupted generation stops at once and rolls back its files.
      Worker worker = generator.startWorker(WorkerOptions.builder().concurrency(1).shutdownGrace(Duration.ZERO).build());
      Thread hook = new Thread(() -> {
        worker.close();
        err.println();
        err.println("Interrupted: the generation was stopped and the files it had written were removed.");
        err.flush();
      }, "snapasset-interrupt");
      try (worker) {
        Runtime.getRuntime().addShutdownHook(hook);
        onInterrupt = hook;
        JobId id = generator.submit(request);
        mine.set(id);
        bar.show(0, ProgressBar.stageOf(0));
        Job job;
        try {
          job = generator.await(id, timeout);
        } finally {
          removeHook(hook);
        }
        if (job.state() == JobState.COMPLETED) {
          bar.show(100, ProgressBar.stageOf(100));
        }
        bar.finish();
        if (job.state() == JobState.COMPLETED && job.result() != null) {
          printTable(out, job.result());
          return 0;
        }
        if (job.state() == JobState.FAILED) {
          err.println("Generation failed: " + job.failedReason());
        } else {
          err.println("Gave up waiting after " + timeout + "; the job is " + job.state());
        }
        err.flush();
        return SnapAssetCli.EXIT_FAILED;
      }
    }
  }

  /** What Ctrl-C (or SIGTERM) runs while a generation is in progress; for tests. */
  volatile @Nullable Thread onInterrupt;

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook is running or has run
    }
  }

  /** The request, or every problem of the command line at once (options, prompt, platforms, user). */
  private GenerationRequest request(AssetGenerator generator) {
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
      problems.add("position '" + position + "' is not known: use one of " + lowerCase(CropPosition.values())
          + " (centre is accepted for center)");
    }
    OutputOptions output = OutputOptions.defaults();
    try {
      output = output.withQuality(quality);
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    if (outputFormat != null) {
      output = output.withFormat(outputFormat);
    }
    if (fitMode != null) {
      output = output.withFit(fitMode);
    }
    if (crop != null) {
      output = output.withPosition(crop);
    }
    ImageOptions image = ImageOptions.defaults();
    try {
      image = new ImageOptions(model != null ? model : image.model(), imageQuality != null ? imageQuality : image.quality(),
          style != null ? style : image.style(), image.size());
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    GenerationRequest.Builder draft = GenerationRequest.builder()
        .userId(userId)
        .prompt(String.join(" ", promptWords))
        .platforms(platforms)
        .image(image)
        .output(output);
    generator.validate(draft).forEach(p -> problems.add(p.message()));
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return draft.build();
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
    out.printf("%d file(s), %d bytes in %d ms (provider %s%s)%n", result.assets().size(), total,
        result.timings().total().toMillis(), result.provider(), result.baseImageCached() ? ", cached base image" : "");
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
