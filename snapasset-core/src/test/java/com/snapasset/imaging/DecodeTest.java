package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.spi.DecodedImage;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding real photographs in every layout we accept (see images/LICENSES.md for the files). */
class DecodeTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();

  @ParameterizedTest
  @CsvSource({
    "bliznaca.jpg, 500, 500, false",
    "bliznaca.png, 320, 320, false",
    "bliznaca.webp, 200, 200, false",
    "bliznaca-cmyk.jpg, 200, 200, false",
    "keong-grey.png, 200, 200, false",
    "keong-16bit.png, 96, 96, false",
    "keong-interlaced.png, 80, 80, false",
    "orlaustral-palette.png, 64, 64, false",
    "riaphotographs-alpha.png, 200, 200, true",
    "riaphotographs-alpha.webp, 200, 200, true",
    "rocket-upright.jpg, 160, 107, false",
  })
  void decodesEveryLayout(String name, int width, int height, boolean alpha) {
    Decoded d = (Decoded) processor.decode(resource(name));
    assertThat(d.width()).isEqualTo(width);
    assertThat(d.height()).isEqualTo(height);
    assertThat(d.pixels.alpha).isEqualTo(alpha);
    // a real photograph: many distinct colours, not a blank or a constant
    assertThat(java.util.Arrays.stream(d.pixels.argb).distinct().count()).isGreaterThan(100);
  }

  @Test
  void greyDecodesToEqualChannelsWithoutGammaShift() {
    Decoded d = (Decoded) processor.decode(resource("keong-grey.png"));
    BufferedImage reference = TestImages.imageIo(resource("keong-grey.png"));
    for (int i = 0; i < d.pixels.argb.length; i += 97) {
      int p = d.pixels.argb[i];
      assertThat(TestImages.red(p)).isEqualTo(TestImages.green(p)).isEqualTo(TestImages.blue(p));
      int raw = reference.getRaster().getSample(i % 200, i / 200, 0);
      assertThat(TestImages.red(p)).isEqualTo(raw);
    }
  }

  @Test
  void sixteenBitKeepsItsColours() {
    Decoded d = (Decoded) processor.decode(resource("keong-16bit.png"));
    BufferedImage raw = TestImages.imageIo(resource("keong-16bit.png"));
    int p = d.pixels.argb[48 * 96 + 48];
    assertThat(TestImages.red(p)).isEqualTo(raw.getRaster().getSample(48, 48, 0) >> 8);
    assertThat(TestImages.blue(p)).isEqualTo(raw.getRaster().getSample(48, 48, 2) >> 8);
  }

  @Test
  void cmykJpegShowsTheSameColoursAsTheRgbOriginal() {
    DecodedImage cmyk = processor.decode(resource("bliznaca-cmyk.jpg"));
    DecodedImage rgb = processor.decode(resource("bliznaca.jpg"));
    BufferedImage a = Encoders.wrap(((Decoded) cmyk).pixels, false);
    BufferedImage b = Encoders.wrap(
        Resampler.resize(((Decoded) rgb).pixels, 200, 200, 0, 0, 200, 200), false);
    for (int shift : new int[] {16, 8, 0}) {
      assertThat(TestImages.mean(a, shift, 0, 0, 200, 200))
          .isCloseTo(TestImages.mean(b, shift, 0, 0, 200, 200), org.assertj.core.data.Offset.offset(12.0));
    }
    assertThat(Ssim.of(a, b)).isGreaterThan(0.8);
  }

  @Test
  void exifOrientationIsApplied() {
    Decoded rotated = (Decoded) processor.decode(resource("rocket-exif6.jpg"));
    Decoded upright = (Decoded) processor.decode(resource("rocket-upright.jpg"));
    // stored 107 x 160 on its side; orientation 6 turns it upright
    assertThat(rotated.width()).isEqualTo(160);
    assertThat(rotated.height()).isEqualTo(107);
    double diff = TestImages.meanAbsDiff(
        Encoders.wrap(rotated.pixels, false), Encoders.wrap(upright.pixels, false));
    assertThat(diff).isLessThan(6.0);
  }

  @Test
  void everyOrientationIsItsOwnTransform() {
    Pixels src = new Pixels(new int[] {1, 2, 3, 4, 5, 6}, 3, 2, false); // 1 2 3 / 4 5 6
    assertThat(src.oriented(2).argb).containsExactly(3, 2, 1, 6, 5, 4);
    assertThat(src.oriented(3).argb).containsExactly(6, 5, 4, 3, 2, 1);
    assertThat(src.oriented(4).argb).containsExactly(4, 5, 6, 1, 2, 3);
    assertThat(src.oriented(5).argb).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(src.oriented(6).argb).containsExactly(4, 1, 5, 2, 6, 3);
    assertThat(src.oriented(7).argb).containsExactly(6, 3, 5, 2, 4, 1);
    assertThat(src.oriented(8).argb).containsExactly(3, 6, 2, 5, 1, 4);
    assertThat(src.oriented(6).width).isEqualTo(2);
  }
}
