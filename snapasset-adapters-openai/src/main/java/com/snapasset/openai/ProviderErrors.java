package com.snapasset.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.Headers;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.snapasset.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns openai-java's exceptions into {@link ProviderException} and decides
 * whether a retry can help. SDK exceptions are never attached as causes: their messages carry the
 * raw response body, which may quote the API key; the provider's message is copied in scrubbed.
 */
final class ProviderErrors {
  // OpenAI quotes keys (masked or not) in some messages; anything key-shaped is cut out.
  private static final Pattern KEY_SHAPED = Pattern.compile("sk-[A-Za-z0-9_*\\-]{4,}");
  // Entra ID access tokens are JWTs; one echoed back by a proxy must not reach a log either.
  private static final Pattern JWT_SHAPED =
      Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  /** Azure's content filter answers with one of these codes (top level or inner error). */
  private static final List<String> CONTENT_FILTER_CODES =
      List.of("content_policy_violation", "content_filter", "contentFilter", "ResponsibleAIPolicyViolation");

  private final String apiKey;
  private final Clock clock;
  private final String label;

  ProviderErrors(String apiKey, Clock clock, String label) {
    this.apiKey = apiKey;
    this.clock = clock;
    this.label = label;
  }

  /** {@code OpenAI} or {@code Azure OpenAI}: how messages name the service. */
  String label() {
    return label;
  }

  ProviderException translate(OpenAIException e) {
    if (e instanceof OpenAIServiceException service) {
      return fromStatus(service);
    }
    if (e instanceof OpenAIIoException || e instanceof OpenAIInvalidDataException) {
      // No HTTP answer (connection refused, reset, timed out before or while reading): the call
      // may not have been billed, and another try can succeed.
      return ProviderException.retryable(
          label + " could not be reached or did not answer in time: " + describeIo(e), null, null);
    }
    return ProviderException.permanent(label + " client failed: " + scrub(e.getMessage()), null);
  }

  private ProviderException fromStatus(OpenAIServiceException e) {
    int status = e.statusCode();
    String code = e.code().orElse("");
    JsonNode error = errorNode(e);
    String message = providerMessage(error);
    if (e instanceof UnauthorizedException || e instanceof PermissionDeniedException) {
      return ProviderException.permanent(
          label + " refused the " + (label.equals("OpenAI") ? "API key" : "credential")
              + " (HTTP " + status + "): " + message,
          null);
    }
    if (e instanceof BadRequestException && isContentFilter(code, error)) {
      return ProviderException.permanent(
          label + " refused the prompt under its content policy: " + message, null);
    }
    if (status == 429 && code.equals("insufficient_quota")) {
      // A spent quota is a 429 too, but waiting does not refill it.
      return ProviderException.permanent(
          label + " quota exhausted (HTTP 429, insufficient_quota): " + message, null);
    }
    if (status == 429) {
      return ProviderException.rateLimited(
          label + " is rate-limiting (HTTP 429): " + message, null, retryAfter(e.headers()));
    }
    if (status == 408 || status == 409 || status >= 500) {
      return ProviderException.retryable(
          label + " is unavailable (HTTP " + status + "): " + message,
          null,
          retryAfter(e.headers()));
    }
    return ProviderException.permanent(
        label + " rejected the request (HTTP " + status + (code.isEmpty() ? "" : ", " + code)
            + "): " + message,
        null);
  }

  /** The delay the server asked for: {@code retry-after-ms}, else {@code Retry-After}. */
  @Nullable
  Duration retryAfter(Headers headers) {
    String millis = first(headers.values("retry-after-ms"));
    if (millis != null) {
      try {
        return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(millis))));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = first(headers.values("retry-after"));
    if (value == null) {
      return null;
    }
    try {
      return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return nonNegative(Duration.between(clock.instant(), at));
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  /** Removes the key, and anything shaped like one, from text bound for a log or an exception. */
  String scrub(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String cleaned = apiKey.isEmpty() ? text : text.replace(apiKey, "[redacted]");
    cleaned = JWT_SHAPED.matcher(cleaned).replaceAll("[redacted-token]");
    return KEY_SHAPED.matcher(cleaned).replaceAll("sk-[redacted]");
  }

  private static @Nullable JsonNode errorNode(OpenAIServiceException e) {
    try {
      JsonNode body = e.body().convert(JsonNode.class);
      if (body == null || !body.isObject()) {
        return null;
      }
      return body.has("error") ? body.get("error") : body;
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  private static boolean isContentFilter(String code, @Nullable JsonNode error) {
    if (CONTENT_FILTER_CODES.contains(code)) {
      return true;
    }
    if (error == null) {
      return false;
    }
    // Azure nests the filter's verdict: {"error": {"inner_error": {"code": "ResponsibleAIPolicyViolation"}}}
    for (String inner : List.of("inner_error", "innererror")) {
      JsonNode innerCode = error.path(inner).path("code");
      if (innerCode.isTextual() && CONTENT_FILTER_CODES.contains(innerCode.asText())) {
        return true;
      }
    }
    return false;
  }

  private String providerMessage(@Nullable JsonNode error) {
    String message = null;
    if (error != null) {
      JsonNode text = error.get("message");
      message = text != null && text.isTextual() ? text.asText() : null;
    }
    if (message == null || message.isBlank()) {
      message = "(no message)";
    }
    return scrub(message);
  }

  private String describeIo(OpenAIException e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    Throwable cause = e.getCause();
    // Socket-level messages ("timeout", "Connection refused") are what an operator needs.
    for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
      text.append(" <- ").append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        text.append(": ").append(cause.getMessage());
      }
    }
    return scrub(text.toString());
  }

  private static @Nullable String first(List<String> values) {
    return values.isEmpty() ? null : values.get(0).trim();
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
