package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.Asset;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.testing.Await;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three worker JVMs share one Redis; one is killed with SIGKILL while it holds jobs. Every job still
 * reaches a final state, none is lost or left active, and every completed result is intact.
 */
class WorkerCrashTest {
  private static final int JOBS = 60;

  @TempDir Path output;

  @Test
  void aKilledWorkerLosesNoJob() throws Exception {
    List<Child> children = new ArrayList<>();
    try (RedisTestServer server = RedisTestServer.start();
        RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName("crash").build();
        AssetGenerator producer = AssetGenerator.builder().jobQueue(queue)
            .imageProvider(new TinyProvider(Duration.ZERO, System.out))
            .registerPlatform(CrashTestWorkerMain.TINY).outputDirectory(output).build()) {
      for (int i = 0; i < 3; i++) {
        children.add(Child.start(server.url(), "crash", output));
      }
      for (Child c : children) {
        c.awaitLine("READY", Duration.ofSeconds(60));
      }
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        ids.add(producer.submit(GenerationRequest.builder().userId("u1").prompt("crash job " + i)
            .platforms(List.of("tiny")).build()));
      }

      Child victim = children.get(0);
      victim.awaitLine("GENERATING", Duration.ofSeconds(60));
      victim.awaitLine("GENERATING", Duration.ofSeconds(60));
      victim.process.destroyForcibly(); // SIGKILL: no shutdown hook, no release, locks left behind
      assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

      Await.until("every job to finish", Duration.ofSeconds(90), () -> {
        QueueStats s = queue.stats();
        return s.completed() + s.failed() == JOBS;
      });

      QueueStats stats = queue.stats();
      assertThat(stats.active()).isZero();
      assertThat(stats.waiting() + stats.delayed()).isZero();
      assertThat(stats.completed()).isEqualTo(JOBS);
      int recovered = 0;
      for (JobId id : ids) {
        Job job = producer.job(id).orElseThrow();
        assertThat(job.state()).as("job %s", id).isEqualTo(JobState.COMPLETED);
        Asset asset = job.resultIfCompleted().orElseThrow().assets().get(0);
        assertThat(asset.width()).isEqualTo(32);
        BufferedImage image = ImageIO.read(output.resolve(asset.key()).toFile());
        assertThat(image).as("file of job %s", id).isNotNull();
        assertThat(image.getWidth()).isEqualTo(32);
        assertThat(image.getHeight()).isEqualTo(32);
        QueuedJob raw = queue.find(id).orElseThrow();
        recovered += raw.stalledCount();
      }
      // The victim held jobs when it died: they stalled and another worker finished them.
      assertThat(recovered).isPositive();
    } finally {
      for (Child c : children) {
        c.stop();
      }
    }
  }

  /** A worker JVM and the lines it printed. */
  private static final class Child {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Child(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the process ended
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    static Child start(String url, String queueName, Path output) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"),
          CrashTestWorkerMain.class.getName(), url, queueName, output.toString())
          .redirectErrorStream(true)
          .start();
      return new Child(p);
    }

    void awaitLine(String prefix, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("worker printed no line starting with " + prefix + " within " + timeout);
        }
        if (line.startsWith(prefix)) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      if (process.isAlive()) {
        try {
          process.getOutputStream().close(); // asks for a graceful stop
        } catch (IOException e) {
          // already gone
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }
}
