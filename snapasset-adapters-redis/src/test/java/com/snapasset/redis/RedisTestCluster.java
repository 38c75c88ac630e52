package com.snapasset.redis;

import com.snapasset.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * A real Redis Cluster for tests and benchmarks: {@code masters} masters with {@code
 * replicasPerMaster} replicas each, every node a {@code redis-server} on a free loopback port,
 * joined with {@code CLUSTER MEET / ADDSLOTSRANGE / REPLICATE} (no {@code redis-cli} needed).
 * Failures are detected after {@code cluster-node-timeout} 1 s, so a killed master's replica takes
 * over within a few seconds.
 */
public final class RedisTestCluster implements AutoCloseable {
  private static final int SLOTS = 16384;
  private static final Duration FORMING = Duration.ofSeconds(60);

  private final List<RedisTestServer> nodes = new ArrayList<>();
  private final List<RedisTestServer> killed = new ArrayList<>();

  private RedisTestCluster(int masters, int replicasPerMaster) {
    int total = masters * (1 + replicasPerMaster);
    try {
      for (int i = 0; i < total; i++) {
        nodes.add(RedisTestServer.start(false, "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
            // A replica whose link broke just before its master died may still take over.
            "--cluster-replica-validity-factor", "0"));
      }
      for (int m = 0; m < masters; m++) {
        try (Jedis j = jedis(nodes.get(m))) {
          j.clusterAddSlotsRange(m * SLOTS / masters, (m + 1) * SLOTS / masters - 1);
        }
      }
      try (Jedis first = jedis(nodes.get(0))) {
        for (RedisTestServer n : nodes.subList(1, total)) {
          first.clusterMeet("127.0.0.1", n.port());
        }
      }
      for (RedisTestServer n : nodes) {
        Await.until("every node to know all " + total + " nodes", FORMING, () -> knownNodes(n) == total);
      }
      for (int r = masters; r < total; r++) {
        String masterId = nodeId(nodes.get((r - masters) % masters));
        try (Jedis j = jedis(nodes.get(r))) {
          j.clusterReplicate(masterId);
        }
      }
      awaitHealthy();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Starts a cluster; the caller closes it. Needs redis-server 7 (see {@link RedisServerVersion}). */
  public static RedisTestCluster start(int masters, int replicasPerMaster) {
    return new RedisTestCluster(masters, replicasPerMaster);
  }

  /** The seed-list URL of every live node, {@code redis://127.0.0.1:p1,127.0.0.1:p2,…}. */
  public String url() {
    return "redis://" + live().stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  /** The live nodes. */
  public List<RedisTestServer> live() {
    List<RedisTestServer> live = new ArrayList<>(nodes);
    live.removeAll(killed);
    return live;
  }

  /** Waits until every live node reports {@code cluster_state:ok} and every replica is in sync. */
  public void awaitHealthy() {
    for (RedisTestServer n : live()) {
      Await.until("cluster_state:ok on node " + n.port(), FORMING,
          () -> info(n, null).contains("cluster_state:ok") && replicaInSync(n));
    }
  }

  /** The live master that serves this key's slot. */
  public RedisTestServer masterOf(String key) {
    int slot = slot(key);
    for (RedisTestServer n : live()) {
      for (String line : clusterNodes(n).split("\n")) {
        String[] f = line.split(" ");
        if (f.length > 8 && f[2].contains("myself") && f[2].contains("master") && servesSlot(f, slot)) {
          return n;
        }
      }
    }
    throw new IllegalStateException("no live master serves slot " + slot);
  }

  /** The live replicas of a master. */
  public List<RedisTestServer> replicasOf(RedisTestServer master) {
    String id = nodeId(master);
    List<RedisTestServer> replicas = new ArrayList<>();
    for (RedisTestServer n : live()) {
      String me = myLine(n);
      if (me.split(" ")[3].equals(id)) {
        replicas.add(n);
      }
    }
    return replicas;
  }

  /** Kills a node with SIGKILL; its replica is promoted after the node timeout. */
  public void kill(RedisTestServer node) {
    node.kill();
    killed.add(node);
  }

  /** The slot of a key (CRC16 of its hash tag). */
  public int slot(String key) {
    try (Jedis j = jedis(live().get(0))) {
      return (int) j.clusterKeySlot(key);
    }
  }

  /**
   * Moves one slot to another master, as {@code redis-cli --cluster reshard} does: mark it
   * importing/migrating, {@code MIGRATE} its keys in batches of {@code batch} (pausing {@code
   * between} batches by calling {@code betweenBatches}), then hand it over.
   */
  public void migrateSlot(int slot, RedisTestServer from, RedisTestServer to, int batch, Runnable betweenBatches) {
    String fromId = nodeId(from);
    String toId = nodeId(to);
    try (Jedis src = jedis(from); Jedis dst = jedis(to)) {
      dst.clusterSetSlotImporting(slot, fromId);
      src.clusterSetSlotMigrating(slot, toId);
      while (true) {
        List<String> keys = src.clusterGetKeysInSlot(slot, batch);
        if (keys.isEmpty()) {
          break;
        }
        src.migrate("127.0.0.1", to.port(), 0, 5_000, MigrateParams.migrateParams(), keys.toArray(String[]::new));
        betweenBatches.run();
      }
      dst.clusterSetSlotNode(slot, toId);
      src.clusterSetSlotNode(slot, toId);
      for (RedisTestServer n : live()) {
        if (n != from && n != to && isMaster(n)) {
          try (Jedis j = jedis(n)) {
            j.clusterSetSlotNode(slot, toId);
          }
        }
      }
    }
  }

  /** Whether a live node is a master now. */
  public boolean isMaster(RedisTestServer node) {
    return myLine(node).split(" ")[2].contains("master");
  }

  /** A live master other than the given one. */
  public RedisTestServer otherMaster(RedisTestServer not) {
    return live().stream().filter(n -> n != not && isMaster(n)).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    for (RedisTestServer n : nodes) {
      n.close();
    }
  }

  /** A plain connection to one node (RESP2, without the protocol negotiation Jedis warns about). */
  public static Jedis jedis(RedisTestServer node) {
    return new Jedis(new HostAndPort("127.0.0.1", node.port()),
        DefaultJedisClientConfig.builder().timeoutMillis(5_000).autoNegotiateProtocol(false).build());
  }

  private static String info(RedisTestServer n, String section) {
    try (Jedis j = jedis(n)) {
      return section == null ? j.clusterInfo() : j.info(section);
    }
  }

  private static boolean replicaInSync(RedisTestServer n) {
    String replication = info(n, "replication");
    return !replication.contains("role:slave") || replication.contains("master_link_status:up")
        && !replication.contains("master_sync_in_progress:1");
  }

  private static String clusterNodes(RedisTestServer n) {
    try (Jedis j = jedis(n)) {
      return j.clusterNodes();
    }
  }

  private static int knownNodes(RedisTestServer n) {
    return (int) clusterNodes(n).lines().filter(l -> !l.contains("handshake")).count();
  }

  private static String myLine(RedisTestServer n) {
    return clusterNodes(n).lines().filter(l -> l.split(" ")[2].contains("myself")).findFirst().orElseThrow();
  }

  private static String nodeId(RedisTestServer n) {
    try (Jedis j = jedis(n)) {
      return j.clusterMyId();
    }
  }

  private static boolean servesSlot(String[] fields, int slot) {
    for (int i = 8; i < fields.length; i++) {
      String range = fields[i];
      if (range.startsWith("[")) {
        continue; // a slot being migrated or imported
      }
      int dash = range.indexOf('-');
      int lo = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
      int hi = dash < 0 ? lo : Integer.parseInt(range.substring(dash + 1));
      if (slot >= lo && slot <= hi) {
        return true;
      }
    }
    return false;
  }
}
