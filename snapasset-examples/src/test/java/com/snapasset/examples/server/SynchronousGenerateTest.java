package com.snapasset.examples.server;

import static com.snapasset.examples.server.ApiServerTest.assertErrorShape;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/generate} under pressure: a client that leaves, back-pressure, the rate-limit key. */
class SynchronousGenerateTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path files;

  @Test
  void aGenerationStopsWhenItsClientHangsUp() throws Exception {
    try (TestServer t = new TestServer(files, b -> b)) {
      String body = "{\"prompt\":\"[hold] nobody will wait for this\",\"presets\":[\"64x64\"]}";
      URI base = URI.create(t.base);
      try (Socket s = new Socket(base.getHost(), base.getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(t.provider.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      } // the client hangs up while the provider holds
      assertThat(t.provider.interrupted.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("the held generation was interrupted, not left running").isTrue();
      // The server's threads are fine afterwards.
      HttpResponse<String> next = t.post("/api/generate", "{\"prompt\":\"next one\",\"presets\":[\"64x64\"]}");
      assertThat(next.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void synchronousGenerationsCountAgainstTheCriticalDepthAndAreRefusedPastIt() throws Exception {
    try (TestServer t = new TestServer(files, b -> b.criticalQueueDepth(1).retryAfter(Duration.ofSeconds(4)))) {
      CompletableFuture<HttpResponse<String>> held = t.http.sendAsync(t.request("/api/generate")
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"[hold] long\",\"presets\":[\"64x64\"]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(t.provider.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      HttpResponse<String> second = t.post("/api/generate", "{\"prompt\":\"another\",\"presets\":[\"64x64\"]}");
      assertThat(second.statusCode()).isEqualTo(503);
      assertErrorShape(TestServer.json(second), "SERVICE_UNAVAILABLE");
      assertThat(second.headers().firstValue("Retry-After")).contains("4");
      assertThat(t.post("/api/jobs", "{\"userId\":\"u\",\"prompt\":\"p\",\"platforms\":[\"64x64\"]}").statusCode())
          .as("queued jobs see the synchronous one too").isEqualTo(503);

      t.provider.release();
      assertThat(held.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(t.post("/api/generate", "{\"prompt\":\"after\",\"presets\":[\"64x64\"]}").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutKeysTheLimitIsPerClientAddressNotPerClaimedUser() {
    try (TestServer t = new TestServer(files, b -> b.jobRateLimit(2, Duration.ofHours(1)))) {
      assertThat(t.post("/api/generate", "{\"userId\":\"a\",\"prompt\":\"p\",\"presets\":[\"64x64\"]}").statusCode())
          .isEqualTo(200);
      assertThat(t.post("/api/generate", "{\"userId\":\"b\",\"prompt\":\"p\",\"presets\":[\"64x64\"]}").statusCode())
          .isEqualTo(200);
      HttpResponse<String> third = t.post("/api/generate", "{\"userId\":\"c\",\"prompt\":\"p\",\"presets\":[\"64x64\"]}");
      assertThat(third.statusCode()).as("a new userId does not buy a new allowance").isEqualTo(429);
      assertErrorShape(TestServer.json(third), "RATE_LIMIT_EXCEEDED");
      assertThat(TestServer.json(third).get("message").asText()).startsWith("the client at 127.0.0.1 may create 2");
    }
  }
}
