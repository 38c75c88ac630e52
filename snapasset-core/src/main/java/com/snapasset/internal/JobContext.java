package com.snapasset.internal;

/** What a running job can tell its worker. */
interface JobContext {
  /** Reports progress 0–100; ignored once the worker lost the job. */
  void progress(int percent);
}
