package com.snapasset.google;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one generated image costs, in US dollars, per model and output size ({@code 1K}, {@code
 * 2K}, {@code 4K}): the one place the adapter's cost accounting reads from. Immutable; {@link #with}
 * returns a changed copy, for negotiated prices or after a price change:
 *
 * <pre>{@code
 * GooglePrices prices = GooglePrices.defaults().with("imagen-4.0-generate-001", "1K", new BigDecimal("0.035"));
 * GoogleImageProvider.builder().apiKey(key).prices(prices).build();
 * }</pre>
 *
 * <p>The defaults are Google's list prices per image (Gemini Developer API, paid tier; Vertex AI
 * lists the same for these models): Imagen 4 $0.04, Imagen 4 Ultra $0.06, Imagen 4 Fast $0.02,
 * Gemini 2.5 Flash Image $0.039 (1,290 output tokens at $30 per million), Gemini 3 Pro Image
 * $0.134 at 1K and 2K and $0.24 at 4K. Prompt tokens (a fraction of a cent) are not counted.
 */
public final class GooglePrices {
  private static final GooglePrices DEFAULTS = defaultTable();

  private final Map<String, BigDecimal> usdPerImage;

  private GooglePrices(Map<String, BigDecimal> usdPerImage) {
    this.usdPerImage = Map.copyOf(usdPerImage);
  }

  /**
   * Google's list prices (see the class description).
   *
   * @return the default table
   */
  public static GooglePrices defaults() {
    return DEFAULTS;
  }

  /**
   * A copy of this table with one price replaced.
   *
   * @param model e.g. {@code imagen-4.0-generate-001}
   * @param imageSize {@code 1K}, {@code 2K} or {@code 4K}, as the model offers
   * @param price the price of one image in US dollars, zero or more
   * @return a new table; this one is unchanged
   * @throws IllegalArgumentException when the model does not offer that size
   */
  public GooglePrices with(String model, String imageSize, BigDecimal price) {
    Objects.requireNonNull(price, "price");
    if (price.signum() < 0) {
      throw new IllegalArgumentException("price must be zero or more: " + price);
    }
    String key = key(model, imageSize);
    if (!usdPerImage.containsKey(key)) {
      throw new IllegalArgumentException(
          "no such priced combination '" + key + "': use one of " + new TreeMap<>(usdPerImage).keySet());
    }
    Map<String, BigDecimal> copy = new LinkedHashMap<>(usdPerImage);
    copy.put(key, price);
    return new GooglePrices(copy);
  }

  /**
   * The price of one image.
   *
   * @param model the model id, e.g. {@code imagen-4.0-generate-001}
   * @param imageSize {@code 1K}, {@code 2K} or {@code 4K}
   * @return the price in US dollars
   * @throws IllegalArgumentException when the combination has no price
   */
  public BigDecimal perImage(String model, String imageSize) {
    BigDecimal price = usdPerImage.get(key(model, imageSize));
    if (price == null) {
      throw new IllegalArgumentException("no price for '" + key(model, imageSize) + "'");
    }
    return price;
  }

  /**
   * Every priced combination as {@code model/imageSize}, with its price.
   *
   * @return an unmodifiable map of US dollars per image
   */
  public Map<String, BigDecimal> usdPerImage() {
    return usdPerImage;
  }

  @Override
  public String toString() {
    return "GooglePrices" + new TreeMap<>(usdPerImage);
  }

  private static String key(String model, String imageSize) {
    return model + "/" + imageSize;
  }

  private static GooglePrices defaultTable() {
    Map<String, BigDecimal> t = new LinkedHashMap<>();
    t.put(key("imagen-4.0-generate-001", "1K"), new BigDecimal("0.04"));
    t.put(key("imagen-4.0-generate-001", "2K"), new BigDecimal("0.04"));
    t.put(key("imagen-4.0-ultra-generate-001", "1K"), new BigDecimal("0.06"));
    t.put(key("imagen-4.0-ultra-generate-001", "2K"), new BigDecimal("0.06"));
    t.put(key("imagen-4.0-fast-generate-001", "1K"), new BigDecimal("0.02"));
    t.put(key("gemini-2.5-flash-image", "1K"), new BigDecimal("0.039"));
    t.put(key("gemini-3-pro-image-preview", "1K"), new BigDecimal("0.134"));
    t.put(key("gemini-3-pro-image-preview", "2K"), new BigDecimal("0.134"));
    t.put(key("gemini-3-pro-image-preview", "4K"), new BigDecimal("0.24"));
    Set<String> expected = new LinkedHashSet<>();
    for (GoogleModel m : GoogleModel.values()) {
      for (String size : m.imageSizes) {
        expected.add(key(m.id, size));
      }
    }
    if (!expected.equals(t.keySet())) {
      // A model's sizes changed without its prices: fail at class load, not on a bill.
      throw new IllegalStateException("price table out of step with models: " + expected);
    }
    return new GooglePrices(t);
  }
}
