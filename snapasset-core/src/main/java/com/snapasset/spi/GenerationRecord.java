package com.snapasset.spi;

import com.snapasset.Asset;
import com.snapasset.ImageOptions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One finished generation as the catalog keeps it.
 *
 * @param generationId unique id
 * @param jobId the job that produced it, if any
 * @param userId the requesting user
 * @param prompt the user's prompt
 * @param revisedPrompt the provider's rewrite, if any
 * @param image model, quality, style and size asked for
 * @param provider name of the provider used
 * @param costUsd what the provider call cost
 * @param createdAt when it finished
 * @param assets its images, in the order requested
 */
public record GenerationRecord(
    String generationId,
    @Nullable String jobId,
    String userId,
    String prompt,
    @Nullable String revisedPrompt,
    ImageOptions image,
    String provider,
    BigDecimal costUsd,
    Instant createdAt,
    List<Asset> assets) {

  /**
   * Checks the components; see the class description.
   *
   * @param generationId unique id
   * @param jobId the job that produced it, if any
   * @param userId the requesting user
   * @param prompt the user's prompt
   * @param revisedPrompt the provider's rewrite, if any
   * @param image model, quality, style and size asked for
   * @param provider name of the provider used
   * @param costUsd what the provider call cost
   * @param createdAt when it finished
   * @param assets its images, in the order requested
   */
  public GenerationRecord {
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(costUsd, "costUsd");
    Objects.requireNonNull(createdAt, "createdAt");
    assets = List.copyOf(assets);
  }
}
