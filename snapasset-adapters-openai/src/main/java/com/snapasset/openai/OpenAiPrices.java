package com.snapasset.openai;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one generated image costs, in US dollars, per model, quality and size: the one place the
 * adapter's cost accounting reads from. Immutable; {@link #with} returns a changed copy, so a
 * deployment with negotiated prices (or after a price change) overrides single entries:
 *
 * <pre>{@code
 * OpenAiPrices prices = OpenAiPrices.defaults().with("dall-e-3", "hd", "1024x1024", new BigDecimal("0.07"));
 * OpenAiImageProvider.builder().apiKey(key).prices(prices).build();
 * }</pre>
 *
 * <p>The defaults are OpenAI's list prices per image: DALL·E 3 standard $0.040 / HD $0.080 at
 * 1024², $0.080 / $0.120 at 1792×1024 and 1024×1792; DALL·E 2 $0.016 / $0.018 / $0.020 at
 * 256² / 512² / 1024²; gpt-image-1 low $0.011 / $0.016, medium $0.042 / $0.063, high $0.167 /
 * $0.25 at 1024² / 1536×1024 and 1024×1536 (its image output tokens; the few prompt tokens are
 * not counted). gpt-image-1 with quality {@code auto} is priced by the quality the server reports
 * having used, or as {@code high} when it reports none.
 */
public final class OpenAiPrices {
  private static final OpenAiPrices DEFAULTS = defaultTable();

  private final Map<String, BigDecimal> usdPerImage;

  private OpenAiPrices(Map<String, BigDecimal> usdPerImage) {
    this.usdPerImage = Map.copyOf(usdPerImage);
  }

  /**
   * OpenAI's list prices (see the class description).
   *
   * @return the list prices
   */
  public static OpenAiPrices defaults() {
    return DEFAULTS;
  }

  /**
   * A copy of this table with one price replaced.
   *
   * @param model e.g. {@code dall-e-3}
   * @param quality e.g. {@code hd}; not {@code auto}
   * @param size e.g. {@code 1024x1024}
   * @param price the price of one image in US dollars, zero or more
   * @throws IllegalArgumentException when the model does not offer that quality and size
   * @return a copy with that price set
   */
  public OpenAiPrices with(String model, String quality, String size, BigDecimal price) {
    Objects.requireNonNull(price, "price");
    if (price.signum() < 0) {
      throw new IllegalArgumentException("price must be zero or more: " + price);
    }
    String key = key(model, quality, size);
    if (!usdPerImage.containsKey(key)) {
      throw new IllegalArgumentException(
          "no such priced combination '" + key + "': use one of " + usdPerImage.keySet());
    }
    Map<String, BigDecimal> copy = new LinkedHashMap<>(usdPerImage);
    copy.put(key, price);
    return new OpenAiPrices(copy);
  }

  /**
   * The price of one image.
   *
   * @throws IllegalArgumentException when the combination has no price
   * @param model e.g. {@code dall-e-3}
   * @param quality e.g. {@code hd}
   * @param size e.g. {@code 1024x1024}
   * @return the price in US dollars
   */
  public BigDecimal perImage(String model, String quality, String size) {
    BigDecimal price = usdPerImage.get(key(model, quality, size));
    if (price == null) {
      throw new IllegalArgumentException(
          "no price for '" + key(model, quality, size) + "': use one of " + usdPerImage.keySet());
    }
    return price;
  }

  /**
   * Every priced combination as {@code model/quality/size}, with its price.
   *
   * @return an unmodifiable map from {@code model/quality/size} to US dollars
   */
  public Map<String, BigDecimal> usdPerImage() {
    return usdPerImage;
  }

  @Override
  public String toString() {
    return "OpenAiPrices" + new TreeMap<>(usdPerImage);
  }

  private static String key(String model, String quality, String size) {
    return model + "/" + quality + "/" + size;
  }

  private static OpenAiPrices defaultTable() {
    Map<String, BigDecimal> table = new LinkedHashMap<>();
    put(table, "dall-e-3", "standard", "0.040", "0.080", "0.080");
    put(table, "dall-e-3", "hd", "0.080", "0.120", "0.120");
    put(table, "dall-e-2", "standard", "0.016", "0.018", "0.020");
    put(table, "gpt-image-1", "low", "0.011", "0.016", "0.016");
    put(table, "gpt-image-1", "medium", "0.042", "0.063", "0.063");
    put(table, "gpt-image-1", "high", "0.167", "0.25", "0.25");
    Set<String> expected = new HashSet<>();
    for (OpenAiModel m : OpenAiModel.values()) {
      expected.addAll(m.priceKeys());
    }
    if (!expected.equals(table.keySet())) {
      // A model's sizes or qualities changed without its prices: fail at class load, not on a bill.
      throw new IllegalStateException("price table out of step with models: " + expected);
    }
    return new OpenAiPrices(table);
  }

  /** Prices in the order the model lists its sizes. */
  private static void put(Map<String, BigDecimal> table, String model, String quality, String... usd) {
    var sizes = OpenAiModel.byId(model).orElseThrow().sizes;
    for (int i = 0; i < usd.length; i++) {
      table.put(key(model, quality, sizes.get(i)), new BigDecimal(usd[i]));
    }
  }
}
