package com.snapasset.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.jdbc.JdbcGenerationCatalog;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTestServer;
import com.snapasset.spi.JobQueue;
import com.snapasset.spring.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application (web, Actuator, JDBC) with the starter, on a real redis-server
 * and PostgreSQL: a job runs to COMPLETED through the Redis queue and lands in the JDBC catalog
 * on the application's DataSource; {@code /actuator/prometheus} lists SnapAsset's meters with the
 * scaling gauge; {@code /actuator/health} reports SnapAsset UP, and DOWN with the reason once Redis
 * is gone.
 */
// Boot 3's test support turns metrics export (hence /actuator/prometheus) off unless asked for it;
// Boot 4 leaves it on without spring-boot-micrometer-metrics-test and ignores the property.
@SpringBootTest(classes = EndToEndApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.test.observability.auto-configure=true")
class SpringBootEndToEndTest {
  private static RedisTestServer redis;
  private static Path output;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws Exception {
    redis = RedisTestServer.start();
    output = Files.createTempDirectory("snapasset-starter-e2e-");
    registry.add("snapasset.queue.redis-url", redis::url);
    registry.add("snapasset.queue.name", () -> "e2e");
    registry.add("snapasset.storage.local.directory", output::toString);
    registry.add("spring.datasource.url", TestServers::newDatabaseUrl);
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "postgres");
    registry.add("management.endpoints.web.exposure.include", () -> "health,metrics,prometheus");
    registry.add("management.endpoint.health.show-details", () -> "always");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Autowired AssetGenerator generator;
  @Autowired Environment environment;
  @Autowired JobQueue queue;

  @Test
  void aJobRunsEndToEndAndHealthFollowsRedis() throws Exception {
    assertThat(queue).isInstanceOf(RedisJobQueue.class);
    assertThat(generator.catalog()).isInstanceOf(JdbcGenerationCatalog.class);

    JobId id = generator.submit(GenerationRequest.of("user-42", "a lighthouse in a storm",
        List.of("instagram-post", "twitter-post")));
    Job job = generator.await(id, Duration.ofMinutes(2));
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    GenerationResult result = job.resultIfCompleted().orElseThrow();
    assertThat(result.assets()).hasSize(2);
    assertThat(Files.walk(output).filter(Files::isRegularFile).count()).isEqualTo(2);
    assertThat(generator.catalog().find(result.generationId())).isPresent();

    // Boot bound the starter's MeterBinder to its registries: the meters an autoscaler and the
    // alert rules read are scraped like any other.
    String prometheus = get("/actuator/prometheus", 200);
    assertThat(prometheus)
        .contains("snapasset_workers_desired ")
        .contains("snapasset_jobs_completed_total ")
        .contains("snapasset_queue_depth{state=\"waiting\"}")
        .contains("snapasset_job_duration_seconds");
    JsonNode desired = new ObjectMapper().readTree(get("/actuator/metrics/snapasset.workers.desired", 200));
    assertThat(desired.at("/measurements/0/value").asDouble()).isEqualTo(1.0);

    JsonNode up = health(200);
    assertThat(up.at("/components/snapAsset/status").asText()).isEqualTo("UP");
    assertThat(up.at("/components/snapAsset/details/queue/status").asText()).isEqualTo("UP");
    assertThat(up.at("/components/snapAsset/details/storage/status").asText()).isEqualTo("UP");
    assertThat(up.at("/components/snapAsset/details/provider/name").asText()).isEqualTo("placeholder");

    redis.kill();
    JsonNode down = health(503);
    assertThat(down.at("/status").asText()).isEqualTo("DOWN");
    assertThat(down.at("/components/snapAsset/status").asText()).isEqualTo("DOWN");
    assertThat(down.at("/components/snapAsset/details/queue/status").asText()).isEqualTo("DOWN");
    assertThat(down.at("/components/snapAsset/details/queue/error").asText()).isNotBlank();
    assertThat(down.at("/components/snapAsset/details/storage/status").asText()).isEqualTo("UP");
  }

  private JsonNode health(int expectedStatus) throws Exception {
    return new ObjectMapper().readTree(get("/actuator/health", expectedStatus));
  }

  private String get(String path, int expectedStatus) throws Exception {
    String port = environment.getProperty("local.server.port");
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return response.body();
  }
}
