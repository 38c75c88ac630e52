package com.snapasset.examples.server;

import static com.snapasset.examples.server.ApiServerTest.assertErrorShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client-chosen {@code jobId}, the guide's de-duplication recipe over HTTP: submitting the same
 * id again returns the existing job; ids are scoped to the user, so users cannot collide or probe.
 */
class ClientJobIdTest {
  @TempDir Path files;

  private static String job(String user, String jobId) {
    return "{\"userId\":\"" + user + "\",\"jobId\":\"" + jobId + "\",\"prompt\":\"weekly report\",\"platforms\":[\"64x64\"]}";
  }

  @Test
  void theSameIdTwiceReturnsTheExistingJobWithoutAddingOrCountingOne() {
    try (TestServer t = new TestServer(files, b -> b.jobRateLimit(1, Duration.ofHours(1)))) {
      t.generator.pause();
      HttpResponse<String> first = t.post("/api/jobs", job("alice", "report-2026-w48"));
      assertThat(first.statusCode()).isEqualTo(201);
      String id = TestServer.json(first).get("jobId").asText();
      assertThat(id).isEqualTo("alice:report-2026-w48");
      assertThat(first.headers().firstValue("Location")).contains("/api/jobs/" + id);

      HttpResponse<String> again = t.post("/api/jobs", job("alice", "report-2026-w48"));
      assertThat(again.statusCode()).as("an existing job, not a new one; not rate-limited").isEqualTo(200);
      JsonNode a = TestServer.json(again);
      assertThat(a.get("jobId").asText()).isEqualTo(id);
      assertThat(a.get("status").asText()).isEqualTo("waiting");
      assertThat(a.get("duplicate").asBoolean()).isTrue();
      assertThat(t.generator.stats().waiting()).isEqualTo(1);

      assertThat(TestServer.json(t.get("/api/jobs/" + id)).get("data").get("userId").asText()).isEqualTo("alice");
    }
  }

  @Test
  void idsAreScopedToTheUser() {
    String alice = "alice-key-0001";
    String bob = "bob-key-000002";
    try (TestServer t = new TestServer(files, b -> b.apiKeys(Map.of(alice, "alice", bob, "bob")))) {
      t.generator.pause();
      String body = "{\"jobId\":\"daily\",\"prompt\":\"p\",\"platforms\":[\"64x64\"]}";
      HttpResponse<String> a = t.post("/api/jobs", body, "X-API-Key", alice);
      HttpResponse<String> b = t.post("/api/jobs", body, "X-API-Key", bob);
      assertThat(a.statusCode()).isEqualTo(201);
      assertThat(b.statusCode()).as("bob's 'daily' is his own job, not alice's").isEqualTo(201);
      assertThat(TestServer.json(a).get("jobId").asText()).isEqualTo("alice:daily");
      assertThat(TestServer.json(b).get("jobId").asText()).isEqualTo("bob:daily");
      assertThat(t.get("/api/jobs/alice:daily", "X-API-Key", bob).statusCode()).isEqualTo(404);
      assertThat(t.generator.stats().waiting()).isEqualTo(2);
    }
  }

  @Test
  void aBadIdIsRefusedWithTheOtherProblems() {
    try (TestServer t = new TestServer(files, b -> b)) {
      HttpResponse<String> r = t.post("/api/jobs",
          "{\"userId\":\"alice\",\"jobId\":\"no spaces/or slashes\",\"prompt\":\"\",\"platforms\":[\"64x64\"]}");
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode e = TestServer.json(r);
      assertErrorShape(e, "VALIDATION_ERROR");
      assertThat(e.get("details").toString()).contains("jobId").contains("prompt");
      assertThat(t.post("/api/jobs", "{\"userId\":\"alice\",\"jobId\":7,\"prompt\":\"p\",\"platforms\":[\"64x64\"]}")
          .statusCode()).isEqualTo(400);
      assertThat(t.post("/api/jobs", job("alice", "x".repeat(129))).statusCode()).isEqualTo(400);
    }
  }
}
