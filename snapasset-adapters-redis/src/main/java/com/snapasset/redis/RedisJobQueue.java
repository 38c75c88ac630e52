package com.snapasset.redis;

import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.QueueException;
import com.snapasset.QueueStats;
import com.snapasset.RateLimit;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.Claim;
import com.snapasset.spi.queue.ClaimRequest;
import com.snapasset.spi.queue.Completion;
import com.snapasset.spi.queue.Completions;
import com.snapasset.spi.queue.FinishedJob;
import com.snapasset.spi.queue.LockStatus;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueueEventListener;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import com.snapasset.spi.queue.SweepResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
import redis.clients.jedis.util.Pool;
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
 * sync (NTP). The one exception, an idle worker's claim sent ahead with its wait ({@link
 * #awaitWorkAndClaim}), reads Redis's clock corrected by its measured offset from this process's.
 *
 * <p>Thread-safe. Every Redis failure is thrown as {@link com.snapasset.QueueException}.
 */
public final class RedisJobQueue implements JobQueue {
  private static final Logger log = LoggerFactory.getLogger(RedisJobQueue.class);
  /** Package-private for tests of its combined form. */
  static final LuaScript ADD = LuaScript.load("add").withMany();
  /** The scripts whose calls the batcher sends in their combined form. */
  static final List<LuaScript> COMBINABLE = List.of(ADD);
  private static final LuaScript CLAIM = LuaScript.load("claim", "lib-claim");
  private static final LuaScript RENEW = LuaScript.load("renew");
  private static final LuaScript PROGRESS = LuaScript.load("progress");
  private static final LuaScript COMPLETE = LuaScript.load("complete", "lib-complete");
  private static final LuaScript COMPLETE_CLAIM = LuaScript.load("completeclaim", "lib-complete", "lib-claim");
  private static final LuaScript COMPLETE_CLAIM_ALL =
      LuaScript.load("completeclaimall", "lib-complete", "lib-claim");
  private static final LuaScript FAIL = LuaScript.load("fail");
  private static final LuaScript RELEASE = LuaScript.load("release");
  private static final LuaScript SWEEP = LuaScript.load("sweep");
  private static final LuaScript LIST = LuaScript.load("list");
  private static final LuaScript STATS = LuaScript.load("stats");
  private static final LuaScript NEXT_DUE = LuaScript.load("nextdue");
  private static final LuaScript PAUSE = LuaScript.load("pause");
  private static final LuaScript CLEAN = LuaScript.load("clean");
  private static final LuaScript REMOVE = LuaScript.load("remove");
  private static final LuaScript CANCEL = LuaScript.load("cancel");
  private static final LuaScript RETRY = LuaScript.load("retry");
  private static final LuaScript POSTPONE = LuaScript.load("postpone");
  private static final LuaScript RATE_LIMIT = LuaScript.load("ratelimit");
  private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat");

  /** Priorities beyond this are clamped: the wait score packs priority and order in a double. */
  private static final int PRIORITY_BOUND = 1 << 20;
  /** Blocking calls are cut into slices so interruption and close() are noticed promptly. */
  private static final long MAX_BLOCK_SLICE_MILLIS = 1_000;
  /**
   * How recent an empty claim must be for awaitWork to trust its answer instead of asking. A job
   * added meanwhile wakes the wait anyway (its wake-up token is pushed after the claim); a job
   * delayed meanwhile, due sooner than the answer said, is noticed when the wait ends — as one
   * delayed between asking and blocking always was, in a window now this long at most.
   */
  private static final long IDLE_HINT_FRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /**
   * How often the offset of this queue's clock from Redis's is measured again (one TIME call, by a
   * thread about to wait): clocks drift by milliseconds an hour, and NTP steps are rare.
   */
  private static final long CLOCK_OFFSET_REFRESH_NANOS = TimeUnit.MINUTES.toNanos(1);
  /**
   * A clock offset measured with a longer TIME round trip than this is used for the one call that
   * measured it, and not kept: its error bound (the round trip) is too wide to reuse for a minute.
   */
  private static final long CLOCK_OFFSET_MAX_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /**
   * How much later than a delayed job's due time a wait that sends its claim along ends: the
   * claim reads Redis's clock plus the measured offset, which is behind this queue's clock by up to
   * the measuring TIME call's round trip (at most {@link #CLOCK_OFFSET_MAX_RTT_NANOS} once kept;
   * plus the clocks' resolution); ending the wait on the due time exactly, it could find the job
   * not yet due.
   */
  private static final long DUE_SLACK_MILLIS = 7;
  /** How long a script call waits out the migration of its queue's cluster slot (TRYAGAIN). */
  private static final long MIGRATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final UnifiedJedis redis;
  private final boolean ownsClient;
  private final String queueName;
  private final String prefix;
  private final List<String> keys;
  private final Clock clock;
  /**
   * Whether {@link #clock} runs with the system's (the system clock in any zone, or a test's
   * offset of it): Redis's clock plus a measured offset may then stand in for it.
   */
  private final boolean realTimeClock;
  /** The latest measured offset of {@link #clock} from Redis's clock; null until first needed. */
  private volatile @Nullable ClockOffset redisClockOffset;
  /**
   * Set for good once Redis refused TIME (an ACL without it, a renamed command): {@link
   * #awaitWorkAndClaim} then waits and claims as the SPI's default does.
   */
  private volatile boolean redisTimeRefused;
  private final long sweepGuardMillis;
  private final EventHub events;
  /** Cancellations only (published twice by the cancel script), for workers that need no more. */
  private final EventHub cancelEvents;
  private final @Nullable ScriptBatcher batcher;
  private final LuaScript.Evaluator evaluator;
  private final LongAdder migrationRetries = new LongAdder();
  /** Permits for asynchronous adds in flight ({@link Builder#maxAsyncInFlight}). */
  private final Semaphore asyncPermits;
  private final int maxAsyncInFlight;
  private final Duration maxAsyncBlock;
  /**
   * What this thread's last claim that found nothing said about the queue (paused, next delayed
   * job's due time): a worker calls {@link #awaitWork} right after such a claim, which then need
   * not ask Redis again. One round trip fewer each time a worker goes idle.
   */
  private final ThreadLocal<@Nullable IdleHint> lastEmptyClaim = new ThreadLocal<>();
  /**
   * What the latest claim of any thread of this queue instance said when it took the last ready
   * job ({@link Claim#lastReady}; null since a claim that did not say so): the thread that waits
   * for work next, without claiming first, need not ask Redis about pause and delayed jobs again.
   */
  private final AtomicReference<@Nullable IdleHint> drained = new AtomicReference<>();
  /**
   * Connections for {@link #awaitWork}'s BLPOP, kept between waits: only for the standalone client
   * this queue created from a URL (null otherwise: the client routes the BLPOP).
   */
  private final @Nullable WaitConnections waitConnections;
  private volatile boolean closed;

  private RedisJobQueue(Builder b, UnifiedJedis redis, boolean ownsClient) {
    this.redis = redis;
    this.ownsClient = ownsClient;
    this.queueName = b.queueName;
    this.prefix = b.keyPrefix + ":{" + b.queueName + "}:";
    // On Redis Cluster a second key is declared that is never created: while the queue's slot
    // migrates, Redis then answers TRYAGAIN (some declared keys missing) instead of running a
    // script on whichever half of the queue's keys one node holds at that moment.
    this.keys = RedisClients.isCluster(redis) ? List.of(prefix, prefix + "cluster-guard") : List.of(prefix);
    this.clock = b.clock;
    this.realTimeClock = b.realTimeClock || b.clock.equals(Clock.system(b.clock.getZone()));
    this.maxAsyncInFlight = b.maxAsyncInFlight;
    this.maxAsyncBlock = b.maxAsyncBlock;
    this.asyncPermits = new Semaphore(b.maxAsyncInFlight);
    this.sweepGuardMillis = b.stalledSweepInterval.toMillis();
    Pool<Connection> waitPool =
        ownsClient && redis instanceof RedisClient standalone ? RedisClients.pool(standalone) : null;
    this.waitConnections = waitPool == null ? null : new WaitConnections(waitPool);
    this.events = new EventHub(redis, prefix + "events", queueName);
    this.cancelEvents = new EventHub(redis, prefix + "cancel-events", queueName);
    // Pipelining needs a connection of our own, to the master holding the queue's keys.
    Supplier<Connection> own = b.pipelining ? RedisClients.masterConnections(redis, prefix) : null;
    ScriptBatcher pipelined = own == null ? null : new ScriptBatcher(own, "snapasset-redis-dispatch-" + b.queueName,
        COMBINABLE); // adds of many threads (or many addAsync) in one batch run as one script call
    this.batcher = pipelined;
    if (pipelined == null) {
      this.evaluator = redis::evalsha;
    } else if (RedisClients.isCluster(redis)) {
      this.evaluator = (sha, k, a) -> {
        try {
          return pipelined.evalsha(sha, k, a);
        } catch (JedisRedirectionException e) {
          // MOVED / ASK: the script did not run. The cluster client follows the redirection and
          // learns the new owner, whose connection the batcher takes next time.
          return redis.evalsha(sha, k, a);
        }
      };
    } else {
      this.evaluator = pipelined::evalsha;
    }
  }

  /**
   * A builder; set {@link Builder#url} or {@link Builder#client}.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The queue's name.
   *
   * @return the name given to the builder
   */
  public String queueName() {
    return queueName;
  }

  /**
   * The prefix of every key of this queue, e.g. {@code snapasset:{images}:}.
   *
   * @return the prefix, ending in {@code :}
   */
  public String keyPrefix() {
    return prefix;
  }

  @Override
  public AddResult add(NewJob job) {
    Objects.requireNonNull(job, "job");
    long now = clock.millis();
    return added(job, now, call("add", ADD, addArgs(job, now)));
  }

  /**
   * Queued on the pipelined connection without a thread waiting for it: adds from many threads,
   * or many from one, share round trips; one thread's adds reach Redis in the order it made them
   * (also across a SCRIPT FLUSH or restart; not across a Redis Cluster slot migration or
   * redirection, which the adds meeting it recover from one at a time, after later ones).
   *
   * <p>The future completes on this queue's dispatcher thread ({@code
   * snapasset-redis-dispatch-NAME}), which sends the adds: a dependent stage given to a non-{@code
   * Async} method runs there and must not block — above all not on another {@code addAsync}'s
   * future ({@code join()}), another thread's too, which that same thread would have to send and
   * complete: it would hang for good. It may make a blocking {@link #add}, or wait for another
   * thread's: those are sent by their own threads.
   *
   * <p>At most {@link Builder#maxAsyncInFlight} adds are in flight (each holds its job's payload
   * until Redis answers); with none free the call waits for one, up to the time set there, and
   * then returns a future failed with a {@link com.snapasset.QueueException}, as a Kafka producer's
   * {@code send} waits up to {@code max.block.ms}. An add's permit is given back before its future
   * completes, so a stage that adds again finds it free; a call made on the dispatcher thread itself
   * (from a dependent stage) never waits and fails at once when none is free, since only that thread
   * gives permits back. {@link #close} sends what is queued, waiting up
   * to 5 seconds, and fails the rest. Without {@linkplain Builder#pipelining pipelining}, the add
   * is made on the calling thread.
   */
  @Override
  public CompletableFuture<AddResult> addAsync(NewJob job) {
    Objects.requireNonNull(job, "job");
    if (batcher == null) {
      return JobQueue.super.addAsync(job);
    }
    if (!asyncPermits.tryAcquire()) {
      if (batcher.isDispatcher()) {
        // A dependent stage running on the dispatcher: only this thread completes the adds that
        // give permits back, so waiting here would stall every add for maxBlock. Fail at once.
        return CompletableFuture.failedFuture(new QueueException("Redis job queue '" + queueName
            + "': add failed: " + maxAsyncInFlight + " adds in flight, and a stage running on the queue's "
            + "dispatcher thread cannot wait for one; use a *Async stage with an executor, or raise "
            + "maxAsyncInFlight", null));
      }
      try {
        if (!asyncPermits.tryAcquire(maxAsyncBlock.toNanos(), TimeUnit.NANOSECONDS)) {
          return CompletableFuture.failedFuture(new QueueException("Redis job queue '" + queueName
              + "': add failed: " + maxAsyncInFlight + " adds were in flight for " + maxAsyncBlock.toMillis()
              + " ms; wait for some of their futures, or raise maxAsyncInFlight", null));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return CompletableFuture.failedFuture(new QueueException("Redis job queue '" + queueName
            + "': add failed: interrupted while waiting for one of the " + maxAsyncInFlight + " adds in flight", null));
      }
    }
    long now = clock.millis();
    CompletableFuture<Object> raw;
    try {
      // The permit is given back before the future completes, so before any stage of the caller's
      // runs: a stage that adds again finds it free.
      raw = callAsync(batcher, asyncPermits::release, "add", ADD, addArgs(job, now));
    } catch (Throwable e) {
      asyncPermits.release();
      throw e;
    }
    return raw.thenApply(reply -> added(job, now, reply));
  }

  private static Object[] addArgs(NewJob job, long now) {
    return new Object[] {job.id().value(), job.payload(), priority(job), job.maxAttempts(), job.keepCompleted(),
        job.keepFailed(), now};
  }

  private static int priority(NewJob job) {
    return Math.max(-PRIORITY_BOUND, Math.min(PRIORITY_BOUND, job.priority()));
  }

  private AddResult added(NewJob job, long now, Object raw) {
    List<?> reply = list(raw);
    if (reply.isEmpty() || (number(reply.get(0)) != 1 && reply.size() < 2)) {
      throw new QueueException("Redis job queue '" + queueName + "': add failed: unexpected reply "
          + "from the add script (" + (raw == null ? "nothing" : raw.getClass().getSimpleName() + " of "
          + reply.size() + ")") + "; is another program using the queue's keys?", null);
    }
    if (number(reply.get(0)) == 1) {
      QueuedJob created = new QueuedJob(job.id(), job.payload(), JobState.WAITING, priority(job), 0, 0,
          job.maxAttempts(), 0, Instant.ofEpochMilli(now), null, null, null, null, null);
      return new AddResult(created, true);
    }
    return new AddResult(JobFields.fromList(job.id(), list(reply.get(1))), false);
  }

  @Override
  public Claim claim(ClaimRequest request) {
    Objects.requireNonNull(request, "request");
    long now = clock.millis();
    List<Object> args = new ArrayList<>(6);
    args.add(request.token());
    args.add(now);
    addClaimArgs(args, request);
    return claimFrom(list(call("claim", CLAIM, args.toArray())), now);
  }

  /** One script call: BullMQ's moveToFinished fetching the next job. */
  @Override
  public Completion completeAndClaim(JobId id, String token, String result, ClaimRequest next) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(next, "next");
    long now = clock.millis();
    List<Object> args = new ArrayList<>(9);
    args.add(id.value());
    args.add(token);
    args.add(now);
    args.add(result);
    args.add(next.token());
    addClaimArgs(args, next);
    List<?> reply = list(call("completeAndClaim", COMPLETE_CLAIM, args.toArray()));
    return new Completion(number(reply.get(0)) == 1, claimFrom(list(reply.get(1)), now));
  }

  /**
   * A claim's "nothing ready" answer, as nextdue.lua's: whether the queue is paused and the next
   * delayed job's due time (epoch millis; {@link Long#MIN_VALUE} for none). Plain values: the
   * thread keeps it, not the reply it came in.
   */
  private record IdleHint(long atNanos, boolean paused, long nextDueMillis) {
    static final long NONE = Long.MIN_VALUE;

    /** From a {paused (1 or 0), next due time or ''} pair. */
    static IdleHint of(long atNanos, Object paused, Object nextDue) {
      String due = JobFields.text(nextDue);
      return new IdleHint(atNanos, number(paused) == 1, due.isEmpty() ? NONE : (long) Double.parseDouble(due));
    }
  }

  /**
   * One script call for all of it. The claims share the first request's lock duration, rate limit
   * and worker id (a worker's requests all carry its own); each has its own token.
   */
  @Override
  public Completions completeAllAndClaim(List<FinishedJob> finished, List<ClaimRequest> next) {
    Objects.requireNonNull(finished, "finished");
    Objects.requireNonNull(next, "next");
    if (finished.isEmpty() && next.isEmpty()) {
      return new Completions(List.of(), List.of());
    }
    for (ClaimRequest r : next) {
      ClaimRequest first = next.get(0);
      if (!r.lockDuration().equals(first.lockDuration()) || !Objects.equals(r.rateLimit(), first.rateLimit())
          || !Objects.equals(r.workerId(), first.workerId())) {
        // Not what a worker asks; answered by the general default rather than by one script call.
        return JobQueue.super.completeAllAndClaim(finished, next);
      }
    }
    long now = clock.millis();
    List<Object> args = new ArrayList<>(8 + finished.size() * 3 + next.size());
    args.add(now);
    args.add(finished.size());
    for (FinishedJob f : finished) {
      args.add(f.id().value());
      args.add(f.token());
      args.add(f.result());
    }
    args.add(next.size());
    for (ClaimRequest r : next) {
      args.add(r.token());
    }
    if (next.isEmpty()) {
      args.add(1);
      args.add(0);
      args.add(0);
      args.add("");
    } else {
      addClaimArgs(args, next.get(0));
    }
    List<?> reply = list(call("completeAllAndClaim", COMPLETE_CLAIM_ALL, args.toArray()));
    List<Boolean> completed = new ArrayList<>(finished.size());
    for (Object o : list(reply.get(0))) {
      completed.add(number(o) == 1);
    }
    List<Claim> claims = new ArrayList<>();
    for (Object o : list(reply.get(1))) {
      claims.add(claimFrom(list(o), now));
    }
    return new Completions(completed, claims);
  }

  /** lockMillis, rateMax, rateWindowMillis, workerId: the claim arguments after token and now. */
  private static void addClaimArgs(List<Object> args, ClaimRequest request) {
    RateLimit limit = request.rateLimit();
    args.add(Math.max(1, request.lockDuration().toMillis()));
    args.add(limit == null ? 0 : limit.max());
    args.add(limit == null ? 0 : limit.window().toMillis());
    args.add(request.workerId() == null ? "" : request.workerId());
  }

  private Claim claimFrom(List<?> reply, long now) {
    long kind = number(reply.get(0));
    if (kind == 2) {
      return Claim.rateLimited(Duration.ofMillis(number(reply.get(1))));
    }
    if (kind == 0) {
      if (reply.size() >= 3) {
        lastEmptyClaim.set(IdleHint.of(System.nanoTime(), reply.get(1), reply.get(2)));
      }
      return Claim.none();
    }
    QueuedJob claimed = JobFields.claimed(JobId.of(JobFields.text(reply.get(1))), list(reply.get(2)), now);
    if (reply.size() >= 5) {
      drained.set(IdleHint.of(System.nanoTime(), reply.get(3), reply.get(4)));
      // awaitWork returns at once for work made ready since: each add, retry and release pushes a
      // wake-up, and the hint's due time bounds the wait for a delayed job.
      return Claim.ofLastReady(claimed);
    }
    if (drained.get() != null) {
      // This claim did not say it took the last one (jobs were left, or a chained claim, which
      // does not tell): an earlier claim's word may be out of date.
      drained.set(null);
    }
    return Claim.of(claimed);
  }

  @Override
  public void awaitWork(Duration maxWait) throws InterruptedException {
    long waitMillis = waitMillis(maxWait);
    long deadline = System.nanoTime() + Math.max(0, waitMillis) * 1_000_000;
    String wakeKey = prefix + "wake";
    for (long left = waitMillis; left > 0 && !closed;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      long sliceMillis = Math.min(left, MAX_BLOCK_SLICE_MILLIS);
      KeyValue<String, String> woken = guard("awaitWork", () -> waitConnections == null
          ? redis.blpop(sliceMillis / 1000.0, wakeKey)
          : waitConnections.blpop(wakeKey, sliceMillis));
      if (woken != null) {
        return;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /**
   * Sends the claim with each BLPOP slice of the wait, in one write: Redis runs it right after the
   * BLPOP is answered, and the waiting thread wakes once for both answers — one round trip and
   * one thread wake-up per idle claim fewer than {@code awaitWork} then {@code claim}. The answer
   * is the claim of the slice that was woken, found a job or rate limit, or ended the wait.
   *
   * <p>The claim runs up to a slice after it is sent, so it cannot carry this process's time: it
   * reads Redis's clock ({@code TIME}) plus this queue clock's offset from it, measured with one
   * {@code TIME} call now and then ({@link #CLOCK_OFFSET_REFRESH_NANOS}; none per job). Its lock
   * expiry, rate-limit window and promotion of due delayed jobs so follow this process's clock,
   * never ahead of it and behind by at most the measuring call's round trip ({@link
   * #clockOffsetMicros}). Only a queue whose clock runs in real time takes this path; one built
   * with another {@link Builder#clock} (tests), or without a connection pool of its own (a user's
   * client, a cluster), or whose Redis refuses {@code TIME} (an ACL), waits and then claims.
   *
   * <p>When Redis answers nothing within the slice plus 2 s (stalled by a fork, a slow script), the
   * claim is not sent again: Redis may still run it, and a second one could hold a second job under
   * the same token. This call then returns none; a job the lost claim took is locked under a token
   * no worker holds, and the stalled-job sweep gives it back to the queue once its lock expires
   * ({@link #sweepStalled}; the job counts one stall). A queue closed during the wait claims no
   * more and returns the last slice's answer, or none.
   */
  @Override
  public Claim awaitWorkAndClaim(Duration maxWait, ClaimRequest request) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(request, "request");
    if (waitConnections == null || !realTimeClock || redisTimeRefused) {
      return JobQueue.super.awaitWorkAndClaim(maxWait, request);
    }
    @Nullable Long offsetMicros = clockOffsetMicros();
    if (offsetMicros == null) {
      return JobQueue.super.awaitWorkAndClaim(maxWait, request);
    }
    long waitMillis = waitMillis(maxWait);
    if (waitMillis > 0 && waitMillis < maxWait.toMillis()) {
      waitMillis += DUE_SLACK_MILLIS; // cut short for a delayed job: see DUE_SLACK_MILLIS
    }
    long deadline = System.nanoTime() + Math.max(0, waitMillis) * 1_000_000;
    String wakeKey = prefix + "wake";
    List<Object> args = new ArrayList<>(6);
    args.add(request.token());
    args.add("t" + offsetMicros); // Redis's clock plus this offset: see claim.lua
    addClaimArgs(args, request);
    List<String> argv = argv(args.toArray());
    @Nullable Claim last = null;
    for (long left = waitMillis; left > 0 && !closed;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      long sliceMillis = Math.min(left, MAX_BLOCK_SLICE_MILLIS);
      WaitConnections.WokenScript answer = guard("awaitWork",
          () -> waitConnections.blpopThenEvalsha(wakeKey, sliceMillis, CLAIM.sha(), keys, argv));
      if (answer.lost()) {
        return Claim.none(); // the claim may run yet: never sent again under this token (see above)
      }
      JedisDataException error = answer.error();
      if (error != null) {
        if (!(error instanceof JedisNoScriptException) && !String.valueOf(error.getMessage()).startsWith("NOSCRIPT")) {
          // The script's own error (it may have written before failing): not run again under
          // this token, but thrown as the ordinary claim would throw it.
          throw RedisErrors.queue(queueName, "claim", error);
        }
        // Not loaded (a restart, SCRIPT FLUSH), so it did not run: the ordinary claim loads it.
        return closed ? Claim.none() : claim(request);
      }
      last = claimFrom(list(answer.reply()), clock.millis());
      if (answer.woken() || last.job().isPresent() || !last.rateLimitedFor().isZero()) {
        return last;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    if (last != null) {
      return last; // the last slice's claim ran as the wait ended: a second would ask again for nothing
    }
    // No slice sent: a delayed job is due already, or the queue closed.
    return closed ? Claim.none() : claim(request);
  }

  /**
   * This queue's clock minus Redis's, in microseconds, or null once Redis refused {@code TIME}.
   * Measured as this clock when the {@code TIME} call was sent minus Redis's answer: Redis read its
   * clock after that, so Redis's clock plus this offset is never ahead of this clock (a delayed job
   * is never promoted early) and behind it by at most the call's round trip (a lock that much
   * shorter). Kept for {@link #CLOCK_OFFSET_REFRESH_NANOS} only when the round trip was short
   * ({@link #CLOCK_OFFSET_MAX_RTT_NANOS}): one that Redis or this process stalled during is used
   * for this call alone, and the next call measures again.
   */
  private @Nullable Long clockOffsetMicros() {
    ClockOffset known = redisClockOffset;
    if (known != null && System.nanoTime() - known.measuredAtNanos() < CLOCK_OFFSET_REFRESH_NANOS) {
      return known.micros();
    }
    long sentNanos = System.nanoTime();
    long sent = micros(clock.instant());
    List<?> time;
    try {
      time = list(redis.sendCommand(Protocol.Command.TIME));
    } catch (JedisDataException e) {
      if (RedisErrors.isRetryable(e)) { // LOADING, BUSY: it passes
        throw RedisErrors.queue(queueName, "awaitWork", e);
      }
      // Refused (NOPERM: an ACL without TIME; a renamed or disabled command), not a lost connection:
      // it will not change, so wait, then claim, from now on.
      if (!redisTimeRefused) {
        redisTimeRefused = true;
        log.warn("Redis job queue '{}': Redis refused TIME ({}); idle workers wait, then claim "
            + "(one more round trip per idle claim). Allow TIME for the queue's user to send the claim "
            + "with the wait.", queueName, e.getMessage());
      }
      return null;
    } catch (JedisException e) {
      throw RedisErrors.queue(queueName, "awaitWork", e);
    }
    long roundTripNanos = System.nanoTime() - sentNanos;
    long redisMicros = number(time.get(0)) * 1_000_000 + number(time.get(1));
    long offset = sent - redisMicros;
    if (roundTripNanos <= CLOCK_OFFSET_MAX_RTT_NANOS) {
      redisClockOffset = new ClockOffset(offset, System.nanoTime());
    }
    return offset;
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
  }

  /** {@link #clock} minus Redis's clock, and when that was measured (System.nanoTime). */
  private record ClockOffset(long micros, long measuredAtNanos) {}

  /** How long awaitWork may block: at most {@code maxWait}, less when a delayed job is due sooner. */
  private long waitMillis(Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long waitMillis = maxWait.toMillis();
    IdleHint hint = lastEmptyClaim.get();
    lastEmptyClaim.remove();
    if (hint == null) {
      // A worker thread waiting, without claiming, after another's claim took the last ready job.
      hint = drained.getAndSet(null);
    }
    if (hint == null || System.nanoTime() - hint.atNanos >= IDLE_HINT_FRESH_NANOS) {
      List<?> due = list(call("awaitWork", NEXT_DUE));
      hint = IdleHint.of(System.nanoTime(), due.get(0), due.get(1));
    }
    if (!hint.paused && hint.nextDueMillis != IdleHint.NONE) {
      waitMillis = Math.min(waitMillis, hint.nextDueMillis - clock.millis());
    }
    return waitMillis;
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
  public boolean postpone(JobId id, String token, Instant until, String reason) {
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(reason, "reason");
    return number(call("postpone", POSTPONE, id.value(), token, clock.millis(), until.toEpochMilli(), reason)) == 1;
  }

  @Override
  public void rateLimit(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    call("rateLimit", RATE_LIMIT, clock.millis(), Math.max(1, duration.toMillis()));
  }

  @Override
  public void heartbeat(String workerId, Duration ttl) {
    ClaimRequest.checkWorkerId(workerId);
    Objects.requireNonNull(ttl, "ttl");
    call("heartbeat", HEARTBEAT, workerId, clock.millis() + Math.max(1, ttl.toMillis()));
  }

  @Override
  public void leave(String workerId) {
    ClaimRequest.checkWorkerId(workerId);
    call("leave", HEARTBEAT, workerId, "");
  }

  @Override
  public SweepResult sweepStalled(int maxStalledCount, int maxWorkerLosses) {
    List<?> reply = list(call("sweepStalled", SWEEP, clock.millis(), maxStalledCount, sweepGuardMillis,
        maxWorkerLosses));
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

  /** Cancellations alone come from a channel of their own; other types are filtered from all events. */
  @Override
  public Subscription subscribe(Set<QueueEvent.Type> types, QueueEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (types.equals(Set.of(QueueEvent.Type.CANCEL_REQUESTED))) {
      return cancelEvents.subscribe(listener);
    }
    return JobQueue.super.subscribe(types, listener);
  }

  /** Stops the event thread; closes the Redis client if this queue created it from a URL. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (waitConnections != null) {
      waitConnections.close();
    }
    events.close();
    cancelEvents.close();
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
    List<String> argv = argv(args);
    return guard(operation, () -> runWaitingOutMigration(script, argv));
  }

  /** A script call's arguments as Redis receives them: each one's text. */
  private static List<String> argv(Object... args) {
    List<String> argv = new ArrayList<>(args.length);
    for (Object a : args) {
      argv.add(String.valueOf(a));
    }
    return argv;
  }

  /**
   * A script call sent through the batcher without waiting; fails with a {@link
   * com.snapasset.QueueException}. NOSCRIPT is recovered from inside the batcher, in order. The
   * rarer answers only the synchronous path recovers from (a cluster redirection or slot
   * migration) are handed to it, on the dispatcher thread: nothing is lost, but calls sent meanwhile
   * land first, so one thread's order is not kept across them.
   */
  /** {@code beforeCompletion} runs once the call is over, before its future completes. */
  private CompletableFuture<Object> callAsync(ScriptBatcher b, Runnable beforeCompletion, String operation,
      LuaScript script, Object... args) {
    List<String> argv = argv(args);
    CompletableFuture<Object> result = new CompletableFuture<>();
    b.evalshaAsync(script, keys, argv).whenComplete((reply, error) -> {
      if (error == null) {
        beforeCompletion.run();
        result.complete(reply);
      } else if (error instanceof JedisException e && !closed && recoverable(e)) {
        Object recovered;
        try {
          recovered = guard(operation, () -> runWaitingOutMigration(script, argv));
        } catch (RuntimeException again) {
          beforeCompletion.run();
          result.completeExceptionally(again);
          return;
        }
        beforeCompletion.run();
        result.complete(recovered);
      } else {
        beforeCompletion.run();
        result.completeExceptionally(error instanceof JedisException e ? RedisErrors.queue(queueName, operation, e)
            : error);
      }
    });
    return result;
  }

  private static boolean recoverable(JedisException e) {
    return e instanceof JedisNoScriptException || e instanceof JedisRedirectionException
        || String.valueOf(e.getMessage()).startsWith("TRYAGAIN");
  }

  /** Runs a script; while Redis Cluster moves the queue's slot, tries again until it has moved. */
  private Object runWaitingOutMigration(LuaScript script, List<String> argv) {
    long deadline = System.nanoTime() + MIGRATION_WAIT_NANOS;
    long pauseMillis = 2;
    while (true) {
      try {
        return script.run(evaluator, redis, keys, argv);
      } catch (JedisDataException e) {
        if (!String.valueOf(e.getMessage()).startsWith("TRYAGAIN") || System.nanoTime() > deadline || closed) {
          throw e;
        }
      }
      // The slot is being migrated (usually milliseconds): back off, bounded by the deadline.
      migrationRetries.increment();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
      pauseMillis = Math.min(pauseMillis * 2, 100);
    }
  }

  /** How often a script call met TRYAGAIN (its slot migrating) and was tried again; for tests. */
  long migrationRetries() {
    return migrationRetries.sum();
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

    private @Nullable RedisEndpoint url;
    private @Nullable RedisTls tls;
    private @Nullable UnifiedJedis client;
    private String queueName = "snapasset";
    private String keyPrefix = "snapasset";
    private int maxConnections = 64;
    private Clock clock = Clock.systemUTC();
    private boolean realTimeClock;
    private Duration stalledSweepInterval = Duration.ZERO;
    private boolean pipelining = true;
    private int maxAsyncInFlight = 10_000;
    private Duration maxAsyncBlock = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Connects to Redis; the queue creates, owns and closes its client. Accepted forms:
     *
     * <ul>
     *   <li>{@code redis://[user:password@]host[:port][/db]}, {@code rediss://…} for TLS;
     *   <li>Redis Cluster: {@code redis://host1:port1,host2:port2,…} (seeds: any reachable one
     *       finds the rest), or {@code redis-cluster://host:port} for a single seed;
     *   <li>Sentinel: {@code redis-sentinel://sentinel1:26379,sentinel2:26379[/db]#masterName},
     *       following the master across failovers (credentials are the master's).
     * </ul>
     *
     * <p>Each form has a TLS twin ({@code rediss-cluster://}, {@code rediss-sentinel://}); see
     * {@link #tls}. Errors never repeat the URL, which may hold a password.
     *
     * @param url the server's URL
     * @return this builder
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
     *
     * @param client a client the caller keeps and closes
     * @return this builder
     */
    public Builder client(UnifiedJedis client) {
      this.client = Objects.requireNonNull(client, "client");
      this.url = null;
      return this;
    }

    /**
     * TLS settings (trusted CAs, client certificate, verification) for a {@code rediss…} {@link
     * #url}. Without them TLS uses the JVM's trust store and checks the host name.
     *
     * @param tls the settings
     * @return this builder
     */
    public Builder tls(RedisTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * The queue's name: 1-100 of {@code A-Z a-z 0-9 . _ -}. Default {@code snapasset}.
     *
     * @param queueName the name
     * @return this builder
     */
    public Builder queueName(String queueName) {
      Objects.requireNonNull(queueName, "queueName");
      if (!NAME.matcher(queueName).matches()) {
        throw new IllegalArgumentException("queueName '" + queueName + "' is not valid: use 1-100 of A-Z a-z 0-9 . _ -");
      }
      this.queueName = queueName;
      return this;
    }

    /**
     * The first part of every key. Default {@code snapasset}.
     *
     * @param keyPrefix the prefix, without the trailing {@code :}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
        throw new IllegalArgumentException("keyPrefix must be non-empty and contain no braces");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Size of the connection pool created for {@link #url}. Default 64. On standalone Redis the
     * pool has room for two connections more, which {@link RedisJobQueue#awaitWork} keeps between
     * waits (no PING per wait); they go back to the pool when another caller waits for one.
     *
     * @param maxConnections connections, at least 2
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 2) {
        throw new IllegalArgumentException("maxConnections must be >= 2, was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * The clock for lock expiry, delays and timestamps. Default: the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.realTimeClock = false;
      return this;
    }

    /**
     * For tests: a clock that runs in real time, like the system's but maybe offset from it (a
     * machine whose clock is ahead of Redis's), which {@link RedisJobQueue#awaitWorkAndClaim} may
     * stand Redis's clock plus the measured offset in for.
     */
    Builder realTimeClock(Clock clock) {
      clock(clock);
      this.realTimeClock = true;
      return this;
    }

    /**
     * Lets at most one {@link #sweepStalled} per interval do work, across every process sharing
     * the queue; the others return at once. Default zero: every call sweeps (a sweep reads only
     * the expired part of the lock index, so concurrent ones are cheap and safe).
     *
     * @param interval the interval; zero for none
     * @return this builder
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
     * (default true; standalone, Cluster and Sentinel clients — not a {@code RedisClient} built
     * with a connection provider of its own, whose calls all go through the client). Under load it cuts
     * the work Redis does per call several-fold; a lone caller makes its call directly, as without.
     *
     * @param pipelining false to give every call its own connection
     * @return this builder
     */
    public Builder pipelining(boolean pipelining) {
      this.pipelining = pipelining;
      return this;
    }

    /**
     * Bounds the {@link RedisJobQueue#addAsync} calls in flight (sent or queued, not yet answered),
     * each holding its job's payload (typically 1-3 KB) until Redis answers. Default 10 000 and 60
     * seconds. With {@code limit} in flight, a further call waits for one to finish, up to {@code
     * maxBlock}, then returns a future failed with a {@link com.snapasset.QueueException} (as a
     * Kafka producer's {@code buffer.memory} and {@code max.block.ms}); a call from a stage running
     * on the queue's dispatcher thread fails at once instead, as waiting there would stall every add.
     *
     * @param limit the most adds in flight, at least 1
     * @param maxBlock how long a call waits for one of them to finish; zero to fail at once
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is below 1 or {@code maxBlock} negative
     */
    public Builder maxAsyncInFlight(int limit, Duration maxBlock) {
      Objects.requireNonNull(maxBlock, "maxBlock");
      if (limit < 1) {
        throw new IllegalArgumentException("maxAsyncInFlight must be at least 1, got " + limit);
      }
      if (maxBlock.isNegative()) {
        throw new IllegalArgumentException("maxBlock must not be negative, got " + maxBlock);
      }
      this.maxAsyncInFlight = limit;
      this.maxAsyncBlock = maxBlock;
      return this;
    }

    /**
     * A new queue; the builder can build more.
     *
     * @return a connected queue
     */
    public RedisJobQueue build() {
      if (client != null && tls != null) {
        throw new IllegalStateException("tls(..) applies to url(..); configure TLS on your own client instead");
      }
      if (client != null) {
        return new RedisJobQueue(this, client, false);
      }
      if (url == null) {
        throw new IllegalStateException("set url(..) or client(..)");
      }
      UnifiedJedis created;
      try {
        created = RedisClients.create(url, tls, maxConnections
            + (url.topology() == RedisEndpoint.Topology.STANDALONE ? WaitConnections.MAX_KEPT : 0));
      } catch (JedisException e) {
        // Cluster and Sentinel clients connect while being built.
        throw RedisErrors.queue(queueName, "connecting to " + url, e);
      }
      return new RedisJobQueue(this, created, true);
    }
  }
}
