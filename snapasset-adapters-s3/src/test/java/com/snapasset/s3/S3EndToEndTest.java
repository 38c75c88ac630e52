package com.snapasset.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.WorkerOptions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole engine on S3: a job for every built-in platform, rendered from the offline placeholder
 * provider, stored in a real S3 server, and every URL of the result fetched over plain HTTP.
 */
class S3EndToEndTest {
  private static S3TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void everyPlatformsFileIsStoredAndServedByItsUrl() throws Exception {
    String bucket = server.newBucket();
    List<String> platforms = Platforms.presets().stream().map(Platform::id).toList();
    HttpClient http = HttpClient.newHttpClient();
    try (S3AssetStorage storage =
            server.storage(bucket).keyPrefix("generated").presignedUrls(Duration.ofMinutes(10)).build();
        AssetGenerator generator =
            AssetGenerator.builder()
                .assetStorage(storage)
                .environment(Map.of()) // no OPENAI_API_KEY: the offline placeholder provider
                .build()) {
      generator.startWorker(WorkerOptions.defaults());

      JobId id = generator.submit(GenerationRequest.of("user-7", "a red fox at dawn", platforms));
      Job job = generator.await(id, Duration.ofMinutes(2));

      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      GenerationResult result = job.result();
      assertThat(result).isNotNull();
      assertThat(result.assets()).extracting(Asset::platformId).containsExactlyElementsOf(platforms);
      assertThat(storage.list("user-7/" + result.generationId() + "/")).hasSize(platforms.size());
      for (Asset a : result.assets()) {
        HttpResponse<byte[]> response =
            http.send(HttpRequest.newBuilder(a.url()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).as(a.platformId()).isEqualTo(200);
        assertThat(response.body()).as(a.platformId()).isEqualTo(storage.get(a.key()).orElseThrow());
        assertThat(response.body()).hasSize((int) a.byteSize());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(a.format().contentType());
        assertThat(response.headers().firstValue("Cache-Control"))
            .hasValue("public, max-age=31536000, immutable");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).as(a.platformId()).isEqualTo(a.width());
        assertThat(image.getHeight()).as(a.platformId()).isEqualTo(a.height());
      }
    }
  }
}
