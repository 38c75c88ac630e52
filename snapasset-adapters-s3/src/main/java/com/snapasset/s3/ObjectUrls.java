package com.snapasset.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Turns object keys into URLs, one of three ways: under a public base URL (a CDN, a bucket
 * website, Supabase's public object path), presigned GETs, or the bucket's plain object URL.
 * Computing a URL makes no request. May throw the SDK's exceptions (e.g. no credentials to sign
 * with); the caller translates them.
 */
final class ObjectUrls implements AutoCloseable {
  private final S3Client client;
  private final String bucket;
  private final @Nullable URI publicBase;
  private final @Nullable S3Presigner presigner;
  private final Duration lifetime;

  private ObjectUrls(
      S3Client client,
      String bucket,
      @Nullable URI publicBase,
      @Nullable S3Presigner presigner,
      Duration lifetime) {
    this.client = client;
    this.bucket = bucket;
    this.publicBase = publicBase;
    this.presigner = presigner;
    this.lifetime = lifetime;
  }

  /** {@code base} must end with '/'. */
  static ObjectUrls publicBase(S3Client client, String bucket, URI base) {
    return new ObjectUrls(client, bucket, base, null, Duration.ZERO);
  }

  static ObjectUrls presigned(S3Client client, String bucket, boolean pathStyle, Duration lifetime) {
    return new ObjectUrls(client, bucket, null, presigner(client, pathStyle), lifetime);
  }

  static ObjectUrls plain(S3Client client, String bucket) {
    return new ObjectUrls(client, bucket, null, null, Duration.ZERO);
  }

  /**
   * A presigner that signs as {@code client} would. {@code S3Presigner.builder().s3Client(..)}
   * copies neither region, credentials nor endpoint, and the client does not expose its path
   * style, so that comes from the builder.
   */
  private static S3Presigner presigner(S3Client client, boolean pathStyle) {
    S3ServiceClientConfiguration config = client.serviceClientConfiguration();
    S3Presigner.Builder presigner =
        S3Presigner.builder()
            .region(config.region())
            .credentialsProvider(config.credentialsProvider())
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
    config.endpointOverride().ifPresent(presigner::endpointOverride);
    return presigner.build();
  }

  URI of(String objectKey) throws URISyntaxException {
    if (publicBase != null) {
      // Keys are checked to be plain path segments, so resolving needs no escaping.
      return publicBase.resolve(objectKey);
    }
    URL url;
    if (presigner != null) {
      url =
          presigner
              .presignGetObject(
                  p -> p.signatureDuration(lifetime)
                      .getObjectRequest(r -> r.bucket(bucket).key(objectKey)))
              .url();
    } else {
      url = client.utilities().getUrl(r -> r.bucket(bucket).key(objectKey));
    }
    return url.toURI();
  }

  @Override
  public void close() {
    if (presigner != null) {
      presigner.close();
    }
  }
}
