package com.snapasset.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.QueueStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The guide's thresholds as an autoscaler target: a function of the queue's counts only. */
class ScalingPolicyTest {

  @ParameterizedTest(name = "waiting {0}, active {1}, delayed {2} -> {3} workers")
  @CsvSource({
      "0, 0, 0, 1",      // idle: the minimum
      "50, 0, 0, 1",     // the guide adds a worker only above 50 waiting
      "51, 0, 0, 2",
      "120, 0, 0, 3",
      "0, 10, 0, 1",     // ... and above 10 active per worker
      "0, 11, 0, 2",
      "0, 35, 0, 4",
      "200, 35, 0, 4",   // the larger need wins
      "0, 0, 5000, 1",   // delayed jobs wait out a backoff: no worker can take them
      "1000000, 0, 0, 100"})  // capped
  void desiredWorkersFollowTheGuide(long waiting, long active, long delayed, int expected) {
    QueueStats stats = new QueueStats(waiting, active, 0, 0, delayed, false);
    assertThat(ScalingPolicy.GUIDE.desiredWorkers(stats)).isEqualTo(expected);
  }

  @Test
  void aPausedQueueNeedsTheMinimum() {
    QueueStats paused = new QueueStats(500, 0, 0, 0, 0, true);
    assertThat(ScalingPolicy.guide(2, 10).desiredWorkers(paused)).isEqualTo(2);
  }

  @Test
  void zeroMinimumScalesToZeroWhenIdle() {
    ScalingPolicy policy = ScalingPolicy.guide(0, 5);
    assertThat(policy.desiredWorkers(new QueueStats(0, 0, 7, 3, 0, false))).isZero();
    assertThat(policy.desiredWorkers(new QueueStats(1, 0, 0, 0, 0, false))).isEqualTo(1);
  }

  @Test
  void boundsAreCheckedWithTheirNames() {
    assertThatThrownBy(() -> new ScalingPolicy(0, 10, 1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitingPerWorker");
    assertThatThrownBy(() -> new ScalingPolicy(50, 0, 1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activePerWorker");
    assertThatThrownBy(() -> new ScalingPolicy(50, 10, -1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minWorkers");
    assertThatThrownBy(() -> new ScalingPolicy(50, 10, 5, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWorkers");
    assertThatThrownBy(() -> new ScalingPolicy(50, 10, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWorkers");
  }
}
