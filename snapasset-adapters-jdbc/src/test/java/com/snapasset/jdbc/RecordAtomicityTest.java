package com.snapasset.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.Asset;
import com.snapasset.ImageOptions;
import com.snapasset.OutputFormat;
import com.snapasset.StorageException;
import com.snapasset.spi.GenerationRecord;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generation and its images are written together or not at all, whatever breaks in between: the
 * database refusing an image, or the connection dying before the images or before the commit.
 */
class RecordAtomicityTest {
  private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
  private static TestPostgres.Database db;

  @BeforeAll
  static void createDatabase() {
    db = TestPostgres.newDatabase();
    JdbcGenerationCatalog.migrate(db.dataSource());
  }

  private static GenerationRecord generation(String id, int images) {
    List<Asset> assets = new ArrayList<>();
    for (int i = 0; i < images; i++) {
      assets.add(asset(id, "platform-" + i));
    }
    return new GenerationRecord(
        id,
        "job-" + id,
        "alice",
        "a lighthouse at dusk",
        null,
        ImageOptions.defaults(),
        "openai",
        new BigDecimal("0.04"),
        AT,
        assets);
  }

  private static Asset asset(String id, String platformId) {
    return new Asset(
        platformId,
        "Platform " + platformId,
        1080,
        1080,
        OutputFormat.PNG,
        2048,
        id + "/" + platformId + ".png",
        URI.create("https://cdn.example.com/" + id + "/" + platformId));
  }

  private static long generationRows(String id) {
    return db.count("SELECT count(*) FROM generations WHERE id = '" + id + "'");
  }

  private static long imageRows(String id) {
    return db.count("SELECT count(*) FROM generated_images WHERE generation_id = '" + id + "'");
  }

  /** Terminates the connection's server process and waits until it is gone. */
  private static void killBackend(Connection victim) {
    try (PreparedStatement pid = victim.prepareStatement("SELECT pg_backend_pid()");
        ResultSet rs = pid.executeQuery();
        Connection killer = db.dataSource().getConnection();
        PreparedStatement kill = killer.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
      rs.next();
      kill.setInt(1, rs.getInt(1));
      try (ResultSet killed = kill.executeQuery()) {
        killed.next();
        assertThat(killed.getBoolean(1)).as("backend terminated").isTrue();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void imagesAreWrittenAsOneBatchInTheGenerationsTransaction() {
    InterceptingDataSource spy = new InterceptingDataSource(db.dataSource(), (call, c) -> {});
    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(spy).migrateOnStart(false).build();

    catalog.record(generation("batched", 9));

    assertThat(imageRows("batched")).isEqualTo(9);
    List<String> calls =
        spy.calls.stream()
            .filter(
                c ->
                    c.startsWith("prepare")
                        || c.startsWith("execute")
                        || c.equals("commit")
                        || c.equals("setAutoCommit"))
            .map(
                c ->
                    c.startsWith("prepareStatement INSERT INTO generated_images")
                        ? "prepare images"
                        : c.startsWith("prepareStatement INSERT INTO generations")
                            ? "prepare generation"
                            : c)
            .toList();
    assertThat(calls)
        .containsExactly(
            "setAutoCommit",
            "prepare generation",
            "executeUpdate",
            "prepare images",
            "executeBatch",
            "commit",
            "setAutoCommit");
    assertThat(spy.calls.stream().filter("addBatch"::equals)).hasSize(9);
  }

  @Test
  void anImageTheDatabaseRefusesLeavesNeitherTheGenerationNorTheOtherImages() {
    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(db.dataSource()).migrateOnStart(false).build();
    GenerationRecord good = generation("refused", 3);
    List<Asset> assets = new ArrayList<>(good.assets());
    assets.add(asset("refused", "x".repeat(65))); // platform_id is VARCHAR(64)
    GenerationRecord bad =
        new GenerationRecord(
            good.generationId(),
            good.jobId(),
            good.userId(),
            good.prompt(),
            null,
            good.image(),
            good.provider(),
            good.costUsd(),
            AT,
            assets);

    assertThatThrownBy(() -> catalog.record(bad))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("recording generation refused")
        .hasMessageContaining("22001")
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isFalse());

    assertThat(generationRows("refused")).isZero();
    assertThat(imageRows("refused")).isZero();
  }

  @Test
  void connectionLostBeforeTheImagesLeavesNothingAndIsRetryable() {
    connectionLostAt("prepareStatement " + CatalogSql.INSERT_IMAGE, "lost-before-images");
  }

  @Test
  void connectionLostBeforeTheCommitLeavesNothingAndIsRetryable() {
    connectionLostAt("commit", "lost-before-commit");
  }

  private void connectionLostAt(String call, String id) {
    InterceptingDataSource dying =
        new InterceptingDataSource(
            db.dataSource(),
            (c, connection) -> {
              if (c.equals(call)) {
                killBackend(connection);
              }
            });
    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(dying).migrateOnStart(false).build();

    assertThatThrownBy(() -> catalog.record(generation(id, 4)))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
    assertThat(dying.calls).contains(call);
    assertThat(generationRows(id)).isZero();
    assertThat(imageRows(id)).isZero();

    // What the retry the exception invites does: write both.
    JdbcGenerationCatalog healthy =
        JdbcGenerationCatalog.builder().dataSource(db.dataSource()).migrateOnStart(false).build();
    healthy.record(generation(id, 4));
    assertThat(generationRows(id)).isOne();
    assertThat(imageRows(id)).isEqualTo(4);
  }

  @Test
  void theSchemaRefusesImagesWithoutTheirGeneration() {
    assertThatThrownBy(
            () ->
                db.execute(
                    "INSERT INTO generated_images (generation_id, position, platform_id,"
                        + " platform_name, width, height, format, byte_size, storage_key, url)"
                        + " VALUES ('ghost', 0, 'p', 'P', 1, 1, 'PNG', 1, 'k', 'u')"))
        .hasRootCauseInstanceOf(SQLException.class)
        .rootCause()
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
    assertThat(imageRows("ghost")).isZero();
  }

  @Test
  void deletingAGenerationDeletesItsImages() {
    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(db.dataSource()).migrateOnStart(false).build();
    catalog.record(generation("old-one", 2));

    List<GenerationRecord> deleted = catalog.deleteOlderThan(AT.plusSeconds(1), 100);

    assertThat(deleted).extracting(GenerationRecord::generationId).contains("old-one");
    assertThat(generationRows("old-one")).isZero();
    assertThat(imageRows("old-one")).isZero();
  }
}
