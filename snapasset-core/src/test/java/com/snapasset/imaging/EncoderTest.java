package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.imageIo;
import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.Fit;
import com.snapasset.ImageProcessingException;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.Rendition;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** What each encoder writes, checked in the bytes and by decoding with ImageIO or libwebp. */
class EncoderTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();
  private final DecodedImage photo = processor.decode(resource("bliznaca.jpg"));
  private final Pixels photoPixels = ((Decoded) photo).pixels;

  private byte[] render(int w, int h, OutputOptions o) {
    return processor.render(photo, new Rendition(w, h, o)).data();
  }

  @Test
  void pngIsLosslessAndFilteredSmallerThanImageIos() throws IOException {
    byte[] ours = PngWriter.write(photoPixels, 6, false);
    BufferedImage back = imageIo(ours);
    BufferedImage original = Encoders.wrap(photoPixels, false);
    assertThat(TestImages.meanAbsDiff(back, original)).isZero();
    ByteArrayOutputStream jdk = new ByteArrayOutputStream();
    ImageIO.write(original, "png", jdk);
    assertThat(ours.length).isLessThan((int) (jdk.size() * 0.85));
    assertThat(ihdrColourType(ours)).isEqualTo(2);
    assertThat(chunks(ours)).doesNotContain("tEXt", "eXIf", "iCCP", "pHYs");
  }

  @Test
  void pngCompressionLevelTradesSize() {
    int level0 = PngWriter.write(photoPixels, 0, false).length;
    int level9 = PngWriter.write(photoPixels, 9, false).length;
    assertThat(level9).isLessThan(level0 * 3 / 4);
    assertThat(level0).isGreaterThan(500 * 500 * 3);
  }

  @Test
  void flatColoursKeepLz77() {
    // four flat blocks: Huffman coding alone could not go below one bit per byte (~94 KB); LZ77
    // writes about 5 KB (levels 1-6 leave such rows unfiltered, 9 filters them: Up makes them zeros)
    int[] argb = new int[500 * 500];
    for (int i = 0; i < argb.length; i++) {
      int x = i % 500;
      int y = i / 500;
      argb[i] = x < 250 ? (y < 250 ? 0xFFE04040 : 0xFF40E040) : (y < 250 ? 0xFF4040E0 : 0xFFF0F0F0);
    }
    Pixels flat = new Pixels(argb, 500, 500, false);
    for (int level : new int[] {1, 6, 9}) {
      assertThat(PngWriter.write(flat, level, false).length).as("level %d", level).isLessThan(10_000);
    }
    // the default level skips the filters here: they would save less than a tenth
    assertThat(PngWriter.choose(new PngWriter.Filter(flat, false), 3))
        .isEqualTo(PngWriter.Coding.UNFILTERED_LZ77);
  }

  @Test
  void everyLevelIsLosslessAndTheDefaultStaysCloseToLevel9() throws Exception {
    BufferedImage original = Encoders.wrap(photoPixels, false);
    int[] sizes = new int[10];
    for (int level = 0; level <= 9; level++) {
      byte[] png = PngWriter.write(photoPixels, level, false);
      sizes[level] = png.length;
      BufferedImage decoded = imageIo(png);
      assertThat(decoded.getRGB(0, 0, 500, 500, null, 0, 500))
          .as("level %d", level)
          .isEqualTo(original.getRGB(0, 0, 500, 500, null, 0, 500));
    }
    // the default's fast match finder gives up little against zlib's slowest level
    assertThat(sizes[6]).isLessThan(sizes[9] * 115 / 100);
    assertThat(sizes[9]).isLessThanOrEqualTo(sizes[6]);
  }

  @Test
  void pngPaletteIsIndexedSmallAndStillLooksLikeThePhoto() {
    byte[] truecolour = render(400, 400, OutputOptions.of(OutputFormat.PNG));
    byte[] palette = render(400, 400, OutputOptions.of(OutputFormat.PNG).withPalette(true));
    assertThat(ihdrColourType(palette)).isEqualTo(3);
    assertThat(palette.length).isLessThan(truecolour.length / 2);
    assertThat(Ssim.of(imageIo(palette), imageIo(truecolour))).isGreaterThan(0.75);
    assertThat(TestImages.meanAbsDiff(imageIo(palette), imageIo(truecolour))).isLessThan(8);
  }

  @Test
  void pngPaletteKeepsTransparency() {
    DecodedImage alpha = processor.decode(resource("riaphotographs-alpha.png"));
    byte[] out = processor.render(alpha,
        new Rendition(150, 150, OutputOptions.of(OutputFormat.PNG).withPalette(true))).data();
    assertThat(ihdrColourType(out)).isEqualTo(3);
    assertThat(chunks(out)).contains("tRNS");
    BufferedImage back = imageIo(out);
    assertThat(back.getColorModel().hasAlpha()).isTrue();
  }

  @Test
  void pngWithAlphaIsRgba() {
    DecodedImage alpha = processor.decode(resource("riaphotographs-alpha.png"));
    byte[] out = processor.render(alpha, new Rendition(150, 150, OutputOptions.of(OutputFormat.PNG))).data();
    assertThat(ihdrColourType(out)).isEqualTo(6);
  }

  @Test
  void jpegQualityProgressiveAndChroma() {
    byte[] q50 = render(300, 300, OutputOptions.of(OutputFormat.JPEG).withQuality(50));
    byte[] q95 = render(300, 300, OutputOptions.of(OutputFormat.JPEG).withQuality(95));
    assertThat(q50.length).isLessThan(q95.length / 2);
    assertThat(sofMarker(q95)).isEqualTo(0xC0);
    assertThat(lumaSampling(q95)).isEqualTo(0x22); // 4:2:0 by default

    byte[] progressive = render(300, 300, OutputOptions.of(OutputFormat.JPEG).withProgressive(true));
    assertThat(sofMarker(progressive)).isEqualTo(0xC2);
    byte[] full = render(300, 300, OutputOptions.of(OutputFormat.JPEG).withChromaSubsampling(false));
    assertThat(lumaSampling(full)).isEqualTo(0x11);
    assertThat(imageIo(full).getWidth()).isEqualTo(300);
  }

  @Test
  void jpegCarriesNoExifEvenFromAnExifSource() {
    DecodedImage rotated = processor.decode(resource("rocket-exif6.jpg"));
    byte[] out = processor.render(rotated, new Rendition(160, 107, OutputOptions.of(OutputFormat.JPEG))).data();
    assertThat(indexOf(out, 0xFF, 0xE1)).isEqualTo(-1);
    BufferedImage back = imageIo(out);
    assertThat(back.getWidth()).isEqualTo(160);
  }

  @Test
  void webpLossyAndLossless() {
    byte[] lossy = render(300, 300, OutputOptions.of(OutputFormat.WEBP).withQuality(85));
    assertThat(new String(lossy, 0, 4)).isEqualTo("RIFF");
    assertThat(new String(lossy, 8, 7)).isEqualTo("WEBPVP8");
    assertThat(lossy[15]).isEqualTo((byte) ' ');
    byte[] worse = render(300, 300, OutputOptions.of(OutputFormat.WEBP).withQuality(30));
    assertThat(worse.length).isLessThan(lossy.length);

    OutputOptions lossless = OutputOptions.of(OutputFormat.WEBP).withLossless(true).withFit(Fit.FILL);
    byte[] exact = processor.render(photo, new Rendition(500, 500, lossless)).data();
    assertThat(new String(exact, 12, 4)).isEqualTo("VP8L");
    Decoded back = (Decoded) processor.decode(exact);
    assertThat(back.pixels.argb).isEqualTo(photoPixels.argb);
    Decoded lossyBack = (Decoded) processor.decode(lossy);
    assertThat(Ssim.of(Encoders.wrap(lossyBack.pixels, false), imageIo(render(300, 300, OutputOptions.of(OutputFormat.PNG)))))
        .isGreaterThan(0.9);
  }

  @Test
  void webpKeepsAlpha() {
    DecodedImage alpha = processor.decode(resource("riaphotographs-alpha.png"));
    byte[] out = processor.render(alpha, new Rendition(150, 150, OutputOptions.of(OutputFormat.WEBP))).data();
    Decoded back = (Decoded) processor.decode(out);
    assertThat(back.pixels.alpha).isTrue();
    assertThat(PngWriter.hasTransparency(back.pixels)).isTrue();
  }

  @Test
  void aMissingNativeLibraryIsNamedWithThePlatform() {
    ImageProcessingException e = WebpCodec.unavailable(new UnsatisfiedLinkError("no webp-imageio in java.library.path"));
    assertThat(e.getMessage())
        .contains("WebP is unavailable")
        .contains(System.getProperty("os.arch"))
        .contains("PNG and JPEG output still work");
    assertThat(e.isRetryable()).isFalse();
  }

  private static int ihdrColourType(byte[] png) {
    return png[25];
  }

  private static java.util.List<String> chunks(byte[] png) {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int p = 8; p + 8 <= png.length; ) {
      int length = ImageHeader.be32(png, p);
      names.add(new String(png, p + 4, 4));
      p += 12 + length;
    }
    return names;
  }

  private static int sofMarker(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      int m = jpeg[i + 1] & 0xFF;
      if ((jpeg[i] & 0xFF) == 0xFF && (m == 0xC0 || m == 0xC1 || m == 0xC2)) {
        return m;
      }
    }
    return -1;
  }

  /** The sampling byte of the first component in the SOF segment. */
  private static int lumaSampling(byte[] jpeg) {
    int at = indexOf(jpeg, 0xFF, sofMarker(jpeg));
    return jpeg[at + 11] & 0xFF;
  }

  private static int indexOf(byte[] d, int a, int b) {
    for (int i = 0; i + 1 < d.length; i++) {
      if ((d[i] & 0xFF) == a && (d[i + 1] & 0xFF) == b) {
        return i;
      }
    }
    return -1;
  }
}
