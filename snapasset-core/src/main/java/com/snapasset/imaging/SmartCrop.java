package com.snapasset.imaging;

import com.snapasset.CropPosition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two picture-aware crop strategies, after libvips' {@code vips_smartcrop} (which Sharp calls),
 * computed on small copies of the source made once per decoded image, so each rendition pays
 * at most a look at a few thousand box sums rather than a pass over its pixels.
 *
 * <ul>
 *   <li>attention: a 32 × 32 saliency map (edges of luminance, skin tones, saturation, ignoring
 *       dark areas) blurred with a sigma proportional to the crop, whose maximum the crop centres on;
 *   <li>entropy: repeatedly trims one eighth of the excess from the side whose slice has less
 *       colour entropy (a 10 × 10 × 10 histogram), scored on a copy of at most 256 pixels a side.
 * </ul>
 *
 * <p>libvips scores the scaled image, shrunk to 32 × 32 by vips_resize. The blurred map often has
 * near-equal maxima in neighbouring cells (0.03 % apart on the benchmark photographs), and one cell
 * moves the window by 1/32 of the scaled side, so the attention map reproduces that resize rather
 * than any good one: per axis the box shrink vips_reduce applies first (to at least twice the map
 * size) and then Lanczos3 with vips' phase and tap count, the boxes being area averages of a copy of
 * at most 768 pixels a side (a smaller source is enlarged to it first by {@link Resampler}, as Sharp
 * enlarges it). The blur mask and the choice among equal maxima follow vips too. The
 * map depends only on the scaled size, so renditions sharing one reuse it.
 */
final class SmartCrop {
  private static final int MAP = 32;
  private static final int ENTROPY_SIDE = 256;

  /** Longest side of the copy the attention maps are sampled from. */
  static final int BASE_SIDE = 768;

  private final Pixels src;
  private final int baseSide;
  // each copy is made on first use (an image is usually cropped by one strategy only); two
  // threads may both make one, and the results are equal, so the race is harmless
  private volatile Base base;
  private volatile Small small;
  /** Attention scores per scaled size: the presets of one job share a few scaled sizes. */
  private final Map<Long, float[]> saliency = new ConcurrentHashMap<>();

  /** The attention maps' copy, as running sums along each row, per channel: row y holds w + 1 sums. */
  private record Base(int[][] rowSums, int w, int h) {}

  /** The entropy copy. */
  private record Small(int[] argb, int w, int h) {}

  private SmartCrop(Pixels src, int baseSide) {
    this.src = src;
    this.baseSide = baseSide;
  }

  static SmartCrop of(Pixels src) {
    return new SmartCrop(src, BASE_SIDE);
  }

  static SmartCrop of(Pixels src, int baseSide) {
    return new SmartCrop(src, baseSide);
  }

  private Base base() {
    Base b = base;
    if (b == null) {
      b = makeBase(src, baseSide);
      base = b;
    }
    return b;
  }

  private Small small() {
    Small s = small;
    if (s == null) {
      double f = Math.min(1.0, (double) ENTROPY_SIDE / Math.max(src.width, src.height));
      int sw = Math.max(1, (int) Math.round(src.width * f));
      int sh = Math.max(1, (int) Math.round(src.height * f));
      s = new Small(boxShrink(src, sw, sh), sw, sh);
      small = s;
    }
    return s;
  }

  private static Base makeBase(Pixels src, int baseSide) {
    double b = (double) baseSide / Math.max(src.width, src.height);
    int bw = Math.max(1, (int) Math.round(src.width * b));
    int bh = Math.max(1, (int) Math.round(src.height * b));
    // A small source is enlarged first (Resampler, as Sharp enlarges it) before scoring: box
    // averages of its blocky pixels would differ from those of the smooth enlargement.
    int[] base = b >= 1 ? premultiplied(Resampler.resize(src, bw, bh, 0, 0, bw, bh)) : areaShrink(src, bw, bh);
    int[][] rowSums = new int[3][bh * (bw + 1)];
    for (int y = 0; y < bh; y++) {
      int r = 0;
      int g = 0;
      int bl = 0;
      int o = y * (bw + 1);
      for (int x = 0; x < bw; x++) {
        int p = base[y * bw + x];
        r += (p >>> 16) & 0xFF;
        g += (p >>> 8) & 0xFF;
        bl += p & 0xFF;
        rowSums[0][o + x + 1] = r;
        rowSums[1][o + x + 1] = g;
        rowSums[2][o + x + 1] = bl;
      }
    }
    return new Base(rowSums, bw, bh);
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
      // the first of equal maxima in raster order, as vips_max's scan (Sharp keeps the top-left
      // window of a flat image)
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

  /**
   * The source scaled to {@code scaledW × scaledH} and then to the map size the way libvips'
   * vips_resize does it (so near-equal maxima fall as they do in Sharp): per axis an integer box
   * shrink leaving at least twice the map size, then Lanczos3 for the rest. The box averages of the
   * scaled image are taken as area averages of the base copy (from its running sums), and both
   * axes are boxed before either is filtered, so a map costs about one look at each box.
   */
  private int[] attentionMap(int scaledW, int scaledH) {
    Base b = base();
    int baseW = b.w();
    int baseH = b.h();
    int[][] rowSums = b.rowSums();
    Axis ax = Axis.of(baseW, scaledW, Math.min(MAP, scaledW));
    Axis ay = Axis.of(baseH, scaledH, Math.min(MAP, scaledH));
    int bx = ax.boxes;
    int by = ay.boxes;
    int mw = ax.out;
    int mh = ay.out;
    float[][] map = new float[3][];
    // running sums down the columns of the row-boxed base: row y + 1 holds rows 0 … y
    double[] sums = new double[(baseH + 1) * bx];
    double[] boxed = new double[by * bx];
    double[] line = new double[Math.max(bx, by)];
    float[] half = new float[by * mw];
    for (int c = 0; c < 3; c++) {
      int[] rows = rowSums[c];
      for (int y = 0; y < baseH; y++) {
        int at = (y + 1) * bx;
        ax.box(rows, y * (baseW + 1), sums, at);
        for (int x = 0; x < bx; x++) {
          sums[at + x] += sums[at - bx + x];
        }
      }
      ay.boxRows(sums, bx, boxed);
      for (int y = 0; y < by; y++) {
        System.arraycopy(boxed, y * bx, line, 0, bx);
        ax.filter(line, half, y * mw, 1);
      }
      float[] m = new float[mw * mh];
      for (int x = 0; x < mw; x++) {
        for (int y = 0; y < by; y++) {
          line[y] = half[y * mw + x];
        }
        ay.filter(line, m, x, mw);
      }
      map[c] = m;
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
   * One axis of the map resize: which stretch of the base copy each box of the scaled image
   * covers, and the Lanczos3 taps from boxes to map pixels.
   */
  private static final class Axis {
    final int out;
    final int boxes;
    final int len;
    // box b covers base coordinates [fromPixel[b] + fromFraction[b], toPixel[b] + toFraction[b])
    // plus overhang[b] copies of the last pixel (fractions < 1, pixels < len)
    final int[] fromPixel;
    final double[] fromFraction;
    final int[] toPixel;
    final double[] toFraction;
    final double[] overhang;
    final double[] inverseWidth;
    final int[] tapStart;
    final double[][] taps;

    private Axis(int out, int len, double[] from, double[] to, double[] overhang, int[] tapStart,
        double[][] taps) {
      this.out = out;
      this.len = len;
      this.boxes = from.length;
      this.fromPixel = new int[boxes];
      this.fromFraction = new double[boxes];
      this.toPixel = new int[boxes];
      this.toFraction = new double[boxes];
      this.inverseWidth = new double[boxes];
      for (int b = 0; b < boxes; b++) {
        // a coordinate on the last pixel's far edge is that pixel at fraction 1
        fromPixel[b] = Math.min(len - 1, (int) from[b]);
        fromFraction[b] = from[b] - fromPixel[b];
        toPixel[b] = Math.min(len - 1, (int) to[b]);
        toFraction[b] = to[b] - toPixel[b];
        inverseWidth[b] = 1 / (to[b] - from[b] + overhang[b]);
      }
      this.overhang = overhang;
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
      double[] from = new double[boxes];
      double[] to = new double[boxes];
      double[] overhang = new double[boxes];
      for (int b = 0; b < boxes; b++) {
        from[b] = Math.min(baseLen, (double) b * n * q);
        to[b] = Math.min(baseLen, Math.min(scaled, (double) (b + 1) * n) * q);
        overhang[b] = Math.max(0, (double) (b + 1) * n - scaled) * q;
      }
      int[] tapStart = new int[width];
      double[][] taps = new double[width][];
      if (residual == 1.0) {
        for (int x = 0; x < width; x++) {
          tapStart[x] = Math.min(x, boxes - 1);
          taps[x] = new double[] {1};
        }
        return new Axis(width, baseLen, from, to, overhang, tapStart, taps);
      }
      // Lanczos3 with vips_reduce's geometry: 2 rint(3 r) + 1 taps, centre (x + 0.5) r - 0.5
      // shifted by half the pixels invented or dropped, phase quantised to 1/64 pixel
      int points = 2 * (int) Math.rint(3 * residual) + 1;
      double offset = (1 + extra) / 2.0 - 1;
      int embed = (int) Math.ceil(points / 2.0) - 1;
      double[] c = new double[points];
      for (int x = 0; x < width; x++) {
        double pos = (x + 0.5) * residual - 0.5 - offset;
        int ix = (int) pos;
        int phase = (((int) (pos * 128)) & 127) + 1 >> 1;
        double half = phase / 64.0 + points / 2.0 - 1;
        double sum = 0;
        for (int i = 0; i < points; i++) {
          c[i] = Resampler.lanczos3((i - half) / residual);
          sum += c[i];
        }
        // the taps read boxes ix - embed + i, clamped to the edges
        int first = ix - embed;
        int lo = Math.max(0, Math.min(boxes - 1, first));
        int hi = Math.max(0, Math.min(boxes - 1, first + points - 1));
        double[] t = new double[hi - lo + 1];
        for (int i = 0; i < points; i++) {
          t[Math.max(0, Math.min(boxes - 1, first + i)) - lo] += c[i] / sum;
        }
        tapStart[x] = lo;
        taps[x] = t;
      }
      return new Axis(width, baseLen, from, to, overhang, tapStart, taps);
    }

    /** Box averages of one base row, given as running sums {@code sums[at … at + len]}. */
    void box(int[] sums, int at, double[] boxed, int into) {
      int edge = sums[at + len] - sums[at + len - 1];
      for (int b = 0; b < boxes; b++) {
        int i0 = at + fromPixel[b];
        int i1 = at + toPixel[b];
        double s = sums[i1] + toFraction[b] * (sums[i1 + 1] - sums[i1])
            - sums[i0] - fromFraction[b] * (sums[i0 + 1] - sums[i0]);
        boxed[into + b] = (s + overhang[b] * edge) * inverseWidth[b];
      }
    }

    /**
     * Box averages along this axis of the rows of {@code sums}, running sums of {@code stride}
     * columns (row r holds the sum of base rows 0 … r - 1), into rows of {@code boxed}.
     */
    void boxRows(double[] sums, int stride, double[] boxed) {
      int edge = (len - 1) * stride;
      for (int b = 0; b < boxes; b++) {
        int i0 = fromPixel[b] * stride;
        int i1 = toPixel[b] * stride;
        double f0 = fromFraction[b];
        double f1 = toFraction[b];
        double o = overhang[b];
        double iw = inverseWidth[b];
        int into = b * stride;
        for (int x = 0; x < stride; x++) {
          double s = sums[i1 + x] + f1 * (sums[i1 + stride + x] - sums[i1 + x])
              - sums[i0 + x] - f0 * (sums[i0 + stride + x] - sums[i0 + x]);
          boxed[into + x] = (s + o * (sums[edge + stride + x] - sums[edge + x])) * iw;
        }
      }
    }

    /** Lanczos3 from boxes {@code line[0 … boxes)} to map pixels {@code to[at + x * step]}. */
    void filter(double[] line, float[] dst, int at, int step) {
      for (int x = 0; x < out; x++) {
        double[] t = taps[x];
        int b = tapStart[x];
        double s = 0;
        for (int k = 0; k < t.length; k++) {
          s += t[k] * line[b + k];
        }
        dst[at + x * step] = (float) s;
      }
    }

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
    Small s = small();
    int smallW = s.w();
    int smallH = s.h();
    int[] small = s.argb();
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
   * Exact area-average shrink: each target pixel averages the source area it covers, partial
   * source pixels weighted by their overlap, so a non-integer ratio does not jitter edges.
   * Colour is premultiplied by alpha.
   */
  static int[] areaShrink(Pixels src, int w, int h) {
    int[] x0 = new int[src.width];
    float[] wx = new float[src.width];
    overlaps(src.width, w, x0, wx);
    int[] y0 = new int[src.height];
    float[] wy = new float[src.height];
    overlaps(src.height, h, y0, wy);
    // one spare pixel (row) at the end takes the zero-weight remainders of the last ones
    float[] rows = new float[3 * (w + 1)];
    float[] acc = new float[3 * w * (h + 1)];
    boolean alpha = src.alpha;
    for (int y = 0; y < src.height; y++) {
      java.util.Arrays.fill(rows, 0f);
      int o = y * src.width;
      for (int x = 0; x < src.width; x++) {
        int p = src.argb[o + x];
        float a = alpha ? (p >>> 24) / 255f : 1f;
        float f = wx[x] * a;
        float rest = a - f;
        float r = (p >>> 16) & 0xFF;
        float g = (p >>> 8) & 0xFF;
        float b = p & 0xFF;
        int t = x0[x] * 3;
        rows[t] += f * r;
        rows[t + 1] += f * g;
        rows[t + 2] += f * b;
        rows[t + 3] += rest * r;
        rows[t + 4] += rest * g;
        rows[t + 5] += rest * b;
      }
      int t = y0[y] * 3 * w;
      float f = wy[y];
      float rest = 1 - f;
      int n = 3 * w;
      // two plain loops rather than one with two stores: the JIT vectorises these
      for (int k = 0; k < n; k++) {
        acc[t + k] += f * rows[k];
      }
      if (rest > 0) {
        for (int k = 0; k < n; k++) {
          acc[t + n + k] += rest * rows[k];
        }
      }
    }
    // each target pixel covers (source / target)^2 source pixels
    float norm = (float) ((double) w * h / ((double) src.width * src.height));
    int[] out = new int[w * h];
    for (int i = 0; i < out.length; i++) {
      out[i] = 0xFF000000 | toByte(acc[i * 3] * norm) << 16 | toByte(acc[i * 3 + 1] * norm) << 8
          | toByte(acc[i * 3 + 2] * norm);
    }
    return out;
  }

  /**
   * For each of {@code n} source pixels shrunk to {@code m}: the target pixel its start falls in,
   * and the share of it that falls there (the rest falls in the next one).
   */
  private static void overlaps(int n, int m, int[] first, float[] share) {
    for (int i = 0; i < n; i++) {
      // source pixel i spans [i m, (i + 1) m) in units of 1/n target pixel
      long start = (long) i * m;
      long end = start + m;
      int t = (int) (start / n);
      long boundary = (long) (t + 1) * n;
      first[i] = t;
      share[i] = end <= boundary ? 1f : (float) (boundary - start) / m;
    }
  }

  /** Area-average shrink (each target pixel averages the source pixels whose centres fall in it). */
  static int[] boxShrink(Pixels src, int w, int h) {
    // long: a box of a very large source can hold millions of pixels
    long[] sum = new long[w * h * 3];
    int[] count = new int[w * h];
    int[] column = new int[src.width];
    for (int x = 0; x < src.width; x++) {
      column[x] = (int) ((long) x * w / src.width);
    }
    for (int y = 0; y < src.height; y++) {
      int row = (int) ((long) y * h / src.height) * w;
      int o = y * src.width;
      for (int x = 0; x < src.width; x++) {
        int p = src.argb[o + x];
        int t = row + column[x];
        int r = (p >>> 16) & 0xFF;
        int g = (p >>> 8) & 0xFF;
        int b = p & 0xFF;
        if (src.alpha) {
          // transparent pixels count as black, as they show on a dark background
          int a = p >>> 24;
          r = r * a / 255;
          g = g * a / 255;
          b = b * a / 255;
        }
        sum[t * 3] += r;
        sum[t * 3 + 1] += g;
        sum[t * 3 + 2] += b;
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
    return LINEAR[c];
  }

  /** The sRGB transfer function inverted, per 8-bit level (Math.pow per pixel costs more than a map). */
  private static final double[] LINEAR = new double[256];

  static {
    for (int c = 0; c < 256; c++) {
      double v = c / 255.0;
      LINEAR[c] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
  }

  /** CIE Lab's companding of a ratio to the white point. */
  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }

  /**
   * The half-width of vips_gaussmat's mask at min_ampl 0.2: it keeps the taps before the first
   * one under 0.2, so the first integer x past sigma * sqrt(-2 ln 0.2) is excluded.
   */
  static int blurRadius(double sigma) {
    int radius = 0;
    while (Math.exp(-(double) (radius + 1) * (radius + 1) / (2 * sigma * sigma)) >= 0.2) {
      radius++;
    }
    return radius;
  }

  /**
   * Separable Gaussian blur, edges extended, as libvips' vips_gaussblur with its defaults: the mask
   * is cut where it falls under 0.2 and its weights are rounded to integers out of 20.
   */
  private static float[] gaussBlur(float[] in, int w, int h, double sigma) {
    int radius = blurRadius(sigma);
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
