package com.snapasset.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.StorageException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link AssetStorage} must show. An implementation's test extends this class
 * and makes {@link #createStorage()} return a storage holding nothing under the keys the tests
 * use (each test uses a fresh random prefix, so a shared bucket is fine).
 */
public abstract class AssetStorageContract {
  protected static final String PNG = "image/png";
  protected static final String CACHE = "public, max-age=31536000, immutable";

  protected AssetStorage storage;
  protected String prefix;

  /** The storage under test. */
  protected abstract AssetStorage createStorage();

  @BeforeEach
  void createStorageUnderTest() {
    storage = createStorage();
    prefix = "t" + Long.toHexString(System.nanoTime()) + "/";
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatIsPutCanBeGot() {
    storage.put(prefix + "a.png", bytes("hello"), PNG, CACHE);

    assertThat(storage.get(prefix + "a.png")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("hello")));
  }

  @Test
  void everyByteValueSurvivesTheRoundTrip() {
    byte[] all = new byte[256 * 4];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    storage.put(prefix + "bin/all.bin", all, "application/octet-stream", CACHE);

    assertThat(storage.get(prefix + "bin/all.bin").orElseThrow()).isEqualTo(all);
  }

  @Test
  void aSecondPutReplacesTheFirst() {
    storage.put(prefix + "a.png", bytes("one"), PNG, CACHE);
    storage.put(prefix + "a.png", bytes("two"), PNG, CACHE);

    assertThat(storage.get(prefix + "a.png").orElseThrow()).isEqualTo(bytes("two"));
    assertThat(storage.list(prefix)).hasSize(1);
  }

  @Test
  void getOfAMissingKeyIsEmpty() {
    assertThat(storage.get(prefix + "missing.png")).isEmpty();
  }

  @Test
  void putReturnsTheKeysUrl() {
    URI put = storage.put(prefix + "u/x.png", bytes("x"), PNG, CACHE);

    assertThat(put).isEqualTo(storage.url(prefix + "u/x.png"));
    assertThat(put.toString()).contains("x.png");
  }

  @Test
  void deleteSaysWhetherSomethingWasThere() {
    storage.put(prefix + "d.png", bytes("x"), PNG, CACHE);

    assertThat(storage.delete(prefix + "d.png")).isTrue();
    assertThat(storage.get(prefix + "d.png")).isEmpty();
    assertThat(storage.delete(prefix + "d.png")).isFalse();
  }

  @Test
  void listFindsEverythingUnderAPrefixAndNothingElse() {
    storage.put(prefix + "user1/g1/a.png", bytes("aa"), PNG, CACHE);
    storage.put(prefix + "user1/g2/b.png", bytes("bbb"), PNG, CACHE);
    storage.put(prefix + "user2/g3/c.png", bytes("c"), PNG, CACHE);

    List<StoredObject> user1 = storage.list(prefix + "user1/");

    assertThat(user1).extracting(StoredObject::key)
        .containsExactlyInAnyOrder(prefix + "user1/g1/a.png", prefix + "user1/g2/b.png");
    assertThat(user1).filteredOn(o -> o.key().endsWith("b.png")).singleElement()
        .satisfies(o -> assertThat(o.size()).isEqualTo(3));
    assertThat(storage.list(prefix + "nobody/")).isEmpty();
  }

  @Test
  void listedObjectsCarryARecentModificationTime() {
    Instant before = Instant.now().minus(Duration.ofMinutes(5));
    storage.put(prefix + "m.png", bytes("x"), PNG, CACHE);

    StoredObject o = storage.list(prefix).get(0);

    assertThat(o.lastModified()).isAfter(before).isBefore(Instant.now().plus(Duration.ofMinutes(5)));
  }

  @Test
  void deleteOlderThanRemovesOnlyWhatIsOlder() {
    storage.put(prefix + "old/a.png", bytes("x"), PNG, CACHE);
    storage.put(prefix + "old/b.png", bytes("y"), PNG, CACHE);

    assertThat(storage.deleteOlderThan(prefix, Instant.now().minus(Duration.ofHours(1)))).isZero();
    assertThat(storage.list(prefix)).hasSize(2);

    assertThat(storage.deleteOlderThan(prefix, Instant.now().plus(Duration.ofMinutes(10)))).isEqualTo(2);
    assertThat(storage.list(prefix)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape.png", "/absolute.png", "a/../../b.png", "a//b.png", "a/./b.png", "", "a\\b.png", "sp ace.png", "a/"})
  void unsafeKeysAreRefusedPermanently(String key) {
    assertThatThrownBy(() -> storage.put(key, bytes("x"), PNG, CACHE))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isRetryable()).isFalse());
  }

  @Test
  void concurrentPutsOfDifferentKeysAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<URI>> futures = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String key = prefix + "c/" + i + ".png";
        byte[] data = bytes("file-" + i);
        futures.add(pool.submit(() -> storage.put(key, data, PNG, CACHE)));
      }
      for (Future<URI> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(storage.list(prefix + "c/")).hasSize(30);
    assertThat(storage.get(prefix + "c/17.png").orElseThrow()).isEqualTo(bytes("file-17"));
  }
}
