package com.snapasset;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Hears the stages inside a generation, for metrics: provider latency and spend, cache hits, render
 * and upload times. Every method has an empty default. Called on engine threads: return quickly; a
 * listener that throws is logged and ignored.
 */
public interface GenerationListener {

  /**
   * The image provider was called (not called on a cache hit).
   *
   * @param provider the provider's name
   * @param latency how long the call took
   * @param costUsd what it cost in US dollars
   */
  default void onProviderCall(String provider, Duration latency, BigDecimal costUsd) {}

  /**
   * The base-image cache was asked; {@code hit} says whether it had the image.
   *
   * @param hit true when the cache had the image
   */
  default void onBaseImageLookup(boolean hit) {}

  /**
   * One rendition was rendered and encoded.
   *
   * @param format the encoding
   * @param duration rendering plus encoding
   */
  default void onRendered(OutputFormat format, Duration duration) {}

  /**
   * One file was stored.
   *
   * @param duration how long storing took
   * @param bytes the file's size
   */
  default void onStored(Duration duration, long bytes) {}
}
