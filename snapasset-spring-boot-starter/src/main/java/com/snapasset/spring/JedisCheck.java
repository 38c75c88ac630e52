package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.springframework.util.ClassUtils;

/**
 * Fails start-up with the fix when the Jedis on the class path is older than the Redis adapter
 * needs. Spring Boot's dependency management pins Jedis (6.0 in Boot 3.5, 7.0 in Boot 4.0), and a
 * BOM's version beats the one the adapter declares; without this check the first Redis call fails
 * with {@code NoClassDefFoundError: redis/clients/jedis/RedisClient}.
 */
final class JedisCheck {
  static final String REQUIRED = "8";
  private static final String PROBE = "redis.clients.jedis.RedisClient";

  private JedisCheck() {}

  static void requireSupportedJedis(ClassLoader loader) {
    if (ClassUtils.isPresent(PROBE, loader)) {
      return;
    }
    throw new ConfigurationException("SnapAsset's Redis adapter needs Jedis " + REQUIRED + ".x, but the class path has "
        + "Jedis " + version(loader) + ". Spring Boot's dependency management chooses that version. Fix it in the "
        + "application's build: import com.snapasset:snapasset-bom BEFORE spring-boot-dependencies, or declare "
        + "redis.clients:jedis:8.0.2 in <dependencyManagement> before the Spring Boot import, or (with "
        + "spring-boot-starter-parent) set the property <jedis.version>8.0.2</jedis.version>");
  }

  private static String version(ClassLoader loader) {
    try (InputStream in = loader.getResourceAsStream("META-INF/maven/redis.clients/jedis/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "(unknown version)");
      }
    } catch (IOException e) {
      // fall through: the message still says what is needed
    }
    return "(unknown version)";
  }
}
