package com.snapasset;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The encodings a rendition can be written in. */
public enum OutputFormat {
  PNG("image/png", "png"),
  JPEG("image/jpeg", "jpg");

  private final String contentType;
  private final String extension;

  OutputFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  /** The MIME type, e.g. {@code image/png}. */
  public String contentType() {
    return contentType;
  }

  /** The file extension without a dot, e.g. {@code png}. */
  public String extension() {
    return extension;
  }

  /** Parses a name such as {@code png}, {@code JPEG} or {@code jpg}, ignoring case. */
  public static Optional<OutputFormat> parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    if (n.equals("JPG")) {
      return Optional.of(JPEG);
    }
    return Arrays.stream(values()).filter(f -> f.name().equals(n)).findFirst();
  }
}
