package com.snapasset.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.Backoff;
import com.snapasset.JobOptions;
import com.snapasset.ProviderException;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.testing.Await;
import com.snapasset.testing.ScriptedImageProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binder turns the engine's events into meters, without polling anything but the gauges. */
class SnapAssetMetricsTest {
  @TempDir Path files;

  @Test
  void jobsStagesCacheAndQueueAreMeasured() throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AssetGenerator generator = AssetGenerator.builder().outputDirectory(files).environment(Map.of()).build();
         SnapAssetMetrics metrics = SnapAssetMetrics.bind(generator, registry)) {
      generator.pause();
      GenerationRequest request = GenerationRequest.builder().userId("m").prompt("a metered fox")
          .platforms(List.of("64x64", "32x48")).output(OutputOptions.of(OutputFormat.JPEG)).build();
      JobId first = generator.submit(request);
      JobId second = generator.submit(request); // same prompt: the base image comes from the cache
      Await.until("gauges see the waiting jobs", Duration.ofSeconds(5),
          () -> registry.get("snapasset.queue.depth").tag("state", "waiting").gauge().value() == 2);
      assertThat(registry.get("snapasset.queue.paused").gauge().value()).isEqualTo(1);
      try (Worker worker = generator.startWorker(WorkerOptions.builder().concurrency(1).build())) {
        assertThat(worker.isRunning()).isTrue();
        generator.resume();
        assertThat(generator.await(first, Duration.ofSeconds(30)).state()).isEqualTo(JobState.COMPLETED);
        assertThat(generator.await(second, Duration.ofSeconds(30)).state()).isEqualTo(JobState.COMPLETED);
      }
      Await.until("both completions counted", Duration.ofSeconds(5),
          () -> registry.get("snapasset.jobs.completed").counter().count() == 2);
      assertThat(metrics.completedLastMinute()).isEqualTo(2);
      assertThat(registry.get("snapasset.jobs.completed.last.minute").gauge().value()).isEqualTo(2);
      assertThat(registry.get("snapasset.job.duration").timer().count()).isEqualTo(2);
      assertThat(registry.get("snapasset.provider.latency").tag("provider", "placeholder").timer().count()).isEqualTo(1);
      assertThat(registry.get("snapasset.provider.spend").tag("provider", "placeholder").counter().count()).isZero();
      assertThat(registry.get("snapasset.render.duration").tag("format", "jpeg").timer().count()).isEqualTo(4);
      assertThat(registry.get("snapasset.upload.duration").timer().count()).isEqualTo(4);
      assertThat(registry.get("snapasset.upload.size").summary().totalAmount()).isPositive();
      assertThat(registry.get("snapasset.cache.lookups").tag("result", "hit").counter().count()).isEqualTo(1);
      assertThat(registry.get("snapasset.cache.hit.ratio").gauge().value()).isEqualTo(0.5);
    }
  }

  @Test
  void retriesAndFinalFailuresAreCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ScriptedImageProvider provider = new ScriptedImageProvider()
        .failNext(ProviderException.retryable("busy", null, null))
        .failNext(ProviderException.permanent("refused", null));
    try (AssetGenerator generator = AssetGenerator.builder().imageProvider(provider).outputDirectory(files).build();
         SnapAssetMetrics metrics = SnapAssetMetrics.bind(generator, registry);
         Worker worker = generator.startWorker(WorkerOptions.defaults())) {
      assertThat(worker.isRunning()).isTrue();
      JobOptions quick = JobOptions.builder().backoff(Backoff.fixed(Duration.ofMillis(10))).build();
      JobId id = generator.submit(GenerationRequest.builder().userId("m").prompt("refused").platforms("64x64")
          .job(quick).build());
      Await.until("job failed", Duration.ofSeconds(30),
          () -> generator.job(id).map(Job::state).orElse(null) == JobState.FAILED);
      Await.until("failure counted", Duration.ofSeconds(5), () -> metrics.failedLastMinute() == 1);
      assertThat(registry.get("snapasset.jobs.retried").counter().count()).isEqualTo(1);
      assertThat(registry.get("snapasset.jobs.failed").counter().count()).isEqualTo(1);
      assertThat(registry.get("snapasset.jobs.completed").counter().count()).isZero();
      assertThat(registry.get("snapasset.queue.depth").tag("state", "failed").gauge().value()).isEqualTo(1);
    }
  }
}
