/**
 * The values a {@link com.snapasset.spi.JobQueue} exchanges with the engine: jobs to add and their
 * stored state, claims and their locks, sweep results, and the events a queue publishes. Only
 * implementers of a queue need them; the other ports do not use them.
 */
@NullMarked
package com.snapasset.spi.queue;

import com.snapasset.spi.JobQueue;
import org.jspecify.annotations.NullMarked;
