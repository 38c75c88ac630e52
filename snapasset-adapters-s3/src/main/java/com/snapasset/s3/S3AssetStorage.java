package com.snapasset.s3;

import com.snapasset.StorageException;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.StoredObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link AssetStorage} on any S3-compatible object store — AWS S3, Supabase Storage, MinIO,
 * Cloudflare R2 — through the AWS SDK for Java v2.
 *
 * <pre>{@code
 * S3AssetStorage storage = S3AssetStorage.builder()
 *     .bucket("my-assets")
 *     .region("eu-west-1")            // credentials from the SDK's default chain
 *     .publicBaseUrl(URI.create("https://cdn.example.com"))
 *     .build();
 * }</pre>
 *
 * <p>Files are written with the Content-Type and Cache-Control the caller gives (an empty
 * Cache-Control means {@link AssetStorage#IMMUTABLE}); files at or above the multipart threshold go
 * up in parts. URLs are, in order of preference: under a configured public base URL (a CDN or
 * bucket website), presigned GET URLs with a set lifetime, or the plain object URL of the bucket.
 *
 * <p>Thread-safe; one instance is meant to be shared. {@link #close()} releases the S3 client if
 * this object built it (a client passed in with {@link Builder#client(S3Client)} stays the
 * caller's). Failures are {@link StorageException}s: retryable for throttling, server errors,
 * timeouts and lost connections, permanent for refused access, a missing bucket or an invalid key;
 * their messages name the bucket and key, never the credentials.
 */
public final class S3AssetStorage implements AssetStorage, AutoCloseable {


  /** S3's smallest part (all parts but the last must be at least this big). */
  static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  private static final long MAX_PART_SIZE = 16L * 1024 * 1024;
  /** S3's most keys per DeleteObjects request. */
  static final int MAX_DELETE_BATCH = 1000;
  /** Like a key, but may be empty, end in '/' or stop inside a segment. */
  private static final Pattern PREFIX =
      Pattern.compile("((?!\\.{1,2}/)[A-Za-z0-9._-]+/)*[A-Za-z0-9._-]*");

  private final S3Client client;
  private final boolean ownsClient;
  private final ObjectUrls urls;
  private final String bucket;
  private final String keyPrefix;
  private final long multipartThreshold;
  private final long partSize;
  private final int deleteBatch;

  private S3AssetStorage(Builder b, S3Client client, boolean ownsClient, String bucket) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = bucket;
    this.keyPrefix = b.keyPrefix;
    URI base = b.publicBaseUrl;
    if (base == null && b.presignLifetime == null && b.supabaseProject != null) {
      base = URI.create(b.supabaseProject + "/storage/v1/object/public/" + bucket + "/");
    }
    Duration lifetime = b.presignLifetime;
    this.urls =
        base != null
            ? ObjectUrls.publicBase(client, bucket, base)
            : lifetime != null
                ? ObjectUrls.presigned(client, bucket, b.pathStyle, lifetime)
                : ObjectUrls.plain(client, bucket);
    this.multipartThreshold = b.multipartThreshold;
    this.partSize = Math.min(b.multipartThreshold, MAX_PART_SIZE);
    this.deleteBatch = b.deleteBatch;
  }

  /** A builder with no bucket set, region {@code us-east-1} and the SDK's default credentials. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder preset for Supabase Storage's S3 protocol: the endpoint {@code
   * PROJECT_URL/storage/v1/s3} with path-style access, and — unless {@link
   * Builder#presignedUrls(Duration)} or {@link Builder#publicBaseUrl(URI)} is chosen — the public
   * object URLs Supabase serves, {@code PROJECT_URL/storage/v1/object/public/BUCKET/KEY} (for a
   * public bucket). Set the bucket before {@code build()}.
   *
   * @param projectUrl e.g. {@code https://abcdefgh.supabase.co}
   * @param region the project's region, shown with the S3 keys in the storage settings
   * @param accessKeyId the S3 access key id from the project's storage settings
   * @param secretAccessKey its secret
   */
  public static Builder supabase(
      String projectUrl, String region, String accessKeyId, String secretAccessKey) {
    Objects.requireNonNull(projectUrl, "projectUrl");
    String project = projectUrl.strip().replaceAll("/+$", "");
    URI projectUri = httpUri(project, "projectUrl");
    Builder b =
        builder()
            .endpoint(URI.create(project + "/storage/v1/s3"))
            .pathStyle(true)
            .region(region)
            .credentials(accessKeyId, secretAccessKey);
    b.supabaseProject = projectUri;
    return b;
  }

  @Override
  public URI put(String key, byte[] data, String contentType, String cacheControl) {
    String objectKey = keyPrefix + AssetStorage.checkKey(key);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(contentType, "contentType");
    String cache = Objects.requireNonNull(cacheControl, "cacheControl").isBlank()
        ? IMMUTABLE
        : cacheControl;
    try {
      if (data.length >= multipartThreshold) {
        Multipart.upload(client, bucket, objectKey, data, contentType, cache, partSize);
      } else {
        client.putObject(
            r -> r.bucket(bucket).key(objectKey).contentType(contentType).cacheControl(cache)
                .contentLength((long) data.length),
            RequestBody.fromBytes(data));
      }
    } catch (SdkException e) {
      throw S3Errors.translate("put", bucket, objectKey, e);
    }
    return url(key);
  }

  @Override
  public Optional<byte[]> get(String key) {
    String objectKey = keyPrefix + AssetStorage.checkKey(key);
    try {
      return Optional.of(
          client.getObjectAsBytes(r -> r.bucket(bucket).key(objectKey)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw S3Errors.translate("get", bucket, objectKey, e);
    }
  }

  @Override
  public boolean delete(String key) {
    String objectKey = keyPrefix + AssetStorage.checkKey(key);
    try {
      // S3 deletes answer 204 whether or not the object was there; a HEAD first tells which.
      boolean existed = exists(objectKey);
      // Deleting even when HEAD said 404 surfaces a missing bucket (HEAD cannot tell it apart).
      client.deleteObject(r -> r.bucket(bucket).key(objectKey));
      return existed;
    } catch (SdkException e) {
      throw S3Errors.translate("delete", bucket, objectKey, e);
    }
  }

  private boolean exists(String objectKey) {
    try {
      client.headObject(r -> r.bucket(bucket).key(objectKey));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public List<StoredObject> list(String prefix) {
    String objectPrefix = keyPrefix + checkPrefix(prefix);
    List<StoredObject> found = new ArrayList<>();
    try {
      for (S3Object o :
          client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(objectPrefix)).contents()) {
        found.add(
            new StoredObject(o.key().substring(keyPrefix.length()), o.size(), o.lastModified()));
      }
    } catch (SdkException e) {
      throw S3Errors.translate("list", bucket, objectPrefix + "*", e);
    }
    return found;
  }

  /** Deletes in batches of up to 1000 keys per request instead of one request per object. */
  @Override
  public int deleteOlderThan(String prefix, Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    List<ObjectIdentifier> old = new ArrayList<>();
    for (StoredObject o : list(prefix)) {
      if (o.lastModified().isBefore(cutoff)) {
        old.add(ObjectIdentifier.builder().key(keyPrefix + o.key()).build());
      }
    }
    int deleted = 0;
    for (int from = 0; from < old.size(); from += deleteBatch) {
      List<ObjectIdentifier> batch = old.subList(from, Math.min(old.size(), from + deleteBatch));
      DeleteObjectsResponse response;
      try {
        response =
            client.deleteObjects(
                r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(false)));
      } catch (SdkException e) {
        throw S3Errors.translate("delete", bucket, keyPrefix + prefix + "*", e);
      }
      if (!response.errors().isEmpty()) {
        S3Error first = response.errors().get(0);
        throw S3Errors.batchFailure(bucket, first.key(), first.code(), response.errors().size());
      }
      deleted += response.deleted().size();
    }
    return deleted;
  }

  @Override
  public URI url(String key) {
    String objectKey = keyPrefix + AssetStorage.checkKey(key);
    try {
      return urls.of(objectKey);
    } catch (SdkException e) {
      throw S3Errors.translate("url", bucket, objectKey, e);
    } catch (URISyntaxException e) {
      throw StorageException.permanent(
          "S3 url of '" + objectKey + "' in bucket '" + bucket + "' is not a valid URI", e);
    }
  }

  /** The bucket this storage writes to. */
  public String bucket() {
    return bucket;
  }

  @Override
  public void close() {
    urls.close();
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "S3AssetStorage[bucket=" + bucket + ", keyPrefix=" + keyPrefix + "]";
  }

  private static String checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw StorageException.permanent(
          "storage prefix '" + prefix + "' is not valid: use relative path segments of A-Z a-z 0-9 . _ - separated by /, without . or .. segments",
          null);
    }
    return prefix;
  }

  private static URI httpUri(String value, String field) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(field + " is not a valid URI: " + value, e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(field + " must be an absolute http(s) URL: " + value);
    }
    return uri;
  }

  /**
   * Configures an {@link S3AssetStorage}. Each setter checks its argument at once; {@link
   * #build()} leaves the builder unchanged, so it can build several storages.
   */
  public static final class Builder {
    private @Nullable String bucket;
    private @Nullable Region region;
    private @Nullable URI endpoint;
    private boolean pathStyle;
    private @Nullable AwsCredentialsProvider credentials;
    private @Nullable S3Client client;
    private String keyPrefix = "";
    private @Nullable URI publicBaseUrl;
    private @Nullable Duration presignLifetime;
    private @Nullable URI supabaseProject;
    private long multipartThreshold = 16L * 1024 * 1024;
    private Duration attemptTimeout = Duration.ofSeconds(30);
    private int maxAttempts = 3;
    private int deleteBatch = MAX_DELETE_BATCH;

    private Builder() {}

    /** Keys per DeleteObjects request; smaller only so tests can cover several batches. */
    Builder deleteBatch(int keys) {
      if (keys < 1 || keys > MAX_DELETE_BATCH) {
        throw new IllegalArgumentException("deleteBatch must be in [1, 1000]: " + keys);
      }
      this.deleteBatch = keys;
      return this;
    }

    /** The bucket to write to (required). */
    public Builder bucket(String bucket) {
      if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
        throw new IllegalArgumentException("bucket must be a non-blank name without '/': " + bucket);
      }
      this.bucket = bucket;
      return this;
    }

    /** The region, e.g. {@code eu-west-1}; default {@code us-east-1} (MinIO and R2 accept it). */
    public Builder region(String region) {
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException("region must not be blank");
      }
      this.region = Region.of(region.strip());
      return this;
    }

    /** The endpoint of a non-AWS server, e.g. {@code http://127.0.0.1:9000} for MinIO. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = httpUri(Objects.requireNonNull(endpoint, "endpoint").toString(), "endpoint");
      return this;
    }

    /**
     * Path-style URLs ({@code host/bucket/key}) as MinIO and Supabase need; default off. With a
     * {@linkplain #client(S3Client) supplied client} it only shapes presigned URLs (match the
     * client's own setting).
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /** Static credentials; without them (or a provider) the SDK's default chain is used. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      if (accessKeyId == null || accessKeyId.isBlank()) {
        throw new IllegalArgumentException("accessKeyId must not be blank");
      }
      if (secretAccessKey == null || secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("secretAccessKey must not be blank");
      }
      this.credentials =
          StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
      return this;
    }

    /** Any SDK credentials provider (profiles, STS, web identity, ...). */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      this.credentials = Objects.requireNonNull(provider, "credentialsProvider");
      return this;
    }

    /**
     * A ready client to use instead of building one; it stays the caller's to close. Region,
     * endpoint and credentials must then not be set here (they come from the client), and
     * timeout and attempts are the client's own.
     */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** A folder inside the bucket that every key is put under, e.g. {@code snapasset/prod}. */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      String trimmed = keyPrefix.replaceAll("/+$", "");
      if (trimmed.isEmpty()) {
        this.keyPrefix = "";
        return this;
      }
      try {
        AssetStorage.checkKey(trimmed);
      } catch (StorageException e) {
        throw new IllegalArgumentException(
            "keyPrefix must be relative path segments of A-Z a-z 0-9 . _ -: " + keyPrefix, e);
      }
      this.keyPrefix = trimmed + "/";
      return this;
    }

    /**
     * URLs are {@code publicBaseUrl/KEY_PREFIX/KEY}: a CDN or bucket website in front of the
     * bucket. Replaces presigned URLs.
     */
    public Builder publicBaseUrl(URI publicBaseUrl) {
      String base = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl").toString();
      this.publicBaseUrl = httpUri(base.endsWith("/") ? base : base + "/", "publicBaseUrl");
      this.presignLifetime = null;
      return this;
    }

    /** URLs are presigned GETs valid for {@code lifetime} (at most 7 days, SigV4's limit). */
    public Builder presignedUrls(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException("presign lifetime must be in (0, 7 days]: " + lifetime);
      }
      this.presignLifetime = lifetime;
      this.publicBaseUrl = null;
      return this;
    }

    /** Files of at least this many bytes go up in parts; default 16 MiB, at least 5 MiB. */
    public Builder multipartThreshold(long bytes) {
      if (bytes < MIN_PART_SIZE) {
        throw new IllegalArgumentException(
            "multipartThreshold must be at least " + MIN_PART_SIZE + " bytes: " + bytes);
      }
      this.multipartThreshold = bytes;
      return this;
    }

    /** How long one HTTP attempt may take before it counts as a (retryable) timeout; default 30 s. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.attemptTimeout = timeout;
      return this;
    }

    /** How many times the SDK tries one request before giving up; default 3, 1 = no retry. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be in [1, 20]: " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Builds the storage (no network call: a wrong bucket or key shows at the first operation).
     *
     * @throws IllegalStateException if the bucket is missing, or a client was supplied together
     *     with settings it would ignore
     */
    public S3AssetStorage build() {
      String b = bucket;
      if (b == null) {
        throw new IllegalStateException("bucket is required");
      }
      S3Client supplied = client;
      if (supplied != null) {
        if (region != null || endpoint != null || credentials != null) {
          throw new IllegalStateException(
              "a supplied client carries its own region, endpoint and credentials:"
                  + " do not set them on the builder too");
        }
        return new S3AssetStorage(this, supplied, false, b);
      }
      return new S3AssetStorage(this, newClient(), true, b);
    }

    private S3Client newClient() {
      S3ClientBuilder sdk =
          S3Client.builder()
              .region(region == null ? Region.US_EAST_1 : region)
              .credentialsProvider(
                  credentials == null ? DefaultCredentialsProvider.builder().build() : credentials)
              .forcePathStyle(pathStyle)
              .overrideConfiguration(
                  o -> o.apiCallAttemptTimeout(attemptTimeout)
                      .retryStrategy(
                          AwsRetryStrategy.standardRetryStrategy().toBuilder()
                              .maxAttempts(maxAttempts)
                              .build()));
      if (endpoint != null) {
        // S3 look-alikes (MinIO, R2, Supabase) often reject the SDK's newer default of
        // checksum trailers on every upload: send checksums only where S3 requires them.
        sdk.endpointOverride(endpoint)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
      }
      return sdk.build();
    }
  }
}
