package com.snapasset.imaging;

import com.snapasset.ImageDecodeException;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Turns encoded bytes whose header was already checked into upright sRGB {@link Pixels}. */
final class Decoder {
  private Decoder() {}

  static Pixels decode(byte[] data, ImageHeader header, long maxPixels) {
    // a memory-backed stream: ImageIO's default may spill to temporary files
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      ImageReader reader = readerFor(header, in);
      List<String> warnings = new ArrayList<>();
      try {
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new ImageDecodeException(
              "image is " + pixels + " pixels, over the limit of " + maxPixels, null);
        }
        Pixels decoded;
        if (header.format == ImageHeader.Format.JPEG && header.jpegComponents == 4) {
          decoded = Cmyk.toPixels(reader.readRaster(0, null), header.adobeTransform);
        } else {
          decoded = toPixels(reader.read(0));
        }
        if (!warnings.isEmpty()) {
          // as Sharp's default failOn 'warning': a truncated JPEG decodes to grey rows otherwise
          throw new ImageDecodeException(
              header.format + " is corrupt or truncated: " + String.join("; ", warnings), null);
        }
        return decoded.oriented(header.orientation);
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          header.format + " could not be decoded (corrupt or truncated): " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      // one large allocation failed; nothing else is left half-built, so reporting it is safe
      throw new ImageDecodeException(
          "not enough memory to decode a " + header.width + "x" + header.height + " image", null);
    } catch (LinkageError e) {
      throw new ImageDecodeException(
          "no " + header.format + " decoder could be loaded on " + WebpCodec.platform() + ": " + e, e);
    }
  }

  private static ImageReader readerFor(ImageHeader header, ImageInputStream in) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(header.format.imageIoName);
    if (!readers.hasNext()) {
      readers = ImageIO.getImageReaders(in);
    }
    if (!readers.hasNext()) {
      throw new ImageDecodeException(
          "no " + header.format + " decoder is available on " + WebpCodec.platform(), null);
    }
    return readers.next();
  }

  /** Converts any ImageIO image to packed sRGB; common layouts without Java2D's slow paths. */
  static Pixels toPixels(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    ColorSpace cs = cm.getColorSpace();
    boolean plain = !cm.isAlphaPremultiplied()
        && (cm instanceof IndexColorModel
            || (cm instanceof ComponentColorModel
                && (cs.isCS_sRGB() || cs.getType() == ColorSpace.TYPE_GRAY)
                && raster.getTransferType() != DataBuffer.TYPE_FLOAT
                && raster.getTransferType() != DataBuffer.TYPE_DOUBLE));
    if (!plain) {
      BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
      Graphics2D g = argb.createGraphics();
      try {
        g.drawImage(image, 0, 0, null);
      } finally {
        g.dispose();
      }
      int[] px = argb.getRGB(0, 0, w, h, null, 0, w);
      return new Pixels(px, w, h, cm.hasAlpha());
    }
    int bands = raster.getNumBands();
    int[] out = new int[w * h];
    int[] row = new int[w * bands];
    if (cm instanceof IndexColorModel icm) {
      int[] lut = new int[icm.getMapSize()];
      icm.getRGBs(lut);
      boolean alpha = icm.hasAlpha();
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int i = row[x];
          out[y * w + x] = i < lut.length ? lut[i] : 0xFF000000;
        }
      }
      return new Pixels(out, w, h, alpha);
    }
    int bits = cm.getComponentSize(0);
    int max = (1 << bits) - 1;
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      int o = y * w;
      for (int x = 0, s = 0; x < w; x++, s += bands) {
        int r;
        int g;
        int b;
        int a = 255;
        switch (bands) {
          case 1 -> r = g = b = to8(row[s], bits, max);
          case 2 -> {
            r = g = b = to8(row[s], bits, max);
            a = to8(row[s + 1], bits, max);
          }
          default -> {
            r = to8(row[s], bits, max);
            g = to8(row[s + 1], bits, max);
            b = to8(row[s + 2], bits, max);
            if (bands > 3) {
              a = to8(row[s + 3], bits, max);
            }
          }
        }
        out[o + x] = a << 24 | r << 16 | g << 8 | b;
      }
    }
    return new Pixels(out, w, h, cm.hasAlpha());
  }

  private static int to8(int v, int bits, int max) {
    if (bits == 8) {
      return v & 0xFF;
    }
    if (bits == 16) {
      return (v >>> 8) & 0xFF;
    }
    return (int) ((v * 255L + max / 2) / max);
  }
}
