/**
 * Generation history in PostgreSQL (or another JDBC database): {@link
 * com.snapasset.jdbc.JdbcGenerationCatalog}, with a HikariCP pool and Flyway migrations.
 */
@NullMarked
package com.snapasset.jdbc;

import org.jspecify.annotations.NullMarked;
