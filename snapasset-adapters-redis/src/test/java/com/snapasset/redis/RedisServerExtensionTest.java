package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link RedisServerExtension} run on example classes through JUnit's {@link EngineTestKit}: one
 * server per class, stopped when the class is done although one of its tests failed, and flushed
 * between tests only when asked.
 */
class RedisServerExtensionTest {
  private static volatile boolean launchedHere;

  /** Keeps the example classes (which fail on purpose) to the runs this test starts. */
  static boolean launchedHere() {
    return launchedHere;
  }

  @Test
  void oneServerPerClassStoppedAfterItAlthoughATestFailedAndFlushedBetweenTestsWhenAsked() {
    run(FlushingExample.class).assertStatistics(s -> s.started(3).succeeded(2).failed(1));

    assertThat(FlushingExample.ports).as("one server for the class").hasSize(1);
    assertThat(FlushingExample.seen).as("the key written by the test before, flushed").containsExactly(null, null);
    int port = FlushingExample.ports.iterator().next();
    assertThat(answers(port)).as("port " + port + " still answers").isFalse();
    assertThat(FlushingExample.dirs).hasSize(1);
    assertThat(Files.exists(FlushingExample.dirs.iterator().next())).as("server directory deleted").isFalse();
  }

  @Test
  void keepsWhatTheTestsWroteUntilTheClassIsDoneByDefault() {
    run(KeepingExample.class).assertStatistics(s -> s.started(2).succeeded(2));

    assertThat(KeepingExample.seen).containsExactly("v");
    assertThat(answers(KeepingExample.ports.iterator().next())).isFalse();
  }

  @Test
  void usedOutsideATestClassItSaysHowToRegisterIt() {
    assertThatThrownBy(() -> RedisServerExtension.create().url()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@RegisterExtension").hasMessageContaining("static field");
  }

  private static Events run(Class<?> example) {
    launchedHere = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(example)).execute().testEvents();
    } finally {
      launchedHere = false;
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @EnabledIf("com.snapasset.redis.RedisServerExtensionTest#launchedHere")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class FlushingExample {
    @RegisterExtension
    static final RedisServerExtension server = RedisServerExtension.create().flushAfterEach();
    static final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    static final Set<Path> dirs = ConcurrentHashMap.newKeySet();
    static final List<String> seen = new ArrayList<>();

    @Test
    void a() {
      record();
      server.client().set("k", "v");
    }

    @Test
    void b() {
      record();
      seen.add(server.client().get("k"));
      server.client().set("k", "v");
      throw new AssertionError("fails on purpose: the server must stop all the same");
    }

    @Test
    void c() {
      record();
      seen.add(server.client().get("k"));
    }

    private static void record() {
      ports.add(server.port());
      dirs.add(server.server().directory());
    }
  }

  @EnabledIf("com.snapasset.redis.RedisServerExtensionTest#launchedHere")
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class KeepingExample {
    @RegisterExtension
    static final RedisServerExtension server = RedisServerExtension.create();
    static final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    static final List<String> seen = new ArrayList<>();

    @Test
    void a() {
      ports.add(server.port());
      server.client().set("k", "v");
    }

    @Test
    void b() {
      ports.add(server.port());
      seen.add(server.client().get("k"));
    }
  }
}
