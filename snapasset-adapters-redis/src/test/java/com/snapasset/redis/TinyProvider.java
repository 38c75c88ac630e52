package com.snapasset.redis;

import com.snapasset.ProviderException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import javax.imageio.ImageIO;

/**
 * A provider that answers a 64×64 PNG after {@code latency} (standing in for the remote call a
 * real provider makes) and announces each call on {@code announce}, so a test knows a job is held.
 */
final class TinyProvider implements ImageProvider {
  private final Duration latency;
  private final PrintStream announce;

  TinyProvider(Duration latency, PrintStream announce) {
    this.latency = latency;
    this.announce = announce;
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    announce.println("GENERATING " + prompt.prompt());
    announce.flush();
    LockSupport.parkNanos(latency.toNanos()); // the simulated provider call
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setColor(new Color(prompt.prompt().hashCode() & 0xFFFFFF));
    g.fillRect(0, 0, 64, 64);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw ProviderException.permanent("cannot encode", e);
    }
    return new ProviderImage(out.toByteArray(), null, BigDecimal.ZERO);
  }

  @Override
  public String name() {
    return "tiny";
  }
}
