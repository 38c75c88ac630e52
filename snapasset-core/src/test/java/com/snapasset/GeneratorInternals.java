package com.snapasset;

import java.time.Duration;

/** Reaches into a generator's engine, for tests in this module and adapter modules. */
public final class GeneratorInternals {
  private GeneratorInternals() {}

  /**
   * Makes {@code await} re-read the job only every {@code interval}: set beyond a test's await
   * timeout, a wake-up the events miss fails the test instead of being rescued by the re-read.
   */
  public static void awaitRecheck(AssetGenerator generator, Duration interval) {
    generator.engine().awaitRecheck(interval);
  }
}
