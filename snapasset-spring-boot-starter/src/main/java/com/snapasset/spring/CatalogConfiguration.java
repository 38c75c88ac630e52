package com.snapasset.spring;

import com.snapasset.ConfigurationException;
import com.snapasset.embedded.InMemoryGenerationCatalog;
import com.snapasset.jdbc.JdbcGenerationCatalog;
import com.snapasset.spi.GenerationCatalog;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The generation catalog: the application's DataSource when the JDBC adapter is present, else memory. */
final class CatalogConfiguration {
  private static final Logger log = LoggerFactory.getLogger(CatalogConfiguration.class);

  /** The bean that runs the application's Flyway migrations, in Boot 3 and 4. */
  static final String FLYWAY_INITIALIZER = "flywayInitializer";

  private CatalogConfiguration() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({JdbcGenerationCatalog.class, DataSource.class})
  @ConditionalOnSingleCandidate(DataSource.class)
  @ConditionalOnProperty(prefix = "snapasset.catalog", name = "type", havingValue = "auto", matchIfMissing = true)
  @ConditionalOnMissingBean(GenerationCatalog.class)
  static class JdbcAuto {
    @Bean
    JdbcGenerationCatalog snapAssetCatalog(SnapAssetProperties properties, DataSource dataSource,
        BeanFactory beanFactory) {
      return jdbc(properties, dataSource, beanFactory);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({JdbcGenerationCatalog.class, DataSource.class})
  @ConditionalOnSingleCandidate(DataSource.class)
  @ConditionalOnProperty(prefix = "snapasset.catalog", name = "type", havingValue = "jdbc")
  @ConditionalOnMissingBean(GenerationCatalog.class)
  static class Jdbc {
    @Bean
    JdbcGenerationCatalog snapAssetCatalog(SnapAssetProperties properties, DataSource dataSource,
        BeanFactory beanFactory) {
      return jdbc(properties, dataSource, beanFactory);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(GenerationCatalog.class)
  static class InMemory {
    @Bean
    InMemoryGenerationCatalog snapAssetCatalog(SnapAssetProperties properties) {
      if (properties.getCatalog().getType() == SnapAssetProperties.CatalogType.JDBC) {
        throw new ConfigurationException("snapasset.catalog.type is jdbc, but snapasset-adapters-jdbc is not on the "
            + "class path or the application has no single DataSource bean: add com.snapasset:"
            + "snapasset-adapters-jdbc and a DataSource (e.g. spring-boot-starter-jdbc and spring.datasource.url)");
      }
      return InMemoryGenerationCatalog.create();
    }
  }

  private static JdbcGenerationCatalog jdbc(SnapAssetProperties properties, DataSource dataSource,
      BeanFactory beanFactory) {
    // The application's own Flyway migrates first. On Boot 3.5 it is on whenever Flyway is on the
    // class path (it is: the JDBC adapter brings it), and it refuses a schema that already holds
    // tables but not its history table, i.e. ours, had we migrated first.
    if (beanFactory.containsBean(FLYWAY_INITIALIZER)) {
      beanFactory.getBean(FLYWAY_INITIALIZER);
    }
    // The application's pool: the catalog never closes it (JdbcGenerationCatalog closes only pools
    // it made itself).
    JdbcGenerationCatalog catalog = JdbcGenerationCatalog.builder()
        .dataSource(dataSource)
        .migrateOnStart(properties.getCatalog().isMigrateOnStart())
        .build();
    log.info("SnapAsset generation catalog: the application's DataSource");
    return catalog;
  }
}
