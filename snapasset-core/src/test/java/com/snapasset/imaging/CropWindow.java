package com.snapasset.imaging;

import com.snapasset.CropPosition;
import com.snapasset.Fit;
import com.snapasset.spi.DecodedImage;

/**
 * Which window of the scaled source a cover crop keeps, for tests and the crop comparison with
 * Sharp (which reports its own as {@code info.cropOffsetLeft/Top}).
 */
public final class CropWindow {
  private CropWindow() {}

  /**
   * The cover crop's window.
   *
   * @param source an image decoded by {@link StandardImageProcessor}
   * @param width rendition width
   * @param height rendition height
   * @param position crop position
   * @return {left, top, scaled width, scaled height}: the window's offset in the source scaled to
   *     cover {@code width × height}, and that scaled size
   */
  public static int[] of(DecodedImage source, int width, int height, CropPosition position) {
    if (!(source instanceof Decoded decoded)) {
      throw new IllegalArgumentException("source was not decoded by a StandardImageProcessor");
    }
    Layout l = Layout.of(decoded.width(), decoded.height(), width, height, Fit.COVER, position, decoded);
    return new int[] {l.left(), l.top(), l.scaledW(), l.scaledH()};
  }
}
