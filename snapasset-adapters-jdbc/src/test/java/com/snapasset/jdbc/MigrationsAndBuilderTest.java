package com.snapasset.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MigrationsAndBuilderTest {

  @Test
  void migrationsAppliedTwiceAreHarmlessEvenByHand() throws IOException {
    TestPostgres.Database db = TestPostgres.newDatabase();

    assertThat(JdbcGenerationCatalog.migrate(db.dataSource())).isOne();
    assertThat(JdbcGenerationCatalog.migrate(db.dataSource())).isZero();
    // Someone runs the script by hand on top: IF NOT EXISTS keeps it a no-op.
    db.execute(script("db/snapasset/V1__generations.sql"));

    assertThat(db.count("SELECT count(*) FROM snapasset_schema_history WHERE success")).isOne();
    assertThat(
            db.count(
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'generations'"
                    + " AND indexname = 'idx_generations_user_created'"))
        .isOne();
  }

  @Test
  void aSchemaHoldingTheApplicationsTablesIsMigratedAlongsideThem() {
    TestPostgres.Database db = TestPostgres.newDatabase();
    db.execute("CREATE TABLE users (id TEXT PRIMARY KEY)", "INSERT INTO users VALUES ('alice')");

    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(db.dataSource()).build();

    assertThat(catalog.latest("alice", 20, null).items()).isEmpty();
    assertThat(db.count("SELECT count(*) FROM users")).isOne();
  }

  @Test
  void withoutMigrationTheMissingTableIsAPermanentError() {
    TestPostgres.Database db = TestPostgres.newDatabase();
    JdbcGenerationCatalog catalog =
        JdbcGenerationCatalog.builder().dataSource(db.dataSource()).migrateOnStart(false).build();

    assertThatThrownBy(() -> catalog.find("g1"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("42P01")
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isFalse());
  }

  @Test
  void anUnreachableDatabaseIsRetryableAndTheSecretStaysOut() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/snapasset";

    JdbcGenerationCatalog lazy =
        JdbcGenerationCatalog.builder()
            .jdbcUrl(url)
            .username("app")
            .password("s3cret-pw")
            .connectionTimeout(Duration.ofMillis(500))
            .migrateOnStart(false)
            .build();
    try {
      assertThat(lazy.toString()).doesNotContain("s3cret-pw").doesNotContain(url);
      assertThatThrownBy(() -> lazy.find("g1"))
          .isInstanceOf(StorageException.class)
          .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
    } finally {
      lazy.close();
    }

    assertThatThrownBy(
            () ->
                JdbcGenerationCatalog.builder()
                    .jdbcUrl(url)
                    .username("app")
                    .password("s3cret-pw")
                    .connectionTimeout(Duration.ofMillis(500))
                    .build())
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
  }

  @Test
  void theBuilderChecksEachSettingAtOnce() {
    JdbcGenerationCatalog.Builder b = JdbcGenerationCatalog.builder();

    assertThatThrownBy(() -> b.jdbcUrl("postgres://db/app")).hasMessageContaining("jdbcUrl");
    assertThatThrownBy(() -> b.maximumPoolSize(0)).hasMessageContaining("maximumPoolSize");
    assertThatThrownBy(() -> b.minimumIdle(-1)).hasMessageContaining("minimumIdle");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(1)))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> b.connectionTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("connectionTimeout");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exactly one of jdbcUrl and dataSource");
    b.jdbcUrl("jdbc:postgresql://127.0.0.1/app")
        .dataSource(new org.postgresql.ds.PGSimpleDataSource());
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
  }

  private static String script(String resource) throws IOException {
    try (InputStream in =
        MigrationsAndBuilderTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
