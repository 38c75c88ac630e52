package com.snapasset.examples.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The original's per-user job-creation limit (its guide: 20 jobs per hour per user), as a fixed
 * window per user that starts at the user's first job, like express-rate-limit's memory store. The
 * decision carries what the {@code RateLimit-*} and {@code Retry-After} headers need.
 */
final class JobRateLimiter {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  JobRateLimiter(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  boolean enabled() {
    return limit > 0;
  }

  int limit() {
    return limit;
  }

  Duration window() {
    return window;
  }

  /** Counts one job of {@code user} if the window allows it. */
  Decision acquire(String user) {
    Instant now = clock.instant();
    if (windows.size() > 10_000) {
      windows.values().removeIf(w -> !now.isBefore(w.resetAt));
    }
    Window w = windows.compute(user, (k, old) -> {
      if (old == null || !now.isBefore(old.resetAt)) {
        return new Window(now.plus(window), 1);
      }
      return new Window(old.resetAt, old.used + 1);
    });
    long resetSeconds = Math.max(1, (Duration.between(now, w.resetAt).toMillis() + 999) / 1000);
    boolean allowed = w.used <= limit;
    return new Decision(allowed, limit, Math.max(0, limit - w.used), resetSeconds);
  }

  private record Window(Instant resetAt, int used) {}

  /**
   * @param remaining jobs left in the current window
   * @param resetSeconds seconds until the window starts afresh
   */
  record Decision(boolean allowed, int limit, int remaining, long resetSeconds) {}
}
