package com.snapasset.internal;

import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import java.math.BigDecimal;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Stage 1: the base image of a prompt, from the cache when an identical prompt was paid for
 * already, else from the provider (and then cached).
 */
final class BaseImageStage {
  private final ImageProvider provider;
  private final CachedBaseImages cache;
  private final EngineEvents events;

  BaseImageStage(ImageProvider provider, CachedBaseImages cache, EngineEvents events) {
    this.provider = provider;
    this.cache = cache;
    this.events = events;
  }

  /** The base image and what it cost; {@code providerTime} is zero on a cache hit. */
  record BaseImage(byte[] data, @Nullable String revisedPrompt, BigDecimal cost, boolean fromCache,
      Duration providerTime) {}

  String providerName() {
    return provider.name();
  }

  BaseImage fetch(ImagePrompt prompt) {
    String key = CachedBaseImages.key(provider.name(), prompt);
    CachedBaseImages.Entry cached = cache.get(key);
    events.baseImageLookup(cached != null);
    if (cached != null) {
      return new BaseImage(cached.image(), cached.revisedPrompt(), BigDecimal.ZERO, true, Duration.ZERO);
    }
    long t0 = System.nanoTime();
    ProviderImage image = provider.generate(prompt);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    events.providerCalled(provider.name(), took, image.costUsd());
    cache.put(key, new CachedBaseImages.Entry(image.data(), image.revisedPrompt()));
    return new BaseImage(image.data(), image.revisedPrompt(), image.costUsd(), false, took);
  }
}
