package com.snapasset.imaging;

import com.snapasset.ImageProcessingException;
import com.snapasset.OutputOptions;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Encodes rendered pixels in the requested format. */
final class Encoders {
  private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

  private Encoders() {}

  static byte[] encode(Pixels px, OutputOptions o) {
    return switch (o.format()) {
      case PNG -> PngWriter.write(px, o.compressionLevel(), o.palette(), o.quality());
      case JPEG -> jpeg(px, o);
      case WEBP -> WebpCodec.encode(px, o);
    };
  }

  /** Our pixels as a BufferedImage, sharing the array (no copy). */
  static BufferedImage wrap(Pixels px, boolean alpha) {
    DirectColorModel cm = alpha
        ? (DirectColorModel) ColorModel.getRGBdefault()
        : new DirectColorModel(24, 0xFF0000, 0xFF00, 0xFF);
    WritableRaster raster = Raster.createPackedRaster(
        new DataBufferInt(px.argb, px.argb.length), px.width, px.height, px.width, cm.getMasks(), null);
    return new BufferedImage(cm, raster, false, null);
  }

  private static byte[] jpeg(Pixels px, OutputOptions o) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new ImageProcessingException("no JPEG encoder is available in this JVM", null);
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(px.argb.length / 4 + 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      JPEGImageWriteParam param = (JPEGImageWriteParam) writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(o.quality() / 100f);
      // as Sharp's default optimiseCoding: a few % smaller for little time
      param.setOptimizeHuffmanTables(true);
      if (o.progressive()) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      BufferedImage image = wrap(px, false);
      IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      if (!o.chromaSubsampling()) {
        fullChroma(meta);
      }
      writer.write(null, new IIOImage(image, null, meta), param);
    } catch (IOException e) {
      throw new ImageProcessingException("JPEG encoding failed: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** Sets every component's sampling factors to 1: 4:4:4 instead of the default 4:2:0. */
  private static void fullChroma(IIOMetadata meta) throws IOException {
    Node root = meta.getAsTree(JPEG_METADATA);
    NodeList specs = ((Element) root).getElementsByTagName("componentSpec");
    for (int i = 0; i < specs.getLength(); i++) {
      Element spec = (Element) specs.item(i);
      spec.setAttribute("HsamplingFactor", "1");
      spec.setAttribute("VsamplingFactor", "1");
    }
    meta.setFromTree(JPEG_METADATA, root);
  }
}
