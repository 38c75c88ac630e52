package com.snapasset.imaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG encoder with what the JDK's lacks: adaptive row filtering for truecolour images (the
 * libpng heuristic: per row, the filter with the smallest sum of absolute differences), a choice of
 * compression level, a choice per image between LZ77 and Huffman-only coding (see
 * {@link #huffmanWins}), and indexed output from {@link Quantizer}. Writes no metadata chunks.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int IDAT_SIZE = 1 << 16;
  /**
   * zlib level per compression level. Sharp's default (6) deflates unfiltered rows; ours are
   * always filtered, and on filtered rows of smooth photographs zlib's lazy match finder (levels
   * 4–9) walks long hash chains of recurring small residuals: level 6 costs 3–5× level 3 for
   * 5–10 % fewer bytes. So 1–6 use the fast finder (still 0.5–1.0× the bytes of Sharp's default,
   * measured on the comparison inputs) and 7–9 the lazy one, 9 being zlib's 9 as in Sharp.
   */
  private static final int[] ZLIB_LEVEL = {0, 1, 1, 2, 2, 3, 3, 6, 8, 9};

  private PngWriter() {}

  static byte[] write(Pixels px, int level, boolean palette) {
    return write(px, level, palette, 100);
  }

  /** As {@link #write(Pixels, int, boolean)}; {@code quality} is the palette's, see {@link Quantizer}. */
  static byte[] write(Pixels px, int level, boolean palette, int quality) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(px.width * px.height + 1024);
    try {
      out.write(SIGNATURE);
      if (palette) {
        Quantizer.Result q = Quantizer.quantize(px, quality);
        header(out, px.width, px.height, 3);
        chunk(out, "PLTE", q.plte());
        if (q.trns().length > 0) {
          chunk(out, "tRNS", q.trns());
        }
        // palette rows are written unfiltered, as libpng recommends: filters only blur indices
        idat(out, level, px.width, px.height, 1, (y, rows, at) -> {
          rows[at] = 0;
          System.arraycopy(q.indices(), y * px.width, rows, at + 1, px.width);
        });
      } else {
        boolean alpha = px.alpha && hasTransparency(px);
        int bpp = alpha ? 4 : 3;
        header(out, px.width, px.height, alpha ? 6 : 2);
        Filter filter = new Filter(px.width * bpp, bpp);
        idat(out, level, px.width, px.height, bpp, (y, rows, at) -> filter.row(px, y, alpha, rows, at));
      }
      chunk(out, "IEND", new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return out.toByteArray();
  }

  static boolean hasTransparency(Pixels px) {
    for (int p : px.argb) {
      if (p >>> 24 != 0xFF) {
        return true;
      }
    }
    return false;
  }

  private static void header(OutputStream out, int w, int h, int colourType) throws IOException {
    byte[] ihdr = new byte[13];
    be32(ihdr, 0, w);
    be32(ihdr, 4, h);
    ihdr[8] = 8;
    ihdr[9] = (byte) colourType;
    chunk(out, "IHDR", ihdr);
  }

  private interface RowSource {
    /** Writes the filter-type byte and the filtered bytes of row y into {@code rows} at {@code at}. */
    void row(int y, byte[] rows, int at);
  }

  private static void idat(OutputStream out, int level, int w, int h, int bpp, RowSource rows)
      throws IOException {
    int stride = 1 + w * bpp;
    byte[] data = new byte[h * stride];
    for (int y = 0; y < h; y++) {
      rows.row(y, data, y * stride);
    }
    int zlibLevel = ZLIB_LEVEL[level];
    int strategy = bpp > 1 && level > 0 ? Deflater.FILTERED : Deflater.DEFAULT_STRATEGY;
    if (bpp > 1 && level > 0 && huffmanWins(data, stride, h, zlibLevel)) {
      strategy = Deflater.HUFFMAN_ONLY;
    }
    Deflater deflater = new Deflater(zlibLevel);
    try {
      deflater.setStrategy(strategy);
      deflater.setInput(data);
      deflater.finish();
      ChunkStream chunks = new ChunkStream(out);
      byte[] buffer = new byte[IDAT_SIZE];
      while (!deflater.finished()) {
        chunks.write(buffer, 0, deflater.deflate(buffer));
      }
      chunks.close();
    } finally {
      deflater.end();
    }
  }

  /**
   * Whether Huffman coding alone beats LZ77 on these filtered rows, judged on a sample (every
   * eighth band of 16 rows). On photographs, smooth ones above all, the residuals are noise-like:
   * matches are short and break the Huffman statistics, so entropy coding alone is as small as
   * zlib's level 9 (0.95–1.02× on the comparison inputs) in a twentieth of the time, while zlib's
   * chains on such data are at their slowest. Flat illustrations and screenshots are the other way
   * round (2–4× larger without matches), and the sample tells them apart.
   */
  private static boolean huffmanWins(byte[] data, int stride, int h, int zlibLevel) {
    byte[] sample = new byte[Math.min(data.length, ((h + 127) / 128) * 16 * stride)];
    int size = 0;
    for (int y = 0; y < h; y += 128) {
      int rows = Math.min(16, h - y);
      System.arraycopy(data, y * stride, sample, size, rows * stride);
      size += rows * stride;
    }
    // level 6 stands in for 7-9 (1-3 % larger than 9 here): sampling at 9 would cost what we save
    int lz = deflatedSize(sample, size, Math.min(zlibLevel, 6), Deflater.FILTERED);
    int huffman = deflatedSize(sample, size, 1, Deflater.HUFFMAN_ONLY);
    return zlibLevel > 6 ? huffman < lz * 0.985 : huffman <= lz;
  }

  private static int deflatedSize(byte[] data, int length, int level, int strategy) {
    Deflater deflater = new Deflater(level);
    try {
      deflater.setStrategy(strategy);
      deflater.setInput(data, 0, length);
      deflater.finish();
      byte[] buffer = new byte[IDAT_SIZE];
      int total = 0;
      while (!deflater.finished()) {
        total += deflater.deflate(buffer);
      }
      return total;
    } finally {
      deflater.end();
    }
  }

  static void chunk(OutputStream out, String type, byte[] data) throws IOException {
    chunk(out, type, data, data.length);
  }

  private static void chunk(OutputStream out, String type, byte[] data, int length) throws IOException {
    byte[] head = new byte[8];
    be32(head, 0, length);
    for (int i = 0; i < 4; i++) {
      head[4 + i] = (byte) type.charAt(i);
    }
    CRC32 crc = new CRC32();
    crc.update(head, 4, 4);
    crc.update(data, 0, length);
    out.write(head);
    out.write(data, 0, length);
    byte[] tail = new byte[4];
    be32(tail, 0, (int) crc.getValue());
    out.write(tail);
  }

  private static void be32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** Buffers deflated bytes and emits them as IDAT chunks. */
  private static final class ChunkStream extends OutputStream {
    private final OutputStream out;
    private final byte[] buffer = new byte[IDAT_SIZE];
    private int used;

    ChunkStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buffer.length) {
        flushChunk();
      }
      buffer[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buffer.length) {
          flushChunk();
        }
        int n = Math.min(len, buffer.length - used);
        System.arraycopy(b, off, buffer, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    private void flushChunk() throws IOException {
      if (used > 0) {
        chunk(out, "IDAT", buffer, used);
        used = 0;
      }
    }

    @Override
    public void close() throws IOException {
      flushChunk();
    }
  }

  /**
   * Adaptive filtering: scores the five PNG filters on each row by the sum of absolute values
   * (libpng's heuristic) in one pass, then writes only the cheapest one — no per-filter buffers.
   */
  private static final class Filter {
    private final int bpp;
    private byte[] prior;
    private byte[] raw;

    Filter(int rowBytes, int bpp) {
      this.bpp = bpp;
      this.prior = new byte[rowBytes];
      this.raw = new byte[rowBytes];
    }

    void row(Pixels px, int y, boolean alpha, byte[] out, int at) {
      byte[] cur = raw;
      int[] argb = px.argb;
      int o = y * px.width;
      if (alpha) {
        for (int x = 0, s = 0; x < px.width; x++, s += 4) {
          int p = argb[o + x];
          cur[s] = (byte) (p >>> 16);
          cur[s + 1] = (byte) (p >>> 8);
          cur[s + 2] = (byte) p;
          cur[s + 3] = (byte) (p >>> 24);
        }
      } else {
        for (int x = 0, s = 0; x < px.width; x++, s += 3) {
          int p = argb[o + x];
          cur[s] = (byte) (p >>> 16);
          cur[s + 1] = (byte) (p >>> 8);
          cur[s + 2] = (byte) p;
        }
      }
      byte[] up = prior;
      int n = cur.length;
      long none = 0;
      long sub = 0;
      long upCost = 0;
      long avg = 0;
      long pae = 0;
      for (int i = 0; i < n; i++) {
        int c = cur[i] & 0xFF;
        int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
        int b = up[i] & 0xFF;
        int d = i >= bpp ? up[i - bpp] & 0xFF : 0;
        none += Math.abs((byte) c);
        sub += Math.abs((byte) (c - a));
        upCost += Math.abs((byte) (c - b));
        avg += Math.abs((byte) (c - ((a + b) >>> 1)));
        pae += Math.abs((byte) (c - paeth(a, b, d)));
      }
      int best = 0;
      long min = none;
      if (sub < min) {
        best = 1;
        min = sub;
      }
      if (upCost < min) {
        best = 2;
        min = upCost;
      }
      if (avg < min) {
        best = 3;
        min = avg;
      }
      if (pae < min) {
        best = 4;
      }
      out[at] = (byte) best;
      switch (best) {
        case 0 -> System.arraycopy(cur, 0, out, at + 1, n);
        case 1 -> {
          for (int i = 0; i < n; i++) {
            out[at + 1 + i] = (byte) (cur[i] - (i >= bpp ? cur[i - bpp] : 0));
          }
        }
        case 2 -> {
          for (int i = 0; i < n; i++) {
            out[at + 1 + i] = (byte) (cur[i] - up[i]);
          }
        }
        case 3 -> {
          for (int i = 0; i < n; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
            out[at + 1 + i] = (byte) (cur[i] - ((a + (up[i] & 0xFF)) >>> 1));
          }
        }
        default -> {
          for (int i = 0; i < n; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xFF : 0;
            int d = i >= bpp ? up[i - bpp] & 0xFF : 0;
            out[at + 1 + i] = (byte) (cur[i] - paeth(a, up[i] & 0xFF, d));
          }
        }
      }
      raw = prior;
      prior = cur;
    }

    private static int paeth(int a, int b, int c) {
      int p = a + b - c;
      int pa = Math.abs(p - a);
      int pb = Math.abs(p - b);
      int pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
  }
}
