package com.snapasset.imaging;

import com.snapasset.CropPosition;

/**
 * The two picture-aware crop strategies, after libvips' {@code vips_smartcrop} (which Sharp calls),
 * computed on small copies of the source made once per decoded image, so each rendition pays
 * microseconds rather than a pass over its pixels.
 *
 * <ul>
 *   <li>attention: a 32 × 32 saliency map (edges of luminance, skin tones, saturation, ignoring
 *       dark areas) blurred with a sigma proportional to the crop, whose maximum the crop centres on;
 *   <li>entropy: repeatedly trims one eighth of the excess from the side whose slice has less
 *       colour entropy (a 10 × 10 × 10 histogram), scored on a copy of at most 256 pixels a side.
 * </ul>
 *
 * <p>The maps are of the source, not of the scaled image the crop is taken from: both show the same
 * picture, so window coordinates are simply rescaled.
 */
final class SmartCrop {
  private static final int MAP = 32;
  private static final int ENTROPY_SIDE = 256;

  private final float[] saliency;
  private final int mapW;
  private final int mapH;
  private final int[] small;
  private final int smallW;
  private final int smallH;

  private SmartCrop(float[] saliency, int mapW, int mapH, int[] small, int smallW, int smallH) {
    this.saliency = saliency;
    this.mapW = mapW;
    this.mapH = mapH;
    this.small = small;
    this.smallW = smallW;
    this.smallH = smallH;
  }

  static SmartCrop of(Pixels src) {
    int mapW = Math.min(MAP, src.width);
    int mapH = Math.min(MAP, src.height);
    // Lanczos, as libvips' vips_resize: a box filter would flatten the edges the map looks for
    int[] map = Resampler.resize(src, mapW, mapH, 0, 0, mapW, mapH).argb;
    double f = Math.min(1.0, (double) ENTROPY_SIDE / Math.max(src.width, src.height));
    int sw = Math.max(1, (int) Math.round(src.width * f));
    int sh = Math.max(1, (int) Math.round(src.height * f));
    return new SmartCrop(saliency(map, mapW, mapH), mapW, mapH, boxShrink(src, sw, sh), sw, sh);
  }

  /**
   * The top-left corner of the {@code w × h} window to keep from the source scaled to
   * {@code scaledW × scaledH}.
   */
  int[] offset(CropPosition strategy, int scaledW, int scaledH, int w, int h) {
    return strategy == CropPosition.ENTROPY
        ? entropy(scaledW, scaledH, w, h)
        : attention(scaledW, scaledH, w, h);
  }

  private int[] attention(int scaledW, int scaledH, int w, int h) {
    double hscale = (double) mapW / scaledW;
    double vscale = (double) mapH / scaledH;
    double sigma = Math.max(Math.hypot(w * hscale, h * vscale) / 10, 1.0);
    float[] blurred = gaussBlur(saliency, mapW, mapH, sigma);
    int best = 0;
    for (int i = 1; i < blurred.length; i++) {
      if (blurred[i] > blurred[best]) {
        best = i;
      }
    }
    int x = best % mapW;
    int y = best / mapW;
    int left = (int) clip(x / hscale - w / 2, scaledW - w);
    int top = (int) clip(y / vscale - h / 2, scaledH - h);
    return new int[] {left, top};
  }

  private static double clip(double v, int max) {
    return Math.max(0, Math.min(v, max));
  }

  private int[] entropy(int scaledW, int scaledH, int w, int h) {
    int left = 0;
    int top = 0;
    int width = scaledW;
    int height = scaledH;
    int slice = (int) Math.max(Math.ceil((width - w) / 8.0), Math.ceil((height - h) / 8.0));
    while (width > w || height > h) {
      int sliceW = Math.min(width - w, slice);
      int sliceH = Math.min(height - h, slice);
      if (sliceW > 0) {
        double l = score(left, top, sliceW, height, scaledW, scaledH);
        double r = score(left + width - sliceW, top, sliceW, height, scaledW, scaledH);
        width -= sliceW;
        if (l < r) {
          left += sliceW;
        }
      }
      if (sliceH > 0) {
        double t = score(left, top, width, sliceH, scaledW, scaledH);
        double b = score(left, top + height - sliceH, width, sliceH, scaledW, scaledH);
        height -= sliceH;
        if (t < b) {
          top += sliceH;
        }
      }
    }
    return new int[] {left, top};
  }

  /** Colour entropy of a window given in scaled coordinates, measured on the small copy. */
  private double score(int x, int y, int w, int h, int scaledW, int scaledH) {
    int x0 = (int) Math.floor((double) x * smallW / scaledW);
    int y0 = (int) Math.floor((double) y * smallH / scaledH);
    int x1 = Math.max(x0 + 1, Math.min(smallW, (int) Math.ceil((double) (x + w) * smallW / scaledW)));
    int y1 = Math.max(y0 + 1, Math.min(smallH, (int) Math.ceil((double) (y + h) * smallH / scaledH)));
    int[] hist = new int[1000];
    for (int yy = y0; yy < y1; yy++) {
      for (int xx = x0; xx < x1; xx++) {
        int p = small[yy * smallW + xx];
        int r = ((p >>> 16) & 0xFF) * 10 / 256;
        int g = ((p >>> 8) & 0xFF) * 10 / 256;
        int b = (p & 0xFF) * 10 / 256;
        hist[r * 100 + g * 10 + b]++;
      }
    }
    double n = (double) (x1 - x0) * (y1 - y0);
    double entropy = 0;
    for (int c : hist) {
      if (c > 0) {
        double p = c / n;
        entropy -= p * Math.log(p);
      }
    }
    return entropy / Math.log(2);
  }

  /** Area-average shrink (each target pixel averages the source pixels whose centres fall in it). */
  static int[] boxShrink(Pixels src, int w, int h) {
    long[] sum = new long[w * h * 3];
    int[] count = new int[w * h];
    for (int y = 0; y < src.height; y++) {
      int ty = (int) ((long) y * h / src.height);
      for (int x = 0; x < src.width; x++) {
        int tx = (int) ((long) x * w / src.width);
        int p = src.argb[y * src.width + x];
        int t = ty * w + tx;
        // transparent pixels count as black, as they show on a dark background
        int a = p >>> 24;
        sum[t * 3] += ((p >>> 16) & 0xFF) * a / 255;
        sum[t * 3 + 1] += ((p >>> 8) & 0xFF) * a / 255;
        sum[t * 3 + 2] += (p & 0xFF) * a / 255;
        count[t]++;
      }
    }
    int[] out = new int[w * h];
    for (int t = 0; t < out.length; t++) {
      int n = Math.max(1, count[t]);
      out[t] = 0xFF000000 | (int) (sum[t * 3] / n) << 16 | (int) (sum[t * 3 + 1] / n) << 8
          | (int) (sum[t * 3 + 2] / n);
    }
    return out;
  }

  /**
   * libvips' attention score of each map pixel, in its colour spaces: edges (Laplacian of CIE Y,
   * times 5), closeness of the unit XYZ vector to a skin tone (100 at the skin point), and CIE a*
   * (red over green); skin and a* count only where Y (0–100) is above 5.
   */
  private static float[] saliency(int[] map, int w, int h) {
    int n = w * h;
    double[] luminance = new double[n];
    float[] out = new float[n];
    double[] xyz = new double[3];
    for (int i = 0; i < n; i++) {
      int p = map[i];
      toXyz((p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF, xyz);
      luminance[i] = xyz[1];
      if (xyz[1] > 5) {
        double mag = Math.sqrt(xyz[0] * xyz[0] + xyz[1] * xyz[1] + xyz[2] * xyz[2]);
        double dx = xyz[0] / mag - 0.78;
        double dy = xyz[1] / mag - 0.57;
        double dz = xyz[2] / mag - 0.44;
        double skin = 100 - 100 * Math.sqrt(dx * dx + dy * dy + dz * dz);
        double a = 500 * (f(xyz[0] / WHITE_X) - f(xyz[1] / 100));
        out[i] = (float) (skin + a);
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double c = luminance[y * w + x];
        double laplace = 4 * c - at(luminance, w, h, x - 1, y) - at(luminance, w, h, x + 1, y)
            - at(luminance, w, h, x, y - 1) - at(luminance, w, h, x, y + 1);
        out[y * w + x] += (float) Math.abs(5 * laplace);
      }
    }
    return out;
  }

  private static double at(double[] v, int w, int h, int x, int y) {
    return v[Math.max(0, Math.min(h - 1, y)) * w + Math.max(0, Math.min(w - 1, x))];
  }

  private static final double WHITE_X = 95.047;

  /** CIE XYZ (D65, Y of white = 100) of an sRGB colour. */
  static void toXyz(int r8, int g8, int b8, double[] xyz) {
    double r = linear(r8);
    double g = linear(g8);
    double b = linear(b8);
    xyz[0] = 100 * (0.4124 * r + 0.3576 * g + 0.1805 * b);
    xyz[1] = 100 * (0.2126 * r + 0.7152 * g + 0.0722 * b);
    xyz[2] = 100 * (0.0193 * r + 0.1192 * g + 0.9505 * b);
  }

  private static double linear(int c) {
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  /** CIE Lab's companding of a ratio to the white point. */
  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }

  /**
   * Separable Gaussian blur, edges extended, as libvips' vips_gaussblur with its defaults: the mask
   * is cut where it falls under 0.2 and its weights are rounded to integers out of 20.
   */
  private static float[] gaussBlur(float[] in, int w, int h, double sigma) {
    // vips_gaussmat keeps the taps before the first one under 0.2: the first integer x past
    // sigma * sqrt(-2 ln 0.2) is excluded, so the radius is one less than that x
    int radius = 0;
    while (Math.exp(-(double) (radius + 1) * (radius + 1) / (2 * sigma * sigma)) >= 0.2) {
      radius++;
    }
    double[] mask = new double[2 * radius + 1];
    double total = 0;
    for (int i = -radius; i <= radius; i++) {
      mask[i + radius] = Math.rint(20 * Math.exp(-(double) i * i / (2 * sigma * sigma)));
      total += mask[i + radius];
    }
    float[] tmp = new float[in.length];
    float[] out = new float[in.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int i = -radius; i <= radius; i++) {
          s += mask[i + radius] * in[y * w + Math.max(0, Math.min(w - 1, x + i))];
        }
        tmp[y * w + x] = (float) (s / total);
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int i = -radius; i <= radius; i++) {
          s += mask[i + radius] * tmp[Math.max(0, Math.min(h - 1, y + i)) * w + x];
        }
        out[y * w + x] = (float) (s / total);
      }
    }
    return out;
  }
}
