package com.snapasset.imaging;

import com.snapasset.OutputOptions;

/** Places a rendered part on its canvas (letterbox) and flattens alpha for formats without it. */
final class Compositor {
  private Compositor() {}

  static Pixels finish(Pixels part, Layout l, OutputOptions o) {
    boolean keepAlpha = o.format().supportsAlpha();
    int bg = o.background();
    Pixels out = part;
    if (!l.fillsCanvas()) {
      int fill = keepAlpha ? bg : 0xFF000000 | bg;
      int[] canvas = new int[l.canvasW() * l.canvasH()];
      java.util.Arrays.fill(canvas, fill);
      for (int y = 0; y < part.height; y++) {
        System.arraycopy(part.argb, y * part.width, canvas, (l.dy() + y) * l.canvasW() + l.dx(), part.width);
      }
      out = new Pixels(canvas, l.canvasW(), l.canvasH(), part.alpha || (fill >>> 24) != 0xFF);
    }
    if (!keepAlpha && out.alpha) {
      out = flatten(out, bg);
    }
    return out;
  }

  /** Blends every pixel over the background's opaque colour. */
  static Pixels flatten(Pixels px, int bg) {
    int br = (bg >>> 16) & 0xFF;
    int bgG = (bg >>> 8) & 0xFF;
    int bb = bg & 0xFF;
    int[] out = new int[px.argb.length];
    for (int i = 0; i < out.length; i++) {
      int p = px.argb[i];
      int a = p >>> 24;
      if (a == 0xFF) {
        out[i] = p;
        continue;
      }
      int r = (((p >>> 16) & 0xFF) * a + br * (255 - a) + 127) / 255;
      int g = (((p >>> 8) & 0xFF) * a + bgG * (255 - a) + 127) / 255;
      int b = ((p & 0xFF) * a + bb * (255 - a) + 127) / 255;
      out[i] = 0xFF000000 | r << 16 | g << 8 | b;
    }
    return new Pixels(out, px.width, px.height, false);
  }
}
