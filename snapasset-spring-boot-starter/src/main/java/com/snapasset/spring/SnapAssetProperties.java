package com.snapasset.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code snapasset.*} settings. Every one is optional: with none set the application gets an
 * in-memory queue and cache, files under {@code ./snapasset-output}, the offline placeholder
 * provider and one worker. Each adapter is used when its module is on the class path and its
 * main setting is given:
 *
 * <pre>
 * snapasset.provider.openai.api-key=${OPENAI_API_KEY}   # snapasset-adapters-openai
 * snapasset.queue.redis-url=redis://localhost:6379      # snapasset-adapters-redis
 * snapasset.storage.s3.bucket=my-images                 # snapasset-adapters-s3
 * </pre>
 *
 * <p>The generation catalog uses the application's {@code DataSource} when snapasset-adapters-jdbc
 * is on the class path. A bean of a port type ({@code ImageProvider}, {@code JobQueue}, {@code
 * AssetStorage}, {@code BaseImageCache}, {@code GenerationCatalog}) replaces the one these settings
 * describe.
 */
@ConfigurationProperties(prefix = "snapasset")
public class SnapAssetProperties {
  private final Provider provider = new Provider();
  private final Queue queue = new Queue();
  private final Redis redis = new Redis();
  private final Storage storage = new Storage();
  private final Cache cache = new Cache();
  private final Catalog catalog = new Catalog();
  private final Worker worker = new Worker();

  /** Threads rendering renditions. Default: one per processor. */
  private @Nullable Integer renderThreads;

  /** Threads storing files. Default: 16. */
  private @Nullable Integer ioThreads;

  /** Defaults, changed by binding. */
  public SnapAssetProperties() {}

  /** {@return the provider settings} */
  public Provider getProvider() {
    return provider;
  }

  /** {@return the queue settings} */
  public Queue getQueue() {
    return queue;
  }

  /** {@return the settings of every Redis connection (queue and cache)} */
  public Redis getRedis() {
    return redis;
  }

  /** {@return the storage settings} */
  public Storage getStorage() {
    return storage;
  }

  /** {@return the cache settings} */
  public Cache getCache() {
    return cache;
  }

  /** {@return the catalog settings} */
  public Catalog getCatalog() {
    return catalog;
  }

  /** {@return the worker settings} */
  public Worker getWorker() {
    return worker;
  }

  /** {@return the render-threads setting} */
  public @Nullable Integer getRenderThreads() {
    return renderThreads;
  }

  /**
   * Sets the render-threads setting.
   *
   * @param renderThreads the new value
   */
  public void setRenderThreads(@Nullable Integer renderThreads) {
    this.renderThreads = renderThreads;
  }

  /** {@return the io-threads setting} */
  public @Nullable Integer getIoThreads() {
    return ioThreads;
  }

  /**
   * Sets the io-threads setting.
   *
   * @param ioThreads the new value
   */
  public void setIoThreads(@Nullable Integer ioThreads) {
    this.ioThreads = ioThreads;
  }

  /** Where base images come from. */
  public static class Provider {
    /** Defaults, changed by binding. */
    public Provider() {}

    private final OpenAi openai = new OpenAi();

    /** {@return the openai settings} */
    public OpenAi getOpenai() {
      return openai;
    }
  }

  /**
   * OpenAI images (snapasset-adapters-openai). Used when the API key is set; the environment is
   * never read implicitly, so write api-key: ${OPENAI_API_KEY} to take it from there.
   */
  public static class OpenAi {
    /** Defaults, changed by binding. */
    public OpenAi() {}

    /** The secret API key. Setting it selects the OpenAI provider. */
    private @Nullable String apiKey;

    /** The API's base URL. */
    private String baseUrl = "https://api.openai.com/v1";

    /** The OpenAI organization id, if any. */
    private @Nullable String organization;

    /** The OpenAI project id, if any. */
    private @Nullable String project;

    /** How long one image request may take. */
    private Duration timeout = Duration.ofSeconds(120);

    /** {@return the api-key setting} */
    public @Nullable String getApiKey() {
      return apiKey;
    }

    /**
     * Sets the api-key setting.
     *
     * @param apiKey the new value
     */
    public void setApiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
    }

    /** {@return the base-url setting} */
    public String getBaseUrl() {
      return baseUrl;
    }

    /**
     * Sets the base-url setting.
     *
     * @param baseUrl the new value
     */
    public void setBaseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
    }

    /** {@return the organization setting} */
    public @Nullable String getOrganization() {
      return organization;
    }

    /**
     * Sets the organization setting.
     *
     * @param organization the new value
     */
    public void setOrganization(@Nullable String organization) {
      this.organization = organization;
    }

    /** {@return the project setting} */
    public @Nullable String getProject() {
      return project;
    }

    /**
     * Sets the project setting.
     *
     * @param project the new value
     */
    public void setProject(@Nullable String project) {
      this.project = project;
    }

    /** {@return the timeout setting} */
    public Duration getTimeout() {
      return timeout;
    }

    /**
     * Sets the timeout setting.
     *
     * @param timeout the new value
     */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** Settings shared by every Redis connection the starter opens: the queue's and the cache's. */
  public static class Redis {
    private final Tls tls = new Tls();

    /**
     * The name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) whose trust store, key
     * store and key password the {@code rediss…} URLs use, instead of the file settings of
     * {@code snapasset.redis.tls.*}; {@code snapasset.redis.tls.verification} still applies.
     */
    private @Nullable String sslBundle;

    /** Defaults, changed by binding. */
    public Redis() {}

    /** {@return the ssl-bundle setting} */
    public @Nullable String getSslBundle() {
      return sslBundle;
    }

    /**
     * Sets the ssl-bundle setting.
     *
     * @param sslBundle the new value; empty means none
     */
    public void setSslBundle(@Nullable String sslBundle) {
      this.sslBundle = sslBundle == null || sslBundle.isBlank() ? null : sslBundle.trim();
    }

    /** {@return the TLS settings of {@code rediss://} URLs} */
    public Tls getTls() {
      return tls;
    }
  }

  /**
   * TLS settings of {@code rediss…} URLs (snapasset-adapters-redis' {@code RedisTls}): which
   * certificate authorities to trust, an optional client certificate and how strictly the server is
   * checked. With none set, {@code rediss://} uses the JVM's trust store and full verification.
   * They apply to the {@code rediss…} URLs among the queue's and the cache's; set while neither is
   * one, they fail start-up.
   */
  public static class Tls {
    /** Defaults, changed by binding. */
    public Tls() {}

    /** A PEM file of the certificate authorities to trust. */
    private @Nullable Path trustCertificates;

    /** A trust store (PKCS#12 or JKS, by the file's extension) instead of a PEM file. */
    private @Nullable Path trustStore;

    /** The trust store's password, if it has one. */
    private @Nullable String trustStorePassword;

    /** A key store (PKCS#12 or JKS) holding the client certificate and key, for mutual TLS. */
    private @Nullable Path keyStore;

    /** The key store's password. */
    private @Nullable String keyStorePassword;

    /**
     * How the server is checked: full (a trusted chain and a matching host name), ca (the chain
     * only) or none (tests only: open to impersonation).
     */
    private TlsVerification verification = TlsVerification.FULL;

    /**
     * The SSL context protocol, as a Spring Boot SSL bundle's protocol; unset means TLS. It does
     * not limit the versions offered (a TLSv1.3 context still offers TLS 1.2): to offer only
     * certain versions use enabled-protocols. With an SSL bundle, set it on the bundle instead.
     */
    private @Nullable String protocol;

    /**
     * Offer only these TLS versions (e.g. TLSv1.3), as a bundle's options.enabled-protocols; unset
     * means those the JVM enables. With an SSL bundle, set them on the bundle instead.
     */
    private @Nullable List<String> enabledProtocols;

    /**
     * Offer only these cipher suites (standard names, e.g. TLS_AES_256_GCM_SHA384), as a bundle's
     * options.ciphers; unset means those the JVM enables. With an SSL bundle, set them on the
     * bundle instead.
     */
    private @Nullable List<String> ciphers;

    /** {@return the trust-certificates setting} */
    public @Nullable Path getTrustCertificates() {
      return trustCertificates;
    }

    /**
     * Sets the trust-certificates setting.
     *
     * @param trustCertificates the new value
     */
    public void setTrustCertificates(@Nullable Path trustCertificates) {
      this.trustCertificates = trustCertificates;
    }

    /** {@return the trust-store setting} */
    public @Nullable Path getTrustStore() {
      return trustStore;
    }

    /**
     * Sets the trust-store setting.
     *
     * @param trustStore the new value
     */
    public void setTrustStore(@Nullable Path trustStore) {
      this.trustStore = trustStore;
    }

    /** {@return the trust-store-password setting} */
    public @Nullable String getTrustStorePassword() {
      return trustStorePassword;
    }

    /**
     * Sets the trust-store-password setting.
     *
     * @param trustStorePassword the new value
     */
    public void setTrustStorePassword(@Nullable String trustStorePassword) {
      this.trustStorePassword = trustStorePassword;
    }

    /** {@return the key-store setting} */
    public @Nullable Path getKeyStore() {
      return keyStore;
    }

    /**
     * Sets the key-store setting.
     *
     * @param keyStore the new value
     */
    public void setKeyStore(@Nullable Path keyStore) {
      this.keyStore = keyStore;
    }

    /** {@return the key-store-password setting} */
    public @Nullable String getKeyStorePassword() {
      return keyStorePassword;
    }

    /**
     * Sets the key-store-password setting.
     *
     * @param keyStorePassword the new value
     */
    public void setKeyStorePassword(@Nullable String keyStorePassword) {
      this.keyStorePassword = keyStorePassword;
    }

    /** {@return the verification setting} */
    public TlsVerification getVerification() {
      return verification;
    }

    /**
     * Sets the verification setting.
     *
     * @param verification the new value; null (an empty value) means full
     */
    public void setVerification(@Nullable TlsVerification verification) {
      this.verification = verification == null ? TlsVerification.FULL : verification;
    }

    /** {@return the protocol setting} */
    public @Nullable String getProtocol() {
      return protocol;
    }

    /**
     * Sets the protocol setting.
     *
     * @param protocol the new value
     */
    public void setProtocol(@Nullable String protocol) {
      this.protocol = protocol;
    }

    /** {@return the enabled-protocols setting} */
    public @Nullable List<String> getEnabledProtocols() {
      return enabledProtocols;
    }

    /**
     * Sets the enabled-protocols setting.
     *
     * @param enabledProtocols the new value
     */
    public void setEnabledProtocols(@Nullable List<String> enabledProtocols) {
      this.enabledProtocols = enabledProtocols;
    }

    /** {@return the ciphers setting} */
    public @Nullable List<String> getCiphers() {
      return ciphers;
    }

    /**
     * Sets the ciphers setting.
     *
     * @param ciphers the new value
     */
    public void setCiphers(@Nullable List<String> ciphers) {
      this.ciphers = ciphers;
    }
  }

  /** How a {@code rediss…} server's certificate is checked. */
  public enum TlsVerification {
    /** A trusted chain and a host name (or IP address) that matches the certificate. */
    FULL,
    /** A trusted chain; the host name is not compared. */
    CA,
    /** Nothing is checked: encrypted but open to impersonation. Tests only. */
    NONE
  }

  /** The job queue: in memory unless a Redis URL is set. */
  public static class Queue {
    /** Defaults, changed by binding. */
    public Queue() {}

    /**
     * redis://[user:password@]host[:port][/db] or rediss://...: a Redis queue
     * (snapasset-adapters-redis) that many application instances and workers share.
     */
    private @Nullable String redisUrl;

    /** The queue's name; workers and submitters of one queue use the same name. */
    private String name = "snapasset";

    /** The first part of every Redis key. */
    private String keyPrefix = "snapasset";

    /** Connections in the Redis pool. */
    private int maxConnections = 64;

    /** {@return the redis-url setting} */
    public @Nullable String getRedisUrl() {
      return redisUrl;
    }

    /**
     * Sets the redis-url setting.
     *
     * @param redisUrl the new value
     */
    public void setRedisUrl(@Nullable String redisUrl) {
      this.redisUrl = redisUrl;
    }

    /** {@return the name setting} */
    public String getName() {
      return name;
    }

    /**
     * Sets the name setting.
     *
     * @param name the new value
     */
    public void setName(String name) {
      this.name = name;
    }

    /** {@return the key-prefix setting} */
    public String getKeyPrefix() {
      return keyPrefix;
    }

    /**
     * Sets the key-prefix setting.
     *
     * @param keyPrefix the new value
     */
    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    /** {@return the max-connections setting} */
    public int getMaxConnections() {
      return maxConnections;
    }

    /**
     * Sets the max-connections setting.
     *
     * @param maxConnections the new value
     */
    public void setMaxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
    }
  }

  /** Where rendered files go: S3 when a bucket is set, else a local folder. */
  public static class Storage {
    /** Defaults, changed by binding. */
    public Storage() {}

    private final Local local = new Local();
    private final S3 s3 = new S3();

    /** {@return the local settings} */
    public Local getLocal() {
      return local;
    }

    /** {@return the s3 settings} */
    public S3 getS3() {
      return s3;
    }
  }

  /** A folder on this machine. */
  public static class Local {
    /** Defaults, changed by binding. */
    public Local() {}

    /** The folder (created if missing). */
    private Path directory = Path.of("snapasset-output");

    /** URLs become this plus the file's key, e.g. a static file server's address. */
    private @Nullable String publicBaseUrl;

    /** {@return the directory setting} */
    public Path getDirectory() {
      return directory;
    }

    /**
     * Sets the directory setting.
     *
     * @param directory the new value
     */
    public void setDirectory(Path directory) {
      this.directory = directory;
    }

    /** {@return the public-base-url setting} */
    public @Nullable String getPublicBaseUrl() {
      return publicBaseUrl;
    }

    /**
     * Sets the public-base-url setting.
     *
     * @param publicBaseUrl the new value
     */
    public void setPublicBaseUrl(@Nullable String publicBaseUrl) {
      this.publicBaseUrl = publicBaseUrl;
    }
  }

  /** An S3-compatible bucket (snapasset-adapters-s3): AWS S3, MinIO, R2, Supabase Storage. */
  public static class S3 {
    /** Defaults, changed by binding. */
    public S3() {}

    /** The bucket. Setting it selects S3 storage. */
    private @Nullable String bucket;

    /** The endpoint of a non-AWS server, e.g. http://minio:9000. */
    private @Nullable URI endpoint;

    /** The region. Default: us-east-1. */
    private @Nullable String region;

    /** The access key id; without it the AWS default credential chain is used. */
    private @Nullable String accessKeyId;

    /** The secret access key, with the access key id. */
    private @Nullable String secretAccessKey;

    /** Path-style URLs (endpoint/bucket/key), which most non-AWS servers need. */
    private boolean pathStyle;

    /** URLs become this plus the key, e.g. a CDN in front of the bucket. */
    private @Nullable URI publicBaseUrl;

    /** Prepended to every key. */
    private String keyPrefix = "";

    /** Hand out presigned GET URLs of this lifetime instead of public ones (private buckets). */
    private @Nullable Duration presignedUrlLifetime;

    /** {@return the bucket setting} */
    public @Nullable String getBucket() {
      return bucket;
    }

    /**
     * Sets the bucket setting.
     *
     * @param bucket the new value
     */
    public void setBucket(@Nullable String bucket) {
      this.bucket = bucket;
    }

    /** {@return the endpoint setting} */
    public @Nullable URI getEndpoint() {
      return endpoint;
    }

    /**
     * Sets the endpoint setting.
     *
     * @param endpoint the new value
     */
    public void setEndpoint(@Nullable URI endpoint) {
      this.endpoint = endpoint;
    }

    /** {@return the region setting} */
    public @Nullable String getRegion() {
      return region;
    }

    /**
     * Sets the region setting.
     *
     * @param region the new value
     */
    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    /** {@return the access-key-id setting} */
    public @Nullable String getAccessKeyId() {
      return accessKeyId;
    }

    /**
     * Sets the access-key-id setting.
     *
     * @param accessKeyId the new value
     */
    public void setAccessKeyId(@Nullable String accessKeyId) {
      this.accessKeyId = accessKeyId;
    }

    /** {@return the secret-access-key setting} */
    public @Nullable String getSecretAccessKey() {
      return secretAccessKey;
    }

    /**
     * Sets the secret-access-key setting.
     *
     * @param secretAccessKey the new value
     */
    public void setSecretAccessKey(@Nullable String secretAccessKey) {
      this.secretAccessKey = secretAccessKey;
    }

    /** {@return the path-style setting} */
    public boolean isPathStyle() {
      return pathStyle;
    }

    /**
     * Sets the path-style setting.
     *
     * @param pathStyle the new value
     */
    public void setPathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
    }

    /** {@return the public-base-url setting} */
    public @Nullable URI getPublicBaseUrl() {
      return publicBaseUrl;
    }

    /**
     * Sets the public-base-url setting.
     *
     * @param publicBaseUrl the new value
     */
    public void setPublicBaseUrl(@Nullable URI publicBaseUrl) {
      this.publicBaseUrl = publicBaseUrl;
    }

    /** {@return the key-prefix setting} */
    public String getKeyPrefix() {
      return keyPrefix;
    }

    /**
     * Sets the key-prefix setting.
     *
     * @param keyPrefix the new value
     */
    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    /** {@return the presigned-url-lifetime setting} */
    public @Nullable Duration getPresignedUrlLifetime() {
      return presignedUrlLifetime;
    }

    /**
     * Sets the presigned-url-lifetime setting.
     *
     * @param presignedUrlLifetime the new value
     */
    public void setPresignedUrlLifetime(@Nullable Duration presignedUrlLifetime) {
      this.presignedUrlLifetime = presignedUrlLifetime;
    }
  }

  /** The cache of base images (identical prompts are not paid twice). */
  public static class Cache {
    /** Defaults, changed by binding. */
    public Cache() {}

    /**
     * Which cache: auto takes Redis when a Redis URL is known (this one or the queue's),
     * else memory.
     */
    private CacheType type = CacheType.AUTO;

    /** The cache's Redis; default: the queue's. */
    private @Nullable String redisUrl;

    /** Size bound of the in-memory cache, in bytes. */
    private long maxBytes = 256L * 1024 * 1024;

    /** How long a base image is reused for identical prompts. */
    private Duration baseImageTtl = Duration.ofHours(24);

    /** {@return the type setting} */
    public CacheType getType() {
      return type;
    }

    /**
     * Sets the type setting.
     *
     * @param type the new value
     */
    public void setType(CacheType type) {
      this.type = type;
    }

    /** {@return the redis-url setting} */
    public @Nullable String getRedisUrl() {
      return redisUrl;
    }

    /**
     * Sets the redis-url setting.
     *
     * @param redisUrl the new value
     */
    public void setRedisUrl(@Nullable String redisUrl) {
      this.redisUrl = redisUrl;
    }

    /** {@return the max-bytes setting} */
    public long getMaxBytes() {
      return maxBytes;
    }

    /**
     * Sets the max-bytes setting.
     *
     * @param maxBytes the new value
     */
    public void setMaxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** {@return the base-image-ttl setting} */
    public Duration getBaseImageTtl() {
      return baseImageTtl;
    }

    /**
     * Sets the base-image-ttl setting.
     *
     * @param baseImageTtl the new value
     */
    public void setBaseImageTtl(Duration baseImageTtl) {
      this.baseImageTtl = baseImageTtl;
    }
  }

  /** Which result cache. */
  public enum CacheType {
    /** Redis when a Redis URL is known, else memory. */
    AUTO,
    /** Redis (snapasset-adapters-redis). */
    REDIS,
    /** This JVM's memory. */
    MEMORY
  }

  /** The history of finished generations. */
  public static class Catalog {
    /** Defaults, changed by binding. */
    public Catalog() {}

    /**
     * Which catalog: auto takes JDBC when snapasset-adapters-jdbc is on the class path and
     * the application has one DataSource, else memory.
     */
    private CatalogType type = CatalogType.AUTO;

    /** Whether the catalog's tables are created/migrated at start-up (Flyway, own history table). */
    private boolean migrateOnStart = true;

    /** {@return the type setting} */
    public CatalogType getType() {
      return type;
    }

    /**
     * Sets the type setting.
     *
     * @param type the new value
     */
    public void setType(CatalogType type) {
      this.type = type;
    }

    /** {@return the migrate-on-start setting} */
    public boolean isMigrateOnStart() {
      return migrateOnStart;
    }

    /**
     * Sets the migrate-on-start setting.
     *
     * @param migrateOnStart the new value
     */
    public void setMigrateOnStart(boolean migrateOnStart) {
      this.migrateOnStart = migrateOnStart;
    }
  }

  /** Which generation catalog. */
  public enum CatalogType {
    /** JDBC when possible, else memory. */
    AUTO,
    /** The application's DataSource (snapasset-adapters-jdbc). */
    JDBC,
    /** This JVM's memory, the newest 10 000. */
    MEMORY
  }

  /** The worker this application runs. */
  public static class Worker {
    /** Defaults, changed by binding. */
    public Worker() {}

    /** Whether this instance processes jobs; false for API-only nodes that only submit. */
    private boolean enabled = true;

    /** Jobs processed at once. */
    private int concurrency = 2;

    /** How long a claim lasts unless renewed; a crashed instance's jobs return after this. */
    private Duration lockDuration = Duration.ofSeconds(30);

    /** How often expired locks are swept. */
    private Duration stalledCheckInterval = Duration.ofSeconds(30);

    /** A job that stalls more often than this fails. */
    private int maxStalledCount = 1;

    /**
     * How long shutdown waits for active jobs before handing them back to the queue. Keep it below
     * spring.lifecycle.timeout-per-shutdown-phase (30 s by default).
     */
    private Duration shutdownGrace = Duration.ofSeconds(25);

    /** {@return the enabled setting} */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets the enabled setting.
     *
     * @param enabled the new value
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the concurrency setting} */
    public int getConcurrency() {
      return concurrency;
    }

    /**
     * Sets the concurrency setting.
     *
     * @param concurrency the new value
     */
    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    /** {@return the lock-duration setting} */
    public Duration getLockDuration() {
      return lockDuration;
    }

    /**
     * Sets the lock-duration setting.
     *
     * @param lockDuration the new value
     */
    public void setLockDuration(Duration lockDuration) {
      this.lockDuration = lockDuration;
    }

    /** {@return the stalled-check-interval setting} */
    public Duration getStalledCheckInterval() {
      return stalledCheckInterval;
    }

    /**
     * Sets the stalled-check-interval setting.
     *
     * @param stalledCheckInterval the new value
     */
    public void setStalledCheckInterval(Duration stalledCheckInterval) {
      this.stalledCheckInterval = stalledCheckInterval;
    }

    /** {@return the max-stalled-count setting} */
    public int getMaxStalledCount() {
      return maxStalledCount;
    }

    /**
     * Sets the max-stalled-count setting.
     *
     * @param maxStalledCount the new value
     */
    public void setMaxStalledCount(int maxStalledCount) {
      this.maxStalledCount = maxStalledCount;
    }

    /** {@return the shutdown-grace setting} */
    public Duration getShutdownGrace() {
      return shutdownGrace;
    }

    /**
     * Sets the shutdown-grace setting.
     *
     * @param shutdownGrace the new value
     */
    public void setShutdownGrace(Duration shutdownGrace) {
      this.shutdownGrace = shutdownGrace;
    }
  }
}
