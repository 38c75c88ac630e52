package com.snapasset.embedded;

import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.StoredObject;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link AssetStorage} in this JVM's memory, for tests and demos. URLs are {@code
 * memory:/KEY}; nothing serves them.
 */
public final class InMemoryAssetStorage implements AssetStorage {
  private final ConcurrentSkipListMap<String, Stored> objects = new ConcurrentSkipListMap<>();
  private final Clock clock;

  private InMemoryAssetStorage(Clock clock) {
    this.clock = clock;
  }

  /**
   * An empty storage on the system clock.
   *
   * @return the storage
   */
  public static InMemoryAssetStorage create() {
    return new InMemoryAssetStorage(Clock.systemUTC());
  }

  /**
   * A storage stamping modification times from {@code clock}.
   *
   * @param clock the clock of the objects' modification times
   * @return the storage
   */
  public static InMemoryAssetStorage create(Clock clock) {
    return new InMemoryAssetStorage(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public URI put(String key, byte[] data, String contentType, String cacheControl) {
    AssetStorage.checkKey(key);
    objects.put(key, new Stored(data.clone(), contentType, cacheControl, clock.instant()));
    return url(key);
  }

  @Override
  public Optional<byte[]> get(String key) {
    AssetStorage.checkKey(key);
    Stored s = objects.get(key);
    return s == null ? Optional.empty() : Optional.of(s.data.clone());
  }

  /**
   * The Content-Type stored with {@code key}, if it exists.
   *
   * @param key the key
   * @return the type stored with the object, or empty when there is none
   */
  public Optional<String> contentType(String key) {
    return Optional.ofNullable(objects.get(key)).map(Stored::contentType);
  }

  /**
   * The Cache-Control stored with {@code key}, if it exists.
   *
   * @param key the key
   * @return the header stored with the object, or empty when there is none
   */
  public Optional<String> cacheControl(String key) {
    return Optional.ofNullable(objects.get(key)).map(Stored::cacheControl);
  }

  @Override
  public boolean delete(String key) {
    AssetStorage.checkKey(key);
    return objects.remove(key) != null;
  }

  @Override
  public List<StoredObject> list(String prefix) {
    List<StoredObject> out = new ArrayList<>();
    for (var e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      out.add(new StoredObject(e.getKey(), e.getValue().data.length, e.getValue().modified));
    }
    return out;
  }

  @Override
  public URI url(String key) {
    return URI.create("memory:/" + AssetStorage.checkKey(key));
  }

  private record Stored(byte[] data, String contentType, String cacheControl, Instant modified) {}
}
