package com.snapasset.examples.cli;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.JobState;
import com.snapasset.OutputOptions;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin OutputFlags flags = new OutputFlags();

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
    try (AssetGenerator generator = AssetGenerator.builder().outputDirectory(flags.out).build()) {
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
          OutputFlags.printTable(out, job.result(), provenance(job.result()));
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
    OutputOptions output = flags.parse(problems);
    ImageOptions image = ImageOptions.defaults();
    try {
      image = new ImageOptions(model != null ? model : image.model(), imageQuality != null ? imageQuality : image.quality(),
          style != null ? style : image.style(), image.size());
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    GenerationRequest.Builder draft = GenerationRequest.builder()
        .userId(flags.userId)
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

  private static String provenance(GenerationResult result) {
    return "provider " + result.provider() + (result.baseImageCached() ? ", cached base image" : "");
  }
}
