package com.snapasset;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The encodings a rendition can be written in. */
public enum OutputFormat {
  /** Lossless PNG; optionally quantised to a palette of at most 256 colours. */
  PNG("image/png", "png"),
  /** Baseline or progressive JPEG; no alpha (transparent areas are flattened onto the background). */
  JPEG("image/jpeg", "jpg"),
  /** Lossy or lossless WebP, through libwebp (a native library bundled for common platforms). */
  WEBP("image/webp", "webp");

  private final String contentType;
  private final String extension;

  OutputFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  /**
   * The MIME type, e.g. {@code image/png}.
   *
   * @return e.g. {@code image/png}
   */
  public String contentType() {
    return contentType;
  }

  /**
   * The file extension without a dot, e.g. {@code png}.
   *
   * @return e.g. {@code png}, without the dot
   */
  public String extension() {
    return extension;
  }

  /**
   * Whether files of this format can hold an alpha channel.
   *
   * @return whether the format keeps transparency
   */
  public boolean supportsAlpha() {
    return this != JPEG;
  }

  /**
   * Parses a name such as {@code png}, {@code JPEG}, {@code jpg} or {@code webp}, ignoring case.
   *
   * @param name e.g. {@code webp} or {@code JPG}
   * @return the format, or empty for an unknown name
   */
  public static Optional<OutputFormat> parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("JPG")) {
      return Optional.of(JPEG);
    }
    return Arrays.stream(values()).filter(f -> f.name().equals(n)).findFirst();
  }
}
