package com.snapasset.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/render}: an uploaded or linked image rendered for every platform, and hostile inputs. */
class RenderRouteTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String BOUNDARY = "snapasset-test-boundary";

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
  void anUploadedPhotoIsRenderedAtEveryExactSizeWithoutTheProvider() throws Exception {
    HttpResponse<String> created = upload(png(1200, 800), "instagram-story,twitter-header,320x180", "alice");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode c = TestServer.json(created);
    assertThat(c.get("source").asText()).isEqualTo("upload");
    Job job = t.generator.await(JobId.of(c.get("jobId").asText()), WAIT);
    assertThat(job.state()).as(String.valueOf(job.failedReason())).isEqualTo(JobState.COMPLETED);
    assertThat(job.result().provider()).isEqualTo("source");
    assertThat(job.result().costUsd()).isZero();
    assertThat(job.result().assets()).extracting(a -> a.width() + "x" + a.height())
        .containsExactly("1080x1920", "1500x500", "320x180");
    for (var asset : job.result().assets()) {
      HttpResponse<byte[]> file = t.http.send(t.request(asset.url().toString()).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(file.body()));
      assertThat(image.getWidth()).isEqualTo(asset.width());
      assertThat(image.getHeight()).isEqualTo(asset.height());
    }
  }

  @Test
  void anUploadThatIsNotAnImageIsRefusedAtOnce() {
    HttpResponse<String> r = upload("<?php system($_GET['c']); ?>".getBytes(StandardCharsets.UTF_8), "instagram-post", "alice");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("not a PNG, JPEG or WebP");
  }

  @Test
  void aTruncatedImageFailsTheJobWithADecodeError() throws Exception {
    byte[] png = png(400, 300);
    byte[] truncated = java.util.Arrays.copyOf(png, 60);
    HttpResponse<String> created = upload(truncated, "instagram-post", "alice");

    assertThat(created.statusCode()).isEqualTo(201);
    Job job = t.generator.await(JobId.of(TestServer.json(created).get("jobId").asText()), WAIT);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.attemptsMade()).as("a decode error is not retried").isEqualTo(1);
  }

  @Test
  void anUploadDeclaringMoreThanTheCapIsRefusedBeforeItIsRead() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(t.base.substring(t.base.lastIndexOf(':') + 1)))) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/render HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
          + "\r\nContent-Length: " + (RenderRoutes.MAX_UPLOAD_BYTES + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(status).isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void urlsAreCheckedWhenSubmittedAndAgainWhenFetched() throws Exception {
    HttpResponse<String> file = t.post("/api/render", "{\"userId\":\"alice\",\"imageUrl\":\"file:///etc/passwd\",\"platforms\":[\"instagram-post\"]}");
    HttpResponse<String> missing = t.post("/api/render", "{\"userId\":\"alice\",\"platforms\":[\"instagram-post\"]}");
    HttpResponse<String> metadata = t.post("/api/render",
        "{\"userId\":\"alice\",\"imageUrl\":\"https://169.254.169.254/latest/meta-data/iam/x.png\",\"platforms\":[\"instagram-post\"]}");
    // This machine's own name resolves (through /etc/hosts) to a loopback or private address: only
    // the fetch, which resolves it, can refuse it.
    String ownName = java.net.InetAddress.getLocalHost().getHostName();
    HttpResponse<String> internal = t.post("/api/render",
        "{\"userId\":\"alice\",\"imageUrl\":\"https://" + ownName + "/x.png\",\"platforms\":[\"instagram-post\"]}");

    assertThat(file.statusCode()).isEqualTo(400);
    assertThat(file.body()).contains("must be https");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("imageUrl is missing");
    assertThat(metadata.statusCode()).isEqualTo(400);
    assertThat(metadata.body()).contains("not a public address");
    assertThat(internal.statusCode()).as(internal.body()).isEqualTo(201);
    assertThat(TestServer.json(internal).get("source").asText()).isEqualTo("url");
    Job job = t.generator.await(JobId.of(TestServer.json(internal).get("jobId").asText()), WAIT);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.failedReason()).containsAnyOf("not a public address", "does not resolve");
    assertThat(job.attemptsMade()).as("a refused address is not retried").isEqualTo(1);
  }

  @Test
  void renderJobsCountAgainstTheSameRateLimitAsOtherJobs(@TempDir Path other) throws IOException {
    try (TestServer limited = new TestServer(other, b -> b.jobRateLimit(1, Duration.ofHours(1)))) {
      String body = "{\"userId\":\"bob\",\"imageUrl\":\"https://images.invalid/a.png\",\"platforms\":[\"instagram-post\"]}";
      HttpResponse<String> first = limited.post("/api/render", body);
      HttpResponse<String> second = limited.post("/api/render", body);

      assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void otherMediaTypesAreRefused() {
    HttpResponse<String> r = t.send(t.request("/api/render").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build());

    assertThat(r.statusCode()).isEqualTo(415);
  }

  private static HttpResponse<String> upload(byte[] image, String platforms, String user) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      body.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"userId\"\r\n\r\n" + user + "\r\n"
          + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"platforms\"\r\n\r\n" + platforms + "\r\n"
          + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"photo.png\"\r\n"
          + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(image);
      body.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return t.send(t.request("/api/render").header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
  }

  private static byte[] png(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(20, 120, 200));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
