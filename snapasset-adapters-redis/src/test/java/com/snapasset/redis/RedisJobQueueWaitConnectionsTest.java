package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.JobId;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.testing.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.SafeEncoder;

/**
 * The connections {@link RedisJobQueue#awaitWork} keeps between its waits (a queue built from a
 * URL, standalone Redis) never starve other borrowers of a pool and never hang on a dead socket.
 */
class RedisJobQueueWaitConnectionsTest {
  private static final Duration LOCK = Duration.ofSeconds(30);
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();
  private static RedisClient admin;

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void connect() {
    admin = server.client();
  }

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static NewJob job(String id) {
    return new NewJob(JobId.of(id), "{}", 5, 3, -1, -1);
  }

  @Test
  void aKeptConnectionLeavesRoomForTheQueuesOtherCallsInTheSmallestPool() throws Exception {
    try (RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName("a-" + UUID.randomUUID())
        .maxConnections(2).build()) {
      queue.add(job("a")); // the pipelined calls take (and keep) one connection
      queue.awaitWork(Duration.ofSeconds(5)); // its wake-up token: returns at once, keeping its connection

      // The queue's pool has room for its kept connections on top of maxConnections: find gets one.
      Future<?> find = threads.submit(() -> queue.find(JobId.of("a")));
      assertThat(find.get(30, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void waitingWorkersGiveTheirConnectionBackWhenTheQueuesOtherCallsWaitForOne() throws Exception {
    try (RedisJobQueue queue = RedisJobQueue.builder().url(server.url()).queueName("c-" + UUID.randomUUID())
            .maxConnections(2).build();
        Subscription events = queue.subscribe(event -> { })) {
      queue.add(job("x")); // the pipelined calls' connection; the subscription holds another
      // With the two kept for waits, the pool (2 + 2) is full.
      whileTwoWorkersWait(queue, () -> {
        // A worker whose 1 s slice ends sees find waiting for the pool and gives its connection back.
        Future<?> find = threads.submit(() -> queue.find(JobId.of("x")));
        assertThat(find.get(30, TimeUnit.SECONDS)).isNotNull();
      });
    }
  }

  @Test
  void waitsNeverHoldTheSlotsOfAClientTheApplicationShares() throws Exception {
    // The application's own client, its pool sized for the queue (2 waiting workers + the
    // pipelined calls) and shared with the application's own commands: the workers fill it, and
    // each one's next 1 s slice must let the application's command through.
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(3);
    try (RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port()))
            .poolConfig(pool).build();
        RedisJobQueue queue = RedisJobQueue.builder().client(client).queueName("b-" + UUID.randomUUID()).build()) {
      queue.add(job("x")); // the pipelined calls' connection
      whileTwoWorkersWait(queue, () -> {
        Future<String> appCommand = threads.submit(() -> client.get("some-app-key"));
        assertThat(appCommand.get(30, TimeUnit.SECONDS)).isNull();
      });
    }
  }

  @Test
  void aKeptConnectionThatDiedSilentlyDoesNotHangTheWait() throws Exception {
    try (BlackholeProxy proxy = new BlackholeProxy(server.port());
        RedisJobQueue queue = RedisJobQueue.builder().url("redis://127.0.0.1:" + proxy.port())
            .queueName("d-" + UUID.randomUUID()).pipelining(false).build()) {
      queue.add(job("a"));
      queue.awaitWork(Duration.ofSeconds(5)); // takes the token, keeps its connection
      queue.claim(new ClaimRequest("t", LOCK, null)); // takes "a"
      queue.claim(new ClaimRequest("t", LOCK, null)); // empty: the next wait need not ask Redis first
      proxy.blackholeExisting(); // as a NAT or firewall that dropped its state: bytes vanish, no reset
      admin.lpush(queue.keyPrefix() + "wake", "1");

      // On the kept connection the BLPOP gets no answer: its read times out, and the wait is asked
      // again on a fresh connection (the pool's PING replaces the dead idle ones), which takes the token.
      Future<?> wait = threads.submit(() -> {
        queue.awaitWork(Duration.ofSeconds(20));
        return null;
      });
      wait.get(60, TimeUnit.SECONDS);
      assertThat(admin.llen(queue.keyPrefix() + "wake")).isZero();
    }
  }

  @Test
  void aClientWithAConnectionProviderOfItsOwnIsUsedWithoutAPool() throws Exception {
    // A provider that opens a connection per command (closed after it): RedisClient.getPool()
    // cannot serve it, so the queue sends every call through the client.
    HostAndPort redis = new HostAndPort("127.0.0.1", server.port());
    ConnectionProvider unpooled = new ConnectionProvider() {
      @Override
      public Connection getConnection() {
        return new Connection(redis);
      }

      @Override
      public Connection getConnection(CommandArguments args) {
        return getConnection();
      }

      @Override
      public void close() {}
    };
    try (RedisClient client = RedisClient.builder().connectionProvider(unpooled).build();
        RedisJobQueue queue = RedisJobQueue.builder().client(client).queueName("e-" + UUID.randomUUID()).build()) {
      queue.add(job("a"));
      queue.awaitWork(Duration.ofSeconds(5)); // its wake-up token: returns at once

      assertThat(admin.llen(queue.keyPrefix() + "wake")).isZero();
      assertThat(queue.claim(new ClaimRequest("t", LOCK, null)).job()).isPresent();
    }
  }

  /**
   * Runs {@code check} while two workers wait for work on {@code queue}, both blocked in BLPOP, then
   * wakes and stops them (also when the check fails).
   */
  private void whileTwoWorkersWait(RedisJobQueue queue, Check check) throws Exception {
    admin.del(queue.keyPrefix() + "wake");
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      workers.add(threads.submit(() -> {
        while (!stop.get()) {
          queue.awaitWork(Duration.ofSeconds(30));
        }
        return null;
      }));
    }
    Await.until("2 workers blocked in BLPOP", Duration.ofSeconds(30), () -> blockedInBlpop() == 2);
    try {
      check.run();
    } finally {
      stop.set(true);
      for (int i = 0; i < workers.size(); i++) {
        admin.lpush(queue.keyPrefix() + "wake", "1");
      }
    }
    for (Future<?> w : workers) {
      w.get(30, TimeUnit.SECONDS);
    }
  }

  /** What a test checks while the workers wait. */
  private interface Check {
    void run() throws Exception;
  }

  private static long blockedInBlpop() {
    String clients = SafeEncoder.encode((byte[]) admin.sendCommand(Protocol.Command.CLIENT, "LIST"));
    return clients.lines().filter(c -> c.contains(" cmd=blpop ") && c.contains(" flags=b ")).count();
  }

  /** Forwards to Redis; {@link #blackholeExisting} makes the connections made so far swallow all bytes. */
  static final class BlackholeProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final AtomicInteger epoch = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    BlackholeProxy(int target) throws Exception {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "test-proxy-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void blackholeExisting() {
      epoch.incrementAndGet();
    }

    private void acceptLoop() {
      try {
        while (true) {
          Socket in = listener.accept();
          Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(in);
          sockets.add(out);
          int born = epoch.get();
          pump(in, out, born);
          pump(out, in, born);
        }
      } catch (Exception e) {
        // the listener was closed
      }
    }

    private void pump(Socket from, Socket to, int born) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[8192];
        try (InputStream is = from.getInputStream(); OutputStream os = to.getOutputStream()) {
          for (int n; (n = is.read(buf)) > 0; ) {
            if (epoch.get() == born) {
              os.write(buf, 0, n);
              os.flush();
            }
          }
        } catch (Exception e) {
          // a side was closed
        }
        closeQuietly(from);
        closeQuietly(to);
      }, "test-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (Exception e) {
        // closing anyway
      }
    }

    @Override
    public void close() throws Exception {
      listener.close();
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }
}
