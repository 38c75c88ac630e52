package com.snapasset.imaging;

/** Reads the orientation tag from a TIFF-structured EXIF block; anything malformed reads as 1. */
final class Exif {
  private static final int ORIENTATION_TAG = 0x0112;

  private Exif() {}

  /** The orientation (1–8) in the TIFF block at {@code d[start, start + length)}, else 1. */
  static int orientation(byte[] d, int start, int length) {
    int end = (int) Math.min(d.length, (long) start + Math.max(0, length));
    if (start < 0 || start + 8 > end) {
      return 1;
    }
    boolean little;
    if (d[start] == 'I' && d[start + 1] == 'I') {
      little = true;
    } else if (d[start] == 'M' && d[start + 1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    if (u16(d, start + 2, little) != 42) {
      return 1;
    }
    long ifd = start + (u32(d, start + 4, little) & 0xFFFFFFFFL);
    if (ifd + 2 > end) {
      return 1;
    }
    int entries = u16(d, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      long e = ifd + 2 + 12L * i;
      if (e + 12 > end) {
        return 1;
      }
      if (u16(d, (int) e, little) == ORIENTATION_TAG) {
        int value = u16(d, (int) e + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] d, int p, boolean little) {
    return little ? ImageHeader.le16(d, p) : ImageHeader.be16(d, p);
  }

  private static int u32(byte[] d, int p, boolean little) {
    return little ? ImageHeader.le32(d, p) : ImageHeader.be32(d, p);
  }
}
