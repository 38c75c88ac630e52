package com.snapasset.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.jspecify.annotations.Nullable;

/**
 * What every request passes before any route: the servlet filter and the Jetty error handler that
 * keep hostile or broken requests from reaching the routes in a form the routes would misread.
 *
 * <ul>
 *   <li>Method-override headers are dropped: a GET stays a GET, so it can never change state.
 *   <li>A declared {@code Content-Length} over the body cap is refused at once with 413 and the
 *       connection closed, instead of waiting for a body that may never come.
 *   <li>{@code x-no-compression} (the guide's opt-out) hides {@code Accept-Encoding}; every
 *       compressible answer says {@code Vary: Accept-Encoding}, so shared caches keep the gzipped
 *       and the plain copy apart.
 *   <li>Basic security headers on every answer (those of the original's {@code helmet()} that
 *       apply to a JSON API and its page).
 *   <li>Requests that arrive between the socket opening and the server finishing its start wait
 *       for it, so {@code /} never answers 404 while {@code /health} already answers 200.
 *   <li>Protocol-level errors that Jetty answers itself (a bad URI, conflicting framing, headers
 *       too large) come back in the API's JSON error shape instead of an HTML page.
 * </ul>
 */
final class HttpGuards implements Filter {
  /** Headers that would let a request claim another method than the one it was sent with. */
  private static final Set<String> METHOD_OVERRIDES =
      Set.of("x-http-method-override", "x-http-method", "x-method-override");

  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "SAMEORIGIN",
      "Referrer-Policy", "no-referrer",
      "Cross-Origin-Opener-Policy", "same-origin",
      "X-Permitted-Cross-Domain-Policies", "none",
      "X-DNS-Prefetch-Control", "off",
      "X-Download-Options", "noopen");

  private final ObjectMapper json;
  private final Clock clock;
  private final int maxBodyBytes;
  private final CountDownLatch started = new CountDownLatch(1);

  HttpGuards(ObjectMapper json, Clock clock, int maxBodyBytes) {
    this.json = json;
    this.clock = clock;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Puts the guards in front of every request of {@code config}'s server, and CORS for {@code
   * corsOrigins} (none: no cross-origin access, the default).
   */
  void install(JavalinConfig config, List<String> corsOrigins) {
    config.http.prefer405over404 = true;
    config.jetty.modifyServer(server -> server.setErrorHandler(errorHandler()));
    // Jetty holds a request with a body until its first bytes arrive; one announced but never sent
    // would then wait for the idle timeout before the size check below could refuse it.
    config.jetty.modifyHttpConfiguration(http -> http.setDelayDispatchUntilContent(false));
    config.jetty.modifyServletContextHandler(context -> {
      context.addFilter(new FilterHolder(this), "/*", EnumSet.of(DispatcherType.REQUEST));
      context.setErrorHandler(errorHandler());
    });
    if (!corsOrigins.isEmpty()) {
      config.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
        if (corsOrigins.contains("*")) {
          rule.anyHost();
        } else {
          corsOrigins.forEach(o -> rule.allowHost(o));
        }
        for (String header : List.of("Location", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining",
            "RateLimit-Reset", "RateLimit-Policy")) {
          rule.exposeHeader(header);
        }
      }));
    }
  }

  /** Lets requests that arrived while the server was starting go on. */
  void started() {
    started.countDown();
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    awaitStart();
    SECURITY_HEADERS.forEach(response::setHeader);
    if (!request.getRequestURI().startsWith("/files/")) {
      response.setHeader("Vary", "Accept-Encoding"); // images are never compressed: no need there
    }
    if (request.getContentLengthLong() > maxBodyBytes) {
      // Answer before reading: the client may never send the body it announced. Closing the
      // connection stops Jetty from waiting to drain it, which would hold the 413 for the idle timeout.
      response.setHeader("Connection", "close");
      write(response, ErrorCode.PAYLOAD_TOO_LARGE.status, ErrorCode.PAYLOAD_TOO_LARGE.title,
          ErrorCode.PAYLOAD_TOO_LARGE.name(), "the request body is larger than " + (maxBodyBytes / 1024) + " KB");
      return;
    }
    chain.doFilter(new Sanitised(request), response);
  }

  private void awaitStart() {
    try {
      started.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void write(HttpServletResponse response, int status, String error, String code, String message)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    byte[] bytes = body(error, code, message);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  byte[] body(String error, String code, String message) {
    try {
      return json.writeValueAsBytes(new Views.ErrorView(error, message, code, clock.instant(), null));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error view could not be written", e);
    }
  }

  /** Jetty's own error answers (bad URIs and framing, oversized headers) in the JSON error shape. */
  ErrorHandler errorHandler() {
    return new JsonErrorHandler();
  }

  /** The request without method-override headers, and without Accept-Encoding when opted out. */
  private static final class Sanitised extends HttpServletRequestWrapper {
    private final boolean noCompression;

    Sanitised(HttpServletRequest request) {
      super(request);
      this.noCompression = request.getHeader("x-no-compression") != null;
    }

    private boolean hidden(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      return METHOD_OVERRIDES.contains(n) || (noCompression && n.equals("accept-encoding"));
    }

    @Override
    public @Nullable String getHeader(String name) {
      return hidden(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
      List<String> names = Collections.list(super.getHeaderNames());
      names.removeIf(this::hidden);
      return Collections.enumeration(names);
    }
  }

  private final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
        HttpServletResponse response, int code, String message) throws IOException {
      baseRequest.setHandled(true);
      ErrorCode known = known(code);
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      response.getOutputStream().write(body(known != null ? known.title : reason(code),
          known != null ? known.name() : "HTTP_" + code, describe(code, message)));
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
      ErrorCode known = known(status);
      return ByteBuffer.wrap(body(known != null ? known.title : reason(status),
          known != null ? known.name() : "HTTP_" + status, describe(status, reason)));
    }

    private @Nullable ErrorCode known(int status) {
      return switch (status) {
        case 400 -> ErrorCode.BAD_REQUEST;
        case 404 -> ErrorCode.NOT_FOUND;
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
        case 414 -> ErrorCode.URI_TOO_LONG;
        case 431 -> ErrorCode.HEADERS_TOO_LARGE;
        default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : null;
      };
    }

    private String reason(int status) {
      String r = HttpStatus.getMessage(status);
      return r == null ? "HTTP " + status : r;
    }

    private String describe(int status, @Nullable String reason) {
      String r = reason == null || reason.isBlank() ? reason(status) : reason;
      return switch (status) {
        case 400 -> "the request is malformed (" + r + "): check the URI's percent-encoding and the framing headers";
        case 414 -> "the request URI is too long";
        case 431 -> "the request headers are too large";
        default -> r;
      };
    }
  }
}
