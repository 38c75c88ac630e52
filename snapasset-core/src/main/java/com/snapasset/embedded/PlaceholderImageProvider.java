package com.snapasset.embedded;

import com.snapasset.ImageOptions;
import com.snapasset.ImageProcessingException;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline {@link ImageProvider} that draws a deterministic picture from the prompt: a gradient,
 * shapes and the prompt's words, at the requested size (1024 × 1024 by default). The same prompt and
 * options always give the same image. Costs nothing; needs no network and no key.
 *
 * <p>It is what the generator uses when no real provider is configured, so the whole pipeline runs
 * on a fresh machine.
 */
public final class PlaceholderImageProvider implements ImageProvider {
  private static final Logger log = LoggerFactory.getLogger(PlaceholderImageProvider.class);
  private static volatile boolean textUnavailableLogged;

  private final @Nullable ImageProviderFactory standsInFor;

  private PlaceholderImageProvider(@Nullable ImageProviderFactory standsInFor) {
    this.standsInFor = standsInFor;
  }

  /**
   * A placeholder that accepts any image options.
   *
   * @return the provider
   */
  public static PlaceholderImageProvider create() {
    return new PlaceholderImageProvider(null);
  }

  /**
   * A placeholder standing in for {@code factory}'s provider while that is not configured: it
   * refuses the image options that provider would refuse, so requests valid here stay valid once
   * the real provider is configured, and invalid ones are refused already.
   *
   * @param factory the factory of the provider that is not configured; its {@code validate} checks
   *     the image options
   * @return the provider
   */
  public static PlaceholderImageProvider standingInFor(ImageProviderFactory factory) {
    return new PlaceholderImageProvider(Objects.requireNonNull(factory, "factory"));
  }

  @Override
  public void validate(ImageOptions options) {
    if (standsInFor != null) {
      standsInFor.validate(options);
    }
  }

  @Override
  public String name() {
    return "placeholder";
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    int w = prompt.options().width();
    int h = prompt.options().height();
    SplittableRandom random = new SplittableRandom(seed(prompt));
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      Color from = color(random, 0.55f);
      Color to = color(random, 0.25f);
      g.setPaint(new GradientPaint(0, 0, from, w, h, to));
      g.fillRect(0, 0, w, h);
      for (int i = 0; i < 14; i++) {
        g.setColor(withAlpha(color(random, 0.8f), 60 + random.nextInt(120)));
        int size = (int) (Math.min(w, h) * (0.08 + random.nextDouble() * 0.35));
        int x = random.nextInt(Math.max(1, w)) - size / 2;
        int y = random.nextInt(Math.max(1, h)) - size / 2;
        switch (random.nextInt(3)) {
          case 0 -> g.fillOval(x, y, size, size);
          case 1 -> g.fillRect(x, y, size, (int) (size * 0.6));
          default -> {
            g.setStroke(new BasicStroke(Math.max(2, size / 12f)));
            g.drawOval(x, y, size, size);
          }
        }
      }
      drawWords(g, prompt.prompt(), w, h);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 * 1024);
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new ImageProcessingException("placeholder image could not be encoded", e);
    }
    return new ProviderImage(out.toByteArray(), null, BigDecimal.ZERO);
  }

  private static void drawWords(Graphics2D g, String text, int w, int h) {
    try {
      int fontSize = Math.max(12, Math.min(w, h) / 14);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontSize));
      FontMetrics fm = g.getFontMetrics();
      List<String> lines = wrap(text, fm, (int) (w * 0.8), 4);
      int lineHeight = fm.getHeight();
      int y = (h - lineHeight * lines.size()) / 2 + fm.getAscent();
      for (String line : lines) {
        int x = (w - fm.stringWidth(line)) / 2;
        g.setColor(new Color(0, 0, 0, 110));
        g.drawString(line, x + 3, y + 3);
        g.setColor(Color.WHITE);
        g.drawString(line, x, y);
        y += lineHeight;
      }
    } catch (RuntimeException | LinkageError | InternalError e) {
      // headless JDKs without fonts fail here; the picture is still useful without its words
      if (!textUnavailableLogged) {
        textUnavailableLogged = true;
        log.warn("No usable font for placeholder text ({}); drawing shapes only", e.toString());
      }
    }
  }

  private static List<String> wrap(String text, FontMetrics fm, int maxWidth, int maxLines) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.trim().split("\\s+")) {
      String candidate = line.length() == 0 ? word : line + " " + word;
      if (fm.stringWidth(candidate) <= maxWidth || line.length() == 0) {
        line.setLength(0);
        line.append(candidate);
      } else {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
      }
      if (lines.size() == maxLines) {
        break;
      }
    }
    if (lines.size() < maxLines && line.length() > 0) {
      lines.add(line.toString());
    }
    if (lines.size() == maxLines && !line.toString().equals(lines.get(maxLines - 1))) {
      lines.set(maxLines - 1, lines.get(maxLines - 1) + " …");
    }
    return lines;
  }

  private static Color color(SplittableRandom r, float brightness) {
    return Color.getHSBColor((float) r.nextDouble(), 0.55f + (float) r.nextDouble() * 0.4f, brightness + (float) r.nextDouble() * 0.2f);
  }

  private static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  private static long seed(ImagePrompt prompt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest((prompt.prompt() + "\n" + prompt.options()).getBytes(StandardCharsets.UTF_8));
      long seed = 0;
      for (int i = 0; i < 8; i++) {
        seed = (seed << 8) | (d[i] & 0xff);
      }
      return seed;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
