package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.BaseImageCacheContract;
import com.snapasset.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryBaseImageCacheTest extends BaseImageCacheContract {
  @Override
  protected BaseImageCache createCache() {
    return InMemoryBaseImageCache.create();
  }

  @Test
  void theByteBoundEvictsEntries() {
    InMemoryBaseImageCache small = InMemoryBaseImageCache.withMaxBytes(10_000);
    for (int i = 0; i < 50; i++) {
      small.put("k" + i, new byte[1_000], Duration.ofMinutes(5));
    }
    int present = 0;
    for (int i = 0; i < 50; i++) {
      present += small.get("k" + i).isPresent() ? 1 : 0;
    }
    // each entry weighs a little over 1 000 bytes, so at most 10 fit in 10 000
    assertThat(present).isBetween(1, 10);
  }

  @Test
  void entriesExpireByTheGivenClock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    InMemoryBaseImageCache cache = InMemoryBaseImageCache.create(clock);
    cache.put("k", new byte[] {1, 2, 3}, Duration.ofMinutes(5));

    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.get("k")).isPresent();

    clock.advance(Duration.ofMinutes(2));
    assertThat(cache.get("k")).isEmpty();
  }
}
