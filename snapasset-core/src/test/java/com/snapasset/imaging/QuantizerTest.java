package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.imageIo;
import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.DecodedImage;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The palette quantiser on real photographs: quality, colour count, exactness, determinism. */
class QuantizerTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();
  private final Pixels photo = pixels("bliznaca.jpg");

  private Pixels pixels(String name) {
    DecodedImage decoded = processor.decode(resource(name));
    return ((Decoded) decoded).pixels;
  }

  @Test
  void photoBeatsAUniformPaletteOfTheSameSizeByFarWithoutDithering() {
    Quantizer.Result q = Quantizer.quantize(photo, 100);
    double ours = psnr(photo, q);
    // reference: 3-3-2 bits per channel, 256 evenly spaced colours, each pixel to its nearest one
    double uniform = psnr(photo, uniform332(photo));
    assertThat(entries(q)).isEqualTo(256);
    assertThat(ours).isGreaterThan(uniform + 8).isGreaterThan(36);
  }

  @Test
  void lowerQualityUsesFewerColoursAndGivesSmallerFiles() {
    Quantizer.Result best = Quantizer.quantize(photo, 100);
    Quantizer.Result low = Quantizer.quantize(photo, 10);
    assertThat(entries(low)).isLessThan(entries(best));
    assertThat(psnr(photo, low)).isLessThan(psnr(photo, best)).isGreaterThan(28);
    assertThat(PngWriter.write(photo, 9, true, 10).length)
        .isLessThan(PngWriter.write(photo, 9, true, 100).length);
  }

  @Test
  void anImageWithAtMost256ColoursRoundTripsExactly() {
    Pixels indexed = pixels("orlaustral-palette.png");
    Set<Integer> colours = new HashSet<>();
    for (int p : indexed.argb) {
      colours.add(p);
    }
    assertThat(colours.size()).isBetween(2, 256);
    byte[] png = PngWriter.write(indexed, 9, true, 90);
    assertThat(imageIo(png).getRGB(0, 0, indexed.width, indexed.height, null, 0, indexed.width))
        .isEqualTo(indexed.argb);
    assertThat(entries(Quantizer.quantize(indexed, 90))).isEqualTo(colours.size());
  }

  @Test
  void everyIndexNamesAnEntryAndTransparencyGetsEntryZero() {
    Pixels alpha = pixels("riaphotographs-alpha.png");
    Quantizer.Result q = Quantizer.quantize(alpha, 100);
    assertThat(q.trns()).containsExactly(0);
    assertThat(entries(q)).isLessThanOrEqualTo(256);
    for (int i = 0; i < alpha.argb.length; i++) {
      int index = q.indices()[i] & 0xFF;
      assertThat(index).isLessThan(entries(q));
      assertThat(index == 0).isEqualTo(alpha.argb[i] >>> 24 < 128);
    }
  }

  @Test
  void theSameInputGivesTheSameBytes() {
    Quantizer.Result a = Quantizer.quantize(photo, 90);
    Quantizer.Result b = Quantizer.quantize(photo, 90);
    assertThat(a.plte()).isEqualTo(b.plte());
    assertThat(a.indices()).isEqualTo(b.indices());
  }

  @Test
  void aSmoothGradientIsDitheredWithoutGrainWhereThePaletteIsExact() {
    // a gradient with more than 256 colours: every colour of a 512-wide horizontal ramp occurs
    // twice, and a flat block below it that matches an entry exactly must come out flat
    int w = 512;
    int h = 256;
    int[] argb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        argb[y * w + x] = y < 128
            ? 0xFF000000 | (x / 2) << 16 | (y * 2) << 8 | 0x80
            : 0xFF204060;
      }
    }
    Pixels px = new Pixels(argb, w, h, false);
    Quantizer.Result q = Quantizer.quantize(px, 100);
    int flat = q.indices()[(h - 1) * w];
    for (int i = 140 * w; i < w * h; i++) {
      assertThat(q.indices()[i]).isEqualTo((byte) flat);
    }
    assertThat(psnr(px, q)).isGreaterThan(38);
  }

  @Test
  void aFlatBackgroundDoesNotThinTheColoursOfTheRest() {
    // a screenshot: text and edges on flat colours. Framed in as much again of its background
    // colour (which an entry matches exactly, adding no error), its content must keep most of the
    // quality it has alone: the quality target is not an average that the background dilutes.
    // With the background's weight capped at a tenth of the image its content loses 1.9 dB here;
    // counted in full, the background would let it lose 3.5 dB (and 22 of its 59 colours)
    Pixels shot = pixels("screenshot-640x400.png");
    int background = mostCommon(shot);
    int w = shot.width * 2;
    int h = shot.height;
    int left = shot.width / 2;
    int top = 0;
    int[] argb = new int[w * h];
    Arrays.fill(argb, background);
    for (int y = 0; y < shot.height; y++) {
      System.arraycopy(shot.argb, y * shot.width, argb, (top + y) * w + left, shot.width);
    }
    Pixels framed = new Pixels(argb, w, h, false);
    Quantizer.Result alone = Quantizer.quantize(shot, 90);
    Quantizer.Result inFrame = Quantizer.quantize(framed, 90);
    assertThat(entries(alone)).isLessThan(256); // the quality target, not the colour limit, decides
    double content = psnr(framed, inFrame, left, top, shot.width, shot.height);
    assertThat(content).isGreaterThan(psnr(shot, alone) - 2.5);
  }

  private static int mostCommon(Pixels px) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int p : px.argb) {
      counts.merge(p, 1, Integer::sum);
    }
    return Collections.max(counts.entrySet(), Map.Entry.comparingByValue()).getKey();
  }

  private static int entries(Quantizer.Result q) {
    return q.plte().length / 3;
  }

  private static double psnr(Pixels px, Quantizer.Result q) {
    return psnr(px, q, 0, 0, px.width, px.height);
  }

  /** PSNR of the quantised image against the original over one rectangle of it. */
  private static double psnr(Pixels px, Quantizer.Result q, int left, int top, int w, int h) {
    byte[] plte = q.plte();
    double sum = 0;
    for (int y = top; y < top + h; y++) {
      for (int x = left; x < left + w; x++) {
        int i = y * px.width + x;
        int e = (q.indices()[i] & 0xFF) * 3;
        int p = px.argb[i];
        sum += sq(((p >>> 16) & 0xFF) - (plte[e] & 0xFF))
            + sq(((p >>> 8) & 0xFF) - (plte[e + 1] & 0xFF))
            + sq((p & 0xFF) - (plte[e + 2] & 0xFF));
      }
    }
    double mse = sum / (3.0 * w * h);
    return 10 * Math.log10(255.0 * 255.0 / mse);
  }

  private static int sq(int v) {
    return v * v;
  }

  private static Quantizer.Result uniform332(Pixels px) {
    byte[] plte = new byte[256 * 3];
    for (int i = 0; i < 256; i++) {
      plte[i * 3] = (byte) Math.round((i >>> 5) * 255 / 7.0);
      plte[i * 3 + 1] = (byte) Math.round(((i >>> 2) & 7) * 255 / 7.0);
      plte[i * 3 + 2] = (byte) Math.round((i & 3) * 255 / 3.0);
    }
    byte[] indices = new byte[px.argb.length];
    for (int i = 0; i < indices.length; i++) {
      int p = px.argb[i];
      int r = (int) Math.round(((p >>> 16) & 0xFF) * 7 / 255.0);
      int g = (int) Math.round(((p >>> 8) & 0xFF) * 7 / 255.0);
      int b = (int) Math.round((p & 0xFF) * 3 / 255.0);
      indices[i] = (byte) (r << 5 | g << 2 | b);
    }
    return new Quantizer.Result(indices, plte, new byte[0]);
  }
}
