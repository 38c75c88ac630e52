package com.snapasset.imaging;

/**
 * Packed, non-premultiplied sRGB pixels ({@code 0xAARRGGBB}, row-major). When {@code alpha} is
 * false every pixel's alpha byte is 0xFF. Never modified after construction.
 */
final class Pixels {
  final int[] argb;
  final int width;
  final int height;
  final boolean alpha;

  Pixels(int[] argb, int width, int height, boolean alpha) {
    if (argb.length != width * height) {
      throw new IllegalArgumentException(argb.length + " pixels for " + width + "x" + height);
    }
    this.argb = argb;
    this.width = width;
    this.height = height;
    this.alpha = alpha;
  }

  /** Applies an EXIF orientation (1–8) so that the result is upright. */
  Pixels oriented(int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return this;
    }
    boolean swap = orientation >= 5;
    int ow = swap ? height : width;
    int oh = swap ? width : height;
    int[] out = new int[argb.length];
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        // (dx, dy): where source pixel (x, y) lands in the upright image
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> { dx = width - 1 - x; dy = y; }
          case 3 -> { dx = width - 1 - x; dy = height - 1 - y; }
          case 4 -> { dx = x; dy = height - 1 - y; }
          case 5 -> { dx = y; dy = x; }
          case 6 -> { dx = height - 1 - y; dy = x; }
          case 7 -> { dx = height - 1 - y; dy = width - 1 - x; }
          default -> { dx = y; dy = width - 1 - x; } // 8
        }
        out[dy * ow + dx] = argb[row + x];
      }
    }
    return new Pixels(out, ow, oh, alpha);
  }
}
