package com.snapasset.jdbc;

import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationCatalogContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite against a real PostgreSQL, through the pool the builder makes. */
class JdbcGenerationCatalogTest extends GenerationCatalogContract {
  private static TestPostgres.Database db;
  private static JdbcGenerationCatalog catalog;

  @BeforeAll
  static void startCatalog() {
    db = TestPostgres.newDatabase();
    catalog =
        JdbcGenerationCatalog.builder()
            .jdbcUrl(db.jdbcUrl())
            .username("postgres")
            .password("postgres")
            .maximumPoolSize(4)
            .build();
  }

  @AfterAll
  static void closeCatalog() {
    catalog.close();
  }

  @Override
  protected GenerationCatalog createCatalog() {
    db.execute("TRUNCATE generated_images, generations");
    return catalog;
  }
}
