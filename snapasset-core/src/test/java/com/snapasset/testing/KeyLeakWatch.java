package com.snapasset.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures, per test, everything written to System.out / System.err (slf4j-simple writes there),
 * every java.util.logging record (OkHttp, MockWebServer) and every exception the test hands in, and
 * fails the test if the secret shows up in any of it.
 */
public final class KeyLeakWatch implements BeforeEachCallback, AfterEachCallback {
  private final String secret;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<String> julLines = new ArrayList<>();
  private final List<String> exceptions = new ArrayList<>();
  private final Handler julHandler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (julLines) {
            julLines.add(record.getLoggerName() + " " + record.getMessage() + " " + record.getThrown());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private PrintStream originalOut = System.out;
  private PrintStream originalErr = System.err;

  public KeyLeakWatch(String secret) {
    this.secret = secret;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    console.reset();
    julLines.clear();
    exceptions.clear();
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr, console), true, StandardCharsets.UTF_8));
    Logger root = Logger.getLogger("");
    root.addHandler(julHandler);
    julHandler.setLevel(Level.ALL);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.setOut(originalOut);
    System.setErr(originalErr);
    Logger.getLogger("").removeHandler(julHandler);
    String everything = captured() + String.join("\n", exceptions);
    assertThat(everything).as("logs and exceptions of this test").doesNotContain(secret);
  }

  /** Runs the call, which must throw {@code type}; records its full stack trace for the check. */
  public <T extends Throwable> T thrown(Class<T> type, ThrowingCallable call) {
    T e = catchThrowableOfType(type, call);
    assertThat(e).as("expected a %s", type.getSimpleName()).isNotNull();
    record(e);
    return e;
  }

  public void record(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    exceptions.add(trace.toString() + e);
  }

  /** Console and java.util.logging output captured so far in this test. */
  public String captured() {
    System.out.flush();
    System.err.flush();
    synchronized (julLines) {
      String text;
      synchronized (console) {
        text = console.toString(StandardCharsets.UTF_8);
      }
      return text + "\n" + String.join("\n", julLines);
    }
  }

  /** Writes to the original stream and to the capture. */
  private static final class Tee extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream copy;

    Tee(PrintStream original, ByteArrayOutputStream copy) {
      this.original = original;
      this.copy = copy;
    }

    @Override
    public void write(int c) {
      synchronized (copy) {
        copy.write(c);
      }
      original.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
      synchronized (copy) {
        copy.write(bytes, off, len);
      }
      original.write(bytes, off, len);
    }

    @Override
    public void flush() {
      original.flush();
    }
  }
}
