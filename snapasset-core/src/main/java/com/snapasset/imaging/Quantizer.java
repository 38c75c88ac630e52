package com.snapasset.imaging;

import java.util.Arrays;

/**
 * Reduces an image to at most 256 colours for an indexed PNG. Pixels under half opacity map to one
 * fully transparent entry; the rest are treated as opaque.
 *
 * <ul>
 *   <li>An image with at most 256 distinct colours keeps them exactly (lossless, no dithering).
 *   <li>Otherwise, over a histogram of 6 bits per channel (each bin at the mean of its pixels): a
 *       variance-based median cut (the box with the largest squared error is split across its
 *       widest channel where the two halves' error is smallest), stopped as soon as the error
 *       reaches the target of the quality (libimagequant's scale: 100 always uses every colour,
 *       lower qualities may use fewer colours and give smaller files), refined by k-means. As in
 *       libimagequant, the target is per pixel of an image in which no colour counts for more than
 *       a tenth of it (see {@link Histogram#targetWeight}).
 *   <li>Pixels are mapped to their nearest entry with serpentine Floyd–Steinberg error diffusion,
 *       damped, and weighted per pixel by libimagequant's dither map (see {@link #ditherMap}):
 *       full in long runs of one entry (the bands a gradient would show), weaker where the entry
 *       changes every few pixels and at edges, where the image's own detail hides the steps and
 *       dithering would only add grain (which costs PSNR and deflates badly).
 * </ul>
 *
 * <p>Distances are plain squared sRGB differences, the measure PSNR (the comparison with
 * libimagequant) uses.
 */
final class Quantizer {
  private static final int BITS = 6;
  private static final int LEVELS = 1 << BITS;
  private static final int SHIFT = 8 - BITS;
  private static final int KMEANS_ROUNDS = 8;
  /** Carried error (squared, summed over channels) too small to be worth diffusing. */
  private static final float DITHER_THRESHOLD = 2;
  /**
   * Share of the error that is diffused. libimagequant diffuses 15/16; ours finds entries closer to
   * the pixels in busy areas, and 0.6 keeps the PSNR at or above libimagequant's at quality 90 on
   * the comparison inputs (0.75 lost 0.1–0.3 dB on photographs) while still breaking up bands.
   */
  private static final float DITHER_DAMPING = 0.6f;
  /** Neighbour contrast (sum of channel differences) above which dithering fades out. */
  private static final float EDGE = 24;
  /** The least dithering at the strongest edges. */
  private static final float EDGE_MIN = 0.25f;
  /** Carried or new errors beyond this many times the palette's mean error are cut back. */
  private static final float MAX_FACTOR = 2.4f;
  /**
   * Our share of libimagequant's target error for a quality: our median cut stops on its own
   * (not k-means-refined) error and in plain sRGB, so the same number gives fewer colours. With
   * the weight cap ({@link #DOMINANT_SHARE}), 0.2 lands 1.5–1.7 dB above libimagequant's PSNR at
   * quality 90 on the flat comparison inputs (screenshot, illustration; above it on each of their
   * nine presets) at 0.84–0.87 of its bytes, and 1.2–1.9 dB above on flat inputs not used to
   * choose it (other crops, sizes, a dark variant and a dashboard with gradients).
   */
  private static final double TARGET_SCALE = 0.2;
  /**
   * Most of the image that one histogram bin counts for in the quality target, as libimagequant
   * caps a colour's weight at a tenth of the image. A flat background exactly matched by an entry
   * has no error; counted in full, it would dilute the error of the rest, so that a screenshot
   * with much background (or a crop enlarged into it) got fewer colours for its text and edges.
   */
  private static final double DOMINANT_SHARE = 0.1;

  record Result(byte[] indices, byte[] plte, byte[] trns) {}

  private Quantizer() {}

  static Result quantize(Pixels px) {
    return quantize(px, 100);
  }

  /**
   * @param quality 1–100, as libimagequant's maximum quality (Sharp's {@code quality}); 100 uses
   *     up to 256 colours whatever the error
   */
  static Result quantize(Pixels px, int quality) {
    int[] argb = px.argb;
    boolean transparent = false;
    for (int p : argb) {
      if (p >>> 24 < 128) {
        transparent = true;
        break;
      }
    }
    int maxColours = transparent ? 255 : 256;
    int offset = transparent ? 1 : 0;
    byte[] trns = transparent ? new byte[] {0} : new byte[0];
    Result exact = exact(argb, maxColours, offset, trns);
    if (exact != null) {
      return exact;
    }
    Histogram hist = Histogram.of(argb);
    float[] palette = medianCut(hist, maxColours, targetError(quality) * hist.targetWeight());
    palette = kmeans(hist, palette);
    Lookup lookup = new Lookup(palette);
    byte[] plte = new byte[(lookup.size + offset) * 3];
    for (int i = 0; i < lookup.size; i++) {
      plte[(i + offset) * 3] = (byte) lookup.r[i];
      plte[(i + offset) * 3 + 1] = (byte) lookup.g[i];
      plte[(i + offset) * 3 + 2] = (byte) lookup.b[i];
    }
    return new Result(remap(px, lookup, offset, error(hist, lookup)), plte, trns);
  }

  /**
   * Mean squared error per pixel (summed over R, G, B on the 0–255 scale) that a quality allows:
   * libimagequant's {@code quality_to_mse}, whose unit is a colour difference on the 0–1 scale.
   */
  static double targetError(int quality) {
    if (quality >= 100) {
      return 0;
    }
    double q = quality;
    double fudge = Math.max(0, 0.016 / (0.001 + q) - 0.001);
    double mse = fudge + 2.5 / Math.pow(210.0 + q, 1.2) * (100.1 - q) / 100.0;
    return mse * 255 * 255 * TARGET_SCALE;
  }

  // ---- at most maxColours distinct colours: use them as they are

  private static Result exact(int[] argb, int maxColours, int offset, byte[] trns) {
    int[] keys = new int[1024];
    short[] values = new short[1024];
    Arrays.fill(keys, -1);
    int[] colours = new int[maxColours];
    int n = 0;
    for (int p : argb) {
      if (p >>> 24 < 128) {
        continue;
      }
      int rgb = p & 0xFFFFFF;
      int slot = slot(rgb);
      while (keys[slot] != -1 && keys[slot] != rgb) {
        slot = (slot + 1) & 1023;
      }
      if (keys[slot] == -1) {
        if (n == maxColours) {
          return null;
        }
        keys[slot] = rgb;
        colours[n++] = rgb;
      }
    }
    // entries in colour order, so that the result does not depend on where colours first appear
    int[] sorted = Arrays.copyOf(colours, n);
    Arrays.sort(sorted);
    byte[] plte = new byte[(n + offset) * 3];
    for (int i = 0; i < n; i++) {
      int rgb = sorted[i];
      int slot = slot(rgb);
      while (keys[slot] != rgb) {
        slot = (slot + 1) & 1023;
      }
      values[slot] = (short) (i + offset);
      plte[(i + offset) * 3] = (byte) (rgb >>> 16);
      plte[(i + offset) * 3 + 1] = (byte) (rgb >>> 8);
      plte[(i + offset) * 3 + 2] = (byte) rgb;
    }
    byte[] indices = new byte[argb.length];
    for (int i = 0; i < argb.length; i++) {
      int p = argb[i];
      if (p >>> 24 < 128) {
        continue; // entry 0, the transparent one
      }
      int rgb = p & 0xFFFFFF;
      int slot = slot(rgb);
      while (keys[slot] != rgb) {
        slot = (slot + 1) & 1023;
      }
      indices[i] = (byte) values[slot];
    }
    return new Result(indices, plte, trns);
  }

  private static int slot(int rgb) {
    return (rgb * 0x9E3779B1) >>> 22;
  }

  // ---- histogram

  /** The non-empty bins of a 6-bit-per-channel histogram, each at the mean of its pixels. */
  static final class Histogram {
    final float[] r;
    final float[] g;
    final float[] b;
    final float[] w;
    /** Each bin's cell coordinates, for counting sorts: r << 12 | g << 6 | b. */
    final int[] cell;
    final long pixels;

    private Histogram(float[] r, float[] g, float[] b, float[] w, int[] cell, long pixels) {
      this.r = r;
      this.g = g;
      this.b = b;
      this.w = w;
      this.cell = cell;
      this.pixels = pixels;
    }

    static Histogram of(int[] argb) {
      int bins = LEVELS * LEVELS * LEVELS;
      int[] count = new int[bins];
      long[] sum = new long[bins * 3];
      long pixels = 0;
      for (int p : argb) {
        if (p >>> 24 < 128) {
          continue;
        }
        int r = (p >>> 16) & 0xFF;
        int g = (p >>> 8) & 0xFF;
        int b = p & 0xFF;
        int bin = (r >>> SHIFT) << (2 * BITS) | (g >>> SHIFT) << BITS | (b >>> SHIFT);
        count[bin]++;
        sum[bin * 3] += r;
        sum[bin * 3 + 1] += g;
        sum[bin * 3 + 2] += b;
        pixels++;
      }
      int n = 0;
      for (int c : count) {
        if (c > 0) {
          n++;
        }
      }
      float[] r = new float[n];
      float[] g = new float[n];
      float[] b = new float[n];
      float[] w = new float[n];
      int[] cell = new int[n];
      for (int bin = 0, j = 0; bin < bins; bin++) {
        int c = count[bin];
        if (c > 0) {
          r[j] = (float) sum[bin * 3] / c;
          g[j] = (float) sum[bin * 3 + 1] / c;
          b[j] = (float) sum[bin * 3 + 2] / c;
          w[j] = c;
          cell[j] = bin;
          j++;
        }
      }
      return new Histogram(r, g, b, w, cell, pixels);
    }

    int size() {
      return w.length;
    }

    /**
     * The pixels the quality target is per: every bin's, but none counting for more than
     * {@link #DOMINANT_SHARE} of the image.
     */
    double targetWeight() {
      double cap = DOMINANT_SHARE * pixels;
      double total = 0;
      for (float c : w) {
        total += Math.min(c, cap);
      }
      return total;
    }

    float channel(int c, int i) {
      return c == 0 ? r[i] : c == 1 ? g[i] : b[i];
    }
  }

  // ---- palette selection

  /** Bins {@code order[from, to)} with their weight, sums and squared error. */
  private static final class Box {
    final int from;
    final int to;
    double weight;
    final double[] sum = new double[3];
    final double[] spread = new double[3];
    double error;

    Box(Histogram h, int[] order, int from, int to) {
      this.from = from;
      this.to = to;
      double[] squares = new double[3];
      for (int i = from; i < to; i++) {
        int k = order[i];
        float w = h.w[k];
        weight += w;
        for (int c = 0; c < 3; c++) {
          float v = h.channel(c, k);
          sum[c] += w * v;
          squares[c] += w * v * v;
        }
      }
      for (int c = 0; c < 3; c++) {
        spread[c] = Math.max(0, squares[c] - sum[c] * sum[c] / weight);
        error += spread[c];
      }
    }

    int widest() {
      return spread[0] >= spread[1] && spread[0] >= spread[2] ? 0 : spread[1] >= spread[2] ? 1 : 2;
    }
  }

  /**
   * Splits the box of largest squared error until there are {@code maxColours} boxes or the
   * total error is at most {@code targetError}; returns the boxes' means as r, g, b triples.
   */
  private static float[] medianCut(Histogram h, int maxColours, double targetError) {
    int n = h.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Box[] boxes = new Box[maxColours];
    int count = 0;
    if (n > 0) {
      boxes[count++] = new Box(h, order, 0, n);
    }
    int[] scratch = new int[n];
    while (count < maxColours) {
      double total = 0;
      int worst = -1;
      for (int i = 0; i < count; i++) {
        total += boxes[i].error;
        if (boxes[i].to - boxes[i].from > 1
            && (worst < 0 || boxes[i].error > boxes[worst].error)) {
          worst = i;
        }
      }
      if (worst < 0 || total <= targetError || boxes[worst].error <= 0) {
        break;
      }
      Box b = boxes[worst];
      int axis = b.widest();
      sortByCell(h, order, scratch, b.from, b.to, axis);
      int cut = bestCut(h, order, b, axis);
      boxes[worst] = new Box(h, order, b.from, cut);
      boxes[count++] = new Box(h, order, cut, b.to);
    }
    float[] palette = new float[Math.max(1, count) * 3];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < 3; c++) {
        palette[i * 3 + c] = (float) (boxes[i].sum[c] / boxes[i].weight);
      }
    }
    return palette;
  }

  /** Counting sort of {@code order[from, to)} by the bins' cell coordinate on one channel. */
  private static void sortByCell(Histogram h, int[] order, int[] scratch, int from, int to, int axis) {
    int shift = (2 - axis) * BITS;
    int[] start = new int[LEVELS + 1];
    for (int i = from; i < to; i++) {
      start[((h.cell[order[i]] >>> shift) & (LEVELS - 1)) + 1]++;
    }
    for (int v = 0; v < LEVELS; v++) {
      start[v + 1] += start[v];
    }
    for (int i = from; i < to; i++) {
      int k = order[i];
      scratch[from + start[(h.cell[k] >>> shift) & (LEVELS - 1)]++] = k;
    }
    System.arraycopy(scratch, from, order, from, to - from);
  }

  /**
   * Where to cut the sorted box so that the two halves' squared error is smallest: the cut that
   * maximises the sum over channels of sum² / weight of both sides.
   */
  private static int bestCut(Histogram h, int[] order, Box b, int axis) {
    int shift = (2 - axis) * BITS;
    double w = 0;
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double best = -1;
    int cut = b.from + 1;
    for (int i = b.from; i < b.to - 1; i++) {
      int k = order[i];
      float wk = h.w[k];
      w += wk;
      s0 += wk * h.r[k];
      s1 += wk * h.g[k];
      s2 += wk * h.b[k];
      // only between different cells along the axis, so that equal bins stay together
      if (((h.cell[k] ^ h.cell[order[i + 1]]) >>> shift & (LEVELS - 1)) == 0) {
        continue;
      }
      double rw = b.weight - w;
      double r0 = b.sum[0] - s0;
      double r1 = b.sum[1] - s1;
      double r2 = b.sum[2] - s2;
      double score = (s0 * s0 + s1 * s1 + s2 * s2) / w + (r0 * r0 + r1 * r1 + r2 * r2) / rw;
      if (score > best) {
        best = score;
        cut = i + 1;
      }
    }
    return cut;
  }

  /** Lloyd's k-means over the bins: each entry moves to the mean of the bins nearest to it. */
  private static float[] kmeans(Histogram h, float[] palette) {
    int n = h.size();
    int k = palette.length / 3;
    double previous = Double.MAX_VALUE;
    for (int round = 0; round < KMEANS_ROUNDS; round++) {
      Lookup lookup = new Lookup(palette);
      double[] acc = new double[k * 4];
      double error = 0;
      for (int i = 0; i < n; i++) {
        float r = h.r[i];
        float g = h.g[i];
        float b = h.b[i];
        int e = lookup.nearest(Math.round(r), Math.round(g), Math.round(b));
        float w = h.w[i];
        float dr = r - lookup.fr[e];
        float dg = g - lookup.fg[e];
        float db = b - lookup.fb[e];
        error += w * (dr * dr + dg * dg + db * db);
        acc[e * 4] += w * r;
        acc[e * 4 + 1] += w * g;
        acc[e * 4 + 2] += w * b;
        acc[e * 4 + 3] += w;
      }
      float[] next = new float[k * 3];
      for (int e = 0; e < lookup.size; e++) {
        double w = acc[e * 4 + 3];
        for (int c = 0; c < 3; c++) {
          // an entry nothing maps to keeps its place
          next[e * 3 + c] = w > 0 ? (float) (acc[e * 4 + c] / w) : lookup.channel(c, e);
        }
      }
      palette = next;
      if (error > previous * 0.995) {
        break; // converged
      }
      previous = error;
    }
    return palette;
  }

  /** Mean squared error per pixel of the palette over the histogram, without dithering. */
  private static double error(Histogram h, Lookup lookup) {
    double error = 0;
    for (int i = 0; i < h.size(); i++) {
      int e = lookup.nearest(Math.round(h.r[i]), Math.round(h.g[i]), Math.round(h.b[i]));
      float dr = h.r[i] - lookup.r[e];
      float dg = h.g[i] - lookup.g[e];
      float db = h.b[i] - lookup.b[e];
      error += h.w[i] * (dr * dr + dg * dg + db * db);
    }
    return h.pixels == 0 ? 0 : error / h.pixels;
  }

  /**
   * Palette entries (ordered by r + g + b, so that the order does not depend on how they were
   * found) with a nearest search over candidate lists per cell of 16 levels a channel, built when
   * a cell is first used (Heckbert's locally sorted search): a cell keeps the entries whose
   * nearest point in the cell is no farther than the smallest farthest point of any entry, which
   * are the only ones that can be nearest to a colour in it — typically a dozen of 256.
   */
  static final class Lookup {
    final int size;
    final int[] r;
    final int[] g;
    final int[] b;
    final float[] fr;
    final float[] fg;
    final float[] fb;
    private final int[][] cells = new int[16 * 16 * 16][];

    Lookup(float[] palette) {
      size = palette.length / 3;
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> {
        int c = Float.compare(palette[x * 3] + palette[x * 3 + 1] + palette[x * 3 + 2],
            palette[y * 3] + palette[y * 3 + 1] + palette[y * 3 + 2]);
        return c != 0 ? c : Integer.compare(x, y);
      });
      r = new int[size];
      g = new int[size];
      b = new int[size];
      fr = new float[size];
      fg = new float[size];
      fb = new float[size];
      for (int i = 0; i < size; i++) {
        int e = order[i];
        fr[i] = palette[e * 3];
        fg[i] = palette[e * 3 + 1];
        fb[i] = palette[e * 3 + 2];
        r[i] = clamp(fr[i]);
        g[i] = clamp(fg[i]);
        b[i] = clamp(fb[i]);
      }
    }

    float channel(int c, int e) {
      return c == 0 ? fr[e] : c == 1 ? fg[e] : fb[e];
    }

    /** The entry nearest to the colour (squared sRGB distance; the first of equals). */
    int nearest(int pr, int pg, int pb) {
      int cell = (pr >>> 4) << 8 | (pg >>> 4) << 4 | (pb >>> 4);
      int[] candidates = cells[cell];
      if (candidates == null) {
        candidates = candidates(cell);
        cells[cell] = candidates;
      }
      int best = candidates[0];
      int bestD = Integer.MAX_VALUE;
      for (int e : candidates) {
        int dr = r[e] - pr;
        int dg = g[e] - pg;
        int db = b[e] - pb;
        int d = dr * dr + dg * dg + db * db;
        if (d < bestD) {
          bestD = d;
          best = e;
        }
      }
      return best;
    }

    private int[] candidates(int cell) {
      int lr = (cell >>> 8) << 4;
      int lg = ((cell >>> 4) & 15) << 4;
      int lb = (cell & 15) << 4;
      int[] near = new int[size];
      int bound = Integer.MAX_VALUE;
      for (int e = 0; e < size; e++) {
        near[e] = gap(r[e], lr) + gap(g[e], lg) + gap(b[e], lb);
        bound = Math.min(bound, far(r[e], lr) + far(g[e], lg) + far(b[e], lb));
      }
      int n = 0;
      int[] list = new int[size];
      for (int e = 0; e < size; e++) {
        if (near[e] <= bound) {
          list[n++] = e;
        }
      }
      return Arrays.copyOf(list, n);
    }

    /** Squared distance from v to the nearest of lo–lo+15. */
    private static int gap(int v, int lo) {
      int d = v < lo ? lo - v : v > lo + 15 ? v - lo - 15 : 0;
      return d * d;
    }

    /** Squared distance from v to the farthest of lo–lo+15. */
    private static int far(int v, int lo) {
      int d = Math.max(Math.abs(v - lo), Math.abs(v - lo - 15));
      return d * d;
    }
  }

  // ---- mapping

  /**
   * Serpentine Floyd–Steinberg in the manner of libimagequant: the error is damped, weakened at
   * edges and in texture (where it only adds noise), not diffused when negligible, and cut back
   * where it grows beyond a few times the palette's own error (which would make colours pop).
   * Nearest entries come from a direct-mapped cache of exact colours.
   */
  private static byte[] remap(Pixels px, Lookup lookup, int offset, double paletteError) {
    int w = px.width;
    int h = px.height;
    int[] argb = px.argb;
    byte[] out = new byte[w * h];
    int[] cacheKey = new int[1 << 16];
    byte[] cacheValue = new byte[1 << 16];
    Arrays.fill(cacheKey, -1);
    float[] errCur = new float[(w + 2) * 3];
    float[] errNext = new float[(w + 2) * 3];
    float threshold = DITHER_THRESHOLD;
    float damping = DITHER_DAMPING;
    float maxError = (float) Math.max(paletteError * MAX_FACTOR, 8);
    byte[] map = ditherMap(argb, w, h, lookup, cacheKey, cacheValue);
    for (int y = 0; y < h; y++) {
      Arrays.fill(errNext, 0f);
      boolean forward = (y & 1) == 0;
      int dir = forward ? 3 : -3;
      for (int i = 0; i < w; i++) {
        int x = forward ? i : w - 1 - i;
        int p = argb[y * w + x];
        if (p >>> 24 < 128) {
          out[y * w + x] = 0;
          continue;
        }
        int e = (x + 1) * 3;
        float level = damping * (map[y * w + x] & 0xFF) / 255f * edgeLevel(argb, w, h, x, y, p);
        float sr = errCur[e] * level;
        float sg = errCur[e + 1] * level;
        float sb = errCur[e + 2] * level;
        float carried = sr * sr + sg * sg + sb * sb;
        if (carried < threshold) {
          sr = 0;
          sg = 0;
          sb = 0;
        } else if (carried > maxError) {
          sr *= 0.8f;
          sg *= 0.8f;
          sb *= 0.8f;
        }
        int r = clamp(((p >>> 16) & 0xFF) + sr);
        int g = clamp(((p >>> 8) & 0xFF) + sg);
        int b = clamp((p & 0xFF) + sb);
        int rgb = r << 16 | g << 8 | b;
        int slot = (rgb * 0x9E3779B1) >>> 16;
        int entry;
        if (cacheKey[slot] == rgb) {
          entry = cacheValue[slot] & 0xFF;
        } else {
          entry = lookup.nearest(r, g, b);
          cacheKey[slot] = rgb;
          cacheValue[slot] = (byte) entry;
        }
        out[y * w + x] = (byte) (entry + offset);
        float er = r - lookup.fr[entry];
        float eg = g - lookup.fg[entry];
        float eb = b - lookup.fb[entry];
        if (er * er + eg * eg + eb * eb > maxError) {
          er *= 0.75f;
          eg *= 0.75f;
          eb *= 0.75f;
        }
        spread(errCur, e + dir, er, eg, eb, 7f / 16);
        spread(errNext, e - dir, er, eg, eb, 3f / 16);
        spread(errNext, e, er, eg, eb, 5f / 16);
        spread(errNext, e + dir, er, eg, eb, 1f / 16);
      }
      float[] t = errCur;
      errCur = errNext;
      errNext = t;
    }
    return out;
  }

  /**
   * libimagequant's dither map: how much to dither each pixel, judged on the undithered mapping.
   * Long runs of one entry with the same entry above and below are bands, to be dithered fully;
   * where the entry changes every few pixels the image's own detail already hides the steps, and
   * dithering there would only add noise.
   */
  private static byte[] ditherMap(int[] argb, int w, int h, Lookup lookup, int[] cacheKey, byte[] cacheValue) {
    byte[] plain = new byte[w * h];
    for (int i = 0; i < argb.length; i++) {
      int rgb = argb[i] & 0xFFFFFF;
      int slot = (rgb * 0x9E3779B1) >>> 16;
      if (cacheKey[slot] == rgb) {
        plain[i] = cacheValue[slot];
      } else {
        int entry = lookup.nearest(rgb >>> 16, (rgb >>> 8) & 0xFF, rgb & 0xFF);
        cacheKey[slot] = rgb;
        cacheValue[slot] = (byte) entry;
        plain[i] = (byte) entry;
      }
    }
    byte[] map = new byte[w * h];
    for (int y = 0; y < h; y++) {
      int row = y * w;
      int from = 0;
      for (int x = 1; x <= w; x++) {
        if (x < w && plain[row + x] == plain[row + from]) {
          continue;
        }
        byte entry = plain[row + from];
        int neighbours = 10 * (x - from);
        for (int i = from; i < x; i++) {
          if (y > 0 && plain[row - w + i] == entry) {
            neighbours += 15;
          }
          if (y + 1 < h && plain[row + w + i] == entry) {
            neighbours += 15;
          }
        }
        byte level = (byte) Math.round(255f * (1f - 20f / (20 + neighbours)));
        Arrays.fill(map, row + from, row + x, level);
        from = x;
      }
    }
    return map;
  }

  /** 1 in smooth areas, down to EDGE_MIN where the pixel differs strongly from a neighbour. */
  private static float edgeLevel(int[] argb, int w, int h, int x, int y, int p) {
    int c = 0;
    if (x + 1 < w) {
      c = Math.max(c, diff(p, argb[y * w + x + 1]));
    }
    if (x > 0) {
      c = Math.max(c, diff(p, argb[y * w + x - 1]));
    }
    if (y + 1 < h) {
      c = Math.max(c, diff(p, argb[(y + 1) * w + x]));
    }
    if (y > 0) {
      c = Math.max(c, diff(p, argb[(y - 1) * w + x]));
    }
    if (c <= EDGE) {
      return 1;
    }
    return Math.max(EDGE_MIN, EDGE / c);
  }

  private static int diff(int p, int q) {
    return Math.abs(((p >>> 16) & 0xFF) - ((q >>> 16) & 0xFF))
        + Math.abs(((p >>> 8) & 0xFF) - ((q >>> 8) & 0xFF))
        + Math.abs((p & 0xFF) - (q & 0xFF));
  }

  private static void spread(float[] err, int at, float r, float g, float b, float f) {
    err[at] += r * f;
    err[at + 1] += g * f;
    err[at + 2] += b * f;
  }

  private static int clamp(float v) {
    int i = Math.round(v);
    return i < 0 ? 0 : Math.min(i, 255);
  }
}
