package com.snapasset.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP expectations of the original's job-route tests ({@code server/__tests__/jobs.test.js}),
 * with the states its mocks pretended (an active job, a failed one) made real by a provider that
 * holds or refuses on request; plus its event stream at {@code /api/sse/jobs/:id} and the privacy
 * of the shared cache.
 */
class OriginalJobRoutesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path files;

  @Test
  void jobsTestExpectations() throws Exception {
    try (TestServer t = new TestServer(files, b -> b.jobRateLimit(0, Duration.ofHours(1)))) {
      // should create a new job successfully
      HttpResponse<String> created = t.post("/api/jobs",
          "{\"userId\":\"user-123\",\"prompt\":\"A beautiful sunset\",\"platforms\":[\"instagram-post\"]}");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode c = TestServer.json(created);
      assertThat(c.has("jobId")).isTrue();
      assertThat(c.get("status").asText()).isEqualTo("queued");
      assertThat(c.get("message").asText()).isEqualTo("Job created successfully");
      assertThat(c.get("estimatedTime").asText()).isEqualTo("15 seconds");
      Await.until("the first job", WAIT, () -> state(t, c.get("jobId").asText()) == JobState.COMPLETED);

      // should return 400 for missing required fields
      HttpResponse<String> incomplete = t.post("/api/jobs", "{\"userId\":\"user-123\"}");
      assertThat(incomplete.statusCode()).isEqualTo(400);
      JsonNode m = TestServer.json(incomplete);
      assertThat(m.get("error").asText()).isEqualTo("Missing required fields");
      assertThat(m.get("required").toString()).contains("prompt", "platforms").doesNotContain("userId");
      assertThat(m.get("code").asText()).as("still our one shape").isEqualTo("VALIDATION_ERROR");
      assertThat(m.get("details")).hasSize(2);

      // should return 400 for empty platforms array
      assertThat(t.post("/api/jobs", "{\"userId\":\"user-123\",\"prompt\":\"Test\",\"platforms\":[]}").statusCode())
          .isEqualTo(400);

      // should return job status (an active job, with its progress and the original's fields)
      String active = t.submit("user-123", "[hold] Test");
      assertThat(t.provider.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> got = t.get("/api/jobs/" + active);
      assertThat(got.statusCode()).isEqualTo(200);
      JsonNode job = TestServer.json(got);
      assertThat(job.get("jobId").asText()).isEqualTo(active);
      assertThat(job.get("status").asText()).isEqualTo("active");
      assertThat(job.get("progress").asInt()).isBetween(0, 99);
      assertThat(job.get("data").get("userId").asText()).isEqualTo("user-123");
      assertThat(job.get("data").get("prompt").asText()).isEqualTo("[hold] Test");
      assertThat(job.get("data").get("platforms")).hasSize(2);
      assertThat(job.get("data").get("options").get("quality").asText()).isNotBlank();
      assertThat(job.get("logs").isArray()).isTrue();
      assertThat(job.get("logs").toString()).contains("queued", "started");
      assertThat(job.get("maxAttempts").asInt()).isPositive();

      // should list active jobs
      JsonNode list = TestServer.json(t.get("/api/jobs?status=active"));
      assertThat(list.get("jobs")).hasSize(1);
      assertThat(list.get("status").asText()).isEqualTo("active");
      assertThat(TestServer.json(t.get("/api/jobs")).get("jobs")).as("active is the default").hasSize(1);
      t.provider.release();

      // should return 404 for non-existent job
      HttpResponse<String> missing = t.get("/api/jobs/non-existent");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(missing).get("error").asText()).isEqualTo("Job not found");

      // should retry a failed job
      String failed = t.submit("user-123", "[fail] refused");
      Await.until("failed", WAIT, () -> state(t, failed) == JobState.FAILED);
      HttpResponse<String> retried = t.post("/api/jobs/" + failed + "/retry", "");
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(retried).get("status").asText()).isEqualTo("retrying");

      // should cancel a job
      t.generator.pause();
      String waiting = t.submit("user-123", "never runs");
      HttpResponse<String> cancelled = t.delete("/api/jobs/" + waiting + "/cancel");
      assertThat(cancelled.statusCode()).isEqualTo(200);
      assertThat(TestServer.json(cancelled).get("status").asText()).isEqualTo("cancelled");
      assertThat(t.generator.job(JobId.of(waiting))).isEmpty();
      t.generator.resume();
    }
  }

  @Test
  void theOriginalsEventStreamSpeaksInUnnamedMessagesWithAType() throws Exception {
    try (TestServer t = new TestServer(files, b -> b)) {
      t.generator.pause();
      String id = t.submit("sse-user", "streamed the old way");
      try (SseReader sse = new SseReader(t.http, t.request("/api/sse/jobs/" + id).build())) {
        assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<SseReader.Event> opening = sse.until("message", WAIT);
        JsonNode connected = TestServer.JSON.readTree(opening.get(opening.size() - 1).data());
        assertThat(connected.get("type").asText()).isEqualTo("connected");
        assertThat(connected.get("jobId").asText()).isEqualTo(id);
        JsonNode status = TestServer.JSON.readTree(sse.until("message", WAIT).get(0).data());
        assertThat(status.get("type").asText()).isEqualTo("status");
        assertThat(status.get("status").asText()).isEqualTo("waiting");
        assertThat(TestServer.json(t.get("/api/sse/health")).get("activeConnections").asInt()).isEqualTo(1);

        t.generator.resume();
        JsonNode last;
        do {
          SseReader.Event e = sse.next(WAIT);
          assertThat(e).as("stream ended before done").isNotNull();
          assertThat(e.name()).as("no named events: a plain onmessage handler sees every one").isIn("message", ":");
          last = e.name().equals("message") ? TestServer.JSON.readTree(e.data()) : status;
          assertThat(last.get("type").asText()).isIn("status", "progress", "done");
        } while (!last.get("type").asText().equals("done"));
        assertThat(last.get("status").asText()).isEqualTo("completed");
        assertThat(last.get("progress").asInt()).isEqualTo(100);
        assertThat(last.get("result").get("assets")).hasSize(2);
        assertThat(last.get("error").isNull()).isTrue();
        assertThat(sse.endsWithin(WAIT)).isTrue();
      }
      assertThat(t.get("/api/sse/jobs/no-such-job").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aSharedCacheHitIsNotRevealedToAnotherUser() {
    String alice = "alice-key-0001";
    String bob = "bob-key-000002";
    String admin = "admin-key-0003";
    try (TestServer t = new TestServer(files, b -> b.apiKeys(Map.of(alice, "alice", bob, "bob")).adminKey(admin))) {
      String body = "{\"prompt\":\"a secret shared prompt\",\"platforms\":[\"64x64\"]}";
      String first = TestServer.json(t.post("/api/jobs", body, "X-API-Key", alice)).get("jobId").asText();
      Await.until("alice's job", WAIT, () -> state(t, first) == JobState.COMPLETED);
      String second = TestServer.json(t.post("/api/jobs", body, "X-API-Key", bob)).get("jobId").asText();
      Await.until("bob's job", WAIT, () -> state(t, second) == JobState.COMPLETED);

      JsonNode asOperator = TestServer.json(t.get("/api/jobs/" + second, "X-API-Key", admin)).get("result");
      assertThat(asOperator.get("cached").asBoolean()).as("the saving happened").isTrue();
      assertThat(asOperator.has("costUsd")).isTrue();

      JsonNode asBob = TestServer.json(t.get("/api/jobs/" + second, "X-API-Key", bob)).get("result");
      assertThat(asBob.has("cached")).isFalse();
      assertThat(asBob.has("costUsd")).isFalse();
      assertThat(asBob.get("timingsMs").has("provider")).isFalse();
      assertThat(asBob.get("timingsMs").has("total")).isTrue();
      assertThat(asBob.get("assets")).hasSize(1);
      JsonNode history = TestServer.json(t.get("/api/users/bob/generations", "X-API-Key", bob)).get("generations");
      assertThat(history.get(0).has("costUsd")).isFalse();
    }
  }

  private static JobState state(TestServer t, String id) {
    return t.generator.job(JobId.of(id)).map(j -> j.state()).orElse(null);
  }
}
