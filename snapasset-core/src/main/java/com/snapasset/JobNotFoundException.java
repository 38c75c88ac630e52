package com.snapasset;

/** No job of the given id exists (it never did, or it was cleaned up). */
public final class JobNotFoundException extends SnapAssetException {
  private static final long serialVersionUID = 1L;

  private final JobId jobId;

  public JobNotFoundException(JobId jobId) {
    super("job " + jobId + " not found", null, false);
    this.jobId = jobId;
  }

  public JobId jobId() {
    return jobId;
  }
}
