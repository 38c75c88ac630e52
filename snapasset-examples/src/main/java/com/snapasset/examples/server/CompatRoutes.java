package com.snapasset.examples.server;

import com.snapasset.AssetGenerator;
import io.javalin.Javalin;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes only the original's clients need: the API description at {@code /api} and the health of
 * its event streams at {@code /api/sse/health}. (Its job stream, {@code /api/sse/jobs/{id}}, is a
 * job route.)
 */
final class CompatRoutes {
  private final AssetGenerator generator;
  private final JobEventStreams events;
  private final Clock clock;
  private final String version;

  CompatRoutes(RouteContext context) {
    this.generator = context.generator();
    this.events = context.events();
    this.clock = context.clock();
    this.version = context.version();
  }

  void register(Javalin app) {
    app.get("/api", ctx -> {
      Map<String, Object> endpoints = new LinkedHashMap<>();
      endpoints.put("health", "/health");
      endpoints.put("docs", "/api-docs");
      endpoints.put("platforms", "/api/platforms");
      endpoints.put("generate", "/api/generate");
      endpoints.put("jobs", "/api/jobs");
      endpoints.put("sse", "/api/sse");
      endpoints.put("queue", "/api/queue");
      endpoints.put("metrics", "/metrics");
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("name", "SnapAsset API");
      // The original's own test reads "message"; its server sent "name": both, so either client works.
      answer.put("message", "SnapAsset API");
      answer.put("version", version);
      answer.put("description", "One prompt in, publish-ready images for every social platform out");
      answer.put("provider", generator.providerName());
      answer.put("endpoints", endpoints);
      ctx.header("Cache-Control", "no-cache");
      ctx.json(answer);
    });
    app.get("/api/sse/health", ctx -> {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("status", "ok");
      answer.put("activeConnections", events.openStreams());
      answer.put("timestamp", clock.instant());
      ctx.header("Cache-Control", "no-cache");
      ctx.json(answer);
    });
  }
}
