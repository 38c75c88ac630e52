package com.snapasset.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.ProviderImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the context drains the worker: an active job finishes (or goes back) before the queue closes. */
class GracefulShutdownTest {

  /** A provider that holds every call until released: a job that is still active on shutdown. */
  static final class HeldProvider implements ImageProvider {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final ImageProvider placeholder = PlaceholderImageProvider.create();

    @Override
    public ProviderImage generate(ImagePrompt prompt) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return placeholder.generate(prompt);
    }

    @Override
    public String name() {
      return "held";
    }
  }

  /**
   * Submits a job, closes the context while the job is in the provider, and returns the job's
   * state afterwards. With {@code finishDuringShutdown} the provider returns once shutdown has
   * begun; otherwise it is held until the worker gives the job up.
   */
  private JobState stateAfterShutdownWith(String grace, boolean finishDuringShutdown) throws Exception {
    InMemoryJobQueue queue = InMemoryJobQueue.create(); // outlives the context, to read the job afterwards
    HeldProvider provider = new HeldProvider();
    AtomicReference<JobId> id = new AtomicReference<>();
    AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SnapAssetAutoConfiguration.class))
        .withBean(JobQueue.class, () -> queue)
        .withBean(ImageProvider.class, () -> provider)
        .withBean(AssetStorage.class, InMemoryAssetStorage::create)
        .withPropertyValues("snapasset.worker.shutdown-grace=" + grace)
        .run(ctx -> {
          context.set(ctx.getSourceApplicationContext());
          AssetGenerator generator = ctx.getBean(AssetGenerator.class);
          id.set(generator.submit(GenerationRequest.of("user-1", "a slow fox", List.of("instagram-post"))));
          provider.entered.await();
          SnapAssetWorkerLifecycle lifecycle = ctx.getBean(SnapAssetWorkerLifecycle.class);
          Thread closer = new Thread(() -> context.get().close());
          closer.start();
          // stop() has begun once the lifecycle reports not running; the job is still in the provider.
          await().atMost(Duration.ofSeconds(30)).until(() -> !lifecycle.isRunning());
          if (finishDuringShutdown) {
            provider.release.countDown();
          }
          closer.join(Duration.ofSeconds(60).toMillis());
          provider.release.countDown();
          assertThat(closer.isAlive()).isFalse();
        });
    JobState state = queue.find(id.get()).orElseThrow().state();
    queue.close();
    return state;
  }

  @Test
  void anActiveJobFinishesWithinTheGrace() throws Exception {
    assertThat(stateAfterShutdownWith("30s", true)).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void withoutGraceTheActiveJobGoesBackToTheQueue() throws Exception {
    assertThat(stateAfterShutdownWith("0s", false)).isIn(JobState.WAITING, JobState.DELAYED);
  }
}
