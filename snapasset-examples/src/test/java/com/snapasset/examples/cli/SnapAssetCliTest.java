package com.snapasset.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SnapAssetCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = SnapAssetCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void generateWritesOneExactlySizedFilePerPlatform() throws IOException {
    int code = run("generate", "a", "lighthouse", "at", "dusk", "--platforms", "instagram-story,twitter-header,640x480",
        "--out", dir.toString());

    assertThat(code).as(err.toString()).isZero();
    List<Path> files = files();
    assertThat(files).hasSize(3);
    for (Path f : files) {
      BufferedImage img = ImageIO.read(f.toFile());
      String name = f.getFileName().toString();
      if (name.startsWith("instagram-story")) {
        assertThat(img.getWidth()).isEqualTo(1080);
        assertThat(img.getHeight()).isEqualTo(1920);
      } else if (name.startsWith("twitter-header")) {
        assertThat(img.getWidth()).isEqualTo(1500);
        assertThat(img.getHeight()).isEqualTo(500);
      } else {
        assertThat(name).startsWith("640x480.");
        assertThat(img.getWidth()).isEqualTo(640);
        assertThat(img.getHeight()).isEqualTo(480);
      }
    }
    assertThat(out.toString()).contains("instagram-story", "1080x1920", "3 file(s)");
    assertThat(err.toString()).contains("Provider: placeholder").contains("progress 100%");
  }

  @Test
  void jpegIsWrittenWhenAsked() throws IOException {
    int code = run("generate", "fox", "-p", "instagram-post", "-f", "jpeg", "-o", dir.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(files()).singleElement().satisfies(f -> assertThat(f.toString()).endsWith("instagram-post.jpg"));
  }

  @Test
  void webpWithAContainFitIsWrittenWhenAsked() throws IOException {
    int code = run("generate", "fox", "-p", "twitter-header", "-f", "webp", "--fit", "contain", "--position", "north",
        "-o", dir.toString());

    assertThat(code).as(err.toString()).isZero();
    Path file = files().get(0);
    assertThat(file.toString()).endsWith("twitter-header.webp");
    byte[] head = Files.readAllBytes(file);
    assertThat(new String(head, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(new String(head, 8, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("WEBP");
  }

  @Test
  void anUnknownFitOrPositionIsRefused() {
    int code = run("generate", "fox", "--fit", "squash", "--position", "middle", "-o", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("fit 'squash'", "contain", "position 'middle'", "attention");
  }

  @Test
  void anUnknownPlatformIsRefusedWithTheValidIds() throws IOException {
    int code = run("generate", "fox", "--platforms", "instagram-post,friendster-wall", "--out", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("friendster-wall").contains("instagram-post").contains("youtube-thumbnail");
    assertThat(files()).isEmpty();
  }

  @Test
  void anEmptyPromptIsRefused() throws IOException {
    int code = run("generate", "   ", "--out", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("prompt is empty");
    assertThat(files()).isEmpty();
  }

  @Test
  void anUnknownFormatIsRefused() {
    int code = run("generate", "fox", "--format", "gif", "--out", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("gif").contains("png");
  }

  @Test
  void presetsListsAllNine() {
    int code = run("presets");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("instagram-post", "1080 x 1080", "pinterest-pin", "1000 x 1500", "WIDTHxHEIGHT");
    assertThat(out.toString().lines().filter(l -> l.matches("^[a-z]+-[a-z]+ .*"))).hasSize(9);
  }

  @Test
  void everyProblemOfTheCommandLineIsReportedAtOnce() {
    int code = run("generate", "", "-p", "myspace,10x10", "-q", "0", "--user", "a b", "-f", "gif", "--fit", "squash",
        "--position", "middle", "--image-quality", "ultra", "--out", dir.toString());

    assertThat(code).isEqualTo(SnapAssetCli.EXIT_INVALID);
    String e = err.toString();
    assertThat(e).contains("Invalid input:")
        .contains("format 'gif'")
        .contains("fit 'squash'")
        .contains("position 'middle'").contains("center")
        .contains("quality 0")
        .contains("prompt is empty")
        .contains("'myspace'")
        .contains("'10x10'")
        .contains("userId 'a b'")
        .contains("ultra")
        .doesNotContain("Exception");
    assertThat(e.lines().filter(l -> l.startsWith("  - ")).count()).isEqualTo(9);
  }

  @Test
  void anInterruptedGenerationLeavesNoPartOfItsFolderBehind() throws Exception {
    GenerateCommand command = new GenerateCommand();
    StringJoiner sizes = new StringJoiner(",");
    for (int i = 0; i < 16; i++) {
      sizes.add((3000 + i) + "x3000"); // large enough that storing all of them takes a while
    }
    java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread run = new Thread(() -> exit.set(new CommandLine(command).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute("an", "interrupted", "harbour", "-p", sizes.toString(),
            "--out", dir.toString())));
    run.start();
    com.snapasset.testing.Await.until("the first file stored", java.time.Duration.ofSeconds(120),
        () -> !stored().isEmpty() || exit.get() >= 0);
    assertThat(exit.get()).as("still generating when interrupted; " + err).isEqualTo(-1);

    command.onInterrupt.run(); // what the JVM runs on Ctrl-C / SIGTERM
    assertThat(stored()).as("files written before the interrupt are removed").isEmpty();
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(p -> !p.equals(dir)).filter(Files::isDirectory).toList())
          .as("and so are the folders they left empty").isEmpty();
    }
    assertThat(err.toString()).contains("Interrupted");
    run.interrupt();
    run.join(30_000);
  }

  /** Finished files (not temporary uploads); a walk racing a write just sees nothing yet. */
  private List<Path> stored() {
    try {
      return files().stream().filter(p -> !p.getFileName().toString().startsWith(".upload-")).toList();
    } catch (IOException | java.io.UncheckedIOException racedAWrite) {
      return List.of();
    }
  }
}
