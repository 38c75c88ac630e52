package com.snapasset.examples.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Where jobs, files and history live, shared by {@code serve} and {@code worker}: each flag falls
 * back to an environment variable, and with none set everything is embedded (in-memory queue,
 * local files, in-memory history). Credentials come only from the environment, never from flags
 * that {@code ps} would show: {@code OPENAI_API_KEY}, {@code AWS_ACCESS_KEY_ID} / {@code
 * AWS_SECRET_ACCESS_KEY}, and the password inside {@code DATABASE_URL}.
 */
final class BackendOptions {
  @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL}", paramLabel = "URL",
      description = "Shared queue and cache (env REDIS_URL): redis://[user:password@]host:port[/db], "
          + "rediss://… for TLS, redis://host1:port1,host2:port2 for a Redis Cluster, "
          + "redis-sentinel://sentinel1:26379,sentinel2:26379#masterName for Sentinel.")
  @Nullable String redisUrl;

  @Option(names = "--redis-tls-ca", defaultValue = "${env:REDIS_TLS_CA}", paramLabel = "PEM",
      description = "With rediss…: trust the CA certificates in this PEM file (env REDIS_TLS_CA).")
  @Nullable Path redisTlsCa;

  @Option(names = "--redis-tls-keystore", defaultValue = "${env:REDIS_TLS_KEYSTORE}", paramLabel = "FILE",
      description = "With rediss…: present this PKCS#12 client certificate (env REDIS_TLS_KEYSTORE; its "
          + "password only from env REDIS_TLS_KEYSTORE_PASSWORD).")
  @Nullable Path redisTlsKeystore;

  @Option(names = "--redis-tls-verify", defaultValue = "${env:REDIS_TLS_VERIFY}", paramLabel = "MODE",
      description = "With rediss…: full (default: chain and host name), ca (chain only) or none (env REDIS_TLS_VERIFY).")
  @Nullable String redisTlsVerify;

  @Option(names = "--redis-tls-protocol", defaultValue = "${env:REDIS_TLS_PROTOCOL}", paramLabel = "NAME",
      description = "With rediss…: the SSL context protocol, e.g. TLSv1.3 (env REDIS_TLS_PROTOCOL; default TLS). "
          + "It does not limit the versions offered: see --redis-tls-enabled-protocols.")
  @Nullable String redisTlsProtocol;

  @Option(names = "--redis-tls-enabled-protocols", defaultValue = "${env:REDIS_TLS_ENABLED_PROTOCOLS}",
      paramLabel = "LIST",
      description = "With rediss…: offer only these TLS versions, comma-separated, e.g. TLSv1.3,TLSv1.2 "
          + "(env REDIS_TLS_ENABLED_PROTOCOLS; default: the JVM's).")
  @Nullable String redisTlsEnabledProtocols;

  @Option(names = "--redis-tls-ciphers", defaultValue = "${env:REDIS_TLS_CIPHERS}", paramLabel = "LIST",
      description = "With rediss…: offer only these cipher suites, comma-separated, e.g. "
          + "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256 (env REDIS_TLS_CIPHERS; default: the JVM's).")
  @Nullable String redisTlsCiphers;

  @Option(names = "--s3-bucket", defaultValue = "${env:S3_BUCKET}", paramLabel = "NAME",
      description = "Store files in this S3 bucket instead of a local folder (env S3_BUCKET).")
  @Nullable String s3Bucket;

  @Option(names = "--s3-region", defaultValue = "${env:S3_REGION:-${env:AWS_REGION}}", paramLabel = "REGION",
      description = "The bucket's region (env S3_REGION or AWS_REGION).")
  @Nullable String s3Region;

  @Option(names = "--s3-endpoint", defaultValue = "${env:S3_ENDPOINT}", paramLabel = "URL",
      description = "A non-AWS S3 server: MinIO, R2, Supabase (env S3_ENDPOINT); implies path-style access.")
  @Nullable String s3Endpoint;

  @Option(names = "--s3-public-url", defaultValue = "${env:S3_PUBLIC_URL}", paramLabel = "URL",
      description = "Base URL files are served from, e.g. a CDN (env S3_PUBLIC_URL).")
  @Nullable String s3PublicUrl;

  @Option(names = "--s3-key-prefix", defaultValue = "${env:S3_KEY_PREFIX}", paramLabel = "PREFIX",
      description = "A folder inside the bucket (env S3_KEY_PREFIX).")
  @Nullable String s3KeyPrefix;

  @Option(names = "--s3-presign", defaultValue = "${env:S3_PRESIGN}", paramLabel = "DURATION",
      description = "Hand out presigned URLs valid this long, e.g. PT12H, for a private bucket (env S3_PRESIGN).")
  @Nullable Duration s3Presign;

  @Option(names = "--database-url", defaultValue = "${env:DATABASE_URL}", paramLabel = "URL",
      description = "Keep the generation history in PostgreSQL: jdbc:postgresql://... or "
          + "postgres://user:password@host:5432/db (env DATABASE_URL).")
  @Nullable String databaseUrl;

  @Option(names = "--render-threads", defaultValue = "${env:RENDER_THREADS}", paramLabel = "N",
      description = "Threads rendering images (env RENDER_THREADS; default: one per processor).")
  @Nullable Integer renderThreads;

  @Option(names = {"-o", "--output"}, defaultValue = "${env:SNAPASSET_OUTPUT:-snapasset-output}", paramLabel = "DIR",
      description = "Folder of the local file storage (env SNAPASSET_OUTPUT, default: ${DEFAULT-VALUE}).")
  Path output = Path.of("snapasset-output");
}
