package com.snapasset.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.StorageException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlErrorsTest {

  @ParameterizedTest(name = "SQLState {0} retryable: {1}")
  @CsvSource({
    "08001, true", // could not connect
    "08006, true", // connection failure (I/O error)
    "08003, true", // connection does not exist
    "40001, true", // serialization failure
    "40P01, true", // deadlock detected
    "57P01, true", // terminated by administrator (server shutting down)
    "23505, false", // unique violation
    "23503, false", // foreign key violation
    "23502, false", // not null violation
    "22001, false", // value too long
    "42P01, false", // undefined table: schema not migrated
    "28P01, false", // wrong password
  })
  void retryableOnlyForLostConnectionsSerializationFailuresAndDeadlocks(
      String state, boolean retryable) {
    StorageException e = SqlErrors.translate("testing", new SQLException("boom", state));

    assertThat(e.isRetryable()).isEqualTo(retryable);
    assertThat(e.getMessage()).isEqualTo("catalog: testing failed (SQLState " + state + "): boom");
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
  }

  @Test
  void aBatchFailureIsJudgedByTheErrorItCarries() {
    BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", new int[0]);
    batch.setNextException(new SQLException("deadlock detected", "40P01"));

    assertThat(SqlErrors.translate("batch", batch).isRetryable()).isTrue();
    assertThat(SqlErrors.translate("batch", batch).getMessage()).contains("40P01");
  }

  @Test
  void aPoolTimeoutWithoutStateIsRetryable() {
    // HikariCP's "Connection is not available, request timed out" carries no SQLState.
    SQLException timeout = new SQLTransientConnectionException("request timed out");

    assertThat(SqlErrors.translate("pool", timeout).isRetryable()).isTrue();
  }

  @Test
  void aChainThatLoopsEnds() {
    SQLException a = new SQLException("a");
    SQLException b = new SQLException("b");
    a.setNextException(b);
    b.setNextException(a);

    assertThat(SqlErrors.translate("loop", a).isRetryable()).isFalse();
  }
}
