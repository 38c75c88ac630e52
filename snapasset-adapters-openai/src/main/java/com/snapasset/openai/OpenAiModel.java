package com.snapasset.openai;

import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What each supported model accepts, in one place: sizes, quality levels, styles, prompt length and
 * whether base64 output must be asked for. The request body and the validation both read from here.
 */
enum OpenAiModel {
  DALL_E_3(
      "dall-e-3",
      List.of("1024x1024", "1792x1024", "1024x1792"),
      List.of("standard", "hd"),
      List.of("vivid", "natural"),
      4_000,
      true),
  DALL_E_2(
      "dall-e-2",
      List.of("256x256", "512x512", "1024x1024"),
      List.of("standard"),
      List.of(OpenAiModel.NO_STYLE),
      1_000,
      true),
  // gpt-image-1 always answers with base64 and refuses the response_format field.
  GPT_IMAGE_1(
      "gpt-image-1",
      List.of("1024x1024", "1536x1024", "1024x1536"),
      List.of("low", "medium", "high", "auto"),
      List.of(OpenAiModel.NO_STYLE),
      32_000,
      false);

  /** The style value for models that take no style. */
  static final String NO_STYLE = "none";

  /** The quality that lets the server choose; priced by the quality the server reports. */
  static final String AUTO = "auto";

  final String id;
  final List<String> sizes;
  final List<String> qualities;
  final List<String> styles;
  final int maxPromptChars;
  final boolean asksForBase64;

  OpenAiModel(
      String id,
      List<String> sizes,
      List<String> qualities,
      List<String> styles,
      int maxPromptChars,
      boolean asksForBase64) {
    this.id = id;
    this.sizes = sizes;
    this.qualities = qualities;
    this.styles = styles;
    this.maxPromptChars = maxPromptChars;
    this.asksForBase64 = asksForBase64;
  }

  boolean takesStyle() {
    return !styles.equals(List.of(NO_STYLE));
  }

  /** Whether the caller may send this quality to the API as is (DALL·E 2 takes none). */
  boolean sendsQuality() {
    return qualities.size() > 1;
  }

  static Optional<OpenAiModel> byId(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
  }

  static List<String> ids() {
    return Arrays.stream(values()).map(m -> m.id).toList();
  }

  /**
   * Checks every option against the model and reports all problems at once.
   *
   * @throws InvalidRequestException naming each refused value and what is accepted instead
   */
  static OpenAiModel check(ImageOptions options) {
    Optional<OpenAiModel> found = byId(options.model());
    if (found.isEmpty()) {
      throw new InvalidRequestException(
          "OpenAI image model '" + options.model() + "' is not supported: use one of " + ids());
    }
    OpenAiModel model = found.get();
    List<String> problems = new ArrayList<>();
    model.checkOne(problems, "size", options.size(), model.sizes);
    model.checkOne(problems, "quality", options.quality(), model.qualities);
    model.checkOne(problems, "style", options.style(), model.styles);
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return model;
  }

  private void checkOne(List<String> problems, String what, String value, List<String> accepted) {
    if (!accepted.contains(value)) {
      String hint =
          what.equals("style") && !takesStyle() ? " (" + id + " takes no style)" : "";
      problems.add(
          id + " does not support " + what + " '" + value + "'" + hint + ": use one of "
              + accepted);
    }
  }

  /** Every priced key of this model: {@code model/quality/size}, without the quality {@code auto}. */
  Set<String> priceKeys() {
    Set<String> keys = new LinkedHashSet<>();
    for (String q : qualities) {
      if (!q.equals(AUTO)) {
        for (String s : sizes) {
          keys.add(id + "/" + q + "/" + s);
        }
      }
    }
    return keys;
  }
}
