package com.snapasset;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The identity of a job. Callers may choose it (for de-duplication: adding a job whose id exists
 * returns the existing job) or let {@link #random()} pick one.
 *
 * @param value 1–200 characters of {@code [A-Za-z0-9._:-]}
 */
public record JobId(String value) {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  /**
   * Checks the components; see the class description.
   *
   * @param value 1–200 characters of {@code [A-Za-z0-9._:-]}
   */
  public JobId {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new InvalidRequestException(
          "job id '" + value + "' is not valid: use 1-200 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  /**
   * An id with this value.
   *
   * @param value 1–200 characters of {@code A-Z a-z 0-9 . _ : -}
   * @return the id
   */
  public static JobId of(String value) {
    return new JobId(value);
  }

  /**
   * A new random id (a UUID).
   *
   * @return a new id
   */
  public static JobId random() {
    return new JobId(UUID.randomUUID().toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
