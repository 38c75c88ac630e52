package com.snapasset.imaging;

import com.snapasset.spi.DecodedImage;

/**
 * An upright sRGB source image and, built on first use by a smart crop, its small analysis copies.
 * Immutable apart from that idempotent cache, so any number of threads may render from it.
 */
final class Decoded implements DecodedImage, Layout.SmartCropSource {
  final Pixels pixels;
  private volatile SmartCrop smartCrop;

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

  @Override
  public String toString() {
    return "DecodedImage[" + pixels.width + "x" + pixels.height + (pixels.alpha ? ", alpha]" : "]");
  }
}
