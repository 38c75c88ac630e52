package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.GeneratorInternals;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.JobState;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.Await;
import com.snapasset.testing.ScriptedImageProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A JVM that only runs workers does not subscribe to the queue's all-events channel (Redis does
 * not even send it the traffic: {@code PUBSUB NUMSUB} counts no subscriber), only to the
 * cancellation channel; a job listener or an {@code await} subscribes it while they need events,
 * and the channel is unsubscribed again when they are gone.
 */
class RedisLazyEventsTest {
  private static final String QUEUE = "lazy";
  private static final String EVENTS = "snapasset:{" + QUEUE + "}:events";
  private static final String CANCELS = "snapasset:{" + QUEUE + "}:cancel-events";

  @TempDir Path output;

  @Test
  void aWorkerOnlyGeneratorLeavesTheAllEventsChannelAloneUntilSomethingListens() throws Exception {
    ScriptedImageProvider provider = new ScriptedImageProvider();
    try (RedisTestServer server = RedisTestServer.start();
        Jedis admin = new Jedis("127.0.0.1", server.port());
        RedisJobQueue workerQueue = RedisJobQueue.builder().url(server.url()).queueName(QUEUE).build();
        RedisJobQueue apiQueue = RedisJobQueue.builder().url(server.url()).queueName(QUEUE).build();
        AssetGenerator workerSide = AssetGenerator.builder().jobQueue(workerQueue).imageProvider(provider)
            .outputDirectory(output).build();
        AssetGenerator apiSide = AssetGenerator.builder().jobQueue(apiQueue).imageProvider(provider)
            .outputDirectory(output).build()) {
      workerSide.startWorker(WorkerOptions.builder().concurrency(2).build());

      // The API side submits and polls (no await, no listener): nobody in this JVM needs events.
      List<JobId> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(apiSide.submit(GenerationRequest.of("u", "job " + i, List.of("64x64"))));
      }
      for (JobId id : ids) {
        Await.until("job " + id + " to complete", Duration.ofSeconds(60),
            () -> apiSide.job(id).map(Job::state).orElseThrow() == JobState.COMPLETED);
      }
      assertThat(subscribers(admin, EVENTS)).as("all-events subscribers of a worker-only JVM").isZero();
      assertThat(subscribers(admin, CANCELS)).as("the worker's cancellation subscription").isEqualTo(1);

      // A listener subscribes the worker's generator and hears the jobs after it.
      BlockingQueue<JobId> completed = new LinkedBlockingQueue<>();
      JobListener listener = new JobListener() {
        @Override
        public void onCompleted(JobId id, GenerationResult result) {
          completed.add(id);
        }
      };
      workerSide.addListener(listener);
      assertThat(subscribers(admin, EVENTS)).isEqualTo(1);
      JobId heard = apiSide.submit(GenerationRequest.of("u", "heard", List.of("64x64")));
      assertThat(completed.poll(60, TimeUnit.SECONDS)).isEqualTo(heard);
      workerSide.removeListener(listener);
      Await.until("the worker's JVM to unsubscribe the all-events channel", Duration.ofSeconds(10),
          () -> subscribers(admin, EVENTS) == 0);

      // await on the API side (subscribed while the job is unfinished) is woken by the completion:
      // only by it in time: the re-read that would rescue a missed wake-up comes after an hour and
      // the await's timeout after ten minutes, far beyond the bound the result is expected within.
      GeneratorInternals.awaitRecheck(apiSide, Duration.ofHours(1));
      provider.block();
      JobId awaited = apiSide.submit(GenerationRequest.of("u", "awaited", List.of("64x64")));
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try {
        Future<Job> result = caller.submit(() -> apiSide.await(awaited, Duration.ofMinutes(10)));
        Await.until("the API side to subscribe while it awaits", Duration.ofSeconds(30),
            () -> subscribers(admin, EVENTS) == 1);
        provider.open();
        assertThat(result.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobState.COMPLETED);
      } finally {
        caller.shutdownNow();
      }
      Await.until("the API side to unsubscribe after its await", Duration.ofSeconds(10),
          () -> subscribers(admin, EVENTS) == 0);
      assertThat(subscribers(admin, CANCELS)).isEqualTo(1);
    }
  }

  @Test
  void subscribingAgainAfterTheLastListenerLeftHearsEventsAfterItReturns() throws Exception {
    try (RedisTestServer server = RedisTestServer.start();
        Jedis admin = new Jedis("127.0.0.1", server.port());
        RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName(QUEUE).build()) {
      // Subscribe and leave over and over, racing the unsubscribe the previous round sent: every
      // subscription must hear the job added right after subscribe returns.
      for (int round = 0; round < 50; round++) {
        String id = "r" + round;
        BlockingQueue<QueueEvent> heard = new LinkedBlockingQueue<>();
        try (Subscription ignored = queue.subscribe(heard::add)) {
          queue.add(new NewJob(JobId.of(id), "{}", 5, 1, -1, -1));
          QueueEvent event = heard.poll(10, TimeUnit.SECONDS);
          assertThat(event).as("the ADDED event of " + id).isNotNull();
          assertThat(event.jobId().value()).isEqualTo(id);
        }
      }
      Await.until("the channel to be unsubscribed", Duration.ofSeconds(10),
          () -> subscribers(admin, EVENTS) == 0);
    }
  }

  private static long subscribers(Jedis admin, String channel) {
    return admin.pubsubNumSub(channel).getOrDefault(channel, 0L);
  }
}
