package com.snapasset;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link SourceImage} given by URL is fetched. The defaults are safe to expose to untrusted
 * callers (an API that takes URLs from users): {@code https} only; only public addresses (no
 * loopback, private, link-local (cloud metadata), carrier-grade NAT, unique-local, multicast or
 * reserved ranges), checked for every address a host resolves to and again after every redirect;
 * at most {@value #DEFAULT_MAX_REDIRECTS} redirects; 20 MiB; 20 s for the whole fetch; no proxy,
 * cookies or credentials sent.
 *
 * <p>With {@code https} only, a DNS answer that changes between the address check and the
 * connection (DNS rebinding) can at most start a TLS handshake with an internal address, which
 * fails certificate verification; {@link #allowHttp} gives that protection up and is meant for
 * development and trusted callers.
 *
 * @param allowHttp whether plain {@code http} URLs are fetched
 * @param allowPrivateNetworks whether loopback, private and other non-public addresses are fetched
 * @param maxBytes the largest image fetched
 * @param timeout the limit for the whole fetch, redirects included
 * @param maxRedirects how many redirects are followed, each checked again
 */
public record SourceFetchPolicy(
    boolean allowHttp, boolean allowPrivateNetworks, long maxBytes, Duration timeout, int maxRedirects) {
  public static final int DEFAULT_MAX_REDIRECTS = 3;
  private static final SourceFetchPolicy DEFAULTS =
      new SourceFetchPolicy(false, false, 20L * 1024 * 1024, Duration.ofSeconds(20), DEFAULT_MAX_REDIRECTS);

  public SourceFetchPolicy {
    Objects.requireNonNull(timeout, "timeout");
    List<String> problems = new ArrayList<>();
    if (maxBytes < 1 || maxBytes > 512L * 1024 * 1024) {
      problems.add("maxBytes must be between 1 and 536870912 (512 MiB), got " + maxBytes);
    }
    if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      problems.add("timeout must be between 100 ms and 10 min, got " + timeout);
    }
    if (maxRedirects < 0 || maxRedirects > 10) {
      problems.add("maxRedirects must be between 0 and 10, got " + maxRedirects);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }

  /** https only, public addresses only, 20 MiB, 20 s, 3 redirects. */
  public static SourceFetchPolicy defaults() {
    return DEFAULTS;
  }

  public SourceFetchPolicy withAllowHttp(boolean allowHttp) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  public SourceFetchPolicy withAllowPrivateNetworks(boolean allowPrivateNetworks) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  public SourceFetchPolicy withMaxBytes(long maxBytes) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  public SourceFetchPolicy withTimeout(Duration timeout) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  public SourceFetchPolicy withMaxRedirects(int maxRedirects) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }
}
