package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anySet;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.QueueException;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.SubscriptionWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay subscribes to the queue only while a listener or a waiter needs its events. */
class JobEventRelayTest {
  private final InMemoryJobQueue real = InMemoryJobQueue.create();
  private final SubscriptionWatch watch = SubscriptionWatch.of(real);
  private final JobQueue queue = watch.queue();
  private final JobEventRelay relay = new JobEventRelay(queue);

  @AfterEach
  void close() {
    relay.close();
    real.close();
  }

  @Test
  void withNobodyListeningTheQueueIsNotSubscribed() {
    add("quiet");
    claimAndFail("quiet");

    assertThat(watch.made()).isEmpty();
    assertThat(relay.subscribed()).isFalse();
  }

  @Test
  void theFirstListenerSubscribesToTheTypesListenersHearAndTheLastRemovalUnsubscribes() throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    JobListener first = recording("first", heard);
    JobListener second = recording("second", heard);

    relay.add(first);
    relay.add(second);
    assertThat(watch.made()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.LISTENER_TYPES));

    add("a");
    assertThat(List.of(heard.poll(10, TimeUnit.SECONDS), heard.poll(10, TimeUnit.SECONDS)))
        .containsExactly("first added a", "second added a");

    relay.remove(first);
    relay.remove(first); // a second removal must not count as the other listener's
    assertThat(watch.open()).hasSize(1);
    relay.remove(second);
    assertThat(watch.open()).isEmpty();
    assertThat(relay.subscribed()).isFalse();

    add("b"); // no subscriber: the in-memory queue does not even queue the event
    relay.add(first);
    add("c");
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("first added c");
    assertThat(watch.made()).hasSize(2);
  }

  @Test
  void aWaiterSubscribesToFinishingEventsOnlyAndIsWokenByThem() throws Exception {
    add("w");
    CountDownLatch finished = new CountDownLatch(1);
    Runnable unregister = relay.onFinish(JobId.of("w"), finished::countDown);
    assertThat(watch.open()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.FINISH_TYPES));

    claimAndFail("w");
    assertThat(finished.await(10, TimeUnit.SECONDS)).as("woken by the failure").isTrue();

    unregister.run();
    unregister.run(); // idempotent: must not release another waiter's hold
    assertThat(watch.open()).isEmpty();
  }

  @Test
  void aWaiterLeavingDoesNotUnsubscribeAnotherWaiterOrTheListeners() throws Exception {
    add("x");
    add("y");
    CountDownLatch yFinished = new CountDownLatch(1);
    Runnable x = relay.onFinish(JobId.of("x"), () -> { });
    Runnable y = relay.onFinish(JobId.of("y"), yFinished::countDown);
    relay.add(new JobListener() { });
    x.run();
    x.run();

    assertThat(watch.open()).hasSize(2);
    assertThat(real.remove(JobId.of("y"))).isTrue();
    assertThat(yFinished.await(10, TimeUnit.SECONDS)).as("woken by the removal").isTrue();
    y.run();
    assertThat(watch.open()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.LISTENER_TYPES));
  }

  @Test
  void listenersRegisteredWhileEventsFlowHearEveryEventPublishedAfterRegistration() throws Exception {
    // Eight threads each add a listener, publish a job of their own, wait to hear it, and remove
    // the listener, over and over, while the subscription opens and closes under them.
    int threads = 8;
    int rounds = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger missed = new AtomicInteger();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            String id = "t" + thread + "-r" + r;
            CountDownLatch heard = new CountDownLatch(1);
            JobListener listener = new JobListener() {
              @Override
              public void onAdded(JobId job) {
                if (job.value().equals(id)) {
                  heard.countDown();
                }
              }
            };
            relay.add(listener);
            add(id);
            if (!heard.await(10, TimeUnit.SECONDS)) {
              missed.incrementAndGet();
            }
            relay.remove(listener);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(missed).hasValue(0);
    assertThat(watch.open()).isEmpty();
    assertThat(relay.subscribed()).isFalse();
  }

  @Test
  void waitersRegisteredConcurrentlyAreAllWoken() throws Exception {
    int waiters = 200;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> woken = new ArrayList<>();
      for (int i = 0; i < waiters; i++) {
        String id = "job-" + i;
        woken.add(pool.submit(() -> {
          add(id);
          CountDownLatch finished = new CountDownLatch(1);
          Runnable unregister = relay.onFinish(JobId.of(id), finished::countDown);
          try {
            real.remove(JobId.of(id));
            return finished.await(10, TimeUnit.SECONDS);
          } finally {
            unregister.run();
          }
        }));
      }
      for (Future<Boolean> f : woken) {
        assertThat(f.get(2, TimeUnit.MINUTES)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(watch.open()).isEmpty();
  }

  @Test
  void aQueueThatCannotSubscribeFailsTheRegistrationAndIsAskedAgainNextTime() {
    JobQueue broken = mock(JobQueue.class);
    Subscription subscription = mock(Subscription.class);
    when(broken.subscribe(anySet(), any()))
        .thenThrow(new QueueException("Redis is down", null))
        .thenReturn(subscription);
    try (JobEventRelay r = new JobEventRelay(broken)) {
      JobListener listener = new JobListener() { };
      assertThatThrownBy(() -> r.add(listener)).isInstanceOf(QueueException.class);
      assertThat(r.subscribed()).isFalse();
      r.remove(listener); // was never added: nothing to release

      r.add(listener);
      assertThat(r.subscribed()).isTrue();
    }
  }

  @Test
  void afterCloseNothingSubscribesAgain() {
    relay.add(new JobListener() { });
    relay.close();
    assertThat(watch.open()).isEmpty();

    relay.add(new JobListener() { });
    relay.onFinish(JobId.of("late"), () -> { }).run();
    assertThat(watch.made()).hasSize(1);
  }

  private void add(String id) {
    queue.add(new NewJob(JobId.of(id), "{}", 5, 1, -1, -1));
  }

  private void claimAndFail(String id) {
    assertThat(queue.claim(new ClaimRequest("tok-" + id, Duration.ofMinutes(1), null)).job()).isPresent();
    assertThat(queue.fail(JobId.of(id), "tok-" + id, "no luck", null)).isTrue();
  }

  private static JobListener recording(String name, BlockingQueue<String> heard) {
    return new JobListener() {
      @Override
      public void onAdded(JobId id) {
        heard.add(name + " added " + id.value());
      }
    };
  }
}
