package com.snapasset.examples.cli;

import com.snapasset.AssetGenerator;
import com.snapasset.ConfigurationException;
import com.snapasset.jdbc.JdbcGenerationCatalog;
import com.snapasset.redis.RedisBaseImageCache;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisTls;
import com.snapasset.s3.S3AssetStorage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generator assembled from {@link BackendOptions}, and the adapters it was given (which the
 * generator leaves open, so this closes them after it).
 */
final class Backend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Backend.class);

  final AssetGenerator generator;
  /** The local storage folder, or null when files go to S3. */
  final java.nio.file.@Nullable Path localFiles;
  /** Whether the queue is shared with other processes (Redis) rather than in this JVM's memory. */
  final boolean sharedQueue;
  private final List<AutoCloseable> adapters;

  private Backend(AssetGenerator generator, java.nio.file.@Nullable Path localFiles, boolean sharedQueue,
      List<AutoCloseable> adapters) {
    this.generator = generator;
    this.localFiles = localFiles;
    this.sharedQueue = sharedQueue;
    this.adapters = adapters;
  }

  /**
   * Builds the generator.
   *
   * @param localBaseUrl the URL the local folder is served under (e.g. {@code
   *     http://localhost:3000/files/}), or null for {@code file:} URLs
   * @throws ConfigurationException naming every setting that cannot be used
   */
  static Backend open(BackendOptions o, @Nullable String localBaseUrl) {
    List<AutoCloseable> adapters = new ArrayList<>();
    try {
      AssetGenerator.Builder b = AssetGenerator.builder().outputDirectory(o.output);
      boolean shared = false;
      if (present(o.redisUrl)) {
        RedisTls tls = redisTls(o);
        RedisJobQueue queue = redisQueue(o.redisUrl, tls);
        adapters.add(queue);
        RedisBaseImageCache.Builder cacheBuilder = RedisBaseImageCache.builder().url(o.redisUrl);
        RedisBaseImageCache cache = (tls == null ? cacheBuilder : cacheBuilder.tls(tls)).build();
        adapters.add(cache);
        b.jobQueue(queue).baseImageCache(cache);
        shared = true;
        log.info("Job queue and cache: {}", queue);
      }
      if (o.renderThreads != null) {
        b.renderThreads(o.renderThreads);
      }
      java.nio.file.Path localFiles = null;
      if (present(o.s3Bucket)) {
        S3AssetStorage storage = s3(o);
        adapters.add(storage);
        b.assetStorage(storage);
        log.info("Asset storage: {}", storage);
      } else {
        localFiles = o.output;
        if (localBaseUrl != null) {
          b.publicBaseUrl(localBaseUrl);
        }
      }
      if (present(o.databaseUrl)) {
        JdbcGenerationCatalog catalog = catalog(o.databaseUrl);
        adapters.add(catalog);
        b.catalog(catalog);
        log.info("Generation history: {}", catalog);
      } else if (shared) {
        // Each JVM would keep its own history in memory: an API node would show none of the
        // generations its workers recorded, nor answer for jobs the queue no longer keeps.
        log.warn("REDIS_URL is set but DATABASE_URL is not: every process keeps its own generation history in"
            + " memory, so an API node separate from its workers shows an empty history and forgets completed"
            + " jobs once the queue trims them. Set DATABASE_URL for a shared catalog.");
      }
      return new Backend(b.build(), localFiles, shared, adapters);
    } catch (RuntimeException e) {
      closeAll(adapters);
      throw e;
    }
  }

  @Override
  public void close() {
    generator.close();
    closeAll(adapters);
  }

  private static RedisJobQueue redisQueue(String url, @Nullable RedisTls tls) {
    RedisJobQueue.Builder b;
    try {
      b = RedisJobQueue.builder().url(url);
    } catch (IllegalArgumentException e) {
      // the URL may hold a password: the adapter's message says what is wrong without repeating it
      throw new ConfigurationException("REDIS_URL is not usable: " + e.getMessage());
    }
    if (tls != null) {
      b.tls(tls);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("REDIS_URL / REDIS_TLS_* are not usable: " + e.getMessage());
    }
  }

  /** TLS settings from REDIS_TLS_*; null when none is set (rediss… then uses the JVM's trust store). */
  static @Nullable RedisTls redisTls(BackendOptions o) {
    if (o.redisTlsCa == null && o.redisTlsKeystore == null && !present(o.redisTlsVerify)
        && !present(o.redisTlsProtocol) && !present(o.redisTlsEnabledProtocols) && !present(o.redisTlsCiphers)) {
      return null;
    }
    RedisTls.Builder tls = RedisTls.builder();
    try {
      if (o.redisTlsCa != null) {
        tls.trustCertificates(o.redisTlsCa);
      }
      if (o.redisTlsKeystore != null) {
        String password = System.getenv("REDIS_TLS_KEYSTORE_PASSWORD");
        tls.keyStore(o.redisTlsKeystore, password == null ? null : password.toCharArray());
      }
      if (present(o.redisTlsVerify)) {
        tls.verification(switch (o.redisTlsVerify.toLowerCase(Locale.ROOT)) {
          case "full" -> RedisTls.Verification.FULL;
          case "ca" -> RedisTls.Verification.CA;
          case "none" -> RedisTls.Verification.NONE;
          default -> throw new IllegalArgumentException("REDIS_TLS_VERIFY must be full, ca or none, was '"
              + o.redisTlsVerify + "'");
        });
      }
      // The names themselves are checked by the adapter against this JVM when the queue is built.
      if (present(o.redisTlsProtocol)) {
        tls.protocol(o.redisTlsProtocol.strip());
      }
      if (present(o.redisTlsEnabledProtocols)) {
        tls.enabledProtocols(names("REDIS_TLS_ENABLED_PROTOCOLS", o.redisTlsEnabledProtocols,
            "TLS versions such as TLSv1.3,TLSv1.2"));
      }
      if (present(o.redisTlsCiphers)) {
        tls.ciphers(names("REDIS_TLS_CIPHERS", o.redisTlsCiphers,
            "cipher suite names such as TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256"));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
    return tls.build();
  }

  /** The entries of a comma-separated list, stripped; an empty entry is refused, naming it. */
  private static String[] names(String setting, String list, String expected) {
    String[] names = list.split(",", -1);
    for (int i = 0; i < names.length; i++) {
      names[i] = names[i].strip();
      if (names[i].isEmpty()) {
        throw new IllegalArgumentException(setting + " must be a comma-separated list of " + expected
            + "; entry " + (i + 1) + " of '" + list + "' is empty");
      }
    }
    return names;
  }

  private static S3AssetStorage s3(BackendOptions o) {
    S3AssetStorage.Builder s3 = S3AssetStorage.builder().bucket(o.s3Bucket);
    List<String> problems = new ArrayList<>();
    if (present(o.s3Region)) {
      s3.region(o.s3Region);
    }
    if (present(o.s3Endpoint)) {
      URI endpoint = uri("S3_ENDPOINT", o.s3Endpoint, problems);
      if (endpoint != null) {
        s3.endpoint(endpoint).pathStyle(true);
      }
    }
    if (present(o.s3KeyPrefix)) {
      s3.keyPrefix(o.s3KeyPrefix);
    }
    if (present(o.s3PublicUrl)) {
      URI base = uri("S3_PUBLIC_URL", o.s3PublicUrl, problems);
      if (base != null) {
        s3.publicBaseUrl(base);
      }
    } else if (o.s3Presign != null) {
      s3.presignedUrls(o.s3Presign);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return s3.build();
  }

  /**
   * A catalog for a JDBC URL or a {@code postgres://user:password@host:port/db} URL (the form
   * Heroku, Render and Supabase hand out). The password goes to the pool, never to a log.
   */
  static JdbcGenerationCatalog catalog(String databaseUrl) {
    JdbcGenerationCatalog.Builder b = JdbcGenerationCatalog.builder();
    if (databaseUrl.startsWith("jdbc:")) {
      return b.jdbcUrl(databaseUrl).build();
    }
    String lower = databaseUrl.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("postgres://") && !lower.startsWith("postgresql://")) {
      throw new ConfigurationException("DATABASE_URL must be a jdbc: URL or postgres://user:password@host:port/database");
    }
    URI u;
    try {
      u = URI.create(databaseUrl);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("DATABASE_URL is not a valid URL"); // the URL may hold a password
    }
    if (u.getHost() == null) {
      throw new ConfigurationException("DATABASE_URL names no host");
    }
    String jdbc = "jdbc:postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
        + (u.getRawPath() == null ? "/" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    b.jdbcUrl(jdbc);
    String userInfo = u.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      b.username(URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8));
      if (colon >= 0) {
        b.password(URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
    return b.build();
  }

  private static @Nullable URI uri(String name, String value, List<String> problems) {
    try {
      URI u = URI.create(value);
      if (u.getScheme() == null || u.getHost() == null) {
        problems.add(name + " '" + value + "' is not an absolute http(s) URL");
        return null;
      }
      return u;
    } catch (IllegalArgumentException e) {
      problems.add(name + " '" + value + "' is not a valid URL");
      return null;
    }
  }

  private static boolean present(@Nullable String s) {
    return s != null && !s.isBlank();
  }

  private static void closeAll(List<AutoCloseable> adapters) {
    for (AutoCloseable c : adapters) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed", c, e);
      }
    }
  }
}
