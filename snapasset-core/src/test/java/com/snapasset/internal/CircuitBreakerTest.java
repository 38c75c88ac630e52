package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.OutagePolicy;
import com.snapasset.ProviderException;
import com.snapasset.StorageException;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import com.snapasset.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Breakers open on repeated transient failures, fail fast, probe once, and close on success. */
class CircuitBreakerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Outages outages = new Outages(OutagePolicy.defaults(), clock, new Random(1));

  @Test
  void opensAfterThreeFailuresInARowProbesOnceAndDoublesItsOpenTimeOnAFailedProbe() {
    CircuitBreaker b = outages.breaker(Dependency.STORAGE);
    b.onFailure();
    b.onFailure();
    assertThat(b.tryAcquire()).isTrue();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.tryAcquire()).isFalse();
    assertThat(outages.claimWait()).isEqualTo(Duration.ofSeconds(5));

    clock.advance(Duration.ofSeconds(5));
    assertThat(b.tryAcquire()).as("the probe").isTrue();
    assertThat(b.tryAcquire()).as("a second caller while the probe runs").isFalse();
    assertThat(outages.claimWait()).isEqualTo(Outages.PROBE_POLL);
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(outages.claimWait()).isEqualTo(Duration.ofSeconds(10));

    clock.advance(Duration.ofSeconds(10));
    assertThat(b.tryAcquire()).isTrue();
    b.onSuccess();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(outages.claimWait()).isZero();
    assertThat(b.tryAcquire()).isTrue();
  }

  @Test
  void aSuccessResetsTheCountOfFailuresInARow() {
    CircuitBreaker b = outages.breaker(Dependency.PROVIDER);
    b.onFailure();
    b.onFailure();
    b.onSuccess();
    b.onFailure();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aGuardedStorageFailsFastWithItsOwnExceptionTypeWhileOpen() {
    AtomicInteger calls = new AtomicInteger();
    AssetStorage down = new ForwardingStorage(InMemoryAssetStorage.create()) {
      @Override
      public URI put(String key, byte[] data, String contentType, String cacheControl) {
        calls.incrementAndGet();
        throw StorageException.retryable("S3 unreachable", null);
      }
    };
    AssetStorage guarded = Guarded.storage(down, outages);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> guarded.put("k", new byte[1], "image/png", "no-cache")).hasMessage("S3 unreachable");
    }

    assertThatThrownBy(() -> guarded.put("k", new byte[1], "image/png", "no-cache"))
        .isInstanceOf(StorageException.class).hasMessageContaining("asset storage unavailable")
        .satisfies(e -> assertThat(((StorageException) e).isRetryable()).isTrue());
    assertThat(calls).hasValue(3);
    assertThat(guarded.delete("k")).as("clean-up bypasses the breaker").isFalse();
  }

  @Test
  void permanentRefusalsAndRateLimitsDoNotOpenTheProviderBreaker() {
    AtomicInteger n = new AtomicInteger();
    ImageProvider refusing = provider(() -> {
      throw n.incrementAndGet() % 2 == 0
          ? ProviderException.permanent("content policy", null)
          : ProviderException.rateLimited("429", null, Duration.ofSeconds(1));
    });
    ImageProvider guarded = Guarded.provider(refusing, outages, null);
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> guarded.generate(null)).isInstanceOf(ProviderException.class);
    }
    assertThat(outages.breaker(Dependency.PROVIDER).state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anInterruptedProviderCallIsAbandonedAtOnce() throws Exception {
    CountDownLatch neverAnswers = new CountDownLatch(1);
    CountDownLatch called = new CountDownLatch(1);
    ExecutorService calls = Executors.newCachedThreadPool();
    ExecutorService job = Executors.newSingleThreadExecutor();
    try {
      ImageProvider hanging = provider(() -> {
        called.countDown();
        // an HTTP client that ignores interrupts
        while (true) {
          try {
            neverAnswers.await();
            return null;
          } catch (InterruptedException ignored) {
            // keeps waiting
          }
        }
      });
      ImageProvider guarded = Guarded.provider(hanging, outages, calls);
      Future<?> running = job.submit(() -> guarded.generate(null));
      assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();

      long t0 = System.nanoTime();
      running.cancel(true);
      job.shutdown();

      assertThat(job.awaitTermination(5, TimeUnit.SECONDS)).as("the job thread is free again").isTrue();
      System.out.printf("provider call abandoned in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
      assertThat(outages.breaker(Dependency.PROVIDER).state()).isEqualTo(CircuitBreaker.State.CLOSED);
    } finally {
      neverAnswers.countDown();
      calls.shutdownNow();
    }
  }

  private static ImageProvider provider(java.util.function.Supplier<ProviderImage> body) {
    return new ImageProvider() {
      @Override
      public ProviderImage generate(ImagePrompt prompt) {
        return body.get();
      }

      @Override
      public String name() {
        return "test";
      }
    };
  }

  /** Forwards to a delegate; tests override what they break. */
  private static class ForwardingStorage implements AssetStorage {
    private final AssetStorage d;

    ForwardingStorage(AssetStorage d) {
      this.d = d;
    }

    @Override
    public URI put(String key, byte[] data, String contentType, String cacheControl) {
      return d.put(key, data, contentType, cacheControl);
    }

    @Override
    public java.util.Optional<byte[]> get(String key) {
      return d.get(key);
    }

    @Override
    public boolean delete(String key) {
      return d.delete(key);
    }

    @Override
    public java.util.List<com.snapasset.spi.StoredObject> list(String prefix) {
      return d.list(prefix);
    }

    @Override
    public URI url(String key) {
      return d.url(key);
    }
  }
}
