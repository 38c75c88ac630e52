package com.example.boot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the Redis adapter needs at run time is what the app gets with the BOMs in this order. */
class ResolvedVersionsTest {

  @Test
  void jedisIsTheOneTheRedisAdapterIsBuiltFor() {
    // Jedis 6 (Spring Boot 3.5's) has no RedisClient: RedisJobQueue would fail with NoClassDefFoundError
    assertDoesNotThrow(() -> Class.forName("redis.clients.jedis.RedisClient"));
  }

  @Test
  void jacksonModulesMatchDatabind() {
    String databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
    String kotlinModule = com.fasterxml.jackson.module.kotlin.PackageVersion.VERSION.toString();
    String jdk8 = com.fasterxml.jackson.datatype.jdk8.PackageVersion.VERSION.toString();
    assertEquals(databind, kotlinModule);
    assertEquals(databind, jdk8);
  }
}
