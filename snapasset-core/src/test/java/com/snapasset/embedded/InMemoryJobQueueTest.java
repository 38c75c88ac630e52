package com.snapasset.embedded;

import com.snapasset.spi.JobQueue;
import com.snapasset.spi.JobQueueContract;
import java.time.Clock;

class InMemoryJobQueueTest extends JobQueueContract {
  @Override
  protected boolean reportsLastReady() {
    return true;
  }

  @Override
  protected JobQueue createQueue(Clock clock) {
    return InMemoryJobQueue.create(clock);
  }
}
