package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobState;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.QueueStats;
import com.snapasset.RequestProblem;
import com.snapasset.SnapAssetException;
import com.snapasset.spi.CatalogPage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The job routes, synchronous generation and a user's generation history. */
final class JobRoutes {
  private static final int SCAN_PAGE = 200;
  private static final int SCAN_LIMIT = 10_000;

  private final RouteContext context;
  private final AssetGenerator generator;
  private final JobRateLimiter limiter;
  private final PendingJobLimit pending;

  JobRoutes(RouteContext context, JobRateLimiter limiter, PendingJobLimit pending) {
    this.context = context;
    this.generator = context.generator();
    this.limiter = limiter;
    this.pending = pending;
  }

  void register(Javalin app) {
    app.post("/api/jobs", this::create);
    app.get("/api/jobs", this::list);
    app.get("/api/jobs/{id}", this::get);
    app.get("/api/jobs/{id}/events", this::events);
    app.post("/api/jobs/{id}/retry", this::retry);
    app.delete("/api/jobs/{id}/cancel", this::cancel);
    app.post("/api/generate", this::generate);
    app.get("/api/users/{userId}/generations", this::generations);
  }

  private void create(Context ctx) {
    JsonNode body = body(ctx);
    ApiKeys.Caller caller = ApiServer.caller(ctx);
    GenerationRequest request = request(body, caller, "platforms");
    checkBackPressure();
    rateLimit(ctx, request.userId());
    JobId id = pending.submit(request.userId(), () -> generator.submit(request));
    ctx.header("Location", "/api/jobs/" + id.value());
    ctx.status(201).json(Map.of("jobId", id.value(), "status", "queued"));
  }

  private void get(Context ctx) {
    Job job = visibleJob(ctx);
    // A finished job changes no more, except a failed one by a retry: only completed ones are cached.
    if (job.state() == JobState.COMPLETED) {
      ctx.header("Cache-Control", (context.authEnabled() ? "private" : "public") + ", max-age=3600");
    } else {
      ctx.header("Cache-Control", "no-cache");
    }
    ctx.json(Views.JobView.of(job));
  }

  private void list(Context ctx) {
    String status = ctx.queryParam("status");
    List<String> problems = new ArrayList<>();
    List<JobState> states = List.of(JobState.ACTIVE, JobState.WAITING, JobState.DELAYED, JobState.FAILED,
        JobState.COMPLETED);
    if (status != null && !status.isBlank()) {
      JobState state = Arrays.stream(JobState.values())
          .filter(s -> Views.status(s).equals(status.trim().toLowerCase(Locale.ROOT))).findFirst().orElse(null);
      if (state == null) {
        problems.add("status '" + ApiException.abbreviate(status) + "' is not known: use one of "
            + Arrays.stream(JobState.values()).map(Views::status).toList());
      } else {
        states = List.of(state);
      }
    }
    int limit = intParam(ctx, "limit", 20, 1, 100, problems);
    int offset = intParam(ctx, "offset", 0, 0, 100_000, problems);
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    ApiKeys.Caller caller = ApiServer.caller(ctx);
    List<Views.JobView> out = new ArrayList<>();
    int skip = offset;
    int scanned = 0;
    for (JobState state : states) {
      int position = 0;
      while (out.size() < limit && scanned < SCAN_LIMIT) {
        List<Job> page = generator.jobs(state, position, SCAN_PAGE);
        position += page.size();
        scanned += page.size();
        for (Job job : page) {
          if (out.size() == limit) {
            break;
          }
          if (caller.mayAct(job.request().userId())) {
            if (skip > 0) {
              skip--;
            } else {
              out.add(Views.JobView.of(job));
            }
          }
        }
        if (page.size() < SCAN_PAGE) {
          break;
        }
      }
    }
    ctx.header("Cache-Control", "no-cache");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("jobs", out);
    answer.put("count", out.size());
    answer.put("status", status == null || status.isBlank() ? null : status.trim().toLowerCase(Locale.ROOT));
    answer.put("limit", limit);
    answer.put("offset", offset);
    ctx.json(answer);
  }

  private void events(Context ctx) {
    Job job = visibleJob(ctx);
    context.events().open(ctx, job.id());
  }

  private void retry(Context ctx) {
    Job job = visibleJob(ctx);
    if (job.state() != JobState.FAILED || !generator.retry(job.id())) {
      throw new ApiException(ErrorCode.INVALID_JOB_STATE,
          "job " + job.id() + " is " + Views.status(job.state()) + ": only failed jobs can be retried");
    }
    ctx.json(Map.of("jobId", job.id().value(), "status", "waiting"));
  }

  private void cancel(Context ctx) {
    Job job = visibleJob(ctx);
    JobState state = job.state();
    if (state.isFinished() || !generator.cancel(job.id())) {
      throw new ApiException(ErrorCode.INVALID_JOB_STATE,
          "job " + job.id() + " is " + Views.status(generator.job(job.id()).map(Job::state).orElse(state))
              + ": only waiting, delayed or active jobs can be cancelled");
    }
    if (state == JobState.ACTIVE) {
      // The worker stops at its next checkpoint and fails the job; its stream hears that.
      ctx.status(202).json(Map.of("jobId", job.id().value(), "status", "cancelling"));
    } else {
      context.events().removed(job.id());
      ctx.json(Map.of("jobId", job.id().value(), "status", "removed"));
    }
  }

  private void generate(Context ctx) {
    JsonNode body = body(ctx);
    ApiKeys.Caller caller = ApiServer.caller(ctx);
    String field = body.has("presets") || !body.has("platforms") ? "presets" : "platforms";
    GenerationRequest request = request(body, caller, field);
    rateLimit(ctx, request.userId());
    GenerationResult result;
    try {
      result = generator.generate(request);
    } catch (InvalidRequestException e) {
      throw e;
    } catch (SnapAssetException e) {
      if (e.isRetryable()) {
        throw e;
      }
      throw new ApiException(ErrorCode.GENERATION_FAILED, e.getMessage() == null ? "generation failed" : e.getMessage());
    }
    ctx.json(Views.ResultView.of(result));
  }

  private void generations(Context ctx) {
    String userId = ctx.pathParam("userId");
    if (!ApiServer.caller(ctx).mayAct(userId)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "this API key may read only its own user's generations");
    }
    List<String> problems = new ArrayList<>();
    int limit = intParam(ctx, "limit", 20, 1, 100, problems);
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    String before = ctx.queryParam("before");
    CatalogPage page = generator.catalog().latest(userId, limit, before == null || before.isBlank() ? null : before);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("userId", userId);
    answer.put("generations", page.items().stream().map(Views.GenerationView::of).toList());
    answer.put("nextCursor", page.nextCursor());
    ctx.header("Cache-Control", "no-cache");
    ctx.json(answer);
  }

  private JsonNode body(Context ctx) {
    JsonNode body = Bodies.json(ctx, context.json(), context.maxBodyBytes(), false);
    if (body == null) {
      throw ApiException.validation(List.of("the request body is empty: send a JSON object"));
    }
    return body;
  }

  /** The job of the {id} path parameter, if it exists and the caller may see it; else 404. */
  private Job visibleJob(Context ctx) {
    String raw = ctx.pathParam("id");
    JobId id;
    try {
      id = JobId.of(raw);
    } catch (InvalidRequestException e) {
      throw ApiException.jobNotFound(raw);
    }
    Job job = generator.job(id).orElseThrow(() -> ApiException.jobNotFound(raw));
    // Another user's job answers exactly like a missing one, so ids cannot be probed.
    if (!ApiServer.caller(ctx).mayAct(job.request().userId())) {
      throw ApiException.jobNotFound(raw);
    }
    return job;
  }

  private void checkBackPressure() {
    long critical = context.criticalQueueDepth();
    if (critical > 0) {
      QueueStats stats = generator.stats();
      long backlog = stats.waiting() + stats.delayed();
      if (backlog >= critical) {
        throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "the queue holds " + backlog + " jobs waiting (critical depth " + critical + "); try again later",
            List.of(), Map.of("Retry-After", Long.toString(context.retryAfter().toSeconds())));
      }
    }
  }

  private void rateLimit(Context ctx, String userId) {
    if (!limiter.enabled()) {
      return;
    }
    JobRateLimiter.Decision d = limiter.acquire(userId);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Policy", limiter.limit() + ";w=" + limiter.window().toSeconds());
    headers.put("RateLimit-Limit", Integer.toString(d.limit()));
    headers.put("RateLimit-Remaining", Integer.toString(d.remaining()));
    headers.put("RateLimit-Reset", Long.toString(d.resetSeconds()));
    if (!d.allowed()) {
      headers.put("Retry-After", Long.toString(d.resetSeconds()));
      throw new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED,
          "user " + userId + " may create " + d.limit() + " jobs per " + describe(limiter.window())
              + "; try again in " + d.resetSeconds() + " s",
          List.of(), headers);
    }
    headers.forEach(ctx::header);
  }

  /**
   * Reads a job request in the original's shape, listing every problem found at once: the JSON
   * shape problems found here, then core's (one {@link AssetGenerator#validate(GenerationRequest.Builder)}:
   * the request's own rules, its platforms, its image options), leaving out core's problems of a
   * field whose JSON shape was already reported here.
   */
  private GenerationRequest request(JsonNode body, ApiKeys.Caller caller, String platformsField) {
    List<String> problems = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    String userId = text(body, "userId", problems);
    if (userId == null && body.hasNonNull("userId")) {
      reported.add("userId"); // not a string; text() said so
    }
    if (userId == null) {
      userId = caller.userId() != null ? caller.userId() : platformsField.equals("presets") ? "anonymous" : null;
      if (userId == null) {
        problems.add("userId is missing");
        reported.add("userId");
      }
    }
    String prompt = text(body, "prompt", problems);
    if (prompt == null && body.hasNonNull("prompt")) {
      reported.add("prompt");
    } else if (!body.has("prompt")) {
      problems.add("prompt is missing: describe the image to generate");
      reported.add("prompt");
    }
    List<String> platforms = new ArrayList<>();
    JsonNode p = body.get(platformsField);
    if (p == null || p.isNull()) {
      problems.add(platformsField + " is missing: name 1-" + GenerationRequest.MAX_PLATFORMS
          + " platforms, e.g. [\"instagram-post\"] (see GET /api/platforms)");
      reported.add("platforms");
    } else if (!p.isArray()) {
      problems.add(platformsField + " must be an array of platform ids");
      reported.add("platforms");
    } else {
      for (JsonNode e : p) {
        if (!e.isTextual()) {
          problems.add(platformsField + " must hold strings, found " + e.getNodeType().name().toLowerCase(Locale.ROOT));
        } else {
          platforms.add(e.asText());
        }
      }
      if (platforms.isEmpty() && !p.isEmpty()) {
        reported.add("platforms"); // every entry was refused above; "platforms is empty" would repeat it
      }
    }
    Options o = options(body.get("options"), problems);
    GenerationRequest.Builder draft = GenerationRequest.builder()
        .userId(userId == null ? "" : userId)
        .prompt(prompt == null ? "" : prompt)
        .platforms(platforms)
        .image(o.image())
        .output(o.output())
        .job(o.job());
    for (RequestProblem problem : generator.validate(draft)) {
      if (!reported.contains(problem.field())) {
        problems.add(problem.message());
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    GenerationRequest request = draft.build();
    if (!caller.mayAct(request.userId())) {
      throw new ApiException(ErrorCode.FORBIDDEN, "this API key may not act for user " + request.userId());
    }
    return request;
  }

  /** The image, output and job options of a request's {@code options} object. */
  private record Options(ImageOptions image, OutputOptions output, JobOptions job) {}

  private static Options options(@Nullable JsonNode options, List<String> problems) {
    ImageOptions image = ImageOptions.defaults();
    OutputOptions output = OutputOptions.defaults();
    JobOptions job = JobOptions.defaults();
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        problems.add("options must be an object");
      } else {
        image = option(options, "model", problems, image, ImageOptions::withModel);
        image = option(options, "quality", problems, image, ImageOptions::withQuality);
        image = option(options, "style", problems, image, ImageOptions::withStyle);
        image = option(options, "size", problems, image, ImageOptions::withSize);
        String format = text(options, "format", problems);
        if (format != null) {
          OutputFormat f = OutputFormat.parse(format).orElse(null);
          if (f == null) {
            problems.add("options.format '" + ApiException.abbreviate(format) + "' is not known: use one of "
                + Arrays.stream(OutputFormat.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
          } else {
            output = output.withFormat(f);
          }
        }
        Integer priority = integer(options, "priority", problems);
        if (priority != null) {
          try {
            job = job.toBuilder().priority(priority).build();
          } catch (InvalidRequestException e) {
            e.problems().forEach(m -> problems.add("options." + m));
          }
        }
      }
    }
    return new Options(image, output, job);
  }

  private static ImageOptions option(JsonNode options, String field, List<String> problems, ImageOptions image,
      java.util.function.BiFunction<ImageOptions, String, ImageOptions> with) {
    String value = text(options, field, problems);
    if (value == null) {
      return image;
    }
    try {
      return with.apply(image, value);
    } catch (InvalidRequestException e) {
      e.problems().forEach(m -> problems.add("options." + field + ": " + m));
      return image;
    }
  }

  private static @Nullable String text(JsonNode node, String field, List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field + " must be a string");
      return null;
    }
    return v.asText();
  }

  private static @Nullable Integer integer(JsonNode node, String field, List<String> problems) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problems.add("options." + field + " must be a whole number");
      return null;
    }
    return v.asInt();
  }

  static int intParam(Context ctx, String name, int dflt, int min, int max, List<String> problems) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below with the accepted range
    }
    problems.add(name + " '" + ApiException.abbreviate(raw) + "' is not valid: use a whole number " + min + "-" + max);
    return dflt;
  }

  private static String describe(java.time.Duration window) {
    long s = window.toSeconds();
    return s % 3600 == 0 ? (s == 3600 ? "hour" : s / 3600 + " hours")
        : s % 60 == 0 ? (s == 60 ? "minute" : s / 60 + " minutes") : s + " s";
  }
}
