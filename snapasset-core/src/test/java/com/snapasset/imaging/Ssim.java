package com.snapasset.imaging;

import java.awt.image.BufferedImage;

/**
 * Structural similarity (Wang et al. 2004) of two images' luma, with the usual constants and 8 × 8
 * windows at a stride of 4. 1.0 means identical. Used by tests and the Sharp comparison.
 */
public final class Ssim {
  private static final double C1 = Math.pow(0.01 * 255, 2);
  private static final double C2 = Math.pow(0.03 * 255, 2);
  private static final int WINDOW = 8;
  private static final int STRIDE = 4;

  private Ssim() {}

  public static double of(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      throw new IllegalArgumentException("sizes differ: " + a.getWidth() + "x" + a.getHeight()
          + " vs " + b.getWidth() + "x" + b.getHeight());
    }
    int w = a.getWidth();
    int h = a.getHeight();
    double[] la = luma(a);
    double[] lb = luma(b);
    double total = 0;
    int windows = 0;
    for (int y = 0; y + WINDOW <= h; y += STRIDE) {
      for (int x = 0; x + WINDOW <= w; x += STRIDE) {
        double ma = 0;
        double mb = 0;
        for (int j = 0; j < WINDOW; j++) {
          for (int i = 0; i < WINDOW; i++) {
            ma += la[(y + j) * w + x + i];
            mb += lb[(y + j) * w + x + i];
          }
        }
        int n = WINDOW * WINDOW;
        ma /= n;
        mb /= n;
        double va = 0;
        double vb = 0;
        double cov = 0;
        for (int j = 0; j < WINDOW; j++) {
          for (int i = 0; i < WINDOW; i++) {
            double da = la[(y + j) * w + x + i] - ma;
            double db = lb[(y + j) * w + x + i] - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        }
        va /= n - 1;
        vb /= n - 1;
        cov /= n - 1;
        total += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
        windows++;
      }
    }
    return windows == 0 ? 1.0 : total / windows;
  }

  private static double[] luma(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = image.getRGB(0, 0, w, h, null, 0, w);
    double[] l = new double[px.length];
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      // composite over black so transparent areas compare as what they show
      double a = (p >>> 24) / 255.0;
      l[i] = a * (0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF));
    }
    return l;
  }
}
