package com.snapasset.redis;

import com.snapasset.AssetGenerator;
import com.snapasset.Platform;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * A worker JVM for {@link WorkerCrashTest}: an {@link AssetGenerator} on a {@link RedisJobQueue}
 * with a fast provider, processing until its standard input closes (or it is killed).
 *
 * <p>Arguments: redis URL, queue name, output directory.
 */
public final class CrashTestWorkerMain {
  static final Platform TINY = new Platform("tiny", "Tiny", 32, 32);
  static final Duration LOCK = Duration.ofSeconds(2);

  private CrashTestWorkerMain() {}

  public static void main(String[] args) throws Exception {
    try (RedisJobQueue queue = RedisJobQueue.builder().url(args[0]).queueName(args[1]).build();
        AssetGenerator generator = AssetGenerator.builder()
            .jobQueue(queue)
            .imageProvider(new TinyProvider(Duration.ofMillis(150), System.out))
            .registerPlatform(TINY)
            .outputDirectory(Path.of(args[2]))
            .build();
        Worker worker = generator.startWorker(WorkerOptions.builder()
            .concurrency(4)
            .lockDuration(LOCK)
            .lockRenewInterval(Duration.ofMillis(400))
            .stalledCheckInterval(Duration.ofMillis(500))
            .heartbeatInterval(Duration.ofMillis(200))
            .workerTimeout(Duration.ofSeconds(1))
            .maxStalledCount(1)
            .shutdownGrace(Duration.ofSeconds(5))
            .build())) {
      System.out.println("READY " + worker.name());
      System.out.flush();
      // Runs until the parent closes our stdin (a graceful stop) or kills us.
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // ignore input
      }
    }
  }
}
