package com.snapasset.spi;

import com.snapasset.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The history of finished generations and their images: the original's {@code generations} and
 * {@code generated_images} tables. The engine records every completed job here.
 *
 * <p>Implementations are thread-safe and throw {@link StorageException} (retryable or not) instead
 * of their driver's exceptions.
 */
public interface GenerationCatalog {

  /**
   * Records a generation with all its assets atomically: both or neither. Recording the same
   * generation id again is harmless.
   *
   * @param record the generation and its assets
   */
  void record(GenerationRecord record);

  /**
   * The generation of {@code generationId}, with its assets.
   *
   * @param generationId the id
   * @return the generation, or empty
   */
  Optional<GenerationRecord> find(String generationId);

  /**
   * A user's generations, newest first.
   *
   * @param limit 1–100 entries
   * @param cursor null for the first page, else {@link CatalogPage#nextCursor()} of the previous one
   * @param userId whose generations
   * @return newest first, with the cursor of the next page
   */
  CatalogPage latest(String userId, int limit, @Nullable String cursor);

  /**
   * Deletes up to {@code limit} generations created before {@code cutoff} and returns them, so the
   * caller can delete their files too.
   *
   * @param cutoff generations created before this go
   * @param limit most generations deleted
   * @return the deleted generations
   */
  List<GenerationRecord> deleteOlderThan(Instant cutoff, int limit);
}
