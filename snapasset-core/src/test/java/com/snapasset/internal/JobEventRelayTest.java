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
  void theFirstListenerSubscribesToTheTypesListenersAndWaitersHearAndTheLastRemovalUnsubscribes()
      throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    JobListener first = recording("first", heard);
    JobListener second = recording("second", heard);

    relay.add(first);
    relay.add(second);
    assertThat(watch.made()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.LISTENER_AND_FINISH_TYPES));

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
    JobListener listener = new JobListener() { };
    relay.add(listener);
    x.run();
    x.run();

    // One subscription serves both, widened for the listener (the waiters' one is closed).
    assertThat(watch.open()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.LISTENER_AND_FINISH_TYPES));
    assertThat(real.remove(JobId.of("y"))).isTrue();
    assertThat(yFinished.await(10, TimeUnit.SECONDS)).as("woken by the removal").isTrue();
    y.run();
    assertThat(watch.open()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.LISTENER_AND_FINISH_TYPES));

    // With the listener gone and a waiter left, the next registration narrows it again.
    add("z");
    Runnable z = relay.onFinish(JobId.of("z"), () -> { });
    relay.remove(listener);
    assertThat(watch.open()).singleElement()
        .satisfies(m -> assertThat(m.types()).isEqualTo(JobEventRelay.FINISH_TYPES));
    z.run();
    assertThat(watch.open()).isEmpty();
  }

  @Test
  void listenersAreToldOfAFinishBeforeTheWaitersAreWoken() throws Exception {
    // The waiter registers first, so a subscription of its own would be served first.
    add("o");
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch woken = new CountDownLatch(1);
    Runnable unregister = relay.onFinish(JobId.of("o"), () -> {
      order.add("waiter");
      woken.countDown();
    });
    relay.add(new JobListener() {
      @Override
      public void onFailed(JobId id, String error) {
        order.add("listener");
      }
    });

    claimAndFail("o");
    assertThat(woken.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactly("listener", "waiter");
    unregister.run();
  }

  @Test
  void registrationsDoNotWaitForAnotherThreadsSubscribe() throws Exception {
    // The first subscribe blocks (a Redis queue waiting for its server's confirmation, which only
    // the event thread may deliver): other registrations and removals must not queue behind it.
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch inSubscribe = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    JobQueue gated = (JobQueue) java.lang.reflect.Proxy.newProxyInstance(JobQueue.class.getClassLoader(),
        new Class<?>[] {JobQueue.class}, (proxy, method, args) -> {
          if (method.getName().equals("subscribe") && calls.incrementAndGet() == 1) {
            inSubscribe.countDown();
            gate.await();
          }
          try {
            return method.invoke(queue, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    ExecutorService pool = Executors.newFixedThreadPool(2);
    JobEventRelay r = new JobEventRelay(gated);
    try {
      BlockingQueue<String> heard = new LinkedBlockingQueue<>();
      Future<?> blocked = pool.submit(() -> r.add(recording("blocked", heard)));
      assertThat(inSubscribe.await(10, TimeUnit.SECONDS)).isTrue();

      JobListener other = recording("other", heard);
      Future<?> others = pool.submit(() -> {
        r.remove(recording("never added", heard));
        r.add(other);
        r.onFinish(JobId.of("nothing"), () -> { }).run();
      });
      others.get(10, TimeUnit.SECONDS); // before the fix: stuck behind the gated subscribe

      gate.countDown();
      blocked.get(10, TimeUnit.SECONDS);
      // Both subscribed; one subscription is kept, so each listener hears each event once.
      assertThat(watch.open()).hasSize(1);
      add("once");
      assertThat(List.of(heard.poll(10, TimeUnit.SECONDS), heard.poll(10, TimeUnit.SECONDS)))
          .containsExactlyInAnyOrder("blocked added once", "other added once");
      add("twice");
      assertThat(List.of(heard.poll(10, TimeUnit.SECONDS), heard.poll(10, TimeUnit.SECONDS)))
          .as("no duplicate of 'once'").containsExactlyInAnyOrder("blocked added twice", "other added twice");
    } finally {
      gate.countDown();
      pool.shutdownNow();
      r.close();
    }
    assertThat(watch.open()).isEmpty();
  }

  @Test
  void aListenerReplacingItselfInItsCallbackKeepsHearing() throws Exception {
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    JobListener second = recording("second", heard);
    relay.add(new JobListener() {
      @Override
      public void onAdded(JobId id) {
        relay.remove(this);
        relay.add(second);
      }
    });
    add("first");
    add("next");
    assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("second added next");
    relay.remove(second);
    assertThat(watch.open()).isEmpty();
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
