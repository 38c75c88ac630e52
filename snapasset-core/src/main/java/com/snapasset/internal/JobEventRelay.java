package com.snapasset.internal;

import com.snapasset.GenerationResult;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.spi.Listeners;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the queue's events into {@link JobListener} calls, and wakes callers waiting for a job to
 * finish. A listener that throws is logged and cannot break a job or other listeners.
 */
final class JobEventRelay implements QueueEventListener {
  private static final Logger log = LoggerFactory.getLogger(JobEventRelay.class);

  private final Listeners<JobListener> listeners = new Listeners<>("job listener");
  private final Map<JobId, List<Runnable>> finishWaiters = new ConcurrentHashMap<>();

  void add(JobListener listener) {
    listeners.add(listener);
  }

  void remove(JobListener listener) {
    listeners.remove(listener);
  }

  /** Runs {@code onFinish} once when the job completes, fails for good or is removed. */
  Runnable onFinish(JobId id, Runnable onFinish) {
    finishWaiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(onFinish);
    return () -> finishWaiters.computeIfPresent(id, (k, list) -> {
      list.remove(onFinish);
      return list.isEmpty() ? null : list;
    });
  }

  @Override
  public void onEvent(QueueEvent e) {
    JobId id = e.jobId();
    switch (e.type()) {
      case ADDED -> listeners.each(l -> l.onAdded(id));
      case ACTIVE -> listeners.each(l -> l.onActive(id, e.number()));
      case PROGRESS -> listeners.each(l -> l.onProgress(id, e.number()));
      case COMPLETED -> {
        if (!listeners.isEmpty() && e.data() != null) {
          try {
            GenerationResult result = JobCodec.readResult(e.data());
            listeners.each(l -> l.onCompleted(id, result));
          } catch (RuntimeException ex) {
            log.warn("result of job {} is not readable; listeners not told", id, ex);
          }
        }
        wake(id);
      }
      case RETRYING -> listeners.each(l -> l.onRetrying(id, String.valueOf(e.data())));
      case FAILED -> {
        listeners.each(l -> l.onFailed(id, String.valueOf(e.data())));
        wake(id);
      }
      case STALLED -> listeners.each(l -> l.onStalled(id));
      case REMOVED -> wake(id);
    }
  }

  private void wake(JobId id) {
    List<Runnable> waiters = finishWaiters.remove(id);
    if (waiters != null) {
      waiters.forEach(Runnable::run);
    }
  }

}
