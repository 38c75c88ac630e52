package com.snapasset.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class OpenAiPricesTest {

  @Test
  void defaultsAreOpenAisListPrices() {
    OpenAiPrices p = OpenAiPrices.defaults();

    assertThat(p.perImage("dall-e-3", "standard", "1024x1024")).isEqualByComparingTo("0.040");
    assertThat(p.perImage("dall-e-3", "hd", "1024x1024")).isEqualByComparingTo("0.080");
    assertThat(p.perImage("dall-e-3", "hd", "1024x1792")).isEqualByComparingTo("0.120");
    assertThat(p.perImage("dall-e-2", "standard", "512x512")).isEqualByComparingTo("0.018");
    assertThat(p.perImage("gpt-image-1", "low", "1024x1024")).isEqualByComparingTo("0.011");
    assertThat(p.perImage("gpt-image-1", "medium", "1024x1536")).isEqualByComparingTo("0.063");
  }

  @Test
  void everyAcceptedCombinationHasAPrice() {
    for (OpenAiModel model : OpenAiModel.values()) {
      for (String key : model.priceKeys()) {
        assertThat(OpenAiPrices.defaults().usdPerImage()).as(key).containsKey(key);
      }
    }
    assertThat(OpenAiPrices.defaults().usdPerImage()).hasSize(6 + 3 + 9);
  }

  @Test
  void withReturnsAChangedCopy() {
    OpenAiPrices changed =
        OpenAiPrices.defaults().with("dall-e-3", "hd", "1024x1024", new BigDecimal("0.07"));

    assertThat(changed.perImage("dall-e-3", "hd", "1024x1024")).isEqualByComparingTo("0.07");
    assertThat(OpenAiPrices.defaults().perImage("dall-e-3", "hd", "1024x1024")).isEqualByComparingTo("0.080");
  }

  @Test
  void unknownCombinationsAndNegativePricesAreRefused() {
    assertThatThrownBy(() -> OpenAiPrices.defaults().with("dall-e-3", "low", "1024x1024", BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dall-e-3/low/1024x1024");
    assertThatThrownBy(() -> OpenAiPrices.defaults().with("dall-e-3", "hd", "1024x1024", new BigDecimal("-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("price must be zero or more");
    assertThatThrownBy(() -> OpenAiPrices.defaults().perImage("gpt-image-1", "auto", "1024x1024"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
