package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutputOptionsTest {
  @Test
  void defaultsAreSharpsGuideRecommendation() {
    OutputOptions d = OutputOptions.defaults();
    assertThat(d.format()).isEqualTo(OutputFormat.PNG);
    assertThat(d.fit()).isEqualTo(Fit.COVER);
    assertThat(d.position()).isEqualTo(CropPosition.ATTENTION);
    assertThat(d.compressionLevel()).isEqualTo(6);
    assertThat(d.chromaSubsampling()).isTrue();
    assertThat(d.palette() || d.progressive() || d.lossless()).isFalse();
  }

  @Test
  void withersChangeOneThing() {
    OutputOptions o = OutputOptions.of(OutputFormat.WEBP).withQuality(70).withLossless(true)
        .withBackground(0xFFFFFFFF).withCompressionLevel(9).withPalette(true).withProgressive(true)
        .withChromaSubsampling(false).withFit(Fit.CONTAIN).withPosition(CropPosition.SOUTH_WEST);
    assertThat(o).isEqualTo(new OutputOptions(OutputFormat.WEBP, 70, Fit.CONTAIN,
        CropPosition.SOUTH_WEST, 0xFFFFFFFF, 9, true, true, false, true));
    assertThat(new OutputOptions(OutputFormat.JPEG, 80, Fit.COVER, CropPosition.CENTER).background())
        .isEqualTo(OutputOptions.DEFAULT_BACKGROUND);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(() -> new OutputOptions(null, 0, null, null, 0, 10, false, false, true, false))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(e.problems()).hasSize(5).anyMatch(p -> p.contains("compression level 10")));
  }

  @Test
  void namesParseAsTheCliAndSharpSpellThem() {
    assertThat(OutputFormat.parse("webp")).contains(OutputFormat.WEBP);
    assertThat(OutputFormat.parse("JPG")).contains(OutputFormat.JPEG);
    assertThat(OutputFormat.WEBP.contentType()).isEqualTo("image/webp");
    assertThat(Fit.parse("Contain")).contains(Fit.CONTAIN);
    assertThat(Fit.parse("squash")).isEmpty();
    assertThat(CropPosition.parse("attention")).contains(CropPosition.ATTENTION);
    assertThat(CropPosition.parse("right top")).contains(CropPosition.NORTH_EAST);
    assertThat(CropPosition.parse("north-west")).contains(CropPosition.NORTH_WEST);
    assertThat(CropPosition.parse("SOUTH_EAST")).contains(CropPosition.SOUTH_EAST);
    assertThat(CropPosition.parse("centre")).contains(CropPosition.CENTER);
    assertThat(CropPosition.parse("middle")).isEmpty();
    assertThat(Fit.COVER.keepsExactSize()).isTrue();
    assertThat(Fit.INSIDE.keepsExactSize()).isFalse();
  }
}
