package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.embedded.FileSystemAssetStorage;
import com.snapasset.s3.S3AssetStorage;
import com.snapasset.spi.AssetStorage;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Asset storage: an S3-compatible bucket when one is named, else a local folder. */
final class StorageConfiguration {
  private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

  private StorageConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(S3AssetStorage.class)
  @ConditionalOnProperty(prefix = "snapasset.storage.s3", name = "bucket")
  @ConditionalOnMissingBean(AssetStorage.class)
  static class S3 {
    @Bean
    S3AssetStorage snapAssetStorage(SnapAssetProperties properties) {
      SnapAssetProperties.S3 p = properties.getStorage().getS3();
      S3AssetStorage.Builder b = S3AssetStorage.builder()
          .bucket(Objects.requireNonNull(p.getBucket()))
          .pathStyle(p.isPathStyle())
          .keyPrefix(p.getKeyPrefix());
      if (p.getRegion() != null) {
        b.region(p.getRegion());
      }
      if (p.getEndpoint() != null) {
        b.endpoint(p.getEndpoint());
      }
      if (p.getAccessKeyId() != null || p.getSecretAccessKey() != null) {
        if (p.getAccessKeyId() == null || p.getSecretAccessKey() == null) {
          throw new ConfigurationException("set both snapasset.storage.s3.access-key-id and "
              + "snapasset.storage.s3.secret-access-key, or neither (the AWS default credential chain)");
        }
        b.credentials(p.getAccessKeyId(), p.getSecretAccessKey());
      }
      if (p.getPublicBaseUrl() != null) {
        b.publicBaseUrl(p.getPublicBaseUrl());
      }
      if (p.getPresignedUrlLifetime() != null) {
        b.presignedUrls(p.getPresignedUrlLifetime());
      }
      S3AssetStorage storage = b.build();
      log.info("SnapAsset asset storage: {}", storage);
      return storage;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(AssetStorage.class)
  static class Local {
    @Bean
    FileSystemAssetStorage snapAssetStorage(SnapAssetProperties properties) {
      if (properties.getStorage().getS3().getBucket() != null) {
        throw Misconfiguration.missingModule("snapasset.storage.s3.bucket", "snapasset-adapters-s3");
      }
      SnapAssetProperties.Local p = properties.getStorage().getLocal();
      FileSystemAssetStorage storage = FileSystemAssetStorage.create(p.getDirectory(), p.getPublicBaseUrl());
      log.info("SnapAsset asset storage: local folder {}", storage.root());
      return storage;
    }
  }
}
