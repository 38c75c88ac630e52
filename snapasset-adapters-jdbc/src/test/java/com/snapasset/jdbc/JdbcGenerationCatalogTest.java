package com.snapasset.jdbc;

import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationCatalogContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite against a real PostgreSQL, through the pool the builder makes. */
class JdbcGenerationCatalogTest extends GenerationCatalogContract {
  private static TestPostgres postgres;
  private static JdbcGenerationCatalog catalog;

  @BeforeAll
  static void startDatabase() {
    postgres = TestPostgres.start();
    catalog =
        JdbcGenerationCatalog.builder()
            .jdbcUrl(postgres.jdbcUrl())
            .username("postgres")
            .password("postgres")
            .maximumPoolSize(4)
            .build();
  }

  @AfterAll
  static void stopDatabase() {
    if (catalog != null) {
      catalog.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected GenerationCatalog newCatalog() {
    postgres.execute("TRUNCATE generated_images, generations");
    return catalog;
  }
}
