package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.redis.RedisEndpoint.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

/** The URL forms: one server, Cluster seeds, Sentinel; credentials never in descriptions or errors. */
class RedisEndpointTest {

  @Test
  void oneServer() {
    RedisEndpoint e = RedisEndpoint.parse("redis://worker:s3cret@redis.example.com:6380/2");
    assertThat(e.topology()).isEqualTo(Topology.STANDALONE);
    assertThat(e.tls()).isFalse();
    assertThat(e.hosts()).containsExactly(new HostAndPort("redis.example.com", 6380));
    assertThat(e.user()).isEqualTo("worker");
    assertThat(e.password()).isEqualTo("s3cret");
    assertThat(e.database()).isEqualTo(2);
    assertThat(e).hasToString("redis://redis.example.com:6380/2");
    assertThat(RedisEndpoint.parse("rediss://:p%40ss@h").password()).isEqualTo("p@ss");
    assertThat(RedisEndpoint.parse("rediss://h").hosts()).containsExactly(new HostAndPort("h", 6379));
    assertThat(RedisEndpoint.parse("redis://[::1]:7000").hosts()).containsExactly(new HostAndPort("::1", 7000));
  }

  @Test
  void severalHostsOrTheClusterSchemeMeanACluster() {
    RedisEndpoint e = RedisEndpoint.parse("rediss://:pw@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3");
    assertThat(e.topology()).isEqualTo(Topology.CLUSTER);
    assertThat(e.tls()).isTrue();
    assertThat(e.hosts()).containsExactly(new HostAndPort("10.0.0.1", 7000), new HostAndPort("10.0.0.2", 7001),
        new HostAndPort("10.0.0.3", 6379));
    assertThat(e).hasToString("rediss-cluster://10.0.0.1:7000,10.0.0.2:7001,10.0.0.3:6379");
    assertThat(RedisEndpoint.parse("redis-cluster://seed:7000").topology()).isEqualTo(Topology.CLUSTER);
  }

  @Test
  void sentinelNamesItsMaster() {
    RedisEndpoint e = RedisEndpoint.parse("redis-sentinel://:pw@s1,s2:26380/1#mymaster");
    assertThat(e.topology()).isEqualTo(Topology.SENTINEL);
    assertThat(e.hosts()).isEqualTo(List.of(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380)));
    assertThat(e.masterName()).isEqualTo("mymaster");
    assertThat(e.database()).isEqualTo(1);
    assertThat(e).hasToString("redis-sentinel://s1:26379,s2:26380/1#mymaster");
  }

  @Test
  void unusableUrlsAreRefusedWithoutRepeatingThePassword() {
    for (String bad : List.of("http://u:hunter2@h", "hunter2", "redis://:hunter2@h:99999", "redis://:hunter2@h:x",
        "redis://:hunter2@h/abc", "redis://:hunter2@a,b/3", "redis-sentinel://:hunter2@s1",
        "redis://:hunter2@h#m", "redis://:hunter2@h?timeout=1", "redis://:hunter2@exa mple.com",
        "redis://:hunter2@a,,b")) {
      assertThatThrownBy(() -> RedisEndpoint.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("redis://")
          .hasMessageNotContaining("hunter2");
    }
  }
}
