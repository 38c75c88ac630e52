package com.snapasset.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BaseImageCache} must show. An implementation's test extends this class
 * and makes {@link #createCache()} return a cache holding none of the keys the tests use (each test
 * uses a fresh random key prefix, so a shared server is fine).
 */
public abstract class BaseImageCacheContract {
  protected BaseImageCache cache;
  protected String prefix;

  /** The cache under test. */
  protected abstract BaseImageCache createCache();

  @BeforeEach
  void createCacheUnderTest() {
    cache = createCache();
    prefix = "t" + Long.toHexString(System.nanoTime()) + ":";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatIsPutCanBeGot() {
    cache.put(prefix + "k", bytes("v"), Duration.ofMinutes(5));

    assertThat(cache.get(prefix + "k").orElseThrow()).isEqualTo(bytes("v"));
  }

  @Test
  void aMissingKeyIsEmpty() {
    assertThat(cache.get(prefix + "missing")).isEmpty();
  }

  @Test
  void aSecondPutReplacesTheFirst() {
    cache.put(prefix + "k", bytes("one"), Duration.ofMinutes(5));
    cache.put(prefix + "k", bytes("two"), Duration.ofMinutes(5));

    assertThat(cache.get(prefix + "k").orElseThrow()).isEqualTo(bytes("two"));
  }

  @Test
  void valuesAreBinarySafeAndMayBeLarge() {
    byte[] image = new byte[3 * 1024 * 1024];
    new Random(42).nextBytes(image);
    cache.put(prefix + "image", image, Duration.ofMinutes(5));

    assertThat(cache.get(prefix + "image").orElseThrow()).isEqualTo(image);
  }

  @Test
  void anEntryExpiresAfterItsTimeToLive() {
    cache.put(prefix + "short", bytes("v"), Duration.ofMillis(300));
    cache.put(prefix + "long", bytes("v"), Duration.ofMinutes(5));

    Await.until("the short-lived entry to expire", Duration.ofSeconds(10),
        () -> cache.get(prefix + "short").isEmpty());
    assertThat(cache.get(prefix + "long")).isPresent();
  }
}
