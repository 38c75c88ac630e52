package com.snapasset.spring;

import com.snapasset.QueueStats;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.JobQueue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SnapAsset's health indicator reports, free of Spring types so that one check serves Boot 3's
 * and Boot 4's {@code HealthIndicator}: the queue answers (its counts), the storage answers (a
 * listing under a prefix no asset uses), and which provider is configured. Down when the queue or
 * the storage fails, with the reason; the offline placeholder provider is reported, not a failure.
 */
final class SnapAssetHealth {
  /** Listed to prove the storage answers; no asset key starts with it. */
  static final String PROBE_PREFIX = "snapasset-health-probe/";

  private final JobQueue queue;
  private final AssetStorage storage;
  private final ImageProvider provider;

  SnapAssetHealth(JobQueue queue, AssetStorage storage, ImageProvider provider) {
    this.queue = queue;
    this.storage = storage;
    this.provider = provider;
  }

  /** The outcome: up or down, and details in a stable order. */
  record Result(boolean up, Map<String, Object> details) {}

  Result check() {
    Map<String, Object> details = new LinkedHashMap<>();
    boolean up = true;
    try {
      QueueStats stats = queue.stats();
      details.put("queue", Map.of(
          "status", "UP", "waiting", stats.waiting(), "active", stats.active(), "delayed", stats.delayed(),
          "failed", stats.failed(), "paused", stats.paused()));
    } catch (RuntimeException e) {
      up = false;
      details.put("queue", Map.of("status", "DOWN", "error", reason(e)));
    }
    try {
      storage.list(PROBE_PREFIX);
      details.put("storage", Map.of("status", "UP"));
    } catch (RuntimeException e) {
      up = false;
      details.put("storage", Map.of("status", "DOWN", "error", reason(e)));
    }
    boolean offline = provider instanceof PlaceholderImageProvider;
    details.put("provider", Map.of("name", provider.name(), "configured", !offline));
    return new Result(up, details);
  }

  /** The exception's type and message: adapters keep secrets (keys, passwords) out of messages. */
  private static String reason(RuntimeException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
