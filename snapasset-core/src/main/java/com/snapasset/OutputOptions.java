package com.snapasset;

import java.util.ArrayList;
import java.util.List;

/**
 * How every rendition of a request is fitted and encoded.
 *
 * @param format the encoding
 * @param quality 1–100; the JPEG quality (and WebP's, where supported); ignored by lossless PNG
 * @param fit how the source fills each platform's box
 * @param position which part a cover crop keeps
 */
public record OutputOptions(OutputFormat format, int quality, Fit fit, CropPosition position) {
  private static final OutputOptions DEFAULTS =
      new OutputOptions(OutputFormat.PNG, 85, Fit.COVER, CropPosition.CENTER);

  public OutputOptions {
    List<String> problems = new ArrayList<>();
    if (format == null) {
      problems.add("output format is missing: use one of " + List.of(OutputFormat.values()));
    }
    if (quality < 1 || quality > 100) {
      problems.add("output quality " + quality + " is out of range: use 1-100");
    }
    if (fit == null) {
      problems.add("fit is missing: use one of " + List.of(Fit.values()));
    }
    if (position == null) {
      problems.add("crop position is missing: use one of " + List.of(CropPosition.values()));
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
  }

  /** PNG, quality 85, cover, centre. */
  public static OutputOptions defaults() {
    return DEFAULTS;
  }

  public static OutputOptions of(OutputFormat format) {
    return DEFAULTS.withFormat(format);
  }

  public OutputOptions withFormat(OutputFormat format) {
    return new OutputOptions(format, quality, fit, position);
  }

  public OutputOptions withQuality(int quality) {
    return new OutputOptions(format, quality, fit, position);
  }

  public OutputOptions withFit(Fit fit) {
    return new OutputOptions(format, quality, fit, position);
  }

  public OutputOptions withPosition(CropPosition position) {
    return new OutputOptions(format, quality, fit, position);
  }
}
