package com.snapasset;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one generation produced.
 *
 * @param generationId unique id of this generation; also the storage folder of its files
 * @param userId the requesting user
 * @param assets one per requested platform, in the order requested
 * @param revisedPrompt the prompt as the provider rewrote it, if it did
 * @param provider name of the image provider used
 * @param costUsd what the provider call cost, in US dollars (zero when the base image was cached)
 * @param baseImageCached whether the base image came from the cache instead of the provider
 * @param timings where the time went
 */
public record GenerationResult(
    String generationId,
    String userId,
    List<Asset> assets,
    @Nullable String revisedPrompt,
    String provider,
    BigDecimal costUsd,
    boolean baseImageCached,
    StageTimings timings) {

  /**
   * Checks the components; see the class description.
   *
   * @param generationId unique id of this generation; also the storage folder of its files
   * @param userId the requesting user
   * @param assets one per requested platform, in the order requested
   * @param revisedPrompt the prompt as the provider rewrote it, if it did
   * @param provider name of the image provider used
   * @param costUsd what the provider call cost, in US dollars (zero when the base image was cached)
   * @param baseImageCached whether the base image came from the cache instead of the provider
   * @param timings where the time went
   */
  public GenerationResult {
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(userId, "userId");
    assets = List.copyOf(assets);
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(costUsd, "costUsd");
    Objects.requireNonNull(timings, "timings");
  }
}
