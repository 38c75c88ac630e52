package com.snapasset.google;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The outermost interceptor on the SDK's OkHttp client. The SDK's own exceptions keep the status
 * and message of an error but drop its headers, and with them {@code Retry-After}; this turns every
 * non-2xx answer into a {@link Failure} that carries status, {@code Retry-After} and (capped) body.
 * The SDK wraps it into its I/O exception, where {@link GoogleErrors} finds it.
 */
final class ErrorCapture implements Interceptor {
  private static final long MAX_ERROR_BODY = 64 * 1024;

  @Override
  public Response intercept(Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    if (response.isSuccessful()) {
      return response;
    }
    try (response) {
      String body = response.body() == null ? "" : response.peekBody(MAX_ERROR_BODY).string();
      throw new Failure(response.code(), response.header("retry-after"), body);
    }
  }

  /** An HTTP error answer; its message is only the status, the body is read by {@link GoogleErrors}. */
  static final class Failure extends IOException {
    private static final long serialVersionUID = 1L;

    final int status;
    final @Nullable String retryAfter;
    final transient String body;

    Failure(int status, @Nullable String retryAfter, String body) {
      super("HTTP " + status);
      this.status = status;
      this.retryAfter = retryAfter;
      this.body = body;
    }
  }
}
