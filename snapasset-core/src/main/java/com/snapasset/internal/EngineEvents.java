package com.snapasset.internal;

import com.snapasset.GenerationListener;
import com.snapasset.OutputFormat;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans stage events out to {@link GenerationListener}s; a listener that throws is logged. */
public final class EngineEvents {
  private static final Logger log = LoggerFactory.getLogger(EngineEvents.class);

  private final List<GenerationListener> listeners = new CopyOnWriteArrayList<>();

  public void add(GenerationListener listener) {
    listeners.add(listener);
  }

  public void remove(GenerationListener listener) {
    listeners.remove(listener);
  }

  void providerCalled(String provider, Duration latency, BigDecimal cost) {
    each(l -> l.onProviderCall(provider, latency, cost));
  }

  void baseImageLookup(boolean hit) {
    each(l -> l.onBaseImageLookup(hit));
  }

  void rendered(OutputFormat format, Duration duration) {
    each(l -> l.onRendered(format, duration));
  }

  void stored(Duration duration, long bytes) {
    each(l -> l.onStored(duration, bytes));
  }

  private void each(Consumer<GenerationListener> call) {
    for (GenerationListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.warn("generation listener {} failed", l, e);
      }
    }
  }
}
