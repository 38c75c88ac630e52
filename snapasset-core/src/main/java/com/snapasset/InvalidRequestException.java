package com.snapasset;

import java.util.List;

/**
 * A request or option was refused. Lists every problem found at once, each saying what was wrong
 * and what is accepted. Never retryable.
 */
public final class InvalidRequestException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public InvalidRequestException(List<String> problems) {
    super(format(problems), null, false);
    this.problems = List.copyOf(problems);
  }

  public InvalidRequestException(String problem) {
    this(List.of(problem));
  }

  /** Every problem found, one sentence each. Never empty. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an InvalidRequestException needs at least one problem");
    }
    return problems.size() == 1
        ? "Invalid request: " + problems.get(0)
        : "Invalid request (" + problems.size() + " problems): " + String.join("; ", problems);
  }
}
