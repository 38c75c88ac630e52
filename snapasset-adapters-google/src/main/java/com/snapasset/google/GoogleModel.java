package com.snapasset.google;

import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What each Google image model accepts: the API it is called through, its aspect ratios and its
 * output sizes. Validation, the request and the price table all read from here.
 */
enum GoogleModel {
  IMAGEN_4("imagen-4.0-generate-001", Api.IMAGEN, Ratios.IMAGEN, List.of("1K", "2K")),
  IMAGEN_4_ULTRA("imagen-4.0-ultra-generate-001", Api.IMAGEN, Ratios.IMAGEN, List.of("1K", "2K")),
  IMAGEN_4_FAST("imagen-4.0-fast-generate-001", Api.IMAGEN, Ratios.IMAGEN, List.of("1K")),
  GEMINI_2_5_FLASH_IMAGE("gemini-2.5-flash-image", Api.GEMINI, Ratios.GEMINI, List.of("1K")),
  GEMINI_3_PRO_IMAGE("gemini-3-pro-image-preview", Api.GEMINI, Ratios.GEMINI, List.of("1K", "2K", "4K"));

  /** Imagen's {@code :predict} or Gemini's {@code :generateContent}. */
  enum Api {
    IMAGEN,
    GEMINI
  }

  /** The aspect ratios each family draws, as {@code W:H}. */
  static final class Ratios {
    static final List<String> IMAGEN = List.of("1:1", "3:4", "4:3", "9:16", "16:9");
    static final List<String> GEMINI =
        List.of("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9");

    private Ratios() {}
  }

  /**
   * The qualities a request may name besides an image size: SnapAsset's (and DALL·E's) {@code
   * standard} means 1K, {@code hd} means 2K.
   */
  static final List<String> QUALITY_ALIASES = List.of("standard", "hd");

  /** Google's models take no style; these values are accepted and change nothing. */
  static final List<String> STYLES = List.of("vivid", "natural", "none");

  final String id;
  final Api api;
  final List<String> aspectRatios;
  final List<String> imageSizes;

  GoogleModel(String id, Api api, List<String> aspectRatios, List<String> imageSizes) {
    this.id = id;
    this.api = api;
    this.aspectRatios = aspectRatios;
    this.imageSizes = imageSizes;
  }

  static Optional<GoogleModel> byId(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
  }

  static List<String> geminiIds() {
    return Arrays.stream(values()).filter(m -> m.api == Api.GEMINI).map(m -> m.id).toList();
  }

  static List<String> ids() {
    return Arrays.stream(values()).map(m -> m.id).toList();
  }

  /** Whether the request should name an image size: only models that draw more than one. */
  boolean takesImageSize() {
    return imageSizes.size() > 1;
  }

  /** The image size a quality asks for: {@code standard} is 1K, {@code hd} 2K, else as named. */
  static String imageSize(String quality) {
    return switch (quality) {
      case "standard" -> "1K";
      case "hd" -> "2K";
      default -> quality;
    };
  }

  /** The accepted qualities of this model, aliases first. */
  List<String> qualities() {
    List<String> q = new ArrayList<>();
    q.add("standard");
    if (imageSizes.contains("2K")) {
      q.add("hd");
    }
    q.addAll(imageSizes);
    return q;
  }

  /**
   * The supported aspect ratio closest to {@code width × height}, compared on a log scale so that
   * 2:1 is as far from 1:1 as 1:2 is.
   */
  String closestAspectRatio(int width, int height) {
    double wanted = Math.log((double) width / height);
    String best = aspectRatios.get(0);
    double bestDistance = Double.MAX_VALUE;
    for (String ratio : aspectRatios) {
      int colon = ratio.indexOf(':');
      double r = Math.log(Double.parseDouble(ratio.substring(0, colon)) / Double.parseDouble(ratio.substring(colon + 1)));
      double distance = Math.abs(r - wanted);
      if (distance < bestDistance) {
        best = ratio;
        bestDistance = distance;
      }
    }
    return best;
  }

  /**
   * The model a request asks for, after checking its quality and style; {@code defaultModel}
   * stands in for SnapAsset's default model id ({@code dall-e-3}), so requests that name no model
   * work with any provider.
   *
   * @throws InvalidRequestException naming each refused value and what is accepted
   */
  static GoogleModel check(ImageOptions options, GoogleModel defaultModel, boolean vertexAi) {
    GoogleModel model;
    if (options.model().equals(ImageOptions.defaults().model())) {
      model = defaultModel;
    } else {
      Optional<GoogleModel> found = byId(options.model());
      if (found.isEmpty()) {
        throw new InvalidRequestException(
            "Google image model '" + options.model() + "' is not supported: use one of " + ids());
      }
      model = found.get();
    }
    if (model.api == Api.IMAGEN && !vertexAi) {
      // The SDK serves Imagen through Vertex AI only; the Gemini API moved image work to Gemini.
      throw new InvalidRequestException(
          "Google image model '" + model.id + "' (Imagen) is served through Vertex AI only: configure"
              + " vertexAi(project, location), or use one of " + geminiIds() + " with an API key");
    }
    List<String> problems = new ArrayList<>();
    if (!model.qualities().contains(options.quality())) {
      problems.add(model.id + " does not support quality '" + options.quality() + "': use one of " + model.qualities());
    }
    if (!STYLES.contains(options.style())) {
      problems.add(model.id + " takes no style; style '" + options.style() + "' is not accepted: use one of " + STYLES);
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return model;
  }
}
