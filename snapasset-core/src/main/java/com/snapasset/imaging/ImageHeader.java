package com.snapasset.imaging;

import com.snapasset.ImageDecodeException;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * What the first bytes of an image say, read without decoding any pixel: the format, the size, the
 * EXIF orientation and (for JPEG) the colour layout. Every offset is bounds-checked, so hostile
 * input ends in an {@link ImageDecodeException}, never in an index error.
 */
final class ImageHeader {
  enum Format {
    PNG("png"),
    JPEG("jpeg"),
    WEBP("webp");

    final String imageIoName;

    Format(String imageIoName) {
      this.imageIoName = imageIoName;
    }
  }

  final Format format;
  final int width;
  final int height;
  /** EXIF orientation 1–8; 1 when absent or unreadable. */
  final int orientation;
  /** JPEG colour components (1, 3 or 4); 0 for other formats. */
  final int jpegComponents;
  /** JPEG Adobe APP14 transform (0 none, 1 YCbCr, 2 YCCK); -1 without an Adobe marker. */
  final int adobeTransform;
  /** Damage found while walking the structure, reported after the size checks; null if none. */
  @Nullable String damage;

  private ImageHeader(
      Format format, int width, int height, int orientation, int jpegComponents, int adobeTransform) {
    this.format = format;
    this.width = width;
    this.height = height;
    this.orientation = orientation;
    this.jpegComponents = jpegComponents;
    this.adobeTransform = adobeTransform;
  }

  long pixels() {
    return (long) width * height;
  }

  static ImageHeader read(byte[] d) {
    try {
      ImageHeader h;
      if (startsWith(d, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
        h = png(d);
      } else if (startsWith(d, 0, 0xFF, 0xD8, 0xFF)) {
        h = jpeg(d);
      } else if (startsWith(d, 0, 'R', 'I', 'F', 'F') && startsWith(d, 8, 'W', 'E', 'B', 'P')) {
        h = webp(d);
      } else {
        throw new ImageDecodeException("image format not recognised (accepted: PNG, JPEG, WebP)", null);
      }
      if (h.width < 1 || h.height < 1) {
        throw new ImageDecodeException(
            h.format + " header declares an empty image (" + h.width + "x" + h.height + ")", null);
      }
      return h;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new ImageDecodeException("image header is truncated", e);
    }
  }

  private static ImageHeader png(byte[] d) {
    if (!startsWith(d, 12, 'I', 'H', 'D', 'R')) {
      throw new ImageDecodeException("PNG does not start with an IHDR chunk", null);
    }
    int width = be32(d, 16);
    int height = be32(d, 20);
    if (width < 0 || height < 0) {
      throw new ImageDecodeException("PNG header declares a negative size", null);
    }
    // walk every chunk: ImageIO's reader silently returns a partial image when the last IDAT
    // chunks are missing, so truncation and damage are caught here (as libpng does, by CRC)
    int orientation = 1;
    boolean ended = false;
    String damage = null;
    CRC32 crc = new CRC32();
    int p = 8;
    while (p + 12 <= d.length) {
      int length = be32(d, p);
      if (length < 0 || p + 12L + length > d.length) {
        break;
      }
      crc.reset();
      crc.update(d, p + 4, 4 + length);
      if ((int) crc.getValue() != be32(d, p + 8 + length)) {
        damage = "PNG chunk at byte " + p + " fails its CRC check: the file is corrupt";
        break;
      }
      if (startsWith(d, p + 4, 'e', 'X', 'I', 'f')) {
        orientation = Exif.orientation(d, p + 8, length);
      } else if (startsWith(d, p + 4, 'I', 'E', 'N', 'D')) {
        ended = true;
        break;
      }
      p += 12 + length;
    }
    if (!ended && damage == null) {
      damage = "PNG is truncated: its data ends at byte " + d.length + " without an IEND chunk";
    }
    ImageHeader h = new ImageHeader(Format.PNG, width, height, orientation, 0, -1);
    h.damage = damage;
    return h;
  }

  private static ImageHeader jpeg(byte[] d) {
    int orientation = 1;
    int adobe = -1;
    int p = 2;
    while (p + 4 <= d.length) {
      if ((d[p] & 0xFF) != 0xFF) {
        throw new ImageDecodeException("JPEG marker expected at byte " + p, null);
      }
      int marker = d[p + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        p++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no payload
        p += 2;
        continue;
      }
      int length = be16(d, p + 2);
      if (length < 2) {
        throw new ImageDecodeException("JPEG segment with invalid length at byte " + p, null);
      }
      int payload = p + 4;
      if (marker == 0xE1 && length >= 8 && startsWith(d, payload, 'E', 'x', 'i', 'f', 0, 0)) {
        orientation = Exif.orientation(d, payload + 6, length - 8);
      } else if (marker == 0xEE && length >= 14 && startsWith(d, payload, 'A', 'd', 'o', 'b', 'e')) {
        adobe = d[payload + 11] & 0xFF;
      } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        int height = be16(d, payload + 1);
        int width = be16(d, payload + 3);
        int components = d[payload + 5] & 0xFF;
        return new ImageHeader(Format.JPEG, width, height, orientation, components, adobe);
      } else if (marker == 0xDA || marker == 0xD9) {
        break;
      }
      p += 2 + length;
    }
    throw new ImageDecodeException("JPEG has no frame header (SOF) before its data: truncated or corrupt", null);
  }

  private static ImageHeader webp(byte[] d) {
    int width = -1;
    int height = -1;
    int orientation = 1;
    int p = 12;
    while (p + 8 <= d.length) {
      int size = le32(d, p + 4);
      if (size < 0 || p + 8L + size > d.length) {
        if (width < 0) {
          throw new ImageDecodeException("WebP chunk runs past the end of the data: truncated", null);
        }
        break;
      }
      int c = p + 8;
      if (width < 0 && startsWith(d, p, 'V', 'P', '8', 'X')) {
        width = 1 + le24(d, c + 4);
        height = 1 + le24(d, c + 7);
      } else if (width < 0 && startsWith(d, p, 'V', 'P', '8', ' ')) {
        if (!startsWith(d, c + 3, 0x9D, 0x01, 0x2A)) {
          throw new ImageDecodeException("WebP VP8 frame has no start code", null);
        }
        width = le16(d, c + 6) & 0x3FFF;
        height = le16(d, c + 8) & 0x3FFF;
      } else if (width < 0 && startsWith(d, p, 'V', 'P', '8', 'L')) {
        if ((d[c] & 0xFF) != 0x2F) {
          throw new ImageDecodeException("WebP VP8L stream has no signature", null);
        }
        int bits = le32(d, c + 1);
        width = 1 + (bits & 0x3FFF);
        height = 1 + ((bits >>> 14) & 0x3FFF);
      } else if (startsWith(d, p, 'E', 'X', 'I', 'F')) {
        int off = startsWith(d, c, 'E', 'x', 'i', 'f', 0, 0) ? 6 : 0;
        orientation = Exif.orientation(d, c + off, size - off);
      }
      p += 8 + size + (size & 1);
    }
    if (width < 0) {
      throw new ImageDecodeException("WebP has no image chunk", null);
    }
    return new ImageHeader(Format.WEBP, width, height, orientation, 0, -1);
  }

  private static boolean startsWith(byte[] d, int at, int... expected) {
    if (at < 0 || at + expected.length > d.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((d[at + i] & 0xFF) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  static int be16(byte[] d, int p) {
    return ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
  }

  static int be32(byte[] d, int p) {
    return (be16(d, p) << 16) | be16(d, p + 2);
  }

  static int le16(byte[] d, int p) {
    return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8);
  }

  private static int le24(byte[] d, int p) {
    return le16(d, p) | ((d[p + 2] & 0xFF) << 16);
  }

  static int le32(byte[] d, int p) {
    return le16(d, p) | (le16(d, p + 2) << 16);
  }
}
