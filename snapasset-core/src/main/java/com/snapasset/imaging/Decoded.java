package com.snapasset.imaging;

import com.snapasset.spi.DecodedImage;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An upright sRGB source image and, built on first use by a smart crop, its small analysis copies.
 * Immutable apart from that idempotent cache and the scaled windows below, so any number of threads
 * may render from it.
 *
 * <p>Renditions of one image often scale it to the same size: the 1200-wide Twitter, Facebook and
 * LinkedIn posts all cut a 1200 × 675, 630 or 627 window from one scaled image, and with centre
 * crops the tallest window holds the other two. {@link #resized} keeps each window it resamples
 * (softly: the garbage collector may take it back under memory pressure) and cuts a later window
 * of the same scaled size out of one that contains it, instead of resampling the source again: the
 * same pixels, since an output pixel's kernel depends only on its place in the scaled image.
 */
final class Decoded implements DecodedImage, Layout.SmartCropSource {
  final Pixels pixels;
  private volatile SmartCrop smartCrop;
  /** Windows resampled so far, newest last; guarded by {@code this}. */
  private final List<Window> windows = new ArrayList<>();

  Decoded(Pixels pixels) {
    this.pixels = pixels;
  }

  @Override
  public int width() {
    return pixels.width;
  }

  @Override
  public int height() {
    return pixels.height;
  }

  @Override
  public SmartCrop smartCrop() {
    SmartCrop s = smartCrop;
    if (s == null) {
      // two threads may both build it; the results are equal, so the race is harmless
      s = SmartCrop.of(pixels);
      smartCrop = s;
    }
    return s;
  }

  /**
   * The {@code w × h} window at ({@code left}, {@code top}) of this image scaled to {@code scaledW
   * × scaledH}, as {@link Resampler#resize} gives it: cut from a window already resampled (or
   * being resampled by another thread, which it then waits for) when one of the same scaled size
   * contains it, else resampled and kept for later renditions.
   */
  Pixels resized(int scaledW, int scaledH, int left, int top, int w, int h) {
    if (scaledW == pixels.width && scaledH == pixels.height) {
      return Resampler.crop(pixels, left, top, w, h); // nothing to resample
    }
    Window mine = null;
    while (mine == null) {
      Window found = null;
      synchronized (this) {
        for (int i = windows.size() - 1; i >= 0 && found == null; i--) {
          if (windows.get(i).contains(scaledW, scaledH, left, top, w, h)) {
            found = windows.get(i);
          }
        }
        if (found == null) {
          mine = new Window(scaledW, scaledH, left, top, w, h);
          windows.add(mine);
        }
      }
      if (found != null) {
        // waited for outside the lock: the thread computing it needs the lock if it fails
        Pixels whole = found.pixels();
        if (whole != null) {
          return Resampler.crop(whole, left - found.left, top - found.top, w, h);
        }
        synchronized (this) {
          windows.remove(found); // collected, or its computation failed: look again
        }
      }
    }
    Pixels out;
    try {
      out = Resampler.resize(pixels, scaledW, scaledH, left, top, w, h);
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        windows.remove(mine);
      }
      mine.failed(); // waiters look again (and compute it themselves)
      throw e;
    }
    mine.done(out);
    return out;
  }

  /** The number of windows kept, for tests. */
  synchronized int windowsKept() {
    return windows.size();
  }

  /** Whether a kept window's pixels are still held other than softly, for tests. */
  synchronized boolean holdsWindowsStrongly() {
    return windows.stream().anyMatch(Window::holdsStrongly);
  }

  /**
   * One resampled window: a future while it is being computed (other renditions wait for it rather
   * than compute what it will hold), then only a soft reference (the future is let go, so that
   * nothing else here holds the pixels).
   */
  private static final class Window {
    final int scaledW;
    final int scaledH;
    final int left;
    final int top;
    final int w;
    final int h;
    private volatile CompletableFuture<Pixels> pending = new CompletableFuture<>();
    private volatile SoftReference<Pixels> done;

    Window(int scaledW, int scaledH, int left, int top, int w, int h) {
      this.scaledW = scaledW;
      this.scaledH = scaledH;
      this.left = left;
      this.top = top;
      this.w = w;
      this.h = h;
    }

    boolean contains(int sw, int sh, int l, int t, int ww, int hh) {
      return sw == scaledW && sh == scaledH
          && l >= left && t >= top && l + ww <= left + w && t + hh <= top + h;
    }

    void done(Pixels p) {
      done = new SoftReference<>(p); // before pending is let go: pixels() reads them in that order
      CompletableFuture<Pixels> f = pending;
      pending = null;
      f.complete(p);
    }

    void failed() {
      CompletableFuture<Pixels> f = pending;
      pending = null;
      f.complete(null);
    }

    /**
     * The window's pixels, waiting for them if another thread is computing them; null if they
     * were collected or their computation failed.
     */
    Pixels pixels() {
      CompletableFuture<Pixels> f = pending;
      if (f != null) {
        return f.join();
      }
      SoftReference<Pixels> d = done;
      return d == null ? null : d.get();
    }

    /** Whether anything here other than the soft reference still holds the pixels, for tests. */
    boolean holdsStrongly() {
      return pending != null;
    }
  }

  @Override
  public String toString() {
    return "DecodedImage[" + pixels.width + "x" + pixels.height + (pixels.alpha ? ", alpha]" : "]");
  }
}
