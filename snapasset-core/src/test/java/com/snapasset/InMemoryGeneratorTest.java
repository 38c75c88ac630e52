package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.snapasset.testing.ScriptedImageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line test fixture: placeholder provider, everything in memory, nothing outside the JVM. */
class InMemoryGeneratorTest {

  @Test
  void generatesEveryPlatformWithThePlaceholderIntoMemory() {
    try (AssetGenerator generator = AssetGenerator.inMemory()) {
      assertThat(generator.providerName()).isEqualTo("placeholder");
      GenerationResult result = generator.generate(
          GenerationRequest.of("u1", "a fox", List.of("instagram-post", "twitter-post")));
      assertThat(result.assets())
          .extracting(Asset::platformId, Asset::width, Asset::height)
          .containsExactly(tuple("instagram-post", 1080, 1080), tuple("twitter-post", 1200, 675));
      assertThat(result.assets()).allSatisfy(a -> assertThat(a.url()).hasScheme("memory"));
    }
  }

  @Test
  void writesNoFileEvenWhereTheDefaultStorageWould(@TempDir Path folder) throws Exception {
    try (AssetGenerator generator = AssetGenerator.builder().inMemory().outputDirectory(folder).build()) {
      generator.generate(GenerationRequest.of("u1", "a fox", List.of("64x64")));
    }
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void runsBackgroundJobsToCompletion() throws InterruptedException {
    try (AssetGenerator generator = AssetGenerator.inMemory();
         Worker worker = generator.startWorker(WorkerOptions.defaults())) {
      assertThat(worker.isRunning()).isTrue();
      JobId id = generator.submit(GenerationRequest.of("u1", "a queued fox", List.of("32x32")));
      Job job = generator.await(id, Duration.ofSeconds(30));
      assertThat(job.state()).isEqualTo(JobState.COMPLETED);
      assertThat(generator.catalog().latest("u1", 10, null).items()).hasSize(1);
    }
  }

  @Test
  void partsSetOnTheBuilderWinOverTheHermeticDefaults() {
    ScriptedImageProvider scripted = new ScriptedImageProvider();
    try (AssetGenerator generator = AssetGenerator.builder().inMemory().imageProvider(scripted).build()) {
      generator.generate(GenerationRequest.of("u1", "scripted", List.of("32x32")));
      assertThat(scripted.calls()).isEqualTo(1);
      assertThat(generator.providerName()).isEqualTo(scripted.name());
    }
  }
}
