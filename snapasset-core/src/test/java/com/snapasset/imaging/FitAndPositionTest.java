package com.snapasset.imaging;

import static com.snapasset.imaging.TestImages.imageIo;
import static com.snapasset.imaging.TestImages.mean;
import static com.snapasset.imaging.TestImages.png;
import static com.snapasset.imaging.TestImages.resource;
import static com.snapasset.imaging.TestImages.synthetic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.snapasset.CropPosition;
import com.snapasset.Fit;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.Rendition;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Fit modes and positions, checked on pixels of images whose halves differ in colour. */
class FitAndPositionTest {
  private static final int RED = 0xE01010;
  private static final int BLUE = 0x1020E0;

  private final StandardImageProcessor processor = StandardImageProcessor.create();

  /** 200 x 100: left half red, right half blue. */
  private final DecodedImage wide =
      processor.decode(png(synthetic(200, 100, (x, y) -> x < 100 ? RED : BLUE)));
  /** 100 x 200: top half red, bottom half blue. */
  private final DecodedImage tall =
      processor.decode(png(synthetic(100, 200, (x, y) -> y < 100 ? RED : BLUE)));

  private BufferedImage render(DecodedImage src, int w, int h, OutputOptions o) {
    EncodedImage out = processor.render(src, new Rendition(w, h, o));
    BufferedImage image = imageIo(out.data());
    assertThat(image.getWidth()).isEqualTo(out.width());
    assertThat(image.getHeight()).isEqualTo(out.height());
    return image;
  }

  private static OutputOptions opts(Fit fit, CropPosition position) {
    return OutputOptions.of(OutputFormat.PNG).withFit(fit).withPosition(position);
  }

  @ParameterizedTest
  @CsvSource({
    "instagram-post, 1080, 1080", "instagram-story, 1080, 1920", "twitter-post, 1200, 675",
    "twitter-header, 1500, 500", "facebook-post, 1200, 630", "facebook-cover, 820, 312",
    "linkedin-post, 1200, 627", "youtube-thumbnail, 1280, 720", "pinterest-pin, 1000, 1500",
  })
  void coverGivesEveryPresetItsExactSize(String preset, int w, int h) {
    DecodedImage photo = processor.decode(resource("bliznaca.jpg"));
    for (OutputFormat f : OutputFormat.values()) {
      EncodedImage out = processor.render(photo, new Rendition(w, h, OutputOptions.of(f)));
      BufferedImage image = imageIo(out.data());
      assertThat(image.getWidth()).as(preset).isEqualTo(w);
      assertThat(image.getHeight()).as(preset).isEqualTo(h);
      assertThat(out.format()).isEqualTo(f);
    }
  }

  @Test
  void coverGravitiesKeepTheirSide() {
    assertThat(mean(render(wide, 100, 100, opts(Fit.COVER, CropPosition.WEST)), 16, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(wide, 100, 100, opts(Fit.COVER, CropPosition.EAST)), 0, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(wide, 100, 100, opts(Fit.COVER, CropPosition.NORTH_WEST)), 16, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(wide, 100, 100, opts(Fit.COVER, CropPosition.SOUTH_EAST)), 0, 0, 0, 100, 100))
        .isGreaterThan(200);
    BufferedImage centre = render(wide, 100, 100, opts(Fit.COVER, CropPosition.CENTER));
    assertThat(mean(centre, 16, 0, 0, 45, 100)).isGreaterThan(200);
    assertThat(mean(centre, 0, 55, 0, 45, 100)).isGreaterThan(200);

    assertThat(mean(render(tall, 100, 100, opts(Fit.COVER, CropPosition.NORTH)), 16, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(tall, 100, 100, opts(Fit.COVER, CropPosition.SOUTH)), 0, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(tall, 100, 100, opts(Fit.COVER, CropPosition.NORTH_EAST)), 16, 0, 0, 100, 100))
        .isGreaterThan(200);
    assertThat(mean(render(tall, 100, 100, opts(Fit.COVER, CropPosition.SOUTH_WEST)), 0, 0, 0, 100, 100))
        .isGreaterThan(200);
  }

  @Test
  void containLetterboxesWithTransparencyInPngAndColourInJpeg() {
    BufferedImage centred = render(wide, 100, 100, opts(Fit.CONTAIN, CropPosition.CENTER));
    assertThat(centred.getColorModel().hasAlpha()).isTrue();
    assertThat(mean(centred, 24, 0, 0, 100, 25)).isZero(); // top bar
    assertThat(mean(centred, 24, 0, 75, 100, 25)).isZero(); // bottom bar
    assertThat(mean(centred, 24, 0, 26, 100, 48)).isEqualTo(255.0);
    assertThat(mean(centred, 16, 0, 26, 45, 48)).isGreaterThan(200); // red left
    assertThat(mean(centred, 0, 55, 26, 45, 48)).isGreaterThan(200); // blue right

    BufferedImage top = render(wide, 100, 100, opts(Fit.CONTAIN, CropPosition.NORTH));
    assertThat(mean(top, 24, 0, 0, 100, 50)).isEqualTo(255.0);
    assertThat(mean(top, 24, 0, 50, 100, 50)).isZero();

    BufferedImage jpeg = render(tall, 100, 100,
        OutputOptions.of(OutputFormat.JPEG).withFit(Fit.CONTAIN).withBackground(0xFFFFFFFF));
    assertThat(mean(jpeg, 8, 0, 0, 20, 100)).isGreaterThan(245); // white bars left and right
    assertThat(mean(jpeg, 8, 80, 0, 20, 100)).isGreaterThan(245);
    assertThat(mean(jpeg, 16, 30, 5, 40, 40)).isGreaterThan(190); // red top of the image

    BufferedImage green = render(tall, 100, 100,
        OutputOptions.of(OutputFormat.WEBP).withFit(Fit.CONTAIN).withPosition(CropPosition.WEST)
            .withBackground(0xFF00FF00).withLossless(true));
    assertThat(mean(green, 8, 60, 0, 40, 100)).isEqualTo(255.0);
    assertThat(mean(green, 16, 0, 5, 45, 40)).isGreaterThan(200);
  }

  @Test
  void fillStretches() {
    BufferedImage out = render(wide, 60, 300, opts(Fit.FILL, CropPosition.CENTER));
    assertThat(out.getWidth()).isEqualTo(60);
    assertThat(out.getHeight()).isEqualTo(300);
    assertThat(mean(out, 16, 0, 0, 27, 300)).isGreaterThan(200);
    assertThat(mean(out, 0, 33, 0, 27, 300)).isGreaterThan(200);
  }

  @Test
  void insideAndOutsideKeepTheAspectRatio() {
    BufferedImage inside = render(wide, 100, 100, opts(Fit.INSIDE, CropPosition.CENTER));
    assertThat(inside.getWidth()).isEqualTo(100);
    assertThat(inside.getHeight()).isEqualTo(50);
    BufferedImage outside = render(wide, 100, 100, opts(Fit.OUTSIDE, CropPosition.CENTER));
    assertThat(outside.getWidth()).isEqualTo(200);
    assertThat(outside.getHeight()).isEqualTo(100);
    BufferedImage up = render(tall, 300, 300, opts(Fit.INSIDE, CropPosition.CENTER));
    assertThat(up.getWidth()).isEqualTo(150);
    assertThat(up.getHeight()).isEqualTo(300);
    assertThat(mean(up, 16, 0, 0, 150, 140)).isGreaterThan(200);
  }

  @Test
  void entropyKeepsTheDetailedPart() {
    Random noise = new Random(3);
    int[] texture = new int[100 * 100];
    for (int i = 0; i < texture.length; i++) {
      texture[i] = noise.nextInt(0x1000000);
    }
    // 300 x 100, flat grey except a noisy square at the right
    DecodedImage src = processor.decode(png(synthetic(300, 100,
        (x, y) -> x >= 200 ? texture[y * 100 + x - 200] : 0x808080)));
    BufferedImage out = render(src, 100, 100, opts(Fit.COVER, CropPosition.ENTROPY));
    assertThat(spread(out)).isGreaterThan(40);
    assertThat(spread(render(src, 100, 100, opts(Fit.COVER, CropPosition.CENTER)))).isLessThan(5);
  }

  @Test
  void attentionKeepsTheSalientPart() {
    // 400 x 100 dull grey-green, with a saturated skin-toned disc near the left edge
    DecodedImage src = processor.decode(png(synthetic(400, 100, (x, y) -> {
      int dx = x - 60;
      int dy = y - 50;
      return dx * dx + dy * dy < 30 * 30 ? 0xE0A080 : 0x607060;
    })));
    BufferedImage out = render(src, 100, 100, opts(Fit.COVER, CropPosition.ATTENTION));
    // the disc (red 0xE0) is inside the kept window
    assertThat(mean(out, 16, 0, 0, 100, 100)).isGreaterThan(120);
    BufferedImage centre = render(src, 100, 100, opts(Fit.COVER, CropPosition.CENTER));
    assertThat(mean(centre, 16, 0, 0, 100, 100)).isCloseTo(0x60, offset(2.0));
  }

  @Test
  void smartPositionsActLikeCentreWhenNothingIsCropped() {
    BufferedImage a = render(wide, 100, 50, opts(Fit.COVER, CropPosition.ATTENTION));
    BufferedImage c = render(wide, 100, 50, opts(Fit.COVER, CropPosition.CENTER));
    assertThat(TestImages.meanAbsDiff(a, c)).isZero();
  }

  @Test
  void alphaSurvivesResizingWithoutDarkFringes() {
    DecodedImage src = processor.decode(resource("riaphotographs-alpha.png"));
    BufferedImage out = render(src, 333, 333, opts(Fit.COVER, CropPosition.CENTER));
    assertThat(out.getColorModel().hasAlpha()).isTrue();
    BufferedImage ref = imageIo(resource("riaphotographs-alpha.png"));
    // same share of transparent pixels before and after a 1.665x upscale
    assertThat(transparentShare(out)).isCloseTo(transparentShare(ref), offset(0.03));
  }

  private static double spread(BufferedImage image) {
    double m = mean(image, 8, 0, 0, image.getWidth(), image.getHeight());
    double v = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        double d = ((image.getRGB(x, y) >>> 8) & 0xFF) - m;
        v += d * d;
      }
    }
    return Math.sqrt(v / (image.getWidth() * image.getHeight()));
  }

  private static double transparentShare(BufferedImage image) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) >>> 24 < 128) {
          n++;
        }
      }
    }
    return (double) n / (image.getWidth() * image.getHeight());
  }
}
