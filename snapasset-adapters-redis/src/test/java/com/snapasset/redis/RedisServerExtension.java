package com.snapasset.redis;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * A JUnit 5 extension that runs one real {@code redis-server} ({@link RedisTestServer}) for a test
 * class, shaped like WireMock's {@code WireMockExtension}: register it on a static field and use
 * its {@link #url()}, {@link #port()} or shared {@link #client()} in the tests.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
 * }</pre>
 *
 * <p>The server starts before the class's {@code @BeforeAll} methods and stops after its
 * {@code @AfterAll} ones, also when a test or a lifecycle method fails: it lives in the class's
 * {@link ExtensionContext.Store}, which JUnit closes in every case. {@code @Nested} classes share
 * their enclosing class's server; a subclass, which inherits the field, starts its own. Classes that
 * share one such field must run one at a time (JUnit's default), as the field holds one server. With {@link #flushAfterEach()} every key is deleted (FLUSHALL;
 * loaded scripts stay) after each test, after the test class's own {@code @AfterEach} methods, so
 * those may still close what wrote to Redis first.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RedisServerExtension.class);

  private final boolean flushAfterEach;
  private volatile Running running;

  private RedisServerExtension(boolean flushAfterEach) {
    this.flushAfterEach = flushAfterEach;
  }

  /**
   * A server that keeps what the tests write until the class ends.
   *
   * @return the extension, to register on a static field
   */
  public static RedisServerExtension create() {
    return new RedisServerExtension(false);
  }

  /**
   * This extension, but deleting every key after each test.
   *
   * @return a new extension that flushes after each test
   */
  public RedisServerExtension flushAfterEach() {
    return new RedisServerExtension(true);
  }

  /**
   * The running server, for what {@link #url()} and {@link #port()} do not cover (its log, a crash).
   *
   * @return the server
   * @throws IllegalStateException outside the test class's lifecycle, or on a non-static field
   */
  public RedisTestServer server() {
    return running().server;
  }

  /**
   * The server's URL.
   *
   * @return {@code redis://127.0.0.1:<port>}
   * @throws IllegalStateException outside the test class's lifecycle, or on a non-static field
   */
  public String url() {
    return server().url();
  }

  /**
   * The server's loopback port.
   *
   * @return the port
   * @throws IllegalStateException outside the test class's lifecycle, or on a non-static field
   */
  public int port() {
    return server().port();
  }

  /**
   * A pooled client of the server, made on first use and closed with the server.
   *
   * @return the class's shared client
   * @throws IllegalStateException outside the test class's lifecycle, or on a non-static field
   */
  public RedisClient client() {
    return running().client();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (context.getStore(NAMESPACE).get(Running.class) != null) {
      return; // a @Nested class: its enclosing class's server (in the enclosing store) serves it
    }
    Running started = new Running(RedisTestServer.start());
    // JUnit closes what the class's store holds when the class is done, whatever failed.
    context.getStore(NAMESPACE).put(Running.class, started);
    running = started;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (flushAfterEach && running != null) {
      running.client().flushAll();
    }
  }

  private Running running() {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException("no redis-server: register RedisServerExtension with @RegisterExtension "
          + "on a static field and use it while the test class runs");
    }
    return r;
  }

  /** The server and its client, closed together by the store of the class that started them. */
  private final class Running implements AutoCloseable {
    private final RedisTestServer server;
    private RedisClient client;

    Running(RedisTestServer server) {
      this.server = server;
    }

    synchronized RedisClient client() {
      if (client == null) {
        // No idle test: it would PING behind the tests' backs, and some tests count PINGs.
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setTestWhileIdle(false);
        client = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", server.port()))
            .poolConfig(pool).build();
      }
      return client;
    }

    @Override
    public synchronized void close() {
      running = null;
      try {
        if (client != null) {
          client.close();
        }
      } finally {
        server.close();
      }
    }
  }
}
