package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.JobOptions;
import com.snapasset.Platform;
import com.snapasset.spi.queue.QueuedJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Runs a queued generation job: reads the request, checks its platforms against this JVM's
 * registry and runs the pipeline (which records the result in the catalog).
 *
 * <p>The generation id is derived from the job id, so every attempt of a job writes the same
 * storage keys: a retry overwrites what a failed attempt left instead of orphaning it.
 */
final class GenerationJobHandler implements JobHandler {
  private final GenerationPipeline pipeline;
  private final RequestValidator validator;

  GenerationJobHandler(GenerationPipeline pipeline, RequestValidator validator) {
    this.pipeline = pipeline;
    this.validator = validator;
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
        String jobId = job.id().value();
        GenerationResult result = pipeline.run(generationIdOf(jobId), jobId, request, platforms, context::progress);
        return JobCodec.writeResult(result);
      }
    };
  }

  /** A stable UUID for a job id. */
  static String generationIdOf(String jobId) {
    return UUID.nameUUIDFromBytes(("snapasset-job:" + jobId).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
