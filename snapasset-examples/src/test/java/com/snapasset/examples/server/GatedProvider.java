package com.snapasset.examples.server;

import com.snapasset.ProviderException;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.util.concurrent.CountDownLatch;

/**
 * The placeholder provider, steered by the prompt: {@code [hold]} blocks until {@link #release()}
 * (or until the job is cancelled), {@code [fail]} is refused for good.
 */
final class GatedProvider implements ImageProvider {
  private final ImageProvider placeholder = PlaceholderImageProvider.create();
  private final CountDownLatch gate = new CountDownLatch(1);
  final CountDownLatch holding = new CountDownLatch(1);
  /** Counted down when a held generation is interrupted (cancelled) instead of released. */
  final CountDownLatch interrupted = new CountDownLatch(1);

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    if (prompt.prompt().contains("[fail]")) {
      throw ProviderException.permanent("the provider refused the prompt", null);
    }
    if (prompt.prompt().contains("[hold]")) {
      holding.countDown();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        interrupted.countDown();
        throw ProviderException.permanent("interrupted while held", e);
      }
    }
    return placeholder.generate(prompt);
  }

  void release() {
    gate.countDown();
  }

  @Override
  public String name() {
    return "gated-placeholder";
  }
}
