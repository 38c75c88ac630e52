package com.snapasset.imaging;

import com.snapasset.ImageProcessingException;
import com.snapasset.spi.DecodedImage;
import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An upright sRGB source image and, built on first use by a smart crop, its small analysis copies.
 * Immutable apart from that idempotent cache and the scaled windows below, so any number of threads
 * may render from it.
 *
 * <p>Renditions of one image often scale it to the same size: the 1200-wide Twitter, Facebook and
 * LinkedIn posts all cut a 1200 × 675, 630 or 627 window from one scaled image, and with centre
 * crops the tallest window holds the other two. {@link #resized} keeps the {@value #KEPT} windows
 * it used last (softly too: the garbage collector may take them back under memory pressure) and
 * cuts a later window of the same scaled size out of one that contains it, instead of resampling
 * the source again: the same pixels, since an output pixel's kernel depends only on its place in
 * the scaled image. Only a few are kept because the decoded image lives through the whole job
 * (its stores too) and the other windows are never reused; two, because the presets in their
 * order put one other size between the Twitter and Facebook posts and one between Facebook's and
 * LinkedIn's.
 *
 * <p>The engine {@linkplain #close closes} the image once the job's renditions are rendered (the
 * image itself lives on while the files are stored and the job is recorded): the kept windows are
 * let go then, not when the collector gets to the image.
 */
final class Decoded implements DecodedImage, Layout.SmartCropSource, AutoCloseable {
  /**
   * How many resampled windows are kept, the most recently used. A window being resampled makes
   * room for itself first, so while a rendition renders, the window it uses is one of them: a
   * rendering thread holds at most one window more than without sharing.
   */
  static final int KEPT = 2;

  final Pixels pixels;
  private volatile SmartCrop smartCrop;
  /**
   * Windows being resampled (any number: their threads hold them anyway) and at most {@link #KEPT}
   * resampled ones, least recently used first; guarded by {@code this}.
   */
  private final List<Window> windows = new ArrayList<>();
  /** Windows this image began to resample, for tests and measurements; guarded by {@code this}. */
  private int resampled;
  /** Set by {@link #close}: nothing more is kept; guarded by {@code this}. */
  private boolean closed;
  /** Runs between resampling a window and publishing it, for tests; null otherwise. */
  volatile Runnable resampledForTest;

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
   * being resampled by another thread, which it then waits for) when a kept one of the same scaled
   * size contains it, else resampled and kept for later renditions until the image is {@linkplain
   * #close closed}.
   *
   * @throws ImageProcessingException when interrupted while waiting for another thread's window
   *     (the interrupt status is set again)
   */
  Pixels resized(int scaledW, int scaledH, int left, int top, int w, int h) {
    if (scaledW == pixels.width && scaledH == pixels.height) {
      return Resampler.crop(pixels, left, top, w, h); // nothing to resample
    }
    Window mine = null;
    while (mine == null) {
      Window found = null;
      synchronized (this) {
        if (closed) {
          resampled++;
          break; // rendered after close: resampled alone, as without sharing
        }
        for (int i = windows.size() - 1; i >= 0 && found == null; i--) {
          if (windows.get(i).contains(scaledW, scaledH, left, top, w, h)) {
            found = windows.remove(i);
            windows.add(found); // now the most recently used
          }
        }
        if (found == null) {
          // room first: while this thread resamples, one other window is kept besides its own
          trim(KEPT - 1);
          mine = new Window(scaledW, scaledH, left, top, w, h);
          windows.add(mine);
          resampled++;
        }
      }
      if (found != null) {
        // waited for outside the lock: the thread computing it needs the lock to finish
        Pixels whole = found.pixels();
        if (whole != null) {
          return Resampler.crop(whole, left - found.left, top - found.top, w, h);
        }
        synchronized (this) {
          windows.remove(found); // collected, or its computation failed: look again
        }
      }
    }
    if (mine == null) {
      return Resampler.resize(pixels, scaledW, scaledH, left, top, w, h);
    }
    try {
      Pixels out = Resampler.resize(pixels, scaledW, scaledH, left, top, w, h);
      Runnable hook = resampledForTest;
      if (hook != null) {
        hook.run();
      }
      mine.done(out);
      synchronized (this) {
        trim(closed ? 0 : KEPT); // windows finished meanwhile by other threads; all once closed
      }
      return out;
    } finally {
      if (!mine.isDone()) { // Resampler or done() threw (an OutOfMemoryError, say)
        mine.failed(); // first, allocating nothing: waiters look again (and compute it themselves)
        synchronized (this) {
          windows.remove(mine);
        }
      }
    }
  }

  /**
   * Lets the resampled windows go and keeps none from now on: later renditions still render, each
   * resampling its own window. A window still being resampled by another thread is left to it (it
   * holds the pixels anyway; its waiters get them) and dropped when done. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (int i = windows.size() - 1; i >= 0; i--) {
        Window w = windows.get(i);
        if (w.isDone()) {
          windows.remove(i);
          // cleared too, not only unlisted: a reference from an old-generation Window would keep
          // the pixels through young collections until the next marking
          w.clear();
        }
      }
    }
  }

  /** Drops the least recently used resampled windows beyond {@code max}; holds {@code this}. */
  private void trim(int max) {
    int done = 0;
    for (int i = windows.size() - 1; i >= 0; i--) {
      if (windows.get(i).isDone() && ++done > max) {
        windows.remove(i);
      }
    }
  }

  /** The number of windows kept or being resampled, for tests. */
  synchronized int windowsKept() {
    return windows.size();
  }

  /** How many windows this image began to resample (the others were cut from one), for tests. */
  synchronized int windowsResampled() {
    return resampled;
  }

  /** The scaled widths of the windows kept or being resampled, least recently used first, for tests. */
  synchronized List<Integer> keptScaledWidths() {
    return windows.stream().map(w -> w.scaledW).toList();
  }

  /** Whether a kept window's pixels are still held other than softly, for tests. */
  synchronized boolean holdsWindowsStrongly() {
    return windows.stream().anyMatch(Window::holdsStrongly);
  }

  /** Registers a window as being resampled by a thread that never finishes it, for tests. */
  synchronized void pendForTest(int scaledW, int scaledH, int left, int top, int w, int h) {
    windows.add(new Window(scaledW, scaledH, left, top, w, h));
  }

  /** Clears the soft references of the kept windows, as the collector may, for tests. */
  synchronized void clearKeptForTest() {
    windows.forEach(Window::clear);
  }

  /**
   * One resampled window: a future while it is being computed (other renditions wait for it rather
   * than compute what it will hold), then only a soft reference (the future is let go, so that
   * nothing else here holds the pixels). The pixels are shared by every thread that cuts from
   * them, without copying or locking: that relies on {@link Pixels} never being written once
   * built ({@link Resampler#crop} only reads them).
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

    /**
     * Called once, by the computing thread. It allocates, so it may throw (an OutOfMemoryError):
     * then {@link #isDone} is false and {@link #failed} must follow.
     */
    void done(Pixels p) {
      CompletableFuture<Pixels> f = pending;
      f.complete(p); // first: if what follows throws, failed() completes nothing more
      done = new SoftReference<>(p); // before pending is let go: pixels() reads them in that order
      pending = null;
    }

    /** Whether {@link #done} finished. */
    boolean isDone() {
      return pending == null;
    }

    void failed() {
      CompletableFuture<Pixels> f = pending;
      pending = null;
      done = null;
      f.complete(null); // allocates nothing: waiters are woken even when memory is short
    }

    void clear() {
      SoftReference<Pixels> d = done;
      if (d != null) {
        d.clear();
      }
    }

    /**
     * The window's pixels, waiting for them if another thread is computing them; null if they
     * were collected or their computation failed.
     */
    Pixels pixels() {
      CompletableFuture<Pixels> f = pending;
      if (f != null) {
        try {
          return f.get(); // not join(): a cancelled job's render pool is interrupted
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ImageProcessingException(
              "interrupted while waiting for another rendition to resample the same scaled image", e);
        } catch (ExecutionException e) {
          return null; // never completed exceptionally; look again, as after a failure
        }
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
