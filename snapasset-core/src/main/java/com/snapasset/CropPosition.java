package com.snapasset;

import java.util.Locale;
import java.util.Optional;

/**
 * Which part of the source a {@link Fit#COVER} crop keeps, and where a {@link Fit#CONTAIN}
 * letterbox places the image: one of nine gravities, or one of two strategies that look at the
 * picture (as Sharp's {@code position}).
 */
public enum CropPosition {
  /** Keeps the centre. */
  CENTER(0, 0),
  /** Keeps the top edge, centred horizontally. */
  NORTH(0, -1),
  /** Keeps the top right corner. */
  NORTH_EAST(1, -1),
  /** Keeps the right edge, centred vertically. */
  EAST(1, 0),
  /** Keeps the bottom right corner. */
  SOUTH_EAST(1, 1),
  /** Keeps the bottom edge, centred horizontally. */
  SOUTH(0, 1),
  /** Keeps the bottom left corner. */
  SOUTH_WEST(-1, 1),
  /** Keeps the left edge, centred vertically. */
  WEST(-1, 0),
  /** Keeps the top left corner. */
  NORTH_WEST(-1, -1),
  /** Keeps the window with the most detail (highest luminance entropy). Cover only; centre otherwise. */
  ENTROPY(0, 0),
  /**
   * Keeps the most salient region: edges, saturated colour and skin tones. Cover only; centre
   * otherwise. The default, as the original's performance guide recommends.
   */
  ATTENTION(0, 0);

  private final int horizontal;
  private final int vertical;

  CropPosition(int horizontal, int vertical) {
    this.horizontal = horizontal;
    this.vertical = vertical;
  }

  /**
   * -1 keeps the left edge, 0 the centre, 1 the right edge; 0 for the smart strategies.
   *
   * @return -1, 0 or 1
   */
  public int horizontal() {
    return horizontal;
  }

  /**
   * -1 keeps the top edge, 0 the centre, 1 the bottom edge; 0 for the smart strategies.
   *
   * @return -1, 0 or 1
   */
  public int vertical() {
    return vertical;
  }

  /**
   * Whether this position looks at the picture rather than at its edges.
   *
   * @return true for {@link #ENTROPY} and {@link #ATTENTION}
   */
  public boolean isSmart() {
    return this == ENTROPY || this == ATTENTION;
  }

  /**
   * Parses a position by its name ({@code north_east}, {@code NORTHEAST}, {@code north-east}) or by
   * Sharp's names ({@code centre}, {@code top}, {@code right top}, {@code left}, {@code attention}…),
   * ignoring case.
   *
   * @param name a name, e.g. {@code north} or {@code right top}
   * @return the position, or empty for an unknown name
   */
  public static Optional<CropPosition> parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_-]+", " ");
    return Optional.ofNullable(
        switch (n) {
          case "center", "centre" -> CENTER;
          case "north", "top" -> NORTH;
          case "north east", "northeast", "right top", "top right" -> NORTH_EAST;
          case "east", "right" -> EAST;
          case "south east", "southeast", "right bottom", "bottom right" -> SOUTH_EAST;
          case "south", "bottom" -> SOUTH;
          case "south west", "southwest", "left bottom", "bottom left" -> SOUTH_WEST;
          case "west", "left" -> WEST;
          case "north west", "northwest", "left top", "top left" -> NORTH_WEST;
          case "entropy" -> ENTROPY;
          case "attention" -> ATTENTION;
          default -> null;
        });
  }
}
