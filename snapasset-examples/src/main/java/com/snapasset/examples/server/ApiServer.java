package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.snapasset.AssetGenerator;
import com.snapasset.InvalidRequestException;
import com.snapasset.SnapAssetException;
import com.snapasset.examples.metrics.RequestStats;
import com.snapasset.spi.AssetStorage;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The original SnapAsset REST API on a real HTTP server (Javalin on Jetty), in front of an {@link
 * AssetGenerator}: jobs, live progress over Server-Sent Events, queue administration, platforms,
 * synchronous generation, a user's generation history, health, Prometheus metrics and a page to try
 * it in a browser at {@code /}.
 *
 * <pre>{@code
 * try (AssetGenerator generator = AssetGenerator.builder().build();
 *      ApiServer server = ApiServer.builder(generator).port(3000).build().start()) {
 *   server.join();
 * }
 * }</pre>
 *
 * <p>Errors are JSON in one shape, {@code {error, message, code, timestamp}}, with {@code details}
 * listing every validation problem. The server never closes the generator: it stays the caller's.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  static final String CALLER = "snapasset.caller";

  private final String host;
  private final int port;
  private final Clock clock;
  private final JobEventStreams events;
  private final Javalin app;

  /** Reads every setting of {@code b} now: the server keeps no reference to its builder. */
  private ApiServer(Builder b) {
    AssetGenerator generator = b.generator;
    this.host = b.host;
    this.port = b.port;
    this.clock = b.clock;
    ObjectMapper json = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    ApiKeys keys = new ApiKeys(b.apiKeys, b.adminKey);
    this.events = new JobEventStreams(generator, json, b.heartbeat);
    RouteContext routes = new RouteContext(generator, json, clock, events, keys.enabled(), b.maxBodyBytes,
        b.criticalQueueDepth, b.retryAfter, b.version, b.alerts);
    JobRateLimiter limiter = new JobRateLimiter(b.jobsPerWindow, b.rateWindow, clock);
    this.app = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(json, false));
      CompressionStrategy compression = new CompressionStrategy(null, new Gzip(6));
      List<String> excluded = new ArrayList<>(compression.getExcludedMimeTypes());
      excluded.add("text/event-stream");
      compression.setExcludedMimeTypes(excluded);
      config.http.customCompression(compression);
      config.http.maxRequestSize = b.maxBodyBytes;
      config.staticFiles.add(sf -> {
        sf.hostedPath = "/";
        sf.directory = "/public";
        sf.location = Location.CLASSPATH;
        sf.headers = Map.of("Cache-Control", "no-cache");
      });
      if (b.localFiles != null) {
        Path root = b.localFiles;
        config.staticFiles.add(sf -> {
          sf.hostedPath = "/files";
          sf.directory = root.toAbsolutePath().toString();
          sf.location = Location.EXTERNAL;
          // Keys hold a fresh generation id, so a file never changes once written.
          sf.headers = Map.of("Cache-Control", AssetStorage.IMMUTABLE);
        });
      }
      if (b.requestStats != null) {
        RequestStats stats = b.requestStats;
        config.requestLogger.http((ctx, ms) -> {
          String route = route(ctx);
          if (!route.endsWith("/events")) { // a stream lasts as long as its job: not a slow response
            stats.record(ctx.method().name(), route, ctx.statusCode(), Duration.ofNanos((long) (ms * 1e6)));
          }
        });
      }
    });
    app.before("/api/*", ctx -> ctx.attribute(CALLER, keys.identify(apiKey(ctx))));
    new JobRoutes(routes, limiter, new PendingJobLimit(b.maxPendingJobs, generator)).register(app);
    new QueueRoutes(routes).register(app);
    if (b.prometheus != null) {
      PrometheusMeterRegistry prometheus = b.prometheus;
      app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(prometheus.scrape()));
    }
    app.exception(ApiException.class, (e, ctx) -> error(ctx, e.code, e.getMessage(), e.details, e.headers));
    app.exception(InvalidRequestException.class, (e, ctx) -> {
      ApiException v = ApiException.validation(e.problems());
      error(ctx, v.code, v.getMessage(), v.details, Map.of());
    });
    app.exception(HttpResponseException.class, (e, ctx) -> {
      ErrorCode code = switch (e.getStatus()) {
        case 404 -> ErrorCode.NOT_FOUND;
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
        case 400 -> ErrorCode.VALIDATION_ERROR;
        default -> e.getStatus() >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_ERROR;
      };
      String message = code == ErrorCode.NOT_FOUND
          ? "no route for " + ctx.method().name() + " " + ApiException.abbreviate(ctx.path())
          : e.getMessage();
      error(ctx, code, message, List.of(), Map.of());
    });
    app.exception(SnapAssetException.class, (e, ctx) -> {
      if (e.isRetryable()) {
        log.warn("{} {} failed, retryable: {}", ctx.method(), ctx.path(), e.getMessage());
        error(ctx, ErrorCode.SERVICE_UNAVAILABLE, "a backing service is unavailable; try again shortly",
            List.of(), Map.of("Retry-After", "5"));
      } else {
        log.error("{} {} failed", ctx.method(), ctx.path(), e);
        error(ctx, ErrorCode.INTERNAL_ERROR, "the request could not be completed", List.of(), Map.of());
      }
    });
    app.exception(Exception.class, (e, ctx) -> {
      log.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
      error(ctx, ErrorCode.INTERNAL_ERROR, "the request could not be completed", List.of(), Map.of());
    });
  }

  /** A builder for a server in front of {@code generator}. */
  public static Builder builder(AssetGenerator generator) {
    return new Builder(generator);
  }

  /** Starts listening; returns this server. */
  public ApiServer start() {
    app.start(host, port);
    log.info("SnapAsset API listening on http://{}:{}/", host, port());
    return this;
  }

  /** The port listened on (the chosen one when started on port 0). */
  public int port() {
    return app.port();
  }

  /** Blocks until the server's threads stop (e.g. by {@link #close()} from a shutdown hook). */
  public void join() throws InterruptedException {
    app.jettyServer().server().join();
  }

  /** Stops listening and ends open event streams. Leaves the generator open. */
  @Override
  public void close() {
    events.close();
    app.stop();
  }

  static ApiKeys.Caller caller(Context ctx) {
    ApiKeys.Caller c = ctx.attribute(CALLER);
    return c != null ? c : ApiKeys.Caller.OPEN;
  }

  static void requireAdmin(Context ctx) {
    if (!caller(ctx).admin()) {
      throw new ApiException(ErrorCode.FORBIDDEN, "this route needs the admin API key");
    }
  }

  /** The route template for metrics tags; static files and unmatched paths share one tag each. */
  private static String route(Context ctx) {
    try {
      return ctx.endpointHandlerPath();
    } catch (IllegalStateException noEndpoint) {
      if (ctx.statusCode() == 404) {
        return "unmatched";
      }
      return ctx.path().startsWith("/files/") ? "/files/*" : "static";
    }
  }

  private static @Nullable String apiKey(Context ctx) {
    String key = ctx.header(ApiKeys.HEADER);
    if (key == null && ctx.path().endsWith("/events")) {
      key = ctx.queryParam("apiKey"); // EventSource in a browser cannot send headers
    }
    return key;
  }

  private void error(Context ctx, ErrorCode code, String message, List<String> details,
      Map<String, String> headers) {
    headers.forEach(ctx::header);
    ctx.status(code.status).json(new Views.ErrorView(code.title, message, code.name(), clock.instant(),
        details.isEmpty() ? null : details));
  }

  /**
   * Configures an {@link ApiServer}. Setters check their argument at once; {@link #build()} leaves
   * the builder unchanged.
   */
  public static final class Builder {
    private final AssetGenerator generator;
    private String host = "0.0.0.0";
    private int port = 3000;
    private Map<String, String> apiKeys = Map.of();
    private @Nullable String adminKey;
    private int jobsPerWindow = 20;
    private Duration rateWindow = Duration.ofHours(1);
    private long criticalQueueDepth = 200;
    private int maxPendingJobs;
    private Duration retryAfter = Duration.ofSeconds(30);
    private int maxBodyBytes = 64 * 1024;
    private Duration heartbeat = Duration.ofSeconds(15);
    private @Nullable Path localFiles;
    private @Nullable PrometheusMeterRegistry prometheus;
    private @Nullable RequestStats requestStats;
    private @Nullable Supplier<Object> alerts;
    private Clock clock = Clock.systemUTC();
    private String version = "development";

    private Builder(AssetGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
    }

    /** The address to bind; default {@code 0.0.0.0}. */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** The port; 0 picks a free one. Default 3000, the original's. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Turns authentication on: each key (sent in the {@code X-API-Key} header) maps to the user it
     * acts for, who then sees only their own jobs. Empty (the default) leaves the API open.
     */
    public Builder apiKeys(Map<String, String> userByKey) {
      Objects.requireNonNull(userByKey, "apiKeys");
      userByKey.forEach((k, u) -> {
        if (k == null || k.length() < 8 || u == null || u.isBlank()) {
          throw new IllegalArgumentException("apiKeys: every key needs 8+ characters and a user id");
        }
      });
      this.apiKeys = Map.copyOf(userByKey);
      return this;
    }

    /** A key for the admin routes and every user's jobs; also turns authentication on. */
    public Builder adminKey(String adminKey) {
      if (adminKey == null || adminKey.length() < 8) {
        throw new IllegalArgumentException("adminKey needs 8+ characters");
      }
      this.adminKey = adminKey;
      return this;
    }

    /** Jobs a user may create per {@code window}; 0 turns the limit off. Default 20 per hour. */
    public Builder jobRateLimit(int jobs, Duration window) {
      if (jobs < 0) {
        throw new IllegalArgumentException("jobRateLimit jobs must be >= 0, was " + jobs);
      }
      if (window == null || window.toSeconds() < 1) {
        throw new IllegalArgumentException("jobRateLimit window must be at least 1 s, was " + window);
      }
      this.jobsPerWindow = jobs;
      this.rateWindow = window;
      return this;
    }

    /**
     * Back-pressure: new jobs are refused with 503 while this many or more wait (waiting +
     * delayed); 0 turns it off. Default 200, the guide's critical queue depth.
     */
    public Builder criticalQueueDepth(long depth) {
      if (depth < 0) {
        throw new IllegalArgumentException("criticalQueueDepth must be >= 0, was " + depth);
      }
      this.criticalQueueDepth = depth;
      return this;
    }

    /**
     * Unfinished jobs (waiting, delayed or active) one user may have at once; past it, new jobs
     * get 429 {@code JOB_LIMIT_EXCEEDED}. 0, the default, turns the cap off. Counted per server.
     */
    public Builder maxPendingJobsPerUser(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxPendingJobsPerUser must be >= 0, was " + max);
      }
      this.maxPendingJobs = max;
      return this;
    }

    /** The Retry-After sent with back-pressure refusals; default 30 s. */
    public Builder retryAfter(Duration retryAfter) {
      if (retryAfter == null || retryAfter.toSeconds() < 1) {
        throw new IllegalArgumentException("retryAfter must be at least 1 s, was " + retryAfter);
      }
      this.retryAfter = retryAfter;
      return this;
    }

    /** The largest request body; default 64 KB. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be at least 1024, was " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** How often event streams send a heartbeat comment; default 15 s. */
    public Builder heartbeat(Duration heartbeat) {
      if (heartbeat == null || heartbeat.toMillis() < 10) {
        throw new IllegalArgumentException("heartbeat must be at least 10 ms, was " + heartbeat);
      }
      this.heartbeat = heartbeat;
      return this;
    }

    /**
     * Serves the files of a local storage folder under {@code /files/} with year-long,
     * immutable cache lifetimes. Build the generator with {@code publicBaseUrl(".../files/")}.
     */
    public Builder localFiles(Path folder) {
      this.localFiles = Objects.requireNonNull(folder, "localFiles");
      return this;
    }

    /** Serves this registry at {@code /metrics} in the Prometheus text format. */
    public Builder prometheus(PrometheusMeterRegistry registry) {
      this.prometheus = Objects.requireNonNull(registry, "prometheus");
      return this;
    }

    /** Records every request's route, status and duration here. */
    public Builder requestStats(RequestStats stats) {
      this.requestStats = Objects.requireNonNull(stats, "requestStats");
      return this;
    }

    /** What {@code GET /api/alerts} answers, e.g. an alert monitor's active alerts. */
    public Builder alerts(Supplier<Object> alerts) {
      this.alerts = Objects.requireNonNull(alerts, "alerts");
      return this;
    }

    /** The clock of rate-limit windows and error timestamps. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The version {@code /health} reports. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
