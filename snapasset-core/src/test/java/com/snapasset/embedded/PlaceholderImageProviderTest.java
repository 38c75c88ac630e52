package com.snapasset.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.ImageOptions;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ProviderImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlaceholderImageProviderTest {
  private final PlaceholderImageProvider provider = PlaceholderImageProvider.create();

  @Test
  void drawsAPngOfTheRequestedSize() throws IOException {
    ProviderImage img = provider.generate(new ImagePrompt("a red fox at dawn", ImageOptions.defaults()));

    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(img.data()));
    assertThat(decoded.getWidth()).isEqualTo(1024);
    assertThat(decoded.getHeight()).isEqualTo(1024);
    assertThat(img.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
    assertThat(provider.name()).isEqualTo("placeholder");
  }

  @Test
  void theSamePromptGivesTheSameImageAndAnotherPromptAnother() {
    ImagePrompt fox = new ImagePrompt("a red fox at dawn", ImageOptions.defaults());
    ImagePrompt owl = new ImagePrompt("an owl at night", ImageOptions.defaults());

    assertThat(provider.generate(fox).data()).isEqualTo(provider.generate(fox).data());
    assertThat(provider.generate(fox).data()).isNotEqualTo(provider.generate(owl).data());
  }

  @Test
  void honoursANonSquareSize() throws IOException {
    ProviderImage img = provider.generate(new ImagePrompt("wide", ImageOptions.defaults().withSize("1792x1024")));

    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(img.data()));
    assertThat(decoded.getWidth()).isEqualTo(1792);
    assertThat(decoded.getHeight()).isEqualTo(1024);
  }
}
