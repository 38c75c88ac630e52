package com.snapasset.s3;

import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * A real S3 server (s3proxy over an in-memory blob store) on a free loopback port, in-process.
 * It can be stopped and started again on the same port with the same contents, to play a server
 * that goes away during an upload and comes back.
 */
final class S3TestServer implements AutoCloseable {
  static final String ACCESS_KEY = "test-access-key";
  static final String SECRET_KEY = "test-secret-key-never-in-messages";

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final BlobStore blobStore;
  private final String servicePath;
  private S3Proxy proxy;
  private final int port;

  private S3TestServer(String servicePath) throws Exception {
    this.blobStore = BlobStores.create("transient", new Properties());
    this.servicePath = servicePath;
    this.proxy = newProxy(0);
    proxy.start();
    this.port = proxy.getPort();
  }

  /** Starts a server answering at {@code http://127.0.0.1:PORT/}. */
  static S3TestServer start() throws Exception {
    return new S3TestServer("");
  }

  /** Starts a server answering under a path, as Supabase does ({@code /storage/v1/s3}). */
  static S3TestServer startWithServicePath(String servicePath) throws Exception {
    return new S3TestServer(servicePath);
  }

  private S3Proxy newProxy(int listenPort) {
    S3Proxy.Builder builder =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + listenPort))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .jettyMaxThreads(16)
            .stopTimeout(0);
    if (!servicePath.isEmpty()) {
      builder.servicePath(servicePath);
    }
    return builder.build();
  }

  /** The root URL, e.g. {@code http://127.0.0.1:38123}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port + servicePath);
  }

  int port() {
    return port;
  }

  /** Creates a fresh bucket with a unique name, so tests sharing a server do not meet. */
  String newBucket() {
    String name = "test-bucket-" + BUCKETS.incrementAndGet();
    blobStore.createContainer(name);
    return name;
  }

  /** Lets anyone GET the object by its plain URL, as a public bucket's policy would. */
  void makePublic(String bucket, String key) {
    blobStore.setBlobAccess(bucket, key, ObjectCannedACL.PUBLIC_READ);
  }

  boolean exists(String bucket, String key) {
    return blobStore.blobExists(bucket, key);
  }

  /** A builder pointed at this server with path-style access and the right keys. */
  S3AssetStorage.Builder storage(String bucket) {
    return S3AssetStorage.builder()
        .bucket(bucket)
        .endpoint(endpoint())
        .pathStyle(true)
        .credentials(ACCESS_KEY, SECRET_KEY);
  }

  /** An SDK client for this server with {@code interceptors}, which can act mid-request. */
  S3Client client(int maxAttempts, ExecutionInterceptor... interceptors) {
    return S3Client.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint())
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .overrideConfiguration(
            o -> o.executionInterceptors(List.of(interceptors))
                .retryStrategy(
                    AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build()))
        .build();
  }

  void stop() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    }
  }

  /** Starts again on the same port, with everything stored before the stop. */
  void restart() {
    proxy = newProxy(port);
    try {
      proxy.start();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not start again on port " + port, e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
