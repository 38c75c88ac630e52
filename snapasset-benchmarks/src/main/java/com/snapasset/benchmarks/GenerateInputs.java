package com.snapasset.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws the two synthetic comparison inputs (the photographs come from Debian packages, see
 * images/LICENSE.md): a flat-colour illustration and a screenshot with text. Everything is drawn
 * from fixed coordinates and a fixed seed, so a run on the same JDK and fonts gives the same files;
 * the committed PNGs are what the comparison uses.
 * Usage: {@code java -cp benchmarks.jar com.snapasset.benchmarks.GenerateInputs images/}
 */
public final class GenerateInputs {
  private GenerateInputs() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "images");
    Files.createDirectories(dir);
    ImageIO.write(illustration(), "png", dir.resolve("illustration-1024.png").toFile());
    ImageIO.write(screenshot(), "png", dir.resolve("screenshot-1280x800.png").toFile());
  }

  private static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    return g;
  }

  /** A poster-style landscape: flat sky bands, sun, three mountain ranges, a lake, pines, birds. */
  static BufferedImage illustration() {
    int s = 1024;
    BufferedImage image = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image);
    Color[] sky = {rgb(0xFFE8C2), rgb(0xFFD7A0), rgb(0xFDBF85), rgb(0xF7A072)};
    for (int i = 0; i < sky.length; i++) {
      g.setColor(sky[i]);
      g.fillRect(0, i * 110, s, i == sky.length - 1 ? 700 - i * 110 : 110);
    }
    g.setColor(rgb(0xFFF4E0));
    g.fill(new Ellipse2D.Double(612, 150, 220, 220));
    Random random = new Random(15);
    int[][] ranges = {{0x9C6B8E, 420, 160}, {0x6D4C7D, 500, 120}, {0x3F3663, 590, 90}};
    for (int[] r : ranges) {
      g.setColor(rgb(r[0]));
      Polygon p = new Polygon();
      p.addPoint(0, s);
      for (int x = 0; x <= s; x += 64) {
        p.addPoint(x, r[1] + (x / 64 % 2 == 0 ? 0 : -r[2]) + random.nextInt(r[2] / 2));
      }
      p.addPoint(s, s);
      g.fill(p);
    }
    g.setColor(rgb(0x5B8DB8));
    g.fillRect(0, 700, s, 324);
    g.setColor(rgb(0x7FAAD0));
    for (int i = 0; i < 14; i++) {
      int y = 720 + i * 20;
      int x = random.nextInt(s - 200);
      g.fill(new RoundRectangle2D.Double(x, y, 80 + random.nextInt(160), 5, 5, 5));
    }
    for (int i = 0; i < 26; i++) {
      int x = random.nextInt(s);
      int base = 700 + random.nextInt(60);
      int h = 90 + random.nextInt(120);
      g.setColor(i % 3 == 0 ? rgb(0x1F3B2D) : rgb(0x2A5239));
      g.fillPolygon(new int[] {x - h / 4, x, x + h / 4}, new int[] {base, base - h, base}, 3);
      g.setColor(rgb(0x4A2F23));
      g.fillRect(x - 3, base, 6, 14);
    }
    g.setColor(rgb(0x2B2B3A));
    g.setStroke(new BasicStroke(4, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int i = 0; i < 7; i++) {
      int x = 180 + random.nextInt(420);
      int y = 120 + random.nextInt(180);
      Path2D bird = new Path2D.Double();
      bird.moveTo(x - 18, y);
      bird.quadTo(x - 9, y - 10, x, y);
      bird.quadTo(x + 9, y - 10, x + 18, y);
      g.draw(bird);
    }
    g.dispose();
    return image;
  }

  /** A documentation page in a desktop window: toolbar, sidebar, headings, body text, code. */
  static BufferedImage screenshot() {
    int w = 1280;
    int h = 800;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image);
    g.setColor(rgb(0xF6F7F9));
    g.fillRect(0, 0, w, h);
    g.setColor(rgb(0x2D3440));
    g.fillRect(0, 0, w, 44);
    g.setColor(rgb(0xFF5F57));
    g.fillOval(14, 15, 14, 14);
    g.setColor(rgb(0xFEBC2E));
    g.fillOval(36, 15, 14, 14);
    g.setColor(rgb(0x28C840));
    g.fillOval(58, 15, 14, 14);
    g.setFont(new Font("DejaVu Sans", Font.PLAIN, 14));
    g.setColor(rgb(0xD8DEE9));
    g.drawString("SnapAsset — Getting started", 540, 27);
    g.setColor(rgb(0xE9ECF1));
    g.fillRect(0, 44, 260, h - 44);
    String[] nav = {"Overview", "Installation", "Quick start", "Platforms", "Output options",
        "Smart crops", "Storage", "Queues", "Redis", "Observability", "HTTP server", "FAQ"};
    for (int i = 0; i < nav.length; i++) {
      if (i == 2) {
        g.setColor(rgb(0xCFD8E6));
        g.fillRect(0, 66 + i * 34, 260, 34);
      }
      g.setColor(i == 2 ? rgb(0x1D4ED8) : rgb(0x3B4252));
      g.drawString(nav[i], 28, 88 + i * 34);
    }
    int x = 300;
    g.setColor(rgb(0x111827));
    g.setFont(new Font("DejaVu Sans", Font.BOLD, 30));
    g.drawString("Quick start", x, 104);
    g.setFont(new Font("DejaVu Sans", Font.PLAIN, 16));
    g.setColor(rgb(0x374151));
    String[] body = {
      "SnapAsset turns one text prompt into publish-ready images for every social platform.",
      "Add the dependency, build a SnapAsset instance once, and submit generation jobs from",
      "any thread. Each job renders the nine built-in presets from one provider image, encodes",
      "them as PNG, WebP or JPEG, stores them and returns their URLs.",
    };
    for (int i = 0; i < body.length; i++) {
      g.drawString(body[i], x, 150 + i * 26);
    }
    g.setColor(rgb(0x1F2937));
    g.fill(new RoundRectangle2D.Double(x, 270, 940, 250, 10, 10));
    g.setFont(new Font("DejaVu Sans Mono", Font.PLAIN, 15));
    String[] code = {
      "SnapAsset snap = SnapAsset.builder()",
      "    .imageProvider(OpenAiImageProvider.fromEnv())",
      "    .storage(S3Storage.builder().bucket(\"assets\").build())",
      "    .build();",
      "",
      "JobHandle job = snap.submit(GenerationRequest.of(\"a lighthouse at dawn\"));",
      "List<Asset> assets = job.result().get(2, TimeUnit.MINUTES);",
      "assets.forEach(a -> System.out.println(a.platform() + \" \" + a.url()));",
    };
    Color[] tones = {rgb(0x93C5FD), rgb(0xA7F3D0), rgb(0xFDE68A), rgb(0xE5E7EB)};
    for (int i = 0; i < code.length; i++) {
      g.setColor(tones[i % tones.length]);
      g.drawString(code[i], x + 24, 306 + i * 26);
    }
    g.setFont(new Font("DejaVu Sans", Font.BOLD, 20));
    g.setColor(rgb(0x111827));
    g.drawString("Presets", x, 570);
    g.setFont(new Font("DejaVu Sans", Font.PLAIN, 14));
    String[][] rows = {{"instagram-post", "1080 × 1080"}, {"instagram-story", "1080 × 1920"},
        {"twitter-post", "1200 × 675"}, {"youtube-thumbnail", "1280 × 720"}, {"pinterest-pin", "1000 × 1500"}};
    for (int i = 0; i < rows.length; i++) {
      g.setColor(i % 2 == 0 ? rgb(0xFFFFFF) : rgb(0xEEF1F5));
      g.fillRect(x, 588 + i * 32, 600, 32);
      g.setColor(rgb(0x374151));
      g.drawString(rows[i][0], x + 16, 609 + i * 32);
      g.drawString(rows[i][1], x + 360, 609 + i * 32);
    }
    g.setColor(rgb(0x2563EB));
    g.fill(new RoundRectangle2D.Double(x + 660, 600, 180, 44, 8, 8));
    g.setColor(Color.WHITE);
    g.setFont(new Font("DejaVu Sans", Font.BOLD, 15));
    g.drawString("Run the example", x + 684, 627);
    g.dispose();
    return image;
  }

  private static Color rgb(int rgb) {
    return new Color(rgb);
  }
}
