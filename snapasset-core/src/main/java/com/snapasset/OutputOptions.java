package com.snapasset;

import java.util.ArrayList;
import java.util.List;

/**
 * How every rendition of a request is fitted and encoded. Immutable; change it with the
 * {@code with…} methods, e.g. {@code OutputOptions.of(OutputFormat.WEBP).withQuality(80)}.
 *
 * @param format the encoding
 * @param quality 1–100: JPEG quality, lossy WebP quality, and for a palette PNG the quality the
 *     palette must reach (libimagequant's scale, as Sharp's PNG {@code quality}: below 100 it may use
 *     fewer than 256 colours when they suffice); ignored by truecolour PNG and lossless WebP
 * @param fit how the source fills each platform's box
 * @param position which part a cover crop keeps, or where a contained image sits
 * @param background ARGB colour ({@code 0xAARRGGBB}) of a {@link Fit#CONTAIN} letterbox, and the
 *     colour that transparent pixels are flattened onto for JPEG (its alpha is then ignored)
 * @param compressionLevel 0–9: PNG compression effort (Sharp's {@code compressionLevel} scale);
 *     1–6 (the default 6 among them) favour speed: zlib's fast match finder (zlib levels 1–3),
 *     rows left unfiltered unless a sample shows filtering saves more than a tenth (photographs
 *     are filtered and then usually Huffman-coded only; flat drawings and text are not filtered,
 *     a few per cent larger than filtered); 7, 8, 9 favour size: rows filtered adaptively unless
 *     a sample shows them smaller unfiltered, zlib's lazy match finder (zlib 6, 8, 9), each band
 *     of noise-like residuals Huffman-coded only; 0 stores
 * @param palette PNG only: quantise to at most 256 colours with dithering (Sharp's
 *     {@code palette: true}) for much smaller files; see {@code quality}
 * @param progressive JPEG only: write a progressive JPEG
 * @param chromaSubsampling JPEG only: {@code true} for 4:2:0 (smaller; the default), {@code false}
 *     for 4:4:4 (sharper colour edges)
 * @param lossless WebP only: encode losslessly ({@code quality} is then ignored)
 */
public record OutputOptions(
    OutputFormat format,
    int quality,
    Fit fit,
    CropPosition position,
    int background,
    int compressionLevel,
    boolean palette,
    boolean progressive,
    boolean chromaSubsampling,
    boolean lossless) {

  /** Transparent black: letterboxes are transparent in PNG and WebP, black in JPEG (as Sharp's). */
  public static final int DEFAULT_BACKGROUND = 0x00000000;
  /** Sharp's default PNG compression level. */
  public static final int DEFAULT_COMPRESSION_LEVEL = 6;

  private static final OutputOptions DEFAULTS =
      new OutputOptions(OutputFormat.PNG, 85, Fit.COVER, CropPosition.ATTENTION);

  /**
   * Checks the components; see the class description.
   *
   * @param format the encoding
   * @param quality 1–100: JPEG quality, lossy WebP quality, and for a palette PNG the quality the
   *     palette must reach (libimagequant's scale, as Sharp's PNG {@code quality}: below 100 it may
   *     use fewer than 256 colours when they suffice); ignored by truecolour PNG and lossless WebP
   * @param fit how the source fills each platform's box
   * @param position which part a cover crop keeps, or where a contained image sits
   * @param background ARGB colour ({@code 0xAARRGGBB}) of a {@link Fit#CONTAIN} letterbox, and the
   *     colour that transparent pixels are flattened onto for JPEG (its alpha is then ignored)
   * @param compressionLevel 0–9: PNG compression effort (Sharp's {@code compressionLevel} scale;
   *     see the record's description)
   * @param palette PNG only: quantise to at most 256 colours with dithering (Sharp's {@code
   *     palette: true}) for much smaller files; see {@code quality}
   * @param progressive JPEG only: write a progressive JPEG
   * @param chromaSubsampling JPEG only: {@code true} for 4:2:0 (smaller; the default), {@code
   *     false} for 4:4:4 (sharper colour edges)
   * @param lossless WebP only: encode losslessly ({@code quality} is then ignored)
   */
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
    if (compressionLevel < 0 || compressionLevel > 9) {
      problems.add("PNG compression level " + compressionLevel + " is out of range: use 0-9");
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
  }

  /**
   * The given format, quality, fit and position with the default encoder settings: transparent
   * background, PNG level 6 without palette, baseline 4:2:0 JPEG, lossy WebP.
   *
   * @param format the encoding
   * @param quality 1–100
   * @param fit how the source fills the box
   * @param position which part a crop keeps
   */
  public OutputOptions(OutputFormat format, int quality, Fit fit, CropPosition position) {
    this(format, quality, fit, position, DEFAULT_BACKGROUND, DEFAULT_COMPRESSION_LEVEL, false,
        false, true, false);
  }

  /**
   * PNG, quality 85, cover, attention crop, default encoder settings.
   *
   * @return the defaults
   */
  public static OutputOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults with another format.
   *
   * @param format the encoding
   * @return the options
   */
  public static OutputOptions of(OutputFormat format) {
    return DEFAULTS.withFormat(format);
  }

  /**
   * These options with another {@link #format() format}.
   *
   * @param format the new value
   * @return a copy
   */
  public OutputOptions withFormat(OutputFormat format) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #quality() quality}.
   *
   * @param quality the new value
   * @return a copy
   */
  public OutputOptions withQuality(int quality) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #fit() fit}.
   *
   * @param fit the new value
   * @return a copy
   */
  public OutputOptions withFit(Fit fit) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #position() position}.
   *
   * @param position the new value
   * @return a copy
   */
  public OutputOptions withPosition(CropPosition position) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * The letterbox / flattening colour as {@code 0xAARRGGBB}, e.g. {@code 0xFFFFFFFF} opaque white.
   *
   * @param argb the colour
   * @return a copy
   */
  public OutputOptions withBackground(int argb) {
    return new OutputOptions(format, quality, fit, position, argb, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #compressionLevel() compressionLevel}.
   *
   * @param compressionLevel the new value
   * @return a copy
   */
  public OutputOptions withCompressionLevel(int compressionLevel) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #palette() palette}.
   *
   * @param palette the new value
   * @return a copy
   */
  public OutputOptions withPalette(boolean palette) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #progressive() progressive}.
   *
   * @param progressive the new value
   * @return a copy
   */
  public OutputOptions withProgressive(boolean progressive) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #chromaSubsampling() chromaSubsampling}.
   *
   * @param chromaSubsampling the new value
   * @return a copy
   */
  public OutputOptions withChromaSubsampling(boolean chromaSubsampling) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }

  /**
   * These options with another {@link #lossless() lossless}.
   *
   * @param lossless the new value
   * @return a copy
   */
  public OutputOptions withLossless(boolean lossless) {
    return new OutputOptions(format, quality, fit, position, background, compressionLevel, palette,
        progressive, chromaSubsampling, lossless);
  }
}
