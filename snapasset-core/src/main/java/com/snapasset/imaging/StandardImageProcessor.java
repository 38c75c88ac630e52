package com.snapasset.imaging;

import com.snapasset.Fit;
import com.snapasset.ImageDecodeException;
import com.snapasset.ImageProcessingException;
import com.snapasset.OutputOptions;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;

/**
 * The default image processor, in pure Java apart from libwebp: what Sharp's {@code resize()} +
 * {@code png()} / {@code jpeg()} / {@code webp()} give, for SnapAsset's renditions.
 *
 * <ul>
 *   <li>Decodes PNG (8/16-bit, grey, palette, alpha), JPEG (including CMYK/YCCK) and WebP, applies
 *       the EXIF orientation and converts to sRGB; metadata is dropped.
 *   <li>Refuses, from the header and before allocating pixels, inputs over {@link
 *       Builder#maxPixels} pixels or {@link Builder#maxBytes} bytes; corrupt or truncated data
 *       (including any decoder warning, as Sharp's default {@code failOn: 'warning'}) is an {@link
 *       ImageDecodeException}.
 *   <li>Resamples as Sharp does: Lanczos3 (Sharp's default kernel) reducing, bicubic enlarging
 *       (libvips' upsizing interpolator for that kernel); fits {@link Fit#COVER},
 *       {@code CONTAIN}, {@code FILL}, {@code INSIDE}, {@code OUTSIDE}; nine gravities plus the
 *       {@code ENTROPY} and {@code ATTENTION} smart crops, computed on small copies of the source.
 *   <li>Encodes PNG with adaptive row filters and an optional dithered palette, JPEG (quality,
 *       progressive, 4:2:0 or 4:4:4, optimised Huffman tables) and WebP (lossy or lossless).
 * </ul>
 *
 * <p>Thread-safe and stateless apart from its limits: decode once, then render the renditions of
 * one {@link DecodedImage} from as many threads as wanted. Renditions of one decoded image scaled
 * to the same size (the 1200-wide posts of several platforms) share the resampled pixels: the
 * decoded image keeps (softly) the two windows it used last, until it is closed (it is {@link
 * AutoCloseable}; the engine closes it once a job's renditions are rendered).
 *
 * <pre>{@code
 * ImageProcessor images = StandardImageProcessor.builder().maxPixels(40_000_000).build();
 * DecodedImage source = images.decode(bytes);
 * EncodedImage story = images.render(source,
 *     new Rendition(1080, 1920, OutputOptions.of(OutputFormat.WEBP).withQuality(85)));
 * }</pre>
 */
public final class StandardImageProcessor implements ImageProcessor {
  /** 64 megapixels; Sharp's {@code limitInputPixels} default is about 268 MP. */
  public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;
  /** 50 MB of encoded input. */
  public static final int DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

  private final long maxPixels;
  private final int maxBytes;

  private StandardImageProcessor(long maxPixels, int maxBytes) {
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
  }

  /**
   * A processor with the default limits.
   *
   * @return a processor with the default limits
   */
  public static StandardImageProcessor create() {
    return new StandardImageProcessor(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
  }

  /**
   * A builder with the default limits.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public DecodedImage decode(byte[] data) {
    if (data.length == 0) {
      throw new ImageDecodeException("image data is empty (0 bytes)", null);
    }
    if (data.length > maxBytes) {
      throw new ImageDecodeException(
          "image is " + data.length + " bytes, over the limit of " + maxBytes, null);
    }
    ImageHeader header = ImageHeader.read(data);
    if (header.pixels() > maxPixels) {
      throw new ImageDecodeException(
          header.format + " is " + header.width + "x" + header.height + " = " + header.pixels()
              + " pixels, over the limit of " + maxPixels, null);
    }
    if (header.damage != null) {
      throw new ImageDecodeException(header.damage, null);
    }
    return new Decoded(Decoder.decode(data, header, maxPixels));
  }

  @Override
  public EncodedImage render(DecodedImage source, Rendition rendition) {
    if (!(source instanceof Decoded decoded)) {
      throw new IllegalArgumentException("source was not decoded by a StandardImageProcessor");
    }
    OutputOptions o = rendition.output();
    try {
      Pixels src = decoded.pixels;
      Layout l = Layout.of(
          src.width, src.height, rendition.width(), rendition.height(), o.fit(), o.position(), decoded);
      Pixels part = decoded.resized(l.scaledW(), l.scaledH(), l.left(), l.top(), l.partW(), l.partH());
      Pixels out = Compositor.finish(part, l, o);
      byte[] bytes = Encoders.encode(out, o);
      return new EncodedImage(bytes, out.width, out.height, o.format());
    } catch (ImageProcessingException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new ImageProcessingException(
          "rendering " + rendition.width() + "x" + rendition.height() + " " + o.format() + " failed: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "StandardImageProcessor[maxPixels=" + maxPixels + ", maxBytes=" + maxBytes + "]";
  }

  /** Configures a {@link StandardImageProcessor}; each setter checks its argument at once. */
  public static final class Builder {
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private int maxBytes = DEFAULT_MAX_BYTES;

    private Builder() {}

    /**
     * Inputs whose header declares more pixels are refused (default 64 MP).
     *
     * @param maxPixels pixels
     * @return this builder
     */
    public Builder maxPixels(long maxPixels) {
      if (maxPixels < 1) {
        throw new IllegalArgumentException("maxPixels must be >= 1, was " + maxPixels);
      }
      this.maxPixels = maxPixels;
      return this;
    }

    /**
     * Inputs of more encoded bytes are refused (default 50 MB).
     *
     * @param maxBytes bytes
     * @return this builder
     */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * A processor with these limits.
     *
     * @return the processor
     */
    public StandardImageProcessor build() {
      return new StandardImageProcessor(maxPixels, maxBytes);
    }
  }
}
