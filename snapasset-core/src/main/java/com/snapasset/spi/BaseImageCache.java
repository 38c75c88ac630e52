package com.snapasset.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A cache of byte values with a time-to-live. The engine keeps the base image of a prompt here, so
 * identical prompts and image options do not pay the provider twice.
 *
 * <p>Implementations are thread-safe and binary-safe; values returned must not be modified.
 */
public interface BaseImageCache {

  /** The value under {@code key}, if present and not expired. */
  Optional<byte[]> get(String key);

  /** Stores {@code value} under {@code key} for {@code ttl}. */
  void put(String key, byte[] value, Duration ttl);
}
