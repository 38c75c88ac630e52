package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.testing.Await;
import com.snapasset.testing.ScriptedImageProvider;
import com.snapasset.testing.SubscriptionWatch;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A generator listens to its queue's events only while a job listener or an {@code await} needs
 * them: a process that only runs workers subscribes to cancellations alone.
 */
class QueueEventSubscriptionTest {
  private static final Set<QueueEvent.Type> CANCELS = Set.of(QueueEvent.Type.CANCEL_REQUESTED);

  private final InMemoryJobQueue real = InMemoryJobQueue.create();
  private final SubscriptionWatch watch = SubscriptionWatch.of(real);
  private final ScriptedImageProvider provider = new ScriptedImageProvider();

  @AfterEach
  void close() {
    real.close();
  }

  private AssetGenerator.Builder generator() {
    return AssetGenerator.builder().jobQueue(watch.queue()).imageProvider(provider)
        .assetStorage(InMemoryAssetStorage.create());
  }

  private static GenerationRequest request() {
    return GenerationRequest.of("u", "p", List.of("64x64"));
  }

  @Test
  void aWorkerOnlyGeneratorSubscribesToCancellationsAlone() {
    try (AssetGenerator generator = generator().build()) {
      assertThat(watch.made()).isEmpty();
      generator.startWorker(WorkerOptions.defaults());
      JobId id = generator.submit(request());
      Await.until("the job to complete", Duration.ofSeconds(30),
          () -> generator.job(id).orElseThrow().state() == JobState.COMPLETED);

      assertThat(watch.made()).extracting(SubscriptionWatch.Made::types).containsOnly(CANCELS);
    }
  }

  @Test
  void awaitSubscribesWhileItWaitsAndStillWakesOnCompletion() throws Exception {
    Set<QueueEvent.Type> finishing = Set.of(QueueEvent.Type.COMPLETED, QueueEvent.Type.FAILED,
        QueueEvent.Type.REMOVED);
    provider.block();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (AssetGenerator generator = generator().build()) {
      // Only the completion event can end the wait in time: the re-read that would rescue a
      // missed wake-up comes after an hour, and the await's own timeout after ten minutes, both
      // far beyond the bound the result is expected within.
      GeneratorInternals.awaitRecheck(generator, Duration.ofHours(1));
      generator.startWorker(WorkerOptions.defaults());
      JobId id = generator.submit(request());
      provider.awaitEntered();
      Future<Job> awaited = caller.submit(() -> generator.await(id, Duration.ofMinutes(10)));
      Await.until("await to subscribe to the finishing events", Duration.ofSeconds(30),
          () -> watch.open().stream().anyMatch(m -> m.types().equals(finishing)));

      provider.open();
      assertThat(awaited.get(60, TimeUnit.SECONDS).state()).isEqualTo(JobState.COMPLETED);
      assertThat(watch.open()).extracting(SubscriptionWatch.Made::types).containsOnly(CANCELS);

      // A finished job is answered without subscribing at all.
      int before = watch.made().size();
      assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
      assertThat(watch.made()).hasSize(before);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void aListenerAddedLaterHearsTheJobsAfterIt() throws Exception {
    try (AssetGenerator generator = generator().build()) {
      generator.startWorker(WorkerOptions.defaults());
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      JobListener listener = new JobListener() {
        @Override
        public void onCompleted(JobId id, GenerationResult result) {
          heard.add(id.value() + " " + result.assets().size());
        }
      };
      generator.addListener(listener);
      JobId id = generator.submit(request());

      assertThat(heard.poll(30, TimeUnit.SECONDS)).isEqualTo(id.value() + " 1");
      generator.removeListener(listener);
      assertThat(watch.open()).extracting(SubscriptionWatch.Made::types).containsOnly(CANCELS);
    }
  }

  @Test
  void aListenerFromTheBuilderIsSubscribedBeforeTheFirstJob() throws Exception {
    BlockingQueue<JobId> added = new LinkedBlockingQueue<>();
    try (AssetGenerator generator = generator().addListener(new JobListener() {
      @Override
      public void onAdded(JobId id) {
        added.add(id);
      }
    }).build()) {
      assertThat(watch.open()).hasSize(1);
      JobId id = generator.submit(request());
      assertThat(added.poll(30, TimeUnit.SECONDS)).isEqualTo(id);
    }
    assertThat(watch.open()).isEmpty();
  }
}
