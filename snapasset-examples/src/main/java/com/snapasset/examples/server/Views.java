package com.snapasset.examples.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.snapasset.Asset;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Job;
import com.snapasset.JobState;
import com.snapasset.Platform;
import com.snapasset.StageTimings;
import com.snapasset.spi.GenerationRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON shapes the API answers with, as records Jackson writes field by field. */
final class Views {
  private Views() {}

  static String status(JobState state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  record JobView(
      String jobId,
      String status,
      int progress,
      int attempts,
      int maxAttempts,
      int priority,
      String userId,
      String prompt,
      List<String> platforms,
      @Nullable ResultView result,
      @Nullable String failedReason,
      Instant createdAt,
      @Nullable Instant processedAt,
      @Nullable Instant finishedAt,
      DataView data,
      List<String> logs) {

    /** The job as anyone may see it: nothing that tells whether its base image came from the cache. */
    static JobView of(Job job) {
      return of(job, false);
    }

    /** @param operator whether to show cache facts (the admin key only: they reveal other users' prompts) */
    static JobView of(Job job, boolean operator) {
      return new JobView(job.id().value(), Views.status(job.state()), job.progress(), job.attemptsMade(),
          job.maxAttempts(), job.priority(), job.request().userId(), job.request().prompt(),
          job.request().platforms(), job.result() == null ? null : ResultView.of(job.result(), operator),
          job.failedReason(), job.createdAt(), job.startedAt(), job.finishedAt(), DataView.of(job.request()),
          logs(job));
    }

    /** The original's {@code logs}: here the job's milestones, as its worker would have logged them. */
    private static List<String> logs(Job job) {
      List<String> lines = new ArrayList<>();
      lines.add(job.createdAt() + " queued");
      if (job.startedAt() != null) {
        lines.add(job.startedAt() + " attempt " + Math.max(1, job.attemptsMade()) + " of " + job.maxAttempts()
            + " started");
      }
      if (job.finishedAt() != null) {
        lines.add(job.finishedAt() + " " + Views.status(job.state())
            + (job.failedReason() != null && job.state() == JobState.FAILED ? ": " + job.failedReason() : ""));
      }
      return lines;
    }
  }

  /** The original's {@code data}: the job's request as it was submitted. */
  record DataView(String userId, String prompt, List<String> platforms, Map<String, Object> options) {
    static DataView of(GenerationRequest r) {
      Map<String, Object> options = new LinkedHashMap<>();
      options.put("model", r.image().model());
      options.put("quality", r.image().quality());
      options.put("style", r.image().style());
      options.put("size", r.image().size());
      options.put("format", r.output().format().name().toLowerCase(Locale.ROOT));
      options.put("priority", r.job().priority());
      return new DataView(r.userId(), r.prompt(), r.platforms(), options);
    }
  }

  /**
   * A result. The base-image cache is shared by every user, so whether a result came from it (the
   * flag, the zero cost, the skipped provider time) would tell a user that someone else asked for
   * the same prompt: those fields are shown to operators (the admin key) only. The saving stays.
   */
  record ResultView(
      String generationId,
      List<AssetView> assets,
      @Nullable String revisedPrompt,
      String provider,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BigDecimal costUsd,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean cached,
      TimingsView timingsMs) {

    static ResultView of(GenerationResult r, boolean operator) {
      return new ResultView(r.generationId(), r.assets().stream().map(AssetView::of).toList(),
          r.revisedPrompt(), r.provider(), operator ? r.costUsd() : null, operator ? r.baseImageCached() : null,
          TimingsView.of(r.timings(), operator));
    }
  }

  record TimingsView(
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long provider, long decode, long render, long store,
      long total) {
    static TimingsView of(StageTimings t, boolean operator) {
      return new TimingsView(operator ? t.provider().toMillis() : null, t.decode().toMillis(), t.render().toMillis(),
          t.store().toMillis(), t.total().toMillis());
    }
  }

  record AssetView(
      String platform, String platformName, int width, int height, String format, long size, String url) {
    static AssetView of(Asset a) {
      return new AssetView(a.platformId(), a.platformName(), a.width(), a.height(),
          a.format().extension(), a.byteSize(), a.url().toString());
    }
  }

  record GenerationView(
      String generationId,
      @Nullable String jobId,
      String userId,
      String prompt,
      @Nullable String revisedPrompt,
      String model,
      String quality,
      String style,
      String provider,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable BigDecimal costUsd,
      Instant createdAt,
      List<AssetView> assets) {

    /** @param operator whether to show the cost, which is zero when the base image came from the shared cache */
    static GenerationView of(GenerationRecord g, boolean operator) {
      return new GenerationView(g.generationId(), g.jobId(), g.userId(), g.prompt(), g.revisedPrompt(),
          g.image().model(), g.image().quality(), g.image().style(), g.provider(), operator ? g.costUsd() : null,
          g.createdAt(), g.assets().stream().map(AssetView::of).toList());
    }
  }

  record PlatformView(String id, String name, int width, int height, String aspectRatio) {
    static PlatformView of(Platform p) {
      int g = gcd(p.width(), p.height());
      return new PlatformView(p.id(), p.name(), p.width(), p.height(), p.width() / g + ":" + p.height() / g);
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }

  /**
   * The one error shape. {@code success: false} is the original's marker of a failed call, kept so
   * its clients' {@code if (!body.success)} checks keep working.
   */
  @JsonPropertyOrder({"success", "error", "message", "code", "timestamp", "details", "required"})
  record ErrorView(String error, String message, String code, Instant timestamp, @Nullable List<String> details,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> required) {
    ErrorView(String error, String message, String code, Instant timestamp, @Nullable List<String> details) {
      this(error, message, code, timestamp, details, null);
    }

    @JsonProperty("success")
    boolean success() {
      return false;
    }
  }
}
