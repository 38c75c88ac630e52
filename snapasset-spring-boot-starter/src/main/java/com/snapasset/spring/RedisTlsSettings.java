package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.redis.RedisTls;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.context.ApplicationContext;

/**
 * {@code snapasset.redis.tls.*} and {@code snapasset.redis.ssl-bundle} as the Redis adapter's
 * {@link RedisTls}. Loaded only by the Redis configurations, which exist only when the adapter is on
 * the class path.
 *
 * <p>A Spring Boot SSL bundle gives stores, a key password and alias, a protocol and cipher
 * options (all applied), but no way to say how strictly a server is checked, so
 * {@code snapasset.redis.tls.verification} still applies beside a bundle (its default, full, checks
 * the host name too). The bundle is read once, at start-up: a bundle reloaded later takes effect
 * with the next start.
 */
final class RedisTlsSettings {
  /** Protects nothing: a copy in memory of a key the bundle already holds in memory. */
  private static final char[] ALIAS_COPY_PASSWORD = "snapasset".toCharArray();

  private RedisTlsSettings() {}

  /**
   * The settings for the Redis URL named by {@code property}, or null for the adapter's defaults.
   * They apply to {@code rediss…} URLs only, so a queue over TLS can share them with a cache on a
   * plain URL; given while no Redis URL in use has TLS, they are a mistake and fail start-up.
   */
  static @Nullable RedisTls forUrl(SnapAssetProperties properties, ApplicationContext context, String url,
      String property) {
    SnapAssetProperties.Tls tls = properties.getRedis().getTls();
    String bundle = properties.getRedis().getSslBundle();
    if (bundle == null && !isSet(tls)) {
      return null;
    }
    if (!isTls(url)) {
      String queue = properties.getQueue().getRedisUrl();
      String cache = properties.getCache().getRedisUrl();
      if ((queue != null && isTls(queue)) || (cache != null && isTls(cache))) {
        return null;
      }
      // never the URL itself: it may hold a password
      throw new ConfigurationException((bundle != null ? "snapasset.redis.ssl-bundle" : "snapasset.redis.tls.*")
          + " is set but " + property
          + " is not a TLS URL: use rediss://, rediss-cluster:// or rediss-sentinel://, or remove the TLS settings");
    }
    return bundle != null ? fromBundle(bundle, tls, context) : from(tls);
  }

  private static boolean isTls(String url) {
    return url.trim().toLowerCase(Locale.ROOT).startsWith("rediss");
  }

  private static boolean isSet(SnapAssetProperties.Tls tls) {
    return tls.getTrustCertificates() != null || tls.getTrustStore() != null || tls.getKeyStore() != null
        || tls.getTrustStorePassword() != null || tls.getKeyStorePassword() != null
        || tls.getProtocol() != null || tls.getEnabledProtocols() != null || tls.getCiphers() != null
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
      suites(b, tls.getProtocol(), array(tls.getEnabledProtocols()), array(tls.getCiphers()));
      b.verification(verification(tls));
      return b.build();
    } catch (IllegalArgumentException e) {
      // The adapter's messages name the file and the setting, never a password.
      throw new ConfigurationException("snapasset.redis.tls: " + e.getMessage());
    }
  }

  private static RedisTls fromBundle(String name, SnapAssetProperties.Tls tls, ApplicationContext context) {
    List<String> files = new ArrayList<>();
    addIfSet(files, "trust-certificates", tls.getTrustCertificates());
    addIfSet(files, "trust-store", tls.getTrustStore());
    addIfSet(files, "trust-store-password", tls.getTrustStorePassword());
    addIfSet(files, "key-store", tls.getKeyStore());
    addIfSet(files, "key-store-password", tls.getKeyStorePassword());
    addIfSet(files, "protocol", tls.getProtocol());
    addIfSet(files, "enabled-protocols", tls.getEnabledProtocols());
    addIfSet(files, "ciphers", tls.getCiphers());
    if (!files.isEmpty()) {
      throw new ConfigurationException("snapasset.redis.ssl-bundle and snapasset.redis.tls." + String.join(", ", files)
          + " are both set: take the stores, protocol and ciphers from the SSL bundle (spring.ssl.bundle.*.<name>."
          + "protocol / options.*) or from snapasset.redis.tls.*, not both"
          + " (snapasset.redis.tls.verification applies to either)");
    }
    SslBundles bundles = context.getBeanProvider(SslBundles.class).getIfAvailable();
    if (bundles == null) {
      throw new ConfigurationException("snapasset.redis.ssl-bundle=" + name + " is set but the application has no "
          + "SslBundles bean: Spring Boot's SslAutoConfiguration (spring-boot-autoconfigure) makes it from "
          + "spring.ssl.bundle.*");
    }
    SslBundle bundle;
    try {
      bundle = bundles.getBundle(name);
    } catch (NoSuchSslBundleException e) {
      throw new ConfigurationException("snapasset.redis.ssl-bundle=" + name + " names no SSL bundle; defined: "
          + bundles.getBundleNames() + " (spring.ssl.bundle.pem.<name>.* or spring.ssl.bundle.jks.<name>.*)");
    }
    RedisTls.Builder b = RedisTls.builder().verification(verification(tls));
    SslStoreBundle stores = bundle.getStores();
    try {
      // As Boot 3.5's Jedis configuration does (its Lettuce one applies only the options): the
      // bundle's protocol makes the SSL context, its options narrow the socket's protocols and
      // cipher suites.
      SslOptions options = bundle.getOptions();
      suites(b, bundle.getProtocol(), options == null ? null : options.getEnabledProtocols(),
          options == null ? null : options.getCiphers());
      if (stores != null && stores.getTrustStore() != null) {
        b.trustStore(stores.getTrustStore());
      }
      if (stores != null && stores.getKeyStore() != null) {
        SslBundleKey key = bundle.getKey();
        // Boot's own key managers read the key with the key password, else the store's.
        String password = key != null && key.getPassword() != null ? key.getPassword() : stores.getKeyStorePassword();
        char[] keyPassword = chars(password);
        KeyStore keyStore = stores.getKeyStore();
        if (key != null && key.getAlias() != null) {
          keyStore = onlyAlias(keyStore, key, keyPassword);
          keyPassword = ALIAS_COPY_PASSWORD.clone();
        }
        b.keyStore(keyStore, keyPassword);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The adapter's and Boot's messages name the entry or the algorithm, never a password.
      throw new ConfigurationException("SSL bundle " + name + " (snapasset.redis.ssl-bundle) is not usable for Redis: "
          + e.getMessage());
    }
    return b.build();
  }

  /**
   * The key store reduced to the bundle's {@code key.alias} (as Boot's own clients use only that
   * key), in memory under {@link #ALIAS_COPY_PASSWORD}.
   */
  private static KeyStore onlyAlias(KeyStore store, SslBundleKey key, char @Nullable [] keyPassword) {
    key.assertContainsAlias(store);
    String alias = key.getAlias();
    try {
      KeyStore only = KeyStore.getInstance("JKS");
      only.load(null, null);
      only.setKeyEntry(alias, store.getKey(alias, keyPassword), ALIAS_COPY_PASSWORD, store.getCertificateChain(alias));
      return only;
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("key.alias " + alias + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The protocol, enabled protocols and ciphers onto {@code b}, each only when set. */
  private static void suites(RedisTls.Builder b, @Nullable String protocol, String @Nullable [] enabledProtocols,
      String @Nullable [] ciphers) {
    if (protocol != null) {
      b.protocol(protocol);
    }
    if (enabledProtocols != null) {
      b.enabledProtocols(enabledProtocols);
    }
    if (ciphers != null) {
      b.ciphers(ciphers);
    }
  }

  private static String @Nullable [] array(@Nullable List<String> names) {
    return names == null ? null : names.toArray(String[]::new);
  }

  private static void addIfSet(List<String> names, String name, @Nullable Object value) {
    if (value != null) {
      names.add(name);
    }
  }

  private static RedisTls.Verification verification(SnapAssetProperties.Tls tls) {
    return switch (tls.getVerification()) {
      case FULL -> RedisTls.Verification.FULL;
      case CA -> RedisTls.Verification.CA;
      case NONE -> RedisTls.Verification.NONE;
    };
  }

  private static char @Nullable [] chars(@Nullable String password) {
    return password == null ? null : password.toCharArray();
  }
}
