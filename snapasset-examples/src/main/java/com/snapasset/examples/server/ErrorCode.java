package com.snapasset.examples.server;

/** The error codes of the original API, each with the HTTP status it is answered with. */
enum ErrorCode {
  VALIDATION_ERROR(400, "Validation failed"),
  BAD_REQUEST(400, "Bad request"),
  UNAUTHORIZED(401, "Unauthorized"),
  FORBIDDEN(403, "Forbidden"),
  NOT_FOUND(404, "Route not found"),
  JOB_NOT_FOUND(404, "Job not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  INVALID_JOB_STATE(409, "Invalid job state"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  URI_TOO_LONG(414, "URI too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  RATE_LIMIT_EXCEEDED(429, "Too many requests"),
  JOB_LIMIT_EXCEEDED(429, "Too many unfinished jobs"),
  HEADERS_TOO_LARGE(431, "Request header fields too large"),
  INTERNAL_ERROR(500, "Internal server error"),
  GENERATION_FAILED(502, "Generation failed"),
  SERVICE_UNAVAILABLE(503, "Service unavailable");

  final int status;
  final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }
}
