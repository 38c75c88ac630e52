package com.snapasset.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One object an {@link AssetStorage} holds.
 *
 * @param key its key
 * @param size its size in bytes
 * @param lastModified when it was last written
 */
public record StoredObject(String key, long size, Instant lastModified) {
  /**
   * Checks the components; see the class description.
   *
   * @param key its key
   * @param size its size in bytes
   * @param lastModified when it was last written
   */
  public StoredObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastModified, "lastModified");
  }
}
