package com.snapasset;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An image the caller already has, to be rendered for every platform instead of generating one
 * from a prompt: its bytes (PNG, JPEG or WebP), or an {@code https} URL that the worker fetches
 * under a {@link SourceFetchPolicy} (public addresses only, size and time caps, no credentials).
 * No image provider is called and no cost is recorded; the decode guards (bytes, pixels, formats)
 * apply as to any base image.
 *
 * @param data the encoded image, or null for a URL; not copied, do not modify
 * @param url the image's address, or null for bytes
 */
public record SourceImage(byte @Nullable [] data, @Nullable String url) {
  /** The longest URL accepted. */
  public static final int MAX_URL_LENGTH = 2048;

  /**
   * Checks the components.
   *
   * @param data the encoded PNG, JPEG or WebP image, or null for a URL; not copied, do not modify
   * @param url the image's http(s) address, at most {@value #MAX_URL_LENGTH} characters, with a
   *     host and without credentials, or null for bytes
   * @throws InvalidRequestException when both or neither are given, the bytes are empty or not a
   *     PNG, JPEG or WebP image, or the URL is refused
   */
  public SourceImage {
    if ((data == null) == (url == null)) {
      throw new InvalidRequestException("a source image is either bytes or a URL, not both or neither");
    }
    if (data != null && data.length == 0) {
      throw new InvalidRequestException("source image is empty: send the bytes of a PNG, JPEG or WebP image");
    }
    if (data != null && !isPngJpegOrWebp(data)) {
      // Cheap and early: the decoder would refuse it in the worker anyway, after a queue round trip.
      throw new InvalidRequestException(
          "source image is not a PNG, JPEG or WebP image (its first bytes are " + head(data) + ")");
    }
    if (url != null) {
      checkUrl(url);
    }
  }

  /**
   * The bytes of an image the caller has.
   *
   * @param data the encoded PNG, JPEG or WebP image; not copied, do not modify
   * @return the source image
   * @throws InvalidRequestException when the bytes are empty or not a PNG, JPEG or WebP image
   */
  public static SourceImage ofBytes(byte[] data) {
    return new SourceImage(data, null);
  }

  /**
   * An image at an {@code https} URL (or {@code http} where {@link SourceFetchPolicy#allowHttp()}
   * says so).
   *
   * @param url the image's address, at most {@value #MAX_URL_LENGTH} characters
   * @return the source image
   * @throws InvalidRequestException when the URL is malformed, too long, not http(s), has no host or
   *     carries credentials
   */
  public static SourceImage ofUrl(String url) {
    return new SourceImage(null, url);
  }

  /**
   * The bytes, when the image was given as bytes.
   *
   * @return the bytes (not a copy), or empty for a URL
   */
  public Optional<byte[]> bytes() {
    return Optional.ofNullable(data);
  }

  /**
   * The URL, when the image was given by address.
   *
   * @return the URL, or empty for bytes
   */
  public Optional<URI> uri() {
    return url == null ? Optional.empty() : Optional.of(URI.create(url));
  }

  /** Scheme, host and path only: the query of a pre-signed URL is a credential. */
  @Override
  public String toString() {
    if (data != null) {
      return "SourceImage[" + data.length + " bytes]";
    }
    return "SourceImage[" + shown(URI.create(url)) + "]";
  }

  /**
   * A URL for messages and logs: scheme, host, port and path, no query or fragment.
   *
   * @param uri an absolute URL
   * @return the URL without its query (which may be a credential) or fragment
   */
  public static String shown(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  private static boolean isPngJpegOrWebp(byte[] d) {
    boolean png = d.length >= 8 && (d[0] & 0xff) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G'
        && d[4] == 0x0d && d[5] == 0x0a && d[6] == 0x1a && d[7] == 0x0a;
    boolean jpeg = d.length >= 3 && (d[0] & 0xff) == 0xff && (d[1] & 0xff) == 0xd8 && (d[2] & 0xff) == 0xff;
    boolean webp = d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F'
        && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P';
    return png || jpeg || webp;
  }

  private static String head(byte[] d) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(8, d.length); i++) {
      hex.append(String.format("%02x", d[i] & 0xff));
    }
    return hex.toString();
  }

  private static void checkUrl(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      throw new InvalidRequestException(
          "source image URL has " + url.length() + " characters: use at most " + MAX_URL_LENGTH);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidRequestException("source image URL is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new InvalidRequestException(
          "source image URL must be https (got scheme '" + scheme + "'): file, ftp, data and other schemes are refused");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidRequestException("source image URL has no host: use https://host/path");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidRequestException(
          "source image URL carries credentials (user:password@): they are never sent; use a pre-signed URL instead");
    }
  }
}
