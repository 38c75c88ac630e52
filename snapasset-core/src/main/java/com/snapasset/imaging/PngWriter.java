package com.snapasset.imaging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG encoder with what the JDK's lacks: adaptive row filtering for truecolour images (the
 * libpng heuristic: per row, the filter with the smallest sum of absolute differences), a choice of
 * compression level, a choice per image between filtered LZ77, unfiltered LZ77 and filtered
 * Huffman-only coding (see {@link #choose}), and indexed output from {@link Quantizer}. Writes no
 * metadata chunks.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  private static final int IDAT_SIZE = 1 << 16;
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** Levels 1-6: unfiltered LZ77 unless filtered LZ77 is this much smaller on the sample. */
  static final double UNFILTERED_TOLERANCE = 1.10;
  /**
   * {@link Bands} are judged only where the whole-image sample's Huffman-only size is at most this
   * many times its LZ77 size. Above it the residuals are flat drawings' and screenshots' (2.1–9.3×
   * on the comparison inputs' level 9 crops), whose bands never came out Huffman-only, so their
   * trials were pure cost (a tenth of the illustration's level 9 encode, same bytes without them);
   * photographs, whose bands may, sample at 0.9–1.1×, and a photograph above a screenshot at about
   * 1.6×.
   */
  static final double BANDS_MAX_HUFFMAN_RATIO = 1.8;
  /** Input bytes per step of a {@link #choose} trial, between which its output is checked. */
  private static final int TRIAL_SLICE = 1 << 14;
  /** Rows in one band of {@link #choose}'s sample. */
  static final int SAMPLE_ROWS = 16;
  /**
   * zlib level per compression level. Sharp's default (6) deflates unfiltered rows; ours are
   * filtered where {@link #choose} finds filtering worth it, and on filtered rows of smooth photographs zlib's lazy match finder (levels
   * 4–9) walks long hash chains of recurring small residuals: level 6 costs 3–5× level 3 for
   * 5–10 % fewer bytes. So 1–6 use the fast finder (still 0.5–1.0× the bytes of Sharp's default,
   * measured on the comparison inputs) and 7–9 the lazy one, 9 being zlib's 9 as in Sharp (for
   * truecolour rows coded with LZ77, level 9 uses {@link ZlibEncoder} instead: see
   * {@link #idatJava}).
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
        idat(out, ZLIB_LEVEL[level], Deflater.DEFAULT_STRATEGY, px.width, px.height, 1, (y, rows, at) -> {
          rows[at] = 0;
          System.arraycopy(q.indices(), y * px.width, rows, at + 1, px.width);
        }, null);
      } else {
        boolean alpha = px.alpha && hasTransparency(px);
        int bpp = alpha ? 4 : 3;
        header(out, px.width, px.height, alpha ? 6 : 2);
        Filter filter = new Filter(px, alpha, level <= 6 ? Filter.FAST_SPARSE_STEP : Filter.SPARSE_STEP);
        int zlibLevel = ZLIB_LEVEL[level];
        Choice choice = level == 0 ? new Choice(Coding.FILTERED_LZ77, false) : decide(filter, zlibLevel);
        Coding coding = choice.coding();
        boolean adaptive = coding != Coding.UNFILTERED_LZ77;
        boolean sparse = coding == Coding.FILTERED_HUFFMAN;
        filter.start(0);
        Bands bands = choice.bands() && level >= 7 ? new Bands() : null;
        RowSource rows = (y, r, at) -> filter.row(y, adaptive, sparse, r, at);
        if (level == 9 && coding != Coding.FILTERED_HUFFMAN) {
          idatJava(out, px.width, px.height, bpp, rows, bands, coding);
        } else {
          idat(out, zlibLevel, coding.strategy, px.width, px.height, bpp, rows, bands);
        }
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

  /**
   * Deflates the rows in batches of about 64 KiB as they are filtered, instead of filtering the
   * whole image into one array first: each batch is still in cache when zlib reads it, and a render
   * allocates 64 KiB instead of a copy of the image (3.5 MB for a 1080 × 1080 RGB one). zlib's
   * output does not depend on how its input is cut. With {@code bands} (not null), each batch is a
   * band of about {@value Bands#BAND_SIZE} bytes whose coding {@link Bands#next} picks.
   */
  private static void idat(OutputStream out, int zlibLevel, int strategy, int w, int h, int bpp,
      RowSource rows, Bands bands) throws IOException {
    int stride = 1 + w * bpp;
    int perBatch = Math.max(1, Math.min(h, (bands == null ? IDAT_SIZE : Bands.BAND_SIZE) / stride));
    byte[] batch = new byte[perBatch * stride];
    byte[] buffer = new byte[IDAT_SIZE];
    ChunkStream chunks = new ChunkStream(out);
    Deflater deflater = new Deflater(zlibLevel);
    try {
      deflater.setStrategy(strategy);
      for (int y0 = 0; y0 < h; y0 += perBatch) {
        int n = Math.min(perBatch, h - y0);
        for (int i = 0; i < n; i++) {
          rows.row(y0 + i, batch, i * stride);
        }
        if (bands != null && bands.next(deflater, batch, n * stride)) {
          // zlib applies new parameters on the next call, after ending the block of what came
          // before with them; with no input pending that call writes only the block's end
          int written;
          do {
            written = deflater.deflate(buffer);
            chunks.write(buffer, 0, written);
          } while (written == buffer.length);
        }
        deflater.setInput(batch, 0, n * stride);
        while (!deflater.needsInput()) { // drain before the batch is overwritten
          chunks.write(buffer, 0, deflater.deflate(buffer));
        }
      }
      deflater.finish();
      while (!deflater.finished()) {
        chunks.write(buffer, 0, deflater.deflate(buffer));
      }
      chunks.close();
    } finally {
      deflater.end();
      if (bands != null) {
        bands.end();
      }
    }
  }

  /**
   * Level 9's filtered LZ77 rows, deflated by {@link ZlibEncoder} instead of zlib 9. Photographs
   * (where {@link #decide} judges {@link Bands}) band by band: on the comparison inputs'
   * photographs 0.1-0.3 % fewer bytes than zlib 9 in 0.45-0.8 of its CPU time (the nine flower
   * renders: -0.10 to -0.26 %, 0.55-0.72). It finds the same long matches with shorter chains
   * (keyed on 4 bytes, as Z_FILTERED takes no match under 6 anyway) and splits blocks where the
   * statistics change instead of every 16 Ki symbols. Filtered flat drawings and screenshots (no
   * bands) with {@link ZlibEncoder#flat}, whose match finder steps over the runs of zero residuals
   * that fill their chains: every such render of the comparison inputs (both crop modes) 0.5-2.4 %
   * smaller than zlib 9 in 0.3-0.9 of its CPU time. Unfiltered rows (text, palette-like drawings)
   * with {@link ZlibEncoder#unfiltered}, which takes matches of 3 bytes, as zlib's default
   * strategy does (a 6-byte minimum: +8-15 % on the screenshot): -1.2 to +0.1 % against zlib 9 on
   * the screenshot's and illustration's unfiltered renders, up to +1.9 % on dithered 2-colour
   * pixels (see its Javadoc for the CPU measured).
   */
  private static void idatJava(OutputStream out, int w, int h, int bpp, RowSource rows,
      Bands bands, Coding coding) throws IOException {
    int stride = 1 + w * bpp;
    int perBatch = Math.max(1, Math.min(h, Bands.BAND_SIZE / stride));
    byte[] batch = new byte[perBatch * stride];
    ChunkStream chunks = new ChunkStream(out);
    ZlibEncoder zlib = bands != null ? new ZlibEncoder(chunks)
        : coding == Coding.UNFILTERED_LZ77 ? ZlibEncoder.unfiltered(chunks) : ZlibEncoder.flat(chunks);
    try {
      for (int y0 = 0; y0 < h; y0 += perBatch) {
        int n = Math.min(perBatch, h - y0);
        for (int i = 0; i < n; i++) {
          rows.row(y0 + i, batch, i * stride);
        }
        if (bands != null) {
          zlib.literalsOnly(bands.huffman(batch, n * stride));
        }
        zlib.write(batch, 0, n * stride);
      }
      zlib.finish();
      chunks.close();
    } finally {
      if (bands != null) {
        bands.end();
      }
    }
  }

  /**
   * The coding of each band of filtered rows at levels 7–9 (where {@link #choose} picked LZ77):
   * Huffman only where the band's residuals are noise-like, LZ77 where they repeat. A photograph
   * is often both — the landscape of the comparison has out-of-focus grass and sky (noise-like
   * residuals) and sharp flower heads — and one choice for the whole image either pays zlib 9's
   * slowest chains on the noise or loses LZ77's matches on the detail. Each band is judged by
   * deflating its first half ({@value #JUDGED} bytes) alone, Huffman only and at zlib 1 (a
   * twentieth of zlib 9's cost): Huffman when that is at most {@value #HUFFMAN_RATIO} of the zlib
   * 1 size, which on the comparison inputs' bands is where it is about as small as zlib 9 with the
   * whole stream's history, or smaller (judging whole bands or 8 KiB gave the same bytes within
   * 0.05 %). Switching costs a block end (zlib ends its block when the strategy changes).
   */
  static final class Bands {
    /** Bytes per band: 32 KiB, the granularity the ratio below was measured at. */
    static final int BAND_SIZE = 1 << 15;
    static final double HUFFMAN_RATIO = 0.84;
    static final int JUDGED = BAND_SIZE / 2;
    private final Deflater huffman = new Deflater(1);
    private final Deflater fast = new Deflater(1);
    private final byte[] scratch = new byte[IDAT_SIZE];
    private int strategy = Deflater.FILTERED;
    int huffmanBands;
    int lzBands;

    Bands() {
      huffman.setStrategy(Deflater.HUFFMAN_ONLY);
    }

    /** Sets {@code deflater}'s strategy for the next band; true if it changed. */
    boolean next(Deflater deflater, byte[] band, int length) {
      int next = huffman(band, length) ? Deflater.HUFFMAN_ONLY : Deflater.FILTERED;
      if (next == strategy) {
        return false;
      }
      deflater.setStrategy(next);
      strategy = next;
      return true;
    }

    /** Whether the next band is to be coded Huffman only. */
    boolean huffman(byte[] band, int length) {
      int judged = Math.min(length, JUDGED);
      int lz = trial(fast, band, judged);
      int huff = trial(huffman, band, judged);
      boolean huffmanOnly = huff <= HUFFMAN_RATIO * lz;
      if (huffmanOnly) {
        huffmanBands++;
      } else {
        lzBands++;
      }
      return huffmanOnly;
    }

    private int trial(Deflater d, byte[] data, int length) {
      d.reset();
      d.setInput(data, 0, length);
      d.finish();
      int total = 0;
      while (!d.finished()) {
        total += d.deflate(scratch);
      }
      return total;
    }

    void end() {
      huffman.end();
      fast.end();
    }
  }

  /** How the rows of a truecolour image are filtered and deflated. */
  enum Coding {
    /** Adaptive filters, zlib's LZ77 with {@code Z_FILTERED} (libpng's choice for filtered rows). */
    FILTERED_LZ77(Deflater.FILTERED),
    /** No filter, plain LZ77: flat colours and text, whose rows repeat exactly. */
    UNFILTERED_LZ77(Deflater.DEFAULT_STRATEGY),
    /** Adaptive filters, Huffman coding only: noise-like residuals of photographs. */
    FILTERED_HUFFMAN(Deflater.HUFFMAN_ONLY);

    final int strategy;

    Coding(int strategy) {
      this.strategy = strategy;
    }
  }

  /**
   * Picks the smallest coding on a sample of the image (a band of {@value #SAMPLE_ROWS} rows every
   * {@link #samplePeriod} rows: a 16th of a large image), deflated at the requested zlib level
   * capped at 6 (1-3 % larger than 9 here: sampling at 9 would cost what it saves). The sample was
   * a band of 16 rows in every 128, twice as many rows, for the same choices on the comparison
   * inputs: it cost a third of the default level's encode on photographs. Bands of 8 rows every
   * 256 cost half as much again but misjudged three of the nine screenshot crops (+2.5 % bytes):
   * their rows of text fell in or out of the thinner sample.
   *
   * <p>On photographs, smooth ones above all, the filtered residuals are noise-like: matches are
   * short and break the Huffman statistics, so entropy coding alone is as small as zlib's level 9
   * (0.95–1.02× on the comparison inputs) in a twentieth of the time, while zlib's chains on such
   * data are at their slowest. Flat illustrations are 2–4× larger without matches.
   * Screenshots and flat drawings often deflate smaller unfiltered (whole rows repeat; filters turn
   * anti-aliased text into varied residuals), and skip the filters' cost too, as libpng's advice
   * of no filter for palette-like images has it. Level 7-9 keep LZ77 unless Huffman is 1.5 %
   * smaller, as the sample understates LZ77 at level 9.
   *
   * <p>Levels 1-6 (the default 6 among them) keep the rows unfiltered unless filtering makes the
   * sample more than {@code UNFILTERED_TOLERANCE} (10 %) smaller: on flat drawings the filters are
   * most of the encoding's cost (on the comparison illustration 300 ms of the nine renders, zlib 3
   * 70 ms) and save 5-10 %; Sharp's default does not filter at all. Photographs, which filtering
   * makes 1.6-2× smaller, are still filtered.
   */
  static Coding choose(Filter filter, int zlibLevel) {
    return decide(filter, zlibLevel).coding();
  }

  /**
   * {@link #choose}'s coding, and whether its filtered LZ77 is worth judging band by band: see
   * {@link #BANDS_MAX_HUFFMAN_RATIO}. {@code bands} is judged at levels 7-9 (zlib above 3) only:
   * levels 1-6 stop the Huffman trial once it cannot win, so there it is always false and says
   * nothing about the image (false does not mean "flat": a filtered LZ77 photograph gets it too).
   */
  record Choice(Coding coding, boolean bands) {}

  /** As {@link #choose}, with whether the sample's residuals make {@link Bands} worth their trials. */
  static Choice decide(Filter filter, int zlibLevel) {
    return decide(filter, zlibLevel, true);
  }

  /**
   * As {@link #decide(Filter, int)}; {@code bounded} false runs every trial to its end, for tests
   * that the bounds give the same choices.
   */
  static Choice decide(Filter filter, int zlibLevel, boolean bounded) {
    Pixels px = filter.px;
    int h = px.height;
    int stride = 1 + px.width * filter.bpp;
    int period = samplePeriod(h);
    int bands = (h + period - 1) / period;
    byte[] filtered = new byte[Math.min(h, bands * SAMPLE_ROWS) * stride];
    byte[] unfiltered = new byte[filtered.length];
    int size = 0;
    for (int y0 = 0; y0 < h; y0 += period) {
      filter.start(y0);
      for (int y = y0; y < Math.min(h, y0 + SAMPLE_ROWS); y++) {
        filter.row(y, true, filtered, size);
        filter.unfiltered(y, unfiltered, size);
        size += stride;
      }
    }
    int sampleLevel = Math.min(zlibLevel, 6);
    int length = size;
    return judge(zlibLevel, bounded,
        bound -> deflatedSize(filtered, length, sampleLevel, Deflater.FILTERED, bound),
        bound -> deflatedSize(unfiltered, length, sampleLevel, Deflater.DEFAULT_STRATEGY, bound),
        bound -> deflatedSize(filtered, length, 1, Deflater.HUFFMAN_ONLY, bound));
  }

  /** One of {@link #decide}'s trials on the sample: its size as {@link #deflatedSize} gives it. */
  interface Trial {
    /** The deflated size, or, once the output reaches {@code bound}, a size from the bound up. */
    int size(double bound);
  }

  /**
   * {@link #decide}'s judgement of its three trials (filtered LZ77, unfiltered LZ77, filtered
   * Huffman), apart from the sample so that tests can hold the bounds to any sizes, ties included.
   */
  static Choice judge(int zlibLevel, boolean bounded, Trial filteredLz, Trial unfilteredLz,
      Trial filteredHuffman) {
    // levels 1-6 (zlib 1-3) keep rows unfiltered unless filtering saves a tenth: see the Javadoc
    boolean fast = zlibLevel <= 3;
    double filterGain = fast ? UNFILTERED_TOLERANCE : 1;
    int lz = filteredLz.size(Double.MAX_VALUE);
    // Levels 1-6 only ask whether each later trial comes under a bound, so a trial stops once its
    // output reaches it (output so far never exceeds the final size: the same choices). The
    // unfiltered trial of a photograph stops at about two thirds, the Huffman trial of a flat
    // image at a third or less. Levels 7-9 also judge bands by the whole Huffman size.
    boolean stop = fast && bounded;
    int plain = unfilteredLz.size(stop ? lz * filterGain : Double.MAX_VALUE);
    Coding best = plain < lz * filterGain ? Coding.UNFILTERED_LZ77 : Coding.FILTERED_LZ77;
    int bestSize = best == Coding.UNFILTERED_LZ77 ? plain : lz;
    // huffman <= bestSize below, so the trial may stop once it is past bestSize, not at it
    int huffman = filteredHuffman.size(stop ? bestSize + 1 : Double.MAX_VALUE);
    boolean huffmanWins = zlibLevel > 6 ? huffman < bestSize * 0.985 : huffman <= bestSize;
    Coding coding = huffmanWins ? Coding.FILTERED_HUFFMAN : best;
    return new Choice(coding, !fast && coding == Coding.FILTERED_LZ77 && huffman <= BANDS_MAX_HUFFMAN_RATIO * lz);
  }

  /**
   * Rows between the starts of two sample bands: every 256th row (a 16th of the image), but at
   * least four bands, so that a short image is not judged on one strip.
   */
  static int samplePeriod(int height) {
    return Math.max(2 * SAMPLE_ROWS, Math.min(256, height / 4));
  }

  /**
   * The deflated size of {@code data}, or, once the output reaches {@code bound}, the size so far
   * (at least {@code bound}): the input goes in slices of {@value #TRIAL_SLICE} bytes, between
   * which the output is counted. How the input is cut does not change zlib's output.
   */
  static int deflatedSize(byte[] data, int length, int level, int strategy, double bound) {
    Deflater deflater = new Deflater(level);
    try {
      deflater.setStrategy(strategy);
      byte[] buffer = new byte[IDAT_SIZE];
      int total = 0;
      for (int at = 0; at < length; at += TRIAL_SLICE) {
        deflater.setInput(data, at, Math.min(TRIAL_SLICE, length - at));
        while (!deflater.needsInput()) {
          total += deflater.deflate(buffer);
        }
        if (total >= bound) {
          return total;
        }
      }
      deflater.finish();
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
   * Rows go in order from {@link #start}, which may begin anywhere (for sampling).
   */
  static final class Filter {
    static final int SPARSE_STEP = 4;
    /**
     * Levels 1-6 score every 8th pixel of a Huffman-coded image: a tenth less encoding time on the
     * comparison photographs for up to 0.2 % more bytes than every 4th (those photographs
     * +0.001-0.1 %; the test fixtures at levels 1-6: bliznaca.jpg 349 985 to 350 684 bytes,
     * +0.20 %, riaphotographs-alpha.png +0.07 %; every 16th: up to 0.5 % more, no faster).
     */
    static final int FAST_SPARSE_STEP = 8;
    final Pixels px;
    final int bpp;
    private final int sparseStep;
    private final boolean alpha;
    private byte[] prior;
    private byte[] raw;
    private final int[] sums = new int[5];

    Filter(Pixels px, boolean alpha) {
      this(px, alpha, SPARSE_STEP);
    }

    /** {@code sparseStep}: the pixels between two scored ones of a {@code sparse} row. */
    Filter(Pixels px, boolean alpha, int sparseStep) {
      this.sparseStep = sparseStep;
      this.px = px;
      this.alpha = alpha;
      this.bpp = alpha ? 4 : 3;
      this.prior = new byte[px.width * bpp];
      this.raw = new byte[px.width * bpp];
    }

    /** Makes row {@code y} the next one: its prior row is {@code y - 1} (zeros above the first). */
    void start(int y) {
      if (y == 0) {
        java.util.Arrays.fill(prior, (byte) 0);
      } else {
        bytes(y - 1, prior, 0);
      }
    }

    /** Row y as PNG samples (RGB or RGBA). */
    private void bytes(int y, byte[] cur, int at) {
      int[] argb = px.argb;
      int o = y * px.width;
      if (alpha) {
        for (int x = 0, s = at; x < px.width; x++, s += 4) {
          int p = argb[o + x];
          cur[s] = (byte) (p >>> 16);
          cur[s + 1] = (byte) (p >>> 8);
          cur[s + 2] = (byte) p;
          cur[s + 3] = (byte) (p >>> 24);
        }
      } else {
        for (int x = 0, s = at; x < px.width; x++, s += 3) {
          int p = argb[o + x];
          cur[s] = (byte) (p >>> 16);
          cur[s + 1] = (byte) (p >>> 8);
          cur[s + 2] = (byte) p;
        }
      }
    }

    /** Writes row y with filter type None (does not advance the adaptive state). */
    void unfiltered(int y, byte[] out, int at) {
      out[at] = 0;
      bytes(y, out, at + 1);
    }

    /** Writes the filter-type byte and the filtered bytes of the next row, y, at {@code at}. */
    void row(int y, boolean adaptive, byte[] out, int at) {
      row(y, adaptive, false, out, at);
    }

    /**
     * As {@link #row(int, boolean, byte[], int)}; {@code sparse} scores the filters on every
     * {@value #SPARSE_STEP}th pixel only ({@value #FAST_SPARSE_STEP}th at levels 1-6). On
     * photographs that picks the same filters as often as not and costs no bytes (±0.03 % on the
     * comparison photos, Huffman or zlib 9), for a quarter of the scoring; on flat drawings it
     * costs 2–4 %, so it is for Huffman-coded images only.
     */
    void row(int y, boolean adaptive, boolean sparse, byte[] out, int at) {
      byte[] cur = raw;
      bytes(y, cur, 0);
      if (!adaptive) {
        out[at] = 0;
        System.arraycopy(cur, 0, out, at + 1, cur.length);
        raw = prior;
        prior = cur;
        return;
      }
      byte[] up = prior;
      int n = cur.length;
      // the first pixel has no left neighbours (a = d = 0); the rest of the row runs without
      // branches: on detailed photographs a branchy Paeth mispredicts about every other byte
      long none = 0;
      long sub = 0;
      long upCost = 0;
      long avg = 0;
      long pae = 0;
      for (int i = 0; i < bpp; i++) {
        int c = cur[i] & 0xFF;
        int b = up[i] & 0xFF;
        none += Math.abs((byte) c);
        sub += Math.abs((byte) c);
        upCost += Math.abs((byte) (c - b));
        avg += Math.abs((byte) (c - (b >>> 1)));
        pae += Math.abs((byte) (c - b)); // Paeth of (0, b, 0) is b
      }
      if (!sparse && n < 1 << 24) {
        int[] sums = this.sums;
        fullScores(cur, up, bpp, sums);
        none += sums[0];
        sub += sums[1];
        upCost += sums[2];
        avg += sums[3];
        pae += sums[4];
      } else {
        int jump = (sparse ? sparseStep - 1 : 0) * bpp; // bytes skipped after each scored pixel
        for (int p = bpp; p < n; p += jump) {
          for (int end = p + bpp; p < end; p++) {
            int c = cur[p] & 0xFF;
            int a = cur[p - bpp] & 0xFF;
            int b = up[p] & 0xFF;
            int d = up[p - bpp] & 0xFF;
            none += Math.abs((byte) c);
            sub += Math.abs((byte) (c - a));
            upCost += Math.abs((byte) (c - b));
            avg += Math.abs((byte) (c - ((a + b) >>> 1)));
            pae += Math.abs((byte) (c - paeth(a, b, d)));
          }
        }
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
      int o1 = at + 1;
      switch (best) {
        case 0 -> System.arraycopy(cur, 0, out, o1, n);
        case 1 -> {
          System.arraycopy(cur, 0, out, o1, bpp);
          for (int i = bpp; i < n; i++) {
            out[o1 + i] = (byte) (cur[i] - cur[i - bpp]);
          }
        }
        case 2 -> {
          for (int i = 0; i < n; i++) {
            out[o1 + i] = (byte) (cur[i] - up[i]);
          }
        }
        case 3 -> {
          for (int i = 0; i < bpp; i++) {
            out[o1 + i] = (byte) (cur[i] - ((up[i] & 0xFF) >>> 1));
          }
          for (int i = bpp; i < n; ) {
            if (flat8(cur, up, i, bpp)) { // zeros, as fullScores has it
              LONG.set(out, o1 + i, 0L);
              i += 8;
              continue;
            }
            for (int end = Math.min(n, i + 8); i < end; i++) {
              out[o1 + i] = (byte) (cur[i] - (((cur[i - bpp] & 0xFF) + (up[i] & 0xFF)) >>> 1));
            }
          }
        }
        default -> {
          for (int i = 0; i < bpp; i++) {
            out[o1 + i] = (byte) (cur[i] - up[i]);
          }
          for (int i = bpp; i < n; ) {
            if (flat8(cur, up, i, bpp)) {
              LONG.set(out, o1 + i, 0L);
              i += 8;
              continue;
            }
            for (int end = Math.min(n, i + 8); i < end; i++) {
              out[o1 + i] = (byte) (cur[i] - paeth(cur[i - bpp] & 0xFF, up[i] & 0xFF, up[i - bpp] & 0xFF));
            }
          }
        }
      }
      raw = prior;
      prior = cur;
    }

    /**
     * The sums of absolute residuals of filters None, Sub, Up, Average and Paeth over bytes
     * {@code bpp} to the end of {@code cur} (the first pixel is the caller's), into {@code sums}:
     * one flat loop with int sums (they cannot overflow below 2^24 bytes a row), which the JIT
     * unrolls. Stretches of 8 bytes that equal both the pixel to their left and the row above
     * (a flat area: most of a drawing's or screenshot's rows) are stepped over, as there every
     * filter but None leaves zeros (Average of two equal bytes is that byte, and Paeth picks
     * {@code a} when {@code a == b}); None's sum comes from its own loop over the whole row. The
     * sums are exactly the byte-by-byte loop's (tests compare them on real rows). Its effect is
     * measured by snapasset-benchmarks' {@code PngBenchmark} and Sharp comparison (level 9 of the
     * illustration; see IMAGING.md).
     */
    static void fullScores(byte[] cur, byte[] up, int bpp, int[] sums) {
      int n = cur.length;
      int sNone = 0;
      for (int p = bpp; p < n; p++) {
        sNone += Math.abs(cur[p]);
      }
      int sSub = 0;
      int sUp = 0;
      int sAvg = 0;
      int sPae = 0;
      int p = bpp;
      while (p < n) {
        if (flat8(cur, up, p, bpp)) {
          p += 8;
          continue;
        }
        for (int end = Math.min(n, p + 8); p < end; p++) {
          int c = cur[p] & 0xFF;
          int a = cur[p - bpp] & 0xFF;
          int b = up[p] & 0xFF;
          int d = up[p - bpp] & 0xFF;
          sSub += Math.abs((byte) (c - a));
          sUp += Math.abs((byte) (c - b));
          sAvg += Math.abs((byte) (c - ((a + b) >>> 1)));
          sPae += Math.abs((byte) (c - paeth(a, b, d)));
        }
      }
      sums[0] = sNone;
      sums[1] = sSub;
      sums[2] = sUp;
      sums[3] = sAvg;
      sums[4] = sPae;
    }

    /**
     * Whether the 8 bytes of {@code cur} from {@code p} (at least {@code bpp}) are in the row and
     * equal both the bytes {@code bpp} to their left and the row above: every filter but None
     * leaves zeros there.
     */
    private static boolean flat8(byte[] cur, byte[] up, int p, int bpp) {
      if (p + 8 > cur.length) {
        return false;
      }
      long c8 = (long) LONG.get(cur, p);
      return c8 == (long) LONG.get(up, p) && c8 == (long) LONG.get(cur, p - bpp);
    }

    /** The Paeth predictor with masks instead of branches (ties go to a, then b, as the spec's). */
    static int paeth(int a, int b, int c) {
      int pa = Math.abs(b - c);
      int pb = Math.abs(a - c);
      int pc = Math.abs(a + b - c - c);
      int notB = (pc - pb) >> 31; // -1 when pc < pb: c beats b
      int bc = b ^ ((b ^ c) & notB);
      int notA = (Math.min(pb, pc) - pa) >> 31; // -1 when min(pb, pc) < pa: a loses
      return a ^ ((a ^ bc) & notA);
    }
  }
}
