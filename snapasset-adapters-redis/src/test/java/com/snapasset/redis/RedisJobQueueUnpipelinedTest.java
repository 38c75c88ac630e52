package com.snapasset.redis;

/** The contract again with pipelining off: every script call on its own pooled connection. */
class RedisJobQueueUnpipelinedTest extends RedisJobQueueTest {
  @Override
  RedisJobQueue.Builder builder() {
    return super.builder().pipelining(false);
  }
}
