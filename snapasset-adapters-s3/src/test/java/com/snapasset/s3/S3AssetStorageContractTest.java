package com.snapasset.s3;

import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.AssetStorageContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The core contract, against a real S3 server (s3proxy, in-process on a loopback port). */
class S3AssetStorageContractTest extends AssetStorageContract {
  private static S3TestServer server;
  private static S3AssetStorage shared;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    // A key prefix, so the contract also covers how keys are mapped into and out of the bucket.
    shared = server.storage(server.newBucket()).keyPrefix("contract").build();
  }

  @AfterAll
  static void stopServer() {
    shared.close();
    server.close();
  }

  @Override
  protected AssetStorage createStorage() {
    // Each contract test uses a fresh key prefix, so one storage (one S3 client) serves them all.
    return shared;
  }
}
