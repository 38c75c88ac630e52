package com.snapasset.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.Asset;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.OutputFormat;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link GenerationCatalog} must show. An implementation's test extends this
 * class and returns a fresh, empty catalog from {@link #createCatalog()}.
 *
 * <p>What the port's Javadoc leaves open is fixed here:
 *
 * <ul>
 *   <li>Recording an id that is already recorded keeps the first record and does not fail.
 *   <li>{@link GenerationCatalog#latest} orders by {@code createdAt} descending, then by {@code
 *       generationId} descending among equal times; its cursor is a keyset position, so records
 *       added after the first page neither repeat nor shift later pages. A limit outside 1–100 or a
 *       cursor the catalog did not issue is an {@link InvalidRequestException}.
 *   <li>{@link GenerationCatalog#deleteOlderThan} deletes strictly older records, oldest first, and
 *       returns them with their assets; a limit below 1 is an {@link InvalidRequestException}.
 *   <li>Times are kept to the microsecond at least (what SQL timestamps hold); the suite uses
 *       microsecond-precise instants.
 * </ul>
 */
public abstract class GenerationCatalogContract {
  /** 2026-01-01T00:00:00.123456Z: a base time with microseconds. */
  protected static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");

  private GenerationCatalog catalog;

  /** A new, empty catalog. Called before every test. */
  protected abstract GenerationCatalog createCatalog();

  @BeforeEach
  void setUpCatalog() {
    catalog = createCatalog();
  }

  /** The catalog under test. */
  protected GenerationCatalog catalog() {
    return catalog;
  }

  // ---- fixtures, usable by subclasses ----

  /** A record with two assets (JPEG then PNG), a job id and a revised prompt. */
  protected static GenerationRecord generation(String id, String userId, Instant createdAt) {
    return new GenerationRecord(
        id,
        "job-" + id,
        userId,
        "a red fox in the snow, " + id,
        "A photorealistic red fox standing in fresh snow (" + id + ")",
        ImageOptions.defaults().withQuality("hd"),
        "openai",
        new BigDecimal("0.080"),
        createdAt,
        List.of(
            asset(id, "instagram-post", "Instagram Post", 1080, 1080, OutputFormat.JPEG),
            asset(id, "twitter-header", "Twitter Header", 1500, 500, OutputFormat.PNG)));
  }

  protected static Asset asset(
      String generationId, String platformId, String name, int w, int h, OutputFormat format) {
    String key = "gen/" + generationId + "/" + platformId + "." + format.extension();
    return new Asset(
        platformId,
        name,
        w,
        h,
        format,
        123_456L + w,
        key,
        URI.create("https://cdn.example.com/" + key));
  }

  /** Field-by-field equality, costs compared by value (0.08 equals 0.080). */
  protected static void assertSameRecord(
      @Nullable GenerationRecord actual, GenerationRecord expected) {
    assertThat(actual).isNotNull();
    assertThat(actual)
        .usingRecursiveComparison()
        .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
        .isEqualTo(expected);
  }

  private static List<String> ids(List<GenerationRecord> records) {
    return records.stream().map(GenerationRecord::generationId).toList();
  }

  // ---- record / find ----

  @Test
  void recordedGenerationIsFoundWithAllItsFieldsAndAssetsInOrder() {
    GenerationRecord g = generation("g1", "alice", T0);

    catalog.record(g);

    Optional<GenerationRecord> found = catalog.find("g1");
    assertThat(found).isPresent();
    assertSameRecord(found.get(), g);
    assertThat(found.get().assets())
        .extracting(Asset::platformId)
        .containsExactly("instagram-post", "twitter-header");
  }

  @Test
  void optionalFieldsAndAnEmptyAssetListRoundTrip() {
    GenerationRecord g =
        new GenerationRecord(
            "bare",
            null,
            "bob",
            "Ünïcødé prompt — 狐 🦊 with 'quotes' and \"double\"; DROP TABLE x;",
            null,
            ImageOptions.defaults(),
            "placeholder",
            BigDecimal.ZERO,
            T0,
            List.of());

    catalog.record(g);

    assertSameRecord(catalog.find("bare").orElse(null), g);
  }

  @Test
  void unknownIdIsNotFound() {
    catalog.record(generation("g1", "alice", T0));

    assertThat(catalog.find("nope")).isEmpty();
  }

  @Test
  void recordingTheSameIdAgainIsHarmlessAndKeepsTheFirstRecord() {
    GenerationRecord first = generation("g1", "alice", T0);
    GenerationRecord again = generation("g1", "alice", T0.plusSeconds(5));

    catalog.record(first);
    catalog.record(first);
    catalog.record(again);

    assertSameRecord(catalog.find("g1").orElse(null), first);
    CatalogPage page = catalog.latest("alice", 100, null);
    assertThat(ids(page.items())).containsExactly("g1");
    assertThat(page.items().get(0).assets()).hasSize(2);
  }

  // ---- latest ----

  @Test
  void latestListsOnlyThatUsersGenerationsNewestFirst() {
    catalog.record(generation("a-old", "alice", T0));
    catalog.record(generation("b-1", "bob", T0.plusSeconds(1)));
    catalog.record(generation("a-new", "alice", T0.plusSeconds(20)));
    catalog.record(generation("a-mid", "alice", T0.plusSeconds(10)));

    CatalogPage page = catalog.latest("alice", 20, null);

    assertThat(ids(page.items())).containsExactly("a-new", "a-mid", "a-old");
    assertThat(page.nextCursor()).isNull();
    assertSameRecord(page.items().get(1), generation("a-mid", "alice", T0.plusSeconds(10)));
  }

  @Test
  void latestOfAnUnknownUserIsEmpty() {
    catalog.record(generation("g1", "alice", T0));

    CatalogPage page = catalog.latest("nobody", 20, null);

    assertThat(page.items()).isEmpty();
    assertThat(page.nextCursor()).isNull();
  }

  @Test
  void cursorWalksEveryGenerationOnceIncludingEqualTimes() {
    List<String> expected = new ArrayList<>();
    // 23 generations; groups of three share one instant, so the id breaks the ties.
    for (int i = 0; i < 23; i++) {
      Instant at = T0.plus(i / 3, ChronoUnit.MINUTES);
      String id = String.format("g%02d", i);
      catalog.record(generation(id, "alice", at));
      expected.add(0, id);
    }
    catalog.record(generation("other", "bob", T0.plusSeconds(30)));

    List<String> walked = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    String cursor = null;
    do {
      CatalogPage page = catalog.latest("alice", 5, cursor);
      walked.addAll(ids(page.items()));
      pageSizes.add(page.items().size());
      cursor = page.nextCursor();
    } while (cursor != null && pageSizes.size() < 10);

    assertThat(walked).containsExactlyElementsOf(expected);
    assertThat(pageSizes).containsExactly(5, 5, 5, 5, 3);
  }

  @Test
  void aFullLastPageHasNoNextCursor() {
    for (int i = 0; i < 4; i++) {
      catalog.record(generation("g" + i, "alice", T0.plusSeconds(i)));
    }

    CatalogPage first = catalog.latest("alice", 2, null);
    CatalogPage second = catalog.latest("alice", 2, first.nextCursor());

    assertThat(first.nextCursor()).isNotNull();
    assertThat(ids(second.items())).containsExactly("g1", "g0");
    assertThat(second.nextCursor()).isNull();
  }

  @Test
  void newerGenerationsRecordedBetweenPagesDoNotShiftTheNextPage() {
    for (int i = 0; i < 6; i++) {
      catalog.record(generation("g" + i, "alice", T0.plusSeconds(i)));
    }
    CatalogPage first = catalog.latest("alice", 3, null);

    catalog.record(generation("fresh", "alice", T0.plusSeconds(100)));
    CatalogPage second = catalog.latest("alice", 3, first.nextCursor());

    assertThat(ids(first.items())).containsExactly("g5", "g4", "g3");
    assertThat(ids(second.items())).containsExactly("g2", "g1", "g0");
  }

  @Test
  void limitOutsideOneToHundredIsRefused() {
    assertThatThrownBy(() -> catalog.latest("alice", 0, null))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> catalog.latest("alice", 101, null))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(catalog.latest("alice", 100, null).items()).isEmpty();
  }

  @Test
  void aCursorTheCatalogDidNotIssueIsRefused() {
    catalog.record(generation("g1", "alice", T0));

    assertThatThrownBy(() -> catalog.latest("alice", 10, "not a cursor"))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> catalog.latest("alice", 10, ""))
        .isInstanceOf(InvalidRequestException.class);
  }

  // ---- deleteOlderThan ----

  @Test
  void deleteOlderThanRemovesStrictlyOlderOnesOldestFirstAndReturnsThem() {
    for (int i = 0; i < 5; i++) {
      catalog.record(generation("g" + i, i % 2 == 0 ? "alice" : "bob", T0.plusSeconds(i)));
    }

    List<GenerationRecord> deleted = catalog.deleteOlderThan(T0.plusSeconds(3), 100);

    assertThat(ids(deleted)).containsExactly("g0", "g1", "g2");
    assertSameRecord(deleted.get(1), generation("g1", "bob", T0.plusSeconds(1)));
    assertThat(catalog.find("g0")).isEmpty();
    assertThat(catalog.find("g2")).isEmpty();
    assertThat(catalog.find("g3")).isPresent();
    assertThat(ids(catalog.latest("alice", 10, null).items())).containsExactly("g4");
    assertThat(ids(catalog.latest("bob", 10, null).items())).containsExactly("g3");
  }

  @Test
  void deleteOlderThanHonoursItsLimitSoCallersCanDrainInBatches() {
    for (int i = 0; i < 7; i++) {
      catalog.record(generation("g" + i, "alice", T0.plusSeconds(i)));
    }
    Instant cutoff = T0.plusSeconds(60);

    List<String> batches = new ArrayList<>();
    List<GenerationRecord> batch;
    int rounds = 0;
    while (!(batch = catalog.deleteOlderThan(cutoff, 3)).isEmpty() && rounds++ < 10) {
      batches.add(String.join(",", ids(batch)));
    }

    assertThat(batches).containsExactly("g0,g1,g2", "g3,g4,g5", "g6");
    assertThat(catalog.latest("alice", 10, null).items()).isEmpty();
    assertThatThrownBy(() -> catalog.deleteOlderThan(cutoff, 0))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void deletedIdCanBeRecordedAgain() {
    catalog.record(generation("g1", "alice", T0));
    catalog.deleteOlderThan(T0.plusSeconds(1), 10);

    GenerationRecord later = generation("g1", "alice", T0.plusSeconds(10));
    catalog.record(later);

    assertSameRecord(catalog.find("g1").orElse(null), later);
  }

  // ---- thread-safety ----

  @Test
  void concurrentRecordsAndReadsLoseNothing() throws Exception {
    int threads = 4;
    int perThread = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger seq = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    int n = seq.getAndIncrement();
                    catalog.record(generation("c" + n, "user" + (n % 3), T0.plusMillis(n)));
                    catalog.latest("user" + (n % 3), 10, null);
                    // Everyone records g-shared too: exactly one copy must remain.
                    catalog.record(generation("g-shared", "user0", T0));
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    int total = 0;
    for (int u = 0; u < 3; u++) {
      String cursor = null;
      int pages = 0;
      do {
        CatalogPage page = catalog.latest("user" + u, 100, cursor);
        total += page.items().size();
        cursor = page.nextCursor();
      } while (cursor != null && ++pages < 10);
    }
    assertThat(total).isEqualTo(threads * perThread + 1);
    assertThat(catalog.find("c" + (threads * perThread - 1))).isPresent();
    assertThat(catalog.find("g-shared").orElseThrow().assets()).hasSize(2);
  }
}
