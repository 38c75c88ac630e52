package com.snapasset.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.Platform;
import com.snapasset.embedded.FileSystemAssetStorage;
import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.embedded.InMemoryGenerationCatalog;
import com.snapasset.embedded.InMemoryJobQueue;
import com.snapasset.embedded.InMemoryBaseImageCache;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.jdbc.JdbcGenerationCatalog;
import com.snapasset.micrometer.SnapAssetMetrics;
import com.snapasset.openai.OpenAiImageProvider;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.redis.RedisBaseImageCache;
import com.snapasset.s3.S3AssetStorage;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.BaseImageCache;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Every condition of the auto-configuration, on whichever Spring Boot line runs the tests. */
class SnapAssetAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SnapAssetAutoConfiguration.class,
            SnapAssetHealthAutoConfiguration.class, SnapAssetMetricsAutoConfiguration.class))
        .withPropertyValues("snapasset.storage.local.directory=" + dir);
  }

  @Test
  void withNothingSetEverythingIsEmbeddedAndAWorkerRuns() {
    runner().run(context -> {
      assertThat(context).hasSingleBean(AssetGenerator.class);
      assertThat(context.getBean(JobQueue.class)).isInstanceOf(InMemoryJobQueue.class);
      assertThat(context.getBean(BaseImageCache.class)).isInstanceOf(InMemoryBaseImageCache.class);
      assertThat(context.getBean(ImageProvider.class)).isInstanceOf(PlaceholderImageProvider.class);
      assertThat(context.getBean(GenerationCatalog.class)).isInstanceOf(InMemoryGenerationCatalog.class);
      FileSystemAssetStorage storage = context.getBean(FileSystemAssetStorage.class);
      assertThat(storage.root()).isEqualTo(dir.toAbsolutePath().normalize());
      assertThat(context.getBean(SnapAssetWorkerLifecycle.class).isRunning()).isTrue();

      AssetGenerator generator = context.getBean(AssetGenerator.class);
      JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox", List.of("instagram-post")));
      Job job = generator.await(id, Duration.ofMinutes(1));
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(storage.list("")).hasSize(1); // the file went to the configured folder
    });
  }

  @Test
  void snapassetEnabledFalseTurnsEverythingOff() {
    runner().withPropertyValues("snapasset.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(AssetGenerator.class);
      assertThat(context).doesNotHaveBean(JobQueue.class);
      assertThat(context).doesNotHaveBean("snapAssetHealthIndicator");
      assertThat(context).doesNotHaveBean(SnapAssetMetrics.class);
    });
  }

  @Test
  void workerDisabledLeavesAnApiOnlyNode() {
    runner().withPropertyValues("snapasset.worker.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(AssetGenerator.class);
      assertThat(context).doesNotHaveBean(SnapAssetWorkerLifecycle.class);
      AssetGenerator generator = context.getBean(AssetGenerator.class);
      JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox", List.of("instagram-post")));
      assertThat(generator.job(id).orElseThrow().state()).isEqualTo(JobState.WAITING);
    });
  }

  @Test
  void workerSettingsReachTheWorker() {
    runner().withPropertyValues("snapasset.worker.concurrency=5").run(context -> {
      SnapAssetWorkerLifecycle lifecycle = context.getBean(SnapAssetWorkerLifecycle.class);
      assertThat(lifecycle.worker()).isNotNull();
      assertThat(lifecycle.options().concurrency()).isEqualTo(5);
    });
  }

  @Test
  void invalidWorkerSettingsFailStartUpNamingTheProblem() {
    runner().withPropertyValues("snapasset.worker.concurrency=0").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("concurrency 0 is out of range"));
  }

  @Test
  void applicationBeansOfThePortsWin() {
    InMemoryJobQueue queue = InMemoryJobQueue.create();
    InMemoryAssetStorage storage = InMemoryAssetStorage.create();
    ImageProvider provider = PlaceholderImageProvider.create();
    InMemoryBaseImageCache cache = InMemoryBaseImageCache.create();
    InMemoryGenerationCatalog catalog = InMemoryGenerationCatalog.create();
    runner()
        .withBean(JobQueue.class, () -> queue)
        .withBean(AssetStorage.class, () -> storage)
        .withBean(ImageProvider.class, () -> provider)
        .withBean(BaseImageCache.class, () -> cache)
        .withBean(GenerationCatalog.class, () -> catalog)
        .run(context -> {
          assertThat(context.getBean(JobQueue.class)).isSameAs(queue);
          assertThat(context.getBean(AssetStorage.class)).isSameAs(storage);
          assertThat(context.getBean(ImageProvider.class)).isSameAs(provider);
          assertThat(context.getBean(BaseImageCache.class)).isSameAs(cache);
          AssetGenerator generator = context.getBean(AssetGenerator.class);
          assertThat(generator.catalog()).isSameAs(catalog);
          JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox", List.of("twitter-post")));
          assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
          assertThat(storage.list("")).isNotEmpty();
        });
    queue.close();
  }

  @Test
  void anApplicationGeneratorWinsAndStillGetsAWorker() {
    AssetGenerator own = AssetGenerator.builder()
        .imageProvider(PlaceholderImageProvider.create())
        .assetStorage(InMemoryAssetStorage.create())
        .build();
    runner().withBean(AssetGenerator.class, () -> own).run(context -> {
      assertThat(context.getBean(AssetGenerator.class)).isSameAs(own);
      assertThat(context.getBean(SnapAssetWorkerLifecycle.class).isRunning()).isTrue();
    });
    own.close();
  }

  @Test
  void platformBeansBecomePresets() {
    runner().withBean(Platform.class, () -> new Platform("shop-banner", "Shop banner", 1600, 400))
        .run(context -> assertThat(context.getBean(AssetGenerator.class).platforms().find("shop-banner"))
            .isPresent());
  }

  @Test
  void aRedisUrlSelectsTheRedisQueueAndCache() {
    runner().withPropertyValues("snapasset.queue.redis-url=" + TestServers.redis().url(),
            "snapasset.queue.name=conditions")
        .run(context -> {
          assertThat(context.getBean(JobQueue.class)).isInstanceOf(RedisJobQueue.class);
          assertThat(((RedisJobQueue) context.getBean(JobQueue.class)).queueName()).isEqualTo("conditions");
          assertThat(context.getBean(BaseImageCache.class)).isInstanceOf(RedisBaseImageCache.class);
        });
  }

  @Test
  void cacheTypeMemoryKeepsTheCacheInMemoryBesideARedisQueue() {
    runner().withPropertyValues("snapasset.queue.redis-url=" + TestServers.redis().url(),
            "snapasset.cache.type=memory")
        .run(context -> {
          assertThat(context.getBean(JobQueue.class)).isInstanceOf(RedisJobQueue.class);
          assertThat(context.getBean(BaseImageCache.class)).isInstanceOf(InMemoryBaseImageCache.class);
        });
  }

  @Test
  void cacheTypeRedisWithoutAnyUrlFailsStartUp() {
    runner().withPropertyValues("snapasset.cache.type=redis").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.cache.redis-url or snapasset.queue.redis-url"));
  }

  @Test
  void aRedisUrlWithoutTheRedisAdapterFailsInsteadOfSilentlyUsingMemory() {
    runner().withClassLoader(new FilteredClassLoader(RedisJobQueue.class, RedisBaseImageCache.class))
        .withPropertyValues("snapasset.queue.redis-url=redis://127.0.0.1:1")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("snapasset.queue.redis-url is set")
            .hasMessageContaining("com.snapasset:snapasset-adapters-redis"));
  }

  @Test
  void anOldJedisFailsStartUpWithTheFix() {
    // What an application importing Spring Boot's BOM alone gets: Jedis 6 or 7, no RedisClient.
    runner().withClassLoader(new FilteredClassLoader("redis.clients.jedis.RedisClient"))
        .withPropertyValues("snapasset.queue.redis-url=" + TestServers.redis().url())
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("needs Jedis 8.x")
            .hasMessageContaining("snapasset-bom BEFORE spring-boot-dependencies"));
  }

  @Test
  void aBucketSelectsS3Storage() {
    runner().withPropertyValues("snapasset.storage.s3.bucket=images", "snapasset.storage.s3.region=eu-west-1",
            "snapasset.storage.s3.endpoint=http://127.0.0.1:9", "snapasset.storage.s3.path-style=true",
            "snapasset.storage.s3.access-key-id=AKIDEXAMPLE", "snapasset.storage.s3.secret-access-key=s3cr3t-value",
            "snapasset.storage.s3.public-base-url=https://cdn.example.com/")
        .run(context -> {
          S3AssetStorage storage = context.getBean(S3AssetStorage.class);
          assertThat(storage.bucket()).isEqualTo("images");
          assertThat(storage.url("a/b.png").toString()).isEqualTo("https://cdn.example.com/a/b.png");
          assertThat(storage.toString()).doesNotContain("s3cr3t-value");
          assertThat(context.getBean(AssetStorage.class)).isSameAs(storage);
        });
  }

  @Test
  void halfOfAnS3KeyPairFailsStartUp() {
    runner().withPropertyValues("snapasset.storage.s3.bucket=images", "snapasset.storage.s3.access-key-id=AKID")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("set both snapasset.storage.s3.access-key-id"));
  }

  @Test
  void aBucketWithoutTheS3AdapterFailsStartUp() {
    runner().withClassLoader(new FilteredClassLoader(S3AssetStorage.class))
        .withPropertyValues("snapasset.storage.s3.bucket=images")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("com.snapasset:snapasset-adapters-s3"));
  }

  @Test
  void anOpenAiKeySelectsOpenAi() {
    runner().withPropertyValues("snapasset.provider.openai.api-key=sk-test-secret-123",
            "snapasset.provider.openai.base-url=http://127.0.0.1:9/v1")
        .run(context -> {
          assertThat(context.getBean(ImageProvider.class)).isInstanceOf(OpenAiImageProvider.class);
          assertThat(context.getBean(AssetGenerator.class).providerName()).isEqualTo("openai");
          assertThat(context.getBean(ImageProvider.class).toString()).doesNotContain("sk-test-secret-123");
        });
  }

  @Test
  void anOpenAiKeyWithoutTheAdapterFailsStartUp() {
    runner().withClassLoader(new FilteredClassLoader(OpenAiImageProvider.class))
        .withPropertyValues("snapasset.provider.openai.api-key=sk-test")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("com.snapasset:snapasset-adapters-openai")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-test")));
  }

  @Test
  void theApplicationDataSourceHoldsTheCatalog() {
    DataSource dataSource = TestServers.newDatabase();
    runner().withBean(DataSource.class, () -> dataSource).run(context -> {
      assertThat(context.getBean(GenerationCatalog.class)).isInstanceOf(JdbcGenerationCatalog.class);
      AssetGenerator generator = context.getBean(AssetGenerator.class);
      JobId id = generator.submit(GenerationRequest.of("user-9", "a lighthouse", List.of("instagram-post")));
      Job job = generator.await(id, Duration.ofMinutes(1));
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      String generationId = job.resultIfCompleted().orElseThrow().generationId();
      assertThat(generator.catalog().find(generationId)).isPresent();
    });
  }

  @Test
  void catalogTypeMemoryIgnoresTheDataSource() {
    DataSource dataSource = TestServers.newDatabase();
    runner().withBean(DataSource.class, () -> dataSource).withPropertyValues("snapasset.catalog.type=memory")
        .run(context -> assertThat(context.getBean(GenerationCatalog.class))
            .isInstanceOf(InMemoryGenerationCatalog.class));
  }

  @Test
  void withoutADataSourceTheCatalogIsInMemory() {
    runner().run(context -> assertThat(context.getBean(GenerationCatalog.class))
        .isInstanceOf(InMemoryGenerationCatalog.class));
  }

  @Test
  void catalogTypeJdbcWithoutADataSourceFailsStartUp() {
    runner().withPropertyValues("snapasset.catalog.type=jdbc").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("no single DataSource bean"));
  }

  @Test
  void theHealthIndicatorIsThereWhenActuatorIsAndCanBeTurnedOff() {
    runner().run(context -> assertThat(context).hasBean("snapAssetHealthIndicator"));
    runner().withPropertyValues("management.health.snapasset.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("snapAssetHealthIndicator"));
    runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.health",
            "org.springframework.boot.health"))
        .run(context -> {
          assertThat(context).hasSingleBean(AssetGenerator.class);
          assertThat(context).doesNotHaveBean("snapAssetHealthIndicator");
        });
  }

  @Test
  void theMetricsBinderMeasuresTheGenerator() {
    runner().run(context -> {
      SnapAssetMetrics metrics = context.getBean(SnapAssetMetrics.class);
      assertThat(context.getBeansOfType(MeterBinder.class)).containsValue(metrics);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      metrics.bindTo(registry);
      AssetGenerator generator = context.getBean(AssetGenerator.class);
      JobId id = generator.submit(GenerationRequest.of("user-1", "a red fox", List.of("instagram-post")));
      assertThat(generator.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
      // The listener reports after the job is stored as COMPLETED; wait for the counter, not a time.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> registry.get("snapasset.jobs.completed").counter().count() == 1.0);
      assertThat(registry.get("snapasset.workers.desired").gauge().value()).isEqualTo(1.0);
    });
  }

  @Test
  void theMetricsBinderCanBeTurnedOff() {
    runner().withPropertyValues("management.metrics.snapasset.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(AssetGenerator.class);
      assertThat(context).doesNotHaveBean(SnapAssetMetrics.class);
    });
  }

  @Test
  void withoutMicrometerOrTheMetricsModuleThereIsNoBinder() {
    runner().withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(context -> {
      assertThat(context).hasSingleBean(AssetGenerator.class);
      assertThat(context).doesNotHaveBean("snapAssetMetrics");
    });
    runner().withClassLoader(new FilteredClassLoader(SnapAssetMetrics.class)).run(context -> {
      assertThat(context).hasSingleBean(AssetGenerator.class);
      assertThat(context).doesNotHaveBean("snapAssetMetrics");
    });
  }

  @Test
  void anApplicationMetricsBeanWins() {
    AssetGenerator own = AssetGenerator.builder()
        .imageProvider(PlaceholderImageProvider.create())
        .assetStorage(InMemoryAssetStorage.create())
        .build();
    SnapAssetMetrics mine = SnapAssetMetrics.builder(own).tags(Tags.of("app", "mine")).build();
    runner().withBean(AssetGenerator.class, () -> own).withBean(SnapAssetMetrics.class, () -> mine)
        .run(context -> assertThat(context.getBean(SnapAssetMetrics.class)).isSameAs(mine));
    mine.close();
    own.close();
  }
}
