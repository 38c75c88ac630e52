package com.snapasset.internal;

import com.snapasset.SnapAssetException;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.ImagePrompt;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's base images in the {@link BaseImageCache}, keyed by a hash of provider, prompt and
 * image options: identical requests do not pay the provider twice. A cache that fails is logged and
 * treated as a miss; it never fails a job.
 *
 * <p>Value layout: 4-byte length of the revised prompt in UTF-8 (-1 for none), those bytes, then
 * the image bytes.
 */
final class CachedBaseImages {
  private static final Logger log = LoggerFactory.getLogger(CachedBaseImages.class);

  private final BaseImageCache cache;
  private final Duration ttl;

  CachedBaseImages(BaseImageCache cache, Duration ttl) {
    this.cache = cache;
    this.ttl = ttl;
  }

  record Entry(byte[] image, @Nullable String revisedPrompt) {}

  static String key(String provider, ImagePrompt prompt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String o = prompt.options().model() + "|" + prompt.options().quality() + "|"
          + prompt.options().style() + "|" + prompt.options().size();
      sha.update((provider + "\n" + o + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update(prompt.prompt().getBytes(StandardCharsets.UTF_8));
      return "base-image:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Nullable Entry get(String key) {
    try {
      byte[] value = cache.get(key).orElse(null);
      return value == null ? null : decode(value);
    } catch (SnapAssetException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
      log.warn("base-image cache lookup failed; calling the provider instead: {}", e.toString());
      return null;
    }
  }

  void put(String key, Entry entry) {
    try {
      cache.put(key, encode(entry), ttl);
    } catch (SnapAssetException e) {
      log.warn("base-image cache write failed; the next identical request will call the provider: {}", e.toString());
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
