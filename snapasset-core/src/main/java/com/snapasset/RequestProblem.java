package com.snapasset;

import java.util.Objects;

/**
 * One thing wrong with a request: the field it concerns and a sentence saying what was wrong and
 * what is accepted. Callers that map problems to their own shape (an HTTP error body, a form) use
 * {@link #field()} instead of parsing the message.
 *
 * @param field the request field concerned: {@code userId}, {@code prompt}, {@code platforms},
 *     {@code image}, {@code output}, {@code job}, or {@code request} when no single field is meant
 * @param message one sentence, e.g. {@code platform 'tiktok' is not known: use one of [...]}
 */
public record RequestProblem(String field, String message) {
  /** The field of problems not tied to one field of the request. */
  public static final String REQUEST = "request";

  public RequestProblem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** A problem of {@code field}. */
  public static RequestProblem of(String field, String message) {
    return new RequestProblem(field, message);
  }

  @Override
  public String toString() {
    return message;
  }
}
