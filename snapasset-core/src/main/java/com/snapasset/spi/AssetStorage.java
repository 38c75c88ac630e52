package com.snapasset.spi;

import com.snapasset.StorageException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Stores rendered files and says where they can be fetched: a local folder, memory, S3, Supabase
 * Storage, MinIO, R2.
 *
 * <p>Keys are relative paths of segments separated by {@code /}, each of {@code [A-Za-z0-9._-]},
 * never {@code .} or {@code ..}; see {@link #checkKey(String)}. Implementations are thread-safe and
 * throw {@link StorageException} (retryable or not) instead of their driver's exceptions.
 */
public interface AssetStorage {
  /**
   * The Cache-Control of generated images: a year, never changing (what the original's guide set
   * for images behind a CDN). Every rendition's key is new, so nothing ever needs revalidating.
   */
  String IMMUTABLE = "public, max-age=31536000, immutable";

  /**
   * Stores {@code data} under {@code key}, replacing what was there, and returns its URL.
   *
   * @param contentType e.g. {@code image/png}
   * @param cacheControl the Cache-Control the file is served with, e.g. {@link #IMMUTABLE}
   */
  URI put(String key, byte[] data, String contentType, String cacheControl);

  /** The bytes stored under {@code key}, if any. */
  Optional<byte[]> get(String key);

  /** Deletes {@code key}; returns whether something was there. */
  boolean delete(String key);

  /** Every object whose key starts with {@code prefix} (which may be empty). */
  List<StoredObject> list(String prefix);

  /** The URL of {@code key}, whether or not it exists yet. */
  URI url(String key);

  /**
   * Deletes every object under {@code prefix} last modified before {@code cutoff}: the clean-up of
   * old images the original's guide recommends. Returns how many were deleted.
   */
  default int deleteOlderThan(String prefix, Instant cutoff) {
    int deleted = 0;
    for (StoredObject o : list(prefix)) {
      if (o.lastModified().isBefore(cutoff) && delete(o.key())) {
        deleted++;
      }
    }
    return deleted;
  }

  /**
   * Checks that {@code key} is a safe relative path; implementations call it first.
   *
   * @throws StorageException (permanent) naming the key and what is accepted
   */
  static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 1024 || !KeyRules.SEGMENTS.matcher(key).matches()) {
      throw StorageException.permanent(
          "storage key '" + key + "' is not valid: use 1-1024 characters of relative path segments"
              + " of A-Z a-z 0-9 . _ - separated by /, without . or .. segments",
          null);
    }
    return key;
  }

  /** Holder of the compiled key pattern (interfaces cannot have private static fields). */
  final class KeyRules {
    static final Pattern SEGMENTS =
        Pattern.compile("(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+(/(?!\\.{1,2}(/|$))[A-Za-z0-9._-]+)*");

    private KeyRules() {}
  }
}
