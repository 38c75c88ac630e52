package com.snapasset.spi.queue;

/**
 * Receives {@link QueueEvent}s. Called on a queue thread (or the thread that made the change): must
 * not block and should not throw; a queue logs and ignores what it throws.
 */
@FunctionalInterface
public interface QueueEventListener {
  void onEvent(QueueEvent event);
}
