package com.snapasset.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.snapasset.AssetGenerator;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Health, platforms, queue statistics and the admin queue routes. */
final class QueueRoutes {
  private final RouteContext context;
  private final AssetGenerator generator;
  private final Instant started;

  QueueRoutes(RouteContext context) {
    this.context = context;
    this.generator = context.generator();
    this.started = context.clock().instant();
  }

  void register(Javalin app) {
    app.get("/health", this::health);
    app.get("/api/platforms", this::platforms);
    app.get("/api/queue/stats", this::stats);
    app.post("/api/queue/pause", ctx -> {
      ApiServer.requireAdmin(ctx);
      generator.pause();
      ctx.json(Map.of("paused", true));
    });
    app.post("/api/queue/resume", ctx -> {
      ApiServer.requireAdmin(ctx);
      generator.resume();
      ctx.json(Map.of("paused", false));
    });
    app.post("/api/queue/clean", this::clean);
    app.get("/api/alerts", ctx -> {
      ApiServer.requireAdmin(ctx);
      Supplier<Object> alerts = context.alerts();
      ctx.json(Map.of("alerts", alerts == null ? List.of() : alerts.get()));
    });
  }

  private void health(Context ctx) {
    Map<String, Object> queue = new LinkedHashMap<>();
    boolean reachable;
    try {
      QueueStats s = generator.stats();
      reachable = true;
      queue.put("reachable", true);
      queue.put("paused", s.paused());
      queue.put("waiting", s.waiting());
      queue.put("active", s.active());
    } catch (RuntimeException e) {
      reachable = false;
      queue.put("reachable", false);
      queue.put("error", e.getClass().getSimpleName());
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", reachable ? "ok" : "degraded");
    answer.put("version", context.version());
    answer.put("uptimeSeconds", Duration.between(started, context.clock().instant()).toSeconds());
    answer.put("provider", generator.providerName());
    answer.put("queue", queue);
    answer.put("timestamp", context.clock().instant());
    ctx.header("Cache-Control", "no-cache");
    ctx.status(reachable ? 200 : 503).json(answer);
  }

  private void platforms(Context ctx) {
    ctx.header("Cache-Control", "public, max-age=300");
    ctx.json(Map.of("platforms", generator.platforms().all().stream().map(Views.PlatformView::of).toList()));
  }

  private void stats(Context ctx) {
    QueueStats s = generator.stats();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("waiting", s.waiting());
    answer.put("active", s.active());
    answer.put("completed", s.completed());
    answer.put("failed", s.failed());
    answer.put("delayed", s.delayed());
    answer.put("total", s.total());
    answer.put("paused", s.paused());
    ctx.header("Cache-Control", "no-cache");
    ctx.json(answer);
  }

  /** Bull's {@code clean(grace, status)}: removes finished jobs older than {@code grace} ms. */
  private void clean(Context ctx) {
    ApiServer.requireAdmin(ctx);
    JsonNode body = Bodies.json(ctx, context.json(), context.maxBodyBytes(), true);
    List<String> problems = new ArrayList<>();
    long graceMs = 0;
    JobState state = JobState.COMPLETED;
    int limit = 1000;
    if (body != null) {
      JsonNode g = body.get("grace");
      if (g != null && !g.isNull()) {
        if (!g.isIntegralNumber() || g.asLong() < 0) {
          problems.add("grace must be a whole number of milliseconds, 0 or more");
        } else {
          graceMs = g.asLong();
        }
      }
      JsonNode s = body.get("status");
      if (s != null && !s.isNull()) {
        String v = s.isTextual() ? s.asText() : "";
        if (v.equals("completed")) {
          state = JobState.COMPLETED;
        } else if (v.equals("failed")) {
          state = JobState.FAILED;
        } else {
          problems.add("status '" + ApiException.abbreviate(s.asText()) + "' cannot be cleaned: use completed or failed");
        }
      }
      JsonNode l = body.get("limit");
      if (l != null && !l.isNull()) {
        if (!l.isIntegralNumber() || l.asInt() < 1 || l.asInt() > 100_000) {
          problems.add("limit must be a whole number 1-100000");
        } else {
          limit = l.asInt();
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    int removed = generator.clean(state, Duration.ofMillis(graceMs), limit);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("removed", removed);
    answer.put("status", Views.status(state));
    answer.put("grace", graceMs);
    ctx.json(answer);
  }
}
