package com.snapasset;

import java.util.List;

/**
 * A request or option was refused. Lists every problem found at once, each saying what was wrong
 * and what is accepted. Never retryable.
 */
public final class InvalidRequestException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  private final List<RequestProblem> details;

  /** Problems not tied to one field (their {@link RequestProblem#field()} is {@code request}). */
  public InvalidRequestException(List<String> problems) {
    this(problems.stream().map(m -> RequestProblem.of(RequestProblem.REQUEST, m)).toList(), true);
  }

  public InvalidRequestException(String problem) {
    this(List.of(problem));
  }

  private InvalidRequestException(List<RequestProblem> details, boolean structured) {
    super(format(details.stream().map(RequestProblem::message).toList()), null, false);
    this.details = List.copyOf(details);
  }

  /** An exception carrying {@code problems}, each naming its field. */
  public static InvalidRequestException of(List<RequestProblem> problems) {
    return new InvalidRequestException(problems, true);
  }

  /** Every problem found, one sentence each. Never empty. */
  public List<String> problems() {
    return details.stream().map(RequestProblem::message).toList();
  }

  /** Every problem found, with the field each concerns. Never empty. */
  public List<RequestProblem> details() {
    return details;
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
