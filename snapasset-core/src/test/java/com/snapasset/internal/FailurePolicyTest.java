package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.Backoff;
import com.snapasset.ImageDecodeException;
import com.snapasset.JobOptions;
import com.snapasset.JobTimeoutException;
import com.snapasset.ProviderException;
import com.snapasset.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FailurePolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private final FailurePolicy policy = new FailurePolicy(new Random(7));
  private final JobOptions fixed = JobOptions.builder().attempts(3).backoff(Backoff.fixed(Duration.ofSeconds(5))).build();

  @Test
  void retryableFailuresWithAttemptsLeftAreRetriedAfterTheBackoff() {
    assertThat(policy.retryAt(ProviderException.retryable("503", null, null), 1, fixed, NOW)).isEqualTo(NOW.plusSeconds(5));
    assertThat(policy.retryAt(StorageException.retryable("throttled", null), 2, fixed, NOW)).isEqualTo(NOW.plusSeconds(5));
    assertThat(policy.retryAt(new JobTimeoutException(Duration.ofSeconds(1)), 1, fixed, NOW)).isNotNull();
  }

  @Test
  void theLastAttemptIsNeverRetried() {
    assertThat(policy.retryAt(ProviderException.retryable("503", null, null), 3, fixed, NOW)).isNull();
  }

  @Test
  void permanentFailuresAreNeverRetried() {
    assertThat(policy.retryAt(ProviderException.permanent("content policy", null), 1, fixed, NOW)).isNull();
    assertThat(policy.retryAt(new ImageDecodeException("truncated", null), 1, fixed, NOW)).isNull();
    assertThat(policy.retryAt(new OutOfMemoryError(), 1, fixed, NOW)).isNull();
  }

  @Test
  void unexpectedRuntimeErrorsAreRetriedLikeBullMqDoes() {
    assertThat(policy.retryAt(new IllegalStateException("bug?"), 1, fixed, NOW)).isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void exponentialBackoffDoublesWithinItsJitter() {
    JobOptions exp = JobOptions.builder().attempts(5).backoff(Backoff.exponential(Duration.ofSeconds(2))).build();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Duration d = Duration.between(NOW, policy.retryAt(new RuntimeException(), attempt, exp, NOW));
      long nominal = 2000L << (attempt - 1);
      assertThat(d.toMillis()).as("attempt %d", attempt).isBetween((long) (nominal * 0.8), (long) (nominal * 1.2));
    }
  }

  @Test
  void aLongerRetryAfterFromTheProviderWins() {
    ProviderException limited = ProviderException.retryable("429", null, Duration.ofSeconds(60));
    ProviderException shortWait = ProviderException.retryable("429", null, Duration.ofSeconds(1));

    assertThat(policy.retryAt(limited, 1, fixed, NOW)).isEqualTo(NOW.plusSeconds(60));
    assertThat(policy.retryAt(shortWait, 1, fixed, NOW)).isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void reasonsAreReadable() {
    assertThat(FailurePolicy.reason(ProviderException.permanent("OpenAI refused the prompt", null)))
        .isEqualTo("OpenAI refused the prompt");
    assertThat(FailurePolicy.reason(new IllegalStateException("boom"))).isEqualTo("IllegalStateException: boom");
    assertThat(FailurePolicy.reason(new NullPointerException())).isEqualTo("NullPointerException");
  }
}
