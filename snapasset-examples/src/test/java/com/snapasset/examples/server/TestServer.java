package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.AssetGenerator;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A real server on a loopback port with a generator, a worker and an HTTP client to talk to it. */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final GatedProvider provider = new GatedProvider();
  final AssetGenerator generator;
  final Worker worker;
  final ApiServer server;
  final String base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(Path files, UnaryOperator<ApiServer.Builder> config) {
    this(files, config, WorkerOptions.builder().concurrency(2).build());
  }

  TestServer(Path files, UnaryOperator<ApiServer.Builder> config, WorkerOptions workerOptions) {
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    generator = AssetGenerator.builder()
        .imageProvider(provider)
        .outputDirectory(files)
        .publicBaseUrl(base + "/files/")
        .environment(Map.of())
        .renderThreads(2)
        .build();
    worker = generator.startWorker(workerOptions);
    server = config.apply(ApiServer.builder(generator).host("127.0.0.1").port(port).localFiles(files)).build().start();
  }

  HttpResponse<String> get(String path, String... headers) {
    return send(request(path, headers).GET().build());
  }

  HttpResponse<String> post(String path, String json, String... headers) {
    return send(request(path, headers).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  HttpResponse<String> delete(String path, String... headers) {
    return send(request(path, headers).DELETE().build());
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  /** Submits a job for {@code user} and returns its id. */
  String submit(String user, String prompt, String... headers) {
    HttpResponse<String> r = post("/api/jobs", "{\"userId\":\"" + user + "\",\"prompt\":\"" + prompt
        + "\",\"platforms\":[\"320x180\",\"200x200\"]}", headers);
    if (r.statusCode() != 201) {
      throw new AssertionError("submit answered " + r.statusCode() + ": " + r.body());
    }
    return json(r).get("jobId").asText();
  }

  @Override
  public void close() {
    provider.release();
    server.close();
    worker.close();
    generator.close();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
