package com.snapasset.jdbc;

import com.snapasset.InvalidRequestException;
import com.snapasset.StorageException;
import com.snapasset.spi.CatalogPage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link GenerationCatalog} in PostgreSQL (or another JDBC database with the same schema): the
 * {@code generations} and {@code generated_images} tables, indexed on {@code (user_id, created_at
 * DESC)}. A generation and its images are written in one transaction, the images as one JDBC batch;
 * reads are one statement each. SQL errors surface as {@link StorageException}, retryable for lost
 * connections, serialization failures and deadlocks.
 *
 * <pre>{@code
 * JdbcGenerationCatalog catalog = JdbcGenerationCatalog.builder()
 *     .jdbcUrl(System.getenv("DATABASE_URL"))
 *     .build();                      // pool of 20, migrations applied
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} closes the pool the builder made, never a caller's {@link
 * DataSource}.
 */
public final class JdbcGenerationCatalog implements GenerationCatalog, AutoCloseable {
  private final DataSource dataSource;
  private final @Nullable HikariDataSource ownPool;

  JdbcGenerationCatalog(DataSource dataSource, @Nullable HikariDataSource ownPool) {
    this.dataSource = dataSource;
    this.ownPool = ownPool;
  }

  /**
   * A builder; set exactly one of {@link Builder#jdbcUrl} and {@link Builder#dataSource}.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Applies the schema migrations ({@code classpath:db/snapasset}, history in table {@code
   * snapasset_schema_history}) that are not applied yet, and returns how many ran. Safe to call any
   * number of times and from several processes at once.
   *
   * @param dataSource the database
   * @return the number of migrations applied by this call
   */
  public static int migrate(DataSource dataSource) {
    return Migrations.apply(dataSource);
  }

  @Override
  public void record(GenerationRecord record) {
    String id = record.generationId();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try {
          CatalogSql.insertGeneration(c, record);
        } catch (SQLException e) {
          if (SqlErrors.isConstraintViolation(e)) {
            rollback(c, e);
            if (exists(c, id)) {
              return; // recorded before: harmless by contract
            }
          }
          throw e;
        }
        CatalogSql.insertImages(c, record);
        c.commit();
      } catch (SQLException e) {
        rollback(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("recording generation " + id, e);
    }
  }

  @Override
  public Optional<GenerationRecord> find(String generationId) {
    List<GenerationRecord> found =
        query("finding generation " + generationId, CatalogSql.FIND, generationId);
    return found.stream().findFirst();
  }

  @Override
  public CatalogPage latest(String userId, int limit, @Nullable String cursor) {
    if (limit < 1 || limit > 100) {
      throw new InvalidRequestException("limit must be between 1 and 100, was " + limit);
    }
    String action = "listing the generations of user " + userId;
    // One row more than asked tells whether another page follows.
    List<GenerationRecord> rows;
    if (cursor == null) {
      rows = query(action, CatalogSql.LATEST, userId, limit + 1);
    } else {
      Cursor after = Cursor.decode(cursor);
      rows =
          query(
              action,
              CatalogSql.LATEST_AFTER,
              userId,
              CatalogSql.timestamp(after.createdAt()),
              after.id(),
              limit + 1);
    }
    if (rows.size() <= limit) {
      return new CatalogPage(rows, null);
    }
    List<GenerationRecord> page = rows.subList(0, limit);
    GenerationRecord last = page.get(limit - 1);
    return new CatalogPage(page, new Cursor(last.createdAt(), last.generationId()).encode());
  }

  @Override
  public List<GenerationRecord> deleteOlderThan(Instant cutoff, int limit) {
    if (limit < 1) {
      throw new InvalidRequestException("limit must be at least 1, was " + limit);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<GenerationRecord> candidates =
            read(c, CatalogSql.OLDEST_BEFORE, CatalogSql.timestamp(cutoff), limit);
        List<GenerationRecord> deleted = new ArrayList<>(candidates.size());
        if (!candidates.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement(CatalogSql.DELETE)) {
            for (GenerationRecord r : candidates) {
              ps.setString(1, r.generationId());
              ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            // A concurrent clean-up may have deleted some first: report only what this one did.
            for (int i = 0; i < counts.length; i++) {
              if (counts[i] != 0) {
                deleted.add(candidates.get(i));
              }
            }
          }
        }
        c.commit();
        return deleted;
      } catch (SQLException e) {
        rollback(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw SqlErrors.translate("deleting generations created before " + cutoff, e);
    }
  }

  /**
   * Closes the connection pool made by {@link Builder#jdbcUrl}; a caller's data source stays open.
   */
  @Override
  public void close() {
    if (ownPool != null) {
      ownPool.close();
    }
  }

  @Override
  public String toString() {
    // Never the JDBC URL: it may carry a password.
    return "JdbcGenerationCatalog["
        + (ownPool != null ? "pool " + ownPool.getPoolName() : "caller's data source")
        + "]";
  }

  private List<GenerationRecord> query(String action, String sql, Object... params) {
    try (Connection c = dataSource.getConnection()) {
      return read(c, sql, params);
    } catch (SQLException e) {
      throw SqlErrors.translate(action, e);
    }
  }

  private static List<GenerationRecord> read(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return CatalogSql.readRecords(rs);
      }
    }
  }

  private static boolean exists(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CatalogSql.EXISTS)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** For pools that hand the connection on as it is; a dead connection is the pool's to evict. */
  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // The transaction's own outcome was already decided and reported.
    }
  }

  private static void rollback(Connection c, SQLException cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Configures a {@link JdbcGenerationCatalog}. The pool settings apply to the HikariCP pool made
   * from {@link #jdbcUrl}; their defaults are the guide's: at most 20 connections, idle ones closed
   * after 30 s, 2 s to get a connection. Setters check their argument at once; {@link #build()}
   * leaves the builder unchanged.
   */
  public static final class Builder {
    private @Nullable String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private @Nullable DataSource dataSource;
    private int maximumPoolSize = 20;
    private int minimumIdle = 0;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration connectionTimeout = Duration.ofSeconds(2);
    private boolean migrate = true;

    private Builder() {}

    /**
     * The database, e.g. {@code jdbc:postgresql://db:5432/snapasset}; a pool is made for it.
     *
     * @param jdbcUrl a URL starting with {@code jdbc:}
     * @return this builder
     */
    public Builder jdbcUrl(String jdbcUrl) {
      if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
        throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:'");
      }
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * The database user, unless the URL names it.
     *
     * @param username the user
     * @return this builder
     */
    public Builder username(String username) {
      this.username = Objects.requireNonNull(username, "username");
      return this;
    }

    /**
     * The database password, unless the URL carries it. Never logged.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Use this data source (usually the application's pool) instead of making a pool.
     *
     * @param dataSource a data source the caller keeps and closes
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Most connections the pool opens; default 20.
     *
     * @param maximumPoolSize connections, at least 1
     * @return this builder
     */
    public Builder maximumPoolSize(int maximumPoolSize) {
      if (maximumPoolSize < 1) {
        throw new IllegalArgumentException("maximumPoolSize must be >= 1, was " + maximumPoolSize);
      }
      this.maximumPoolSize = maximumPoolSize;
      return this;
    }

    /**
     * Connections kept open while idle; default 0, as in the guide's node-postgres pool.
     *
     * @param minimumIdle connections, at least 0
     * @return this builder
     */
    public Builder minimumIdle(int minimumIdle) {
      if (minimumIdle < 0) {
        throw new IllegalArgumentException("minimumIdle must be >= 0, was " + minimumIdle);
      }
      this.minimumIdle = minimumIdle;
      return this;
    }

    /**
     * How long a connection beyond {@link #minimumIdle} may stay idle; default 30 s, at least 10 s.
     *
     * @param idleTimeout the idle time, at least 10 s
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      if (idleTimeout == null || idleTimeout.compareTo(Duration.ofSeconds(10)) < 0) {
        throw new IllegalArgumentException("idleTimeout must be at least 10 s, was " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * How long to wait for a connection before failing (retryable); default 2 s, at least 250 ms.
     *
     * @param connectionTimeout the wait, at least 250 ms
     * @return this builder
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      if (connectionTimeout == null || connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
        throw new IllegalArgumentException(
            "connectionTimeout must be at least 250 ms, was " + connectionTimeout);
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /**
     * Whether {@link #build()} applies the schema migrations (default true). Turn it off when
     * migrations run at deploy time, e.g. through {@link JdbcGenerationCatalog#migrate}.
     *
     * @param migrate false when migrations run elsewhere
     * @return this builder
     */
    public Builder migrateOnStart(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Makes the pool (for a JDBC URL), applies the migrations if asked and returns the catalog.
     *
     * @throws IllegalStateException unless exactly one of jdbcUrl and dataSource is set
     * @throws StorageException when the database cannot be reached or migrated
     * @return a catalog ready to use
     */
    public JdbcGenerationCatalog build() {
      if ((jdbcUrl == null) == (dataSource == null)) {
        throw new IllegalStateException("set exactly one of jdbcUrl and dataSource");
      }
      if (dataSource != null) {
        if (migrate) {
          Migrations.apply(dataSource);
        }
        return new JdbcGenerationCatalog(dataSource, null);
      }
      HikariDataSource pool = newPool(Objects.requireNonNull(jdbcUrl));
      try {
        if (migrate) {
          Migrations.apply(pool);
        }
        return new JdbcGenerationCatalog(pool, pool);
      } catch (RuntimeException e) {
        pool.close();
        throw e;
      }
    }

    private HikariDataSource newPool(String url) {
      HikariConfig config = new HikariConfig();
      config.setPoolName("snapasset-catalog");
      config.setJdbcUrl(url);
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(maximumPoolSize);
      config.setMinimumIdle(Math.min(minimumIdle, maximumPoolSize));
      config.setIdleTimeout(idleTimeout.toMillis());
      config.setConnectionTimeout(connectionTimeout.toMillis());
      // Start without a connection: an unreachable database surfaces, retryable, on first use.
      config.setInitializationFailTimeout(-1);
      if (url.startsWith("jdbc:postgresql:")) {
        // Lets pgJDBC send an image batch as one multi-row INSERT.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
      }
      return new HikariDataSource(config);
    }
  }
}
