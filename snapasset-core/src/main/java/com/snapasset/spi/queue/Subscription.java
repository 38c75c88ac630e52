package com.snapasset.spi.queue;

/** A registration that ends when closed. Closing twice is harmless. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
