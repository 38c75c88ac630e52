package com.snapasset;

import java.net.URI;
import java.util.Objects;

/**
 * One stored rendition: a platform's image in its exact size.
 *
 * @param platformId e.g. {@code instagram-post}
 * @param platformName e.g. {@code Instagram Post}
 * @param width pixel width
 * @param height pixel height
 * @param format the encoding
 * @param byteSize size of the stored file in bytes
 * @param key the storage key
 * @param url where the file can be fetched
 */
public record Asset(
    String platformId,
    String platformName,
    int width,
    int height,
    OutputFormat format,
    long byteSize,
    String key,
    URI url) {

  /**
   * Checks the components; see the class description.
   *
   * @param platformId e.g. {@code instagram-post}
   * @param platformName e.g. {@code Instagram Post}
   * @param width pixel width
   * @param height pixel height
   * @param format the encoding
   * @param byteSize size of the stored file in bytes
   * @param key the storage key
   * @param url where the file can be fetched
   */
  public Asset {
    Objects.requireNonNull(platformId, "platformId");
    Objects.requireNonNull(platformName, "platformName");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(url, "url");
    if (width < 1 || height < 1 || byteSize < 0) {
      throw new IllegalArgumentException("asset dimensions and size must be positive");
    }
  }
}
