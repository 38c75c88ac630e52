package com.snapasset.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guide's rules trip once, stay quiet while they hold, and clear once. */
class AlertMonitorTest {
  private final FakeSignals s = new FakeSignals();
  private final List<AlertEvent> heard = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AlertMonitor monitor = AlertMonitor.builder(s).memoryBytes(1L << 30).registry(registry)
      .listener(heard::add).build();

  @Test
  void nothingTripsOnAHealthySystem() {
    s.completed = 100;
    s.failed = 2;
    s.requests = 1000;
    s.errors = 10;
    assertThat(monitor.evaluate()).isEmpty();
    assertThat(monitor.active()).isEmpty();
  }

  @Test
  void aBacklogOver100TripsOnceAndClearsOnce() {
    s.backlog = 101;
    List<AlertEvent> tripped = monitor.evaluate();
    assertThat(tripped).singleElement().satisfies(e -> {
      assertThat(e.rule()).isEqualTo("queue-backlog");
      assertThat(e.tripped()).isTrue();
      assertThat(e.value()).isEqualTo(101);
      assertThat(e.message()).contains("101 jobs");
    });
    assertThat(registry.get("snapasset.alert.active").tag("rule", "queue-backlog").gauge().value()).isEqualTo(1);
    s.backlog = 150;
    assertThat(monitor.evaluate()).as("no repeat while it holds").isEmpty();
    s.backlog = 100;
    assertThat(monitor.evaluate()).singleElement().satisfies(e -> assertThat(e.tripped()).isFalse());
    assertThat(monitor.active()).isEmpty();
    assertThat(heard).extracting(AlertEvent::tripped).containsExactly(true, false);
    assertThat(registry.get("snapasset.alert.active").tag("rule", "queue-backlog").gauge().value()).isZero();
  }

  @Test
  void errorRatesOver5PercentTripButOnlyWithEnoughSamples() {
    s.completed = 0;
    s.failed = 3; // 100 % of 3 jobs: too few to judge
    assertThat(monitor.evaluate()).isEmpty();
    s.completed = 90;
    s.failed = 10;
    s.requests = 200;
    s.errors = 11;
    assertThat(monitor.evaluate()).extracting(AlertEvent::rule).containsExactlyInAnyOrder("job-error-rate", "http-error-rate");
    assertThat(monitor.active()).hasSize(2);
  }

  @Test
  void slowResponsesAndMemoryTrip() {
    s.slowest = Duration.ofMillis(1001);
    s.heap = (1L << 30) + 1;
    assertThat(monitor.evaluate()).extracting(AlertEvent::rule).containsExactlyInAnyOrder("slow-responses", "memory");
    s.slowest = Duration.ofMillis(1000);
    assertThat(monitor.evaluate()).extracting(AlertEvent::rule).containsExactly("slow-responses");
  }

  @Test
  void aStartedMonitorEvaluatesOnItsOwn() throws InterruptedException {
    s.backlog = 500;
    java.util.concurrent.CountDownLatch tripped = new java.util.concurrent.CountDownLatch(1);
    try (AlertMonitor m = AlertMonitor.builder(s).interval(Duration.ofMillis(20)).listener(e -> tripped.countDown())
        .build().start()) {
      assertThat(tripped.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(m.active()).extracting(AlertEvent::rule).contains("queue-backlog");
    }
  }

  @Test
  void slidingWindowsForgetEventsOlderThanAMinute() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    SlidingWindow w = new SlidingWindow(clock, Duration.ofMinutes(1));
    w.add(5);
    clock.advance(Duration.ofSeconds(30));
    w.add(900);
    assertThat(w.count()).isEqualTo(2);
    assertThat(w.max()).isEqualTo(900);
    clock.advance(Duration.ofSeconds(31));
    assertThat(w.count()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(w.count()).isZero();
    assertThat(w.max()).isZero();
  }

  static final class FakeSignals implements AlertMonitor.Signals {
    long backlog;
    long completed;
    long failed;
    long requests;
    long errors;
    Duration slowest = Duration.ZERO;
    long heap = 1 << 20;

    @Override
    public long queueBacklog() {
      return backlog;
    }

    @Override
    public long jobsCompletedLastMinute() {
      return completed;
    }

    @Override
    public long jobsFailedLastMinute() {
      return failed;
    }

    @Override
    public long requestsLastMinute() {
      return requests;
    }

    @Override
    public long serverErrorsLastMinute() {
      return errors;
    }

    @Override
    public Duration slowestResponseLastMinute() {
      return slowest;
    }

    @Override
    public long heapUsedBytes() {
      return heap;
    }
  }
}
