package com.snapasset.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.Backoff;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobState;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.ProviderException;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.testing.Await;
import com.snapasset.testing.MutableClock;
import com.snapasset.testing.ScriptedImageProvider;
import com.snapasset.testing.SubscriptionWatch;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binder turns the engine's events into meters, and the queue's counts into gauges. */
class SnapAssetMetricsTest {

  private static AssetGenerator generator(ImageProvider provider) {
    return AssetGenerator.builder().imageProvider(provider).assetStorage(InMemoryAssetStorage.create()).build();
  }

  private static GenerationRequest request(String prompt) {
    return GenerationRequest.builder().userId("m").prompt(prompt)
        .platforms(List.of("64x64", "32x48")).output(OutputOptions.of(OutputFormat.JPEG)).build();
  }

  @Test
  void jobsStagesCacheAndQueueAreMeasured() throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AssetGenerator generator = generator(PlaceholderImageProvider.create());
         SnapAssetMetrics metrics = SnapAssetMetrics.of(generator)) {
      metrics.bindTo(registry);
      generator.pause();
      JobId first = generator.submit(request("a metered fox"));
      JobId second = generator.submit(request("a metered fox")); // same prompt: base image from the cache
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
      assertThat(registry.get("snapasset.provider.latency").tag("provider", "placeholder").timer().count())
          .isEqualTo(1);
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
    try (AssetGenerator generator = generator(provider);
         SnapAssetMetrics metrics = SnapAssetMetrics.of(generator);
         Worker worker = generator.startWorker(WorkerOptions.defaults())) {
      metrics.bindTo(registry);
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
      Await.until("failed job in the gauge", Duration.ofSeconds(5),
          () -> registry.get("snapasset.queue.depth").tag("state", "failed").gauge().value() == 1);
    }
  }

  @Test
  void desiredWorkersGaugeReadsTheBacklogThroughTheScalingPolicy() {
    MutableClock clock = MutableClock.startingNow();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AssetGenerator generator = generator(PlaceholderImageProvider.create());
         SnapAssetMetrics metrics = SnapAssetMetrics.builder(generator).clock(clock).build()) {
      metrics.bindTo(registry);
      assertThat(registry.get("snapasset.workers.desired").gauge().value()).isEqualTo(1);
      for (int i = 0; i < 120; i++) {  // no worker runs: every job waits
        generator.submit(request("backlog " + i));
      }
      // the counts are cached for a second of the metrics' clock, so one scrape asks the queue once
      assertThat(registry.get("snapasset.workers.desired").gauge().value()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(1));
      assertThat(registry.get("snapasset.queue.depth").tag("state", "waiting").gauge().value()).isEqualTo(120);
      assertThat(registry.get("snapasset.workers.desired").gauge().value()).isEqualTo(3);
      assertThat(metrics.desiredWorkers()).isEqualTo(3);
    }
  }

  @Test
  void aCustomPolicyAndTagsReachTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AssetGenerator generator = generator(PlaceholderImageProvider.create());
         SnapAssetMetrics metrics = SnapAssetMetrics.builder(generator)
             .scalingPolicy(new ScalingPolicy(2, 1, 0, 4)).tags(Tags.of("queue", "images")).build()) {
      metrics.bindTo(registry);
      for (int i = 0; i < 5; i++) {
        generator.submit(request("tagged " + i));
      }
      assertThat(registry.get("snapasset.workers.desired").tag("queue", "images").gauge().value()).isEqualTo(3);
      assertThat(registry.get("snapasset.jobs.completed").tag("queue", "images").counter().count()).isZero();
    }
  }

  @Test
  void everyBoundRegistryCountsAndCloseStopsCounting() throws InterruptedException {
    SimpleMeterRegistry one = new SimpleMeterRegistry();
    SimpleMeterRegistry two = new SimpleMeterRegistry();
    try (AssetGenerator generator = generator(PlaceholderImageProvider.create());
         Worker worker = generator.startWorker(WorkerOptions.defaults())) {
      assertThat(worker.isRunning()).isTrue();
      SnapAssetMetrics metrics = SnapAssetMetrics.of(generator);
      metrics.bindTo(one);
      metrics.bindTo(two);
      JobId id = generator.submit(request("counted twice"));
      assertThat(generator.await(id, Duration.ofSeconds(30)).state()).isEqualTo(JobState.COMPLETED);
      Await.until("counted in both registries", Duration.ofSeconds(5),
          () -> one.get("snapasset.jobs.completed").counter().count() == 1
              && two.get("snapasset.jobs.completed").counter().count() == 1);

      metrics.close();
      JobId after = generator.submit(request("not counted"));
      assertThat(generator.await(after, Duration.ofSeconds(30)).state()).isEqualTo(JobState.COMPLETED);
      // the generator's own completion listener ran after the job completed; ours is gone
      assertThat(one.get("snapasset.jobs.completed").counter().count()).isEqualTo(1);
      assertThat(metrics.completedLastMinute()).isEqualTo(1);
    }
  }

  @Test
  void bindingSubscribesTheGeneratorToQueueEventsAndClosingReleasesThem() throws InterruptedException {
    InMemoryJobQueue queue = InMemoryJobQueue.create();
    SubscriptionWatch watch = SubscriptionWatch.of(queue);
    try (AssetGenerator generator = AssetGenerator.builder().imageProvider(PlaceholderImageProvider.create())
        .assetStorage(InMemoryAssetStorage.create()).jobQueue(watch.queue()).build()) {
      SnapAssetMetrics metrics = SnapAssetMetrics.of(generator);
      assertThat(watch.made()).as("a generator nobody listens to").isEmpty();

      metrics.bindTo(new SimpleMeterRegistry());
      assertThat(watch.open()).singleElement().satisfies(m -> assertThat(m.types())
          .contains(QueueEvent.Type.COMPLETED, QueueEvent.Type.FAILED, QueueEvent.Type.RETRYING,
              QueueEvent.Type.STALLED));
      metrics.close();
      assertThat(watch.open()).isEmpty();
    } finally {
      queue.close();
    }
  }

  @Test
  void prometheusScrapeListsTheMetersAndTheScalingGauge() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (AssetGenerator generator = generator(PlaceholderImageProvider.create());
         SnapAssetMetrics metrics = SnapAssetMetrics.of(generator)) {
      metrics.bindTo(prometheus);
      generator.submit(request("scraped"));
      String scrape = prometheus.scrape();
      assertThat(scrape)
          .contains("snapasset_workers_desired ")
          .contains("snapasset_queue_depth{state=\"waiting\"}")
          .contains("snapasset_jobs_completed_total ")
          .contains("snapasset_cache_hit_ratio ")
          .contains("snapasset_job_duration_seconds_count ");
    }
  }
}
