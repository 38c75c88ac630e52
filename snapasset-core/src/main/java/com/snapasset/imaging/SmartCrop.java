package com.snapasset.imaging;

import com.snapasset.CropPosition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

  /** Longest side of the copy the attention maps are sampled from. */
  static final int BASE_SIDE = 512;

  private final float[][] base;
  private final int baseW;
  private final int baseH;
  private final int[] small;
  private final int smallW;
  private final int smallH;
  /** Attention scores per scaled size: the presets of one job share a few scaled sizes. */
  private final Map<Long, float[]> saliency = new ConcurrentHashMap<>();

  private SmartCrop(float[][] base, int baseW, int baseH, int[] small, int smallW, int smallH) {
    this.base = base;
    this.baseW = baseW;
    this.baseH = baseH;
    this.small = small;
    this.smallW = smallW;
    this.smallH = smallH;
  }

  static SmartCrop of(Pixels src) {
    return of(src, BASE_SIDE);
  }

  static SmartCrop of(Pixels src, int baseSide) {
    double b = Math.min(1.0, (double) baseSide / Math.max(src.width, src.height));
    int bw = Math.max(1, (int) Math.round(src.width * b));
    int bh = Math.max(1, (int) Math.round(src.height * b));
    int[] baseArgb = bw == src.width && bh == src.height ? premultiplied(src) : boxShrink(src, bw, bh);
    float[][] base = new float[3][bw * bh];
    for (int i = 0; i < baseArgb.length; i++) {
      int p = baseArgb[i];
      base[0][i] = (p >>> 16) & 0xFF;
      base[1][i] = (p >>> 8) & 0xFF;
      base[2][i] = p & 0xFF;
    }
    double f = Math.min(1.0, (double) ENTROPY_SIDE / Math.max(src.width, src.height));
    int sw = Math.max(1, (int) Math.round(src.width * f));
    int sh = Math.max(1, (int) Math.round(src.height * f));
    return new SmartCrop(base, bw, bh, boxShrink(src, sw, sh), sw, sh);
  }

  /** Colour premultiplied by alpha, as boxShrink does: transparent pixels count as black. */
  private static int[] premultiplied(Pixels src) {
    if (!src.alpha) {
      return src.argb;
    }
    int[] out = new int[src.argb.length];
    for (int i = 0; i < out.length; i++) {
      int p = src.argb[i];
      int a = p >>> 24;
      out[i] = 0xFF000000 | (((p >>> 16) & 0xFF) * a / 255) << 16 | (((p >>> 8) & 0xFF) * a / 255) << 8
          | (p & 0xFF) * a / 255;
    }
    return out;
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
    int mapW = Math.min(MAP, scaledW);
    int mapH = Math.min(MAP, scaledH);
    double hscale = (double) mapW / scaledW;
    double vscale = (double) mapH / scaledH;
    double sigma = Math.max(Math.hypot(w * hscale, h * vscale) / 10, 1.0);
    float[] scores = saliency.computeIfAbsent(
        (long) scaledW << 32 | scaledH, k -> saliency(attentionMap(scaledW, scaledH), mapW, mapH));
    float[] blurred = gaussBlur(scores, mapW, mapH, sigma);
    int best = 0;
    for (int i = 1; i < blurred.length; i++) {
      // vips_max keeps the last of equal maxima in raster order
      if (blurred[i] >= blurred[best]) {
        best = i;
      }
    }
    int x = best % mapW;
    int y = best / mapW;
    int left = (int) clip(x / hscale - w / 2, scaledW - w);
    int top = (int) clip(y / vscale - h / 2, scaledH - h);
    return new int[] {left, top};
  }

  /**
   * The source scaled to {@code scaledW × scaledH} and then to the map size the way libvips'
   * vips_resize does it (so near-equal maxima fall as they do in Sharp): per axis an integer box
   * shrink leaving at least twice the map size, then Lanczos3 for the rest. The box averages of the
   * scaled image are taken as area averages of the base copy.
   */
  private int[] attentionMap(int scaledW, int scaledH) {
    Axis ax = Axis.of(baseW, scaledW, Math.min(MAP, scaledW));
    Axis ay = Axis.of(baseH, scaledH, Math.min(MAP, scaledH));
    int mw = ax.out;
    int mh = ay.out;
    float[][] rows = new float[3][baseH * mw];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < baseH; y++) {
        ax.apply(base[c], y * baseW, 1, rows[c], y * mw, 1);
      }
    }
    float[][] map = new float[3][mw * mh];
    for (int c = 0; c < 3; c++) {
      for (int x = 0; x < mw; x++) {
        ay.apply(rows[c], x, mw, map[c], x, mw);
      }
    }
    int[] argb = new int[mw * mh];
    for (int i = 0; i < argb.length; i++) {
      argb[i] = 0xFF000000 | toByte(map[0][i]) << 16 | toByte(map[1][i]) << 8 | toByte(map[2][i]);
    }
    return argb;
  }

  private static int toByte(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }

  /**
   * One axis of the map resize, as two sparse linear maps: base pixels to box averages of the
   * scaled image, and box averages to map pixels.
   */
  private static final class Axis {
    final int out;
    final int boxes;
    // box b: base pixels boxStart[b] ..< boxStart[b] + boxWeights[b].length
    final int[] boxStart;
    final float[][] boxWeights;
    final int[] tapStart;
    final float[][] taps;

    private Axis(int out, int boxes, int[] boxStart, float[][] boxWeights, int[] tapStart, float[][] taps) {
      this.out = out;
      this.boxes = boxes;
      this.boxStart = boxStart;
      this.boxWeights = boxWeights;
      this.tapStart = tapStart;
      this.taps = taps;
    }

    static Axis of(int baseLen, int scaled, int out) {
      // vips_resize: reduce by scaled / out, of which vips_reduce{h,v} first box-shrink by the
      // integer part of (scaled / out) / gap (gap 2), rounding the shrunk size up
      double shrink = 1.0 / ((double) out / scaled);
      int width = (int) Math.round(scaled / shrink);
      double extra = width * shrink - scaled;
      int n = Math.max(1, (int) Math.floor((double) scaled / width / 2.0));
      int boxes = (int) Math.ceil((double) scaled / n);
      double residual = shrink / n;
      extra /= n;
      // box b averages scaled pixels [b n, b n + n), the last one extended by copies of the edge
      double q = (double) baseLen / scaled;
      int[] boxStart = new int[boxes];
      float[][] boxWeights = new float[boxes][];
      for (int b = 0; b < boxes; b++) {
        double a0 = (double) b * n * q;
        double a1 = Math.min(scaled, (double) (b + 1) * n) * q;
        double overhang = Math.max(0, (double) (b + 1) * n - scaled) * q;
        int p0 = Math.min(baseLen - 1, (int) Math.floor(a0));
        int p1 = Math.max(p0 + 1, Math.min(baseLen, (int) Math.ceil(a1)));
        float[] wts = new float[p1 - p0];
        double total = a1 - a0 + overhang;
        for (int p = p0; p < p1; p++) {
          double overlap = Math.min(p + 1, a1) - Math.max(p, a0);
          wts[p - p0] = (float) (Math.max(0, overlap) / total);
        }
        wts[wts.length - 1] += (float) (overhang / total);
        boxStart[b] = p0;
        boxWeights[b] = wts;
      }
      int[] tapStart = new int[width];
      float[][] taps = new float[width][];
      if (residual == 1.0) {
        for (int x = 0; x < width; x++) {
          tapStart[x] = Math.min(x, boxes - 1);
          taps[x] = new float[] {1f};
        }
        return new Axis(width, boxes, boxStart, boxWeights, tapStart, taps);
      }
      // Lanczos3 with vips_reduce's geometry: 2 rint(3 r) + 1 taps, centre (x + 0.5) r - 0.5
      // shifted by half the pixels invented or dropped, phase quantised to 1/64 pixel
      int points = 2 * (int) Math.rint(3 * residual) + 1;
      double offset = (1 + extra) / 2.0 - 1;
      int embed = (int) Math.ceil(points / 2.0) - 1;
      for (int x = 0; x < width; x++) {
        double pos = (x + 0.5) * residual - 0.5 - offset;
        int ix = (int) pos;
        int phase = (((int) (pos * 128)) & 127) + 1 >> 1;
        double half = phase / 64.0 + points / 2.0 - 1;
        double[] c = new double[points];
        double sum = 0;
        for (int i = 0; i < points; i++) {
          c[i] = lanczos3((i - half) / residual);
          sum += c[i];
        }
        // taps read boxes ix - embed + i, clamped to the edges
        int first = ix - embed;
        int lo = Math.max(0, Math.min(boxes - 1, first));
        int hi = Math.max(0, Math.min(boxes - 1, first + points - 1));
        float[] t = new float[hi - lo + 1];
        for (int i = 0; i < points; i++) {
          int bIdx = Math.max(0, Math.min(boxes - 1, first + i));
          t[bIdx - lo] += (float) (c[i] / sum);
        }
        tapStart[x] = lo;
        taps[x] = t;
      }
      return new Axis(width, boxes, boxStart, boxWeights, tapStart, taps);
    }

    /** Resamples {@code in[from + k * step]} (base pixels) to {@code to[at + x * step]} (map pixels). */
    void apply(float[] in, int from, int step, float[] to, int at, int toStep) {
      float[] boxed = new float[boxes];
      for (int b = 0; b < boxes; b++) {
        float[] wts = boxWeights[b];
        int p = from + boxStart[b] * step;
        float s = 0;
        for (int k = 0; k < wts.length; k++, p += step) {
          s += wts[k] * in[p];
        }
        boxed[b] = s;
      }
      for (int x = 0; x < out; x++) {
        float[] t = taps[x];
        int b = tapStart[x];
        float s = 0;
        for (int k = 0; k < t.length; k++) {
          s += t[k] * boxed[b + k];
        }
        to[at + x * toStep] = s;
      }
    }
  }

  private static double lanczos3(double x) {
    if (x == 0) {
      return 1;
    }
    if (x <= -3 || x >= 3) {
      return 0;
    }
    double px = Math.PI * x;
    return 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
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
