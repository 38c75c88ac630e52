package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.redis.RedisTls;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code snapasset.redis.tls.*} as the Redis adapter's {@link RedisTls}. Loaded only by the Redis
 * configurations, which exist only when the adapter is on the class path.
 */
final class RedisTlsSettings {
  private RedisTlsSettings() {}

  /** The settings, or null when none differs from the defaults (the JVM's trust store, full checks). */
  static @Nullable RedisTls from(SnapAssetProperties.Tls tls) {
    if (tls.getTrustCertificates() == null && tls.getTrustStore() == null && tls.getKeyStore() == null
        && tls.getTrustStorePassword() == null && tls.getKeyStorePassword() == null
        && tls.getVerification() == SnapAssetProperties.TlsVerification.FULL) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    if (tls.getTrustCertificates() != null && tls.getTrustStore() != null) {
      problems.add("snapasset.redis.tls: set trust-certificates (PEM) or trust-store, not both");
    }
    if (tls.getTrustStorePassword() != null && tls.getTrustStore() == null) {
      problems.add("snapasset.redis.tls.trust-store-password is set without trust-store");
    }
    if (tls.getKeyStorePassword() != null && tls.getKeyStore() == null) {
      problems.add("snapasset.redis.tls.key-store-password is set without key-store");
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    RedisTls.Builder b = RedisTls.builder();
    try {
      if (tls.getTrustCertificates() != null) {
        b.trustCertificates(tls.getTrustCertificates());
      }
      if (tls.getTrustStore() != null) {
        b.trustStore(tls.getTrustStore(), chars(tls.getTrustStorePassword()));
      }
      if (tls.getKeyStore() != null) {
        b.keyStore(tls.getKeyStore(), chars(tls.getKeyStorePassword()));
      }
      b.verification(switch (tls.getVerification()) {
        case FULL -> RedisTls.Verification.FULL;
        case CA -> RedisTls.Verification.CA;
        case NONE -> RedisTls.Verification.NONE;
      });
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The adapter's messages name files and settings, never a password.
      throw new ConfigurationException("snapasset.redis.tls is not usable: " + e.getMessage());
    }
  }

  private static char @Nullable [] chars(@Nullable String password) {
    return password == null ? null : password.toCharArray();
  }
}
