package com.snapasset.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source over a real one that records the JDBC calls the catalog makes and runs a hook
 * before chosen calls, e.g. to kill the connection's server process in the middle of a write.
 */
final class InterceptingDataSource implements DataSource {
  /** Runs before the named Connection/PreparedStatement method; gets the real connection. */
  interface Hook extends BiConsumer<String, Connection> {}

  private final DataSource delegate;
  private final Hook hook;
  final List<String> calls = new CopyOnWriteArrayList<>();

  InterceptingDataSource(DataSource delegate, Hook hook) {
    this.delegate = delegate;
    this.hook = hook;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  private Connection wrap(Connection real) {
    return proxy(Connection.class, real, real);
  }

  private <T> T proxy(Class<T> type, T target, Connection real) {
    InvocationHandler handler =
        (p, method, args) -> {
          String call = describe(method, args);
          calls.add(call);
          hook.accept(call, real);
          Object result = invoke(method, target, args);
          if (result instanceof PreparedStatement ps) {
            return proxy(PreparedStatement.class, ps, real);
          }
          return result;
        };
    return type.cast(
        Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static String describe(Method method, Object[] args) {
    if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
      return method.getName() + " " + sql;
    }
    return method.getName();
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("com.snapasset.jdbc");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
