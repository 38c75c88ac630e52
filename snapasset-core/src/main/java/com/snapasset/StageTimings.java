package com.snapasset;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the time of one generation went.
 *
 * @param provider the image provider call (zero when the base image came from the cache)
 * @param decode decoding the base image once
 * @param render rendering and encoding every platform (wall time, in parallel)
 * @param store storing every file (wall time, in parallel)
 * @param total the whole generation
 */
public record StageTimings(
    Duration provider, Duration decode, Duration render, Duration store, Duration total) {
  /**
   * Checks the components; see the class description.
   *
   * @param provider the image provider call (zero when the base image came from the cache)
   * @param decode decoding the base image once
   * @param render rendering and encoding every platform (wall time, in parallel)
   * @param store storing every file (wall time, in parallel)
   * @param total the whole generation
   */
  public StageTimings {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(decode, "decode");
    Objects.requireNonNull(render, "render");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(total, "total");
  }
}
