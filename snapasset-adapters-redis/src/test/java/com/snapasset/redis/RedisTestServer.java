package com.snapasset.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} for tests and benchmarks, on a free loopback port: the one on PATH if
 * there is one, otherwise the binary bundled by {@code com.github.codemonstur:embedded-redis}. It
 * runs in its own temporary directory and is killed when closed (or when the JVM exits).
 */
public final class RedisTestServer implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final boolean appendOnly;
  private final List<String> extraArgs;
  private final int port;
  private final boolean sentinel;
  private Process process;

  private RedisTestServer(Path binary, boolean appendOnly, List<String> extraArgs) throws IOException {
    this(binary, appendOnly, extraArgs, null);
  }

  private RedisTestServer(Path binary, boolean appendOnly, List<String> extraArgs, String sentinelConfig)
      throws IOException {
    this.binary = binary;
    this.appendOnly = appendOnly;
    this.extraArgs = List.copyOf(extraArgs);
    this.dir = Files.createTempDirectory("snapasset-redis-");
    this.port = freePort();
    this.sentinel = sentinelConfig != null;
    if (sentinel) {
      // Sentinel rewrites its file as it learns the topology, so it needs a writable one.
      Files.writeString(dir.resolve("sentinel.conf"), sentinelConfig);
    }
    this.process = launch();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> process.destroyForcibly()));
  }

  /** A server that keeps nothing on disk. */
  public static RedisTestServer start() {
    return start(false);
  }

  /**
   * A server; with {@code appendOnly} it writes every change to its AOF before answering
   * ({@code appendfsync always}), so a killed server restarts with every acknowledged write.
   */
  public static RedisTestServer start(boolean appendOnly, String... extraArgs) {
    try {
      return new RedisTestServer(binary(), appendOnly, List.of(extraArgs));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server", e);
    }
  }

  /**
   * A Sentinel ({@code redis-server <conf> --sentinel}) with the given configuration lines, e.g.
   * {@code sentinel monitor mymaster 127.0.0.1 6379 2}.
   */
  public static RedisTestServer startSentinel(String configuration) {
    try {
      return new RedisTestServer(binary(), false, List.of(), configuration);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server --sentinel", e);
    }
  }

  /**
   * The URL of a server started and stopped again: for a client that must meet Redis unreachable
   * (nothing listened on its port a moment ago).
   */
  public static String stoppedServerUrl() {
    try (RedisTestServer gone = start()) {
      return gone.url();
    }
  }

  /** The server's log so far, for the message of a failed test. */
  public String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The server's own directory (its data, configuration and log). */
  public Path directory() {
    return dir;
  }

  /** Which binary runs: {@code redis-server} on PATH, else the one embedded-redis bundles. */
  public static Path binary() throws IOException {
    String path = System.getenv("PATH");
    if (path != null && !Boolean.getBoolean("snapasset.test.embeddedRedis")) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return ExecutableProvider.newJarResourceProvider().get().toPath();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public Path binaryPath() {
    return binary;
  }

  /** Kills the server with SIGKILL (no chance to save anything) and starts it again on the same port. */
  public void crashAndRestart() {
    kill();
    try {
      process = launch();
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart redis-server", e);
    }
  }

  /** Kills the server with SIGKILL. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the server and deletes its directory. */
  @Override
  public void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  private Process launch() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--dir", dir.toString(), "--appendonly", appendOnly ? "yes" : "no"));
    if (sentinel) {
      cmd = new ArrayList<>(List.of(binary.toString(), dir.resolve("sentinel.conf").toString(), "--sentinel",
          "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
    }
    if (appendOnly) {
      cmd.addAll(List.of("--appendfsync", "always"));
    }
    cmd.addAll(extraArgs);
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
        .start();
    awaitReady(p);
    return p;
  }

  private void awaitReady(Process p) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        s.setSoTimeout(1_000);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64];
        int n = in.read(buf);
        String reply = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
        // "-LOADING" while an AOF is replayed: not ready yet. "-NOAUTH" means it answers.
        if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // poll with a deadline
    }
    throw new IOException("redis-server did not answer on port " + port, last);
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
