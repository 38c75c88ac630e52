package com.snapasset.examples.metrics;

import java.time.Instant;
import java.util.Objects;

/**
 * A rule of the {@link AlertMonitor} tripped or cleared.
 *
 * @param rule e.g. {@code queue-backlog}
 * @param tripped true when the rule started to hold, false when it stopped
 * @param value what was measured
 * @param threshold the rule's limit
 * @param message one sentence for people
 * @param at when it was noticed
 */
public record AlertEvent(String rule, boolean tripped, double value, double threshold, String message, Instant at) {
  public AlertEvent {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }
}
