package com.snapasset.spi.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.JobId;
import com.snapasset.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionsTest {
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private Claim job(String id) {
    return Claim.of(new QueuedJob(JobId.of(id), "{}", JobState.ACTIVE, 5, 0, 0, 3, 0, now, now,
        null, null, null, null));
  }

  @Test
  void onlyTheLastClaimMayHoldNoJob() {
    assertThat(new Completions(List.of(true), List.of(job("a"), job("b"), Claim.none())).claims()).hasSize(3);
    assertThat(new Completions(List.of(), List.of(job("a"), Claim.rateLimited(Duration.ofSeconds(1)))).claims())
        .hasSize(2);
    assertThat(new Completions(List.of(false), List.of()).completed()).containsExactly(false);

    assertThatThrownBy(() -> new Completions(List.of(true), List.of(job("a"), Claim.none(), job("b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("claim 2 of 3 holds no job");
  }
}
