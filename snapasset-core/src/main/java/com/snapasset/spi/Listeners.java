package com.snapasset.spi;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners of one kind, told about events one after the other. A listener that throws is logged
 * and skipped: it can break neither the caller (a job, a queue) nor the listeners after it. For
 * adapters that publish events ({@link JobQueue#subscribe}) as much as for the engine.
 *
 * <p>Thread-safe; adding or removing while events are delivered is allowed (copy-on-write, as
 * listener lists are read far more often than changed).
 *
 * @param <L> the listener type
 */
public final class Listeners<L> {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final String kind;
  private final List<L> listeners = new CopyOnWriteArrayList<>();

  /** @param kind names the listeners in log lines, e.g. {@code job listener} */
  public Listeners(String kind) {
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public void add(L listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void remove(L listener) {
    listeners.remove(listener);
  }

  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Calls {@code call} on every listener, logging (not throwing) what a listener throws. */
  public void each(Consumer<? super L> call) {
    for (L l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("{} {} failed", kind, l, e);
      }
    }
  }
}
