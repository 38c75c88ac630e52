package com.snapasset.redis;

import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisJobQueue} held to the {@link JobQueue} contract, against a real redis-server. */
class RedisJobQueueTest extends JobQueueContract {
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();

  @Override
  protected boolean reportsLastReady() {
    return true; // claim.lua answers it
  }

  @Override
  protected JobQueue createQueue(Clock clock) {
    return builder().queueName("contract-" + UUID.randomUUID()).clock(clock).build();
  }

  /** What every queue of the contract is built from; a subclass runs the contract with other settings. */
  RedisJobQueue.Builder builder() {
    return RedisJobQueue.builder().url(server.url());
  }
}
