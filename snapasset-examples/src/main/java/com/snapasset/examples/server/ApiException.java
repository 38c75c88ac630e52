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

  ApiException(ErrorCode code, String message) {
    this(code, message, List.of(), Map.of());
  }

  ApiException(ErrorCode code, String message, List<String> details, Map<String, String> headers) {
    super(message, null, false, false);
    this.code = code;
    this.details = List.copyOf(details);
    this.headers = new LinkedHashMap<>(headers);
  }

  static ApiException validation(List<String> problems) {
    String message = problems.size() == 1
        ? problems.get(0)
        : problems.size() + " problems: " + String.join("; ", problems);
    return new ApiException(ErrorCode.VALIDATION_ERROR, message, problems, Map.of());
  }

  static ApiException jobNotFound(String id) {
    return new ApiException(ErrorCode.JOB_NOT_FOUND, "no job with id '" + abbreviate(id) + "'");
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
