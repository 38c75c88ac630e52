package com.snapasset;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a source image is fitted into a rendition's width × height; the same five modes as Sharp's
 * {@code resize({fit})}. The aspect ratio is kept by every mode except {@link #FILL}.
 */
public enum Fit {
  /** Scale to fill the whole box, cropping what overflows; the exact size is kept. */
  COVER,
  /**
   * Scale to fit inside the box and letterbox the rest with the background colour (transparent
   * where the format has alpha); the exact size is kept.
   */
  CONTAIN,
  /** Stretch to the exact size, ignoring the aspect ratio. */
  FILL,
  /** Scale to be as large as possible with both sides at most the box's; the output may be smaller. */
  INSIDE,
  /** Scale to be as small as possible with both sides at least the box's; the output may be larger. */
  OUTSIDE;

  /**
   * Whether renditions in this mode have exactly the requested width and height.
   *
   * @return true for {@link #COVER}, {@link #CONTAIN} and {@link #FILL}
   */
  public boolean keepsExactSize() {
    return this == COVER || this == CONTAIN || this == FILL;
  }

  /**
   * Parses a name such as {@code cover} or {@code CONTAIN}, ignoring case.
   *
   * @param name the name
   * @return the mode, or empty for an unknown name
   */
  public static Optional<Fit> parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.name().equals(n)).findFirst();
  }
}
