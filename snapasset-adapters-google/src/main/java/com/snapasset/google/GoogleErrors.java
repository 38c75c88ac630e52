package com.snapasset.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import com.snapasset.ProviderException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one place that turns the Gen AI SDK's failures into {@link ProviderException} and decides
 * whether a retry can help. SDK exceptions are not attached as causes (their messages quote raw
 * bodies); the provider's message is copied in, scrubbed of anything key-shaped.
 */
final class GoogleErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern KEY_SHAPED = Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}");
  private static final Pattern BEARER = Pattern.compile("ya29\\.[0-9A-Za-z_\\-.]+");
  private static final Pattern SECONDS = Pattern.compile("(\\d+(?:\\.\\d+)?)s");
  /** Words Google uses when a prompt is refused by its safety filters rather than malformed. */
  private static final Pattern SAFETY_WORDS =
      Pattern.compile("(?i)responsible ai|safety|sensitive words|violat|prohibited|blocked");

  private final String apiKey;
  private final Clock clock;

  GoogleErrors(String apiKey, Clock clock) {
    this.apiKey = apiKey;
    this.clock = clock;
  }

  ProviderException translate(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ErrorCapture.Failure failure) {
        return fromHttp(failure.status, failure.retryAfter, failure.body);
      }
    }
    if (e instanceof ApiException api) {
      // Only when the interceptor did not see the answer: no headers, so no Retry-After.
      return fromHttp(api.code(), null, "{\"error\":{\"status\":" + JSON.valueToTree(api.status())
          + ",\"message\":" + JSON.valueToTree(api.message()) + "}}");
    }
    if (e instanceof GenAiIOException) {
      // No HTTP answer (refused, reset, timed out): another try can succeed.
      return ProviderException.retryable(
          "Google could not be reached or did not answer in time: " + describe(e.getCause()), null, null);
    }
    return ProviderException.permanent(
        "Google Gen AI client failed: " + e.getClass().getSimpleName() + ": " + scrub(e.getMessage()), null);
  }

  private ProviderException fromHttp(int status, @Nullable String retryAfterHeader, String body) {
    JsonNode error = readError(body);
    String grpcStatus = error.path("status").asText("");
    String message = scrub(error.path("message").asText(""));
    if (message.isBlank()) {
      message = "(no message)";
    }
    String reason = "";
    Duration retryInfo = null;
    for (JsonNode detail : error.path("details")) {
      String type = detail.path("@type").asText("");
      if (type.endsWith("google.rpc.ErrorInfo")) {
        reason = detail.path("reason").asText("");
      } else if (type.endsWith("google.rpc.RetryInfo")) {
        retryInfo = parseProtoDuration(detail.path("retryDelay").asText(""));
      }
    }
    String what = "HTTP " + status + (grpcStatus.isEmpty() ? "" : " " + grpcStatus);
    if (status == 401 || status == 403 || reason.startsWith("API_KEY") || grpcStatus.equals("UNAUTHENTICATED")) {
      return ProviderException.permanent("Google refused the credentials (" + what + "): " + message, null);
    }
    if (status == 408 || status == 429 || status >= 500) {
      Duration delay = retryAfter(retryAfterHeader);
      return ProviderException.retryable(
          "Google is unavailable, rate-limiting or out of quota (" + what + "): " + message,
          null,
          delay != null ? delay : retryInfo);
    }
    if (status == 400 && SAFETY_WORDS.matcher(message).find()) {
      return ProviderException.permanent("Google refused the prompt under its safety rules (" + what + "): " + message, null);
    }
    return ProviderException.permanent(
        "Google rejected the request (" + what + (reason.isEmpty() ? "" : ", " + reason) + "): " + message, null);
  }

  /** {@code Retry-After} as seconds or an HTTP date. */
  @Nullable Duration retryAfter(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return nonNegative(Duration.between(clock.instant(), at));
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }

  /** Removes the key, and anything shaped like a Google key or OAuth token, from text. */
  String scrub(@Nullable String text) {
    if (text == null) {
      return "";
    }
    String cleaned = apiKey.isEmpty() ? text : text.replace(apiKey, "[redacted]");
    cleaned = BEARER.matcher(cleaned).replaceAll("[redacted-token]");
    return KEY_SHAPED.matcher(cleaned).replaceAll("[redacted]");
  }

  private static JsonNode readError(String body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null) {
        return JSON.createObjectNode();
      }
      // Vertex sometimes answers with a one-element array around the error object.
      if (root.isArray() && root.size() > 0) {
        root = root.get(0);
      }
      return root.has("error") ? root.get("error") : root;
    } catch (IOException notJson) {
      return JSON.createObjectNode().put("message", body.length() > 300 ? body.substring(0, 300) + "…" : body);
    }
  }

  private static @Nullable Duration parseProtoDuration(String text) {
    Matcher m = SECONDS.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(m.group(1)) * 1000));
  }

  private String describe(@Nullable Throwable cause) {
    StringBuilder text = new StringBuilder();
    for (int depth = 0; cause != null && depth < 4; depth++, cause = cause.getCause()) {
      if (text.length() > 0) {
        text.append(" <- ");
      }
      text.append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        text.append(": ").append(cause.getMessage());
      }
    }
    return scrub(text.length() == 0 ? "(no detail)" : text.toString());
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
