package com.snapasset.redis;

import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract again with pipelining off: every script call on its own pooled connection. */
class RedisJobQueueUnpipelinedTest extends JobQueueContract {
  private static RedisTestServer server;

  @BeforeAll
  static void startRedis() {
    server = RedisTestServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @Override
  protected boolean reportsLastReady() {
    return true; // claim.lua answers it
  }

  @Override
  protected JobQueue createQueue(Clock clock) {
    return RedisJobQueue.builder().url(server.url()).pipelining(false)
        .queueName("plain-" + UUID.randomUUID()).clock(clock).build();
  }
}
