package com.snapasset;

import java.util.List;

/**
 * A setting cannot be used: an environment variable (e.g. {@code OPENAI_API_KEY}'s companions,
 * {@code REDIS_URL}, {@code DATABASE_URL}), a command-line option or a builder setting read at
 * start-up. Unlike {@link InvalidRequestException}, nothing a caller sends can fix it: the
 * deployment must change. Lists every problem at once; messages never quote a secret. Never
 * retryable.
 */
public final class ConfigurationException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigurationException(List<String> problems) {
    super(format(problems), null, false);
    this.problems = List.copyOf(problems);
  }

  public ConfigurationException(String problem) {
    this(List.of(problem));
  }

  /** Every problem found, one sentence each. Never empty. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigurationException needs at least one problem");
    }
    return problems.size() == 1
        ? "Invalid configuration: " + problems.get(0)
        : "Invalid configuration (" + problems.size() + " problems): " + String.join("; ", problems);
  }
}
