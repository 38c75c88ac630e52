package com.snapasset.spring;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationListener;
import com.snapasset.JobListener;
import com.snapasset.Platform;
import com.snapasset.WorkerOptions;
import com.snapasset.spi.AssetStorage;
import com.snapasset.spi.GenerationCatalog;
import com.snapasset.spi.ImageProcessor;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.JobQueue;
import com.snapasset.spi.BaseImageCache;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configures SnapAsset: one bean per port (each replaced by an application bean of the port's
 * type), an {@link AssetGenerator} built from them, and a worker started and stopped with the
 * context. Turned off with {@code snapasset.enabled=false}; the worker alone with {@code
 * snapasset.worker.enabled=false}.
 *
 * <p>The engine keeps its own Jackson 2 mapper for job payloads: the application's {@code
 * ObjectMapper} (Jackson 3 in Spring Boot 4) is neither needed nor touched.
 */
@AutoConfiguration(afterName = {
    // The catalog reuses the application's DataSource; the class moved between Boot 3 and 4.
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnProperty(prefix = "snapasset", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SnapAssetProperties.class)
@Import({
    ProviderConfiguration.OpenAi.class, ProviderConfiguration.Placeholder.class,
    QueueConfiguration.Redis.class, QueueConfiguration.InMemory.class,
    CacheConfiguration.Redis.class, CacheConfiguration.InMemory.class,
    StorageConfiguration.S3.class, StorageConfiguration.Local.class,
    CatalogConfiguration.JdbcAuto.class, CatalogConfiguration.Jdbc.class, CatalogConfiguration.InMemory.class})
public class SnapAssetAutoConfiguration {

  /** Used by Spring. */
  public SnapAssetAutoConfiguration() {}

  /**
   * The generator, built from the port beans. Application beans of {@link ImageProcessor}, {@link
   * Platform} (extra presets), {@link JobListener} and {@link GenerationListener} are added to it.
   *
   * @param properties the snapasset.* settings
   * @param provider the image provider bean
   * @param queue the job queue bean
   * @param storage the asset storage bean
   * @param cache the base-image cache bean
   * @param catalog the generation catalog bean
   * @param processor the application's image processor, if any
   * @param platforms the application's extra platform presets
   * @param jobListeners the application's job listeners
   * @param generationListeners the application's generation listeners
   * @return the generator, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public AssetGenerator assetGenerator(SnapAssetProperties properties, ImageProvider provider, JobQueue queue,
      AssetStorage storage, BaseImageCache cache, GenerationCatalog catalog, ObjectProvider<ImageProcessor> processor,
      ObjectProvider<Platform> platforms, ObjectProvider<JobListener> jobListeners,
      ObjectProvider<GenerationListener> generationListeners) {
    AssetGenerator.Builder b = AssetGenerator.builder()
        .imageProvider(provider)
        .jobQueue(queue)
        .assetStorage(storage)
        .baseImageCache(cache)
        .catalog(catalog)
        .baseImageTtl(properties.getCache().getBaseImageTtl())
        // Settings come from Spring's environment only, never from process variables behind its back.
        .environment(Map.of());
    processor.ifAvailable(b::imageProcessor);
    platforms.orderedStream().forEach(b::registerPlatform);
    jobListeners.orderedStream().forEach(b::addListener);
    generationListeners.orderedStream().forEach(b::addGenerationListener);
    if (properties.getRenderThreads() != null) {
      b.renderThreads(properties.getRenderThreads());
    }
    if (properties.getIoThreads() != null) {
      b.ioThreads(properties.getIoThreads());
    }
    return b.build();
  }

  /** The worker, started and stopped with the context; absent on API-only nodes. */
  @Bean
  @ConditionalOnProperty(prefix = "snapasset.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
  SnapAssetWorkerLifecycle snapAssetWorker(AssetGenerator generator, SnapAssetProperties properties) {
    SnapAssetProperties.Worker w = properties.getWorker();
    WorkerOptions options = WorkerOptions.builder()
        .concurrency(w.getConcurrency())
        .lockDuration(w.getLockDuration())
        .stalledCheckInterval(w.getStalledCheckInterval())
        .maxStalledCount(w.getMaxStalledCount())
        .shutdownGrace(w.getShutdownGrace())
        .build();
    return new SnapAssetWorkerLifecycle(generator, options);
  }
}
