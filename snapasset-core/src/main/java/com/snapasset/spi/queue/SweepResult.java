package com.snapasset.spi.queue;

import com.snapasset.JobId;
import java.util.List;

/**
 * What a stalled-job sweep did.
 *
 * @param recovered jobs put back to waiting
 * @param failed jobs failed for stalling too often
 */
public record SweepResult(List<JobId> recovered, List<JobId> failed) {
  public SweepResult {
    recovered = List.copyOf(recovered);
    failed = List.copyOf(failed);
  }

  public static SweepResult empty() {
    return new SweepResult(List.of(), List.of());
  }
}
