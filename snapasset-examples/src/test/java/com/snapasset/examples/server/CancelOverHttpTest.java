package com.snapasset.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.WorkerOptions;
import com.snapasset.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE /api/jobs/{id}/cancel} stops a running job within a second, with its lock renewed
 * only every 20 minutes: the queue's cancel event reaches the worker, not the renewal.
 */
class CancelOverHttpTest {
  @TempDir Path files;

  @Test
  void aRunningJobCancelledOverHttpFailsAsCancelledAtOnce() throws Exception {
    WorkerOptions slowRenewal = WorkerOptions.builder().concurrency(1).lockDuration(Duration.ofHours(1)).build();
    try (TestServer t = new TestServer(files, b -> b, slowRenewal)) {
      String id = t.submit("u1", "[hold] a long one");
      assertThat(t.provider.holding.await(30, TimeUnit.SECONDS)).isTrue();

      long t0 = System.nanoTime();
      HttpResponse<String> r = t.delete("/api/jobs/" + id + "/cancel");
      assertThat(r.statusCode()).isEqualTo(202);
      Await.until("the job to fail as cancelled", Duration.ofSeconds(5),
          () -> t.generator.job(JobId.of(id)).map(j -> j.state() == JobState.FAILED).orElse(false));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

      assertThat(TestServer.json(t.get("/api/jobs/" + id)).get("failedReason").asText()).isEqualTo("job was cancelled");
      System.out.println("HTTP: cancel to failed in " + ms + " ms");
    }
  }
}
