package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/** Stage 4: the finished generation recorded in the catalog, stamped with the engine's clock. */
final class RecordStage {
  private final GenerationCatalog catalog;
  private final Clock clock;

  RecordStage(GenerationCatalog catalog, Clock clock) {
    this.catalog = catalog;
    this.clock = clock;
  }

  /** @param jobId the queued job's id; null for a synchronous generation */
  void record(@Nullable String jobId, GenerationRequest request, GenerationResult result) {
    catalog.record(new GenerationRecord(result.generationId(), jobId, request.userId(), request.prompt(),
        result.revisedPrompt(), request.image(), result.provider(), result.costUsd(), clock.instant(),
        result.assets()));
  }
}
