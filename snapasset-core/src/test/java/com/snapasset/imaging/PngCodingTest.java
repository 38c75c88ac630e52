package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.imageIo;
import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The PNG encoder's per-image choice of coding (adaptive filters + LZ77, no filter + LZ77, adaptive
 * filters + Huffman only) and the filter's sampling: whichever is chosen, decoding gives back the
 * exact pixels.
 */
class PngCodingTest {
  private final Pixels photo =
      ((Decoded) StandardImageProcessor.create().decode(resource("bliznaca.jpg"))).pixels;

  @Test
  void textOnFlatColourIsWrittenUnfilteredAndLossless() throws Exception {
    Pixels screenshot = screenshot(640, 400);
    for (int level : new int[] {1, 6, 9}) {
      int zlib = level == 6 ? 3 : level;
      assertThat(PngWriter.choose(new PngWriter.Filter(screenshot, false), zlib))
          .as("level %d", level).isEqualTo(PngWriter.Coding.UNFILTERED_LZ77);
      assertLossless(screenshot, level);
    }
  }

  @Test
  void photographsAreFiltered() throws Exception {
    for (int level : new int[] {1, 6, 9}) {
      assertThat(PngWriter.choose(new PngWriter.Filter(photo, false), level))
          .as("level %d", level).isNotEqualTo(PngWriter.Coding.UNFILTERED_LZ77);
      assertLossless(photo, level);
    }
  }

  @Test
  void unfilteredBeatsFilteredOnText() {
    // what the choice is for: on text, filters turn exact row repeats into varied residuals
    Pixels screenshot = screenshot(640, 400);
    int chosen = PngWriter.write(screenshot, 9, false).length;
    int filtered = filteredOnly(screenshot);
    assertThat(chosen).isLessThan(filtered);
  }

  @Test
  void fullScoresAreTheByteByByteSumsOnRealRows() {
    // the scorer steps over flat stretches: its sums (hence every filter choice) must be those of
    // the plain byte-by-byte loop, on a photograph, text, a flat drawing and RGBA pixels
    Pixels alpha = ((Decoded) StandardImageProcessor.create()
        .decode(resource("riaphotographs-alpha.png"))).pixels;
    int skippable = 0;
    for (Pixels px : new Pixels[] {photo, screenshot(640, 400), ZlibEncoderTest.flatDrawing(), alpha,
        screenshot(7, 40)}) {
      for (int bpp : new int[] {3, 4}) {
        byte[] up = new byte[px.width * bpp];
        for (int y = 0; y < px.height; y++) {
          byte[] cur = samples(px, y, bpp);
          int[] fast = new int[5];
          PngWriter.Filter.fullScores(cur, up, bpp, fast);
          assertThat(fast).as("row %d of a %dx%d image, %d bytes a pixel", y, px.width, px.height, bpp)
              .containsExactly(referenceScores(cur, up, bpp));
          for (int p = bpp; p + 8 <= cur.length; p += 8) {
            if (java.util.Arrays.equals(cur, p, p + 8, up, p, p + 8)
                && java.util.Arrays.equals(cur, p, p + 8, cur, p - bpp, p + 8 - bpp)) {
              skippable++;
            }
          }
          up = cur;
        }
      }
    }
    assertThat(skippable).as("flat stretches the scorer steps over").isGreaterThan(10_000);
  }

  /** Row y as PNG samples, RGB or RGBA. */
  private static byte[] samples(Pixels px, int y, int bpp) {
    byte[] row = new byte[px.width * bpp];
    for (int x = 0; x < px.width; x++) {
      int p = px.argb[y * px.width + x];
      row[x * bpp] = (byte) (p >>> 16);
      row[x * bpp + 1] = (byte) (p >>> 8);
      row[x * bpp + 2] = (byte) p;
      if (bpp == 4) {
        row[x * bpp + 3] = (byte) (p >>> 24);
      }
    }
    return row;
  }

  /** libpng's heuristic as the PNG specification states the filters, bytes bpp on. */
  private static int[] referenceScores(byte[] cur, byte[] up, int bpp) {
    int[] sums = new int[5];
    for (int i = bpp; i < cur.length; i++) {
      int x = cur[i] & 0xFF;
      int a = cur[i - bpp] & 0xFF;
      int b = up[i] & 0xFF;
      int c = up[i - bpp] & 0xFF;
      int p = a + b - c;
      int pa = Math.abs(p - a);
      int pb = Math.abs(p - b);
      int pc = Math.abs(p - c);
      int paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      sums[0] += Math.abs((byte) x);
      sums[1] += Math.abs((byte) (x - a));
      sums[2] += Math.abs((byte) (x - b));
      sums[3] += Math.abs((byte) (x - (a + b) / 2));
      sums[4] += Math.abs((byte) (x - paeth));
    }
    return sums;
  }

  @Test
  void aFilterStartedMidImageWritesWhatASequentialPassWrites() {
    int stride = 1 + photo.width * 3;
    byte[] sequential = new byte[photo.height * stride];
    PngWriter.Filter filter = new PngWriter.Filter(photo, false);
    filter.start(0);
    for (int y = 0; y < photo.height; y++) {
      filter.row(y, true, sequential, y * stride);
    }
    for (int y0 : new int[] {0, 1, 137, photo.height - 1}) {
      PngWriter.Filter sampler = new PngWriter.Filter(photo, false);
      sampler.start(y0);
      byte[] rows = new byte[2 * stride];
      for (int y = y0; y < Math.min(photo.height, y0 + 2); y++) {
        sampler.row(y, true, rows, (y - y0) * stride);
        for (int i = 0; i < stride; i++) {
          assertThat(rows[(y - y0) * stride + i]).as("row %d byte %d", y, i)
              .isEqualTo(sequential[y * stride + i]);
        }
      }
    }
  }

  @Test
  void sparselyScoredRowsUnfilterToThePixels() {
    // the sparse scoring only changes which filter a row gets; any choice must invert exactly
    for (int step : new int[] {PngWriter.Filter.SPARSE_STEP, PngWriter.Filter.FAST_SPARSE_STEP}) {
      for (boolean sparse : new boolean[] {false, true}) {
        byte[] rows = filtered(new PngWriter.Filter(photo, false, step), sparse);
        assertThat(unfilter(rows, photo.width, photo.height)).as("step %d, sparse %s", step, sparse)
            .isEqualTo(photo.argb);
      }
    }
  }

  @Test
  void theFullScoringLoopPicksWhatScoringEveryPixelSparselyPicks() {
    // full scoring runs in its own flat loop with int sums; the sparse loop with a step of one
    // scores the same pixels with long sums, so both must choose the same filters, byte for byte
    byte[] full = filtered(new PngWriter.Filter(photo, false), false);
    byte[] everyPixel = filtered(new PngWriter.Filter(photo, false, 1), true);
    assertThat(full).isEqualTo(everyPixel);
  }

  private static byte[] filtered(PngWriter.Filter filter, boolean sparse) {
    int stride = 1 + filter.px.width * filter.bpp;
    byte[] rows = new byte[filter.px.height * stride];
    filter.start(0);
    for (int y = 0; y < filter.px.height; y++) {
      filter.row(y, true, sparse, rows, y * stride);
    }
    return rows;
  }

  @Test
  void aBoundedTrialStopsOnlyOnceItsOutputReachesTheBound() {
    // levels 1-6 judge their unfiltered and Huffman trials against a bound; a trial that stops
    // early must still report at least the bound, and one under it its exact size
    int stride = 1 + photo.width * 3;
    byte[] rows = new byte[photo.height * stride];
    PngWriter.Filter filter = new PngWriter.Filter(photo, false);
    for (int y = 0; y < photo.height; y++) {
      filter.unfiltered(y, rows, y * stride);
    }
    int exact = PngWriter.deflatedSize(rows, rows.length, 3, Deflater.DEFAULT_STRATEGY, Double.MAX_VALUE);
    assertThat(PngWriter.deflatedSize(rows, rows.length, 3, Deflater.DEFAULT_STRATEGY, exact + 1))
        .isEqualTo(exact);
    int stopped = PngWriter.deflatedSize(rows, rows.length, 3, Deflater.DEFAULT_STRATEGY, exact / 2.0);
    assertThat(stopped).isBetween((int) Math.ceil(exact / 2.0), exact - 1);
    int huffman = PngWriter.deflatedSize(rows, rows.length, 1, Deflater.HUFFMAN_ONLY, Double.MAX_VALUE);
    assertThat(PngWriter.deflatedSize(rows, rows.length, 1, Deflater.HUFFMAN_ONLY, huffman / 3.0))
        .isBetween((int) Math.ceil(huffman / 3.0), huffman - 1);
  }

  @Test
  void boundedTrialsDecideWhatTrialsRunToTheirEndDecide() {
    // levels 1-6 stop the unfiltered and Huffman trials at the bounds decide() derives from the
    // sizes before them; with the wrong bound (at bestSize rather than past it, say) a stopped
    // trial could win or lose where the whole one would not
    Pixels alpha =
        ((Decoded) StandardImageProcessor.create().decode(resource("riaphotographs-alpha.png"))).pixels;
    assertThat(PngWriter.hasTransparency(alpha)).isTrue();
    java.util.Set<PngWriter.Coding> seen = java.util.EnumSet.noneOf(PngWriter.Coding.class);
    for (Pixels px : new Pixels[] {photo, screenshot(640, 400), alpha}) {
      for (int zlib : new int[] {1, 2, 3, 6}) {
        PngWriter.Choice bounded = PngWriter.decide(new PngWriter.Filter(px, px.alpha), zlib, true);
        PngWriter.Choice whole = PngWriter.decide(new PngWriter.Filter(px, px.alpha), zlib, false);
        assertThat(bounded).as("%dx%d%s, zlib %d", px.width, px.height, px.alpha ? " RGBA" : "", zlib)
            .isEqualTo(whole);
        seen.add(bounded.coding());
      }
    }
    // both the filtered (photographs) and the unfiltered (screenshot) branches were judged
    assertThat(seen).contains(PngWriter.Coding.FILTERED_HUFFMAN, PngWriter.Coding.UNFILTERED_LZ77);
  }

  @Test
  void theBoundsDecideWhatWholeTrialsDecideAtEveryTie() {
    // a bounded trial may stop anywhere from its bound up; the most a bound allows is to report
    // the bound itself (rounded up). Around each threshold (plain against lz·0.9, Huffman against
    // the better LZ77) that must decide what the exact sizes decide: a bound one byte too low
    // (bestSize instead of bestSize + 1) lets a Huffman trial one byte too large win
    int cases = 0;
    for (int zlib : new int[] {1, 2, 3, 6, 9}) {
      for (int lz : new int[] {999, 1000, 1001, 1237}) {
        int threshold = (int) Math.ceil(lz * PngWriter.UNFILTERED_TOLERANCE);
        java.util.SortedSet<Integer> plains = new java.util.TreeSet<>();
        for (int d = -3; d <= 3; d++) {
          plains.add(threshold + d); // unfiltered against filtered LZ77 (×1.1 at levels 1-6)
          plains.add(lz + d); // which of them Huffman must beat
        }
        for (int plain : plains) {
          int bestSize = Math.min(lz, plain);
          for (int huffman = bestSize - 3; huffman <= bestSize + 3; huffman++) {
            PngWriter.Choice exact =
                PngWriter.judge(zlib, false, exact(lz), exact(plain), exact(huffman));
            PngWriter.Choice bounded =
                PngWriter.judge(zlib, true, stopsAtBound(lz), stopsAtBound(plain), stopsAtBound(huffman));
            assertThat(bounded).as("zlib %d, lz %d, plain %d, huffman %d", zlib, lz, plain, huffman)
                .isEqualTo(exact);
            cases++;
          }
        }
      }
    }
    assertThat(cases).isGreaterThan(500);
  }

  private static PngWriter.Trial exact(int size) {
    return bound -> size;
  }

  private static PngWriter.Trial stopsAtBound(int size) {
    return bound -> size < bound ? size : (int) Math.ceil(bound);
  }

  /** PNG's reconstruction (ISO 15948, 9.2), written out plainly as the reference. */
  private static int[] unfilter(byte[] rows, int w, int h) {
    int n = w * 3;
    int[] prior = new int[n];
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      int at = y * (n + 1);
      int type = rows[at];
      int[] cur = new int[n];
      for (int i = 0; i < n; i++) {
        int x = rows[at + 1 + i] & 0xFF;
        int a = i >= 3 ? cur[i - 3] : 0;
        int b = prior[i];
        int c = i >= 3 ? prior[i - 3] : 0;
        int p = a + b - c;
        int paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
            : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        int predicted = switch (type) {
          case 0 -> 0;
          case 1 -> a;
          case 2 -> b;
          case 3 -> (a + b) / 2;
          default -> paeth;
        };
        cur[i] = (x + predicted) & 0xFF;
      }
      for (int x = 0; x < w; x++) {
        argb[y * w + x] = 0xFF000000 | cur[3 * x] << 16 | cur[3 * x + 1] << 8 | cur[3 * x + 2];
      }
      prior = cur;
    }
    return argb;
  }

  @Test
  void branchFreePaethEqualsTheSpecs() {
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        for (int c = 0; c < 256; c++) {
          int p = a + b - c;
          int pa = Math.abs(p - a);
          int pb = Math.abs(p - b);
          int pc = Math.abs(p - c);
          int expected = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          if (PngWriter.Filter.paeth(a, b, c) != expected) {
            assertThat(PngWriter.Filter.paeth(a, b, c)).as("paeth(%d, %d, %d)", a, b, c)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  @Test
  void imagesOfEveryShapeRoundTrip() throws Exception {
    // a 1-row image has one sample band; 16 and 128 rows end exactly on a band's edge; rows are
    // deflated in batches of 65536 / stride rows: 20 px wide (61 bytes a row) makes 1074 rows
    // exactly one batch, and a row over 64 KiB (22000 px) a batch of its own
    for (int[] size : new int[][] {{1, 1}, {7, 1}, {1, 9}, {33, 16}, {20, 128}, {20, 129},
        {20, 1074}, {20, 1075}, {20, 3 * 1074 + 5}, {22000, 3}}) {
      int w = size[0];
      int h = size[1];
      int[] argb = new int[w * h];
      for (int i = 0; i < argb.length; i++) {
        argb[i] = photo.argb[(i / w) % photo.height * photo.width + (i % w) % photo.width];
      }
      for (int level : new int[] {0, 6, 9}) {
        assertLossless(new Pixels(argb, w, h, false), level);
      }
    }
  }

  @Test
  void levelNineCodesNoiseLikeBandsHuffmanOnlyAndRepeatingBandsWithLz77() throws Exception {
    // a photograph enlarged as the presets enlarge (smooth, noise-like residuals) above text on
    // flat colour (rows that repeat): the bands of one image take both codings
    Pixels rocket =
        ((Decoded) StandardImageProcessor.create().decode(resource("rocket-upright.jpg"))).pixels;
    int w = rocket.width * 4;
    int h = rocket.height * 4;
    Pixels enlarged = Resampler.resize(rocket, w, h, 0, 0, w, h);
    Pixels mixed = stack(enlarged, screenshot(enlarged.width, enlarged.height));
    int stride = 1 + mixed.width * 3;
    byte[] rows = filteredRows(mixed);
    PngWriter.Bands bands = new PngWriter.Bands();
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
    int perBand = Math.max(1, PngWriter.Bands.BAND_SIZE / stride) * stride;
    int huffmanInPhoto = 0;
    for (int at = 0; at < rows.length; at += perBand) {
      int before = bands.huffmanBands;
      int length = Math.min(perBand, rows.length - at);
      bands.next(deflater, java.util.Arrays.copyOfRange(rows, at, at + length), length);
      if (bands.huffmanBands > before && at + perBand <= enlarged.height * stride) {
        huffmanInPhoto++;
      }
    }
    deflater.end();
    bands.end();
    assertThat(huffmanInPhoto).as("Huffman-only bands in the photograph").isPositive();
    assertThat(bands.huffmanBands).as("all Huffman-only bands").isEqualTo(huffmanInPhoto);
    assertThat(bands.lzBands).as("LZ77 bands (the text)").isGreaterThanOrEqualTo(
        enlarged.height * stride / perBand - 1);

    PngWriter.Filter filter = new PngWriter.Filter(mixed, false);
    assertThat(PngWriter.decide(filter, 9))
        .as("filtered LZ77, judged band by band")
        .isEqualTo(new PngWriter.Choice(PngWriter.Coding.FILTERED_LZ77, true));
    assertLossless(mixed, 9);
    assertLossless(mixed, 8);
    // far smaller than Huffman coding throughout, and within 2 % of LZ77 throughout (the per-band
    // judgement is a zlib 1 trial: on this small image it costs 1-2 %, on the comparison's
    // landscape the bands are 1.5 % smaller than zlib 9 throughout)
    int written = PngWriter.write(mixed, 9, false).length;
    assertThat(written).isLessThan(deflated(rows, 1, java.util.zip.Deflater.HUFFMAN_ONLY) * 3 / 4);
    assertThat((double) written).isLessThanOrEqualTo(filteredOnly(mixed) * 1.02);
  }

  @Test
  void levelNineJudgesNoBandsOfAFlatDrawing() throws Exception {
    // flat shapes enlarged as the presets enlarge them: filtered LZ77, and Huffman-only coding
    // (several times larger) is not worth a trial on any band
    Pixels enlarged = ZlibEncoderTest.flatDrawing();
    PngWriter.Filter filter = new PngWriter.Filter(enlarged, false);
    assertThat(PngWriter.decide(filter, 9))
        .isEqualTo(new PngWriter.Choice(PngWriter.Coding.FILTERED_LZ77, false));
    assertLossless(enlarged, 9);
    // its rows go through ZlibEncoder.flat, no larger than zlib 9 (Z_FILTERED) made them before:
    // 2 % for other zlib builds than the JDK 17's, 100 bytes for the PNG's signature and chunks
    int written = PngWriter.write(enlarged, 9, false).length;
    assertThat((double) written).isLessThanOrEqualTo(filteredOnly(enlarged) * 1.02 + 100);
  }

    private static Pixels stack(Pixels top, Pixels bottom) {
    int[] argb = java.util.Arrays.copyOf(top.argb, top.argb.length + bottom.argb.length);
    System.arraycopy(bottom.argb, 0, argb, top.argb.length, bottom.argb.length);
    return new Pixels(argb, top.width, top.height + bottom.height, false);
  }

  /** The rows level 9 deflates: every row adaptively filtered, RGB. */
  static byte[] filteredRows(Pixels px) {
    int stride = 1 + px.width * 3;
    byte[] rows = new byte[px.height * stride];
    PngWriter.Filter filter = new PngWriter.Filter(px, false);
    filter.start(0);
    for (int y = 0; y < px.height; y++) {
      filter.row(y, true, rows, y * stride);
    }
    return rows;
  }

  static int deflated(byte[] rows, int level, int strategy) {
    java.util.zip.Deflater d = new java.util.zip.Deflater(level);
    d.setStrategy(strategy);
    d.setInput(rows);
    d.finish();
    byte[] buffer = new byte[1 << 16];
    int n = 0;
    while (!d.finished()) {
      n += d.deflate(buffer);
    }
    d.end();
    return n;
  }

  private static int filteredOnly(Pixels px) {
    return deflated(filteredRows(px), 9, java.util.zip.Deflater.FILTERED);
  }

  private static void assertLossless(Pixels px, int level) throws Exception {
    BufferedImage back = imageIo(PngWriter.write(px, level, false));
    assertThat(back.getRGB(0, 0, px.width, px.height, null, 0, px.width))
        .as("%dx%d level %d", px.width, px.height, level)
        .isEqualTo(px.argb);
  }

  /** A window with a title bar and anti-aliased text, drawn by Java2D. */
  private static Pixels screenshot(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(new Color(0xF4F5F7));
    g.fillRect(0, 0, w, h);
    g.setColor(new Color(0x2D3E50));
    g.fillRect(0, 0, w, 32);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (int line = 0; line < 20; line++) {
      g.setColor(line % 5 == 0 ? new Color(0x1565C0) : new Color(0x222222));
      g.drawString("line " + line + ": the quick brown fox jumps over the lazy dog 0123456789", 16, 56 + line * 17);
    }
    g.dispose();
    return Decoder.toPixels(image);
  }
}
