package com.snapasset;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the image provider is asked for. Values are provider-specific strings (OpenAI: model
 * {@code dall-e-3}, quality {@code standard}/{@code hd}, style {@code vivid}/{@code natural}, size
 * {@code 1024x1024}); the provider rejects combinations it does not support before any call is
 * paid for.
 *
 * @param model provider model id
 * @param quality provider quality level
 * @param style provider style
 * @param size base image size, {@code WIDTHxHEIGHT}
 */
public record ImageOptions(String model, String quality, String style, String size) {
  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SIZE = Pattern.compile("\\d{2,4}x\\d{2,4}");
  private static final ImageOptions DEFAULTS =
      new ImageOptions("dall-e-3", "standard", "vivid", "1024x1024");

  /**
   * Checks the components; see the class description.
   *
   * @param model provider model id
   * @param quality provider quality level
   * @param style provider style
   * @param size base image size, {@code WIDTHxHEIGHT}
   */
  public ImageOptions {
    List<String> problems = new ArrayList<>();
    checkWord(problems, "model", model);
    checkWord(problems, "quality", quality);
    checkWord(problems, "style", style);
    if (size == null || !SIZE.matcher(size).matches()) {
      problems.add("image size '" + size + "' is not valid: use WIDTHxHEIGHT, e.g. 1024x1024");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
  }

  /**
   * DALL·E 3, standard quality, vivid, 1024 × 1024: what the original SnapAsset asked for.
   *
   * @return the defaults
   */
  public static ImageOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with another model.
   *
   * @param model the new model
   * @return a copy
   */
  public ImageOptions withModel(String model) {
    return new ImageOptions(model, quality, style, size);
  }

  /**
   * These options with another quality.
   *
   * @param quality the new quality
   * @return a copy
   */
  public ImageOptions withQuality(String quality) {
    return new ImageOptions(model, quality, style, size);
  }

  /**
   * These options with another style.
   *
   * @param style the new style
   * @return a copy
   */
  public ImageOptions withStyle(String style) {
    return new ImageOptions(model, quality, style, size);
  }

  /**
   * These options with another size.
   *
   * @param size the new size
   * @return a copy
   */
  public ImageOptions withSize(String size) {
    return new ImageOptions(model, quality, style, size);
  }

  /**
   * Width of {@link #size()}.
   *
   * @return pixels
   */
  public int width() {
    return Integer.parseInt(size.substring(0, size.indexOf('x')));
  }

  /**
   * Height of {@link #size()}.
   *
   * @return pixels
   */
  public int height() {
    return Integer.parseInt(size.substring(size.indexOf('x') + 1));
  }

  private static void checkWord(List<String> problems, String what, String value) {
    if (value == null || !WORD.matcher(value).matches()) {
      problems.add(
          "image " + what + " '" + value + "' is not valid: use 1-64 characters of A-Z a-z 0-9 . _ -");
    }
  }
}
