package com.snapasset.jdbc;

import com.snapasset.StorageException;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalog's schema as Flyway migrations, kept apart from the application's own. */
final class Migrations {
  static final String LOCATION = "classpath:db/snapasset";
  static final String HISTORY_TABLE = "snapasset_schema_history";
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static int apply(DataSource dataSource) {
    try {
      int executed =
          Flyway.configure(Migrations.class.getClassLoader())
              .dataSource(dataSource)
              .locations(LOCATION)
              .table(HISTORY_TABLE)
              // The schema usually holds the application's tables already: start our history at
              // 0 there instead of refusing a non-empty schema.
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .load()
              .migrate()
              .migrationsExecuted;
      LOG.info("generation catalog schema up to date ({} migration(s) applied now)", executed);
      return executed;
    } catch (FlywayException e) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof SQLException sql) {
          throw SqlErrors.translate("migrating the catalog schema", sql);
        }
      }
      throw StorageException.permanent(
          "catalog: migrating the catalog schema failed: " + e.getMessage(), e);
    }
  }
}
