package com.snapasset.testing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread or process makes true, with a deadline; or, as a
 * blocking call that ignores interrupts does, for a latch.
 */
public final class Await {
  private Await() {}

  /**
   * Polls {@code condition} every few milliseconds until it holds or {@code timeout} passes.
   *
   * @throws AssertionError naming {@code what} when the deadline passes
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(5); // a poll interval, not a wait for the condition itself
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what, e);
      }
    }
  }

  /**
   * Waits for {@code latch} as a blocking socket read does: an interrupt does not cut the wait
   * short, and is set again when it ends.
   */
  public static void uninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
