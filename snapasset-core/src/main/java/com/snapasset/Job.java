package com.snapasset;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one job, as the queue held it when asked.
 *
 * @param id the job's id
 * @param state where the job is in its life
 * @param progress 0–100
 * @param attemptsMade attempts finished so far (a running attempt is not counted)
 * @param maxAttempts attempts allowed in all
 * @param priority lower is served first
 * @param createdAt when the job was added
 * @param startedAt when its latest attempt started, if any has
 * @param finishedAt when it completed or finally failed
 * @param request what was asked for
 * @param result the result, once completed
 * @param failedReason why the latest attempt failed, if one did
 */
public record Job(
    JobId id,
    JobState state,
    int progress,
    int attemptsMade,
    int maxAttempts,
    int priority,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    GenerationRequest request,
    @Nullable GenerationResult result,
    @Nullable String failedReason) {

  /**
   * Checks the components; see the class description.
   *
   * @param id the job's id
   * @param state where the job is in its life
   * @param progress 0–100
   * @param attemptsMade attempts finished so far (a running attempt is not counted)
   * @param maxAttempts attempts allowed in all
   * @param priority lower is served first
   * @param createdAt when the job was added
   * @param startedAt when its latest attempt started, if any has
   * @param finishedAt when it completed or finally failed
   * @param request what was asked for
   * @param result the result, once completed
   * @param failedReason why the latest attempt failed, if one did
   */
  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(request, "request");
  }

  /**
   * The result, present once the job completed.
   *
   * @return the result, or empty
   */
  public Optional<GenerationResult> resultIfCompleted() {
    return Optional.ofNullable(result);
  }

  /**
   * Whether the job will change no more.
   *
   * @return true once completed or failed
   */
  public boolean isFinished() {
    return state.isFinished();
  }
}
