package com.snapasset.internal;

import com.snapasset.ImageOptions;
import com.snapasset.ProviderException;
import com.snapasset.SnapAssetException;
import com.snapasset.StorageException;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.CatalogPage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.GenerationRecord;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ProviderImage;
import com.snapasset.spi.StoredObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The ports as the engine calls them: each call of a dependency goes through its {@link
 * CircuitBreaker} (fails fast while it is open, feeds it the outcome), so the engine knows exactly
 * which dependency is down. Failures keep the port's own exception types.
 *
 * <p>The provider call also runs on a pool thread of its own, so that a job that is cancelled or
 * timed out abandons it at once instead of waiting for an HTTP client that ignores interrupts.
 */
final class Guarded {
  private Guarded() {}

  public static ImageProvider provider(ImageProvider delegate, Outages outages, @Nullable ExecutorService callPool) {
    CircuitBreaker breaker = outages.breaker(Dependency.PROVIDER);
    return new ImageProvider() {
      @Override
      public ProviderImage generate(ImagePrompt prompt) {
        return call(breaker, () -> abandonable(callPool, () -> delegate.generate(prompt)),
            m -> ProviderException.retryable(m, null, null));
      }

      @Override
      public String name() {
        return delegate.name();
      }

      @Override
      public void validate(ImageOptions options) {
        delegate.validate(options);
      }

      @Override
      public String toString() {
        return delegate.toString();
      }
    };
  }

  public static AssetStorage storage(AssetStorage delegate, Outages outages) {
    CircuitBreaker breaker = outages.breaker(Dependency.STORAGE);
    Function<String, RuntimeException> unavailable = m -> StorageException.retryable(m, null);
    return new AssetStorage() {
      @Override
      public URI put(String key, byte[] data, String contentType, String cacheControl) {
        return call(breaker, () -> delegate.put(key, data, contentType, cacheControl), unavailable);
      }

      @Override
      public Optional<byte[]> get(String key) {
        return delegate.get(key);
      }

      // Deletes and listings are clean-up: they bypass the breaker, so a rollback is still tried.
      @Override
      public boolean delete(String key) {
        return delegate.delete(key);
      }

      @Override
      public List<StoredObject> list(String prefix) {
        return delegate.list(prefix);
      }

      @Override
      public URI url(String key) {
        return delegate.url(key);
      }

      @Override
      public int deleteOlderThan(String prefix, Instant cutoff) {
        return delegate.deleteOlderThan(prefix, cutoff);
      }

      @Override
      public String toString() {
        return delegate.toString();
      }
    };
  }

  public static GenerationCatalog catalog(GenerationCatalog delegate, Outages outages) {
    CircuitBreaker breaker = outages.breaker(Dependency.CATALOG);
    return new GenerationCatalog() {
      @Override
      public void record(GenerationRecord record) {
        call(breaker, () -> {
          delegate.record(record);
          return null;
        }, m -> StorageException.retryable(m, null));
      }

      @Override
      public Optional<GenerationRecord> find(String generationId) {
        return delegate.find(generationId);
      }

      @Override
      public CatalogPage latest(String userId, int limit, @Nullable String cursor) {
        return delegate.latest(userId, limit, cursor);
      }

      @Override
      public List<GenerationRecord> deleteOlderThan(Instant cutoff, int limit) {
        return delegate.deleteOlderThan(cutoff, limit);
      }

      @Override
      public String toString() {
        return delegate.toString();
      }
    };
  }

  private static <T> T call(CircuitBreaker breaker, Supplier<T> action, Function<String, RuntimeException> unavailable) {
    if (!breaker.tryAcquire()) {
      throw unavailable.apply(breaker.dependency().label() + " unavailable: not called after repeated"
          + " failures; trying again from " + breaker.retryAt());
    }
    boolean reported = false;
    try {
      T result = action.get();
      breaker.onSuccess();
      reported = true;
      return result;
    } catch (SnapAssetException e) {
      if (Thread.currentThread().isInterrupted()) {
        return rethrow(e); // abandoned: says nothing about the dependency
      }
      // A permanent refusal or a rate limit is an answer: the dependency is up.
      if (e.isRetryable() && !(e instanceof ProviderException pe && pe.isRateLimit())) {
        breaker.onFailure();
      } else {
        breaker.onSuccess();
      }
      reported = true;
      throw e;
    } finally {
      if (!reported) {
        breaker.onAbandoned();
      }
    }
  }

  private static <T> T rethrow(RuntimeException e) {
    throw e;
  }

  /** Runs {@code action} on the pool and waits for it interruptibly; interrupting abandons it. */
  private static <T> T abandonable(@Nullable ExecutorService pool, Supplier<T> action) {
    if (pool == null) {
      return action.get();
    }
    Future<T> f = pool.submit(action::get);
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new SnapAssetException("call abandoned: the job was stopped", e, true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new SnapAssetException("call failed: " + cause, cause, true);
    }
  }
}
