package com.snapasset.examples.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal that becomes the one JSON error shape {@code {error, message, code, timestamp}} (plus
 * {@code details} listing every validation problem) with the code's status and any extra headers.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final ErrorCode code;
  final transient List<String> details;
  final transient Map<String, String> headers;
  /** Required fields the request left out; the error is then titled as the original titled it. */
  final transient List<String> missing;

  ApiException(ErrorCode code, String message) {
    this(code, message, List.of(), Map.of());
  }

  ApiException(ErrorCode code, String message, List<String> details, Map<String, String> headers) {
    this(code, message, details, headers, List.of());
  }

  private ApiException(ErrorCode code, String message, List<String> details, Map<String, String> headers,
      List<String> missing) {
    super(message, null, false, false);
    this.code = code;
    this.details = List.copyOf(details);
    this.headers = new LinkedHashMap<>(headers);
    this.missing = List.copyOf(missing);
  }

  static ApiException validation(List<String> problems) {
    return validation(problems, List.of());
  }

  /** @param missing required fields left out, if any (listed as {@code required}, as the original did) */
  static ApiException validation(List<String> problems, List<String> missing) {
    String message = problems.size() == 1
        ? problems.get(0)
        : problems.size() + " problems: " + String.join("; ", problems);
    return new ApiException(ErrorCode.VALIDATION_ERROR, message, problems, Map.of(), missing);
  }

  /** The {@code error} title: the code's, or the original's "Missing required fields". */
  String title() {
    return missing.isEmpty() ? code.title : "Missing required fields";
  }

  static ApiException jobNotFound(String id) {
    return new ApiException(ErrorCode.JOB_NOT_FOUND, "no job with id '" + abbreviate(id) + "'");
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
