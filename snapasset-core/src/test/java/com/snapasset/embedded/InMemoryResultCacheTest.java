package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.ResultCache;
import com.snapasset.spi.ResultCacheContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryResultCacheTest extends ResultCacheContract {
  @Override
  protected ResultCache createCache() {
    return InMemoryResultCache.create();
  }

  @Test
  void theByteBoundEvictsEntries() {
    InMemoryResultCache small = InMemoryResultCache.withMaxBytes(10_000);
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
}
