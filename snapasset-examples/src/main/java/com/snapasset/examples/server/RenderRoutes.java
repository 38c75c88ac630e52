package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.InvalidRequestException;
import com.snapasset.JobId;
import com.snapasset.OutputFormat;
import com.snapasset.OutputOptions;
import com.snapasset.SourceImage;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/render}: renders an image the caller already has for every platform, as a job
 * like {@code POST /api/jobs}, without calling the image provider. Either a multipart upload (part
 * {@code image}, fields {@code platforms} (comma-separated), {@code userId}, {@code format}) or a
 * JSON body {@code {"imageUrl": "https://...", "platforms": [...], "userId": ..., "options":
 * {"format": ...}}}; the URL is fetched by the worker under the generator's {@code
 * SourceFetchPolicy} (public https addresses only by default). The upload's declared length is
 * checked before a byte is read; uploads without a length are refused. A render job counts against
 * the same per-user rate limit, unfinished-job cap and queue back-pressure as {@code POST
 * /api/jobs}.
 */
final class RenderRoutes {
  /** The largest upload accepted. */
  static final long MAX_UPLOAD_BYTES = 20L * 1024 * 1024;

  private final AssetGenerator generator;
  private final RouteContext server;
  private final JobRateLimiter limiter;
  private final PendingJobLimit pending;

  RenderRoutes(RouteContext server, JobRateLimiter limiter, PendingJobLimit pending) {
    this.server = server;
    this.generator = server.generator();
    this.limiter = limiter;
    this.pending = pending;
  }

  void register(Javalin app) {
    app.post("/api/render", this::render);
  }

  private void render(Context ctx) throws IOException {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    ApiKeys.Caller caller = ApiServer.caller(ctx);
    GenerationRequest request;
    if (type.startsWith("multipart/form-data")) {
      request = fromUpload(ctx, caller);
    } else if (type.startsWith("application/json")) {
      request = fromJson(server.json().readTree(ctx.bodyAsBytes()), caller);
    } else {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send multipart/form-data with an 'image' file, or application/json with an 'imageUrl'");
    }
    checkBackPressure();
    if (limiter.enabled()) {
      JobRateLimiter.Decision d = limiter.acquire(request.userId());
      if (!d.allowed()) {
        throw new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED,
            "user " + request.userId() + " may create " + d.limit() + " jobs per " + limiter.window().toSeconds()
                + " s; try again in " + d.resetSeconds() + " s",
            List.of(), Map.of("Retry-After", Long.toString(d.resetSeconds())));
      }
    }
    JobId id = pending.submit(request.userId(), () -> generator.submit(request));
    ctx.header("Location", "/api/jobs/" + id.value());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("jobId", id.value());
    answer.put("status", "queued");
    answer.put("source", type.startsWith("multipart/") ? "upload" : "url");
    ctx.status(201).json(answer);
  }

  private void checkBackPressure() {
    long critical = server.criticalQueueDepth();
    if (critical > 0) {
      var stats = generator.stats();
      long backlog = stats.waiting() + stats.delayed();
      if (backlog >= critical) {
        throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "the queue holds " + backlog + " jobs waiting (critical depth " + critical + "); try again later",
            List.of(), Map.of("Retry-After", Long.toString(server.retryAfter().toSeconds())));
      }
    }
  }

  private GenerationRequest fromUpload(Context ctx, ApiKeys.Caller caller) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared < 0) {
      throw new ApiException(ErrorCode.VALIDATION_ERROR, "an upload must declare its Content-Length");
    }
    if (declared > MAX_UPLOAD_BYTES) {
      throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
          "the upload has " + declared + " bytes: send at most " + MAX_UPLOAD_BYTES);
    }
    List<String> problems = new ArrayList<>();
    UploadedFile file = ctx.uploadedFile("image");
    SourceImage source = null;
    if (file == null) {
      problems.add("image is missing: send the picture as the multipart file part 'image'");
    } else {
      try (InputStream in = file.content()) {
        source = SourceImage.ofBytes(in.readNBytes((int) MAX_UPLOAD_BYTES + 1));
      } catch (InvalidRequestException e) {
        problems.addAll(e.problems());
      }
    }
    String platforms = ctx.formParam("platforms");
    List<String> ids = platforms == null ? List.of() : Arrays.stream(platforms.split(",")).map(String::trim).toList();
    return build(problems, ctx.formParam("userId"), caller, source, ids, ctx.formParam("format"));
  }

  private GenerationRequest fromJson(JsonNode body, ApiKeys.Caller caller) {
    List<String> problems = new ArrayList<>();
    if (body == null || !body.isObject()) {
      throw ApiException.validation(List.of("the body must be a JSON object"));
    }
    SourceImage source = null;
    JsonNode url = body.get("imageUrl");
    if (url == null || !url.isTextual()) {
      problems.add("imageUrl is missing: give the https address of the picture (or upload it as multipart 'image')");
    } else {
      try {
        source = SourceImage.ofUrl(url.asText());
      } catch (InvalidRequestException e) {
        problems.addAll(e.problems());
      }
    }
    List<String> ids = new ArrayList<>();
    JsonNode platforms = body.get("platforms");
    if (platforms != null && platforms.isArray()) {
      platforms.forEach(p -> ids.add(p.asText()));
    }
    JsonNode user = body.get("userId");
    JsonNode format = body.path("options").get("format");
    return build(problems, user != null && user.isTextual() ? user.asText() : null, caller, source, ids,
        format != null && format.isTextual() ? format.asText() : null);
  }

  private GenerationRequest build(List<String> problems, String userId, ApiKeys.Caller caller, SourceImage source,
      List<String> platforms, String format) {
    String user = userId != null ? userId : caller.userId();
    if (user == null) {
      problems.add("userId is missing");
    } else if (caller.userId() != null && !caller.admin() && !caller.userId().equals(user)) {
      throw new ApiException(ErrorCode.FORBIDDEN, "this API key may only render for its own user");
    }
    OutputOptions output = OutputOptions.defaults();
    if (format != null) {
      OutputFormat f = OutputFormat.parse(format).orElse(null);
      if (f == null) {
        problems.add("format '" + ApiException.abbreviate(format) + "' is not known: use one of "
            + Arrays.stream(OutputFormat.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList());
      } else {
        output = output.withFormat(f);
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    return GenerationRequest.builder().userId(user).source(source).platforms(platforms).output(output).build();
  }
}
