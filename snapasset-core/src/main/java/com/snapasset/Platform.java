package com.snapasset;

import java.util.regex.Pattern;

/**
 * A target size: an Instagram post, a Twitter header, or any custom width × height.
 *
 * @param id lower-case id used in requests and storage keys, e.g. {@code instagram-post}
 * @param name human-readable name, e.g. {@code Instagram Post}
 * @param width exact output width in pixels, {@value #MIN_SIDE}–{@value #MAX_SIDE}
 * @param height exact output height in pixels, {@value #MIN_SIDE}–{@value #MAX_SIDE}
 */
public record Platform(String id, String name, int width, int height) {
  /** The smallest width or height, in pixels. */
  public static final int MIN_SIDE = 16;
  /** The largest width or height, in pixels. */
  public static final int MAX_SIDE = 4096;
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  /**
   * Checks the components; see the class description.
   *
   * @param id lower-case id used in requests and storage keys, e.g. {@code instagram-post}
   * @param name human-readable name, e.g. {@code Instagram Post}
   * @param width exact output width in pixels, {@value #MIN_SIDE}–{@value #MAX_SIDE}
   * @param height exact output height in pixels, {@value #MIN_SIDE}–{@value #MAX_SIDE}
   */
  public Platform {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "platform id '" + id + "' is not valid: use 1-64 characters of a-z 0-9 -");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("platform name must not be blank");
    }
    checkSide("width", width);
    checkSide("height", height);
  }

  /**
   * A custom size, with id {@code WxH} (e.g. {@code 800x600}): the spelling it is asked for with.
   *
   * @param width pixels
   * @param height pixels
   * @return the platform
   */
  public static Platform custom(int width, int height) {
    checkSide("width", width);
    checkSide("height", height);
    return new Platform(
        width + "x" + height, "Custom " + width + "×" + height, width, height);
  }

  private static void checkSide(String what, int value) {
    if (value < MIN_SIDE || value > MAX_SIDE) {
      throw new IllegalArgumentException(
          what + " " + value + " is out of range: use " + MIN_SIDE + "-" + MAX_SIDE + " px");
    }
  }
}
