package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Clients of the original Node.js API against {@code snapasset serve}: its Postman collection,
 * replayed request by request with its test scripts evaluated, and the HTTP expectations of its
 * integration test. Where we answer differently on purpose, the difference is asserted here and
 * listed in the examples README ("Coming from the original").
 */
class OriginalClientsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Collection items we answer differently on purpose: the status we give, and why. */
  private static final Map<String, Integer> DELIBERATE = Map.of(
      // The job is waiting, not failed. The original's Bull threw and answered 500; we say 409.
      "Retry Failed Job", 409);

  @TempDir static Path dir;
  static ServeCommand command;
  static Thread thread;
  static String base;
  static final StringWriter err = new StringWriter();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void serve() {
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    command = new ServeCommand();
    String[] args = {"--host", "127.0.0.1", "--port", Integer.toString(port), "--public-url", base,
        "--output", dir.toString()};
    AtomicInteger exit = new AtomicInteger(-1);
    thread = new Thread(() -> exit.set(new CommandLine(command).setErr(new PrintWriter(err, true))
        .setOut(new PrintWriter(new StringWriter(), true)).execute(args)), "serve-for-original-clients");
    thread.start();
    Await.until("server up; stderr: " + err, WAIT, () -> command.server() != null || exit.get() >= 0);
    assertThat(exit.get()).as(err.toString()).isEqualTo(-1);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    command.stop();
    thread.join(WAIT.toMillis());
  }

  @Test
  void thePostmanCollectionPasses() throws Exception {
    JsonNode collection;
    try (InputStream in = OriginalClientsTest.class.getResourceAsStream(
        "/original/postman_SnapAsset-API.postman_collection.json")) {
      collection = JSON.readTree(in);
    }
    Map<String, String> vars = new LinkedHashMap<>();
    collection.get("variable").forEach(v -> vars.put(v.get("key").asText(), v.get("value").asText()));
    vars.put("baseUrl", base);
    // Hold jobs in the queue, so the cancel and retry requests meet a known state (waiting); the
    // collection's own "Resume Queue" lets them run again.
    assertThat(send("POST", base + "/api/queue/pause", Map.of(), null).statusCode()).isEqualTo(200);

    List<String> failures = new ArrayList<>();
    List<String> ran = new ArrayList<>();
    for (JsonNode item : flatten(collection.get("item"), new ArrayList<>())) {
      String name = item.get("name").asText();
      JsonNode req = item.get("request");
      Map<String, String> headers = new LinkedHashMap<>();
      req.path("header").forEach(h -> headers.put(h.get("key").asText(), substitute(h.get("value").asText(), vars)));
      String body = req.path("body").path("raw").isMissingNode() ? null : substitute(req.get("body").get("raw").asText(), vars);
      HttpResponse<String> r = send(req.get("method").asText(), substitute(req.get("url").get("raw").asText(), vars),
          headers, body);
      ran.add(name + " -> " + r.statusCode());

      int expected = DELIBERATE.getOrDefault(name, -1);
      if (expected > 0 ? r.statusCode() != expected : r.statusCode() / 100 != 2) {
        failures.add(name + ": status " + r.statusCode() + " " + r.body());
      }
      if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
        failures.add(name + ": not JSON: " + r.headers().firstValue("Content-Type").orElse("(none)"));
      }
      for (JsonNode event : item.path("event")) {
        if (event.get("listen").asText().equals("test")) {
          List<String> lines = new ArrayList<>();
          event.get("script").get("exec").forEach(l -> lines.add(l.asText()));
          runTestScript(name, lines, r, vars, failures);
        }
      }
    }
    assertThat(ran).as("every request of the collection ran").hasSize(14);
    assertThat(failures).as("ran: " + ran).isEmpty();
    assertThat(vars.get("jobId")).as("the test script captured the created job's id").isNotBlank();
  }

  @Test
  void theIntegrationTestsExpectationsHold() throws Exception {
    // generates images end-to-end
    HttpResponse<String> generated = post("/api/generate",
        "{\"prompt\":\"A serene mountain landscape at sunset\",\"presets\":[\"instagram-post\",\"twitter-post\"]}");
    assertThat(generated.statusCode()).as(generated.body()).isEqualTo(200);
    JsonNode g = JSON.readTree(generated.body());
    assertThat(g.get("success").asBoolean()).isTrue();
    assertThat(g.has("images")).isTrue();
    assertThat(g.get("images")).hasSize(2);
    assertThat(g.get("count").asInt()).isEqualTo(2);
    assertThat(g.has("timestamp")).isTrue();

    // validates input before processing
    assertThat(post("/api/generate", "{\"prompt\":\"\"}").statusCode()).isEqualTo(400);
    assertThat(post("/api/generate", "{\"presets\":[]}").statusCode()).isEqualTo(400);
    assertThat(post("/api/generate", "{}").statusCode()).isEqualTo(400);

    // returns proper error for an unknown route
    HttpResponse<String> missing = send("GET", base + "/api/non-existent", Map.of(), null);
    assertThat(missing.statusCode()).isEqualTo(404);
    JsonNode m = JSON.readTree(missing.body());
    assertThat(m.get("success").asBoolean(true)).isFalse();
    assertThat(m.get("error").asText()).isEqualTo("Route not found");

    // provides API information endpoint
    HttpResponse<String> info = send("GET", base + "/api", Map.of(), null);
    assertThat(info.statusCode()).isEqualTo(200);
    JsonNode i = JSON.readTree(info.body());
    assertThat(i.get("message").asText()).isEqualTo("SnapAsset API");
    assertThat(i.get("name").asText()).isEqualTo("SnapAsset API");
    assertThat(i.get("endpoints").isObject()).isTrue();
  }

  @Test
  void healthHasTheOriginalsFields() throws Exception {
    JsonNode h = JSON.readTree(send("GET", base + "/health", Map.of(), null).body());
    assertThat(h.get("status").asText()).isEqualTo("ok");
    assertThat(h.get("timestamp").asText()).matches("\\d{4}-.*Z");
    assertThat(h.get("uptime").isNumber()).isTrue();
    assertThat(h.get("environment").asText()).isNotBlank();
    assertThat(h.get("version").asText()).isNotBlank();
    JsonNode services = h.get("services");
    for (String s : List.of("supabase", "redis", "openai")) {
      assertThat(services.get(s).isBoolean()).as(s).isTrue();
    }
    assertThat(services.get("openai").asBoolean()).as("placeholder provider").isFalse();
  }

  @Test
  void imageOptionsAreRefusedAsTheProviderWouldEvenWithoutItsKey() throws Exception {
    // serve runs on the placeholder here (no OPENAI_API_KEY): it checks options by OpenAI's rules.
    for (String options : List.of("{\"quality\":\"ultra\"}", "{\"style\":\"cubist\"}", "{\"model\":\"gpt-99\"}")) {
      String value = options.replaceAll(".*:\"([^\"]+)\".*", "$1");
      HttpResponse<String> job = post("/api/jobs",
          "{\"userId\":\"opts\",\"prompt\":\"p\",\"platforms\":[\"64x64\"],\"options\":" + options + "}");
      assertThat(job.statusCode()).as(options).isEqualTo(400);
      assertThat(JSON.readTree(job.body()).get("message").asText()).contains(value);
      HttpResponse<String> sync = post("/api/generate", "{\"prompt\":\"p\",\"presets\":[\"64x64\"],\"options\":" + options + "}");
      assertThat(sync.statusCode()).as(options).isEqualTo(400);
    }
    assertThat(post("/api/jobs", "{\"userId\":\"opts\",\"prompt\":\"p\",\"platforms\":[\"64x64\"],"
        + "\"options\":{\"quality\":\"hd\",\"style\":\"natural\"}}").statusCode()).isEqualTo(201);
  }

  /** Evaluates the statements Postman test scripts of this collection use; anything else fails. */
  private static void runTestScript(String item, List<String> lines, HttpResponse<String> r, Map<String, String> vars,
      List<String> failures) throws IOException {
    JsonNode json = null;
    Pattern status = Pattern.compile("pm\\.response\\.to\\.have\\.status\\((\\d+)\\);");
    Pattern property = Pattern.compile("pm\\.expect\\(json\\)\\.to\\.have\\.property\\('([^']+)'\\);");
    Pattern set = Pattern.compile("pm\\.collectionVariables\\.set\\('([^']+)', json\\.([A-Za-z0-9_]+)\\);");
    for (String raw : lines) {
      String line = raw.trim();
      Matcher mt;
      if (line.isEmpty() || line.equals("});") || line.matches("pm\\.test\\('[^']*', \\(\\) => \\{")) {
        continue;
      } else if ((mt = status.matcher(line)).matches()) {
        if (r.statusCode() != Integer.parseInt(mt.group(1))) {
          failures.add(item + ": script expects status " + mt.group(1) + ", got " + r.statusCode());
        }
      } else if (line.equals("const json = pm.response.json();")) {
        json = JSON.readTree(r.body());
      } else if ((mt = property.matcher(line)).matches()) {
        if (json == null || !json.has(mt.group(1))) {
          failures.add(item + ": script expects property " + mt.group(1) + " in " + r.body());
        }
      } else if ((mt = set.matcher(line)).matches()) {
        vars.put(mt.group(1), json == null || !json.has(mt.group(2)) ? "" : json.get(mt.group(2)).asText());
      } else {
        throw new AssertionError(item + ": the replay does not understand the script line '" + line + "'");
      }
    }
  }

  private static List<JsonNode> flatten(JsonNode items, List<JsonNode> out) {
    for (JsonNode item : items) {
      if (item.has("item")) {
        flatten(item.get("item"), out);
      } else {
        out.add(item);
      }
    }
    return out;
  }

  private static String substitute(String text, Map<String, String> vars) {
    Matcher m = Pattern.compile("\\{\\{([^}]+)}}").matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      if (v == null) {
        throw new AssertionError("no value for {{" + m.group(1) + "}}");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    return m.appendTail(sb).toString();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send("POST", base + path, Map.of("Content-Type", "application/json"), body);
  }

  private static HttpResponse<String> send(String method, String url, Map<String, String> headers, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
