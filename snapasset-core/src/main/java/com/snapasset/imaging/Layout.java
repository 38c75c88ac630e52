package com.snapasset.imaging;

import com.snapasset.CropPosition;
import com.snapasset.Fit;

/**
 * Where the pixels of one rendition come from and go to: the source is scaled to
 * {@code scaledW × scaledH}, the {@code partW × partH} window at ({@code left}, {@code top}) of it is
 * kept and drawn at ({@code dx}, {@code dy}) on a {@code canvasW × canvasH} canvas. Rounding and
 * gravity offsets follow Sharp's, so renditions line up with Sharp's pixel for pixel.
 */
record Layout(
    int scaledW, int scaledH, int left, int top, int partW, int partH,
    int canvasW, int canvasH, int dx, int dy) {

  /** Whether the part fills the canvas (no letterbox). */
  boolean fillsCanvas() {
    return partW == canvasW && partH == canvasH;
  }

  static Layout of(int srcW, int srcH, int w, int h, Fit fit, CropPosition position, SmartCropSource smart) {
    switch (fit) {
      case FILL -> {
        return new Layout(w, h, 0, 0, w, h, w, h, 0, 0);
      }
      case INSIDE, OUTSIDE -> {
        double scale = fit == Fit.INSIDE
            ? Math.min((double) w / srcW, (double) h / srcH)
            : Math.max((double) w / srcW, (double) h / srcH);
        int sw = scaled(srcW, scale, fit == Fit.INSIDE ? w : Integer.MAX_VALUE, w);
        int sh = scaled(srcH, scale, fit == Fit.INSIDE ? h : Integer.MAX_VALUE, h);
        return new Layout(sw, sh, 0, 0, sw, sh, sw, sh, 0, 0);
      }
      case CONTAIN -> {
        double scale = Math.min((double) w / srcW, (double) h / srcH);
        int sw = scaled(srcW, scale, w, w);
        int sh = scaled(srcH, scale, h, h);
        int dx = switch (position.horizontal()) {
          case -1 -> 0;
          case 1 -> w - sw;
          default -> (w - sw) / 2;
        };
        int dy = switch (position.vertical()) {
          case -1 -> 0;
          case 1 -> h - sh;
          default -> (h - sh) / 2;
        };
        return new Layout(sw, sh, 0, 0, sw, sh, w, h, dx, dy);
      }
      default -> { // COVER
        double scale = Math.max((double) w / srcW, (double) h / srcH);
        int sw = Math.max(w, (int) Math.round(srcW * scale));
        int sh = Math.max(h, (int) Math.round(srcH * scale));
        int left;
        int top;
        if (position.isSmart() && (sw > w || sh > h)) {
          int[] o = smart.smartCrop().offset(position, sw, sh, w, h);
          left = o[0];
          top = o[1];
        } else {
          left = gravity(position.horizontal(), sw, w);
          top = gravity(position.vertical(), sh, h);
        }
        return new Layout(sw, sh, left, top, w, h, w, h, 0, 0);
      }
    }
  }

  /** A scaled side, rounded as Sharp does and kept within 1 … the box side where it must fit. */
  private static int scaled(int side, double scale, int max, int exact) {
    int s = (int) Math.round(side * scale);
    if (Math.abs(side * scale - exact) < 1e-9) {
      s = exact;
    }
    return Math.max(1, Math.min(max, s));
  }

  private static int gravity(int direction, int scaled, int box) {
    return switch (direction) {
      case -1 -> 0;
      case 1 -> scaled - box;
      default -> (scaled - box + 1) / 2;
    };
  }

  /** Supplies the smart-crop maps, built only when a smart position asks for them. */
  interface SmartCropSource {
    SmartCrop smartCrop();
  }
}
