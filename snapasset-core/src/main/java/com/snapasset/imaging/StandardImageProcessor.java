package com.snapasset.imaging;

import com.snapasset.ImageDecodeException;
import com.snapasset.ImageProcessingException;
import com.snapasset.OutputFormat;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.EncodedImage;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.Rendition;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.geometry.Positions;

/**
 * The default image processor: decodes with ImageIO (refusing oversized images from their header),
 * renders exact-size cover crops with Thumbnailator and encodes PNG and JPEG with ImageIO.
 * Thread-safe.
 */
public final class StandardImageProcessor implements ImageProcessor {
  /** 64 megapixels, as Sharp's {@code limitInputPixels} default is about 268 MP. */
  public static final long DEFAULT_MAX_PIXELS = 64L * 1024 * 1024;
  /** 50 MB of encoded input. */
  public static final int DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

  private final long maxPixels;
  private final int maxBytes;

  private StandardImageProcessor(long maxPixels, int maxBytes) {
    this.maxPixels = maxPixels;
    this.maxBytes = maxBytes;
  }

  /** A processor with the default limits. */
  public static StandardImageProcessor create() {
    return new StandardImageProcessor(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);
  }

  /** A processor refusing inputs over {@code maxPixels} pixels or {@code maxBytes} bytes. */
  public static StandardImageProcessor withLimits(long maxPixels, int maxBytes) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be >= 1, was " + maxPixels);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    }
    return new StandardImageProcessor(maxPixels, maxBytes);
  }

  @Override
  public DecodedImage decode(byte[] data) {
    if (data.length == 0) {
      throw new ImageDecodeException("image data is empty", null);
    }
    if (data.length > maxBytes) {
      throw new ImageDecodeException(
          "image is " + data.length + " bytes, over the limit of " + maxBytes, null);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException("image format not recognised (accepted: PNG, JPEG)", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new ImageDecodeException(
              "image is " + reader.getWidth(0) + "x" + reader.getHeight(0) + " = " + pixels
                  + " pixels, over the limit of " + maxPixels,
              null);
        }
        BufferedImage image = reader.read(0);
        return new Decoded(toRgb(image));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageDecodeException ide) {
        throw ide;
      }
      throw new ImageDecodeException("image could not be decoded: " + e.getMessage(), e);
    }
  }

  @Override
  public EncodedImage render(DecodedImage source, Rendition rendition) {
    if (!(source instanceof Decoded decoded)) {
      throw new IllegalArgumentException("source was not decoded by this processor");
    }
    try {
      BufferedImage out =
          Thumbnails.of(decoded.image)
              .size(rendition.width(), rendition.height())
              .crop(Positions.CENTER)
              .imageType(BufferedImage.TYPE_INT_RGB)
              .asBufferedImage();
      OutputFormat format = rendition.output().format();
      byte[] bytes = encode(out, format, rendition.output().quality());
      return new EncodedImage(bytes, out.getWidth(), out.getHeight(), format);
    } catch (IOException e) {
      throw new ImageProcessingException("rendering " + rendition + " failed: " + e.getMessage(), e);
    }
  }

  private static byte[] encode(BufferedImage image, OutputFormat format, int quality)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format == OutputFormat.JPEG ? "jpeg" : "png").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format == OutputFormat.JPEG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    var g = rgb.createGraphics();
    try {
      g.drawImage(image, 0, 0, java.awt.Color.WHITE, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }

  private record Decoded(BufferedImage image) implements DecodedImage {
    @Override
    public int width() {
      return image.getWidth();
    }

    @Override
    public int height() {
      return image.getHeight();
    }
  }
}
