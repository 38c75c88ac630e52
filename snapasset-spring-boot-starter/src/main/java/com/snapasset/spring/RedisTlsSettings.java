package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.redis.RedisTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code snapasset.redis.tls.*} as the Redis adapter's {@link RedisTls}. Loaded only by the Redis
 * configurations, which exist only when the adapter is on the class path.
 */
final class RedisTlsSettings {
  private RedisTlsSettings() {}

  /**
   * The settings for the Redis URL named by {@code property}, or null for the adapter's defaults.
   * They apply to {@code rediss…} URLs only, so a queue over TLS can share them with a cache on a
   * plain URL; given while no Redis URL in use has TLS, they are a mistake and fail start-up.
   */
  static @Nullable RedisTls forUrl(SnapAssetProperties properties, String url, String property) {
    SnapAssetProperties.Tls tls = properties.getRedis().getTls();
    if (!isSet(tls)) {
      return null;
    }
    if (!isTls(url)) {
      String queue = properties.getQueue().getRedisUrl();
      String cache = properties.getCache().getRedisUrl();
      if ((queue != null && isTls(queue)) || (cache != null && isTls(cache))) {
        return null;
      }
      // never the URL itself: it may hold a password
      throw new ConfigurationException("snapasset.redis.tls.* is set but " + property
          + " is not a TLS URL: use rediss://, rediss-cluster:// or rediss-sentinel://, or remove the TLS settings");
    }
    return from(tls);
  }

  private static boolean isTls(String url) {
    return url.trim().toLowerCase(Locale.ROOT).startsWith("rediss");
  }

  private static boolean isSet(SnapAssetProperties.Tls tls) {
    return tls.getTrustCertificates() != null || tls.getTrustStore() != null || tls.getKeyStore() != null
        || tls.getTrustStorePassword() != null || tls.getKeyStorePassword() != null
        || tls.getVerification() != SnapAssetProperties.TlsVerification.FULL;
  }

  private static RedisTls from(SnapAssetProperties.Tls tls) {
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
    } catch (IllegalArgumentException e) {
      // The adapter's messages name the file and the setting, never a password.
      throw new ConfigurationException("snapasset.redis.tls: " + e.getMessage());
    }
  }

  private static char @Nullable [] chars(@Nullable String password) {
    return password == null ? null : password.toCharArray();
  }
}
