package com.snapasset.examples.server;

import static com.snapasset.examples.server.ApiServerTest.assertErrorShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.WorkerOptions;
import com.snapasset.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes that change the queue, and the server's guards: pause/resume/clean, cancelling, API
 * keys, the per-user rate limit, back-pressure and stream heartbeats. Each test has its own server.
 */
class ApiServerControlTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ALICE = "alice-key-0001";
  private static final String BOB = "bob-key-000002";
  private static final String ADMIN = "admin-key-0003";

  @TempDir Path files;

  @Test
  void pauseKeepsJobsWaitingWithoutCachingThemAndResumeRunsThem() {
    try (TestServer t = new TestServer(files, b -> b)) {
      assertThat(TestServer.json(t.post("/api/queue/pause", "")).get("paused").asBoolean()).isTrue();
      assertThat(TestServer.json(t.get("/api/queue/stats")).get("paused").asBoolean()).isTrue();
      String id = t.submit("u1", "waits while paused");
      HttpResponse<String> waiting = t.get("/api/jobs/" + id);
      assertThat(TestServer.json(waiting).get("status").asText()).isEqualTo("waiting");
      assertThat(waiting.headers().firstValue("Cache-Control")).contains("no-cache");

      assertThat(TestServer.json(t.post("/api/queue/resume", "")).get("paused").asBoolean()).isFalse();
      awaitState(t, id, JobState.COMPLETED);
    }
  }

  @Test
  void cleanRemovesFinishedJobsOlderThanTheGrace() {
    try (TestServer t = new TestServer(files, b -> b)) {
      String done = t.submit("u1", "to be cleaned");
      awaitState(t, done, JobState.COMPLETED);
      JsonNode kept = TestServer.json(t.post("/api/queue/clean", "{\"grace\":3600000,\"status\":\"completed\"}"));
      assertThat(kept.get("removed").asInt()).isZero();
      JsonNode cleaned = TestServer.json(t.post("/api/queue/clean", "{\"grace\":0,\"status\":\"completed\"}"));
      assertThat(cleaned.get("removed").asInt()).isEqualTo(1);
      assertThat(cleaned.get("cleaned").asInt()).as("the original's name").isEqualTo(1);
      assertThat(TestServer.json(t.get("/api/queue/stats")).get("completed").asInt()).isZero();
      // The queue forgot the job; the generation history still answers for it.
      assertThat(TestServer.json(t.get("/api/jobs/" + done)).get("status").asText()).isEqualTo("completed");

      HttpResponse<String> bad = t.post("/api/queue/clean", "{\"grace\":-1,\"status\":\"active\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(bad).get("details")).hasSize(2);
    }
  }

  @Test
  void cancellingAWaitingJobRemovesItAndEndsItsStream() throws Exception {
    try (TestServer t = new TestServer(files, b -> b)) {
      t.generator.pause();
      String id = t.submit("u1", "never runs");
      try (SseReader sse = new SseReader(t.http, t.request("/api/jobs/" + id + "/events").build())) {
        assertThat(sse.until("state", WAIT).get(0).name()).isEqualTo("state");
        HttpResponse<String> r = t.delete("/api/jobs/" + id + "/cancel");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(r).get("status").asText()).isEqualTo("cancelled");
        assertThat(sse.until("removed", WAIT)).isNotEmpty();
        assertThat(sse.endsWithin(WAIT)).isTrue();
      }
      assertThat(t.get("/api/jobs/" + id).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void cancellingAnActiveJobStopsItCooperatively() throws Exception {
    // The worker hears of the cancel when it renews the job's lock: renew often here.
    WorkerOptions quick = WorkerOptions.builder().concurrency(2).lockDuration(Duration.ofMillis(600)).build();
    try (TestServer t = new TestServer(files, b -> b, quick)) {
      String id = t.submit("u1", "[hold] a long one");
      assertThat(t.provider.holding.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> r = t.delete("/api/jobs/" + id + "/cancel");
      assertThat(r.statusCode()).isEqualTo(202);
      assertThat(TestServer.json(r).get("status").asText()).isEqualTo("cancelling");
      awaitState(t, id, JobState.FAILED);
      assertThat(TestServer.json(t.get("/api/jobs/" + id)).get("failedReason").asText()).contains("cancel");
      HttpResponse<String> again = t.delete("/api/jobs/" + id + "/cancel");
      assertThat(again.statusCode()).isEqualTo(409);
      assertErrorShape(TestServer.json(again), "INVALID_JOB_STATE");
    }
  }

  @Test
  void withApiKeysEachUserSeesOnlyTheirOwnJobsAndAdminRoutesNeedTheAdminKey() throws Exception {
    try (TestServer t = new TestServer(files, b -> b.apiKeys(Map.of(ALICE, "alice", BOB, "bob")).adminKey(ADMIN))) {
      HttpResponse<String> anonymous = t.get("/api/queue/stats");
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertErrorShape(TestServer.json(anonymous), "UNAUTHORIZED");
      assertThat(t.get("/api/queue/stats", "X-API-Key", "wrong-key-123").statusCode()).isEqualTo(401);
      assertThat(t.get("/health").statusCode()).as("health stays open").isEqualTo(200);

      String aliceJob = t.submit("alice", "alice's fox", "X-API-Key", ALICE);
      // userId may be left out: the key says who it is
      HttpResponse<String> implicit = t.post("/api/jobs", "{\"prompt\":\"no user given\",\"platforms\":[\"64x64\"]}",
          "X-API-Key", ALICE);
      assertThat(implicit.statusCode()).isEqualTo(201);
      HttpResponse<String> impersonation = t.post("/api/jobs",
          "{\"userId\":\"bob\",\"prompt\":\"as bob\",\"platforms\":[\"64x64\"]}", "X-API-Key", ALICE);
      assertThat(impersonation.statusCode()).isEqualTo(403);
      assertErrorShape(TestServer.json(impersonation), "FORBIDDEN");

      awaitState(t, aliceJob, JobState.COMPLETED);
      HttpResponse<String> own = t.get("/api/jobs/" + aliceJob, "X-API-Key", ALICE);
      assertThat(own.statusCode()).isEqualTo(200);
      assertThat(own.headers().firstValue("Cache-Control")).contains("private, max-age=3600");
      assertThat(t.get("/api/jobs/" + aliceJob, "X-API-Key", BOB).statusCode()).isEqualTo(404);
      assertThat(t.get("/api/jobs/" + aliceJob + "/events", "X-API-Key", BOB).statusCode()).isEqualTo(404);
      assertThat(t.get("/api/jobs/" + aliceJob, "X-API-Key", ADMIN).statusCode()).isEqualTo(200);
      try (SseReader sse = new SseReader(t.http, t.request("/api/jobs/" + aliceJob + "/events?apiKey=" + ALICE).build())) {
        assertThat(sse.until("completed", WAIT)).isNotEmpty();
      }

      assertThat(TestServer.json(t.get("/api/jobs?status=all", "X-API-Key", BOB)).get("jobs")).isEmpty();
      JsonNode alices = TestServer.json(t.get("/api/jobs?status=all", "X-API-Key", ALICE)).get("jobs");
      assertThat(alices).hasSize(2);
      alices.forEach(j -> assertThat(j.get("userId").asText()).isEqualTo("alice"));
      assertThat(t.get("/api/users/alice/generations", "X-API-Key", BOB).statusCode()).isEqualTo(403);
      assertThat(t.get("/api/users/alice/generations", "X-API-Key", ALICE).statusCode()).isEqualTo(200);

      HttpResponse<String> pause = t.post("/api/queue/pause", "", "X-API-Key", ALICE);
      assertThat(pause.statusCode()).isEqualTo(403);
      assertErrorShape(TestServer.json(pause), "FORBIDDEN");
      assertThat(t.post("/api/queue/pause", "", "X-API-Key", ADMIN).statusCode()).isEqualTo(200);
      assertThat(t.post("/api/queue/resume", "", "X-API-Key", ADMIN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aUserAtTheCapOfUnfinishedJobsGets429UntilOneFinishes() throws Exception {
    try (TestServer t = new TestServer(files, b -> b.maxPendingJobsPerUser(2),
        WorkerOptions.builder().concurrency(1).build())) {
      String held = "{\"userId\":\"heavy\",\"prompt\":\"[hold] slow\",\"platforms\":[\"64x64\"]}";
      String id1 = TestServer.json(t.post("/api/jobs", held)).get("jobId").asText();
      assertThat(t.provider.holding.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(t.post("/api/jobs", held).statusCode()).isEqualTo(201);

      HttpResponse<String> third = t.post("/api/jobs", held);
      assertThat(third.statusCode()).isEqualTo(429);
      assertErrorShape(TestServer.json(third), "JOB_LIMIT_EXCEEDED");
      assertThat(TestServer.json(third).get("message").asText()).contains("heavy").contains("2");
      assertThat(t.post("/api/jobs", "{\"userId\":\"light\",\"prompt\":\"p\",\"platforms\":[\"64x64\"]}")
          .statusCode()).as("another user is not held back").isEqualTo(201);

      t.provider.release();
      Await.until("the first job to finish", Duration.ofSeconds(60),
          () -> TestServer.json(t.get("/api/jobs/" + id1)).get("status").asText().equals("completed"));
      assertThat(t.post("/api/jobs", held).statusCode()).isEqualTo(201);
    }
  }

  @Test
  void theJobRateLimitAnswers429WithStandardHeaders() {
    try (TestServer t = new TestServer(files, b -> b.jobRateLimit(2, Duration.ofHours(1)))) {
      String body = "{\"userId\":\"busy\",\"prompt\":\"again\",\"platforms\":[\"64x64\"]}";
      HttpResponse<String> first = t.post("/api/jobs", body);
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.headers().firstValue("RateLimit-Limit")).contains("2");
      assertThat(first.headers().firstValue("RateLimit-Remaining")).contains("1");
      assertThat(first.headers().firstValue("RateLimit-Policy")).contains("2;w=3600");
      assertThat(t.post("/api/jobs", body).statusCode()).isEqualTo(201);

      HttpResponse<String> third = t.post("/api/jobs", body);
      assertThat(third.statusCode()).isEqualTo(429);
      assertErrorShape(TestServer.json(third), "RATE_LIMIT_EXCEEDED");
      assertThat(third.headers().firstValue("RateLimit-Remaining")).contains("0");
      long retryAfter = Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(3500L, 3600L);
      assertThat(third.headers().firstValue("RateLimit-Reset")).contains(Long.toString(retryAfter));

      // The limit is per user.
      assertThat(t.post("/api/jobs", body.replace("busy", "calm")).statusCode()).isEqualTo(201);
      // Refused requests do not count: invalid ones never reach the limiter.
      assertThat(t.post("/api/jobs", "{\"userId\":\"calm\",\"prompt\":\"\",\"platforms\":[\"64x64\"]}").statusCode())
          .isEqualTo(400);
      assertThat(t.post("/api/jobs", body.replace("busy", "calm")).statusCode()).isEqualTo(201);
    }
  }

  @Test
  void aBacklogPastTheCriticalDepthIsRefusedWith503() {
    try (TestServer t = new TestServer(files, b -> b.criticalQueueDepth(2).retryAfter(Duration.ofSeconds(7)))) {
      t.generator.pause();
      t.submit("u1", "one");
      t.submit("u2", "two");
      HttpResponse<String> refused = t.post("/api/jobs", "{\"userId\":\"u3\",\"prompt\":\"three\",\"platforms\":[\"64x64\"]}");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertErrorShape(TestServer.json(refused), "SERVICE_UNAVAILABLE");
      assertThat(refused.headers().firstValue("Retry-After")).contains("7");
      assertThat(TestServer.json(refused).get("message").asText()).contains("2 jobs waiting");

      t.generator.resume();
      Await.until("backlog drained", WAIT, () -> t.generator.stats().waiting() == 0);
      assertThat(t.post("/api/jobs", "{\"userId\":\"u3\",\"prompt\":\"three\",\"platforms\":[\"64x64\"]}").statusCode())
          .isEqualTo(201);
    }
  }

  @Test
  void streamsSendHeartbeatsWhileAJobWaits() throws Exception {
    try (TestServer t = new TestServer(files, b -> b.heartbeat(Duration.ofMillis(100)))) {
      t.generator.pause();
      String id = t.submit("u1", "patience");
      try (SseReader sse = new SseReader(t.http, t.request("/api/jobs/" + id + "/events").build())) {
        List<SseReader.Event> events = sse.until(":", WAIT);
        assertThat(events.get(events.size() - 1).data()).isEqualTo("heartbeat");
        assertThat(events.get(0).name()).isEqualTo("state");
        t.generator.resume();
        assertThat(sse.until("completed", WAIT)).isNotEmpty();
      }
    }
  }

  private static void awaitState(TestServer t, String id, JobState state) {
    Await.until("job " + id + " " + state, WAIT,
        () -> t.generator.job(JobId.of(id)).map(j -> j.state() == state).orElse(false));
  }
}
