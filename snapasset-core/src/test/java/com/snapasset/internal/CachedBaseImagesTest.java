package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.SnapAssetException;
import com.snapasset.StorageException;
import com.snapasset.embedded.InMemoryBaseImageCache;
import com.snapasset.spi.BaseImageCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A cache that fails must not make the engine pay the provider again, nor lose a paid image. */
class CachedBaseImagesTest {
  private final Flaky flaky = new Flaky(InMemoryBaseImageCache.create());
  private final CachedBaseImages cache = new CachedBaseImages(flaky, Duration.ofHours(1));
  private final CachedBaseImages.Entry entry = new CachedBaseImages.Entry(new byte[] {7, 8, 9}, "revised");

  @Test
  void aReadThatFailsOnceIsTriedAgainBeforeCountingAsAMiss() {
    cache.put("k", entry);
    flaky.failReads.set(1);

    CachedBaseImages.Entry found = cache.get("k");

    assertThat(found).isNotNull();
    assertThat(found.image()).containsExactly(7, 8, 9);
    assertThat(found.revisedPrompt()).isEqualTo("revised");
  }

  @Test
  void aCacheThatStaysDownIsARetryableFailureNotAMiss() {
    cache.put("k", entry);
    flaky.failReads.set(2);

    assertThatThrownBy(() -> cache.get("k")).isInstanceOf(SnapAssetException.class)
        .hasMessageContaining("not paying the provider")
        .satisfies(e -> assertThat(((SnapAssetException) e).isRetryable()).isTrue());
  }

  @Test
  void aPermanentReadFailureIsAMiss() {
    flaky.permanent = true;
    flaky.failReads.set(1);

    assertThat(cache.get("k")).isNull();
  }

  @Test
  void aPaidImageTheCacheRefusedIsKeptAndWrittenLater() {
    flaky.failWrites.set(2);
    cache.put("k", entry);
    assertThat(flaky.delegate.get("k")).isEmpty();

    flaky.failReads.set(100); // the cache is still down for reads too: the kept image is used
    CachedBaseImages.Entry found = cache.get("k");

    assertThat(found).isNotNull();
    assertThat(found.image()).containsExactly(7, 8, 9);
    assertThat(flaky.delegate.get("k")).isPresent(); // written on the lookup, now that writes work
  }

  /** Fails the next reads or writes it is told to. */
  private static final class Flaky implements BaseImageCache {
    final BaseImageCache delegate;
    final AtomicInteger failReads = new AtomicInteger();
    final AtomicInteger failWrites = new AtomicInteger();
    volatile boolean permanent;

    Flaky(BaseImageCache delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<byte[]> get(String key) {
      if (failReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw permanent ? StorageException.permanent("refused", null) : StorageException.retryable("down", null);
      }
      return delegate.get(key);
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
      if (failWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw StorageException.retryable("down", null);
      }
      delegate.put(key, value, ttl);
    }
  }
}
