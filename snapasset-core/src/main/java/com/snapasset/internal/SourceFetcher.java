package com.snapasset.internal;

import com.snapasset.SourceFetchPolicy;
import com.snapasset.SourceImage;
import com.snapasset.SourceImageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Fetches a {@link SourceImage} URL under a {@link SourceFetchPolicy}, safe against server-side
 * request forgery: before each request (the first and every redirect) the scheme, the absence of
 * credentials and every address the host resolves to are checked; redirects are followed by hand;
 * the body is counted as it arrives and cut at the cap; one deadline covers the whole fetch. The
 * client has no proxy, cookie store or authenticator, so nothing of the caller's is sent.
 */
final class SourceFetcher {
  /** Resolves a host name; {@link InetAddress#getAllByName} outside tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final SourceFetchPolicy policy;
  private final HttpClient http;
  private final Resolver resolver;
  private final Predicate<InetAddress> allowedAddress;

  SourceFetcher(SourceFetchPolicy policy) {
    this(policy, InetAddress::getAllByName,
        policy.allowPrivateNetworks() ? a -> true : PublicAddresses::isPublic);
  }

  SourceFetcher(SourceFetchPolicy policy, Resolver resolver, Predicate<InetAddress> allowedAddress) {
    this.policy = policy;
    this.resolver = resolver;
    this.allowedAddress = allowedAddress;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(ProxySelector.of(null))
            .connectTimeout(policy.timeout())
            .build();
  }

  /**
   * The image's bytes.
   *
   * @throws SourceImageException when the URL is refused, the image is too large, or the fetch
   *     failed (retryable for timeouts, connection errors, 408, 429 and 5xx)
   */
  byte[] fetch(URI url) throws InterruptedException {
    long deadline = System.nanoTime() + policy.timeout().toNanos();
    URI current = url;
    for (int redirects = 0; ; redirects++) {
      check(current);
      HttpRequest request =
          HttpRequest.newBuilder(current)
              .GET()
              .timeout(remaining(deadline, url))
              .header("Accept", "image/png, image/jpeg, image/webp, */*;q=0.1")
              .header("User-Agent", "SnapAsset")
              .build();
      CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, this::body);
      HttpResponse<byte[]> response;
      try {
        response = call.get(remaining(deadline, url).toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        call.cancel(true);
        throw new SourceImageException(
            "fetching the source image " + SourceImage.shown(url) + " took longer than " + policy.timeout(), null, true);
      } catch (InterruptedException e) {
        call.cancel(true);
        throw e;
      } catch (ExecutionException e) {
        throw failure(current, e.getCause());
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        Optional<String> location = response.headers().firstValue("location");
        if (location.isEmpty()) {
          throw new SourceImageException(
              SourceImage.shown(current) + " answered HTTP " + status + " without a Location", null, false);
        }
        if (redirects >= policy.maxRedirects()) {
          throw new SourceImageException(
              "source image " + SourceImage.shown(url) + " redirects more than " + policy.maxRedirects()
                  + " times (maxRedirects)", null, false);
        }
        current = resolveLocation(current, location.get());
        continue;
      }
      if (status >= 200 && status < 300) {
        byte[] data = response.body();
        if (data == null || data.length == 0) {
          throw new SourceImageException("source image " + SourceImage.shown(current) + " is empty", null, false);
        }
        return data;
      }
      boolean retryable = status == 408 || status == 429 || status >= 500;
      throw new SourceImageException(
          "source image " + SourceImage.shown(current) + " answered HTTP " + status, null, retryable);
    }
  }

  /** Scheme, credentials and every resolved address; throws before anything is sent. */
  private void check(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !(scheme.equals("http") && policy.allowHttp())) {
      throw new SourceImageException(
          "source image URL " + safe(uri) + " is refused: only https is fetched"
              + (scheme.equals("http") ? " (SourceFetchPolicy.allowHttp is off)" : ""),
          null, false);
    }
    if (uri.getRawUserInfo() != null) {
      throw new SourceImageException(
          "source image URL " + SourceImage.shown(uri) + " carries credentials: refused", null, false);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new SourceImageException("source image URL " + safe(uri) + " has no host", null, false);
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(bare);
    } catch (UnknownHostException e) {
      throw new SourceImageException("source image host '" + host + "' does not resolve", null, false);
    }
    for (InetAddress address : addresses) {
      if (!allowedAddress.test(address)) {
        throw new SourceImageException(
            "source image host '" + host + "' resolves to " + address.getHostAddress()
                + ", which is not a public address: refused (SourceFetchPolicy.allowPrivateNetworks is off)",
            null, false);
      }
    }
  }

  private HttpResponse.BodySubscriber<byte[]> body(HttpResponse.ResponseInfo info) {
    if (info.statusCode() < 200 || info.statusCode() >= 300) {
      return HttpResponse.BodySubscribers.replacing(new byte[0]);
    }
    long announced = info.headers().firstValueAsLong("content-length").orElse(-1);
    return new CappedBody(policy.maxBytes(), announced);
  }

  private SourceImageException failure(URI uri, Throwable cause) {
    if (cause instanceof SourceImageException e) {
      return e;
    }
    if (cause instanceof HttpTimeoutException) {
      return new SourceImageException(
          "fetching the source image " + SourceImage.shown(uri) + " timed out", null, true);
    }
    if (cause instanceof IOException) {
      return new SourceImageException(
          "fetching the source image " + SourceImage.shown(uri) + " failed: " + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
          null, true);
    }
    return new SourceImageException(
        "fetching the source image " + SourceImage.shown(uri) + " failed: " + cause, null, false);
  }

  private static URI resolveLocation(URI base, String location) {
    try {
      return base.resolve(new URI(location.trim()));
    } catch (Exception e) {
      throw new SourceImageException(
          SourceImage.shown(base) + " redirects to an invalid URL", null, false);
    }
  }

  private Duration remaining(long deadline, URI url) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SourceImageException(
          "fetching the source image " + SourceImage.shown(url) + " took longer than " + policy.timeout(), null, true);
    }
    return Duration.ofNanos(left);
  }

  private static String safe(URI uri) {
    return uri.getHost() == null ? "(" + uri.getScheme() + " URL)" : SourceImage.shown(uri);
  }

  /** Collects the body and gives up as soon as it passes the cap, announced or streamed. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final long max;
    private final long announced;
    private Flow.Subscription subscription;
    private long received;

    CappedBody(long max, long announced) {
      this.max = max;
      this.announced = announced;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (announced > max) {
        subscription.cancel();
        result.completeExceptionally(tooLarge(announced + " bytes"));
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        received += item.remaining();
        if (received > max) {
          subscription.cancel();
          result.completeExceptionally(tooLarge("more than " + max + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }

    private SourceImageException tooLarge(String size) {
      return new SourceImageException(
          "source image is " + size + ", over the cap of " + max + " bytes (SourceFetchPolicy.maxBytes)", null, false);
    }
  }
}
