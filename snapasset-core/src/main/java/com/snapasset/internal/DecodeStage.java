package com.snapasset.internal;

import com.snapasset.spi.DecodedImage;
import com.snapasset.spi.ImageProcessor;
import java.time.Duration;

/** Stage 2: the base image decoded once (size-guarded by the processor), for every rendition. */
final class DecodeStage {
  private final ImageProcessor processor;

  DecodeStage(ImageProcessor processor) {
    this.processor = processor;
  }

  record Decoded(DecodedImage image, Duration took) {}

  Decoded decode(byte[] data) {
    long t0 = System.nanoTime();
    DecodedImage image = processor.decode(data);
    return new Decoded(image, Duration.ofNanos(System.nanoTime() - t0));
  }
}
