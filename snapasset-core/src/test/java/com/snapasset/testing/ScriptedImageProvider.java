package com.snapasset.testing;

import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real image provider (the placeholder's drawing) whose next calls can be scripted to fail or to
 * block, and which counts its calls. For engine tests.
 */
public final class ScriptedImageProvider implements ImageProvider {
  private final PlaceholderImageProvider drawing = PlaceholderImageProvider.create();
  private final Deque<RuntimeException> failures = new ArrayDeque<>();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  /** The next call throws {@code failure} (queued in order). */
  public synchronized ScriptedImageProvider failNext(RuntimeException failure) {
    failures.add(failure);
    return this;
  }

  /** Calls block until {@link #open()} (or until interrupted). */
  public ScriptedImageProvider block() {
    gate = new CountDownLatch(1);
    return this;
  }

  public void open() {
    gate.countDown();
  }

  /** Waits until a call has started. */
  public void awaitEntered() throws InterruptedException {
    entered.await();
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public ProviderImage generate(ImagePrompt prompt) {
    calls.incrementAndGet();
    entered.countDown();
    RuntimeException failure;
    synchronized (this) {
      failure = failures.poll();
    }
    if (failure != null) {
      throw failure;
    }
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw com.snapasset.ProviderException.retryable("interrupted while waiting", e, null);
    }
    return drawing.generate(prompt);
  }

  @Override
  public String name() {
    return "scripted";
  }
}
