package com.snapasset.jdbc;

import com.snapasset.StorageException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The one place that turns a {@link SQLException} into a {@link StorageException}. */
final class SqlErrors {
  /**
   * Serialization failure and deadlock: the transaction lost a race and may win the next one.
   * 57P01–57P03: the server is shutting down or starting, i.e. the connection is lost.
   */
  private static final Set<String> RETRYABLE_STATES =
      Set.of("40001", "40P01", "57P01", "57P02", "57P03");

  /** Drivers can chain exceptions in loops; no real chain is this long. */
  private static final int MAX_CHAIN = 32;

  private SqlErrors() {}

  static StorageException translate(String action, SQLException e) {
    String state = sqlState(e);
    String message =
        "catalog: "
            + action
            + " failed"
            + (state == null ? "" : " (SQLState " + state + ")")
            + ": "
            + e.getMessage();
    return isRetryable(e)
        ? StorageException.retryable(message, e)
        : StorageException.permanent(message, e);
  }

  /**
   * Retryable: a lost or refused connection (class 08, or a driver's transient/recoverable
   * exception such as a pool timeout), a serialization failure or a deadlock. Everything else,
   * constraint violations first of all, is permanent.
   */
  static boolean isRetryable(SQLException e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CHAIN; t = next(t)) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || RETRYABLE_STATES.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the statement broke an integrity constraint (class 23), e.g. a duplicate key. */
  static boolean isConstraintViolation(SQLException e) {
    String state = sqlState(e);
    return state != null && state.startsWith("23");
  }

  /** The first SQLState along the chain: a batch's own exception often has none. */
  static @Nullable String sqlState(SQLException e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth++ < MAX_CHAIN; t = next(t)) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  private static @Nullable Throwable next(Throwable t) {
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}
