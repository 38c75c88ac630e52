package com.snapasset.imaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Reduces an image to at most 256 colours for an indexed PNG: median cut over a 5-bit-per-channel
 * histogram, refined by k-means, then Floyd–Steinberg dithering. Pixels under half opacity map to
 * one fully transparent entry; the rest are treated as opaque.
 */
final class Quantizer {
  private static final int BINS = 1 << 15;

  record Result(byte[] indices, byte[] plte, byte[] trns) {}

  private Quantizer() {}

  static Result quantize(Pixels px) {
    int[] argb = px.argb;
    long[] sumR = new long[BINS];
    long[] sumG = new long[BINS];
    long[] sumB = new long[BINS];
    int[] count = new int[BINS];
    boolean transparent = false;
    for (int p : argb) {
      if (p >>> 24 < 128) {
        transparent = true;
        continue;
      }
      int bin = bin(p);
      count[bin]++;
      sumR[bin] += (p >>> 16) & 0xFF;
      sumG[bin] += (p >>> 8) & 0xFF;
      sumB[bin] += p & 0xFF;
    }
    int maxColours = transparent ? 255 : 256;
    int[] bins = nonEmpty(count);
    int[][] palette = medianCut(bins, count, sumR, sumG, sumB, maxColours);
    palette = refine(palette, bins, count, sumR, sumG, sumB);
    int offset = transparent ? 1 : 0;
    byte[] plte = new byte[(palette.length + offset) * 3];
    for (int i = 0; i < palette.length; i++) {
      plte[(i + offset) * 3] = (byte) palette[i][0];
      plte[(i + offset) * 3 + 1] = (byte) palette[i][1];
      plte[(i + offset) * 3 + 2] = (byte) palette[i][2];
    }
    byte[] indices = dither(px, palette, offset);
    return new Result(indices, plte, transparent ? new byte[] {0} : new byte[0]);
  }

  private static int bin(int p) {
    return ((p >>> 19) & 0x1F) << 10 | ((p >>> 11) & 0x1F) << 5 | ((p >>> 3) & 0x1F);
  }

  private static int[] nonEmpty(int[] count) {
    int n = 0;
    for (int c : count) {
      if (c > 0) {
        n++;
      }
    }
    int[] bins = new int[n];
    for (int i = 0, j = 0; i < BINS; i++) {
      if (count[i] > 0) {
        bins[j++] = i;
      }
    }
    return bins;
  }

  /** A box of histogram bins: {@code bins[from, to)}. */
  private record Box(int from, int to, long pixels, int axis, int range) {}

  private static int[][] medianCut(
      int[] bins, int[] count, long[] sumR, long[] sumG, long[] sumB, int maxColours) {
    if (bins.length == 0) {
      return new int[][] {{0, 0, 0}};
    }
    // split the box whose pixels spread the most: population × its longest side
    PriorityQueue<Box> queue = new PriorityQueue<>(
        Comparator.comparingDouble((Box b) -> -(double) b.pixels() * b.range()));
    queue.add(box(bins, count, 0, bins.length));
    List<Box> done = new ArrayList<>();
    while (!queue.isEmpty() && queue.size() + done.size() < maxColours) {
      Box b = queue.poll();
      if (b.to() - b.from() < 2 || b.range() == 0) {
        done.add(b);
        continue;
      }
      int shift = b.axis() == 0 ? 10 : b.axis() == 1 ? 5 : 0;
      sortSlice(bins, b.from(), b.to(), shift);
      long half = b.pixels() / 2;
      long acc = 0;
      int cut = b.from() + 1;
      for (int i = b.from(); i < b.to() - 1; i++) {
        acc += count[bins[i]];
        if (acc >= half) {
          cut = i + 1;
          break;
        }
        cut = i + 2;
      }
      cut = Math.min(cut, b.to() - 1);
      queue.add(box(bins, count, b.from(), cut));
      queue.add(box(bins, count, cut, b.to()));
    }
    done.addAll(queue);
    int[][] palette = new int[done.size()][];
    for (int i = 0; i < palette.length; i++) {
      Box b = done.get(i);
      long r = 0;
      long g = 0;
      long bl = 0;
      long n = 0;
      for (int j = b.from(); j < b.to(); j++) {
        int bin = bins[j];
        r += sumR[bin];
        g += sumG[bin];
        bl += sumB[bin];
        n += count[bin];
      }
      palette[i] = new int[] {(int) (r / n), (int) (g / n), (int) (bl / n)};
    }
    return palette;
  }

  private static Box box(int[] bins, int[] count, int from, int to) {
    int[] min = {31, 31, 31};
    int[] max = {0, 0, 0};
    long pixels = 0;
    for (int i = from; i < to; i++) {
      int bin = bins[i];
      int[] c = {bin >>> 10, (bin >>> 5) & 0x1F, bin & 0x1F};
      for (int k = 0; k < 3; k++) {
        min[k] = Math.min(min[k], c[k]);
        max[k] = Math.max(max[k], c[k]);
      }
      pixels += count[bin];
    }
    // green matters most to the eye, blue least
    double[] weight = {1.0, 1.2, 0.8};
    int axis = 0;
    double best = -1;
    for (int k = 0; k < 3; k++) {
      double r = (max[k] - min[k]) * weight[k];
      if (r > best) {
        best = r;
        axis = k;
      }
    }
    return new Box(from, to, pixels, axis, max[axis] - min[axis]);
  }

  private static void sortSlice(int[] bins, int from, int to, int shift) {
    Integer[] slice = new Integer[to - from];
    for (int i = from; i < to; i++) {
      slice[i - from] = bins[i];
    }
    java.util.Arrays.sort(slice, Comparator.comparingInt(b -> (b >>> shift) & 0x1F));
    for (int i = from; i < to; i++) {
      bins[i] = slice[i - from];
    }
  }

  /** A few k-means rounds over the histogram: moves each entry to the mean of what it serves. */
  private static int[][] refine(
      int[][] palette, int[] bins, int[] count, long[] sumR, long[] sumG, long[] sumB) {
    for (int round = 0; round < 3; round++) {
      long[][] acc = new long[palette.length][4];
      for (int bin : bins) {
        int n = count[bin];
        int r = (int) (sumR[bin] / n);
        int g = (int) (sumG[bin] / n);
        int b = (int) (sumB[bin] / n);
        int i = nearest(palette, r, g, b);
        acc[i][0] += sumR[bin];
        acc[i][1] += sumG[bin];
        acc[i][2] += sumB[bin];
        acc[i][3] += n;
      }
      for (int i = 0; i < palette.length; i++) {
        if (acc[i][3] > 0) {
          palette[i] = new int[] {
            (int) (acc[i][0] / acc[i][3]), (int) (acc[i][1] / acc[i][3]), (int) (acc[i][2] / acc[i][3])
          };
        }
      }
    }
    return palette;
  }

  private static int nearest(int[][] palette, int r, int g, int b) {
    int best = 0;
    int bestD = Integer.MAX_VALUE;
    for (int i = 0; i < palette.length; i++) {
      int dr = palette[i][0] - r;
      int dg = palette[i][1] - g;
      int db = palette[i][2] - b;
      int d = 2 * dr * dr + 4 * dg * dg + db * db;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /** Floyd–Steinberg error diffusion; nearest entries cached per 6-bit-per-channel colour. */
  private static byte[] dither(Pixels px, int[][] palette, int offset) {
    int w = px.width;
    int h = px.height;
    byte[] out = new byte[w * h];
    short[] cache = new short[1 << 18];
    java.util.Arrays.fill(cache, (short) -1);
    float[] errCur = new float[(w + 2) * 3];
    float[] errNext = new float[(w + 2) * 3];
    for (int y = 0; y < h; y++) {
      java.util.Arrays.fill(errNext, 0f);
      for (int x = 0; x < w; x++) {
        int p = px.argb[y * w + x];
        if (p >>> 24 < 128) {
          out[y * w + x] = 0;
          continue;
        }
        int e = (x + 1) * 3;
        int r = clamp(((p >>> 16) & 0xFF) + errCur[e]);
        int g = clamp(((p >>> 8) & 0xFF) + errCur[e + 1]);
        int b = clamp((p & 0xFF) + errCur[e + 2]);
        int key = (r >>> 2) << 12 | (g >>> 2) << 6 | (b >>> 2);
        int i = cache[key];
        if (i < 0) {
          i = nearest(palette, r, g, b);
          cache[key] = (short) i;
        }
        out[y * w + x] = (byte) (i + offset);
        float er = r - palette[i][0];
        float eg = g - palette[i][1];
        float eb = b - palette[i][2];
        spread(errCur, e + 3, er, eg, eb, 7f / 16);
        spread(errNext, e - 3, er, eg, eb, 3f / 16);
        spread(errNext, e, er, eg, eb, 5f / 16);
        spread(errNext, e + 3, er, eg, eb, 1f / 16);
      }
      float[] t = errCur;
      errCur = errNext;
      errNext = t;
    }
    return out;
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
