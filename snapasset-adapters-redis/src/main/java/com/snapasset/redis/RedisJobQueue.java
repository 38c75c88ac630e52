package com.snapasset.redis;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueStats;
import com.snapasset.RateLimit;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

/**
 * A {@link JobQueue} in Redis that any number of API nodes and worker JVMs share. Every state
 * change is one atomic Lua script, so no two workers ever hold one job and a worker whose lock
 * expired cannot overwrite the work of the worker that took the job over. Idle workers block on
 * Redis ({@code BLPOP} on a wake-up list) and wake within milliseconds of a new job. Events are
 * published on a Redis channel and reach subscribers in every process.
 *
 * <pre>{@code
 * try (RedisJobQueue queue = RedisJobQueue.builder()
 *     .url("redis://localhost:6379")
 *     .queueName("images")
 *     .build()) {
 *   AssetGenerator generator = AssetGenerator.builder().jobQueue(queue).build();
 * }
 * }</pre>
 *
 * <p>All keys of a queue start with {@code <keyPrefix>:{<queueName>}:}; the braces are a Redis
 * Cluster hash tag, so a queue's keys share one slot. Lock expiry, delays and finish times use the
 * clock of the process that makes the call (as BullMQ does): keep the clocks of the machines in
 * sync (NTP).
 *
 * <p>Thread-safe. Every Redis failure is thrown as {@link com.snapasset.QueueException}.
 */
public final class RedisJobQueue implements JobQueue {
  private static final LuaScript ADD = LuaScript.load("add");
  private static final LuaScript CLAIM = LuaScript.load("claim");
  private static final LuaScript RENEW = LuaScript.load("renew");
  private static final LuaScript PROGRESS = LuaScript.load("progress");
  private static final LuaScript COMPLETE = LuaScript.load("complete");
  private static final LuaScript FAIL = LuaScript.load("fail");
  private static final LuaScript RELEASE = LuaScript.load("release");
  private static final LuaScript SWEEP = LuaScript.load("sweep");
  private static final LuaScript LIST = LuaScript.load("list");
  private static final LuaScript STATS = LuaScript.load("stats");
  private static final LuaScript PAUSE = LuaScript.load("pause");
  private static final LuaScript CLEAN = LuaScript.load("clean");
  private static final LuaScript REMOVE = LuaScript.load("remove");
  private static final LuaScript CANCEL = LuaScript.load("cancel");
  private static final LuaScript RETRY = LuaScript.load("retry");

  /** Priorities beyond this are clamped: the wait score packs priority and order in a double. */
  private static final int PRIORITY_BOUND = 1 << 20;
  /** Blocking calls are cut into slices so interruption and close() are noticed promptly. */
  private static final long MAX_BLOCK_SLICE_MILLIS = 1_000;

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String queueName;
  private final String prefix;
  private final List<String> keys;
  private final Clock clock;
  private final long sweepGuardMillis;
  private final EventHub events;
  private final @Nullable ScriptBatcher batcher;
  private final LuaScript.Evaluator evaluator;
  private volatile boolean closed;

  private RedisJobQueue(Builder b, UnifiedJedis redis, boolean ownsClient) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.queueName = b.queueName;
    this.prefix = b.keyPrefix + ":{" + b.queueName + "}:";
    this.keys = List.of(prefix);
    this.clock = b.clock;
    this.sweepGuardMillis = b.stalledSweepInterval.toMillis();
    this.events = new EventHub(redis, prefix + "events", queueName);
    // Pipelining needs a connection of our own: available from a (standalone) RedisClient's pool.
    this.batcher = redis instanceof RedisClient rc && b.pipelining ? new ScriptBatcher(rc.getPool()) : null;
    this.evaluator = batcher != null ? batcher::evalsha : redis::evalsha;
  }

  /** A builder; set {@link Builder#url} or {@link Builder#client}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue's name. */
  public String queueName() {
    return queueName;
  }

  /** The prefix of every key of this queue, e.g. {@code snapasset:{images}:}. */
  public String keyPrefix() {
    return prefix;
  }

  @Override
  public AddResult add(NewJob job) {
    Objects.requireNonNull(job, "job");
    int priority = Math.max(-PRIORITY_BOUND, Math.min(PRIORITY_BOUND, job.priority()));
    long now = clock.millis();
    List<?> reply = list(call("add", ADD, job.id().value(), job.payload(), priority,
        job.maxAttempts(), job.keepCompleted(), job.keepFailed(), now));
    if (number(reply.get(0)) == 1) {
      QueuedJob created = new QueuedJob(job.id(), job.payload(), JobState.WAITING, priority, 0, 0,
          job.maxAttempts(), 0, Instant.ofEpochMilli(now), null, null, null, null, null);
      return new AddResult(created, true);
    }
    return new AddResult(JobFields.fromList(job.id(), list(reply.get(1))), false);
  }

  @Override
  public Claim claim(ClaimRequest request) {
    Objects.requireNonNull(request, "request");
    RateLimit limit = request.rateLimit();
    long now = clock.millis();
    List<?> reply = list(call("claim", CLAIM, request.token(), now,
        Math.max(1, request.lockDuration().toMillis()),
        limit == null ? 0 : limit.max(), limit == null ? 0 : limit.window().toMillis()));
    long kind = number(reply.get(0));
    if (kind == 2) {
      return Claim.rateLimited(Duration.ofMillis(number(reply.get(1))));
    }
    if (kind == 0) {
      return Claim.none();
    }
    return Claim.of(JobFields.claimed(JobId.of(JobFields.text(reply.get(1))), list(reply.get(2)), now));
  }

  @Override
  public void awaitWork(Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long waitMillis = maxWait.toMillis();
    List<?> stats = list(call("awaitWork", STATS));
    String nextDue = JobFields.text(stats.get(6));
    if (number(stats.get(5)) == 0 && !nextDue.isEmpty()) {
      long dueIn = (long) Double.parseDouble(nextDue) - clock.millis();
      waitMillis = Math.min(waitMillis, dueIn);
    }
    long deadline = System.nanoTime() + Math.max(0, waitMillis) * 1_000_000;
    String wakeKey = prefix + "wake";
    for (long left = waitMillis; left > 0 && !closed;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      double seconds = Math.min(left, MAX_BLOCK_SLICE_MILLIS) / 1000.0;
      KeyValue<String, String> woken = guard("awaitWork", () -> redis.blpop(seconds, wakeKey));
      if (woken != null) {
        return;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  @Override
  public LockStatus renewLock(JobId id, String token, Duration lockDuration) {
    long r = number(call("renewLock", RENEW, id.value(), token, clock.millis(),
        Math.max(1, lockDuration.toMillis())));
    return r == 1 ? LockStatus.HELD : r == 2 ? LockStatus.CANCELLED : LockStatus.LOST;
  }

  @Override
  public boolean progress(JobId id, String token, int progress) {
    if (progress < 0 || progress > 100) {
      throw new IllegalArgumentException("progress must be 0-100, was " + progress);
    }
    return number(call("progress", PROGRESS, id.value(), token, clock.millis(), progress)) == 1;
  }

  @Override
  public boolean complete(JobId id, String token, String result) {
    Objects.requireNonNull(result, "result");
    return number(call("complete", COMPLETE, id.value(), token, clock.millis(), result)) == 1;
  }

  @Override
  public boolean fail(JobId id, String token, String reason, @Nullable Instant retryAt) {
    Objects.requireNonNull(reason, "reason");
    String at = retryAt == null ? "" : Long.toString(retryAt.toEpochMilli());
    return number(call("fail", FAIL, id.value(), token, clock.millis(), reason, at)) == 1;
  }

  @Override
  public boolean release(JobId id, String token) {
    return number(call("release", RELEASE, id.value(), token, clock.millis())) == 1;
  }

  @Override
  public SweepResult sweepStalled(int maxStalledCount) {
    List<?> reply = list(call("sweepStalled", SWEEP, clock.millis(), maxStalledCount, sweepGuardMillis));
    return new SweepResult(ids(list(reply.get(0))), ids(list(reply.get(1))));
  }

  @Override
  public Optional<QueuedJob> find(JobId id) {
    Map<String, String> fields = guard("find", () -> redis.hgetAll(prefix + "job:" + id.value()));
    return fields.isEmpty() ? Optional.empty() : Optional.of(JobFields.fromMap(id, fields));
  }

  @Override
  public List<QueuedJob> list(JobState state, int offset, int limit) {
    Objects.requireNonNull(state, "state");
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    if (limit == 0) {
      return List.of();
    }
    List<?> reply = list(call("list", LIST, JobFields.stateName(state), offset, limit));
    List<QueuedJob> jobs = new ArrayList<>(reply.size() / 2);
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      jobs.add(JobFields.fromList(JobId.of(JobFields.text(reply.get(i))), list(reply.get(i + 1))));
    }
    return jobs;
  }

  @Override
  public QueueStats stats() {
    List<?> r = list(call("stats", STATS));
    return new QueueStats(number(r.get(0)), number(r.get(1)), number(r.get(2)), number(r.get(3)),
        number(r.get(4)), number(r.get(5)) == 1);
  }

  @Override
  public void pause() {
    call("pause", PAUSE, "1");
  }

  @Override
  public void resume() {
    call("resume", PAUSE, "0");
  }

  @Override
  public boolean isPaused() {
    return guard("isPaused", () -> redis.exists(prefix + "paused"));
  }

  @Override
  public int clean(JobState state, Duration grace, int limit) {
    if (!state.isFinished()) {
      throw new IllegalArgumentException("clean removes COMPLETED or FAILED jobs, not " + state);
    }
    Objects.requireNonNull(grace, "grace");
    if (limit <= 0) {
      return 0;
    }
    long cutoff = clock.millis() - grace.toMillis();
    return (int) number(call("clean", CLEAN, JobFields.stateName(state), cutoff, limit));
  }

  @Override
  public boolean remove(JobId id) {
    return number(call("remove", REMOVE, id.value())) == 1;
  }

  @Override
  public boolean cancel(JobId id) {
    return number(call("cancel", CANCEL, id.value())) == 1;
  }

  @Override
  public boolean retry(JobId id) {
    return number(call("retry", RETRY, id.value())) == 1;
  }

  @Override
  public Subscription subscribe(QueueEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    return events.subscribe(listener);
  }

  /** Stops the event thread; closes the Redis client if this queue created it from a URL. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    events.close();
    if (batcher != null) {
      batcher.close();
    }
    if (ownsClient) {
      redis.close();
    }
  }

  @Override
  public String toString() {
    return "RedisJobQueue[" + prefix + "]";
  }

  private Object call(String operation, LuaScript script, Object... args) {
    List<String> argv = new ArrayList<>(args.length);
    for (Object a : args) {
      argv.add(String.valueOf(a));
    }
    return guard(operation, () -> script.run(evaluator, redis, keys, argv));
  }

  private <T> T guard(String operation, Supplier<T> action) {
    try {
      return action.get();
    } catch (JedisException e) {
      throw RedisErrors.queue(queueName, operation, e);
    }
  }

  private static List<JobId> ids(List<?> raw) {
    List<JobId> out = new ArrayList<>(raw.size());
    for (Object o : raw) {
      out.add(JobId.of(JobFields.text(o)));
    }
    return out;
  }

  private static List<?> list(Object reply) {
    return reply instanceof List<?> l ? l : List.of();
  }

  private static long number(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    return Long.parseLong(JobFields.text(reply));
  }

  /** Builds a {@link RedisJobQueue}. Set either {@link #url} or {@link #client}. */
  public static final class Builder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private @Nullable URI url;
    private @Nullable UnifiedJedis client;
    private String queueName = "snapasset";
    private String keyPrefix = "snapasset";
    private int maxConnections = 64;
    private Clock clock = Clock.systemUTC();
    private Duration stalledSweepInterval = Duration.ZERO;
    private boolean pipelining = true;

    private Builder() {}

    /**
     * Connects to {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://…} for TLS.
     * The queue creates, owns and closes its client.
     */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      this.url = RedisClients.parse(url);
      this.client = null;
      return this;
    }

    /**
     * Uses a client the caller created and closes (e.g. a {@code RedisClient} with its own pool
     * and TLS settings, or a {@code RedisClusterClient}). Its pool must allow one connection per
     * concurrently blocked {@link #awaitWork} plus one for events.
     */
    public Builder client(UnifiedJedis client) {
      this.client = Objects.requireNonNull(client, "client");
      this.url = null;
      return this;
    }

    /** The queue's name: 1-100 of {@code A-Z a-z 0-9 . _ -}. Default {@code snapasset}. */
    public Builder queueName(String queueName) {
      Objects.requireNonNull(queueName, "queueName");
      if (!NAME.matcher(queueName).matches()) {
        throw new IllegalArgumentException("queueName '" + queueName + "' is not valid: use 1-100 of A-Z a-z 0-9 . _ -");
      }
      this.queueName = queueName;
      return this;
    }

    /** The first part of every key. Default {@code snapasset}. */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
        throw new IllegalArgumentException("keyPrefix must be non-empty and contain no braces");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Size of the connection pool created for {@link #url}. Default 64. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 2) {
        throw new IllegalArgumentException("maxConnections must be >= 2, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** The clock for lock expiry, delays and timestamps. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Lets at most one {@link #sweepStalled} per interval do work, across every process sharing
     * the queue; the others return at once. Default zero: every call sweeps (a sweep reads only
     * the expired part of the lock index, so concurrent ones are cheap and safe).
     */
    public Builder stalledSweepInterval(Duration interval) {
      Objects.requireNonNull(interval, "stalledSweepInterval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("stalledSweepInterval must not be negative");
      }
      this.stalledSweepInterval = interval;
      return this;
    }

    /**
     * Whether concurrent calls of this queue's threads share one connection, pipelined in batches
     * (default true; applies to standalone clients). Under load it cuts the work Redis does per
     * call several-fold; a lone caller makes its call directly, as without it.
     */
    public Builder pipelining(boolean pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    /** A new queue; the builder can build more. */
    public RedisJobQueue build() {
      if (client != null) {
        return new RedisJobQueue(this, client, false);
      }
      if (url == null) {
        throw new IllegalStateException("set url(..) or client(..)");
      }
      return new RedisJobQueue(this, RedisClients.create(url, maxConnections), true);
    }
  }
}
