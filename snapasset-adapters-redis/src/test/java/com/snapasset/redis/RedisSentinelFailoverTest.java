package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.snapasset.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A master, its replica and three Sentinels (quorum 2); the queue connects through the Sentinels
 * ({@code redis-sentinel://…#mymaster}). The master is SIGKILLed while two workers run jobs: the
 * Sentinels promote the replica, the queue follows the switch and every job completes.
 */
class RedisSentinelFailoverTest {
  private static final String MASTER_NAME = "mymaster";

  @TempDir Path output;

  @Test
  void workersFollowTheMasterSentinelPromotes() throws Exception {
    RedisServerVersion.requireRedis7("Redis Sentinel failover test");
    List<RedisTestServer> servers = new ArrayList<>();
    try {
      RedisTestServer master = RedisTestServer.start();
      servers.add(master);
      RedisTestServer replica = RedisTestServer.start(false, "--replicaof", "127.0.0.1", Integer.toString(master.port()));
      servers.add(replica);
      Await.until("the replica to sync", Duration.ofSeconds(30), () -> info(replica).contains("master_link_status:up"));
      List<RedisTestServer> sentinels = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        RedisTestServer s = RedisTestServer.startSentinel(String.join("\n",
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 2",
            "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
            "sentinel failover-timeout " + MASTER_NAME + " 10000",
            "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
        servers.add(s);
        sentinels.add(s);
      }
      for (RedisTestServer s : sentinels) {
        Await.until("sentinel " + s.port() + " to know the replica and the other sentinels", Duration.ofSeconds(60),
            () -> {
              Map<String, String> m = sentinelMaster(s);
              return "1".equals(m.get("num-slaves")) && "2".equals(m.get("num-other-sentinels"));
            });
      }
      String url = "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
          .collect(Collectors.joining(",")) + "#" + MASTER_NAME;

      FailoverRun.Outcome outcome = FailoverRun.run(url, "sentinel-failover", output,
          () -> FailoverRun.awaitReplicaCaughtUp(master, replica),
          master::kill);

      assertThat(info(replica)).as("the replica was promoted").contains("role:master");
      try (Jedis s = RedisTestCluster.jedis(sentinels.get(0))) {
        assertThat(s.sentinelGetMasterAddrByName(MASTER_NAME)).containsExactly("127.0.0.1",
            Integer.toString(replica.port()));
      }
      assertThat(outcome.completedBeforeKill()).isLessThan(FailoverRun.JOBS);
      System.out.println("sentinel failover: " + outcome);
    } finally {
      for (RedisTestServer s : servers) {
        s.close();
      }
    }
  }

  private static String info(RedisTestServer server) {
    try (Jedis j = RedisTestCluster.jedis(server)) {
      return j.info("replication");
    }
  }

  private static Map<String, String> sentinelMaster(RedisTestServer sentinel) {
    try (Jedis j = RedisTestCluster.jedis(sentinel)) {
      return j.sentinelMaster(MASTER_NAME);
    }
  }
}
