package com.snapasset.spi.queue;

import com.snapasset.spi.JobQueue;

/** What {@link JobQueue#renewLock} found. */
public enum LockStatus {
  /** The caller holds the lock, now extended. */
  HELD,
  /** The caller no longer holds the lock (it expired and the job moved on, or it was removed). */
  LOST,
  /** The caller holds the lock but the job was cancelled: stop and fail it. */
  CANCELLED
}
