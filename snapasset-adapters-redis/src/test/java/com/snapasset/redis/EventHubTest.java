package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The event hub against a real redis-server. Its confirmation wait is made far longer than the
 * bounds asserted here (a minute), so a call that waits for the timeout instead of returning fails
 * the test instead of merely slowing it.
 */
class EventHubTest {
  private static final String CHANNEL = "hub-test:events";
  private static final Duration LONG_WAIT = Duration.ofMinutes(1);

  @Test
  void aListenerSubscribingFromTheHubThreadAfterClosingTheLastSubscriptionDoesNotStallTheHub()
      throws Exception {
    try (RedisTestServer server = RedisTestServer.start();
        Jedis admin = new Jedis("127.0.0.1", server.port());
        UnifiedJedis redis = client(server);
        EventHub hub = new EventHub(redis, CHANNEL, "hub-test", LONG_WAIT)) {
      BlockingQueue<String> second = new LinkedBlockingQueue<>();
      CompletableFuture<Long> subscribeNanos = new CompletableFuture<>();
      AtomicReference<Subscription> first = new AtomicReference<>();
      first.set(hub.subscribe(e -> {
        // The only listener replaces itself: the channel is unsubscribed, then wanted again by
        // a subscribe on the very thread that must read Redis' confirmation.
        first.get().close();
        long start = System.nanoTime();
        hub.subscribe(e2 -> second.add(e2.jobId().value()));
        subscribeNanos.complete(System.nanoTime() - start);
      }));

      admin.publish(CHANNEL, "ADDED|0|one");
      long took = subscribeNanos.get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(took)).as("subscribe on the hub thread").isLessThan(Duration.ofSeconds(20));

      // Once the thread re-subscribed (a subscribe from another thread returns then), the
      // listener added inside the callback hears the events.
      BlockingQueue<String> third = new LinkedBlockingQueue<>();
      hub.subscribe(e -> third.add(e.jobId().value()));
      admin.publish(CHANNEL, "ADDED|0|two");
      assertThat(second.poll(30, TimeUnit.SECONDS)).isEqualTo("two");
      assertThat(third.poll(30, TimeUnit.SECONDS)).isEqualTo("two");
    }
  }

  @Test
  void closeReleasesASubscribeWaitingForAConfirmation() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (RedisTestServer server = RedisTestServer.start();
        Jedis admin = new Jedis("127.0.0.1", server.port());
        UnifiedJedis redis = client(server)) {
      // Redis holds every client's commands: the SUBSCRIBE is never confirmed while the test runs
      // (the server is killed at the end, so the pause is never lifted).
      assertThat(admin.clientPause(600_000)).isEqualTo("OK");
      EventHub hub = new EventHub(redis, CHANNEL, "hub-test", LONG_WAIT);
      AtomicReference<Thread> subscriber = new AtomicReference<>();
      Future<Subscription> subscribed = caller.submit(() -> {
        subscriber.set(Thread.currentThread());
        return hub.subscribe(e -> { });
      });
      Await.until("subscribe to wait for the confirmation", Duration.ofSeconds(30),
          () -> subscriber.get() != null && subscriber.get().getState() == Thread.State.TIMED_WAITING);

      CompletableFuture<Void> closed = CompletableFuture.runAsync(hub::close);
      assertThat(subscribed.get(20, TimeUnit.SECONDS)).as("subscribe released by close").isNotNull();
      closed.get(20, TimeUnit.SECONDS);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void closingTheLastSubscriptionThenTheHubStillLetsANewHubSubscribe() throws Exception {
    // Unsubscribing and closing right after must not both write UNSUBSCRIBE (the second reply
    // would stay unread on a pooled connection): the pool's next user still gets proper replies.
    try (RedisTestServer server = RedisTestServer.start();
        Jedis admin = new Jedis("127.0.0.1", server.port());
        UnifiedJedis redis = client(server)) {
      for (int round = 0; round < 20; round++) {
        EventHub hub = new EventHub(redis, CHANNEL, "hub-test", LONG_WAIT);
        hub.subscribe(e -> { }).close();
        hub.close();
        assertThat(redis.set("k", "v" + round)).isEqualTo("OK");
        assertThat(redis.get("k")).isEqualTo("v" + round);
      }
      BlockingQueue<QueueEvent> heard = new LinkedBlockingQueue<>();
      try (EventHub hub = new EventHub(redis, CHANNEL, "hub-test", LONG_WAIT)) {
        hub.subscribe(heard::add);
        admin.publish(CHANNEL, "ADDED|0|last");
        assertThat(heard.poll(30, TimeUnit.SECONDS)).extracting(e -> e.jobId().value()).isEqualTo("last");
      }
    }
  }

  /** A client built as the queue builds its own (pooled). */
  private static UnifiedJedis client(RedisTestServer server) {
    return RedisClients.create(RedisClients.parse(server.url()), null, 8);
  }
}
