package com.snapasset.examples.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * OpenAI's image endpoint, faked on a loopback port with fault injection: a share of requests gets
 * 429 with Retry-After, a share 500, a share hangs past the client's timeout; it can be made
 * unreachable (port closed) and reachable again, and 429 bursts can be switched on. Every image it
 * serves counts as a payment for its prompt.
 */
final class FakeOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final double rate429;
  private final double rate500;
  private final double rateHang;
  private final long hangMillis;
  private final byte[] image;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-openai");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, AtomicInteger> payments = new ConcurrentHashMap<>();
  final AtomicLong served429 = new AtomicLong();
  final AtomicLong served500 = new AtomicLong();
  final AtomicLong hung = new AtomicLong();
  private volatile boolean burst429;
  private HttpServer server;

  FakeOpenAi(int port, double rate429, double rate500, double rateHang, long hangMillis) throws IOException {
    this.port = port;
    this.rate429 = rate429;
    this.rate500 = rate500;
    this.rateHang = rateHang;
    this.hangMillis = hangMillis;
    this.image = png();
    start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /** Payments per prompt so far. */
  Map<String, Integer> payments() {
    Map<String, Integer> out = new java.util.TreeMap<>();
    payments.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    s.createContext("/v1/images/generations", this::handle);
    s.setExecutor(pool);
    s.start();
    server = s;
  }

  /** Closes the port: connections are refused until {@link #start()}. */
  synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  void burst429(boolean on) {
    burst429 = on;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      String prompt = body.path("prompt").asText("");
      double roll = ThreadLocalRandom.current().nextDouble();
      if (burst429 || roll < rate429) {
        served429.incrementAndGet();
        ex.getResponseHeaders().add("Retry-After", "1");
        error(ex, 429, "Rate limit reached for images per minute", "rate_limit_exceeded");
        return;
      }
      if (roll < rate429 + rate500) {
        served500.incrementAndGet();
        error(ex, 500, "The server had an error while processing your request", null);
        return;
      }
      if (roll < rate429 + rate500 + rateHang) {
        hung.incrementAndGet();
        try {
          Thread.sleep(hangMillis); // the fault being injected: an answer that never comes in time
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return; // closes without an answer
      }
      payments.computeIfAbsent(prompt, k -> new AtomicInteger()).incrementAndGet();
      String json = "{\"created\":1767000000,\"data\":[{\"b64_json\":\""
          + Base64.getEncoder().encodeToString(image) + "\",\"revised_prompt\":"
          + JSON.writeValueAsString("revised: " + prompt) + "}]}";
      send(ex, 200, json);
    }
  }

  private static void error(HttpExchange ex, int status, String message, String code) throws IOException {
    send(ex, status, "{\"error\":{\"message\":" + JSON.writeValueAsString(message)
        + ",\"type\":\"server_error\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}");
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A small picture: the chaos run is about faults, not about rendering cost. */
  private static byte[] png() throws IOException {
    BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.ORANGE, 256, 256, Color.BLUE));
    g.fillRect(0, 0, 256, 256);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    stop();
    pool.shutdownNow();
  }
}
