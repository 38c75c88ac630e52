package com.snapasset.internal;

import com.snapasset.SnapAssetException;
import com.snapasset.StorageException;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.ImagePrompt;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's base images in the {@link BaseImageCache}, keyed by a hash of provider, prompt and
 * image options: identical requests do not pay the provider twice.
 *
 * <p>A failed read is tried once more (a connection broken by a Redis restart fails only its first
 * command); a read that still fails with a retryable error is thrown, so the job waits for the
 * cache instead of paying the provider for an image that may be cached already. A permanent cache
 * failure (e.g. an unreadable value) counts as a miss. A paid image whose write fails is kept in
 * this JVM (the newest {@value #MAX_KEPT}) and written again on the next lookup, so a retry of the
 * job here does not pay again either.
 *
 * <p>Value layout: 4-byte length of the revised prompt in UTF-8 (-1 for none), those bytes, then
 * the image bytes.
 */
final class CachedBaseImages {
  private static final Logger log = LoggerFactory.getLogger(CachedBaseImages.class);

  static final int MAX_KEPT = 16;

  private final BaseImageCache cache;
  private final Duration ttl;
  /** Paid images the cache refused, newest last; guarded by itself. */
  private final LinkedHashMap<String, Entry> kept = new LinkedHashMap<>();

  CachedBaseImages(BaseImageCache cache, Duration ttl) {
    this.cache = cache;
    this.ttl = ttl;
  }

  record Entry(byte[] image, @Nullable String revisedPrompt) {}

  /**
   * The key of a prompt's base image. {@code variant} is {@link
   * com.snapasset.spi.ImageProvider#cacheVariant}: left out when empty, so keys of providers that
   * have none stay what they were.
   */
  static String key(String provider, ImagePrompt prompt, String variant) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String o = prompt.options().model() + "|" + prompt.options().quality() + "|"
          + prompt.options().style() + "|" + prompt.options().size() + (variant.isEmpty() ? "" : "|" + variant);
      sha.update((provider + "\n" + o + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update(prompt.prompt().getBytes(StandardCharsets.UTF_8));
      return "base-image:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * The cached entry, or null on a miss.
   *
   * @throws StorageException (retryable) when the cache cannot be read, twice in a row
   */
  @Nullable Entry get(String key) {
    Entry local;
    synchronized (kept) {
      local = kept.get(key);
    }
    if (local != null) {
      if (write(key, local)) {
        synchronized (kept) {
          kept.remove(key);
        }
      }
      return local;
    }
    byte[] value;
    try {
      value = read(key);
    } catch (SnapAssetException e) {
      if (e.isRetryable()) {
        // A storage-type failure: the engine postpones the job without spending an attempt.
        throw StorageException.retryable("base-image cache unavailable; not paying the provider for an image"
            + " that may be cached: " + e.getMessage(), e);
      }
      log.warn("base-image cache lookup failed; calling the provider instead: {}", e.toString());
      return null;
    }
    try {
      return value == null ? null : decode(value);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      log.warn("cached base image is unreadable; calling the provider instead: {}", e.toString());
      return null;
    }
  }

  private byte @Nullable [] read(String key) {
    try {
      return cache.get(key).orElse(null);
    } catch (SnapAssetException first) {
      if (!first.isRetryable()) {
        throw first;
      }
      return cache.get(key).orElse(null);
    }
  }

  /** Caches a paid image; when the cache refuses, keeps it here until a later lookup can write it. */
  void put(String key, Entry entry) {
    if (!write(key, entry)) {
      synchronized (kept) {
        kept.put(key, entry);
        while (kept.size() > MAX_KEPT) {
          kept.remove(kept.keySet().iterator().next());
        }
      }
    }
  }

  private boolean write(String key, Entry entry) {
    for (int attempt = 1; ; attempt++) {
      try {
        cache.put(key, encode(entry), ttl);
        return true;
      } catch (SnapAssetException e) {
        if (attempt >= 2 || !e.isRetryable()) {
          log.warn("base-image cache write failed; keeping the image in this JVM: {}", e.toString());
          return false;
        }
      }
    }
  }

  private static byte[] encode(Entry e) {
    byte[] revised = e.revisedPrompt() == null ? null : e.revisedPrompt().getBytes(StandardCharsets.UTF_8);
    int len = revised == null ? 0 : revised.length;
    ByteBuffer b = ByteBuffer.allocate(4 + len + e.image().length);
    b.putInt(revised == null ? -1 : len);
    if (revised != null) {
      b.put(revised);
    }
    b.put(e.image());
    return b.array();
  }

  private static Entry decode(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    int len = b.getInt();
    String revised = null;
    if (len >= 0) {
      byte[] r = new byte[len];
      b.get(r);
      revised = new String(r, StandardCharsets.UTF_8);
    }
    byte[] image = new byte[b.remaining()];
    b.get(image);
    if (image.length == 0) {
      throw new IllegalArgumentException("cached base image is empty");
    }
    return new Entry(image, revised);
  }
}
