package com.snapasset;

import com.snapasset.embedded.FileSystemAssetStorage;
import com.snapasset.embedded.InMemoryGenerationCatalog;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.embedded.InMemoryResultCache;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.imaging.StandardImageProcessor;
import com.snapasset.internal.GenerationJobHandler;
import com.snapasset.internal.GenerationPipeline;
import com.snapasset.internal.EngineEvents;
import com.snapasset.internal.JobCodec;
import com.snapasset.internal.JobEventRelay;
import com.snapasset.internal.NamedThreads;
import com.snapasset.internal.QueueWorker;
import com.snapasset.internal.RequestValidator;
import com.snapasset.spi.AddResult;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.NewJob;
import com.snapasset.spi.QueuedJob;
import com.snapasset.spi.ResultCache;
import com.snapasset.spi.Subscription;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns prompts into publish-ready images for every platform, as durable background jobs or
 * synchronously.
 *
 * <pre>{@code
 * try (AssetGenerator generator = AssetGenerator.builder().build();
 *      Worker worker = generator.startWorker(WorkerOptions.defaults())) {
 *   JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox at dawn",
 *       List.of("instagram-post", "twitter-post")));
 *   Job job = generator.await(id, Duration.ofMinutes(2));
 *   job.resultIfCompleted().ifPresent(r -> r.assets().forEach(a -> System.out.println(a.url())));
 * }
 * }</pre>
 *
 * <p>Every port is optional: with nothing set, jobs are queued in memory, files are written under
 * {@code ./snapasset-output}, and images come from the offline placeholder provider unless an
 * adapter's {@link ImageProviderFactory} finds its settings in the environment (e.g. {@code
 * OPENAI_API_KEY} with snapasset-adapters-openai on the class path).
 *
 * <p>One generator is meant to be shared: it is thread-safe, owns thread pools, and must be
 * closed. Closing stops the workers it started and closes the ports it created itself; ports passed
 * to the builder stay the caller's to close.
 */
public final class AssetGenerator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AssetGenerator.class);
  /** Waiting callers re-check the queue this often, in case an event was lost on the way. */
  private static final Duration AWAIT_RECHECK = Duration.ofSeconds(5);

  private final ImageProvider provider;
  private final JobQueue queue;
  private final AssetStorage storage;
  private final GenerationCatalog catalog;
  private final PlatformRegistry platforms;
  private final Clock clock;
  private final RequestValidator validator;
  private final GenerationPipeline pipeline;
  private final JobEventRelay relay = new JobEventRelay();
  private final EngineEvents engineEvents;
  private final ExecutorService renderPool;
  private final ExecutorService ioPool;
  private final Subscription subscription;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> owned;
  private final AtomicInteger workerCount = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private AssetGenerator(Builder b, ImageProvider provider, JobQueue queue, AssetStorage storage,
      ResultCache cache, List<AutoCloseable> owned) {
    this.provider = provider;
    this.queue = queue;
    this.storage = storage;
    this.catalog = b.catalog != null ? b.catalog : InMemoryGenerationCatalog.create();
    this.platforms = b.platforms;
    this.clock = b.clock;
    this.owned = owned;
    this.engineEvents = new EngineEvents();
    b.generationListeners.forEach(engineEvents::add);
    b.jobListeners.forEach(relay::add);
    this.validator = new RequestValidator(platforms, provider);
    this.renderPool = Executors.newFixedThreadPool(b.renderThreads, new NamedThreads("snapasset-render"));
    this.ioPool = Executors.newFixedThreadPool(b.ioThreads, new NamedThreads("snapasset-io"));
    ImageProcessor processor = b.processor != null ? b.processor : StandardImageProcessor.create();
    this.pipeline = new GenerationPipeline(provider, processor, storage, cache, b.baseImageTtl, renderPool, ioPool,
        engineEvents);
    this.subscription = queue.subscribe(relay);
  }

  /** A builder with every port optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Validates the request and queues it; returns at once. With a job id in {@link
   * JobOptions#jobId()} that the queue already holds, returns that id without adding anything.
   *
   * @throws InvalidRequestException listing every problem of the request
   */
  public JobId submit(GenerationRequest request) {
    checkOpen();
    validator.validate(request);
    JobOptions o = request.job();
    JobId id = o.jobId() != null ? o.jobId() : JobId.random();
    AddResult added = queue.add(new NewJob(id, JobCodec.writeRequest(request), o.priority(), o.attempts(),
        o.keepCompleted(), o.keepFailed()));
    if (!added.created()) {
      log.debug("job {} exists already; not added again", id);
    }
    return id;
  }

  /** A snapshot of the job, if the queue holds it. */
  public Optional<Job> job(JobId id) {
    return queue.find(id).map(AssetGenerator::toJob);
  }

  /**
   * Blocks until the job is finished (completed or failed for good) or {@code timeout} passes, and
   * returns its snapshot then; check {@link Job#isFinished()}. Woken by the queue's events, not by
   * polling.
   *
   * @throws JobNotFoundException when the queue does not hold the job
   * @throws InterruptedException when the calling thread is interrupted
   */
  public Job await(JobId id, Duration timeout) throws InterruptedException {
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
        if (finished.await(Math.min(left, AWAIT_RECHECK.toNanos()), TimeUnit.NANOSECONDS)) {
          return job(id).orElseThrow(() -> new JobNotFoundException(id));
        }
      }
    } finally {
      unregister.run();
    }
  }

  /**
   * Runs the whole pipeline on the calling thread's behalf, without the queue, and returns the
   * result. No retries: a failure is thrown.
   *
   * @throws InvalidRequestException listing every problem of the request
   * @throws SnapAssetException when a stage fails
   */
  public GenerationResult generate(GenerationRequest request) {
    checkOpen();
    List<Platform> resolved = validator.validate(request);
    try {
      GenerationResult result = pipeline.run(UUID.randomUUID().toString(), request, resolved, p -> {});
      GenerationJobHandler.record(catalog, clock, null, request, result);
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SnapAssetException("generation interrupted", e, true);
    }
  }

  /** Starts a worker that processes queued jobs until closed (or until this generator closes). */
  public Worker startWorker(WorkerOptions options) {
    checkOpen();
    String name = "snapasset-worker-" + workerCount.incrementAndGet();
    GenerationJobHandler handler = new GenerationJobHandler(pipeline, validator, catalog, clock);
    QueueWorker worker = new QueueWorker(name, queue, handler, options, clock).start();
    workers.add(worker);
    return worker;
  }

  /** Counts of jobs per state. */
  public QueueStats stats() {
    return queue.stats();
  }

  /** Jobs in {@code state}: waiting ones in claim order, finished ones newest first. */
  public List<Job> jobs(JobState state, int offset, int limit) {
    List<Job> out = new ArrayList<>();
    for (QueuedJob q : queue.list(state, offset, limit)) {
      out.add(toJob(q));
    }
    return out;
  }

  /**
   * Cancels a job: a waiting or delayed job is removed, an active one is stopped by its worker and
   * failed with reason "job was cancelled". Returns false when the job is finished or unknown.
   */
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

  /** Queues a failed job again with its attempts reset. Returns false when it is not failed. */
  public boolean retry(JobId id) {
    return queue.retry(id);
  }

  /** Removes a job that is not active. */
  public boolean remove(JobId id) {
    return queue.remove(id);
  }

  /** Stops handing out jobs to workers (of every JVM sharing the queue); submitting still works. */
  public void pause() {
    queue.pause();
  }

  /** Hands out jobs again. */
  public void resume() {
    queue.resume();
  }

  /** Whether the queue is paused. */
  public boolean isPaused() {
    return queue.isPaused();
  }

  /** Removes up to {@code limit} finished jobs in {@code state} older than {@code grace}. */
  public int clean(JobState state, Duration grace, int limit) {
    return queue.clean(state, grace, limit);
  }

  /** The platforms this generator knows: the presets plus registered ones. */
  public PlatformRegistry platforms() {
    return platforms;
  }

  /** The name of the image provider in use, e.g. {@code placeholder} or {@code openai}. */
  public String providerName() {
    return provider.name();
  }

  /** The asset storage in use. */
  public AssetStorage storage() {
    return storage;
  }

  /** The catalog where every finished generation is recorded. */
  public GenerationCatalog catalog() {
    return catalog;
  }

  /** Starts telling {@code listener} about jobs. */
  public void addListener(JobListener listener) {
    relay.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(JobListener listener) {
    relay.remove(listener);
  }

  /** Starts telling {@code listener} about generation stages. */
  public void addGenerationListener(GenerationListener listener) {
    engineEvents.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeGenerationListener(GenerationListener listener) {
    engineEvents.remove(listener);
  }

  /** Stops this generator's workers (gracefully), its pools, and the ports it created. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Worker w : workers) {
      w.close();
    }
    subscription.close();
    renderPool.shutdownNow();
    ioPool.shutdownNow();
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

  /**
   * Builds an {@link AssetGenerator}. Every setting is optional; setters check their argument at
   * once; {@link #build()} may be called again for another generator.
   */
  public static final class Builder {
    private @Nullable ImageProvider provider;
    private @Nullable JobQueue queue;
    private @Nullable AssetStorage storage;
    private @Nullable ResultCache cache;
    private @Nullable ImageProcessor processor;
    private @Nullable GenerationCatalog catalog;
    private Clock clock = Clock.systemUTC();
    private PlatformRegistry platforms = PlatformRegistry.defaults();
    private Path outputDirectory = Path.of("snapasset-output");
    private @Nullable String publicBaseUrl;
    private Duration baseImageTtl = Duration.ofHours(24);
    private int renderThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int ioThreads = 16;
    private Map<String, String> environment = System.getenv();
    private final List<JobListener> jobListeners = new ArrayList<>();
    private final List<GenerationListener> generationListeners = new ArrayList<>();

    private Builder() {}

    /** The image provider. Default: one found in the environment, else the offline placeholder. */
    public Builder imageProvider(ImageProvider provider) {
      this.provider = Objects.requireNonNull(provider, "imageProvider");
      return this;
    }

    /** The job queue. Default: in memory, on this builder's clock. */
    public Builder jobQueue(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "jobQueue");
      return this;
    }

    /** Where files go. Default: a {@link FileSystemAssetStorage} under {@link #outputDirectory}. */
    public Builder assetStorage(AssetStorage storage) {
      this.storage = Objects.requireNonNull(storage, "assetStorage");
      return this;
    }

    /** The cache of base images. Default: in memory, 256 MiB. */
    public Builder resultCache(ResultCache cache) {
      this.cache = Objects.requireNonNull(cache, "resultCache");
      return this;
    }

    /** Rendering and encoding. Default: {@link StandardImageProcessor}. */
    public Builder imageProcessor(ImageProcessor processor) {
      this.processor = Objects.requireNonNull(processor, "imageProcessor");
      return this;
    }

    /** Where finished generations are recorded. Default: in memory, the newest 10 000. */
    public Builder catalog(GenerationCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /** The clock of the engine and the default queue (tests move it by hand). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds (or replaces, by id) a platform preset. */
    public Builder registerPlatform(Platform platform) {
      this.platforms = platforms.with(Objects.requireNonNull(platform, "platform"));
      return this;
    }

    /** The folder of the default file-system storage. Default: {@code ./snapasset-output}. */
    public Builder outputDirectory(Path outputDirectory) {
      this.outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory");
      return this;
    }

    /** URLs of the default file-system storage become {@code publicBaseUrl + key}. */
    public Builder publicBaseUrl(String publicBaseUrl) {
      this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
      return this;
    }

    /** How long a base image is reused for identical prompts. Default: 24 hours. */
    public Builder baseImageTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "baseImageTtl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("baseImageTtl must be positive, was " + ttl);
      }
      this.baseImageTtl = ttl;
      return this;
    }

    /** Threads rendering renditions. Default: one per processor. */
    public Builder renderThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("renderThreads must be 1-256, was " + threads);
      }
      this.renderThreads = threads;
      return this;
    }

    /** Threads storing files. Default: 16. */
    public Builder ioThreads(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("ioThreads must be 1-1024, was " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /** The environment provider factories read. Default: {@link System#getenv()}. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    public Builder addListener(JobListener listener) {
      jobListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public Builder addGenerationListener(GenerationListener listener) {
      generationListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    public AssetGenerator build() {
      List<AutoCloseable> owned = new ArrayList<>();
      ImageProvider p = provider;
      if (p == null) {
        p = providerFromEnvironment();
        if (p instanceof AutoCloseable closeable) {
          owned.add(closeable);
        }
      }
      JobQueue q = queue;
      if (q == null) {
        q = InMemoryJobQueue.create(clock);
        owned.add(q);
      }
      AssetStorage s = storage;
      if (s == null) {
        FileSystemAssetStorage fs = FileSystemAssetStorage.create(outputDirectory, publicBaseUrl);
        log.info("Asset storage: local folder {}", fs.root());
        s = fs;
      }
      ResultCache c = cache != null ? cache : InMemoryResultCache.create();
      return new AssetGenerator(this, p, q, s, c, owned);
    }

    private ImageProvider providerFromEnvironment() {
      List<ImageProviderFactory> factories = new ArrayList<>();
      ServiceLoader.load(ImageProviderFactory.class).forEach(factories::add);
      factories.sort(Comparator.comparingInt(ImageProviderFactory::priority).reversed());
      for (ImageProviderFactory f : factories) {
        Optional<ImageProvider> found = f.fromEnvironment(environment);
        if (found.isPresent()) {
          log.info("Image provider: {} (configured from the environment)", found.get().name());
          return found.get();
        }
      }
      log.info("Image provider: placeholder (offline, draws a picture from the prompt). "
          + "For real images add snapasset-adapters-openai and set OPENAI_API_KEY.");
      return PlaceholderImageProvider.create();
    }
  }
}
