package com.snapasset.s3;

import com.snapasset.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that turns AWS SDK exceptions into {@link StorageException}s and decides whether
 * a retry can help. Messages name the operation, bucket and key, and the server's error code; they
 * never carry credentials (the SDK's own messages do not either, but we do not rely on that and
 * build ours from the error code and status alone).
 */
final class S3Errors {

  /** Error codes that S3 and its look-alikes use for "try again later". */
  private static final Set<String> RETRYABLE_CODES =
      Set.of(
          "SlowDown",
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequests",
          "RequestTimeout",
          "RequestTimeTooSkewed",
          "InternalError",
          "ServiceUnavailable",
          "OperationAborted");

  private S3Errors() {}

  static StorageException translate(String operation, String bucket, String key, SdkException e) {
    String where = "S3 " + operation + " of '" + key + "' in bucket '" + bucket + "' failed: ";
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      AwsErrorDetails details = service.awsErrorDetails();
      String code = details == null || details.errorCode() == null ? "" : details.errorCode();
      String message = where + describe(status, code);
      return isRetryable(service, status, code)
          ? StorageException.retryable(message, e)
          : StorageException.permanent(message, e);
    }
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return StorageException.retryable(where + "timed out", e);
    }
    if (e instanceof AbortedException) {
      // The calling thread was interrupted: the storage is fine, the caller gave up.
      return StorageException.retryable(where + "interrupted", e);
    }
    IOException io = ioCause(e);
    if (io != null) {
      return StorageException.retryable(
          where + "connection problem (" + io.getClass().getSimpleName() + ")", e);
    }
    String text = String.valueOf(e.getMessage());
    if (text.startsWith("Unable to load credentials")) {
      return StorageException.permanent(
          where + "no credentials found (set them on the builder or in the SDK's default chain)", e);
    }
    if (text.startsWith("Unable to load region")) {
      return StorageException.permanent(where + "no region set", e);
    }
    // Other client-side problems are configuration mistakes that do not heal by themselves.
    return e.retryable()
        ? StorageException.retryable(where + e.getClass().getSimpleName(), e)
        : StorageException.permanent(where + e.getClass().getSimpleName(), e);
  }

  /** A batch delete that answered 200 but listed keys it could not delete. */
  static StorageException batchFailure(String bucket, String key, String code, int failures) {
    String message =
        "S3 delete of " + failures + " object(s) in bucket '" + bucket + "' failed, e.g. '" + key
            + "': " + code;
    return RETRYABLE_CODES.contains(code)
        ? StorageException.retryable(message, null)
        : StorageException.permanent(message, null);
  }

  private static boolean isRetryable(AwsServiceException e, int status, String code) {
    return status >= 500
        || status == 429
        || status == 408
        || RETRYABLE_CODES.contains(code)
        || e.isThrottlingException()
        || e.isClockSkewException();
  }

  private static String describe(int status, String code) {
    String meaning =
        switch (code) {
          case "AccessDenied", "AllAccessDisabled" -> "access denied";
          case "InvalidAccessKeyId", "SignatureDoesNotMatch" -> "credentials rejected";
          case "NoSuchBucket" -> "no such bucket";
          case "InvalidBucketName" -> "invalid bucket name";
          case "KeyTooLongError", "InvalidKey", "InvalidObjectName" -> "invalid key";
          case "SlowDown", "Throttling", "ThrottlingException", "TooManyRequests" -> "throttled";
          default -> status >= 500 ? "server error" : "rejected";
        };
    return meaning + " (HTTP " + status + (code.isEmpty() ? "" : ", " + code) + ")";
  }

  private static @Nullable IOException ioCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
      if (t instanceof UncheckedIOException u) {
        return u.getCause();
      }
    }
    return null;
  }
}
