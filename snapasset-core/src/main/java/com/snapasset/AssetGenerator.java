package com.snapasset;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.internal.Engine;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.BaseImageCache;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.JobQueue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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
  private final Engine engine;

  private AssetGenerator(Engine engine) {
    this.engine = engine;
  }

  /** The engine behind this front door; for tests in this package. */
  Engine engine() {
    return engine;
  }

  /**
   * A builder with every port optional.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A hermetic generator for tests, in one line: the offline placeholder provider and an in-memory
   * queue, base-image cache, storage and catalog. It never calls a real provider, whatever the
   * environment holds ({@code OPENAI_API_KEY} included), never opens a connection and never writes
   * a file. To replace one part (e.g. a scripted provider), use {@code builder().inMemory()}.
   *
   * <pre>{@code
   * try (AssetGenerator generator = AssetGenerator.inMemory()) {
   *   GenerationResult r = generator.generate(GenerationRequest.of("u1", "a fox", List.of("instagram-post")));
   * }
   * }</pre>
   *
   * @return a new generator; close it
   * @see Builder#inMemory()
   */
  public static AssetGenerator inMemory() {
    return builder().inMemory().build();
  }

  /**
   * Every problem of {@code request} in this generator's context (unknown platforms, image options
   * the provider does not serve), each naming its field; empty when the request can run. What a
   * request can check alone is checked when it is built (see {@link GenerationRequest}); {@link
   * #submit} and {@link #generate} throw an {@link InvalidRequestException} carrying the same list.
   *
   * @param request what to generate
   * @return the problems; empty when the request can run
   */
  public List<RequestProblem> validate(GenerationRequest request) {
    Objects.requireNonNull(request, "request");
    return engine.validate(request.platforms(), request.image());
  }

  /**
   * Every problem of a request not built yet: those {@link GenerationRequest.Builder#build()} would
   * throw and those of {@link #validate(GenerationRequest)}, in that order; empty when {@code
   * draft} builds into a request that can run. For callers that assemble requests from user input
   * (a form, a JSON body) and report every problem at once.
   *
   * @param draft a request being built, possibly incomplete
   * @return the problems; empty when the request can run
   */
  public List<RequestProblem> validate(GenerationRequest.Builder draft) {
    Objects.requireNonNull(draft, "draft");
    List<RequestProblem> problems = new ArrayList<>();
    try {
      draft.build();
    } catch (InvalidRequestException e) {
      problems.addAll(e.details());
    }
    problems.addAll(engine.validate(draft.draftPlatforms(), draft.draftImage()));
    return List.copyOf(problems);
  }

  /**
   * Validates the request and queues it; returns at once. With a job id in {@link
   * JobOptions#jobId()} that the queue already holds, returns that id without adding anything.
   *
   * @throws InvalidRequestException listing every problem of the request
   * @param request what to generate
   * @return the job's id (the existing job's, when the request names an id already queued)
   */
  public JobId submit(GenerationRequest request) {
    return engine.submit(request);
  }

  /**
   * As {@link #submit}, without waiting for the queue: returns once the request is checked and
   * the add is on its way, and the future completes with the job's id when the queue has it. One
   * thread can keep many submissions in flight; with the Redis queue they share round trips.
   *
   * <p>What is wrong with the call itself is thrown, exactly as {@link #submit} throws it: an
   * {@link InvalidRequestException} for the request's problems, an {@link IllegalStateException}
   * once this generator is closed. Only the queue's answer arrives through the future: a {@link
   * QueueException} when the queue cannot take the job. (The split of {@code
   * java.net.http.HttpClient.sendAsync} and of Lettuce.)
   *
   * <pre>{@code
   * List<CompletableFuture<JobId>> ids = new ArrayList<>();
   * for (GenerationRequest r : requests) {
   *   ids.add(generator.submitAsync(r));
   * }
   * CompletableFuture.allOf(ids.toArray(CompletableFuture[]::new)).join();
   * }</pre>
   *
   * <p>The future may complete on the queue's own thread; stages chained with the non-{@code
   * Async} methods of {@link CompletableFuture} run there and must not block. Above all, such a
   * stage must not wait for another {@code submitAsync} (e.g. {@code join()} on its future): with
   * the Redis queue that thread is the one that completes it, and the wait never ends. Chain such
   * work with the {@code Async} methods. Cancelling the future does not take the submission back.
   *
   * <p>A queue may bound the submissions in flight: the Redis queue lets 10 000 be in flight by
   * default, then makes the caller wait for one (up to a minute) before failing the future ({@code
   * RedisJobQueue.Builder.maxAsyncInFlight}). Closing the generator lets the queue send what is
   * queued (the Redis queue waits up to 5 seconds); submissions still unsent then fail with a
   * {@link QueueException}.
   *
   * @throws InvalidRequestException listing every problem of the request
   * @throws IllegalStateException when this generator is closed
   * @param request what to generate
   * @return the job's id once the queue holds the job (the existing job's, when the request names
   *     an id already queued)
   */
  public CompletableFuture<JobId> submitAsync(GenerationRequest request) {
    return engine.submitAsync(request);
  }

  /**
   * A snapshot of the job, if the queue holds it.
   *
   * @param id the job
   * @return a snapshot of the job, or empty when the queue does not hold it
   */
  public Optional<Job> job(JobId id) {
    return engine.job(id);
  }

  /**
   * Blocks until the job is finished (completed or failed for good) or {@code timeout} passes, and
   * returns its snapshot then; check {@link Job#isFinished()}. Woken by the queue's events, not by
   * polling: while it waits, the generator subscribes to the queue's finishing events (completed,
   * failed, removed) if nothing else has.
   *
   * <p>When the job finishes while this waits, it returns after the {@link JobListener}s registered
   * then were told ({@code onCompleted} or {@code onFailed} returned). A job already finished when
   * this is called is answered at once, possibly before the listeners heard of it.
   *
   * @throws JobNotFoundException when the queue does not hold the job
   * @throws InterruptedException when the calling thread is interrupted
   * @param id the job
   * @param timeout the longest wait
   * @return the job as it is when it finished, or when the wait ran out
   */
  public Job await(JobId id, Duration timeout) throws InterruptedException {
    return engine.await(id, timeout);
  }

  /**
   * Runs the whole pipeline on the calling thread's behalf, without the queue, and returns the
   * result. No retries: a failure is thrown.
   *
   * @throws InvalidRequestException listing every problem of the request
   * @throws SnapAssetException when a stage fails
   * @param request what to generate
   * @return the stored assets
   */
  public GenerationResult generate(GenerationRequest request) {
    return engine.generate(request);
  }

  /**
   * Starts a worker that processes queued jobs until closed (or until this generator closes).
   *
   * @param options concurrency, locks, shutdown grace, rate limit
   * @return the running worker; close it to stop
   */
  public Worker startWorker(WorkerOptions options) {
    return engine.startWorker(options);
  }

  /**
   * Counts of jobs per state.
   *
   * @return the counts now
   */
  public QueueStats stats() {
    return engine.queue().stats();
  }

  /**
   * Jobs in {@code state}: waiting ones in claim order, finished ones newest first.
   *
   * @param state the state
   * @param offset jobs to skip
   * @param limit most jobs returned
   * @return at most {@code limit} jobs
   */
  public List<Job> jobs(JobState state, int offset, int limit) {
    return engine.jobs(state, offset, limit);
  }

  /**
   * Cancels a job: a waiting or delayed job is removed, an active one is stopped by its worker and
   * failed with reason "job was cancelled". Returns false when the job is finished or unknown.
   *
   * @param id the job
   * @return whether the job was waiting, delayed or active
   */
  public boolean cancel(JobId id) {
    return engine.cancel(id);
  }

  /**
   * Queues a failed job again with its attempts reset. Returns false when it is not failed.
   *
   * @param id the job
   * @return whether the job was failed
   */
  public boolean retry(JobId id) {
    return engine.queue().retry(id);
  }

  /**
   * Removes a job that is not active.
   *
   * @param id the job
   * @return whether it was removed
   */
  public boolean remove(JobId id) {
    return engine.queue().remove(id);
  }

  /** Stops handing out jobs to workers (of every JVM sharing the queue); submitting still works. */
  public void pause() {
    engine.queue().pause();
  }

  /** Hands out jobs again. */
  public void resume() {
    engine.queue().resume();
  }

  /**
   * Whether the queue is paused.
   *
   * @return true while paused
   */
  public boolean isPaused() {
    return engine.queue().isPaused();
  }

  /**
   * Removes up to {@code limit} finished jobs in {@code state} older than {@code grace}.
   *
   * @param state {@link JobState#COMPLETED} or {@link JobState#FAILED}
   * @param grace how long ago a job must have finished
   * @param limit most jobs removed
   * @return the number of jobs removed
   */
  public int clean(JobState state, Duration grace, int limit) {
    return engine.queue().clean(state, grace, limit);
  }

  /**
   * The platforms this generator knows: the presets plus registered ones.
   *
   * @return the presets and custom platforms this generator knows
   */
  public PlatformRegistry platforms() {
    return engine.platforms();
  }

  /**
   * The name of the image provider in use, e.g. {@code placeholder} or {@code openai}.
   *
   * @return e.g. {@code openai} or {@code placeholder}
   */
  public String providerName() {
    return engine.provider().name();
  }

  /**
   * The catalog where every finished generation is recorded.
   *
   * @return the catalog finished generations are recorded in
   */
  public GenerationCatalog catalog() {
    return engine.catalog();
  }

  /**
   * Starts telling {@code listener} about jobs. Returns once every event the queue publishes from
   * then on reaches the listener; events published during the call may or may not.
   *
   * <p>The generator subscribes to its queue's events only while a job listener is registered or a
   * caller is in {@link #await}: a process that only runs workers does not receive every job's
   * every state change. The first listener opens that subscription, removing the last closes it.
   * So the guarantee above rests on the queue's {@link JobQueue#subscribe(java.util.Set,
   * com.snapasset.spi.queue.QueueEventListener) subscribe} returning only once it delivers: with a
   * custom queue whose {@code subscribe} returns earlier, a listener (or an {@code await}) may miss
   * the events published just after it registered. The built-in queues honour it; the Redis queue
   * waits for the server's confirmation, except when this is called from a listener's callback
   * while no other listener keeps its channel subscribed (its own thread must read that
   * confirmation): the listener then hears the events published once the callback returned and the
   * channel is subscribed again.
   *
   * @param listener called on engine or queue threads; must not block
   * @throws RuntimeException whatever the queue's {@code subscribe} throws when the subscription has
   *     to be opened (the SPI asks for {@link QueueException}); the listener is then not
   *     registered. The built-in queues do not throw here: the Redis queue waits up to 10 s for its
   *     server's confirmation, then logs a warning and goes on (reconnecting in the background)
   */
  public void addListener(JobListener listener) {
    engine.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Stops telling {@code listener} about jobs.
   *
   * @param listener a listener added before
   */
  public void removeListener(JobListener listener) {
    engine.removeListener(listener);
  }

  /**
   * Starts telling {@code listener} about generation stages.
   *
   * @param listener called on engine or queue threads; must not block
   */
  public void addGenerationListener(GenerationListener listener) {
    engine.addGenerationListener(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Stops telling {@code listener} about generation stages.
   *
   * @param listener a listener added before
   */
  public void removeGenerationListener(GenerationListener listener) {
    engine.removeGenerationListener(listener);
  }

  /** Stops this generator's workers (gracefully), its pools, and the ports it created. */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Builds an {@link AssetGenerator}. Every setting is optional; setters check their argument at
   * once; {@link #build()} may be called again for another generator.
   */
  public static final class Builder {
    private @Nullable ImageProvider provider;
    private @Nullable JobQueue queue;
    private @Nullable AssetStorage storage;
    private @Nullable BaseImageCache cache;
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
    private boolean inMemory;
    private SourceFetchPolicy sourceFetchPolicy = SourceFetchPolicy.defaults();
    private OutagePolicy outagePolicy = OutagePolicy.defaults();
    private final List<JobListener> jobListeners = new ArrayList<>();
    private final List<GenerationListener> generationListeners = new ArrayList<>();

    private Builder() {}

    /**
     * The image provider. Default: one found in the environment, else the offline placeholder.
     *
     * @param provider the provider, which the caller closes
     * @return this builder
     */
    public Builder imageProvider(ImageProvider provider) {
      this.provider = Objects.requireNonNull(provider, "imageProvider");
      return this;
    }

    /**
     * The job queue. Default: in memory, on this builder's clock.
     *
     * @param queue the queue, which the caller closes
     * @return this builder
     */
    public Builder jobQueue(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "jobQueue");
      return this;
    }

    /**
     * Where files go. Default: a {@link com.snapasset.embedded.FileSystemAssetStorage} under {@link
     * #outputDirectory}.
     *
     * @param storage the storage, which the caller closes
     * @return this builder
     */
    public Builder assetStorage(AssetStorage storage) {
      this.storage = Objects.requireNonNull(storage, "assetStorage");
      return this;
    }

    /**
     * The cache of base images. Default: in memory, 256 MiB.
     *
     * @param cache the cache, which the caller closes
     * @return this builder
     */
    public Builder baseImageCache(BaseImageCache cache) {
      this.cache = Objects.requireNonNull(cache, "baseImageCache");
      return this;
    }

    /**
     * Rendering and encoding. Default: {@link com.snapasset.imaging.StandardImageProcessor}.
     *
     * @param processor the processor
     * @return this builder
     */
    public Builder imageProcessor(ImageProcessor processor) {
      this.processor = Objects.requireNonNull(processor, "imageProcessor");
      return this;
    }

    /**
     * Where finished generations are recorded. Default: in memory, the newest 10 000.
     *
     * @param catalog the catalog, which the caller closes
     * @return this builder
     */
    public Builder catalog(GenerationCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * The clock of the engine and the default queue (tests move it by hand).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds (or replaces, by id) a platform preset.
     *
     * @param platform the preset
     * @return this builder
     */
    public Builder registerPlatform(Platform platform) {
      this.platforms = platforms.with(Objects.requireNonNull(platform, "platform"));
      return this;
    }

    /**
     * The folder of the default file-system storage. Default: {@code ./snapasset-output}.
     *
     * @param outputDirectory the folder
     * @return this builder
     */
    public Builder outputDirectory(Path outputDirectory) {
      this.outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory");
      return this;
    }

    /**
     * URLs of the default file-system storage become {@code publicBaseUrl + key}.
     *
     * @param publicBaseUrl e.g. {@code https://cdn.example.com/}
     * @return this builder
     */
    public Builder publicBaseUrl(String publicBaseUrl) {
      this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
      return this;
    }

    /**
     * How long a base image is reused for identical prompts. Default: 24 hours.
     *
     * @param ttl a positive duration
     * @return this builder
     */
    public Builder baseImageTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "baseImageTtl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("baseImageTtl must be positive, was " + ttl);
      }
      this.baseImageTtl = ttl;
      return this;
    }

    /**
     * Threads rendering renditions. Default: one per processor.
     *
     * @param threads 1–256
     * @return this builder
     */
    public Builder renderThreads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("renderThreads must be 1-256, was " + threads);
      }
      this.renderThreads = threads;
      return this;
    }

    /**
     * Threads storing files. Default: 16.
     *
     * @param threads 1–1024
     * @return this builder
     */
    public Builder ioThreads(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("ioThreads must be 1-1024, was " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    /**
     * The environment provider factories read. Default: {@link System#getenv()}.
     *
     * @param environment variable names to values
     * @return this builder
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /**
     * How source images given by URL ({@link SourceImage#ofUrl}) are fetched. Default {@link
     * SourceFetchPolicy#defaults()}: public https addresses only, 20 MiB, 20 s.
     *
     * @param policy the fetch policy
     * @return this builder
     */
    public Builder sourceFetchPolicy(SourceFetchPolicy policy) {
      this.sourceFetchPolicy = Objects.requireNonNull(policy, "sourceFetchPolicy");
      return this;
    }

    /**
     * How jobs ride out rate limits and outages of the provider, storage and catalog without
     * spending attempts. Default: {@link OutagePolicy#defaults()}.
     *
     * @param outagePolicy the policy
     * @return this builder
     */
    public Builder outagePolicy(OutagePolicy outagePolicy) {
      this.outagePolicy = Objects.requireNonNull(outagePolicy, "outagePolicy");
      return this;
    }

    /**
     * A job listener registered from the start, before any event can be missed.
     *
     * @param listener called on engine or queue threads; must not block
     * @return this builder
     */
    public Builder addListener(JobListener listener) {
      jobListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * A generation listener registered from the start.
     *
     * @param listener called on engine or queue threads; must not block
     * @return this builder
     */
    public Builder addGenerationListener(GenerationListener listener) {
      generationListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Hermetic defaults, for tests: the parts not set on this builder (before or after this call)
     * are the offline placeholder provider, without looking at the environment, and in-memory
     * queue, base-image cache, storage and catalog; {@link #outputDirectory} is not used. Each
     * {@link #build()} makes fresh in-memory parts.
     *
     * @return this builder
     * @see AssetGenerator#inMemory()
     */
    public Builder inMemory() {
      this.inMemory = true;
      return this;
    }

    /**
     * A new generator on this configuration; the builder stays unchanged and may build again.
     *
     * @return the generator; close it
     */
    public AssetGenerator build() {
      ImageProvider p = provider;
      AssetStorage s = storage;
      if (inMemory) {
        // Only the two defaults that reach outside the JVM need replacing: the provider found in
        // the environment (a paid API) and the file-system storage; queue, cache and catalog
        // already default to memory.
        p = p != null ? p : PlaceholderImageProvider.create();
        s = s != null ? s : InMemoryAssetStorage.create(clock);
      }
      return new AssetGenerator(Engine.start(new Engine.Config(p, queue, s, cache, processor, catalog,
          clock, platforms, outputDirectory, publicBaseUrl, baseImageTtl, renderThreads, ioThreads, environment,
          sourceFetchPolicy, jobListeners, generationListeners, outagePolicy)));
    }
  }
}
