package com.snapasset.examples.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite. By default the small variant (a few hundred jobs, under three minutes), as CI
 * runs it; {@code -Dchaos.variant=full} runs the full one (3 100 jobs over five minutes), which
 * {@code snapasset-examples/chaos/run-full.sh} starts.
 */
@Tag("chaos")
class ChaosTest {
  @TempDir Path dir;

  @Test
  void jobsRideOutWorkerKillsARedisRestartAndStorageAndProviderOutages() throws Exception {
    boolean full = "full".equals(System.getProperty("chaos.variant"));
    ChaosRun.Config config = full ? ChaosRun.Config.full() : ChaosRun.Config.small();
    Path runDir = System.getProperty("chaos.dir") != null ? Path.of(System.getProperty("chaos.dir")) : dir;

    ChaosRun.Summary s = new ChaosRun(config, runDir).run();
    System.out.println(s);

    assertThat(s.lost()).as("lost").isZero();
    assertThat(s.stuck()).as("stuck").isZero();
    assertThat(s.completedTwice()).as("completed twice").isZero();
    assertThat(s.filesWrong()).as("files wrong").isZero();
    assertThat(s.failed()).as("failed, with only transient faults injected: %s", s.failureReasons()).isZero();
    assertThat(s.completed()).isEqualTo(config.jobs());
    // one payment per prompt, except one per SIGKILL landing between payment and cache write
    assertThat(s.extraPayments()).as("extra payments").isLessThanOrEqualTo(s.kills());
    assertThat(s.takeoverP95()).as("takeover p95 ms").isLessThanOrEqualTo(10_000);
  }
}
