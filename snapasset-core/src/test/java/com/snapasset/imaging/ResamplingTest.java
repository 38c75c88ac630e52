package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import net.coobird.thumbnailator.Thumbnails;
import org.junit.jupiter.api.Test;

/** Resampling: no aliasing going down (Lanczos3), no blur beyond the kernel's going up (bicubic). */
class ResamplingTest {
  private final Pixels photo =
      ((Decoded) StandardImageProcessor.create().decode(resource("bliznaca.png"))).pixels;

  @Test
  void aConstantStaysConstant() {
    int[] grey = new int[50 * 50];
    java.util.Arrays.fill(grey, 0xFF7F7F7F);
    Pixels out = Resampler.resize(new Pixels(grey, 50, 50, false), 173, 31, 0, 0, 173, 31);
    assertThat(out.argb).containsOnly(0xFF7F7F7F);
  }

  @Test
  void downscalingFineStripesDoesNotAlias() {
    // 1-pixel black/white stripes: any reduction must turn them into flat grey, not new stripes
    int[] stripes = new int[300 * 30];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = (i % 300) % 2 == 0 ? 0xFF000000 : 0xFFFFFFFF;
    }
    Pixels out = Resampler.resize(new Pixels(stripes, 300, 30, false), 97, 30, 0, 0, 97, 30);
    for (int x = 4; x < 93; x++) {
      assertThat(TestImages.green(out.argb[15 * 97 + x])).isBetween(110, 145);
    }
  }

  @Test
  void upThenDownComesBackClose() {
    Pixels up = Resampler.resize(photo, 600, 600, 0, 0, 600, 600);
    Pixels back = Resampler.resize(up, 320, 320, 0, 0, 320, 320);
    double ssim = Ssim.of(Encoders.wrap(back, false), Encoders.wrap(photo, false));
    assertThat(ssim).isGreaterThan(0.97);
  }

  /**
   * A window of the scaled image is computed alone (a cover crop never resamples what it cuts
   * off), its horizontal passes in a ring of the rows the vertical pass needs: it must equal the
   * same window cut from the whole scaled image, reducing (Lanczos3) and enlarging (bicubic), with
   * and without alpha, at the top, the middle and the bottom.
   */
  @Test
  void aWindowEqualsTheSameWindowOfTheWholeScaledImage() {
    Pixels alpha =
        ((Decoded) StandardImageProcessor.create().decode(resource("riaphotographs-alpha.png"))).pixels;
    for (Pixels src : new Pixels[] {photo, alpha}) {
      for (double scale : new double[] {0.31, 0.8, 1.0547, 1.875}) {
        int sw = (int) Math.round(src.width * scale);
        int sh = (int) Math.round(src.height * scale);
        Pixels whole = Resampler.resize(src, sw, sh, 0, 0, sw, sh);
        int w = sw * 2 / 3;
        int h = sh / 3;
        for (int top : new int[] {0, (sh - h) / 2, sh - h}) {
          int left = (sw - w) / 2;
          Pixels window = Resampler.resize(src, sw, sh, left, top, w, h);
          assertThat(window.argb).as("alpha %s, scale %s, top %d", src.alpha, scale, top)
              .isEqualTo(Resampler.crop(whole, left, top, w, h).argb);
        }
      }
    }
  }

  /**
   * The ring of rows gives exactly the pixels of the whole-planes resampler it replaced
   * ({@link ReferenceResampler}): lines and columns, scaling to one pixel, windows at every edge,
   * reductions and enlargements by 2 to 5 and between, with and without alpha, on noise (where
   * any wrong row shows) and on the real photographs.
   */
  @Test
  void theRingOfRowsGivesThePixelsOfWholePlanes() {
    Pixels alpha =
        ((Decoded) StandardImageProcessor.create().decode(resource("riaphotographs-alpha.png"))).pixels;
    int cases = 0;
    for (boolean withAlpha : new boolean[] {false, true}) {
      Pixels src = noise(41, 37, withAlpha);
      int w = src.width;
      int h = src.height;
      // lines, columns and single pixels, whole and windowed
      cases += same(src, 1, h, 0, 0, 1, h);
      cases += same(src, w, 1, 0, 0, w, 1);
      cases += same(src, 1, 1, 0, 0, 1, 1);
      cases += same(src, 1, 3 * h, 0, h, 1, h);
      cases += same(src, 3 * w, 1, w, 0, w, 1);
      cases += same(src, 7, 5 * h, 2, 0, 3, 5 * h);
      for (int f = 2; f <= 5; f++) {
        // reductions (Lanczos3, windows of 6f+1 rows) and enlargements (bicubic) by f
        cases += edges(src, Math.max(1, w / f), Math.max(1, h / f));
        cases += edges(src, w * f, h * f);
        cases += edges(src, w * f, Math.max(1, h / f));
        cases += edges(src, Math.max(1, w / f), h * f);
      }
      cases += edges(src, w * 13 / 10, h * 7 / 10);
      cases += edges(src, w * 7 / 3, h * 11 / 4);
    }
    for (Pixels src : new Pixels[] {photo, alpha}) {
      for (double scale : new double[] {0.19, 0.5, 0.77, 1.37, 2.5}) {
        cases += edges(src, (int) Math.round(src.width * scale), (int) Math.round(src.height * scale));
      }
    }
    assertThat(cases).isGreaterThan(200);
  }

  /**
   * The extreme shapes any positive rendition size allows: all rows into one (every output row's
   * window is the whole source) and one row into many. The ring is no taller than the source, nor
   * than the widest window the kernel uses, where the unclipped kernel's stride is 6× the source.
   */
  @Test
  void extremeShapesGiveTheReferencePixelsWithARingNoTallerThanTheSource() {
    for (boolean withAlpha : new boolean[] {false, true}) {
      Pixels tall = noise(300, 300, withAlpha);
      same(tall, 300, 1, 0, 0, 300, 1);
      same(tall, 1, 1, 0, 0, 1, 1);
      same(tall, 2, 3, 0, 0, 2, 3);
      same(noise(300, 1, withAlpha), 300, 300, 0, 0, 300, 300);
      same(noise(1, 300, withAlpha), 1, 2, 0, 0, 1, 2);
    }
    for (int height : new int[] {300, 2000, 8192}) {
      Resampler.Kernel ky = Resampler.Kernel.of(height, 1, 0, 1);
      assertThat(ky.stride).as("unclipped window").isGreaterThan(6 * height);
      assertThat(Resampler.ringRows(ky, height)).isEqualTo(height);
    }
    // the widest clipped window, not the stride, sizes the ring
    Resampler.Kernel seven = Resampler.Kernel.of(2000, 7, 0, 7);
    assertThat(Resampler.ringRows(seven, 2000))
        .isEqualTo(java.util.Arrays.stream(seven.count).max().getAsInt())
        .isLessThanOrEqualTo(seven.stride);
    // enlarging: 4 rows (bicubic), never more than the source has
    assertThat(Resampler.ringRows(Resampler.Kernel.of(300, 1000, 0, 1000), 300)).isEqualTo(4);
    assertThat(Resampler.ringRows(Resampler.Kernel.of(2, 1000, 0, 1000), 2)).isEqualTo(2);
  }

  /** Windows at the top left, bottom right, right edge and middle of the scaled image, and all of it. */
  private static int edges(Pixels src, int sw, int sh) {
    int w = Math.max(1, sw / 3);
    int h = Math.max(1, sh / 3);
    return same(src, sw, sh, 0, 0, sw, sh)
        + same(src, sw, sh, 0, 0, w, h)
        + same(src, sw, sh, sw - w, sh - h, w, h)
        + same(src, sw, sh, sw - w, 0, w, sh)
        + same(src, sw, sh, (sw - w) / 2, (sh - h) / 2, w, h);
  }

  private static int same(Pixels src, int sw, int sh, int left, int top, int w, int h) {
    Pixels ours = Resampler.resize(src, sw, sh, left, top, w, h);
    Pixels reference = ReferenceResampler.resize(src, sw, sh, left, top, w, h);
    assertThat(ours.argb)
        .as("%dx%d%s to %dx%d, window %dx%d at (%d, %d)", src.width, src.height, src.alpha ? " RGBA" : "",
            sw, sh, w, h, left, top)
        .isEqualTo(reference.argb);
    return 1;
  }

  /** Uniform noise (alpha too, with some fully transparent pixels): every source row differs. */
  private static Pixels noise(int w, int h, boolean alpha) {
    java.util.Random random = new java.util.Random(w * 31L + h);
    int[] argb = new int[w * h];
    for (int i = 0; i < argb.length; i++) {
      int a = alpha ? (random.nextInt(5) == 0 ? 0 : random.nextInt(256)) : 0xFF;
      argb[i] = a << 24 | random.nextInt(1 << 24);
    }
    return new Pixels(argb, w, h, alpha);
  }

  /**
   * A 1.875x enlargement (DALL·E's 1024 to the 1920 of a story) keeps more detail with our
   * bicubic (libvips' upsizing interpolator) than with Thumbnailator's default (progressive
   * bilinear): measured as the mean gradient, which does not depend on the half-pixel convention
   * either uses.
   */
  @Test
  void sharperThanThumbnailatorOnUpscales() throws Exception {
    BufferedImage small = Encoders.wrap(photo, false);
    BufferedImage ours = Encoders.wrap(Resampler.resize(photo, 600, 600, 0, 0, 600, 600), false);
    BufferedImage thumbnailator = Thumbnails.of(small).size(600, 600)
        .imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
    assertThat(gradient(ours)).isGreaterThan(gradient(thumbnailator));
  }

  private static double gradient(BufferedImage image) {
    double sum = 0;
    for (int y = 0; y < image.getHeight() - 1; y++) {
      for (int x = 0; x < image.getWidth() - 1; x++) {
        int g = TestImages.green(image.getRGB(x, y));
        sum += Math.abs(g - TestImages.green(image.getRGB(x + 1, y)))
            + Math.abs(g - TestImages.green(image.getRGB(x, y + 1)));
      }
    }
    return sum / ((double) image.getWidth() * image.getHeight());
  }
}
