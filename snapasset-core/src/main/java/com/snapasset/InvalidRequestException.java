package com.snapasset;

import java.util.List;

/**
 * A request or option was refused. Lists every problem found at once, each saying what was wrong
 * and what is accepted. Never retryable.
 */
public final class InvalidRequestException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /** Every problem found, with its field. */
  private final List<RequestProblem> details;

  /**
   * Problems not tied to one field (their {@link RequestProblem#field()} is {@code request}).
   *
   * @param problems one sentence each; not empty
   */
  public InvalidRequestException(List<String> problems) {
    this(problems.stream().map(m -> RequestProblem.of(RequestProblem.REQUEST, m)).toList(), true);
  }

  /**
   * One problem not tied to one field.
   *
   * @param problem one sentence
   */
  public InvalidRequestException(String problem) {
    this(List.of(problem));
  }

  private InvalidRequestException(List<RequestProblem> details, boolean structured) {
    super(format(details.stream().map(RequestProblem::message).toList()), null, false);
    this.details = List.copyOf(details);
  }

  /**
   * An exception carrying {@code problems}, each naming its field.
   *
   * @param problems not empty
   * @return the exception
   */
  public static InvalidRequestException of(List<RequestProblem> problems) {
    return new InvalidRequestException(problems, true);
  }

  /**
   * Every problem found, one sentence each. Never empty.
   *
   * @return one sentence each
   */
  public List<String> problems() {
    return details.stream().map(RequestProblem::message).toList();
  }

  /**
   * Every problem found, with the field each concerns. Never empty.
   *
   * @return each problem with its field
   */
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
