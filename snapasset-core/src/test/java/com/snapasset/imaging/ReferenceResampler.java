package com.snapasset.imaging;

import java.util.Arrays;

/**
 * The resampler before its ring of rows (commit 08e45b4), kept as the tests' reference: the
 * horizontal pass of every source row the window needs into whole planes, then the vertical pass,
 * in the same float order as {@link Resampler}, so the two must agree exactly. It shares only
 * {@link Resampler.Kernel} (the weights), which it does not test.
 */
final class ReferenceResampler {
  private ReferenceResampler() {}

  static Pixels resize(Pixels src, int scaledW, int scaledH, int left, int top, int outW, int outH) {
    if (scaledW == src.width && scaledH == src.height) {
      return Resampler.crop(src, left, top, outW, outH);
    }
    Resampler.Kernel kx = Resampler.Kernel.of(src.width, scaledW, left, outW);
    Resampler.Kernel ky = Resampler.Kernel.of(src.height, scaledH, top, outH);
    int channels = src.alpha ? 4 : 3;
    int firstRow = ky.first();
    int lastRow = 0;
    for (int i = 0; i < outH; i++) {
      lastRow = Math.max(lastRow, ky.start[i] + ky.count[i]);
    }
    int rows = lastRow - firstRow;
    float[][] planes = new float[channels][rows * outW];
    float[] line = new float[src.width * channels];
    for (int r = 0; r < rows; r++) {
      unpack(src, firstRow + r, line, channels);
      for (int x = 0; x < outW; x++) {
        int s = kx.start[x] * channels;
        int wo = x * kx.stride;
        for (int c = 0; c < channels; c++) {
          float sum = 0;
          for (int i = 0; i < kx.count[x]; i++) {
            sum += kx.weights[wo + i] * line[s + i * channels + c];
          }
          planes[c][r * outW + x] = sum;
        }
      }
    }
    if (kx.bicubic && channels == 3) {
      for (float[] plane : planes) {
        for (int i = 0; i < plane.length; i++) {
          plane[i] = clamp(plane[i]);
        }
      }
    }
    int[] out = new int[outW * outH];
    float[][] acc = new float[channels][outW];
    for (int y = 0; y < outH; y++) {
      int start = ky.start[y] - firstRow;
      int wo = y * ky.stride;
      for (int c = 0; c < channels; c++) {
        float[] a = acc[c];
        Arrays.fill(a, 0f);
        for (int k = 0; k < ky.count[y]; k++) {
          float w = ky.weights[wo + k];
          int base = (start + k) * outW;
          for (int x = 0; x < outW; x++) {
            a[x] += w * planes[c][base + x];
          }
        }
      }
      for (int x = 0; x < outW; x++) {
        int r = clamp(acc[0][x]);
        int g = clamp(acc[1][x]);
        int b = clamp(acc[2][x]);
        if (channels == 3) {
          out[y * outW + x] = 0xFF000000 | r << 16 | g << 8 | b;
          continue;
        }
        int alpha = clamp(acc[3][x]);
        float un = alpha == 0 ? 0 : 255f / alpha;
        out[y * outW + x] = alpha == 0 ? 0
            : alpha << 24 | clamp(acc[0][x] * un) << 16 | clamp(acc[1][x] * un) << 8 | clamp(acc[2][x] * un);
      }
    }
    return new Pixels(out, outW, outH, src.alpha);
  }

  private static void unpack(Pixels src, int y, float[] line, int channels) {
    for (int x = 0; x < src.width; x++) {
      int p = src.argb[y * src.width + x];
      int s = x * channels;
      if (channels == 3) {
        line[s] = (p >>> 16) & 0xFF;
        line[s + 1] = (p >>> 8) & 0xFF;
        line[s + 2] = p & 0xFF;
      } else {
        float a = (p >>> 24) * (1f / 255f);
        line[s] = ((p >>> 16) & 0xFF) * a;
        line[s + 1] = ((p >>> 8) & 0xFF) * a;
        line[s + 2] = (p & 0xFF) * a;
        line[s + 3] = p >>> 24;
      }
    }
  }

  private static int clamp(float v) {
    int i = (int) (v + 0.5f);
    return i < 0 ? 0 : Math.min(i, 255);
  }
}
