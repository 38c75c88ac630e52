package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.JobOptions;
import com.snapasset.Platform;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import com.snapasset.spi.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Runs a queued generation job: reads the request, checks its platforms against this JVM's
 * registry, runs the pipeline and records the result in the catalog.
 *
 * <p>The generation id is derived from the job id, so every attempt of a job writes the same
 * storage keys: a retry overwrites what a failed attempt left instead of orphaning it.
 */
public final class GenerationJobHandler implements JobHandler {
  private final GenerationPipeline pipeline;
  private final RequestValidator validator;
  private final @Nullable GenerationCatalog catalog;
  private final Clock clock;

  public GenerationJobHandler(
      GenerationPipeline pipeline, RequestValidator validator, @Nullable GenerationCatalog catalog, Clock clock) {
    this.pipeline = pipeline;
    this.validator = validator;
    this.catalog = catalog;
    this.clock = clock;
  }

  @Override
  public Prepared prepare(QueuedJob job) {
    GenerationRequest request = JobCodec.readRequest(job.payload());
    return new Prepared() {
      @Override
      public JobOptions options() {
        return request.job();
      }

      @Override
      public String run(JobContext context) throws InterruptedException {
        List<Platform> platforms = validator.validate(request);
        String generationId = generationIdOf(job.id().value());
        GenerationResult result = pipeline.run(generationId, request, platforms, context::progress);
        record(catalog, clock, job.id().value(), request, result);
        return JobCodec.writeResult(result);
      }
    };
  }

  /** A stable UUID for a job id. */
  public static String generationIdOf(String jobId) {
    return UUID.nameUUIDFromBytes(("snapasset-job:" + jobId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Records a finished generation, when a catalog is configured. */
  public static void record(
      @Nullable GenerationCatalog catalog, Clock clock, @Nullable String jobId, GenerationRequest request,
      GenerationResult result) {
    if (catalog == null) {
      return;
    }
    catalog.record(new GenerationRecord(result.generationId(), jobId, request.userId(), request.prompt(),
        result.revisedPrompt(), request.image(), result.provider(), result.costUsd(), clock.instant(),
        result.assets()));
  }
}
