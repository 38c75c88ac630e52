package com.snapasset;

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

  /** A builder with every port optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Every problem of {@code request} in this generator's context (unknown platforms, image options
   * the provider does not serve), each naming its field; empty when the request can run. What a
   * request can check alone is checked when it is built (see {@link GenerationRequest}); {@link
   * #submit} and {@link #generate} throw an {@link InvalidRequestException} carrying the same list.
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
   */
  public JobId submit(GenerationRequest request) {
    return engine.submit(request);
  }

  /** A snapshot of the job, if the queue holds it. */
  public Optional<Job> job(JobId id) {
    return engine.job(id);
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
    return engine.await(id, timeout);
  }

  /**
   * Runs the whole pipeline on the calling thread's behalf, without the queue, and returns the
   * result. No retries: a failure is thrown.
   *
   * @throws InvalidRequestException listing every problem of the request
   * @throws SnapAssetException when a stage fails
   */
  public GenerationResult generate(GenerationRequest request) {
    return engine.generate(request);
  }

  /** Starts a worker that processes queued jobs until closed (or until this generator closes). */
  public Worker startWorker(WorkerOptions options) {
    return engine.startWorker(options);
  }

  /** Counts of jobs per state. */
  public QueueStats stats() {
    return engine.queue().stats();
  }

  /** Jobs in {@code state}: waiting ones in claim order, finished ones newest first. */
  public List<Job> jobs(JobState state, int offset, int limit) {
    return engine.jobs(state, offset, limit);
  }

  /**
   * Cancels a job: a waiting or delayed job is removed, an active one is stopped by its worker and
   * failed with reason "job was cancelled". Returns false when the job is finished or unknown.
   */
  public boolean cancel(JobId id) {
    return engine.cancel(id);
  }

  /** Queues a failed job again with its attempts reset. Returns false when it is not failed. */
  public boolean retry(JobId id) {
    return engine.queue().retry(id);
  }

  /** Removes a job that is not active. */
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

  /** Whether the queue is paused. */
  public boolean isPaused() {
    return engine.queue().isPaused();
  }

  /** Removes up to {@code limit} finished jobs in {@code state} older than {@code grace}. */
  public int clean(JobState state, Duration grace, int limit) {
    return engine.queue().clean(state, grace, limit);
  }

  /** The platforms this generator knows: the presets plus registered ones. */
  public PlatformRegistry platforms() {
    return engine.platforms();
  }

  /** The name of the image provider in use, e.g. {@code placeholder} or {@code openai}. */
  public String providerName() {
    return engine.provider().name();
  }

  /** The catalog where every finished generation is recorded. */
  public GenerationCatalog catalog() {
    return engine.catalog();
  }

  /** Starts telling {@code listener} about jobs. */
  public void addListener(JobListener listener) {
    engine.addListener(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener} about jobs. */
  public void removeListener(JobListener listener) {
    engine.removeListener(listener);
  }

  /** Starts telling {@code listener} about generation stages. */
  public void addGenerationListener(GenerationListener listener) {
    engine.addGenerationListener(Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener} about generation stages. */
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

    /** Where files go. Default: a {@link com.snapasset.embedded.FileSystemAssetStorage} under {@link #outputDirectory}. */
    public Builder assetStorage(AssetStorage storage) {
      this.storage = Objects.requireNonNull(storage, "assetStorage");
      return this;
    }

    /** The cache of base images. Default: in memory, 256 MiB. */
    public Builder baseImageCache(BaseImageCache cache) {
      this.cache = Objects.requireNonNull(cache, "baseImageCache");
      return this;
    }

    /** Rendering and encoding. Default: {@link com.snapasset.imaging.StandardImageProcessor}. */
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

    /** A job listener registered from the start, before any event can be missed. */
    public Builder addListener(JobListener listener) {
      jobListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** A generation listener registered from the start. */
    public Builder addGenerationListener(GenerationListener listener) {
      generationListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** A new generator on this configuration; the builder stays unchanged and may build again. */
    public AssetGenerator build() {
      return new AssetGenerator(Engine.start(new Engine.Config(provider, queue, storage, cache, processor, catalog,
          clock, platforms, outputDirectory, publicBaseUrl, baseImageTtl, renderThreads, ioThreads, environment,
          jobListeners, generationListeners)));
    }
  }
}
