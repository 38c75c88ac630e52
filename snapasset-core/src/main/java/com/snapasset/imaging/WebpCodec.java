package com.snapasset.imaging;

import com.luciad.imageio.webp.CompressionType;
import com.luciad.imageio.webp.WebPWriteParam;
import com.snapasset.ImageProcessingException;
import com.snapasset.OutputOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * WebP through webp-imageio's bundled libwebp. Its native library loads on first use; when it
 * cannot (an unsupported platform), encoding fails with a message naming the platform, and PNG and
 * JPEG are unaffected because nothing else touches this class.
 */
final class WebpCodec {
  /** libwebp's default effort ("method"), as Sharp's {@code effort: 4}. */
  private static final int METHOD = 4;

  private WebpCodec() {}

  static byte[] encode(Pixels px, OutputOptions o) {
    try {
      return write(px, o);
    } catch (LinkageError e) {
      throw unavailable(e);
    } catch (IOException | RuntimeException e) {
      throw new ImageProcessingException("WebP encoding failed: " + e.getMessage(), e);
    }
  }

  private static byte[] write(Pixels px, OutputOptions o) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("webp");
    if (!writers.hasNext()) {
      throw new ImageProcessingException(
          "no WebP encoder is registered with ImageIO: webp-imageio is missing from the class path"
              + " (or its META-INF/services entries were lost when repackaging)", null);
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(px.argb.length / 8 + 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      WebPWriteParam param = (WebPWriteParam) writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType(o.lossless() ? CompressionType.Lossless : CompressionType.Lossy);
      param.setCompressionQuality(o.quality() / 100f);
      param.setMethod(METHOD);
      boolean alpha = px.alpha && PngWriter.hasTransparency(px);
      writer.write(null, new IIOImage(Encoders.wrap(px, alpha), null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static ImageProcessingException unavailable(Throwable cause) {
    return new ImageProcessingException(
        "WebP is unavailable: the native libwebp bundled in webp-imageio could not be loaded on "
            + platform() + " (" + cause + "); PNG and JPEG output still work", cause);
  }

  /** The platform as the native loader sees it, e.g. {@code linux/amd64}. */
  static String platform() {
    return System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "/"
        + System.getProperty("os.arch", "?");
  }
}
