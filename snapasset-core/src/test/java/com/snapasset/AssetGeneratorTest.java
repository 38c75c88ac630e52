package com.snapasset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.snapasset.embedded.InMemoryAssetStorage;
import com.snapasset.spi.JobQueue;
import com.snapasset.testing.ScriptedImageProvider;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssetGeneratorTest {
  private final ScriptedImageProvider provider = new ScriptedImageProvider();
  private final InMemoryAssetStorage storage = InMemoryAssetStorage.create();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private AssetGenerator generator() {
    AssetGenerator g = AssetGenerator.builder().imageProvider(provider).assetStorage(storage).build();
    toClose.add(g);
    return g;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private BufferedImage stored(Asset a) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(storage.get(a.key()).orElseThrow()));
  }

  @Test
  void aSubmittedJobIsProcessedIntoOneExactlySizedFilePerPlatform() throws Exception {
    AssetGenerator g = generator();
    g.startWorker(WorkerOptions.defaults());

    JobId id = g.submit(GenerationRequest.of("user-1", "a red fox at dawn",
        List.of("instagram-post", "twitter-post", "pinterest-pin", "800x600")));
    Job job = g.await(id, Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.progress()).isEqualTo(100);
    assertThat(job.attemptsMade()).isEqualTo(1);
    GenerationResult result = job.result();
    assertThat(result).isNotNull();
    assertThat(result.assets()).extracting(Asset::platformId)
        .containsExactly("instagram-post", "twitter-post", "pinterest-pin", "800x600");
    for (Asset a : result.assets()) {
      BufferedImage img = stored(a);
      assertThat(img.getWidth()).as(a.platformId()).isEqualTo(a.width());
      assertThat(img.getHeight()).as(a.platformId()).isEqualTo(a.height());
      assertThat(a.key()).startsWith("user-1/" + result.generationId() + "/").endsWith(".png");
      assertThat(a.byteSize()).isEqualTo(storage.get(a.key()).orElseThrow().length);
    }
    assertThat(result.assets().get(1).width()).isEqualTo(1200);
    assertThat(result.assets().get(1).height()).isEqualTo(675);
    assertThat(storage.cacheControl(result.assets().get(0).key())).hasValue("public, max-age=31536000, immutable");
    assertThat(result.provider()).isEqualTo("scripted");
    assertThat(result.baseImageCached()).isFalse();
    var recorded = g.catalog().find(result.generationId()).orElseThrow();
    assertThat(recorded.jobId()).isEqualTo(id.value());
    assertThat(recorded.assets()).isEqualTo(result.assets());
    assertThat(g.catalog().latest("user-1", 10, null).items()).hasSize(1);
  }

  @Test
  void generateRunsThePipelineSynchronouslyInJpeg() throws Exception {
    AssetGenerator g = generator();

    GenerationResult result = g.generate(GenerationRequest.builder().userId("u").prompt("lighthouse")
        .platforms("facebook-cover").output(OutputOptions.of(OutputFormat.JPEG).withQuality(80)).build());

    Asset a = result.assets().get(0);
    assertThat(a.format()).isEqualTo(OutputFormat.JPEG);
    assertThat(a.key()).endsWith("facebook-cover.jpg");
    byte[] bytes = storage.get(a.key()).orElseThrow();
    assertThat(bytes[0] & 0xff).isEqualTo(0xFF); // JPEG SOI marker
    assertThat(bytes[1] & 0xff).isEqualTo(0xD8);
    BufferedImage img = stored(a);
    assertThat(img.getWidth()).isEqualTo(820);
    assertThat(img.getHeight()).isEqualTo(312);
    assertThat(result.timings().total()).isPositive();
  }

  @Test
  void anIdenticalRequestReusesTheCachedBaseImage() {
    AssetGenerator g = generator();
    GenerationRequest request = GenerationRequest.of("u", "same prompt", List.of("instagram-post"));

    GenerationResult first = g.generate(request);
    GenerationResult second = g.generate(request);
    GenerationResult otherStyle = g.generate(request.toBuilder()
        .image(ImageOptions.defaults().withStyle("natural")).build());

    assertThat(first.baseImageCached()).isFalse();
    assertThat(second.baseImageCached()).isTrue();
    assertThat(second.costUsd()).isZero();
    assertThat(otherStyle.baseImageCached()).isFalse();
    assertThat(provider.calls()).isEqualTo(2);
  }

  @Test
  void everyProblemOfARequestIsReportedAtOnce() {
    AssetGenerator g = generator();
    GenerationRequest request = GenerationRequest.of("u", "fine", List.of("instagram-post", "myspace-banner", "9x9"));

    assertThatThrownBy(() -> g.submit(request))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.problems()).hasSize(2);
          assertThat(e.problems().get(0)).contains("myspace-banner").contains("instagram-post").contains("twitter-post");
          assertThat(e.problems().get(1)).contains("9x9").contains("16-4096");
        });
    assertThat(g.stats().total()).isZero();
  }

  @Test
  void validateReturnsTheProblemsSubmitAndGenerateThrowEachNamingItsField() {
    AssetGenerator g = generator();
    GenerationRequest request = GenerationRequest.of("u", "fine", List.of("instagram-post", "myspace-banner", "9x9"));

    List<RequestProblem> problems = g.validate(request);

    assertThat(problems).extracting(RequestProblem::field).containsExactly("platforms", "platforms");
    assertThat(problems.get(0).message()).contains("myspace-banner");
    assertThat(g.validate(GenerationRequest.of("u", "fine", List.of("instagram-post", "800x600")))).isEmpty();
    assertThatThrownBy(() -> g.submit(request)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.details()).isEqualTo(problems));
    assertThatThrownBy(() -> g.generate(request)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.details()).isEqualTo(problems));
    assertThat(provider.calls()).isZero();
  }

  @Test
  void aRequestTagsTheProblemsItFindsAloneWithTheirFields() {
    assertThatThrownBy(() -> GenerationRequest.of("bad user", " ", List.of("a", "a")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.details()).extracting(RequestProblem::field).containsExactly("userId", "prompt", "platforms");
          assertThat(e.problems()).hasSize(3);
        });
  }

  @Test
  void aJobIdThatExistsIsNotAddedTwice() {
    AssetGenerator g = generator();
    GenerationRequest request = GenerationRequest.builder().userId("u").prompt("p").platforms("instagram-post")
        .job(JobOptions.builder().jobId("u-123-instagram").build()).build();

    JobId first = g.submit(request);
    JobId second = g.submit(request);

    assertThat(first).isEqualTo(second).isEqualTo(JobId.of("u-123-instagram"));
    assertThat(g.stats().waiting()).isEqualTo(1);
  }

  @Test
  void listenersHearTheJobAndOneThatThrowsBreaksNothing() throws Exception {
    AssetGenerator g = generator();
    List<String> heard = new CopyOnWriteArrayList<>();
    g.addListener(new JobListener() {
      @Override
      public void onActive(JobId id, int attempt) {
        throw new IllegalStateException("a broken listener");
      }
    });
    g.addListener(new JobListener() {
      @Override
      public void onAdded(JobId id) {
        heard.add("added");
      }

      @Override
      public void onActive(JobId id, int attempt) {
        heard.add("active:" + attempt);
      }

      @Override
      public void onProgress(JobId id, int progress) {
        heard.add("progress");
      }

      @Override
      public void onCompleted(JobId id, GenerationResult result) {
        heard.add("completed:" + result.assets().size());
      }
    });
    g.startWorker(WorkerOptions.defaults());

    Job job = g.await(g.submit(GenerationRequest.of("u", "p", List.of("instagram-post", "twitter-post"))),
        Duration.ofMinutes(1));

    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(heard).first().isEqualTo("added");
    assertThat(heard).contains("active:1", "progress").last().isEqualTo("completed:2");
  }

  @Test
  void theDefaultsWriteFilesUnderTheOutputFolder(@TempDir Path dir) throws Exception {
    try (AssetGenerator g = AssetGenerator.builder().outputDirectory(dir).environment(java.util.Map.of()).build()) {
      assertThat(g.providerName()).isEqualTo("placeholder");

      GenerationResult r = g.generate(GenerationRequest.of("u", "a quiet harbour", List.of("youtube-thumbnail")));

      Path file = Path.of(r.assets().get(0).url());
      assertThat(file).startsWith(dir.toRealPath()).exists();
      BufferedImage img = ImageIO.read(file.toFile());
      assertThat(img.getWidth()).isEqualTo(1280);
      assertThat(img.getHeight()).isEqualTo(720);
    }
  }

  @Test
  void aClosedGeneratorRefusesWork() {
    AssetGenerator g = generator();
    g.close();

    assertThatThrownBy(() -> g.submit(GenerationRequest.of("u", "p", List.of("instagram-post"))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void submitAsyncQueuesTheJobAndCompletesWithItsId() throws Exception {
    AssetGenerator g = generator();
    g.startWorker(WorkerOptions.defaults());
    GenerationRequest named = GenerationRequest.builder().userId("u").prompt("p").platforms("instagram-post")
        .job(JobOptions.builder().jobId("u-async-1").build()).build();

    JobId id = g.submitAsync(named).get(30, TimeUnit.SECONDS);
    JobId again = g.submitAsync(named).get(30, TimeUnit.SECONDS);
    JobId random = g.submitAsync(GenerationRequest.of("u", "p", List.of("twitter-post"))).get(30, TimeUnit.SECONDS);

    assertThat(id).isEqualTo(again).isEqualTo(JobId.of("u-async-1"));
    assertThat(random).isNotEqualTo(id);
    assertThat(g.await(id, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
    assertThat(g.await(random, Duration.ofMinutes(1)).state()).isEqualTo(JobState.COMPLETED);
    assertThat(g.stats().completed()).isEqualTo(2);
  }

  @Test
  void submitAsyncThrowsWhatIsWrongWithTheCallAsSubmitDoes() {
    AssetGenerator g = generator();
    GenerationRequest request = GenerationRequest.of("u", "fine", List.of("instagram-post", "myspace-banner"));

    assertThatThrownBy(() -> g.submitAsync(request)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.details()).isEqualTo(g.validate(request)));
    assertThat(g.stats().total()).isZero();
    g.close();
    assertThatThrownBy(() -> g.submitAsync(GenerationRequest.of("u", "p", List.of("instagram-post"))))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void submitAsyncDeliversAFailureOfTheQueueThroughTheFuture() {
    JobQueue down = mock(JobQueue.class);
    QueueException failure = new QueueException("the queue is down", null);
    when(down.add(any())).thenThrow(failure);
    when(down.addAsync(any())).thenCallRealMethod(); // the SPI's default, over the failing add
    AssetGenerator g = AssetGenerator.builder().imageProvider(provider).assetStorage(storage).jobQueue(down).build();
    toClose.add(g);

    CompletableFuture<JobId> submitted = g.submitAsync(GenerationRequest.of("u", "p", List.of("instagram-post")));

    assertThat(submitted).isCompletedExceptionally();
    assertThatThrownBy(submitted::join).isInstanceOf(CompletionException.class).cause().isSameAs(failure);
    assertThatThrownBy(() -> g.submit(GenerationRequest.of("u", "p", List.of("instagram-post")))).isSameAs(failure);
  }

  @Test
  void submitAsyncDeliversAQueueExceptionThatAQueuesAddAsyncThrowsThroughTheFuture() {
    JobQueue throwing = mock(JobQueue.class);
    QueueException failure = new QueueException("thrown, not returned", null);
    when(throwing.addAsync(any())).thenThrow(failure); // a third-party queue that throws at the call
    AssetGenerator g = AssetGenerator.builder().imageProvider(provider).assetStorage(storage).jobQueue(throwing)
        .build();
    toClose.add(g);

    CompletableFuture<JobId> submitted = g.submitAsync(GenerationRequest.of("u", "p", List.of("instagram-post")));

    assertThatThrownBy(submitted::join).isInstanceOf(CompletionException.class).cause().isSameAs(failure);
  }

  @Test
  void awaitOfAnUnknownJobSaysSo() {
    AssetGenerator g = generator();
    assertThatThrownBy(() -> g.await(JobId.of("nope"), Duration.ofSeconds(1)))
        .isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void customPresetsCanBeRegistered() {
    AssetGenerator g = AssetGenerator.builder().imageProvider(provider).assetStorage(storage)
        .registerPlatform(new Platform("mastodon-header", "Mastodon Header", 1500, 500)).build();
    toClose.add(g);

    GenerationResult r = g.generate(GenerationRequest.of("u", "p", List.of("mastodon-header")));

    assertThat(r.assets().get(0).width()).isEqualTo(1500);
    assertThat(g.platforms().find("mastodon-header")).isPresent();
    assertThat(g.platforms().all()).hasSize(10);
  }
}
