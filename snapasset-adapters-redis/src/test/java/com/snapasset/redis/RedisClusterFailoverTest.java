package com.snapasset.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a 3-master / 3-replica Redis Cluster, the master holding a queue's slot is SIGKILLed while
 * two workers run its jobs: its replica takes over, the workers reconnect by themselves and every
 * job completes.
 */
class RedisClusterFailoverTest {
  @TempDir Path output;

  @Test
  void workersCarryOnWhenTheQueuesMasterDies() throws Exception {
    RedisServerVersion.requireRedis7("Redis Cluster failover test");
    try (RedisTestCluster cluster = RedisTestCluster.start(3, 1)) {
      String queueKey = "snapasset:{failover}:";
      RedisTestServer master = cluster.masterOf(queueKey);
      RedisTestServer replica = cluster.replicasOf(master).get(0);

      FailoverRun.Outcome outcome = FailoverRun.run(cluster.url(), "failover", output,
          () -> FailoverRun.awaitReplicaCaughtUp(master, replica),
          () -> cluster.kill(master));

      assertThat(cluster.isMaster(replica)).as("the replica was promoted").isTrue();
      assertThat(cluster.masterOf(queueKey).port()).isEqualTo(replica.port());
      assertThat(outcome.completedBeforeKill()).isLessThan(FailoverRun.JOBS);
      System.out.println("cluster failover: " + outcome);
    }
  }
}
