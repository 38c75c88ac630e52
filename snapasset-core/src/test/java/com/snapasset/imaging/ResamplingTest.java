package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import net.coobird.thumbnailator.Thumbnails;
import org.junit.jupiter.api.Test;

/** Lanczos3 resampling: no aliasing going down, no blur beyond the kernel's going up. */
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
   * Our Lanczos3 against Thumbnailator's default (progressive bilinear) on a 1.875x upscale, both
   * scored against a reference made from a larger original: the photo downscaled to 320, upscaled
   * back to 600, compared with the photo downscaled straight to 600 from its 500-pixel source.
   */
  @Test
  void sharperThanThumbnailatorOnUpscales() throws Exception {
    Pixels big = ((Decoded) StandardImageProcessor.create().decode(resource("bliznaca.jpg"))).pixels;
    Pixels small = Resampler.resize(big, 250, 250, 0, 0, 250, 250);
    BufferedImage reference = Encoders.wrap(big, false);
    BufferedImage ours = Encoders.wrap(Resampler.resize(small, 500, 500, 0, 0, 500, 500), false);
    BufferedImage thumbnailator = Thumbnails.of(Encoders.wrap(small, false)).size(500, 500)
        .imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
    double oursSsim = Ssim.of(ours, reference);
    double theirs = Ssim.of(thumbnailator, reference);
    assertThat(oursSsim).isGreaterThan(theirs);
  }
}
