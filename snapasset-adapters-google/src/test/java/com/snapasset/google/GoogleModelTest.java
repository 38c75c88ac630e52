package com.snapasset.google;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The aspect-ratio mapping for SnapAsset's platform presets, per model family. */
class GoogleModelTest {

  @Test
  void everyPresetMapsToTheClosestImagenRatio() {
    GoogleModel imagen = GoogleModel.IMAGEN_4;
    assertThat(imagen.closestAspectRatio(1080, 1080)).isEqualTo("1:1");   // instagram-post
    assertThat(imagen.closestAspectRatio(1080, 1920)).isEqualTo("9:16");  // instagram-story
    assertThat(imagen.closestAspectRatio(1200, 675)).isEqualTo("16:9");   // twitter-post
    assertThat(imagen.closestAspectRatio(1500, 500)).isEqualTo("16:9");   // twitter-header (3:1)
    assertThat(imagen.closestAspectRatio(1200, 630)).isEqualTo("16:9");   // facebook-post (1.90)
    assertThat(imagen.closestAspectRatio(820, 312)).isEqualTo("16:9");    // facebook-cover
    assertThat(imagen.closestAspectRatio(1280, 720)).isEqualTo("16:9");   // youtube-thumbnail
    assertThat(imagen.closestAspectRatio(1000, 1500)).isEqualTo("3:4");   // pinterest-pin (2:3)
    assertThat(imagen.closestAspectRatio(1200, 1000)).isEqualTo("4:3");
  }

  @Test
  void geminiHasFinerRatiosIncludingUltraWide() {
    GoogleModel gemini = GoogleModel.GEMINI_2_5_FLASH_IMAGE;
    assertThat(gemini.closestAspectRatio(1500, 500)).isEqualTo("21:9");
    assertThat(gemini.closestAspectRatio(1000, 1500)).isEqualTo("2:3");
    assertThat(gemini.closestAspectRatio(1080, 1350)).isEqualTo("4:5");
    assertThat(gemini.closestAspectRatio(1200, 630)).isEqualTo("16:9");
  }

  @Test
  void qualitiesFollowTheModelsSizes() {
    assertThat(GoogleModel.IMAGEN_4_FAST.qualities()).containsExactly("standard", "1K");
    assertThat(GoogleModel.GEMINI_3_PRO_IMAGE.qualities()).containsExactly("standard", "hd", "1K", "2K", "4K");
    assertThat(GoogleModel.imageSize("hd")).isEqualTo("2K");
    assertThat(GoogleModel.imageSize("standard")).isEqualTo("1K");
    assertThat(GoogleModel.imageSize("4K")).isEqualTo("4K");
  }
}
