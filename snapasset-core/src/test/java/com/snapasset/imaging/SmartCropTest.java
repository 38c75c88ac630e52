package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.png;
import static com.snapasset.imaging.TestImages.resource;
import static com.snapasset.imaging.TestImages.synthetic;
import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.CropPosition;
import com.snapasset.Fit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The attention crop's choice of window, against Sharp's on real photographs and on known subjects. */
class SmartCropTest {
  private final StandardImageProcessor processor = StandardImageProcessor.create();

  private int[] window(Decoded src, int w, int h) {
    Layout l = Layout.of(src.width(), src.height(), w, h, Fit.COVER, CropPosition.ATTENTION, src);
    return new int[] {l.left(), l.top()};
  }

  private Decoded decode(byte[] data) {
    return (Decoded) processor.decode(data);
  }

  /**
   * The windows Sharp 0.35.5 (libvips 8.18.7) chose for the nine presets, read from
   * {@code info.cropOffsetLeft/Top} of {@code sharp(file).resize(w, h, {position: 'attention'})}.
   * Several are decided by blurred map cells less than 1 % apart (bliznaca's 820 × 312 window and
   * four of the alpha image's were one cell off before the map was resized as vips_resize does it).
   */
  @ParameterizedTest
  @CsvSource({
    "bliznaca.jpg, 1080, 1080, 0, 0", "bliznaca.jpg, 1080, 1920, 840, 0",
    "bliznaca.jpg, 1200, 675, 0, 0", "bliznaca.jpg, 1500, 500, 0, 125",
    "bliznaca.jpg, 1200, 630, 0, 0", "bliznaca.jpg, 820, 312, 0, 23",
    "bliznaca.jpg, 1200, 627, 0, 0", "bliznaca.jpg, 1280, 720, 0, 0",
    "bliznaca.jpg, 1000, 1500, 500, 0",
    "riaphotographs-alpha.png, 1080, 1920, 840, 0", "riaphotographs-alpha.png, 1200, 675, 0, 112",
    "riaphotographs-alpha.png, 1500, 500, 0, 312", "riaphotographs-alpha.png, 1200, 630, 0, 134",
    "riaphotographs-alpha.png, 820, 312, 0, 151", "riaphotographs-alpha.png, 1200, 627, 0, 136",
    "riaphotographs-alpha.png, 1280, 720, 0, 120", "riaphotographs-alpha.png, 1000, 1500, 500, 0",
    "rocket-upright.jpg, 1080, 1080, 418, 0", "rocket-upright.jpg, 1080, 1920, 1164, 0",
    "rocket-upright.jpg, 1500, 500, 0, 503", "rocket-upright.jpg, 820, 312, 0, 236",
    "rocket-upright.jpg, 1000, 1500, 831, 0",
  })
  void attentionChoosesSharpsWindowOnRealPhotos(String file, int w, int h, int left, int top) {
    assertThat(window(decode(resource(file)), w, h)).containsExactly(left, top);
  }

  @Test
  void theWindowHoldsTheSubjectWhereverItIs() {
    // a saturated skin-toned disc (radius 30) on a dull grey-green ground, at several places
    int[][] centres = {{60, 60}, {540, 140}, {300, 100}, {420, 40}};
    for (int[] c : centres) {
      Decoded wide = decode(png(synthetic(600, 200, (x, y) -> disc(x, y, c[0], c[1]))));
      int[] o = window(wide, 200, 200);
      assertThat(o[0]).as("disc at %d", c[0]).isLessThanOrEqualTo(c[0] - 30);
      assertThat(o[0] + 200).as("disc at %d", c[0]).isGreaterThanOrEqualTo(c[0] + 30);
      Decoded tall = decode(png(synthetic(200, 600, (x, y) -> disc(x, y, c[1], c[0]))));
      int[] v = window(tall, 200, 200);
      assertThat(v[1]).as("disc at %d", c[0]).isLessThanOrEqualTo(c[0] - 30);
      assertThat(v[1] + 200).as("disc at %d", c[0]).isGreaterThanOrEqualTo(c[0] + 30);
    }
  }

  @Test
  void anEnlargedSmallSourceKeepsItsSubject() {
    // 60 x 20 enlarged 18x: the map is taken from a Lanczos enlargement, not from blocky pixels
    Decoded small = decode(png(synthetic(60, 20, (x, y) -> disc(x * 10, y * 10, 480, 100))));
    int[] o = window(small, 360, 360);
    int disc = 480 * 360 / 200;
    assertThat(o[0]).isLessThan(disc).isGreaterThan(disc - 360);
  }

  @Test
  void aFlatImageKeepsTheFirstWindowAsSharpDoes() {
    // Sharp keeps (0, 0) for flat grey 200x100, 100x200 and 400x300 sources cropped to 100x100:
    // vips_max reports the first of equal maxima
    for (int[] size : new int[][] {{200, 100}, {100, 200}, {400, 300}}) {
      Decoded flat = decode(png(synthetic(size[0], size[1], (x, y) -> 0x808080)));
      assertThat(window(flat, 100, 100)).containsExactly(0, 0);
    }
  }

  @Test
  void degenerateSizesGiveWindowsInsideTheScaledImage() {
    int[][] sources = {{1, 1}, {1, 50}, {3, 2000}, {2000, 3}, {31, 33}, {800, 799}};
    int[][] crops = {{1, 1}, {16, 9}, {9, 16}, {100, 100}, {1500, 500}};
    for (int[] s : sources) {
      Decoded src = decode(png(synthetic(s[0], s[1], (x, y) -> disc(x * 7 % 400, y * 3 % 200, 60, 60))));
      for (int[] c : crops) {
        int[] o = CropWindow.of(src, c[0], c[1], CropPosition.ATTENTION);
        String what = s[0] + "x" + s[1] + " -> " + c[0] + "x" + c[1];
        assertThat(o[0]).as(what).isBetween(0, o[2] - c[0]);
        assertThat(o[1]).as(what).isBetween(0, o[3] - c[1]);
        assertThat(o[2] == c[0] || o[3] == c[1]).as(what).isTrue();
      }
    }
  }

  @Test
  void blurMaskIsAsWideAsVipsGaussmat() {
    // vips_gaussmat(sigma, min_ampl 0.2) widths, from its loop: 3 for sigma 1, 13 for the
    // 1080 x 1920 crop of a square (sigma 3.67), 7 for sigma 2 (exp(-16/8) = 0.135 < 0.2)
    assertThat(SmartCrop.blurRadius(1.0)).isEqualTo(1);
    assertThat(SmartCrop.blurRadius(2.0)).isEqualTo(3);
    assertThat(SmartCrop.blurRadius(3.6715)).isEqualTo(6);
    // exp(-x^2 / 2 sigma^2) = 0.2 exactly at x = sigma * 1.794: just under 4 is still kept
    assertThat(SmartCrop.blurRadius(4 / Math.sqrt(-2 * Math.log(0.2)) + 1e-9)).isEqualTo(4);
  }

  private static int disc(int x, int y, int cx, int cy) {
    int dx = x - cx;
    int dy = y - cy;
    return dx * dx + dy * dy < 30 * 30 ? 0xE0A080 : 0x607060;
  }
}
