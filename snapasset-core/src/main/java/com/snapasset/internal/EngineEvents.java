package com.snapasset.internal;

import com.snapasset.GenerationListener;
import com.snapasset.OutputFormat;
import com.snapasset.spi.Listeners;
import java.math.BigDecimal;
import java.time.Duration;

/** Fans stage events out to {@link GenerationListener}s; a listener that throws is logged. */
final class EngineEvents {
  private final Listeners<GenerationListener> listeners = new Listeners<>("generation listener");

  void add(GenerationListener listener) {
    listeners.add(listener);
  }

  void remove(GenerationListener listener) {
    listeners.remove(listener);
  }

  void providerCalled(String provider, Duration latency, BigDecimal cost) {
    listeners.each(l -> l.onProviderCall(provider, latency, cost));
  }

  void baseImageLookup(boolean hit) {
    listeners.each(l -> l.onBaseImageLookup(hit));
  }

  void rendered(OutputFormat format, Duration duration) {
    listeners.each(l -> l.onRendered(format, duration));
  }

  void stored(Duration duration, long bytes) {
    listeners.each(l -> l.onStored(duration, bytes));
  }

}
