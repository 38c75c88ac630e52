package com.snapasset.embedded;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.snapasset.spi.BaseImageCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link BaseImageCache} in this JVM's memory (Caffeine): a time-to-live per entry and a bound on the
 * total bytes held, past which the least useful entries are evicted.
 */
public final class InMemoryBaseImageCache implements BaseImageCache {
  /** 256 MiB: about 170 base images of 1.5 MB. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

  private final Cache<String, Entry> cache;

  private InMemoryBaseImageCache(long maxBytes, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    this.cache =
        Caffeine.newBuilder()
            .ticker(() -> {
              Instant now = clock.instant();
              return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            })
            .executor(Runnable::run) // evict on the writing thread: the bound holds when put returns
            .maximumWeight(maxBytes)
            .weigher((String k, Entry v) -> (int) Math.min(Integer.MAX_VALUE, v.value.length + 2L * k.length() + 64))
            .expireAfter(new Expiry<String, Entry>() {
              @Override
              public long expireAfterCreate(String key, Entry e, long currentTime) {
                return e.ttlNanos;
              }

              @Override
              public long expireAfterUpdate(String key, Entry e, long currentTime, long currentDuration) {
                return e.ttlNanos;
              }

              @Override
              public long expireAfterRead(String key, Entry e, long currentTime, long currentDuration) {
                return currentDuration;
              }
            })
            .build();
  }

  /** A cache holding at most {@link #DEFAULT_MAX_BYTES}. */
  public static InMemoryBaseImageCache create() {
    return create(Clock.systemUTC());
  }

  /** A cache holding at most {@link #DEFAULT_MAX_BYTES}, whose entries expire by {@code clock}. */
  public static InMemoryBaseImageCache create(Clock clock) {
    return new InMemoryBaseImageCache(DEFAULT_MAX_BYTES, clock);
  }

  /** A cache holding at most {@code maxBytes} of values. */
  public static InMemoryBaseImageCache withMaxBytes(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    }
    return new InMemoryBaseImageCache(maxBytes, Clock.systemUTC());
  }

  @Override
  public Optional<byte[]> get(String key) {
    Entry e = cache.getIfPresent(key);
    return e == null ? Optional.empty() : Optional.of(e.value);
  }

  @Override
  public void put(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, was " + ttl);
    }
    cache.put(key, new Entry(value, ttl.toNanos()));
  }

  private record Entry(byte[] value, long ttlNanos) {}
}
