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

  private final String apiKey;
  private final Clock clock;

  ProviderErrors(String apiKey, Clock clock) {
    this.apiKey = apiKey;
    this.clock = clock;
  }

  ProviderException translate(OpenAIException e) {
    if (e instanceof OpenAIServiceException service) {
      return fromStatus(service);
    }
    if (e instanceof OpenAIIoException || e instanceof OpenAIInvalidDataException) {
      // No HTTP answer (connection refused, reset, timed out before or while reading): the call
      // may not have been billed, and another try can succeed.
      return ProviderException.retryable(
          "OpenAI could not be reached or did not answer in time: " + describeIo(e), null, null);
    }
    return ProviderException.permanent("OpenAI client failed: " + scrub(e.getMessage()), null);
  }

  private ProviderException fromStatus(OpenAIServiceException e) {
    int status = e.statusCode();
    String code = e.code().orElse("");
    String message = providerMessage(e);
    if (e instanceof UnauthorizedException || e instanceof PermissionDeniedException) {
      return ProviderException.permanent(
          "OpenAI refused the API key (HTTP " + status + "): " + message, null);
    }
    if (e instanceof BadRequestException && code.equals("content_policy_violation")) {
      return ProviderException.permanent(
          "OpenAI refused the prompt under its content policy: " + message, null);
    }
    if (status == 429 && code.equals("insufficient_quota")) {
      // A spent quota is a 429 too, but waiting does not refill it.
      return ProviderException.permanent(
          "OpenAI quota exhausted (HTTP 429, insufficient_quota): " + message, null);
    }
    if (status == 408 || status == 409 || status == 429 || status >= 500) {
      return ProviderException.retryable(
          "OpenAI is unavailable or rate-limiting (HTTP " + status + "): " + message,
          null,
          retryAfter(e.headers()));
    }
    return ProviderException.permanent(
        "OpenAI rejected the request (HTTP " + status + (code.isEmpty() ? "" : ", " + code)
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
    return KEY_SHAPED.matcher(cleaned).replaceAll("sk-[redacted]");
  }

  private String providerMessage(OpenAIServiceException e) {
    String message = null;
    try {
      JsonNode body = e.body().convert(JsonNode.class);
      if (body != null) {
        JsonNode error = body.has("error") ? body.get("error") : body;
        JsonNode text = error.get("message");
        message = text != null && text.isTextual() ? text.asText() : null;
      }
    } catch (RuntimeException unreadable) {
      message = null;
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
