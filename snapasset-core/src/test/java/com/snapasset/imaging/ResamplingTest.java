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
