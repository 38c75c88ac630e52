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
      description = "Shared queue and cache, redis://[user:password@]host:port[/db] (env REDIS_URL).")
  @Nullable String redisUrl;

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
