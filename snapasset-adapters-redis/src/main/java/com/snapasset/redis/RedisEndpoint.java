package com.snapasset.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.HostAndPort;

/**
 * Where Redis is, parsed from a URL:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]}: one server ({@code rediss://} for TLS);
 *   <li>{@code redis://[user:password@]host1:port1,host2:port2,…}: a Redis Cluster, the hosts being
 *       seeds (any reachable one finds the rest); {@code redis-cluster://} names a cluster with a
 *       single seed;
 *   <li>{@code redis-sentinel://[user:password@]sentinel1:26379,sentinel2:26379[/db]#masterName}:
 *       the master that Sentinel names, followed across failovers; the credentials are the master's.
 * </ul>
 *
 * <p>Each scheme has a TLS twin with an extra {@code s}: {@code rediss-cluster://},
 * {@code rediss-sentinel://}. {@link #toString()} never shows the password.
 */
record RedisEndpoint(Topology topology, boolean tls, List<HostAndPort> hosts, @Nullable String user,
    @Nullable String password, int database, @Nullable String masterName) {

  enum Topology { STANDALONE, CLUSTER, SENTINEL }

  /** A host name, an IPv4 address or (unbracketed here) an IPv6 address. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");

  static final String FORMS = "redis://[user:password@]host[:port][/db], rediss://… (TLS), "
      + "redis://host1:port1,host2:port2 or redis-cluster://host:port (Redis Cluster seeds), "
      + "redis-sentinel://host1:26379,host2:26379[/db]#masterName (Sentinel)";

  RedisEndpoint {
    hosts = List.copyOf(hosts);
  }

  /** Parses a URL; the messages of its errors never repeat the URL (it may hold a password). */
  static RedisEndpoint parse(String url) {
    int schemeEnd = url.indexOf("://");
    if (schemeEnd < 0) {
      throw invalid("it has no scheme");
    }
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    Topology topology;
    boolean tls;
    switch (scheme) {
      case "redis", "rediss" -> topology = Topology.STANDALONE;
      case "redis-cluster", "rediss-cluster" -> topology = Topology.CLUSTER;
      case "redis-sentinel", "rediss-sentinel" -> topology = Topology.SENTINEL;
      default -> throw invalid("the scheme '" + scheme + "' is not one of redis, rediss, redis-cluster, "
          + "rediss-cluster, redis-sentinel, rediss-sentinel");
    }
    tls = scheme.startsWith("rediss");
    String rest = url.substring(schemeEnd + 3);
    String masterName = null;
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      masterName = decode(rest.substring(hash + 1));
      rest = rest.substring(0, hash);
    }
    if (rest.indexOf('?') >= 0) {
      throw invalid("query parameters are not supported");
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String u = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      user = u.isEmpty() ? null : u;
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
      if (colon < 0 && user != null) {
        // redis://secret@host: the form of a password alone, as Jedis reads it
        password = user;
        user = null;
      }
    }
    int slash = rest.indexOf('/');
    String hostList = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    int database = 0;
    if (!path.isEmpty()) {
      try {
        database = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw invalid("the path must be a database number");
      }
      if (database < 0) {
        throw invalid("the database number must not be negative");
      }
    }
    int defaultPort = topology == Topology.SENTINEL ? 26379 : 6379;
    List<HostAndPort> hosts = new ArrayList<>();
    for (String h : hostList.split(",", -1)) {
      hosts.add(hostAndPort(h.trim(), defaultPort));
    }
    if (topology == Topology.STANDALONE && hosts.size() > 1) {
      topology = Topology.CLUSTER;
    }
    if (topology == Topology.CLUSTER && database != 0) {
      throw invalid("Redis Cluster has only database 0");
    }
    if (topology == Topology.SENTINEL && (masterName == null || masterName.isBlank())) {
      throw invalid("a redis-sentinel:// URL must end with #masterName");
    }
    if (topology != Topology.SENTINEL && masterName != null) {
      throw invalid("#masterName belongs to redis-sentinel:// URLs only");
    }
    return new RedisEndpoint(topology, tls, hosts, user, password, database, masterName);
  }

  private static HostAndPort hostAndPort(String text, int defaultPort) {
    if (text.isEmpty()) {
      throw invalid("it names an empty host");
    }
    String host;
    String port = null;
    if (text.startsWith("[")) { // [IPv6]:port
      int close = text.indexOf(']');
      if (close < 0) {
        throw invalid("an IPv6 address lacks its closing ']'");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        if (text.charAt(close + 1) != ':') {
          throw invalid("expected ':' after an IPv6 address");
        }
        port = text.substring(close + 2);
      }
    } else {
      int colon = text.lastIndexOf(':');
      host = colon < 0 ? text : text.substring(0, colon);
      port = colon < 0 ? null : text.substring(colon + 1);
    }
    if (!HOST.matcher(host).matches()) {
      throw invalid("a host is empty or holds characters a host name cannot have");
    }
    int p = defaultPort;
    if (port != null) {
      try {
        p = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw invalid("a port is not a number");
      }
      if (p < 1 || p > 65535) {
        throw invalid("a port is not between 1 and 65535");
      }
    }
    return new HostAndPort(host, p);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid("it holds a malformed %-escape");
    }
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("url is not a usable Redis URL (" + why + "); accepted: " + FORMS);
  }

  /** Scheme and hosts, no credentials: what messages and logs may show. */
  @Override
  public String toString() {
    String scheme = switch (topology) {
      case STANDALONE -> "redis";
      case CLUSTER -> "redis-cluster";
      case SENTINEL -> "redis-sentinel";
    };
    if (tls) {
      scheme = scheme.replaceFirst("redis", "rediss");
    }
    StringBuilder s = new StringBuilder(scheme).append("://");
    for (int i = 0; i < hosts.size(); i++) {
      s.append(i == 0 ? "" : ",").append(hosts.get(i));
    }
    if (database != 0) {
      s.append('/').append(database);
    }
    if (masterName != null) {
      s.append('#').append(masterName);
    }
    return s.toString();
  }
}
