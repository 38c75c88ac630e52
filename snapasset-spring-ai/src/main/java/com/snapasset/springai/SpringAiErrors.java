package com.snapasset.springai;

import com.snapasset.ProviderException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Classifies whatever a Spring AI model throws. Spring AI lets each client's exceptions through
 * (openai-java's {@code OpenAIServiceException}, Spring's {@code RestClientResponseException},
 * Spring AI's own {@code TransientAiException} / {@code NonTransientAiException}), and this bridge
 * depends on no client, so it reads what they carry by their public accessors: an HTTP status
 * ({@code statusCode()}, {@code getStatusCode().value()}), response headers for {@code Retry-After}
 * ({@code headers().values(..)}, {@code getResponseHeaders().getFirst(..)}) and an error code
 * ({@code code()}). Causes are not attached: client messages may quote request data.
 */
final class SpringAiErrors {
  private static final int MAX_MESSAGE = 500;

  private final String name;
  private final Clock clock;

  SpringAiErrors(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  ProviderException translate(RuntimeException e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 8; t = t.getCause(), depth++) {
      Integer status = status(t);
      if (status != null) {
        return fromStatus(status, t);
      }
      String type = t.getClass().getSimpleName();
      if (type.equals("NonTransientAiException")) {
        return ProviderException.permanent(name + " failed permanently: " + message(t), null);
      }
      if (type.equals("TransientAiException")) {
        return ProviderException.retryable(name + " failed, may recover: " + message(t), null, null);
      }
      if (t instanceof IOException || type.endsWith("IoException") || type.contains("Timeout")) {
        return ProviderException.retryable(
            name + " could not be reached or did not answer in time: " + type + ": " + message(t), null, null);
      }
    }
    return ProviderException.permanent(name + " failed: " + e.getClass().getSimpleName() + ": " + message(e), null);
  }

  private ProviderException fromStatus(int status, Throwable t) {
    String code = code(t);
    String text = message(t);
    if (status == 401 || status == 403) {
      return ProviderException.permanent(name + " refused the credentials (HTTP " + status + "): " + text, null);
    }
    if (code.equals("content_policy_violation") || code.equals("content_filter")) {
      return ProviderException.permanent(name + " refused the prompt under its content policy: " + text, null);
    }
    if (status == 429 && code.equals("insufficient_quota")) {
      return ProviderException.permanent(name + " quota exhausted (HTTP 429, insufficient_quota): " + text, null);
    }
    if (status == 408 || status == 409 || status == 429 || status >= 500) {
      return ProviderException.retryable(
          name + " is unavailable or rate-limiting (HTTP " + status + "): " + text, null, retryAfter(t));
    }
    return ProviderException.permanent(
        name + " rejected the request (HTTP " + status + (code.isEmpty() ? "" : ", " + code) + "): " + text, null);
  }

  private static @Nullable Integer status(Throwable t) {
    Object value = call(t, "statusCode");
    if (value == null) {
      value = call(t, "getStatusCode");
    }
    if (value instanceof Integer i) {
      return i;
    }
    if (value != null) {
      // Spring's HttpStatusCode
      Object number = call(value, "value");
      if (number instanceof Integer i) {
        return i;
      }
    }
    return null;
  }

  private static String code(Throwable t) {
    Object value = call(t, "code");
    if (value instanceof Optional<?> o) {
      value = o.orElse(null);
    }
    return value instanceof String s ? s : "";
  }

  private @Nullable Duration retryAfter(Throwable t) {
    String millis = header(t, "retry-after-ms");
    if (millis != null) {
      try {
        return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(millis))));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = header(t, "retry-after");
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

  private static @Nullable String header(Throwable t, String name) {
    Object headers = call(t, "headers");
    if (headers != null) {
      Object values = call(headers, "values", name);
      if (values instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String s) {
        return s.trim();
      }
    }
    Object springHeaders = call(t, "getResponseHeaders");
    if (springHeaders != null) {
      Object first = call(springHeaders, "getFirst", name);
      if (first instanceof String s) {
        return s.trim();
      }
    }
    return null;
  }

  private static @Nullable Object call(Object target, String method, Object... args) {
    try {
      Class<?>[] types = new Class<?>[args.length];
      for (int i = 0; i < args.length; i++) {
        types[i] = args[i].getClass();
      }
      Method m = target.getClass().getMethod(method, types);
      return m.invoke(target, args);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError absent) {
      return null;
    }
  }

  private static String message(Throwable t) {
    String text = t.getMessage() == null ? "(no message)" : SpringAiImageProvider.scrub(t.getMessage());
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
