package com.snapasset.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.CropPosition;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.Platform;
import com.snapasset.Platforms;
import com.snapasset.imaging.CropWindow;
import com.snapasset.imaging.Ssim;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.Rendition;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * compare-crops.sh: for every input and preset, the cover-crop window SnapAsset keeps and the one
 * Sharp keeps (its {@code cropOffsetLeft/Top}), and the SSIM of the two JPEG q85 renditions. Equal
 * windows give SSIM ≈ 0.998 (resampling and JPEG differences only); a different window shows up as
 * a much lower SSIM. No timing: see compare-with-sharp.sh for that.
 *
 * <p>Usage: {@code CropComparison SHARP_SCRIPT OUT_DIR INPUT...}; {@code POSITION} (default
 * attention) picks the crop, {@code FORMAT=png} compares lossless PNG renditions instead (SSIM then
 * shows resampling differences alone).
 */
public final class CropComparison {
  private CropComparison() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CropComparison SHARP_SCRIPT OUT_DIR INPUT...");
      System.exit(2);
    }
    String positionName = System.getenv().getOrDefault("POSITION", "attention");
    CropPosition position = CropPosition.parse(positionName).orElseThrow(
        () -> new IllegalArgumentException("unknown POSITION " + positionName));
    Path out = Path.of(args[1]);
    List<Platform> presets = Platforms.presets();
    ObjectMapper json = new ObjectMapper();
    List<Object> presetList = new ArrayList<>();
    for (Platform p : presets) {
      presetList.add(List.of(p.id(), p.width(), p.height()));
    }
    boolean png = "png".equals(System.getenv("FORMAT"));
    String ext = png ? "png" : "jpg";
    List<String> command = new ArrayList<>(List.of("node", args[0], positionName, png ? "png" : "jpeg",
        out.resolve("sharp").toString(), json.writeValueAsString(presetList)));
    for (int i = 2; i < args.length; i++) {
      command.add(args[i]);
    }
    Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<JsonNode> sharp = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        sharp.add(json.readTree(line));
      }
    }
    if (node.waitFor() != 0 || sharp.isEmpty()) {
      throw new IOException("sharp-crop-windows.cjs failed (exit " + node.exitValue() + ")");
    }
    JsonNode versions = sharp.remove(0);

    StandardImageProcessor processor = StandardImageProcessor.create();
    OutputOptions options = png
        ? OutputOptions.of(OutputFormat.PNG).withCompressionLevel(1).withPosition(position)
        : OutputOptions.of(OutputFormat.JPEG).withQuality(85).withPosition(position);
    StringBuilder table = new StringBuilder(
        "| input | preset | scaled | SnapAsset window | Sharp window | SSIM |\n| --- | --- | --- | --- | --- | --- |\n");
    int same = 0;
    double minSame = 1;
    int k = 0;
    for (int i = 2; i < args.length; i++) {
      Path input = Path.of(args[i]);
      DecodedImage source = processor.decode(Files.readAllBytes(input));
      for (Platform p : presets) {
        JsonNode s = sharp.get(k++);
        int[] ours = CropWindow.of(source, p.width(), p.height(), position);
        byte[] data = processor.render(source, Rendition.of(p, options)).data();
        Path file = out.resolve("java").resolve(input.getFileName().toString()).resolve(p.id() + "." + ext);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        BufferedImage theirs = read(Files.readAllBytes(
            out.resolve("sharp").resolve(input.getFileName().toString()).resolve(p.id() + "." + ext)));
        double ssim = Ssim.of(read(data), theirs);
        int left = s.path("left").asInt();
        int top = s.path("top").asInt();
        boolean equal = ours[0] == left && ours[1] == top;
        if (equal) {
          same++;
          minSame = Math.min(minSame, ssim);
        }
        table.append(String.format(Locale.ROOT, "| %s | %s | %dx%d | %d, %d | %d, %d%s | %.4f |%n",
            input.getFileName(), p.id(), ours[2], ours[3], ours[0], ours[1], left, top,
            equal ? "" : " **differs**", ssim));
      }
    }
    System.out.print(table);
    System.out.printf(Locale.ROOT, "%nposition %s, %s, sharp %s / libvips %s: %d of %d windows equal to Sharp's"
            + " (SSIM of those ≥ %.4f); renditions in %s%n",
        positionName, png ? "PNG" : "JPEG q85", versions.path("sharp").asText(), versions.path("vips").asText(), same, k,
        minSame, out);
  }

  private static BufferedImage read(byte[] data) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
    if (image == null) {
      throw new IOException("no ImageIO reader for this file");
    }
    return image;
  }
}
