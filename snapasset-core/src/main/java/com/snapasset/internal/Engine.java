package com.snapasset.internal;

import com.snapasset.GenerationListener;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import com.snapasset.JobNotFoundException;
import com.snapasset.JobOptions;
import com.snapasset.QueueException;
import com.snapasset.JobState;
import com.snapasset.Platform;
import com.snapasset.PlatformRegistry;
import com.snapasset.SourceFetchPolicy;
import com.snapasset.RequestProblem;
import com.snapasset.SnapAssetException;
import com.snapasset.OutagePolicy;
import com.snapasset.Worker;
import com.snapasset.WorkerOptions;
import com.snapasset.embedded.FileSystemAssetStorage;
import com.snapasset.embedded.InMemoryBaseImageCache;
import com.snapasset.embedded.InMemoryGenerationCatalog;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.queue.AddResult;
import com.snapasset.spi.queue.NewJob;
import com.snapasset.spi.queue.QueuedJob;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an {@link com.snapasset.AssetGenerator} runs on: assembles the ports (filling in the
 * embedded defaults), the pools, the pipeline, the event relays and the workers, and owns their
 * lifecycle. The generator is only its front door.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  /** Waiting callers re-check the queue this often, in case an event was lost on the way. */
  private static final Duration AWAIT_RECHECK = Duration.ofSeconds(5);

  /**
   * The generator's configuration, as its builder holds it; a null port means "use the embedded
   * default".
   */
  public record Config(
      @Nullable ImageProvider provider,
      @Nullable JobQueue queue,
      @Nullable AssetStorage storage,
      @Nullable BaseImageCache cache,
      @Nullable ImageProcessor processor,
      @Nullable GenerationCatalog catalog,
      Clock clock,
      PlatformRegistry platforms,
      Path outputDirectory,
      @Nullable String publicBaseUrl,
      Duration baseImageTtl,
      int renderThreads,
      int ioThreads,
      Map<String, String> environment,
      SourceFetchPolicy sourceFetchPolicy,
      List<JobListener> jobListeners,
      List<GenerationListener> generationListeners,
      OutagePolicy outagePolicy) {
    public Config {
      jobListeners = List.copyOf(jobListeners);
      generationListeners = List.copyOf(generationListeners);
    }
  }

  private final ImageProvider provider;
  private final JobQueue queue;
  private final AssetStorage storage;
  private final GenerationCatalog catalog;
  private final PlatformRegistry platforms;
  private final Clock clock;
  private final RequestValidator validator;
  private final GenerationPipeline pipeline;
  private final JobEventRelay relay;
  private final EngineEvents engineEvents = new EngineEvents();
  private final ExecutorService renderPool;
  private final ExecutorService ioPool;
  private final ExecutorService providerCalls;
  private final Outages outages;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  /** {@link #AWAIT_RECHECK} unless a test made it longer, so that only an event can wake a waiter. */
  private volatile Duration awaitRecheck = AWAIT_RECHECK;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final AtomicInteger workerCount = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private Engine(Config c) {
    ProviderSelection.Choice choice =
        ProviderSelection.choose(c.provider(), c.environment(), ServiceLoader.load(ImageProviderFactory.class));
    if (choice.owned() && choice.provider() instanceof AutoCloseable closeable) {
      owned.add(closeable);
    }
    this.provider = choice.provider();
    JobQueue q = c.queue();
    if (q == null) {
      q = InMemoryJobQueue.create(c.clock());
      owned.add(q);
    }
    this.queue = q;
    // Subscribes to the queue's events only once a job listener or a waiter needs them: a process
    // that only runs workers does not hear (nor, with Redis, receive) every job's every change.
    this.relay = new JobEventRelay(q);
    AssetStorage s = c.storage();
    if (s == null) {
      FileSystemAssetStorage fs = FileSystemAssetStorage.create(c.outputDirectory(), c.publicBaseUrl());
      log.info("Asset storage: local folder {}", fs.root());
      s = fs;
    }
    this.storage = s;
    BaseImageCache cache = c.cache() != null ? c.cache() : InMemoryBaseImageCache.create(c.clock());
    this.catalog = c.catalog() != null ? c.catalog() : InMemoryGenerationCatalog.create();
    this.platforms = c.platforms();
    this.clock = c.clock();
    c.generationListeners().forEach(engineEvents::add);
    c.jobListeners().forEach(relay::add);
    this.validator = new RequestValidator(platforms, provider, c.sourceFetchPolicy());
    this.renderPool = Executors.newFixedThreadPool(c.renderThreads(), new NamedThreads("snapasset-render"));
    this.ioPool = Executors.newFixedThreadPool(c.ioThreads(), new NamedThreads("snapasset-io"));
    ImageProcessor processor = c.processor() != null ? c.processor() : StandardImageProcessor.create();
    // The stages call the dependencies through their circuit breakers; provider calls run on a
    // pool of their own, so a cancelled or timed-out job abandons them at once.
    this.outages = new Outages(c.outagePolicy(), clock, RandomGenerator.getDefault());
    this.providerCalls = Executors.newCachedThreadPool(new NamedThreads("snapasset-provider-call"));
    this.pipeline = GenerationPipeline.create(Guarded.provider(provider, outages, providerCalls),
        new SourceFetcher(c.sourceFetchPolicy()), processor, Guarded.storage(storage, outages), cache,
        c.baseImageTtl(), Guarded.catalog(catalog, outages), clock, renderPool, ioPool, engineEvents);
  }

  /** Assembles an engine from {@code config}. */
  public static Engine start(Config config) {
    return new Engine(config);
  }

  /** Every problem of these platforms and image options in this engine's context. */
  public List<RequestProblem> validate(List<String> platformIds, ImageOptions image) {
    return validator.problems(platformIds, image);
  }

  public JobId submit(GenerationRequest request) {
    NewJob job = newJob(request);
    logExisting(queue.add(job));
    return job.id();
  }

  /**
   * As {@link #submit}, the queue's answer delivered later: what is wrong with the request (or a
   * closed engine) is thrown here, a failure of the queue fails the future.
   */
  public CompletableFuture<JobId> submitAsync(GenerationRequest request) {
    NewJob job = newJob(request);
    CompletableFuture<AddResult> queued;
    try {
      queued = queue.addAsync(job);
    } catch (QueueException e) {
      // A third-party queue that throws instead: its failures still arrive through the future.
      return CompletableFuture.failedFuture(e);
    }
    // A new stage, not the queue's own future: completing it from outside reaches nothing else.
    return queued.thenApply(added -> {
      logExisting(added);
      return job.id();
    });
  }

  private NewJob newJob(GenerationRequest request) {
    checkOpen();
    validator.validate(request);
    JobOptions o = request.job();
    JobId id = o.jobId() != null ? o.jobId() : JobId.random();
    return new NewJob(id, JobCodec.writeRequest(request), o.priority(), o.attempts(), o.keepCompleted(),
        o.keepFailed());
  }

  private static void logExisting(AddResult added) {
    if (!added.created()) {
      log.debug("job {} exists already; not added again", added.job().id());
    }
  }

  /** The job as the queue holds it; a completed one the queue has trimmed, from the catalog. */
  public Optional<Job> job(JobId id) {
    Optional<Job> queued = queue.find(id).map(Engine::toJob);
    if (queued.isPresent()) {
      return queued;
    }
    try {
      return RetainedJobs.find(catalog, id);
    } catch (RuntimeException e) {
      log.warn("job {} is not in the queue and the catalog could not be asked: {}", id, e.toString());
      return Optional.empty();
    }
  }

  public Job await(JobId id, Duration timeout) throws InterruptedException {
    // Asked before subscribing: a finished job needs no events, and a queue that is down fails
    // the call at once instead of after the subscription's own wait for the server.
    Job current = job(id).orElseThrow(() -> new JobNotFoundException(id));
    if (current.isFinished() || timeout.compareTo(Duration.ZERO) <= 0) {
      return current;
    }
    CountDownLatch finished = new CountDownLatch(1);
    Runnable unregister = relay.onFinish(id, finished::countDown);
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Job job = job(id).orElseThrow(() -> new JobNotFoundException(id));
        long left = deadline - System.nanoTime();
        if (job.isFinished() || left <= 0) {
          return job;
        }
        if (finished.await(Math.min(left, awaitRecheck.toNanos()), TimeUnit.NANOSECONDS)) {
          return job(id).orElseThrow(() -> new JobNotFoundException(id));
        }
      }
    } finally {
      unregister.run();
    }
  }

  /**
   * For tests: how often {@link #await} re-reads the job in case an event was lost. A test that
   * sets it beyond its await's timeout fails when a wake-up is missed instead of being rescued.
   */
  public void awaitRecheck(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the await recheck interval must be positive, was " + interval);
    }
    this.awaitRecheck = interval;
  }

  /** Runs the pipeline on the calling thread's behalf, without the queue; no retries. */
  public GenerationResult generate(GenerationRequest request) {
    checkOpen();
    List<Platform> resolved = validator.validate(request);
    try {
      return pipeline.run(UUID.randomUUID().toString(), null, request, resolved, p -> {});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnapAssetException("generation interrupted", e, true);
    }
  }

  public Worker startWorker(WorkerOptions options) {
    checkOpen();
    String name = "snapasset-worker-" + workerCount.incrementAndGet();
    GenerationJobHandler handler = new GenerationJobHandler(pipeline, validator);
    QueueWorker worker = new QueueWorker(name, queue, handler, options, clock, outages).start();
    workers.add(worker);
    return worker;
  }

  public List<Job> jobs(JobState state, int offset, int limit) {
    List<Job> out = new ArrayList<>();
    for (QueuedJob q : queue.list(state, offset, limit)) {
      out.add(toJob(q));
    }
    return out;
  }

  public boolean cancel(JobId id) {
    Optional<QueuedJob> job = queue.find(id);
    if (job.isEmpty()) {
      return false;
    }
    return switch (job.get().state()) {
      case WAITING, DELAYED -> queue.remove(id);
      case ACTIVE -> queue.cancel(id);
      case COMPLETED, FAILED -> false;
    };
  }

  public JobQueue queue() {
    return queue;
  }

  public PlatformRegistry platforms() {
    return platforms;
  }

  public ImageProvider provider() {
    return provider;
  }

  public GenerationCatalog catalog() {
    return catalog;
  }

  public void addListener(JobListener listener) {
    relay.add(listener);
  }

  public void removeListener(JobListener listener) {
    relay.remove(listener);
  }

  public void addGenerationListener(GenerationListener listener) {
    engineEvents.add(listener);
  }

  public void removeGenerationListener(GenerationListener listener) {
    engineEvents.remove(listener);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Worker w : workers) {
      w.close();
    }
    relay.close();
    renderPool.shutdownNow();
    ioPool.shutdownNow();
    providerCalls.shutdownNow();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing {} failed", c, e);
      }
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this AssetGenerator is closed");
    }
  }

  private static Job toJob(QueuedJob q) {
    GenerationRequest request = JobCodec.readRequest(q.payload());
    GenerationResult result = q.state() == JobState.COMPLETED && q.result() != null
        ? JobCodec.readResult(q.result()) : null;
    return new Job(q.id(), q.state(), q.progress(), q.attemptsMade(), q.maxAttempts(), q.priority(), q.createdAt(),
        q.processedAt(), q.finishedAt(), request, result, q.failedReason());
  }
}
