package com.snapasset.examples.server;

import static com.snapasset.examples.server.ApiServerTest.assertErrorShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a hostile or careless client sends, each refused in the API's JSON error shape without
 * changing anything: method overrides, malformed and ambiguous JSON, broken URIs and framing,
 * announced bodies that never come. Plus the headers every answer carries.
 */
class HostileRequestTest {
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
  void aMethodOverrideHeaderNeverTurnsAGetIntoAStateChange() {
    t.generator.pause();
    String id;
    try {
      id = t.submit("override-user", "stays put");
      HttpResponse<String> cancel = t.get("/api/jobs/" + id + "/cancel", "X-HTTP-Method-Override", "DELETE");
      assertThat(cancel.statusCode()).isEqualTo(405);
      assertErrorShape(TestServer.json(cancel), "METHOD_NOT_ALLOWED");
      assertThat(cancel.headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("DELETE"));
      assertThat(t.generator.job(JobId.of(id))).as("the job is still there").isPresent();
    } finally {
      t.generator.resume();
    }

    HttpResponse<String> pause = t.get("/api/queue/pause", "X-HTTP-Method-Override", "POST");
    assertThat(pause.statusCode()).isEqualTo(405);
    assertThat(t.get("/api/queue/pause", "X-HTTP-Method", "POST").statusCode()).isEqualTo(405);
    assertThat(t.generator.stats().paused()).isFalse();
  }

  @Test
  void aWrongMethodOnAKnownPathIs405WithAllow() {
    HttpResponse<String> r = t.send(t.request("/api/queue/stats").PUT(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(r.statusCode()).isEqualTo(405);
    assertErrorShape(TestServer.json(r), "METHOD_NOT_ALLOWED");
    assertThat(r.headers().firstValue("Allow")).hasValueSatisfying(a -> assertThat(a).contains("GET"));
    assertThat(TestServer.json(r).get("message").asText()).contains("PUT");
    assertThat(t.get("/api/no-such-route").statusCode()).as("an unknown path stays 404").isEqualTo(404);
  }

  @Test
  void trailingDataAfterTheObjectIsRefused() {
    assertRefused(t.post("/api/jobs", job("alice", "a fox") + "{\"userId\":\"mallory\"}"), "more after its JSON object");
    assertRefused(t.post("/api/jobs", job("alice", "a fox") + " garbage"), "not valid JSON");
  }

  @Test
  void aFieldSentTwiceIsRefusedSoNeitherValueCanBeSmuggled() {
    assertRefused(t.post("/api/jobs",
        "{\"userId\":\"alice\",\"prompt\":\"p\",\"platforms\":[\"64x64\"],\"userId\":\"mallory\"}"), "'userId'");
    assertRefused(t.post("/api/jobs",
        "{\"userId\":\"alice\",\"prompt\":\"p\",\"platforms\":[\"64x64\"],\"options\":{\"priority\":5,\"priority\":1}}"),
        "'priority'");
  }

  @Test
  void controlCharactersInAnyTextAreRefusedNotEchoed() {
    HttpResponse<String> r = t.post("/api/jobs", job("alice", "a fox\\u0007\\u001b[31m red"));
    assertRefused(r, "prompt holds the control character U+0007");
    assertThat(r.body()).doesNotContain("\u001b");
    assertRefused(t.post("/api/jobs",
        "{\"userId\":\"alice\",\"prompt\":\"p\",\"platforms\":[\"64x64\\u0000\"]}"), "platforms[0]");
    // Tabs and line breaks are ordinary text in a prompt.
    assertThat(t.post("/api/jobs", job("alice", "line one\\nline two\\tand a tab")).statusCode()).isEqualTo(201);
  }

  @Test
  void aPromptOfOnlyInvisibleCharactersIsRefused() {
    assertRefused(t.post("/api/jobs", job("alice", "\\u200B\\u200C\\u2060\\uFEFF")), "no visible characters");
    assertRefused(t.post("/api/generate", "{\"prompt\":\"\\u3164\\u3164\",\"presets\":[\"64x64\"]}"),
        "no visible characters");
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] head = "{\"userId\":\"alice\",\"prompt\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] overlongSlash = {(byte) 0xC0, (byte) 0xAF};
    byte[] tail = "\",\"platforms\":[\"64x64\"]}".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(head);
    body.writeBytes(overlongSlash);
    body.writeBytes(tail);
    HttpResponse<String> r = t.send(t.request("/api/jobs").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    assertRefused(r, "not valid UTF-8");
  }

  @Test
  void protocolErrorsComeBackAsJsonNotAnHtmlPage() throws IOException {
    for (String path : List.of("/api/jobs/%00", "/api/jobs/%ZZ", "/api/jobs/%2e%2e/%2e%2e/etc")) {
      Raw r = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(r.status).as(path).isBetween(400, 404);
      assertThat(r.header("Content-Type")).as(path).startsWith("application/json");
      JsonNode e = TestServer.JSON.readTree(r.body);
      assertThat(e.get("code").asText()).as(path).isNotBlank();
      assertThat(e.get("message").asText()).as(path).isNotBlank();
    }
    Raw framing = raw("POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
    assertThat(framing.status).isEqualTo(400);
    assertThat(framing.header("Content-Type")).startsWith("application/json");
    assertThat(TestServer.JSON.readTree(framing.body).get("code").asText()).isEqualTo("BAD_REQUEST");
  }

  @Test
  void aLargeDeclaredBodyIsRefusedBeforeItIsSent() throws IOException {
    // Only the headers go out; the body never follows. The answer must not wait for it: the
    // socket's read timeout (well under the server's 30 s idle timeout) fails the test if it does.
    Raw r = raw("POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 50000000\r\n\r\n");
    assertThat(r.status).isEqualTo(413);
    assertThat(TestServer.JSON.readTree(r.body).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
  }

  @Test
  void cacheableCompressedAnswersVaryOnAcceptEncodingAndXNoCompressionOptsOut() throws Exception {
    for (int i = 0; i < 3; i++) {
      String id = t.submit("vary-user", "compress me " + i);
      Await.until("job done", WAIT, () -> t.generator.job(JobId.of(id)).map(j -> j.state() == JobState.COMPLETED)
          .orElse(false));
    }
    HttpResponse<byte[]> zipped = t.http.send(t.request("/api/jobs?status=completed&limit=20")
        .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(zipped.headers().allValues("Vary")).anyMatch(v -> v.contains("Accept-Encoding"));

    HttpResponse<String> plain = t.send(t.request("/api/jobs?status=completed&limit=20")
        .header("Accept-Encoding", "gzip").header("x-no-compression", "1").build());
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(TestServer.json(plain).get("jobs").size()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void everyAnswerCarriesBasicSecurityHeadersAndNoCorsByDefault() {
    for (String path : List.of("/health", "/api/queue/stats", "/api/nothing", "/")) {
      HttpResponse<String> r = t.get(path, "Origin", "https://evil.example");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("SAMEORIGIN");
      assertThat(r.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
      assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(path).isEmpty();
    }
  }

  @Test
  void corsOriginsWhenConfiguredAllowTheOriginalsBrowserClientEvenWithKeysOn(@TempDir Path own) {
    try (TestServer c = new TestServer(own, b -> b.corsOrigins(List.of("http://localhost:5173"))
        .apiKeys(Map.of("alice-key-0001", "alice")))) {
      HttpResponse<String> preflight = c.send(c.request("/api/jobs")
          .header("Origin", "http://localhost:5173")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "content-type,x-api-key")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
      assertThat(preflight.statusCode()).isBetween(200, 204);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:5173");
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
          .contains("x-api-key");

      HttpResponse<String> call = c.get("/api/queue/stats", "Origin", "http://localhost:5173",
          "Authorization", "Bearer alice-key-0001");
      assertThat(call.statusCode()).as("Authorization: Bearer works like X-API-Key").isEqualTo(200);
      assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:5173");
      HttpResponse<String> other = c.get("/api/queue/stats", "Origin", "https://evil.example",
          "X-API-Key", "alice-key-0001");
      assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(c.get("/api/queue/stats", "Authorization", "Bearer wrong-key-0000").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void thePageAnswersFromTheFirstRequestAfterStart(@TempDir Path own) throws Exception {
    // Static files are wired after the socket opens; a request in between must wait, not get 404.
    int port = TestServer.freePort();
    try (com.snapasset.AssetGenerator g = com.snapasset.AssetGenerator.builder().outputDirectory(own)
        .environment(Map.of()).build()) {
      ApiServer server = ApiServer.builder(g).host("127.0.0.1").port(port).build();
      Thread starter = new Thread(server::start);
      try {
        starter.start();
        HttpResponse<String> first = null;
        while (first == null) {
          try {
            first = t.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
          } catch (java.net.ConnectException notYetListening) {
            Thread.onSpinWait();
          }
        }
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("SnapAsset");
      } finally {
        starter.join();
        server.close();
      }
    }
  }

  private static String job(String user, String prompt) {
    return "{\"userId\":\"" + user + "\",\"prompt\":\"" + prompt + "\",\"platforms\":[\"64x64\"]}";
  }

  private static void assertRefused(HttpResponse<String> r, String messagePart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode e = TestServer.json(r);
    assertErrorShape(e, "VALIDATION_ERROR");
    assertThat(e.get("message").asText()).contains(messagePart);
  }

  record Raw(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
    }
  }

  /** Sends bytes no well-behaved client would and reads the answer until the server closes. */
  private static Raw raw(String request) throws IOException {
    URI base = URI.create(t.base);
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      String text;
      while (true) {
        n = in.read(buf);
        if (n < 0) {
          break;
        }
        all.write(buf, 0, n);
        text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
          if (m.find() && all.size() >= end + 4 + Integer.parseInt(m.group(1))) {
            break;
          }
        }
      }
      text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new java.util.HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
      return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }
  }
}
