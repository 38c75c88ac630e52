package com.snapasset.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.testing.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over real HTTP: every route, its answers and its error statuses, on embedded defaults. */
class ApiServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path files;
  static TestServer t;

  @BeforeAll
  static void start() {
    t = new TestServer(files, b -> b.jobRateLimit(0, Duration.ofHours(1)));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void healthSaysOkWithVersionAndReachableQueue() {
    HttpResponse<String> r = t.get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = TestServer.json(r);
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.get("version").asText()).isNotBlank();
    assertThat(body.get("queue").get("reachable").asBoolean()).isTrue();
    assertThat(body.get("provider").asText()).isEqualTo("gated-placeholder");
  }

  @Test
  void platformsListsThePresets() {
    JsonNode body = TestServer.json(t.get("/api/platforms"));
    assertThat(body.get("platforms")).hasSize(9);
    JsonNode first = body.get("platforms").get(0);
    assertThat(first.get("id").asText()).isEqualTo("instagram-post");
    assertThat(first.get("width").asInt()).isEqualTo(1080);
    assertThat(first.get("aspectRatio").asText()).isEqualTo("1:1");
  }

  @Test
  void aJobIsCreatedProcessedAndServedWithItsFilesAndCacheHeaders() throws Exception {
    HttpResponse<String> created = t.post("/api/jobs",
        "{\"userId\":\"alice\",\"prompt\":\"a red fox at dawn\",\"platforms\":[\"instagram-post\",\"twitter-post\"],"
            + "\"options\":{\"quality\":\"standard\",\"style\":\"vivid\",\"format\":\"jpeg\",\"priority\":3}}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode c = TestServer.json(created);
    String id = c.get("jobId").asText();
    assertThat(c.get("status").asText()).isEqualTo("queued");
    assertThat(created.headers().firstValue("Location")).contains("/api/jobs/" + id);

    t.generator.await(JobId.of(id), WAIT);
    HttpResponse<String> done = t.get("/api/jobs/" + id);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.headers().firstValue("Cache-Control")).contains("public, max-age=3600");
    JsonNode job = TestServer.json(done);
    assertThat(job.get("status").asText()).isEqualTo("completed");
    assertThat(job.get("progress").asInt()).isEqualTo(100);
    assertThat(job.get("priority").asInt()).isEqualTo(3);
    assertThat(job.get("createdAt").asText()).matches("\\d{4}-.*Z");
    assertThat(job.get("finishedAt").isNull()).isFalse();
    JsonNode assets = job.get("result").get("assets");
    assertThat(assets).hasSize(2);
    assertThat(assets.get(1).get("platform").asText()).isEqualTo("twitter-post");
    assertThat(assets.get(1).get("width").asInt()).isEqualTo(1200);
    assertThat(assets.get(1).get("format").asText()).isEqualTo("jpg");

    String url = assets.get(0).get("url").asText();
    assertThat(url).startsWith(t.base + "/files/");
    HttpResponse<byte[]> file = t.http.send(t.request(url).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Type")).contains("image/jpeg");
    assertThat(file.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
    assertThat(file.body().length).isEqualTo(assets.get(0).get("size").asLong());
    assertThat(file.body()[0] & 0xff).isEqualTo(0xFF); // JPEG SOI
  }

  @Test
  void everyValidationProblemIsListedAtOnce() {
    HttpResponse<String> r = t.post("/api/jobs",
        "{\"userId\":\"bad user!\",\"prompt\":\"\",\"platforms\":[\"instagram-post\",\"myspace-banner\"],"
            + "\"options\":{\"format\":\"gif\",\"priority\":0}}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = TestServer.json(r);
    assertErrorShape(e, "VALIDATION_ERROR");
    List<String> details = new ArrayList<>();
    e.get("details").forEach(d -> details.add(d.asText()));
    assertThat(details).anyMatch(d -> d.contains("myspace-banner"));
    assertThat(details).anyMatch(d -> d.contains("gif"));
    assertThat(details).anyMatch(d -> d.contains("priority 0"));
    assertThat(details).anyMatch(d -> d.contains("userId"));
    assertThat(details).anyMatch(d -> d.contains("prompt"));
    assertThat(details).hasSize(5);
  }

  @Test
  void missingFieldsAndWrongTypesAreValidationErrors() {
    JsonNode e = TestServer.json(t.post("/api/jobs", "{\"platforms\":\"instagram-post\",\"prompt\":7}"));
    assertErrorShape(e, "VALIDATION_ERROR");
    assertThat(e.get("details").toString()).contains("userId is missing", "prompt must be a string",
        "platforms must be an array");
    HttpResponse<String> malformed = t.post("/api/jobs", "{\"userId\": ");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(malformed).get("message").asText()).contains("not valid JSON");
  }

  @Test
  void aNonJsonBodyIs415AndABodyOver64KbIs413() {
    HttpResponse<String> text = t.send(t.request("/api/jobs").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("userId=a&prompt=b")).build());
    assertThat(text.statusCode()).isEqualTo(415);
    assertErrorShape(TestServer.json(text), "UNSUPPORTED_MEDIA_TYPE");

    String big = "{\"userId\":\"alice\",\"prompt\":\"" + "x".repeat(70 * 1024) + "\",\"platforms\":[\"instagram-post\"]}";
    HttpResponse<String> large = t.post("/api/jobs", big);
    assertThat(large.statusCode()).isEqualTo(413);
    assertErrorShape(TestServer.json(large), "PAYLOAD_TOO_LARGE");

    // Without a Content-Length (chunked), the cap is enforced while reading.
    HttpResponse<String> chunked = t.send(t.request("/api/jobs").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build());
    assertThat(chunked.statusCode()).isEqualTo(413);
  }

  @Test
  void unknownJobsAndRoutesAre404InTheErrorShape() {
    HttpResponse<String> job = t.get("/api/jobs/no-such-job");
    assertThat(job.statusCode()).isEqualTo(404);
    assertErrorShape(TestServer.json(job), "JOB_NOT_FOUND");
    HttpResponse<String> weird = t.get("/api/jobs/%E2%9C%93%20x");
    assertThat(weird.statusCode()).isEqualTo(404);
    assertErrorShape(TestServer.json(weird), "JOB_NOT_FOUND");
    HttpResponse<String> route = t.get("/api/nothing-here");
    assertThat(route.statusCode()).isEqualTo(404);
    assertErrorShape(TestServer.json(route), "NOT_FOUND");
    assertThat(t.post("/api/jobs/no-such-job/retry", "{}").statusCode()).isEqualTo(404);
    assertThat(t.delete("/api/jobs/no-such-job/cancel").statusCode()).isEqualTo(404);
    assertThat(t.get("/api/jobs/no-such-job/events").statusCode()).isEqualTo(404);
  }

  @Test
  void theEventStreamDeliversProgressAndTheFinalStateUncompressed() throws Exception {
    t.generator.pause(); // keeps the job waiting until the stream is open
    String id;
    try {
      id = t.submit("sse-user", "a lighthouse in a storm");
    } finally {
      t.generator.resume();
    }
    try (SseReader sse = new SseReader(t.http, t.request("/api/jobs/" + id + "/events")
        .header("Accept", "text/event-stream").header("Accept-Encoding", "gzip, deflate, br").build())) {
      assertThat(sse.response.statusCode()).isEqualTo(200);
      assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      assertThat(sse.response.headers().firstValue("Content-Encoding")).isEmpty();
      List<SseReader.Event> events = sse.until("completed", WAIT);
      List<String> names = events.stream().map(SseReader.Event::name).filter(n -> !n.equals(":")).toList();
      assertThat(names.get(0)).isIn("state", "completed");
      assertThat(names).contains("progress");
      SseReader.Event last = events.get(events.size() - 1);
      JsonNode data = TestServer.JSON.readTree(last.data());
      assertThat(data.get("status").asText()).isEqualTo("completed");
      assertThat(data.get("result").get("assets")).hasSize(2);
      // ids count up, so a client can tell events apart
      List<Integer> ids = events.stream().filter(e -> !e.id().isEmpty()).map(e -> Integer.parseInt(e.id())).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      assertThat(sse.endsWithin(WAIT)).as("stream ends after the final event").isTrue();
    }
  }

  @Test
  void aStreamOpenedOnAFinishedJobSendsTheFinalEventAtOnce() throws Exception {
    String id = t.submit("late-user", "[fail] a refused prompt");
    Job finished = awaitState(id, "failed");
    assertThat(finished.body.get("failedReason").asText()).contains("refused");
    try (SseReader sse = new SseReader(t.http, t.request("/api/jobs/" + id + "/events").build())) {
      List<SseReader.Event> events = sse.until("failed", WAIT);
      assertThat(TestServer.JSON.readTree(events.get(events.size() - 1).data()).get("failedReason").asText())
          .contains("refused");
    }
  }

  @Test
  void aFailedJobCanBeRetriedButACompletedOneCannot() {
    String failed = t.submit("retry-user", "[fail] refused once");
    awaitState(failed, "failed");
    HttpResponse<String> retried = t.post("/api/jobs/" + failed + "/retry", "");
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(retried).get("status").asText()).isEqualTo("retrying");
    awaitState(failed, "failed"); // refused again: a second full round of attempts ran
    assertThat(TestServer.json(t.get("/api/jobs/" + failed)).get("attempts").asInt()).isGreaterThanOrEqualTo(1);

    String ok = t.submit("retry-user", "fine this time");
    awaitState(ok, "completed");
    HttpResponse<String> refused = t.post("/api/jobs/" + ok + "/retry", "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertErrorShape(TestServer.json(refused), "INVALID_JOB_STATE");
  }

  @Test
  void jobsAreListedByStatusWithALimit() {
    for (int i = 0; i < 3; i++) {
      awaitState(t.submit("lister", "list me " + i), "completed");
    }
    JsonNode list = TestServer.json(t.get("/api/jobs?status=completed&limit=2"));
    assertThat(list.get("jobs")).hasSize(2);
    assertThat(list.get("count").asInt()).isEqualTo(2);
    list.get("jobs").forEach(j -> assertThat(j.get("status").asText()).isEqualTo("completed"));
    JsonNode all = TestServer.json(t.get("/api/jobs?status=all"));
    assertThat(all.get("jobs").size()).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(20);
    JsonNode byDefault = TestServer.json(t.get("/api/jobs"));
    assertThat(byDefault.get("status").asText()).as("the original's default").isEqualTo("active");
    byDefault.get("jobs").forEach(j -> assertThat(j.get("status").asText()).isEqualTo("active"));

    HttpResponse<String> bad = t.get("/api/jobs?status=sleeping&limit=500");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(bad).get("details")).hasSize(2);
  }

  @Test
  void largeAnswersAreGzippedForClientsThatAcceptIt() throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      awaitState(t.submit("zipper", "compress me " + i), "completed");
    }
    HttpResponse<byte[]> r = t.http.send(t.request("/api/jobs?status=completed&limit=20")
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Encoding")).contains("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      assertThat(TestServer.JSON.readTree(in).get("jobs").size()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void queueStatsCountEveryState() {
    JsonNode s = TestServer.json(t.get("/api/queue/stats"));
    for (String field : List.of("waiting", "active", "completed", "failed", "delayed", "total", "paused")) {
      assertThat(s.has(field)).as(field).isTrue();
    }
    assertThat(s.get("total").asLong()).isEqualTo(s.get("waiting").asLong() + s.get("active").asLong()
        + s.get("completed").asLong() + s.get("failed").asLong() + s.get("delayed").asLong());
  }

  @Test
  void synchronousGenerateReturnsUrlsNotBase64() throws Exception {
    HttpResponse<String> r = t.post("/api/generate", "{\"prompt\":\"a quiet harbour\",\"presets\":[\"facebook-cover\",\"300x200\"]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().length()).isLessThan(4000);
    JsonNode assets = TestServer.json(r).get("assets");
    assertThat(assets).hasSize(2);
    assertThat(assets.get(1).get("width").asInt()).isEqualTo(300);
    HttpResponse<byte[]> file = t.http.send(t.request(assets.get(0).get("url").asText()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body().length).isEqualTo(assets.get(0).get("size").asLong());

    HttpResponse<String> bad = t.post("/api/generate", "{\"prompt\":\"x\",\"presets\":[\"nope\"]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    HttpResponse<String> refused = t.post("/api/generate", "{\"prompt\":\"[fail] x\",\"presets\":[\"instagram-post\"]}");
    assertThat(refused.statusCode()).isEqualTo(502);
    assertErrorShape(TestServer.json(refused), "GENERATION_FAILED");
  }

  @Test
  void aUsersGenerationsComeNewestFirstInPages() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = t.submit("historian", "history " + i);
      awaitState(id, "completed");
      ids.add(id);
    }
    JsonNode page1 = TestServer.json(t.get("/api/users/historian/generations?limit=2"));
    assertThat(page1.get("generations")).hasSize(2);
    assertThat(page1.get("generations").get(0).get("jobId").asText()).isEqualTo(ids.get(2));
    assertThat(page1.get("generations").get(1).get("jobId").asText()).isEqualTo(ids.get(1));
    assertThat(page1.get("generations").get(0).get("assets").get(0).get("url").asText()).startsWith(t.base + "/files/");
    String cursor = page1.get("nextCursor").asText();
    JsonNode page2 = TestServer.json(t.get("/api/users/historian/generations?limit=2&before=" + cursor));
    assertThat(page2.get("generations")).hasSize(1);
    assertThat(page2.get("generations").get(0).get("jobId").asText()).isEqualTo(ids.get(0));
    assertThat(page2.get("nextCursor").isNull()).isTrue();

    assertThat(t.get("/api/users/historian/generations?limit=0").statusCode()).isEqualTo(400);
    assertThat(t.get("/api/users/historian/generations?before=garbage").statusCode()).isEqualTo(400);
  }

  @Test
  void theStaticPageIsServedAtTheRoot() {
    HttpResponse<String> r = t.get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.body()).contains("SnapAsset");
  }

  static void assertErrorShape(JsonNode e, String code) {
    assertThat(e.get("code").asText()).isEqualTo(code);
    assertThat(e.get("error").asText()).isNotBlank();
    assertThat(e.get("message").asText()).isNotBlank();
    assertThat(e.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  record Job(JsonNode body) {}

  static Job awaitState(String id, String status) {
    Await.until("job " + id + " " + status, WAIT, () -> t.generator.job(JobId.of(id))
        .map(j -> j.state() == JobState.valueOf(status.toUpperCase(java.util.Locale.ROOT))).orElse(false));
    return new Job(TestServer.json(t.get("/api/jobs/" + id)));
  }
}
