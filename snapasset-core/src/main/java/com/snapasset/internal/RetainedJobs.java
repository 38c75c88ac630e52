package com.snapasset.internal;

import com.snapasset.Asset;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobOptions;
import com.snapasset.JobState;
import com.snapasset.OutputOptions;
import com.snapasset.StageTimings;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import java.time.Duration;
import java.util.Optional;

/**
 * Completed jobs the queue no longer holds ({@code keepCompleted} trimmed them), answered from the
 * catalog, which keeps every finished generation under an id derived from its job's id. What the
 * catalog does not keep (attempts, priority, stage timings, output options) is left at neutral
 * values.
 */
final class RetainedJobs {
  private RetainedJobs() {}

  /** The completed job {@code id} as the catalog remembers it, if it does. */
  public static Optional<Job> find(GenerationCatalog catalog, JobId id) {
    return catalog.find(GenerationJobHandler.generationIdOf(id.value()))
        .filter(r -> id.value().equals(r.jobId()))
        .map(r -> toJob(id, r));
  }

  /** What the request named: a preset id, or {@code WxH} for a custom size (stored as {@code custom-WxH}). */
  private static String requested(Asset a) {
    String id = a.platformId();
    return id.equals("custom-" + a.width() + "x" + a.height()) ? a.width() + "x" + a.height() : id;
  }

  static Job toJob(JobId id, GenerationRecord r) {
    GenerationRequest request = GenerationRequest.builder()
        .userId(r.userId())
        .prompt(r.prompt())
        .platforms(r.assets().stream().map(RetainedJobs::requested).toList())
        .image(r.image())
        .output(r.assets().isEmpty() ? OutputOptions.defaults() : OutputOptions.of(r.assets().get(0).format()))
        .build();
    StageTimings none = new StageTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    GenerationResult result = new GenerationResult(r.generationId(), r.userId(), r.assets(), r.revisedPrompt(),
        r.provider(), r.costUsd(), false, none);
    return new Job(id, JobState.COMPLETED, 100, 1, JobOptions.defaults().attempts(), 0, r.createdAt(), null,
        r.createdAt(), request, result, null);
  }
}
