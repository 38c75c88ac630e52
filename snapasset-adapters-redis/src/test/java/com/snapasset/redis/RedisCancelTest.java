package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.testing.ScriptedImageProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job running in one process is cancelled from another within a second: the cancel travels as
 * a Redis pub/sub event, not with the next lock renewal (every 20 minutes here).
 */
class RedisCancelTest {
  @TempDir Path output;

  @Test
  void aRunningJobIsCancelledFromAnotherProcessAtOnce() throws Exception {
    ScriptedImageProvider provider = new ScriptedImageProvider().block();
    try (RedisTestServer server = RedisTestServer.start();
        RedisJobQueue workerQueue = RedisJobQueue.builder().url(server.url()).queueName("cancel").build();
        RedisJobQueue apiQueue = RedisJobQueue.builder().url(server.url()).queueName("cancel").build();
        AssetGenerator workerSide = AssetGenerator.builder().jobQueue(workerQueue).imageProvider(provider)
            .outputDirectory(output).build();
        AssetGenerator apiSide = AssetGenerator.builder().jobQueue(apiQueue).imageProvider(provider)
            .outputDirectory(output).build();
        Worker worker = workerSide.startWorker(WorkerOptions.builder().lockDuration(Duration.ofHours(1)).build())) {
      assertThat(worker.isRunning()).isTrue();
      JobId id = apiSide.submit(GenerationRequest.of("u1", "a long one", List.of("64x64")));
      provider.awaitEntered();

      long t0 = System.nanoTime();
      assertThat(apiSide.cancel(id)).isTrue();
      Job job = apiSide.await(id, Duration.ofSeconds(5));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(job.state()).isEqualTo(JobState.FAILED);
      assertThat(job.failedReason()).isEqualTo("job was cancelled");
      System.out.println("Redis queue: cancel to failed in " + ms + " ms");
    }
  }
}
