package demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.spi.JobQueue;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.embedded.RedisServer;

/** The README's three settings, a real redis-server, one job to COMPLETED. */
@SpringBootTest
class ConsumerTest {
  private static RedisServer redis;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
    redis.start();
    registry.add("snapasset.queue.redis-url", () -> "redis://127.0.0.1:" + port);
    registry.add("snapasset.storage.local.directory", () -> "target/snapasset-output");
  }

  @AfterAll
  static void stop() throws IOException {
    redis.stop();
  }

  @Autowired AssetGenerator generator;
  @Autowired JobQueue queue;

  @Test
  void aJobRunsToCompletedThroughRedis() throws Exception {
    assertThat(queue).isInstanceOf(RedisJobQueue.class);
    JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox at dawn",
        List.of("instagram-post", "twitter-post")));
    Job job = generator.await(id, Duration.ofMinutes(2));
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.resultIfCompleted().orElseThrow().assets()).hasSize(2);
    System.out.println("SNAPASSET-CONSUMER: job " + id + " " + job.state() + " on Spring Boot "
        + org.springframework.boot.SpringBootVersion.getVersion() + ", Jedis "
        + jedisVersion());
  }

  private static String jedisVersion() throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (var in = ConsumerTest.class.getResourceAsStream("/META-INF/maven/redis.clients/jedis/pom.properties")) {
      p.load(in);
    }
    return p.getProperty("version");
  }
}
