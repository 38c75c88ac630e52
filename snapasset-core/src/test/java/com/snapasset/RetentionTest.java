package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.testing.ScriptedImageProvider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A completed job the queue has trimmed is still answered, from the catalog. */
class RetentionTest {
  @Test
  void aCompletedJobTrimmedFromTheQueueIsAnsweredFromTheCatalog() throws Exception {
    InMemoryJobQueue queue = InMemoryJobQueue.create();
    try (AssetGenerator generator = AssetGenerator.builder().jobQueue(queue)
        .imageProvider(new ScriptedImageProvider()).assetStorage(InMemoryAssetStorage.create()).build();
        Worker worker = generator.startWorker(WorkerOptions.builder().concurrency(1).build())) {
      assertThat(worker.isRunning()).isTrue();
      JobOptions keepOne = JobOptions.builder().keepCompleted(1).build();
      JobId first = generator.submit(GenerationRequest.builder().userId("u").prompt("first")
          .platforms("64x64", "32x32").job(keepOne).build());
      Job done = generator.await(first, Duration.ofMinutes(1));
      JobId second = generator.submit(GenerationRequest.builder().userId("u").prompt("second")
          .platforms("64x64").job(keepOne).build());
      assertThat(generator.await(second, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
      assertThat(queue.find(first)).as("trimmed by keepCompleted").isEmpty();

      Job retained = generator.job(first).orElseThrow();

      assertThat(retained.state()).isEqualTo(JobState.COMPLETED);
      assertThat(retained.request().userId()).isEqualTo("u");
      assertThat(retained.request().prompt()).isEqualTo("first");
      assertThat(retained.result().assets()).isEqualTo(done.result().assets());
      assertThat(retained.request().platforms()).isEqualTo(List.of("64x64", "32x32"));
      assertThat(generator.job(JobId.of("never-existed"))).isEmpty();
    } finally {
      queue.close();
    }
  }
}
