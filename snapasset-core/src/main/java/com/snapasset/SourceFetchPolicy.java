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
  /** The redirects followed by default. */
  public static final int DEFAULT_MAX_REDIRECTS = 3;
  private static final SourceFetchPolicy DEFAULTS =
      new SourceFetchPolicy(false, false, 20L * 1024 * 1024, Duration.ofSeconds(20), DEFAULT_MAX_REDIRECTS);

  /**
   * Checks the components; reports every problem at once.
   *
   * @param allowHttp whether plain {@code http} URLs are fetched
   * @param allowPrivateNetworks whether loopback, private and other non-public addresses are fetched
   * @param maxBytes the largest image fetched, in bytes, 1 to 536870912 (512 MiB)
   * @param timeout the limit for the whole fetch, redirects included, 100 ms to 10 min
   * @param maxRedirects how many redirects are followed, each checked again, 0-10
   * @throws ConfigurationException listing every component out of its range
   */
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

  /**
   * The safe defaults.
   *
   * @return https only, public addresses only, 20 MiB, 20 s, 3 redirects
   */
  public static SourceFetchPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A copy that does or does not fetch plain {@code http} URLs.
   *
   * @param allowHttp true to fetch {@code http} as well as {@code https}; meant for development and
   *     trusted callers
   * @return the copy
   */
  public SourceFetchPolicy withAllowHttp(boolean allowHttp) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  /**
   * A copy that does or does not fetch from non-public addresses.
   *
   * @param allowPrivateNetworks true to fetch from loopback, private, link-local and other
   *     non-public addresses; meant for development and trusted callers
   * @return the copy
   */
  public SourceFetchPolicy withAllowPrivateNetworks(boolean allowPrivateNetworks) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  /**
   * A copy with another size cap.
   *
   * @param maxBytes the largest image fetched, in bytes, 1 to 536870912 (512 MiB)
   * @return the copy
   * @throws ConfigurationException when the cap is out of range
   */
  public SourceFetchPolicy withMaxBytes(long maxBytes) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  /**
   * A copy with another time limit.
   *
   * @param timeout the limit for the whole fetch, redirects included, 100 ms to 10 min
   * @return the copy
   * @throws ConfigurationException when the limit is out of range
   */
  public SourceFetchPolicy withTimeout(Duration timeout) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }

  /**
   * A copy that follows another number of redirects.
   *
   * @param maxRedirects how many redirects are followed, each checked again, 0-10
   * @return the copy
   * @throws ConfigurationException when the number is out of range
   */
  public SourceFetchPolicy withMaxRedirects(int maxRedirects) {
    return new SourceFetchPolicy(allowHttp, allowPrivateNetworks, maxBytes, timeout, maxRedirects);
  }
}
