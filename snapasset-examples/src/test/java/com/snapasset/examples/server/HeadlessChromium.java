package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, driven over the DevTools protocol (a WebSocket, with the JDK's own
 * client): navigate, evaluate JavaScript in the page. Starts with a fresh profile and everything
 * that would reach the internet switched off. Fails loudly when Chromium is not installed.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The Chromium binary: $CHROMIUM_BIN, else chromium or chromium-browser on the PATH. */
  static Path binary() {
    String configured = System.getenv("CHROMIUM_BIN");
    List<Path> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
      candidates.add(Path.of(dir, "chromium"));
      candidates.add(Path.of(dir, "chromium-browser"));
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
        "Chromium is not installed, so the browser test cannot run. Install it with"
            + " snapasset-examples/ci-install-chromium.sh (Debian: apt-get install chromium), or set CHROMIUM_BIN."));
  }

  static HeadlessChromium start() throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("snapasset-chromium-");
    Process p = new ProcessBuilder(binary().toString(),
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0", "about:blank")
        .redirectErrorStream(true)
        .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
        .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + START.toNanos();
      while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
        if (!p.isAlive()) {
          throw new AssertionError("Chromium exited at start with " + p.exitValue() + ": "
              + Files.readString(profile.resolveSibling(profile.getFileName() + ".log")));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Chromium did not open its DevTools port within " + START);
        }
        p.waitFor(20, TimeUnit.MILLISECONDS); // bounded wait for the file Chromium writes at start-up
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      String pageSocket = null;
      for (JsonNode t : targets) {
        if (t.get("type").asText().equals("page")) {
          pageSocket = t.get("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (pageSocket == null) {
        throw new AssertionError("Chromium shows no page target: " + targets);
      }
      Listener listener = new Listener();
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener).get(10, TimeUnit.SECONDS);
      HeadlessChromium c = new HeadlessChromium(p, profile, socket);
      listener.owner = c;
      return c;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      p.destroyForcibly();
      throw e;
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IOException("connecting to Chromium failed", e);
    }
  }

  /** Sends one DevTools command and waits for its answer. */
  JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", JSON.valueToTree(params));
    socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode r = answer.get(30, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new AssertionError(method + " failed: " + r.get("error"));
    }
    return r.get("result");
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  /** Evaluates {@code expression} in the page (awaiting a promise) and returns its value as JSON. */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
    }
    JsonNode v = r.get("result").get("value");
    return v == null ? JSON.nullNode() : v;
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Files.deleteIfExists(profile.resolveSibling(profile.getFileName() + ".log"));
  }

  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder frame = new StringBuilder();
    volatile HeadlessChromium owner;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      frame.append(data);
      if (last) {
        try {
          JsonNode msg = JSON.readTree(frame.toString());
          HeadlessChromium c = owner;
          if (c != null && msg.has("id")) {
            CompletableFuture<JsonNode> f = c.pending.remove(msg.get("id").asInt());
            if (f != null) {
              f.complete(msg);
            }
          }
        } catch (IOException e) {
          // not a protocol message; nothing waits for it
        }
        frame.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }
}
