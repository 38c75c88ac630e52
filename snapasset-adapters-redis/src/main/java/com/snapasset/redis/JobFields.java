package com.snapasset.redis;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.spi.queue.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads the job hash (see the module README for its fields) into a {@link QueuedJob}. */
final class JobFields {
  private JobFields() {}

  /** From the flat field/value list HGETALL answers. */
  static QueuedJob fromList(JobId id, List<?> flat) {
    Map<String, String> fields = new HashMap<>(flat.size());
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put(text(flat.get(i)), text(flat.get(i + 1)));
    }
    return fromMap(id, fields);
  }

  static QueuedJob fromMap(JobId id, Map<String, String> f) {
    return new QueuedJob(
        id,
        f.getOrDefault("payload", ""),
        state(f.get("state")),
        integer(f.get("priority")),
        integer(f.get("progress")),
        integer(f.get("attempts")),
        Math.max(1, integer(f.get("maxAttempts"))),
        integer(f.get("stalled")),
        Instant.ofEpochMilli(Long.parseLong(f.getOrDefault("createdAt", "0"))),
        instant(f.get("processedAt")),
        instant(f.get("finishedAt")),
        instant(f.get("delayedUntil")),
        f.get("result"),
        f.get("failedReason"));
  }

  /**
   * From the claim script's answer: payload, priority, progress, attempts, maxAttempts, stalled,
   * createdAt, failedReason (missing ones are null).
   */
  static QueuedJob claimed(JobId id, List<?> v, long now) {
    return new QueuedJob(
        id,
        v.get(0) == null ? "" : text(v.get(0)),
        JobState.ACTIVE,
        integer(nullable(v.get(1))),
        integer(nullable(v.get(2))),
        integer(nullable(v.get(3))),
        Math.max(1, integer(nullable(v.get(4)))),
        integer(nullable(v.get(5))),
        Instant.ofEpochMilli(Long.parseLong(text(v.get(6)))),
        Instant.ofEpochMilli(now),
        null,
        null,
        null,
        nullable(v.get(7)));
  }

  private static @Nullable String nullable(@Nullable Object o) {
    return o == null ? null : text(o);
  }

  static String stateName(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  static String text(Object o) {
    return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
  }

  private static JobState state(@Nullable String s) {
    if (s == null) {
      throw new IllegalStateException("job hash without a state");
    }
    return JobState.valueOf(s.toUpperCase(Locale.ROOT));
  }

  private static int integer(@Nullable String s) {
    return s == null ? 0 : Integer.parseInt(s);
  }

  private static @Nullable Instant instant(@Nullable String s) {
    return s == null ? null : Instant.ofEpochMilli(Long.parseLong(s));
  }
}
