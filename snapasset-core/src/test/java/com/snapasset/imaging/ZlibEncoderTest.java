package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * {@link ZlibEncoder} and {@link HuffmanLengths}: every stream inflates with the JDK's zlib to the
 * exact input, whatever its shape, and the codes respect DEFLATE's limits.
 */
class ZlibEncoderTest {
  private final Random random = new Random(15);

  @Test
  void shortInputsRoundTrip() throws Exception {
    for (int n : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 257, 258, 259, 266, 267}) {
      byte[] noise = new byte[n];
      random.nextBytes(noise);
      assertRoundTrip(noise);
      assertRoundTrip(new byte[n]);
    }
  }

  @Test
  void randomBytesOverAMegabyteRoundTripAndAreStoredNotExpanded() throws Exception {
    byte[] noise = new byte[(1 << 20) + 12345];
    random.nextBytes(noise);
    byte[] z = assertRoundTrip(noise);
    // stored blocks: 5 bytes a piece of at most 64 KiB (a block of 64 Ki literals takes two), plus
    // the zlib header and trailer; Huffman codes would add about 0.5 % (5 KB)
    assertThat(z.length).isLessThanOrEqualTo(noise.length + (noise.length / 32768 + 1) * 5 + 16);
  }

  @Test
  void zerosAndRunsRoundTrip() throws Exception {
    assertRoundTrip(new byte[3 << 20]);
    byte[] runs = new byte[1 << 20];
    for (int i = 0; i < runs.length; ) {
      int len = 1 + random.nextInt(600);
      Arrays.fill(runs, i, Math.min(runs.length, i + len), (byte) random.nextInt(4));
      i += len;
    }
    byte[] z = assertRoundTrip(runs);
    assertThat(z.length).isLessThan(runs.length / 20);
  }

  @Test
  void matchesAtTheWindowsEdgeAndOfEveryLengthRoundTrip() throws Exception {
    // a random block repeated at distances 32767, 32768 (one past this encoder's limit) and 32769
    for (int distance : new int[] {32767, 32768, 32769}) {
      byte[] data = new byte[distance + 5000];
      random.nextBytes(data);
      System.arraycopy(data, 0, data, distance, 5000);
      byte[] z = assertRoundTrip(data);
      if (distance == 32767) {
        assertThat(z.length).as("the repeat is matched").isLessThan(distance + 1000);
      }
    }
    // repeats of exactly 3, 4, ..., 258, 259 and 600 bytes at short distances, with every minMatch
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int len : new int[] {3, 4, 5, 6, 7, 8, 15, 16, 17, 257, 258, 259, 600}) {
      byte[] piece = new byte[len];
      random.nextBytes(piece);
      for (int k = 0; k < 3; k++) {
        data.write(piece);
        byte[] gap = new byte[1 + random.nextInt(40)];
        random.nextBytes(gap);
        data.write(gap);
      }
    }
    for (int minMatch : new int[] {3, 4, 5, 6, 258}) {
      ByteArrayOutputStream z = new ByteArrayOutputStream();
      ZlibEncoder encoder = new ZlibEncoder(z, 64, 258, minMatch, 1 << 12);
      encoder.write(data.toByteArray(), 0, data.size());
      encoder.finish();
      assertThat(inflate(z.toByteArray(), data.size())).isEqualTo(data.toByteArray());
    }
  }

  @Test
  void inputsWrittenInAnyPiecesAndLiteralRunsGiveTheSameBytesBack() throws Exception {
    byte[] rows = PngCodingTest.filteredRows(photo());
    // one byte at a time across the buffer's slides, and switching to literals and back
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    ZlibEncoder encoder = new ZlibEncoder(z);
    int at = 0;
    for (int piece = 0; at < rows.length; piece++) {
      int n = Math.min(rows.length - at, piece % 7 == 0 ? 1 : 1 + random.nextInt(70000));
      encoder.literalsOnly(piece % 3 == 1);
      encoder.write(rows, at, n);
      at += n;
    }
    encoder.finish();
    assertThat(inflate(z.toByteArray(), rows.length)).isEqualTo(rows);
  }

  @Test
  void filteredRowsOfTheTestImagesRoundTrip() throws Exception {
    assertRoundTrip(PngCodingTest.filteredRows(photo()));
    assertRoundTrip(PngCodingTest.filteredRows(screenshot()));
    assertRoundTrip(PngCodingTest.filteredRows(flatDrawing()));
  }

  @Test
  void aPhotographsBandsAreSmallerThanWithZlibNine() throws Exception {
    // level 9's path for photographs: each band of filtered rows Huffman only or LZ77 as Bands
    // judges it, deflated by ZlibEncoder, against what level 9 did before: zlib 9 (Z_FILTERED)
    // switching strategy band by band (PngWriter.idat); this photograph's bands all come out LZ77
    // (inputsWrittenInAnyPieces... covers switching to literals and back)
    Pixels photo = photo();
    byte[] rows = PngCodingTest.filteredRows(photo);
    int band = PngWriter.Bands.BAND_SIZE / (1 + photo.width * 3) * (1 + photo.width * 3);
    PngWriter.Bands bands = new PngWriter.Bands();
    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    ZlibEncoder encoder = new ZlibEncoder(ours);
    Deflater zlib = new Deflater(9);
    zlib.setStrategy(Deflater.FILTERED);
    byte[] buffer = new byte[1 << 16];
    int zlibSize = 0;
    for (int at = 0; at < rows.length; at += band) {
      int n = Math.min(band, rows.length - at);
      boolean huffman = bands.huffman(Arrays.copyOfRange(rows, at, at + n), n);
      encoder.literalsOnly(huffman);
      encoder.write(rows, at, n);
      zlib.setStrategy(huffman ? Deflater.HUFFMAN_ONLY : Deflater.FILTERED);
      zlib.setInput(rows, at, n);
      while (!zlib.needsInput()) {
        zlibSize += zlib.deflate(buffer);
      }
    }
    zlib.finish();
    while (!zlib.finished()) {
      zlibSize += zlib.deflate(buffer);
    }
    zlib.end();
    bands.end();
    encoder.finish();
    assertThat(inflate(ours.toByteArray(), rows.length)).isEqualTo(rows);
    // The JDK's zlib differs by build (bundled, system zlib, zlib-ng): allow 0.3 %, about our
    // measured margin, so the test fails when the encoder falls behind, not when the JDK changes.
    assertThat((double) ours.size()).isLessThanOrEqualTo(zlibSize * 1.003);
  }

  @Test
  void flatModeRoundTripsRunsOfEveryLengthInAnyPieces() throws Exception {
    // runs of a few byte values (lengths 1-700) between random bytes, past several windows, so
    // that searchRun meets runs shorter and longer than the one it matches, and runs that reach
    // back past the window's end
    byte[] data = new byte[5 * ZlibEncoder.WINDOW + 777];
    for (int i = 0; i < data.length; ) {
      int len = random.nextInt(4) == 0 ? 1 + random.nextInt(700) : 1 + random.nextInt(12);
      int end = Math.min(data.length, i + len);
      if (random.nextBoolean()) {
        Arrays.fill(data, i, end, (byte) (random.nextInt(3) * 127));
      } else {
        for (int j = i; j < end; j++) {
          data[j] = (byte) random.nextInt(256);
        }
      }
      i = end;
    }
    byte[] zeros = new byte[3 * ZlibEncoder.WINDOW];
    byte[] drawing = PngCodingTest.filteredRows(flatDrawing());
    byte[] text = unfilteredRows(screenshot());
    for (boolean threes : new boolean[] {false, true}) { // flat (matches of 6 up), unfiltered (3 up)
      for (byte[] input : new byte[][] {data, zeros, drawing, text}) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        ZlibEncoder encoder = threes ? ZlibEncoder.unfiltered(z) : ZlibEncoder.flat(z);
        for (int at = 0; at < input.length; ) {
          int n = Math.min(input.length - at, 1 + random.nextInt(40000));
          encoder.write(input, at, n);
          at += n;
        }
        encoder.finish();
        assertThat(inflate(z.toByteArray(), input.length)).isEqualTo(input);
      }
    }
  }

  @Test
  void steppingOverRunsFindsTheMatchesAFullChainWalkFinds() throws Exception {
    // with chains long enough to be walked to the window's end, the run-skipping search must pick
    // the same match as the plain one at every position (the longest, nearest first), so the two
    // streams are the same byte for byte: it skips only candidates that cannot match longer. Random
    // runs of a few values, copies, patterns and noise (fixed seed), for matches of 6 and of 3: runs
    // shorter than the one being matched that end where it starts are what the skipping must score
    Random inputs = new Random(20261130);
    for (int i = 0; i < 300; i++) {
      byte[] data = runsAndCopies(inputs);
      int minMatch = i % 2 == 0 ? 6 : 3;
      byte[] plain = deflate(out -> new ZlibEncoder(out, 1 << 20, 258, minMatch, 1 << 16), data);
      byte[] skipping =
          deflate(out -> new ZlibEncoder(out, 1 << 20, 258, minMatch, 1 << 16, true), data);
      assertThat(skipping).as("input %d, matches of %d up", i, minMatch).isEqualTo(plain);
    }
    byte[] rows = PngCodingTest.filteredRows(flatDrawing());
    byte[] plain = deflate(out -> new ZlibEncoder(out, 1 << 20, 258, 6, 1 << 16), rows);
    byte[] skipping = deflate(out -> new ZlibEncoder(out, 1 << 20, 258, 6, 1 << 16, true), rows);
    assertThat(skipping).isEqualTo(plain);
  }

  @Test
  void steppingOverRunsFindsTheSameMatchesAcrossSlidesOfTheBuffer() throws Exception {
    // searchRun reads how far each candidate's run reaches back from a table kept across the
    // buffer's slides (runs straddling a slide, counts reaching past the buffer's start): over
    // inputs of several buffers, written in random pieces, still byte for byte the plain walk's
    Random inputs = new Random(20261201);
    for (int i = 0; i < 4; i++) {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      while (joined.size() < 20 * ZlibEncoder.WINDOW) {
        joined.write(runsAndCopies(inputs));
        joined.write(new byte[inputs.nextInt(2 * ZlibEncoder.WINDOW)]); // runs past a window
      }
      byte[] data = joined.toByteArray();
      int minMatch = i % 2 == 0 ? 6 : 3;
      long seed = inputs.nextLong();
      byte[] plain = deflateInPieces(minMatch, false, data, seed);
      byte[] skipping = deflateInPieces(minMatch, true, data, seed);
      assertThat(skipping).as("input %d, matches of %d up", i, minMatch).isEqualTo(plain);
      assertThat(inflate(skipping, data.length)).isEqualTo(data);
    }
  }

  @Test
  void aRunReachingPastTheWindowsFarEdgeIsCutThere() throws Exception {
    // a run of L bytes b, then about a window of other bytes, then a run of b a little longer: the
    // older run's start lies beyond 32 KiB, so its reach must be bounded by the window, not by
    // the table
    Random inputs = new Random(20261130);
    for (int i = 0; i < 24; i++) {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      byte b = (byte) inputs.nextInt(256);
      joined.write(notB(inputs, b, 1 + inputs.nextInt(5000)));
      int run = 5 + inputs.nextInt(246);
      byte[] older = new byte[run];
      Arrays.fill(older, b);
      joined.write(older);
      joined.write(notB(inputs, b, ZlibEncoder.WINDOW - run + inputs.nextInt(2 * run + 1) - run));
      // just longer: a much longer run is coded from its own second byte (distance 1, lazily)
      byte[] longer = new byte[run + 1 + inputs.nextInt(2)];
      Arrays.fill(longer, b);
      joined.write(longer);
      joined.write(notB(inputs, b, inputs.nextInt(100)));
      byte[] data = joined.toByteArray();
      int minMatch = i % 2 == 0 ? 6 : 3;
      long seed = inputs.nextLong();
      byte[] skipping = deflateInPieces(minMatch, true, data, seed);
      assertThat(inflate(skipping, data.length)).as("input %d", i).isEqualTo(data);
      assertThat(skipping).as("input %d", i).isEqualTo(deflateInPieces(minMatch, false, data, seed));
    }
  }

  /** {@code n} random bytes, none of them {@code b}. */
  private static byte[] notB(Random r, byte b, int n) {
    byte[] d = new byte[n];
    for (int i = 0; i < n; i++) {
      do {
        d[i] = (byte) r.nextInt(256);
      } while (d[i] == b);
    }
    return d;
  }

  /** With chains walked to the window's end, as in the test above. */
  private static byte[] deflateInPieces(int minMatch, boolean skipRuns, byte[] data, long seed)
      throws Exception {
    Random pieces = new Random(seed);
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    ZlibEncoder encoder = new ZlibEncoder(z, 1 << 20, 258, minMatch, 1 << 16, skipRuns);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + pieces.nextInt(70_000));
      encoder.write(data, at, n);
      at += n;
    }
    encoder.finish();
    return z.toByteArray();
  }

  /** Up to 40 000 bytes: runs (1-3000) of a few values, earlier bytes copied, short patterns, noise. */
  private static byte[] runsAndCopies(Random r) {
    byte[] d = new byte[r.nextInt(40_000)];
    byte[] values = {0, (byte) 0xFF, 1, (byte) r.nextInt(256)};
    for (int i = 0; i < d.length; ) {
      int kind = r.nextInt(8);
      int len = kind < 3 ? 1 + r.nextInt(r.nextBoolean() ? 12 : 3000) : 1 + r.nextInt(300);
      int end = Math.min(d.length, i + len);
      if (kind < 3) {
        Arrays.fill(d, i, end, values[r.nextInt(values.length)]);
      } else if (kind < 5 && i > 0) {
        int dist = 1 + r.nextInt(Math.min(i, r.nextBoolean() ? 8 : 32_768));
        for (int j = i; j < end; j++) {
          d[j] = d[j - dist];
        }
      } else if (kind < 6) {
        int period = 1 + r.nextInt(6);
        for (int j = i; j < end; j++) {
          d[j] = values[(j - i) % period % values.length];
        }
      } else {
        for (int j = i; j < end; j++) {
          d[j] = (byte) r.nextInt(4);
        }
      }
      i = end;
    }
    return d;
  }

  @Test
  void aFlatDrawingsFilteredRowsAreSmallerThanWithZlibNine() throws Exception {
    // level 9's path for filtered flat images: ZlibEncoder.flat against zlib 9 (Z_FILTERED), which
    // level 9 used before
    byte[] rows = PngCodingTest.filteredRows(flatDrawing());
    byte[] ours = deflate(ZlibEncoder::flat, rows);
    assertThat(inflate(ours, rows.length)).isEqualTo(rows);
    int zlib = PngCodingTest.deflated(rows, 9, Deflater.FILTERED);
    // 0.5-2.4 % smaller than the JDK 17's zlib on the comparison's renders; 2 % of slack for
    // JDKs whose zlib is another build (zlib-ng, Chromium's), which differ by a per cent or so
    assertThat((double) ours.length).isLessThanOrEqualTo(zlib * 1.02);
  }

  @Test
  void aScreenshotsUnfilteredRowsAreNoLargerThanWithZlibNine() throws Exception {
    // level 9's path for unfiltered rows: ZlibEncoder.unfiltered against zlib 9's default strategy
    byte[] rows = unfilteredRows(screenshot());
    byte[] ours = deflate(ZlibEncoder::unfiltered, rows);
    assertThat(inflate(ours, rows.length)).isEqualTo(rows);
    int zlib = PngCodingTest.deflated(rows, 9, Deflater.DEFAULT_STRATEGY);
    // 2 % of slack for other zlib builds, as above
    assertThat((double) ours.length).isLessThanOrEqualTo(zlib * 1.02);
    // without matches of 3 it is several per cent larger: the mode is what makes the difference
    byte[] sixes = deflate(out -> new ZlibEncoder(out, 1024, 258, 6, 1 << 16, true), rows);
    assertThat(ours.length).isLessThan(sixes.length);
  }

  @Test
  void ditheredFewColourPixelsAtLevelNineAreNoLargerThanWithZlibNine() throws Exception {
    // random pixels from 2 or 4 colours: level 9 leaves them unfiltered and codes them with
    // ZlibEncoder.unfiltered, whose matches of 3 and 4-byte chains must reach as far back as zlib
    // 9's 4096 candidates on 3-byte chains (chains keyed on 3 bytes were 10-12 % larger here);
    // measured: 4 colours as zlib 9, 2 colours 1.5 % larger; 3 % of slack for other zlib builds
    Random pixels = new Random(7);
    for (int colours : new int[] {2, 4}) {
      int[] palette = new int[colours];
      for (int i = 0; i < colours; i++) {
        palette[i] = 0xFF000000 | pixels.nextInt(1 << 24);
      }
      int[] argb = new int[480 * 480];
      for (int i = 0; i < argb.length; i++) {
        argb[i] = palette[pixels.nextInt(colours)];
      }
      Pixels px = new Pixels(argb, 480, 480, false);
      assertThat(PngWriter.decide(new PngWriter.Filter(px, false, PngWriter.Filter.SPARSE_STEP), 9))
          .isEqualTo(new PngWriter.Choice(PngWriter.Coding.UNFILTERED_LZ77, false));
      int zlib = PngCodingTest.deflated(unfilteredRows(px), 9, Deflater.DEFAULT_STRATEGY);
      byte[] png = PngWriter.write(px, 9, false);
      assertThat(Decoder.toPixels(TestImages.imageIo(png)).argb).as("%d colours", colours)
          .isEqualTo(argb);
      // 100 bytes for the PNG's signature and chunks
      assertThat((double) png.length).as("%d colours", colours)
          .isLessThanOrEqualTo(zlib * 1.03 + 100);
    }
  }

  @Test
  void aBlockOfOneSymbolAndAnEmptyStreamInflate() throws Exception {
    byte[] same = new byte[100_000];
    Arrays.fill(same, (byte) 'a');
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    ZlibEncoder encoder = new ZlibEncoder(z);
    encoder.literalsOnly(true); // 'a' and the block's end only
    encoder.write(same, 0, same.length);
    encoder.finish();
    assertThat(inflate(z.toByteArray(), same.length)).isEqualTo(same);
    assertThat(z.size()).isLessThan(same.length / 7); // one bit a byte
  }

  @Test
  void codeLengthsStayWithinTheLimitAndFormACompleteCode() {
    // Fibonacci frequencies: an unlimited Huffman code would be as deep as there are symbols
    int[] freq = new int[30];
    freq[0] = 1;
    freq[1] = 1;
    for (int i = 2; i < 30; i++) {
      freq[i] = freq[i - 1] + freq[i - 2];
    }
    for (int limit : new int[] {7, 15}) {
      int n = limit == 7 ? 19 : 30;
      int[] lengths = new int[n];
      HuffmanLengths.build(freq, n, limit, lengths);
      assertThat(Arrays.stream(lengths).max().getAsInt()).isEqualTo(limit);
      assertThat(kraft(lengths)).as("complete at limit %d", limit).isEqualTo(1.0);
      // more frequent symbols never get longer codes
      for (int s = 1; s < n; s++) {
        assertThat(lengths[s]).isLessThanOrEqualTo(lengths[s - 1]);
      }
    }
    int[] one = new int[286];
    one[65] = 1000;
    int[] lengths = new int[286];
    HuffmanLengths.build(one, 286, 15, lengths);
    assertThat(lengths[65]).isEqualTo(1);
    assertThat(kraft(lengths)).isEqualTo(1.0);
    int[] equal = {5, 5, 5, 5, 0};
    int[] four = new int[5];
    HuffmanLengths.build(equal, 5, 15, four);
    assertThat(four).containsExactly(2, 2, 2, 2, 0);
  }

  private static double kraft(int[] lengths) {
    double sum = 0;
    for (int len : lengths) {
      if (len > 0) {
        sum += Math.pow(2, -len);
      }
    }
    return sum;
  }

  private static Pixels screenshot() {
    return Decoder.toPixels(TestImages.imageIo(resource("screenshot-640x400.png")));
  }

  /** A screenshot's rows as level 9 writes them when the sample finds filters not worth it. */
  private static byte[] unfilteredRows(Pixels px) {
    int stride = 1 + px.width * 3;
    byte[] rows = new byte[px.height * stride];
    PngWriter.Filter filter = new PngWriter.Filter(px, false);
    for (int y = 0; y < px.height; y++) {
      filter.unfiltered(y, rows, y * stride);
    }
    return rows;
  }

  private static Pixels photo() {
    return ((Decoded) StandardImageProcessor.create().decode(resource("bliznaca.jpg"))).pixels;
  }

  /** Flat shapes enlarged as the presets enlarge them: long matches at many distances (PngCodingTest too). */
  static Pixels flatDrawing() {
    BufferedImage image = new BufferedImage(270, 270, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new java.awt.GradientPaint(0, 0, new Color(0x1E3C72), 270, 180, new Color(0xF6D365)));
    g.fillRect(0, 0, 270, 180);
    g.setColor(new Color(0x4CAF50));
    g.fillRect(0, 180, 270, 90);
    g.setColor(new Color(0xFFC107));
    g.fillOval(160, 30, 60, 60);
    g.setColor(new Color(0x795548));
    for (int x = 10; x < 270; x += 40) {
      g.fillPolygon(new int[] {x, x + 15, x + 30}, new int[] {200, 150, 200}, 3);
    }
    g.dispose();
    return Resampler.resize(Decoder.toPixels(image), 1080, 1080, 0, 0, 270, 270);
  }

  /** All of {@code data} in one write through the encoder {@code make} makes; the stream's bytes. */
  private static byte[] deflate(Function<OutputStream, ZlibEncoder> make, byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ZlibEncoder encoder = make.apply(out);
    encoder.write(data, 0, data.length);
    encoder.finish();
    return out.toByteArray();
  }

  private static byte[] assertRoundTrip(byte[] data) throws Exception {
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    ZlibEncoder encoder = new ZlibEncoder(z);
    encoder.write(data, 0, data.length);
    encoder.finish();
    byte[] out = z.toByteArray();
    assertThat(inflate(out, data.length)).as("%d bytes", data.length).isEqualTo(data);
    return out;
  }

  /** Inflates a whole zlib stream (its Adler-32 checked by the Inflater) that must hold exactly n bytes. */
  private static byte[] inflate(byte[] z, int n) throws DataFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(z);
      byte[] out = new byte[n + 1];
      int got = 0;
      while (!inflater.finished()) {
        int k = inflater.inflate(out, got, out.length - got);
        if (k == 0 && !inflater.finished() && (inflater.needsInput() || got == out.length)) {
          throw new AssertionError("stream ends early or holds more than " + n + " bytes");
        }
        got += k;
      }
      assertThat(inflater.getRemaining()).as("bytes after the stream").isZero();
      return Arrays.copyOf(out, got);
    } finally {
      inflater.end();
    }
  }
}
