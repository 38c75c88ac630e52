package com.snapasset;

/** No job of the given id exists (it never did, or it was cleaned up). */
public final class JobNotFoundException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  /** The job that was asked for. */
  private final JobId jobId;

  /**
   * No job with this id.
   *
   * @param jobId the id asked for
   */
  public JobNotFoundException(JobId jobId) {
    super("job " + jobId + " not found", null, false);
    this.jobId = jobId;
  }

  /**
   * The id that was asked for.
   *
   * @return the id
   */
  public JobId jobId() {
    return jobId;
  }
}
