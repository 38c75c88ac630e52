package com.snapasset.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Test images: the real photographs under {@code /images} and small synthetic ones. */
final class TestImages {
  private TestImages() {}

  static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test image " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes with ImageIO alone, as an independent reader of what we wrote. */
  static BufferedImage imageIo(byte[] data) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
      if (image == null) {
        throw new AssertionError("ImageIO cannot read the output");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An opaque image whose pixel (x, y) is {@code f(x, y)} as 0xRRGGBB. */
  static BufferedImage synthetic(int w, int h, PixelFunction f) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, f.rgb(x, y));
      }
    }
    return image;
  }

  static byte[] png(BufferedImage image) {
    Pixels px = Decoder.toPixels(image);
    return PngWriter.write(px, 1, false);
  }

  interface PixelFunction {
    int rgb(int x, int y);
  }

  static int red(int p) {
    return (p >>> 16) & 0xFF;
  }

  static int green(int p) {
    return (p >>> 8) & 0xFF;
  }

  static int blue(int p) {
    return p & 0xFF;
  }

  /** Mean of one channel (16 = red, 8 = green, 0 = blue, 24 = alpha) over a window. */
  static double mean(BufferedImage image, int shift, int x0, int y0, int w, int h) {
    double sum = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        sum += (image.getRGB(x, y) >>> shift) & 0xFF;
      }
    }
    return sum / ((double) w * h);
  }

  /** Mean absolute difference per channel between two images of one size. */
  static double meanAbsDiff(BufferedImage a, BufferedImage b) {
    double sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        sum += Math.abs(red(p) - red(q)) + Math.abs(green(p) - green(q)) + Math.abs(blue(p) - blue(q));
      }
    }
    return sum / (3.0 * a.getWidth() * a.getHeight());
  }
}
