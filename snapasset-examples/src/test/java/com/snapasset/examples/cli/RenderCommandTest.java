package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.Platform;
import com.snapasset.Platforms;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code snapasset render}: a local photo to every preset at its exact size, and hostile inputs. */
class RenderCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = SnapAssetCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private Path photo(String name, String format, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(30, 90, 160), width, height, new Color(240, 200, 120)));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(200, 40, 40));
    g.fillOval(width / 3, height / 3, width / 4, height / 4);
    g.dispose();
    Path file = dir.resolve(name);
    ImageIO.write(image, format, file.toFile());
    return file;
  }

  private List<Path> outputs(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void aLocalPhotoIsWrittenForEveryPresetAtItsExactSize() throws IOException {
    Path photo = photo("photo.jpg", "jpeg", 1600, 1200);
    Path target = dir.resolve("out");

    int code = run("render", photo.toString(), "-o", target.toString());

    assertThat(code).as(err.toString()).isZero();
    Map<String, Platform> presets = Platforms.presets().stream().collect(Collectors.toMap(Platform::id, Function.identity()));
    List<Path> files = outputs(target);
    assertThat(files).hasSize(presets.size());
    for (Path f : files) {
      String id = f.getFileName().toString().replace(".png", "");
      Platform p = presets.get(id);
      assertThat(p).as("a file for a known preset: %s", id).isNotNull();
      BufferedImage img = ImageIO.read(f.toFile());
      assertThat(img.getWidth()).as(id).isEqualTo(p.width());
      assertThat(img.getHeight()).as(id).isEqualTo(p.height());
    }
    assertThat(out.toString()).contains(presets.size() + " file(s)").contains("no provider called");
  }

  @Test
  void chosenPlatformsAndFormatAreHonoured() throws IOException {
    Path photo = photo("photo.png", "png", 800, 800);

    int code = run("render", photo.toString(), "-p", "twitter-header,300x200", "-f", "webp", "-o", dir.resolve("o").toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(outputs(dir.resolve("o")).stream().map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("twitter-header.webp", "300x200.webp");
  }

  @Test
  void aTruncatedImageFailsToDecodeAndAFakeOneIsRefusedAndNothingIsWritten() throws IOException {
    Path photo = photo("photo.jpg", "jpeg", 640, 480);
    byte[] full = Files.readAllBytes(photo);
    Path truncated = Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(full, 200));
    Path text = Files.writeString(dir.resolve("notes.png"), "this is not an image");

    int truncatedCode = run("render", truncated.toString(), "-p", "instagram-post", "-o", dir.resolve("t").toString());
    String truncatedErr = err.toString();
    int textCode = run("render", text.toString(), "-p", "instagram-post", "-o", dir.resolve("x").toString());

    assertThat(truncatedCode).isEqualTo(SnapAssetCli.EXIT_FAILED);
    assertThat(truncatedErr).containsIgnoringCase("decode");
    assertThat(textCode).as("not an image at all: refused before any work").isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(err.toString()).contains("not a PNG, JPEG or WebP");
    assertThat(Files.exists(dir.resolve("t")) ? outputs(dir.resolve("t")) : List.of()).isEmpty();
  }

  @Test
  void aMissingFileAndAPrivateUrlAreRefused() {
    int missing = run("render", dir.resolve("nope.jpg").toString(), "-o", dir.toString());
    String missingErr = err.toString();
    int metadata = run("render", "https://169.254.169.254/latest/meta-data/iam.png", "-o", dir.toString());
    String metadataErr = err.toString();
    int file = run("render", "file:///etc/passwd", "-o", dir.toString());

    assertThat(missing).isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(missingErr).contains("does not exist");
    assertThat(metadata).as("an address written as an IP is refused before any work").isEqualTo(SnapAssetCli.EXIT_INVALID);
    assertThat(metadataErr).contains("not a public address");
    assertThat(file).isEqualTo(SnapAssetCli.EXIT_INVALID);
  }
}
