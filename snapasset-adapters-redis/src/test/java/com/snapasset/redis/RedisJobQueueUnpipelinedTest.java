package com.snapasset.redis;

import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract again with pipelining off: every script call on its own pooled connection. */
class RedisJobQueueUnpipelinedTest extends JobQueueContract {
  @RegisterExtension
  static final RedisServerExtension server = RedisServerExtension.create();

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
