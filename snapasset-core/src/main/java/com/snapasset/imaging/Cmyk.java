package com.snapasset.imaging;

import java.awt.image.Raster;

/**
 * CMYK and YCCK JPEGs, which ImageIO's reader refuses to convert: their raw samples are turned into
 * sRGB with the naive formula (no ICC profile), which is what browsers fall back to.
 */
final class Cmyk {
  private Cmyk() {}

  /**
   * @param adobeTransform the APP14 transform: 2 means YCCK; Adobe-written files (any transform)
   *     store inverted CMYK values, files without the marker store plain ones
   */
  static Pixels toPixels(Raster raster, int adobeTransform) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int[] out = new int[w * h];
    int[] row = new int[w * 4];
    boolean inverted = adobeTransform >= 0;
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0, s = 0; x < w; x++, s += 4) {
        int c = row[s];
        int m = row[s + 1];
        int ye = row[s + 2];
        int k = row[s + 3];
        if (adobeTransform == 2) {
          // YCCK: YCbCr of 255 - (inverted C, M, Y), as libjpeg's ycck_cmyk_convert undoes it
          double yy = c;
          double cb = m - 128.0;
          double cr = ye - 128.0;
          c = 255 - clamp(yy + 1.402 * cr);
          m = 255 - clamp(yy - 0.344136 * cb - 0.714136 * cr);
          ye = 255 - clamp(yy + 1.772 * cb);
        }
        if (!inverted) {
          c = 255 - c;
          m = 255 - m;
          ye = 255 - ye;
          k = 255 - k;
        }
        // now c, m, ye, k are 255 - ink: multiply the remaining light
        int r = (c * k + 127) / 255;
        int g = (m * k + 127) / 255;
        int b = (ye * k + 127) / 255;
        out[y * w + x] = 0xFF000000 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(out, w, h, false);
  }

  private static int clamp(double v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (int) Math.round(v);
  }
}
